import { releaseEngine, takeEngine, type InflateOutput, type SyncInflateRaw } from './raw-inflate.js';

/** RFC 7692 §7.2.2: the sender removed these 4 bytes (an empty stored block's LEN/NLEN); the receiver puts them back. */
const TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);

/**
 * zlib's raw inflate is not trusted with windowBits 8: zlib's own deflate turns a raw 8 into 9, and some
 * zlib releases reject 8 for raw streams. An inflater's window only has to be at least as large as the
 * sender's (it must reach every distance the sender may use), so a 9-bit (512-byte) window is always
 * enough for a sender limited to 8 bits.
 */
export function inflateWindowBits(maxWindowBits: number): number {
  return Math.max(9, maxWindowBits);
}

/** What one compressed unit gave: its output, or why there is none. */
export interface UnitResult {
  output: Buffer[];
  produced: number;
  /** Output reached the limit with more to come; the rest was not inflated. */
  full: boolean;
  /** zlib's message when the data could not be inflated; `output` is then empty. */
  error: string | null;
}

/**
 * The last 2^windowBits bytes a direction decompressed, for context takeover across a DEFLATE stream
 * that the sender ended with a BFINAL block (RFC 7692 §7.2.3.4 allows it, yet the next message may still
 * refer back into the window): a new zlib stream is started with these bytes as its dictionary.
 */
class History {
  /** Allocated on first use: a direction that never sends compressed data costs nothing. */
  private ring: Buffer | null = null;
  private end = 0;
  private filled = 0;

  constructor(private readonly size: number) {}

  add(bytes: Buffer): void {
    const size = this.size;
    this.ring ??= Buffer.allocUnsafe(size);
    const tail = bytes.length > size ? bytes.subarray(bytes.length - size) : bytes;
    const first = Math.min(tail.length, size - this.end);
    tail.copy(this.ring, this.end, 0, first);
    tail.copy(this.ring, 0, first);
    this.end = (this.end + tail.length) % size;
    this.filled = Math.min(size, this.filled + tail.length);
  }

  /** The window's bytes, oldest first; undefined when nothing was decompressed yet. */
  contents(): Buffer | undefined {
    const ring = this.ring;
    if (ring === null || this.filled === 0) return undefined;
    if (this.filled < this.size) return Buffer.from(ring.subarray(0, this.filled));
    return Buffer.concat([ring.subarray(this.end), ring.subarray(0, this.end)]);
  }

  clear(): void {
    this.end = 0;
    this.filled = 0;
  }
}

/**
 * One direction's decompressor (RFC 7692 §7.2.2). Each compressed unit (a message for permessage-deflate,
 * a frame for deflate-frame) is fed with `begin`, `write` for each piece, and `end`. With context takeover the
 * window carries from one unit to the next; without it every unit starts from an empty window.
 * Whenever a unit is not inflated to its end (an error, the output limit, a cut-off unit) the window is no
 * longer known, so the next unit starts a fresh stream: if it refers back into the lost window zlib reports
 * "invalid distance too far back" rather than producing wrong bytes, and that unit fails on its own.
 */
export class DirectionInflater {
  private readonly windowBits: number;
  private engine: SyncInflateRaw | null = null;
  private readonly history: History | null;
  /** The current unit cannot continue (error, limit or end of stream inside it). */
  private unitBroken = false;

  constructor(maxWindowBits: number, private readonly contextTakeover: boolean) {
    this.windowBits = inflateWindowBits(maxWindowBits);
    this.history = contextTakeover ? new History(1 << this.windowBits) : null;
  }

  begin(): void {
    this.unitBroken = false;
    const engine = this.engine;
    if (engine && !engine.error && !(this.contextTakeover && engine.ended)) {
      if (!this.contextTakeover) engine.reset();
      return;
    }
    // First unit, or the stream can't go on: a BFINAL ended it (continue from the saved window), or it failed.
    const dictionary = engine?.ended && !engine.error ? this.history?.contents() : undefined;
    if (engine) releaseEngine(engine);
    this.engine = takeEngine(this.windowBits, dictionary);
  }

  /** Inflates the next piece of the unit, producing at most `limit` bytes. */
  write(payload: Buffer, limit: number): UnitResult {
    return this.run(payload, limit);
  }

  /** The unit's last piece was written: appends the 4 bytes the sender removed. */
  end(limit: number): UnitResult {
    return this.run(TAIL, limit);
  }

  /** The unit stops before its end (its frames were cut or interrupted): the window is now unknown. */
  abandon(): void {
    this.release();
    this.history?.clear();
  }

  /** The direction is done with compressed data (its stream ended): the engine goes back for reuse. */
  release(): void {
    if (this.engine) releaseEngine(this.engine);
    this.engine = null;
  }

  private run(input: Buffer, limit: number): UnitResult {
    if (this.unitBroken) return { output: [], produced: 0, full: false, error: null };
    const engine = this.engine;
    if (!engine) throw new Error('DirectionInflater: write before begin');
    const out: InflateOutput | null = engine.write(input, limit);
    if (out === null) {
      this.unitBroken = true;
      this.abandon();
      return { output: [], produced: 0, full: false, error: engine.error?.message ?? 'inflate failed' };
    }
    if (this.history) for (const chunk of out.chunks) this.history.add(chunk);
    if (out.full) {
      this.unitBroken = true;
      this.abandon();
    }
    return { output: out.chunks, produced: out.produced, full: out.full, error: null };
  }
}
