// Whether a connection's heartbeats flowed: WebSocket Ping/Pong (RFC 6455 §5.5.2, §5.5.3), TCP keep-alives
// (RFC 9293 §3.8.4), and how long the connection stayed quiet.
import type { Direction } from '../tcp/types.js';
import { finding, type Finding } from '../findings/index.js';
import type { HeartbeatModel, TimelineEvent } from './model.js';

/** A Ping or Pong event with its whole payload (the model may keep only a prefix of it). */
export interface ControlFrame {
  event: TimelineEvent;
  payload: Buffer;
}

export interface PongMatch {
  /** Pong event -> milliseconds since the Ping it answers. */
  rttMs: Map<TimelineEvent, number>;
  /** Pings that no Pong answered, in time order. */
  unanswered: TimelineEvent[];
  /** Pongs that answer no Ping (RFC 6455 §5.5.3: a unidirectional heartbeat), in time order. */
  unsolicited: TimelineEvent[];
}

/** Milliseconds kept to the microsecond, so that reports do not carry float noise. */
const roundMs = (ms: number): number => Math.round(ms * 1e3) / 1e3;
export const toMs = (seconds: number): number => roundMs(seconds * 1e3);
/** Seconds rounded to the microsecond (capture timestamps carry no more). */
export const roundS = (seconds: number): number => Math.round(seconds * 1e6) / 1e6;

/**
 * RFC 6455 §5.5.3: a Pong answers a Ping from the other side with the same application data. Among the
 * pings waiting, it answers the latest such one; earlier ones with the same data count as answered too,
 * since an endpoint may answer only the most recent Ping. `controls` must be in time order.
 * Waiting pings are indexed by their data, so a flood of pings costs linear time, not quadratic.
 */
export function matchPongs(controls: ControlFrame[]): PongMatch {
  const rttMs = new Map<TimelineEvent, number>();
  const unsolicited: TimelineEvent[] = [];
  if (controls.length === 0) return { rttMs, unanswered: [], unsolicited };
  // Per direction: data (as latin1, one character per byte) -> the waiting pings carrying it, oldest first.
  const waiting: Record<Direction, Map<string, WaitingPing[]>> = { client: new Map(), server: new Map() };
  for (let order = 0; order < controls.length; order++) {
    const { event, payload } = controls[order];
    if (event.direction === null) continue;
    const data = payload.toString('latin1');
    if (event.type === 'ping') {
      const same = waiting[event.direction].get(data);
      if (same) same.push({ event, order });
      else waiting[event.direction].set(data, [{ event, order }]);
      continue;
    }
    const pings = waiting[event.direction === 'client' ? 'server' : 'client'];
    const answered = pings.get(data);
    if (answered === undefined) {
      unsolicited.push(event);
      continue;
    }
    rttMs.set(event, toMs(event.ts - answered[answered.length - 1].event.ts));
    pings.delete(data);
  }
  // In time order; at equal times the client's first, each side's in the order they came.
  const left = (direction: Direction, rank: number) =>
    [...waiting[direction].values()].flat().map((ping) => ({ ...ping, rank }));
  const unanswered = [...left('client', 0), ...left('server', 1)]
    .sort((a, b) => a.event.ts - b.event.ts || a.rank - b.rank || a.order - b.order)
    .map((ping) => ping.event);
  return { rttMs, unanswered, unsolicited };
}

interface WaitingPing {
  event: TimelineEvent;
  /** Position among the controls, to keep equal-time pings in the order they came. */
  order: number;
}

export interface QuietPeriod {
  /** When the quiet began (the last payload before it, or the connection's start). */
  ts: number;
  idleS: number;
}

/**
 * Quiet periods of a connection: stretches with no payload in either direction (keep-alives carry none that
 * counts). Fed payload times as they come; keeps only the periods longer than the threshold.
 */
export class QuietTracker {
  private last: number;
  private longest = 0;
  readonly periods: QuietPeriod[] = [];

  constructor(
    start: number,
    private readonly thresholdS: number,
  ) {
    this.last = start;
  }

  /** Payload seen at `ts`. */
  activity(ts: number): void {
    const quiet = ts - this.last;
    if (quiet > this.longest) this.longest = quiet;
    if (quiet > this.thresholdS) this.periods.push({ ts: this.last, idleS: roundS(quiet) });
    if (ts > this.last) this.last = ts;
  }

  /** The connection's last packet: the time since the last payload is quiet too. Returns the longest quiet time. */
  finish(end: number): number {
    this.activity(end);
    return roundS(this.longest);
  }
}

/** Ascending, for sort(): a sign, never a difference (which would box a float per call in unoptimized code). */
const ascending = (a: number, b: number): number => (a < b ? -1 : a > b ? 1 : 0);

function median(sorted: number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Intervals between consecutive events of the same sender, as median and max seconds (null with none). */
export function intervalStats(events: TimelineEvent[]): { median: number; max: number } | null {
  const last: Partial<Record<Direction, number>> = {};
  const intervals: number[] = [];
  for (const event of events) {
    if (event.direction === null) continue;
    const previous = last[event.direction];
    if (previous !== undefined) intervals.push(event.ts - previous);
    last[event.direction] = event.ts;
  }
  if (intervals.length === 0) return null;
  intervals.sort(ascending);
  return { median: roundS(median(intervals)), max: roundS(intervals[intervals.length - 1]) };
}

/** The heartbeat block from the ordered timeline, its Ping/Pong matching and the longest quiet time. */
export function heartbeatModel(events: TimelineEvent[], match: PongMatch, longestIdleS: number): HeartbeatModel {
  const pings: TimelineEvent[] = [];
  const keepalives: TimelineEvent[] = [];
  let pongs = 0;
  for (const event of events) {
    if (event.type === 'ping') pings.push(event);
    else if (event.type === 'pong') pongs++;
    else if (event.type === 'keepalive') keepalives.push(event);
  }
  const rtts = [...match.rttMs.values()].sort(ascending);
  return {
    pings: pings.length,
    pongs,
    unanswered: match.unanswered.length,
    rttMs: rtts.length === 0 ? null : { min: rtts[0], median: roundMs(median(rtts)), max: rtts[rtts.length - 1] },
    pingIntervalS: intervalStats(pings),
    keepalives: keepalives.length,
    keepaliveIntervalS: intervalStats(keepalives),
    longestIdleS,
  };
}

/** Keep-alives a side sent after the last packet its peer sent: nobody answered them. */
export interface UnansweredKeepalives {
  direction: Direction;
  count: number;
  first: TimelineEvent;
}

/** Findings about heartbeats that went unanswered, and pongs that answered nothing. */
export function heartbeatFindings(match: PongMatch, keepalives: UnansweredKeepalives[]): Finding[] {
  const findings: Finding[] = [];
  for (const pong of match.unsolicited) {
    const asker = pong.direction === 'client' ? 'server' : 'client';
    findings.push(
      finding('pong-unsolicited', `The ${pong.direction} sent a Pong that answers no Ping from the ${asker} (no waiting Ping has its data).`, {
        ts: pong.ts,
        packet: pong.packet ?? undefined,
        frame: pong.frame,
      }),
    );
  }
  if (match.unanswered.length > 0) {
    const first = match.unanswered[0];
    const n = match.unanswered.length;
    findings.push(
      finding(
        'ping-unanswered',
        `${n} Ping${n === 1 ? '' : 's'} got no Pong with the same data (first: from the ${first.direction}).`,
        { ts: first.ts, packet: first.packet ?? undefined, frame: first.frame },
      ),
    );
  }
  for (const { direction, count, first } of keepalives) {
    const peer = direction === 'client' ? 'server' : 'client';
    findings.push(
      finding(
        'keepalive-unanswered',
        `${count} TCP keep-alive probe${count === 1 ? '' : 's'} from the ${direction} got no answer: the ${peer} sent nothing after ${count === 1 ? 'it' : 'the first'}.`,
        { ts: first.ts, packet: first.packet ?? undefined },
      ),
    );
  }
  return findings;
}
