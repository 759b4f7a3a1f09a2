// A connection's timeline: TCP, HTTP and WebSocket events joined in one ordered list, with the close and
// heartbeat blocks and the findings read off it.
import type { Segment } from '../packet/types.js';
import type { Direction, TcpEvent } from '../tcp/types.js';
import type { HttpRequestHead, HttpResponseHead } from '../http/types.js';
import { Opcode } from '../websocket/types.js';
import type { Finding } from '../findings/index.js';
import { closeFindings, closeModel } from './close.js';
import { heartbeatFindings, heartbeatModel, matchPongs, QuietTracker, type ControlFrame, type UnansweredKeepalives } from './heartbeat.js';
import type { CloseModel, FrameModel, HeartbeatModel, MessageModel, TimelineEvent, TimelineEventType } from './model.js';

/** Quiet periods longer than this many seconds become `idle` events unless the caller says otherwise. */
export const DEFAULT_IDLE_THRESHOLD_S = 30;

/**
 * Order of events that share a timestamp and packet: the TCP handshake, what the packet's sequence numbers
 * say, what its bytes completed (HTTP heads, then frames, then the messages they end), then the teardown;
 * derived events last.
 */
const RANK: Record<TimelineEventType, number> = {
  'tcp-syn': 0,
  'tcp-syn-ack': 0,
  'tcp-established': 0,
  keepalive: 1,
  'keepalive-ack': 1,
  'zero-window': 1,
  'zero-window-probe': 1,
  retransmission: 1,
  'out-of-order': 1,
  'dup-ack': 1,
  gap: 2,
  'http-request': 3,
  'http-response': 3,
  'ws-open': 4,
  'ws-frame': 5,
  ping: 5,
  pong: 5,
  'ws-close': 5,
  'ws-message': 6,
  'tcp-fin': 7,
  'tcp-rst': 8,
  idle: 9,
};

/**
 * A timeline event with every field, in this order, undefined where it does not apply: one shape for all
 * events, so that reading a field is never a lookup across many shapes (a slow, megamorphic load on every
 * event of every pass), while JSON, which leaves undefined out, writes each kind as it always did.
 */
export function timelineEvent(ts: number, type: TimelineEventType, direction: Direction | null, packet: number | null): TimelineEvent {
  return {
    ts,
    type,
    direction,
    packet,
    frame: undefined,
    message: undefined,
    method: undefined,
    target: undefined,
    status: undefined,
    length: undefined,
    bytesMissing: undefined,
    rttMs: undefined,
    code: undefined,
    reason: undefined,
    idleS: undefined,
  };
}

/** By time, then packet (derived events, which have none, after the packets of their instant), then RANK. */
export function compareEvents(a: TimelineEvent, b: TimelineEvent): number {
  // Signs, not differences: an integer result is never boxed, where a difference of times would be.
  if (a.ts !== b.ts) return a.ts < b.ts ? -1 : 1;
  if (a.packet !== b.packet) {
    if (a.packet === null) return 1;
    if (b.packet === null) return -1;
    return a.packet - b.packet;
  }
  return RANK[a.type] - RANK[b.type];
}

/**
 * Sorts `events` in place and returns them. Array.prototype.sort is stable (ES2019), so events that compare
 * equal keep the order they were recorded in.
 */
export function orderEvents(events: TimelineEvent[]): TimelineEvent[] {
  return events.sort(compareEvents);
}

const compareControls = (a: ControlFrame, b: ControlFrame): number => compareEvents(a.event, b.event);

export interface TimelineResult {
  events: TimelineEvent[];
  close: CloseModel;
  heartbeat: HeartbeatModel;
  findings: Finding[];
}

function frameEventType(opcode: number): TimelineEventType {
  switch (opcode) {
    case Opcode.PING:
      return 'ping';
    case Opcode.PONG:
      return 'pong';
    case Opcode.CLOSE:
      return 'ws-close';
    default:
      return 'ws-frame';
  }
}

/**
 * Collects one connection's events as the stages report them (calls in capture order), and builds the
 * timeline when the connection ends. Holds the events, the Ping/Pong payloads (at most 125 bytes each,
 * RFC 6455 §5.5) and the quiet periods longer than the threshold; payload activity is only counted.
 */
export class TimelineRecorder {
  private readonly events: TimelineEvent[] = [];
  private readonly controls: ControlFrame[] = [];
  private readonly quiet: QuietTracker;
  /**
   * The latest payload-carrying packet (its number and time; -1 for none), not yet counted as activity: the
   * TCP stage labels a keep-alive (whose one garbage byte is no payload that counts) only after handing on
   * the segment itself.
   */
  private pendingPacket = -1;
  private pendingTs = 0;
  /** Keep-alives each side sent since the other side's last packet. */
  private clientKeepalives: UnansweredKeepalives | null = null;
  private serverKeepalives: UnansweredKeepalives | null = null;
  /**
   * Whether every event so far was recorded after the one before it in timeline order (then finishing needs
   * no sort), and that last event's time, packet and rank.
   */
  private inOrder = true;
  private lastTs = 0;
  private lastPacket = 0;
  private lastRank = 0;

  constructor(start: number, idleThresholdS: number = DEFAULT_IDLE_THRESHOLD_S) {
    this.quiet = new QuietTracker(start, idleThresholdS);
  }

  segment(segment: Segment, direction: Direction): void {
    this.commitActivity();
    if (segment.payloadLength > 0) {
      this.pendingPacket = segment.packet;
      this.pendingTs = segment.ts;
    }
    // A packet from one side answers the other side's keep-alives.
    if (direction === 'client') this.serverKeepalives = null;
    else this.clientKeepalives = null;
  }

  tcpEvent(event: TcpEvent): void {
    const timeline = timelineEvent(event.ts, event.type, event.direction, event.packet);
    timeline.bytesMissing = event.bytesMissing;
    this.record(timeline, RANK[event.type]);
    if (event.type !== 'keepalive') return;
    if (this.pendingPacket === event.packet) this.pendingPacket = -1;
    const waiting = event.direction === 'client' ? this.clientKeepalives : this.serverKeepalives;
    if (waiting) waiting.count++;
    else if (event.direction === 'client') this.clientKeepalives = { direction: 'client', count: 1, first: timeline };
    else this.serverKeepalives = { direction: 'server', count: 1, first: timeline };
  }

  request(request: HttpRequestHead): void {
    const { ts, packet, method, target } = request;
    const event = timelineEvent(ts, 'http-request', 'client', packet);
    event.method = method;
    event.target = target;
    this.record(event, RANK['http-request']);
  }

  response(response: HttpResponseHead): void {
    const { ts, packet, status } = response;
    const event = timelineEvent(ts, 'http-response', 'server', packet);
    event.status = status;
    this.record(event, RANK['http-response']);
  }

  /** The 101 that switched the connection to WebSocket (RFC 6455 §4.1). */
  open(response: HttpResponseHead): void {
    const { ts, packet, status } = response;
    const event = timelineEvent(ts, 'ws-open', 'server', packet);
    event.status = status;
    this.record(event, RANK['ws-open']);
  }

  /** `payload`: the frame's whole payload (to match Pongs with Pings), which `frame` may hold only part of. */
  frame(frame: FrameModel, payload: Buffer): void {
    const type = frameEventType(frame.opcode);
    const event = timelineEvent(frame.ts, type, frame.direction, frame.packet);
    event.frame = frame.index;
    if (type === 'ws-close') {
      event.code = frame.close?.code ?? null;
      event.reason = frame.close?.reason ?? '';
    } else {
      event.length = frame.payloadLength;
    }
    this.record(event, RANK['ws-frame']); // every kind of frame ranks alike
    if (type === 'ping' || type === 'pong') this.controls.push({ event, payload: Buffer.from(payload) });
  }

  /** `packet`: the packet that completed the message. */
  message(message: MessageModel, packet: number): void {
    const event = timelineEvent(message.ts, 'ws-message', message.direction, packet);
    event.message = message.index;
    event.length = message.length;
    this.record(event, RANK['ws-message']);
  }

  /** The connection's last packet was at `end`: builds the timeline and what it says. */
  finish(end: number): TimelineResult {
    this.commitActivity();
    const longestIdleS = this.quiet.finish(end);
    for (const period of this.quiet.periods) {
      // A quiet period is placed where it began, before the events recorded since.
      const event = timelineEvent(period.ts, 'idle', null, null);
      event.idleS = period.idleS;
      this.events.push(event);
      this.inOrder = false;
    }
    // Sorted when recorded out of order; the controls are a subsequence of the events, in order with them.
    const events = this.inOrder ? this.events : orderEvents(this.events);
    const match = matchPongs(this.inOrder ? this.controls : this.controls.sort(compareControls));
    for (const [pong, rttMs] of match.rttMs) pong.rttMs = rttMs;
    const close = closeModel(events);
    const unansweredKeepalives = [this.clientKeepalives, this.serverKeepalives].filter(
      (waiting): waiting is UnansweredKeepalives => waiting !== null,
    );
    return {
      events,
      close,
      heartbeat: heartbeatModel(events, match, longestIdleS),
      findings: [...closeFindings(close, events), ...heartbeatFindings(match, unansweredKeepalives)],
    };
  }

  /** Adds an event of a packet (compareEvents, with its RANK given). */
  private record(event: TimelineEvent, rank: number): void {
    this.events.push(event);
    if (!this.inOrder) return;
    const ts = event.ts;
    const packet = event.packet as number;
    if (ts < this.lastTs || (ts === this.lastTs && (packet < this.lastPacket || (packet === this.lastPacket && rank < this.lastRank)))) {
      this.inOrder = false;
    }
    this.lastTs = ts;
    this.lastPacket = packet;
    this.lastRank = rank;
  }

  private commitActivity(): void {
    if (this.pendingPacket === -1) return;
    this.quiet.activity(this.pendingTs);
    this.pendingPacket = -1;
  }
}
