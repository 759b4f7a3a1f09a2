import type { CaptureFormat } from './types.js';

/**
 * Receives each packet record as a format reader decodes it: its captured bytes are `bytes[start, end)`,
 * where they lie in the chunk being read (valid only during the call).
 */
export type RecordSink = (
  ts: number,
  linkType: number,
  bytes: Buffer,
  start: number,
  end: number,
  originalLength: number,
) => void;

/**
 * A format reader: fed the (decompressed) capture bytes chunk by chunk, it calls its sink for every
 * complete record, synchronously and in file order.
 */
export interface RecordReader {
  readonly format: CaptureFormat;
  /** Bytes of complete records (and file headers) consumed: where the next record starts. */
  readonly consumed: number;
  /**
   * Throws CaptureDamage at the first record that cannot be valid; records before it were delivered.
   * `chunk` is valid only during the call (the file layer reads every chunk into the same buffer).
   */
  push(chunk: Buffer): void;
  /** The input is over: throws CaptureDamage when it stopped inside a record. */
  end(): void;
}

/**
 * The bytes of a file header, record or block that straddles chunks. A chunk is only valid while it is
 * pushed, so what is held is copied, and only bytes that have arrived: never what a length field claims.
 */
export class HeldBytes {
  private pieces: Buffer[] = [];
  length = 0;

  /** Copies up to `wanted` bytes of `chunk` from `from`; returns how many it took. */
  take(chunk: Buffer, from: number, wanted: number): number {
    const count = Math.min(wanted, chunk.length - from);
    if (count > 0) {
      this.pieces.push(Buffer.from(chunk.subarray(from, from + count)));
      this.length += count;
    }
    return count;
  }

  /** The first `count` bytes held, joined; they stay held. */
  peek(count: number): Buffer {
    return Buffer.concat(this.pieces, count);
  }

  /** Everything held, joined; nothing is held afterwards. */
  release(): Buffer {
    const joined = this.pieces.length === 1 ? this.pieces[0] : Buffer.concat(this.pieces, this.length);
    this.pieces = [];
    this.length = 0;
    return joined;
  }
}

/**
 * A record (pcap) or block (pcapng) that runs past the end of the chunk it began in: its bytes so far, held as
 * HeldBytes, and its whole length once its first bytes tell it. Both readers complete one the same way: first
 * the prefix that holds the length, then the rest.
 */
export class StraddlingRecord {
  private readonly bytes = new HeldBytes();
  /** The whole record's length, once its prefix has arrived (null before). */
  length: number | null = null;

  /** Bytes of the record held so far. */
  get heldLength(): number {
    return this.bytes.length;
  }

  /** Holds chunk[from, end), the start of a record, whose whole length is `length` if those bytes tell it. */
  hold(chunk: Buffer, from: number, length: number | null): void {
    this.length = length;
    this.bytes.take(chunk, from, chunk.length - from);
  }

  /**
   * Adds the start of `chunk` to the held record: up to `prefixBytes` of it until `lengthOf` (given the bytes
   * held) can tell the whole length, then the rest; hands the record to `read` once every byte is there. Returns
   * where the chunk's own records start (its length while the held one is still incomplete).
   */
  complete(chunk: Buffer, prefixBytes: number, lengthOf: (prefix: Buffer) => number | null, read: (record: Buffer) => void): number {
    const bytes = this.bytes;
    let used = 0;
    if (this.length === null) {
      used = bytes.take(chunk, 0, prefixBytes - bytes.length);
      this.length = lengthOf(bytes.peek(bytes.length));
      if (this.length === null) return chunk.length;
    }
    used += bytes.take(chunk, used, this.length - bytes.length);
    if (bytes.length < this.length) return chunk.length;
    // Every byte of the record is present now, so joining them is no longer sized by a mere claim.
    const record = bytes.release();
    this.length = null;
    read(record);
    return used;
  }
}

/** Thrown by readers; the file layer turns it into a `damaged` CaptureError that names the file. */
export class CaptureDamage extends Error {
  constructor(
    readonly offset: number,
    reason: string,
  ) {
    super(reason);
    this.name = 'CaptureDamage';
  }
}

/**
 * The unsigned 32-bit integer at `at`, in either byte order; the caller has checked that its bytes are
 * there. Buffer's own readers validate the offset on every call, which showed on the per-record path.
 */
export function readU32(buffer: Buffer, at: number, littleEndian: boolean): number {
  return littleEndian
    ? (buffer[at] | (buffer[at + 1] << 8) | (buffer[at + 2] << 16) | (buffer[at + 3] << 24)) >>> 0
    : ((buffer[at] << 24) | (buffer[at + 1] << 16) | (buffer[at + 2] << 8) | buffer[at + 3]) >>> 0;
}

/**
 * No single record may claim more captured bytes than this. Wireshark's largest per-encapsulation
 * maximum (WTAP_MAX_PACKET_SIZE_LARGEST) is 256 MiB; anything above is a corrupt length field.
 */
export const MAX_RECORD_BYTES = 256 * 1024 * 1024;

const TWO_POW_32 = 0x100000000;
/** Long division in 16-bit limbs stays exact while remainder * 2^16 stays below 2^53. */
const MAX_EXACT_DIVISOR = 2 ** 36;

/**
 * Seconds from a 64-bit count of `unitsPerSecond` units given as its two 32-bit words. Below 2^53 the
 * count is exact in a double and one division rounds once. Above (nanosecond clocks), long division in
 * 16-bit limbs gives the exact whole seconds and remainder, so only the fraction rounds: the result
 * matches pcap's seconds + nanoseconds.
 */
export function unitsToSeconds(high: number, low: number, unitsPerSecond: number): number {
  if (high < 0x200000) return (high * TWO_POW_32 + low) / unitsPerSecond;
  if (!Number.isInteger(unitsPerSecond) || unitsPerSecond > MAX_EXACT_DIVISOR) {
    return (high * TWO_POW_32) / unitsPerSecond + low / unitsPerSecond;
  }
  let seconds = 0;
  let remainder = 0;
  for (let shift = 48; shift >= 0; shift -= 16) {
    const limb = shift >= 32 ? (high >>> (shift - 32)) & 0xffff : (low >>> shift) & 0xffff;
    const current = remainder * 0x10000 + limb;
    let digit = Math.floor(current / unitsPerSecond);
    remainder = current - digit * unitsPerSecond;
    if (remainder < 0) {
      digit--; // the division rounded up to the next integer
      remainder += unitsPerSecond;
    }
    seconds = seconds * 0x10000 + digit;
  }
  return seconds + remainder / unitsPerSecond;
}
