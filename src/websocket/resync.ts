// Finding frame boundaries again when the byte stream is not known to start at one: after bytes were lost
// (a gap), or when the capture began after the upgrade. Nothing in RFC 6455 framing marks where a frame
// starts, so a position is accepted when the frame headers read from it chain into each other plausibly.
import type { Direction, StreamChunk } from '../tcp/types.js';
import { Opcode } from './types.js';

export interface FrameChainOptions {
  /** Whose bytes these are: client frames are masked, server frames are not (RFC 6455 §5.1). */
  direction: Direction;
  /** An extension was negotiated (or may have been, when the handshake is not in the capture): RSV1 may be set. */
  rsv1Allowed: boolean;
  /** Consecutive plausible headers that make a chain (default 3). */
  minChain?: number;
}

export const DEFAULT_MIN_CHAIN = 3;

/**
 * `found`: a chain starts at `offset`. `more`: no position before `from` starts a chain, and the one at
 * `from` cannot be judged until more bytes arrive (bytes before `from` may be dropped).
 */
export type ChainVerdict = { kind: 'found'; offset: number } | { kind: 'more'; from: number };

const RSV1 = 4;
/** Larger 64-bit lengths are taken for noise: no capture holds 2^53 bytes of one frame. */
const MAX_PLAUSIBLE_LENGTH = Number.MAX_SAFE_INTEGER;
const TWO_POW_32 = 2 ** 32;

/** A header read at some position: its total frame size, or why the position cannot start a frame. */
type HeaderRead = { kind: 'frame'; size: number; opcode: number; fin: boolean } | { kind: 'implausible' } | { kind: 'short' };

const SHORT: HeaderRead = { kind: 'short' };
const IMPLAUSIBLE: HeaderRead = { kind: 'implausible' };

/** Reads the header at `at` and judges it by what RFC 6455 §5 requires of every frame. */
function readHeader(bytes: Buffer, at: number, options: FrameChainOptions): HeaderRead {
  if (bytes.length - at < 1) return SHORT;
  const b0 = bytes[at];
  const fin = (b0 & 0x80) !== 0;
  const rsv = (b0 >> 4) & 0x7;
  const opcode = b0 & 0x0f;
  const control = opcode >= Opcode.CLOSE;
  // §5.2: known opcodes only; §5.2 / RFC 7692 §6.1: RSV bits only as an extension allows, never on control frames.
  if (opcode > Opcode.BINARY && !control) return IMPLAUSIBLE;
  if (opcode > Opcode.PONG) return IMPLAUSIBLE;
  if (rsv !== 0 && (rsv !== RSV1 || !options.rsv1Allowed || control)) return IMPLAUSIBLE;
  if (control && !fin) return IMPLAUSIBLE;
  if (bytes.length - at < 2) return SHORT;
  const b1 = bytes[at + 1];
  // §5.1: a client masks every frame, a server none.
  const masked = (b1 & 0x80) !== 0;
  if (masked !== (options.direction === 'client')) return IMPLAUSIBLE;
  const length7 = b1 & 0x7f;
  // §5.5: control frames are not fragmented and carry at most 125 bytes; §5.5.1: a close body is 0 or >= 2 bytes.
  if (control && length7 > 125) return IMPLAUSIBLE;
  if (opcode === Opcode.CLOSE && length7 === 1) return IMPLAUSIBLE;
  let headerLength = 2;
  let length = length7;
  if (length7 === 126) {
    if (bytes.length - at < 4) return SHORT;
    length = bytes.readUInt16BE(at + 2);
    if (length < 126) return IMPLAUSIBLE; // §5.2: the minimal number of bytes must be used
    headerLength = 4;
  } else if (length7 === 127) {
    if (bytes.length - at < 10) return SHORT;
    length = bytes.readUInt32BE(at + 2) * TWO_POW_32 + bytes.readUInt32BE(at + 6);
    if (length < 0x10000 || length > MAX_PLAUSIBLE_LENGTH) return IMPLAUSIBLE;
    headerLength = 10;
  }
  if (masked) headerLength += 4;
  return { kind: 'frame', size: headerLength + length, opcode, fin };
}

/** What a chain walk from one position concludes. */
type ChainResult = 'chain' | 'broken' | 'undecided';

/**
 * Walks frame headers from `start`. A chain is `minChain` plausible headers in a row that also agree on
 * fragmentation (§5.4: a continuation only inside a fragmented message, a text or binary frame only outside
 * one; control frames may sit anywhere), or fewer whose last frame ends exactly where the bytes end (senders
 * write whole frames, so a frame ending with the data is evidence too).
 */
function walkChain(bytes: Buffer, start: number, options: FrameChainOptions, minChain: number): ChainResult {
  let at = start;
  // Whether a fragmented message is open; unknown at the start (the chain may begin inside one).
  let open: boolean | null = null;
  for (let headers = 0; headers < minChain; headers++) {
    if (headers > 0 && at === bytes.length) return 'chain';
    const header = readHeader(bytes, at, options);
    if (header.kind === 'short') return 'undecided';
    if (header.kind === 'implausible') return 'broken';
    if (header.opcode === Opcode.CONTINUATION) {
      if (open === false) return 'broken';
      open = !header.fin;
    } else if (header.opcode === Opcode.TEXT || header.opcode === Opcode.BINARY) {
      if (open === true) return 'broken';
      open = !header.fin;
    }
    if (header.size > bytes.length - at) return 'undecided';
    at += header.size;
  }
  return 'chain';
}

/** The first position in `bytes` where a frame chain starts (see walkChain), or where the search must wait. */
export function findFrameChain(bytes: Buffer, options: FrameChainOptions): ChainVerdict {
  const minChain = options.minChain ?? DEFAULT_MIN_CHAIN;
  for (let offset = 0; offset < bytes.length; offset++) {
    const result = walkChain(bytes, offset, options, minChain);
    if (result === 'chain') return { kind: 'found', offset };
    if (result === 'undecided') return { kind: 'more', from: offset };
  }
  return { kind: 'more', from: bytes.length };
}

export interface FrameResyncOptions extends FrameChainOptions {
  /**
   * Bytes held while a candidate position waits for more data (default 256 KiB). A plausible header whose
   * frame is larger than that is accepted: waiting longer could not reject it any more cheaply.
   */
  maxBufferBytes?: number;
  /** Stop searching (`gave-up`) once this many bytes of the stream were looked at; unlimited by default. */
  searchLimitBytes?: number;
  /** Stream offset where a frame is known to start (the end of a frame whose header was read before a gap). */
  frameStartsAt?: number | null;
}

export const DEFAULT_RESYNC_BUFFER_BYTES = 256 * 1024;

/** What the bytes pushed so far gave. `found`: feed `chunks` (the stream from the frame start) to a frame parser. */
export type ResyncResult = { kind: 'searching' } | { kind: 'gave-up' } | { kind: 'found'; offset: number; chunks: StreamChunk[] };

interface Piece {
  /** Stream offset of the piece's first byte. */
  offset: number;
  length: number;
  ts: number;
  packet: number;
}

/**
 * Looks for the next frame start in one direction's bytes as they arrive, holding at most about
 * `maxBufferBytes` of them. Push in-order chunks until the result is `found` or `gave-up`.
 */
export class FrameResync {
  /**
   * The bytes held, `backing[start, end)`. New bytes are appended into spare room (the backing store doubles
   * when full) and dropped bytes only move `start`, so a stream arriving one byte per segment costs linear
   * time, not a copy of everything held per segment.
   */
  private backing = Buffer.alloc(0);
  private start = 0;
  private end = 0;
  /** Stream offset of held[0]. */
  private heldOffset: number | null = null;
  private pieces: Piece[] = [];
  private looked = 0;
  private readonly maxBufferBytes: number;

  constructor(private readonly options: FrameResyncOptions) {
    this.maxBufferBytes = options.maxBufferBytes ?? DEFAULT_RESYNC_BUFFER_BYTES;
  }

  /** Bytes given up on so far: they were looked at and start no frame. */
  get skippedBytes(): number {
    return this.looked - (this.end - this.start);
  }

  /** The bytes held, as a view (valid until the next push). */
  private get held(): Buffer {
    return this.backing.subarray(this.start, this.end);
  }

  /** Appends a copy of `data` (held bytes outlive the packet, whose buffer belongs to the capture reader). */
  private hold(data: Buffer): void {
    const length = this.end - this.start;
    if (this.end + data.length > this.backing.length) {
      // Move to the front, into a larger store when more than half of it would be in use.
      const needed = length + data.length;
      const target = needed * 2 > this.backing.length ? Buffer.allocUnsafe(Math.max(needed * 2, 4096)) : this.backing;
      this.backing.copy(target, 0, this.start, this.end);
      this.backing = target;
      this.start = 0;
      this.end = length;
    }
    data.copy(this.backing, this.end);
    this.end += data.length;
  }

  push(chunk: StreamChunk): ResyncResult {
    let data = chunk.data;
    let offset = chunk.offset;
    const known = this.options.frameStartsAt ?? null;
    if (known !== null) {
      // The frame start is known: skip to it, and trust it (its length came from a header read before the gap).
      const skip = Math.min(Math.max(known - offset, 0), data.length);
      this.looked += skip;
      if (skip === data.length) return { kind: 'searching' };
      data = data.subarray(skip);
      offset += skip;
      return { kind: 'found', offset, chunks: [{ ...chunk, data, offset }] };
    }
    if (data.length === 0) return { kind: 'searching' };
    if (this.heldOffset === null || this.end === this.start) this.heldOffset = offset;
    this.hold(data);
    this.pieces.push({ offset, length: data.length, ts: chunk.ts, packet: chunk.packet });
    this.looked += data.length;
    return this.search();
  }

  private search(): ResyncResult {
    const verdict = findFrameChain(this.held, this.options);
    if (verdict.kind === 'found') return this.found(verdict.offset);
    // A plausible header whose frame outgrows the buffer: accept it rather than hold its payload.
    if (this.held.length - verdict.from > this.maxBufferBytes) return this.found(verdict.from);
    this.drop(verdict.from);
    const limit = this.options.searchLimitBytes;
    if (limit !== undefined && this.skippedBytes >= limit) return { kind: 'gave-up' };
    return { kind: 'searching' };
  }

  private found(at: number): ResyncResult {
    const start = (this.heldOffset as number) + at;
    const held = this.held;
    const chunks: StreamChunk[] = [];
    for (const piece of this.pieces) {
      const from = Math.max(piece.offset, start);
      const to = piece.offset + piece.length;
      if (from >= to) continue;
      const data = held.subarray(from - (this.heldOffset as number), to - (this.heldOffset as number));
      chunks.push({ direction: this.options.direction, data, offset: from, ts: piece.ts, packet: piece.packet });
    }
    // The chunks are views of the store: give it up rather than write over them later.
    this.backing = Buffer.alloc(0);
    this.start = 0;
    this.end = 0;
    this.pieces = [];
    return { kind: 'found', offset: start, chunks };
  }

  /** Forgets the bytes before `at` (positions there start no frame). */
  private drop(at: number): void {
    if (at === 0) return;
    this.start += at;
    this.heldOffset = (this.heldOffset as number) + at;
    const heldOffset = this.heldOffset;
    this.pieces = this.pieces.filter((piece) => piece.offset + piece.length > heldOffset);
  }
}
