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

/** By time, then packet (derived events, which have none, after the packets of their instant), then RANK. */
export function compareEvents(a: TimelineEvent, b: TimelineEvent): number {
  if (a.ts !== b.ts) return a.ts - b.ts;
  if (a.packet !== b.packet) {
    if (a.packet === null) return 1;
    if (b.packet === null) return -1;
    return a.packet - b.packet;
  }
  return RANK[a.type] - RANK[b.type];
}

/** A stable sort: events that compare equal keep the order they were recorded in. */
export function orderEvents(events: TimelineEvent[]): TimelineEvent[] {
  return events
    .map((event, i) => ({ event, i }))
    .sort((a, b) => compareEvents(a.event, b.event) || a.i - b.i)
    .map(({ event }) => event);
}

export interface TimelineResult {
  events: TimelineEvent[];
  close: CloseModel;
  heartbeat: HeartbeatModel;
  findings: Finding[];
}

const other = (direction: Direction): Direction => (direction === 'client' ? 'server' : 'client');

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
   * The latest payload-carrying packet, not yet counted as activity: the TCP stage labels a keep-alive
   * (whose one garbage byte is no payload that counts) only after handing on the segment itself.
   */
  private pendingActivity: { ts: number; packet: number } | null = null;
  /** Keep-alives each side sent since the other side's last packet. */
  private readonly waitingKeepalives: Record<Direction, UnansweredKeepalives | null> = { client: null, server: null };

  constructor(start: number, idleThresholdS: number = DEFAULT_IDLE_THRESHOLD_S) {
    this.quiet = new QuietTracker(start, idleThresholdS);
  }

  segment(segment: Segment, direction: Direction): void {
    this.commitActivity();
    if (segment.payloadLength > 0) this.pendingActivity = { ts: segment.ts, packet: segment.packet };
    this.waitingKeepalives[other(direction)] = null;
  }

  tcpEvent(event: TcpEvent): void {
    const timeline: TimelineEvent = { ts: event.ts, type: event.type, direction: event.direction, packet: event.packet };
    if (event.bytesMissing !== undefined) timeline.bytesMissing = event.bytesMissing;
    this.events.push(timeline);
    if (event.type !== 'keepalive') return;
    if (this.pendingActivity?.packet === event.packet) this.pendingActivity = null;
    const waiting = this.waitingKeepalives[event.direction];
    if (waiting) waiting.count++;
    else this.waitingKeepalives[event.direction] = { direction: event.direction, count: 1, first: timeline };
  }

  request(request: HttpRequestHead): void {
    const { ts, packet, method, target } = request;
    this.events.push({ ts, type: 'http-request', direction: 'client', packet, method, target });
  }

  response(response: HttpResponseHead): void {
    const { ts, packet, status } = response;
    this.events.push({ ts, type: 'http-response', direction: 'server', packet, status });
  }

  /** The 101 that switched the connection to WebSocket (RFC 6455 §4.1). */
  open(response: HttpResponseHead): void {
    const { ts, packet, status } = response;
    this.events.push({ ts, type: 'ws-open', direction: 'server', packet, status });
  }

  /** `payload`: the frame's whole payload (to match Pongs with Pings), which `frame` may hold only part of. */
  frame(frame: FrameModel, payload: Buffer): void {
    const type = frameEventType(frame.opcode);
    const event: TimelineEvent = { ts: frame.ts, type, direction: frame.direction, packet: frame.packet, frame: frame.index };
    if (type === 'ws-close') {
      event.code = frame.close?.code ?? null;
      event.reason = frame.close?.reason ?? '';
    } else {
      event.length = frame.payloadLength;
    }
    this.events.push(event);
    if (type === 'ping' || type === 'pong') this.controls.push({ event, payload: Buffer.from(payload) });
  }

  /** `packet`: the packet that completed the message. */
  message(message: MessageModel, packet: number): void {
    this.events.push({ ts: message.ts, type: 'ws-message', direction: message.direction, packet, message: message.index, length: message.length });
  }

  /** The connection's last packet was at `end`: builds the timeline and what it says. */
  finish(end: number): TimelineResult {
    this.commitActivity();
    const longestIdleS = this.quiet.finish(end);
    for (const period of this.quiet.periods) {
      this.events.push({ ts: period.ts, type: 'idle', direction: null, packet: null, idleS: period.idleS });
    }
    const events = orderEvents(this.events);
    const match = matchPongs([...this.controls].sort((a, b) => compareEvents(a.event, b.event)));
    for (const [pong, rttMs] of match.rttMs) pong.rttMs = rttMs;
    const close = closeModel(events);
    const unansweredKeepalives = [this.waitingKeepalives.client, this.waitingKeepalives.server].filter(
      (waiting): waiting is UnansweredKeepalives => waiting !== null,
    );
    return {
      events,
      close,
      heartbeat: heartbeatModel(events, match, longestIdleS),
      findings: [...closeFindings(close, events), ...heartbeatFindings(match, unansweredKeepalives)],
    };
  }

  private commitActivity(): void {
    if (this.pendingActivity === null) return;
    this.quiet.activity(this.pendingActivity.ts);
    this.pendingActivity = null;
  }
}
