// Synthetic segments and a recording sink for the TCP tracker's tests.
import { TcpFlag, type Endpoint, type Segment } from '../../src/packet/types.js';
import { TcpTracker } from '../../src/tcp/index.js';
import type { StreamChunk, TcpConnectionInfo, TcpEvent, TcpTrackerOptions } from '../../src/tcp/index.js';

export const { FIN, SYN, RST, PSH, ACK } = TcpFlag;

export const CLIENT: Endpoint = { ip: '10.0.0.1', port: 50_000 };
export const SERVER: Endpoint = { ip: '10.0.0.2', port: 80 };

export interface SegmentSpec {
  seq: number;
  ack?: number;
  flags?: number;
  /** Captured payload. */
  data?: string | Buffer;
  /** Bytes on the wire when more than were captured (snaplen cut). */
  wireLength?: number;
  window?: number;
  /** Seconds since the previous segment (default 1 ms). */
  dt?: number;
}

/** Numbers packets and advances time like a capture does. */
export class Wire {
  private packet = 0;
  /** Whole microseconds, so that timestamps are what a µs-resolution capture gives. */
  private micros = 0;

  constructor(
    readonly client: Endpoint = CLIENT,
    readonly server: Endpoint = SERVER,
  ) {}

  /** A segment from the client ('c') or the server ('s'). */
  seg(from: 'c' | 's', spec: SegmentSpec): Segment {
    const payload = typeof spec.data === 'string' ? Buffer.from(spec.data, 'latin1') : (spec.data ?? Buffer.alloc(0));
    this.micros += Math.round((spec.dt ?? 0.001) * 1e6);
    return {
      packet: ++this.packet,
      ts: 1_700_000_000 + this.micros / 1e6,
      src: from === 'c' ? this.client : this.server,
      dst: from === 'c' ? this.server : this.client,
      ipVersion: 4,
      seq: spec.seq >>> 0,
      ack: (spec.ack ?? 0) >>> 0,
      flags: spec.flags ?? ACK,
      window: spec.window ?? 65_535,
      windowScale: null,
      payloadLength: spec.wireLength ?? payload.length,
      payload,
    };
  }
}

export type Call =
  | { call: 'connection'; info: TcpConnectionInfo }
  | { call: 'segment'; id: number; packet: number; direction: string }
  | { call: 'chunk'; id: number; chunk: StreamChunk }
  | { call: 'event'; id: number; event: TcpEvent }
  | { call: 'evicted'; id: number; ts: number }
  | { call: 'end'; id: number; ts: number };

/** A tracker whose sinks log every call, in order. */
export function recordingTracker(options?: TcpTrackerOptions): { tracker: TcpTracker; calls: Call[] } {
  const calls: Call[] = [];
  const tracker = new TcpTracker((info) => {
    calls.push({ call: 'connection', info });
    const id = info.id;
    return {
      onSegment: (segment, direction) => calls.push({ call: 'segment', id, packet: segment.packet, direction }),
      // Chunks may be views of the packet: copy, as a consumer keeping them must.
      onChunk: (chunk) => calls.push({ call: 'chunk', id, chunk: { ...chunk, data: Buffer.from(chunk.data) } }),
      onEvent: (event) => calls.push({ call: 'event', id, event }),
      onEvicted: (ts) => calls.push({ call: 'evicted', id, ts }),
      onEnd: (ts) => calls.push({ call: 'end', id, ts }),
    };
  }, options);
  return { tracker, calls };
}

export function feed(tracker: TcpTracker, segments: Segment[]): void {
  for (const segment of segments) tracker.push(segment);
}

/** Events of one connection as compact strings: `type:direction@packet` (`+bytes` for gaps). */
export function events(calls: Call[], id = 0): string[] {
  return calls.flatMap((c) =>
    c.call === 'event' && c.id === id
      ? [`${c.event.type}:${c.event.direction}@${c.event.packet}${c.event.bytesMissing === undefined ? '' : `+${c.event.bytesMissing}`}`]
      : [],
  );
}

/** Chunks of one direction as `offset:text@packet`. */
export function chunks(calls: Call[], direction: 'client' | 'server', id = 0): string[] {
  return calls.flatMap((c) =>
    c.call === 'chunk' && c.id === id && c.chunk.direction === direction
      ? [`${c.chunk.offset}:${c.chunk.data.toString('latin1')}@${c.chunk.packet}`]
      : [],
  );
}

export function infos(calls: Call[]): TcpConnectionInfo[] {
  return calls.flatMap((c) => (c.call === 'connection' ? [c.info] : []));
}

/** The standard three-way handshake with client ISN `c` and server ISN `s`. */
export function handshake(wire: Wire, c: number, s: number): Segment[] {
  return [
    wire.seg('c', { seq: c, flags: SYN }),
    wire.seg('s', { seq: s, ack: c + 1, flags: SYN | ACK }),
    wire.seg('c', { seq: c + 1, ack: s + 1 }),
  ];
}
