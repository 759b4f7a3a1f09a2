import { TcpFlag, type Endpoint, type Segment } from '../packet/types.js';
import { Analysis, SequenceAnalysis, analysisEvent } from './analysis.js';
import { roleFromPayload } from './client.js';
import { ByteStream, type Cause, type StreamOutput } from './stream.js';
import type { Direction, TcpConnectionInfo, TcpConnectionSink, TcpEvent, TcpEventType } from './types.js';

/** 0 is the side that sent the connection's first captured packet, 1 the other one. */
export type Side = 0 | 1;

/** A downstream call held back until the client is known. */
type Held =
  | { kind: 'segment'; side: Side; segment: Segment }
  | { kind: 'event'; side: Side; type: TcpEventType; cause: Cause; gap: GapDetail | undefined }
  | { kind: 'chunk'; side: Side; data: Buffer; offset: number; ts: number; packet: number };

/** What a `gap` event says beyond its type. */
interface GapDetail {
  bytesMissing: number;
  overflow: boolean;
}

/** How many segments may arrive before the client is known; then the port rule decides. */
const HOLD_SEGMENTS = 64;

interface SideState {
  endpoint: Endpoint;
  /**
   * Made on first use (a SYN, data or a FIN of this direction), dropped at the end: most connections of a
   * SYN flood never carry a byte, and an ended one keeps only what recognizes its late packets.
   */
  stream: ByteStream | null;
  /**
   * Wireshark's base_seq: the ISN from this side's SYN, else its first sequence number minus one, else
   * the peer's first acknowledgement number minus one. Null until known.
   */
  baseSeq: number | null;
  finSeen: boolean;
}

const other = (side: Side): Side => (side === 0 ? 1 : 0);
// No shortcut through identity (the packet stage mostly hands the same Endpoint object for the same
// address and port): the comparison of fields would then run too rarely for the optimizer to know their
// types, and its first run deoptimized every function it was inlined into.
const sameEndpoint = (a: Endpoint, b: Endpoint): boolean => a.port === b.port && a.ip === b.ip;

/**
 * One TCP connection: both directions reassembled, TCP events, the sink's calls in capture order.
 *
 * Once ended it stays in the tracker's table for a while (tracker.ts, the linger) holding only what tells
 * its late packets apart: its endpoints, their base sequence numbers, the time of its last packet.
 */
export class Connection {
  private readonly sides: [SideState, SideState];
  /** Made with the first segment, dropped at the end. */
  private analysis: SequenceAnalysis | null = null;
  private clientSide: Side | null = null;
  private sink: TcpConnectionSink | null = null;
  /** Calls waiting for the client to be known; null while there are none. */
  private held: Held[] | null = null;
  private heldSegments = 0;
  private sawSyn = false;
  private synSent = false;
  /** The first SYN-ACK: who sent it and its ISN, to recognise the ACK that completes the handshake. */
  private synAck: { side: Side; seq: number } | null = null;
  private established = false;
  private readonly firstTs: number;
  private readonly firstPacket: number;
  private lastTs = 0;
  private lastPacket = 0;
  private ended = false;

  constructor(
    readonly id: number,
    /** The table key (tracker.ts: the port pair), kept so that the tracker can drop the connection once it has ended. */
    readonly key: number,
    first: Segment,
    private readonly onConnection: (info: TcpConnectionInfo) => TcpConnectionSink,
    private readonly maxBufferBytes: number,
  ) {
    this.sides = [
      { endpoint: first.src, stream: null, baseSeq: null, finSeen: false },
      { endpoint: first.dst, stream: null, baseSeq: null, finSeen: false },
    ];
    this.firstTs = first.ts;
    this.firstPacket = first.packet;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Capture time of the connection's latest packet. */
  get lastSeen(): number {
    return this.lastTs;
  }

  /** Whether `segment` goes between this connection's two endpoints, in either direction. */
  holds(segment: Segment): boolean {
    const a = this.sides[0].endpoint;
    const b = this.sides[1].endpoint;
    return (sameEndpoint(segment.src, a) && sameEndpoint(segment.dst, b)) || (sameEndpoint(segment.src, b) && sameEndpoint(segment.dst, a));
  }

  /**
   * Whether `segment` opens a new connection on these ports rather than belonging to this one: a SYN
   * whose ISN differs from the base sequence number its sender already has here (Wireshark's rule for
   * tcp.stream, so ids agree with it; a SYN with the same ISN is a retransmission).
   */
  startsNewConnection(segment: Segment): boolean {
    if ((segment.flags & (TcpFlag.SYN | TcpFlag.ACK)) !== TcpFlag.SYN) return false;
    const baseSeq = this.sides[this.sideOf(segment)].baseSeq;
    return baseSeq !== null && baseSeq !== segment.seq;
  }

  push(segment: Segment): void {
    this.lastTs = segment.ts;
    this.lastPacket = segment.packet;
    if (this.ended) return; // late packets of a closed connection: nobody listens any more
    const side = this.sideOf(segment);
    const repeatedSyn =
      (segment.flags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.SYN && this.sides[side].baseSeq === segment.seq;
    this.noteBaseSeq(segment, side);
    if (segment.flags & TcpFlag.SYN) this.sawSyn = true;
    if (this.clientSide === null) this.decideFrom(segment, side);
    this.process(segment, side, repeatedSyn);
    if (this.clientSide === null && ++this.heldSegments >= HOLD_SEGMENTS) this.decide(this.clientByPorts());
  }

  /** End of capture: whatever is still open ends here, its holes declared as gaps. */
  finish(): void {
    if (!this.ended) this.end({ ts: this.lastTs, packet: this.lastPacket });
  }

  /** Too many connections are open at once: this one, the oldest, is no longer followed. */
  evict(): void {
    if (!this.ended) this.end({ ts: this.lastTs, packet: this.lastPacket }, true);
  }

  private sideOf(segment: Segment): Side {
    return sameEndpoint(segment.src, this.sides[0].endpoint) ? 0 : 1;
  }

  private noteBaseSeq(segment: Segment, side: Side): void {
    const own = this.sides[side];
    if (own.baseSeq === null) own.baseSeq = segment.flags & TcpFlag.SYN ? segment.seq : (segment.seq - 1) >>> 0;
    const peer = this.sides[other(side)];
    if (peer.baseSeq === null && segment.flags & TcpFlag.ACK) peer.baseSeq = (segment.ack - 1) >>> 0;
  }

  /** The client is the SYN sender; without a SYN, the first payload tells (see roleFromPayload). */
  private decideFrom(segment: Segment, side: Side): void {
    const flags = segment.flags;
    if (flags & TcpFlag.SYN) {
      this.decide(flags & TcpFlag.ACK ? other(side) : side);
      return;
    }
    if (flags & TcpFlag.RST || segment.payloadLength === 0 || segment.payload.length === 0) return;
    const role = roleFromPayload(segment.payload);
    this.decide(role === 'client' ? side : role === 'server' ? other(side) : this.clientByPorts());
  }

  /** No better clue: the higher port is the client's (ephemeral ports are high); on a tie, the first sender. */
  private clientByPorts(): Side {
    return this.sides[1].endpoint.port > this.sides[0].endpoint.port ? 1 : 0;
  }

  private decide(client: Side): void {
    this.clientSide = client;
    this.sink = this.onConnection({
      id: this.id,
      client: this.sides[client].endpoint,
      server: this.sides[other(client)].endpoint,
      firstTs: this.firstTs,
      firstPacket: this.firstPacket,
      sawSyn: this.sawSyn,
    });
    const held = this.held;
    if (held === null) return;
    this.held = null;
    for (const call of held) {
      if (call.kind === 'segment') this.emitSegment(call.segment, call.side);
      else if (call.kind === 'chunk') this.emitChunk(call.side, call.data, call.offset, call.ts, call.packet);
      else this.emitEvent(call.type, call.side, call.cause, call.gap);
    }
  }

  private process(segment: Segment, side: Side, repeatedSyn: boolean): void {
    // The segment itself names its time and packet: no object per segment for that.
    const cause: Cause = segment;
    const own = this.sides[side];
    const peer = this.sides[other(side)];
    const flags = segment.flags;
    this.emitSegment(segment, side);

    if (flags & TcpFlag.SYN) {
      if (flags & TcpFlag.ACK) {
        if (this.synAck === null) {
          this.synAck = { side, seq: segment.seq };
          this.emitEvent('tcp-syn-ack', side, cause);
        }
        // RFC 9293 §3.5: the SYN-ACK acknowledges the client's ISN, which fixes where its data starts.
        this.stream(other(side)).syn((segment.ack - 1) >>> 0);
      } else if (!this.synSent) {
        this.synSent = true;
        this.emitEvent('tcp-syn', side, cause);
      }
      this.stream(side).syn(segment.seq);
    } else if (
      (flags & (TcpFlag.ACK | TcpFlag.RST)) === TcpFlag.ACK &&
      !this.established &&
      this.synAck !== null &&
      side !== this.synAck.side &&
      segment.ack === ((this.synAck.seq + 1) >>> 0)
    ) {
      this.established = true;
      this.emitEvent('tcp-established', side, cause);
    }

    const analysis = (this.analysis ??= new SequenceAnalysis()).analyze(side, segment, repeatedSyn);
    const label = analysisEvent(analysis);
    if (label !== null) this.emitEvent(label, side, cause);

    // RFC 9293 §3.5.3: an RST may carry diagnostic text, which is not stream data; nor is the garbage
    // byte of a keep-alive (RFC 9293 §3.8.4), which repeats one already sent. A segment with neither data
    // nor FIN moves no stream (its sequence number alone starts none), so it makes none either.
    if (!(flags & TcpFlag.RST) && !(analysis & Analysis.KEEP_ALIVE) && (segment.payloadLength > 0 || flags & TcpFlag.FIN)) {
      // RFC 9293 §3.4: the SYN occupies the first sequence number; data in a SYN starts after it.
      const dataSeq = flags & TcpFlag.SYN ? (segment.seq + 1) >>> 0 : segment.seq;
      this.stream(side).segment(dataSeq, segment.payload, segment.payloadLength, (flags & TcpFlag.FIN) !== 0, cause);
    }
    // A direction without a stream has not started one: an acknowledgement of it declares nothing.
    if (flags & TcpFlag.ACK) peer.stream?.acked(segment.ack, cause);

    if (flags & TcpFlag.FIN && !own.finSeen) {
      own.finSeen = true;
      this.emitEvent('tcp-fin', side, cause);
    }
    if (flags & TcpFlag.RST) {
      this.emitEvent('tcp-rst', side, cause);
      this.end(cause);
    } else if (own.stream?.closed && peer.stream?.closed) {
      this.end(cause);
    }
  }

  private stream(side: Side): ByteStream {
    return (this.sides[side].stream ??= new ByteStream(this.streamOutput(side), this.maxBufferBytes));
  }

  private end(cause: Cause, evicted = false): void {
    this.sides[0].stream?.end(cause);
    this.sides[1].stream?.end(cause);
    // Deciding creates the sink: a connection ended before its client was known still reaches downstream.
    if (this.clientSide === null) this.decide(this.clientByPorts());
    const sink = this.sink as TcpConnectionSink;
    if (evicted) sink.onEvicted?.(cause.ts);
    sink.onEnd(cause.ts);
    this.ended = true;
    // What lingers is a tombstone: it holds nothing of downstream's, and none of the reassembly or analysis.
    this.sink = null;
    this.sides[0].stream = null;
    this.sides[1].stream = null;
    this.analysis = null;
    this.synAck = null;
  }

  private direction(side: Side): Direction {
    return side === this.clientSide ? 'client' : 'server';
  }

  private streamOutput(side: Side): StreamOutput {
    return {
      chunk: (data, offset, ts, packet) => this.emitChunk(side, data, offset, ts, packet),
      gap: (bytesMissing, ts, packet, overflow) => this.emitEvent('gap', side, { ts, packet }, { bytesMissing, overflow }),
    };
  }

  // Until the client is known, calls are held; what they reference outlives the packet, so it is copied.

  private emitSegment(segment: Segment, side: Side): void {
    if (this.sink !== null) this.sink.onSegment?.(segment, this.direction(side));
    else (this.held ??= []).push({ kind: 'segment', side, segment: { ...segment, payload: Buffer.from(segment.payload) } });
  }

  private emitChunk(side: Side, data: Buffer, offset: number, ts: number, packet: number): void {
    if (this.sink !== null) this.sink.onChunk({ direction: this.direction(side), data, offset, ts, packet });
    else (this.held ??= []).push({ kind: 'chunk', side, data: Buffer.from(data), offset, ts, packet });
  }

  private emitEvent(type: TcpEventType, side: Side, cause: Cause, gap?: GapDetail): void {
    if (this.sink === null) {
      // A copy of the two fields: the cause may be a segment, whose payload must not be held.
      (this.held ??= []).push({ kind: 'event', side, type, cause: { ts: cause.ts, packet: cause.packet }, gap });
      return;
    }
    const event: TcpEvent = { type, direction: this.direction(side), ts: cause.ts, packet: cause.packet };
    if (gap !== undefined) {
      event.bytesMissing = gap.bytesMissing;
      if (gap.overflow) event.overflow = true;
    }
    this.sink.onEvent(event);
  }
}
