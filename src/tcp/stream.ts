/** Where a direction's reassembled bytes and gaps go, in stream order. */
export interface StreamOutput {
  chunk(data: Buffer, offset: number, ts: number, packet: number): void;
  /** `overflow`: the hole was given up because the bytes held behind it outgrew the buffer. */
  gap(bytesMissing: number, ts: number, packet: number, overflow: boolean): void;
}

/** The packet on whose account something is declared (the ACK past a hole, the RST, the end of capture). */
export interface Cause {
  ts: number;
  packet: number;
}

/** Bytes held until the hole before them is filled; `data` null marks bytes the snaplen cut off. */
interface Pending {
  start: number;
  end: number;
  data: Buffer | null;
  ts: number;
  packet: number;
}

/**
 * Also a cap on the number of held pieces, so that a flood of tiny out-of-order segments cannot make
 * the sorted insertion quadratic before the byte cap is reached.
 */
const MAX_PENDING_PIECES = 65_536;

/**
 * One direction of a connection reassembled into an ordered byte stream.
 *
 * Positions are absolute stream offsets (0 = the byte after the SYN, or the first byte seen when the
 * SYN was not captured), kept as plain numbers: a 32-bit sequence number is unwrapped relative to the
 * next expected byte with a signed 32-bit difference (RFC 9293 §3.4: sequence arithmetic is modulo
 * 2^32), which stays exact past any number of wrap-arounds up to 2^53 bytes.
 *
 * Where a retransmission disagrees with bytes already seen, the first-seen bytes win: they are the ones
 * already delivered (or queued for delivery) downstream, and a receiver's TCP does the same — it trims
 * the already-received part of a segment and keeps what it had (RFC 9293 §3.10.7.4).
 */
export class ByteStream {
  /** Sequence number of stream offset 0; null until the direction's SYN or first data is seen. */
  private origin: number | null = null;
  /** Offset of the next byte to deliver. */
  private next = 0;
  /** Offset the FIN occupies (just after the last data byte), once seen. */
  private finOffset: number | null = null;
  private finAcked = false;
  private readonly pending: Pending[] = [];
  private pendingBytes = 0;

  constructor(
    private readonly out: StreamOutput,
    private readonly maxBufferBytes: number,
  ) {}

  /** True once the peer has acknowledged this direction's FIN. */
  get closed(): boolean {
    return this.finAcked;
  }

  /** The direction's initial sequence number: the SYN occupies it, data starts after it (RFC 9293 §3.4). */
  syn(isn: number): void {
    if (this.origin === null) this.origin = (isn + 1) >>> 0;
  }

  /**
   * A segment of this direction: `payload` holds the captured bytes of the `wireLength` bytes that were
   * on the wire from sequence number `seq`; `fin` says a FIN follows them.
   */
  segment(seq: number, payload: Buffer, wireLength: number, fin: boolean, cause: Cause): void {
    if (this.origin === null) {
      // Mid-stream pickup: the stream starts at the first byte seen. Pure ACKs do not fix it (a keep-alive
      // carries the sequence number before the next byte).
      if (wireLength === 0 && !fin) return;
      this.origin = seq;
    }
    const start = this.offsetOf(seq);
    const end = start + wireLength;
    if (fin && this.finOffset === null) this.finOffset = end;
    if (end <= this.next) return; // full retransmission
    const captured = start + Math.min(payload.length, wireLength);
    if (this.pending.length === 0 && start <= this.next) {
      // In order (possibly overlapping what was delivered): the common case, delivered without copying.
      if (captured > this.next) {
        const whole = start === this.next && captured - start === payload.length;
        this.out.chunk(whole ? payload : payload.subarray(this.next - start, captured - start), this.next, cause.ts, cause.packet);
        this.next = captured;
      }
      if (end > this.next) {
        // The snaplen cut the segment: the rest of it was on the wire but is not in the capture.
        this.out.gap(end - this.next, cause.ts, cause.packet, false);
        this.next = end;
      }
      return;
    }
    this.hold(start, captured, payload, cause);
    this.hold(captured, end, null, cause);
    this.drain();
    while (this.overflowing()) this.skipTo(this.pending[0].start, cause, true);
  }

  /** The peer acknowledged up to `ack`: whatever it received that was never captured is a gap. */
  acked(ack: number, cause: Cause): void {
    if (this.origin === null) return;
    let upTo = this.offsetOf(ack);
    if (this.finOffset !== null && upTo > this.finOffset) {
      // The FIN occupies one sequence number (RFC 9293 §3.4) but no byte of the stream.
      this.finAcked = true;
      upTo = this.finOffset;
    }
    if (upTo > this.next) this.skipTo(upTo, cause);
  }

  /** The connection is over: deliver what is held, declaring the holes between, and free the buffers. */
  end(cause: Cause): void {
    while (this.pending.length > 0) this.skipTo(this.pending[0].start, cause);
    if (this.finOffset !== null && this.finOffset > this.next) this.skipTo(this.finOffset, cause);
  }

  private overflowing(): boolean {
    return this.pending.length > MAX_PENDING_PIECES || (this.pending.length > 0 && this.pendingBytes > this.maxBufferBytes);
  }

  /** Stream offset of a sequence number, unwrapped around the next expected byte. */
  private offsetOf(seq: number): number {
    const expected = ((this.origin as number) + this.next) >>> 0;
    return this.next + ((seq - expected) | 0);
  }

  /** Holds the part of [start, end) not already delivered or held (first-seen bytes win). */
  private hold(start: number, end: number, payload: Buffer | null, cause: Cause): void {
    let from = Math.max(start, this.next);
    let i = this.firstEndingAfter(from);
    while (from < end) {
      const held = this.pending[i];
      if (held === undefined || held.start >= end) {
        this.insert(i, from, end, start, payload, cause);
        return;
      }
      if (held.start > from) this.insert(i++, from, held.start, start, payload, cause);
      from = held.end; // held.end > from: pieces are disjoint, sorted, and the search skipped those ending before
      i++;
    }
  }

  /** Holds [from, to) of a segment whose payload starts at stream offset `at`. */
  private insert(i: number, from: number, to: number, at: number, payload: Buffer | null, cause: Cause): void {
    // Held bytes outlive the packet, whose buffer belongs to the capture reader: copy them.
    const data = payload === null ? null : Buffer.from(payload.subarray(from - at, to - at));
    this.pending.splice(i, 0, { start: from, end: to, data, ts: cause.ts, packet: cause.packet });
    if (data !== null) this.pendingBytes += data.length;
  }

  /** Index of the first held piece that ends after `offset`. */
  private firstEndingAfter(offset: number): number {
    let lo = 0;
    let hi = this.pending.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.pending[mid].end > offset) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Delivers held pieces while they continue the stream. Held pieces never start before `next`. */
  private drain(): void {
    while (this.pending.length > 0 && this.pending[0].start === this.next) {
      const held = this.pending.shift() as Pending;
      if (held.data === null) {
        this.out.gap(held.end - held.start, held.ts, held.packet, false);
      } else {
        this.pendingBytes -= held.data.length;
        this.out.chunk(held.data, held.start, held.ts, held.packet);
      }
      this.next = held.end;
    }
  }

  /** Gives up on the bytes before `target` that were never seen, delivering held ones on the way. */
  private skipTo(target: number, cause: Cause, overflow = false): void {
    while (this.next < target) {
      const first = this.pending[0];
      const holeEnd = first !== undefined && first.start < target ? first.start : target;
      this.out.gap(holeEnd - this.next, cause.ts, cause.packet, overflow);
      this.next = holeEnd;
      this.drain();
    }
  }
}
