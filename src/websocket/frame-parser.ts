import type { Direction } from '../tcp/types.js';
import type { Frame, FrameCounter, FrameHeader } from './types.js';
import { ByteQueue } from './byte-queue.js';
import { unmaskInPlace } from './unmask.js';

/** Payload bytes kept per frame unless the caller says otherwise; bytes beyond are counted, not kept. */
export const DEFAULT_MAX_PAYLOAD_KEEP = 64 * 1024 * 1024;

export interface FrameParserOptions {
  maxPayloadKeep?: number;
  /**
   * Keep no byte of data frames' payloads (text, binary, continuation), only count them: for a caller that
   * needs the frames but none of their data. Control frames' payloads (close code, ping data) are still kept.
   */
  controlPayloadsOnly?: boolean;
  /** Numbers the frames (Frame.index); parsers that share one count their frames together. Default: the parser's own. */
  counter?: FrameCounter;
}

const EMPTY = Buffer.alloc(0);
const TWO_POW_32 = 2 ** 32;
/** The first buffer for a frame's payload; it doubles from there as more bytes arrive. */
const FIRST_KEEP_BYTES = 64 * 1024;
/**
 * A header split between pushes is gathered here to be read: the longest header (2 bytes, a 64-bit length, a
 * masking key, RFC 6455 §5.2). One for all parsers: it is read right after it is filled, within one push.
 */
const headerBytes = Buffer.alloc(14);

/**
 * Streaming RFC 6455 §5.2 frame parser for one direction: push in-order bytes in any chunking and get
 * the same frames. Nothing is allocated from a declared length: payload bytes are copied as they arrive, up
 * to `maxPayloadKeep` per frame, and only counted beyond that; the kept bytes are unmasked when the frame ends.
 * A header is read once all of it has arrived, in place in the pushed buffer (copied first only when it is
 * split between pushes); payload bytes beyond the keep limit are skipped without being looked at.
 */
export class FrameParser {
  private readonly queue = new ByteQueue();
  private readonly maxPayloadKeep: number;
  private readonly controlPayloadsOnly: boolean;
  private readonly counter: FrameCounter;
  /** Payload bytes kept of the current frame: maxPayloadKeep, or 0 for a data frame with controlPayloadsOnly. */
  private keepLimit = 0;
  /** The current frame's header has been read; its fields are below (one frame at a time, so no object). */
  private inPayload = false;
  private streamOffset = 0;
  private fin = false;
  private rsv = 0;
  private opcode = 0;
  private maskKey: number | null = null;
  private payloadLength = 0;
  private headerLength = 0;
  private lengthEncoding: 7 | 16 | 64 = 7;
  private lengthTopBitSet = false;
  private lengthNotMinimal = false;
  private payloadReceived = 0;
  /** The kept payload so far: `keptLength` bytes of `kept`, which grows as bytes arrive. */
  private kept: Buffer = EMPTY;
  private keptLength = 0;

  constructor(
    private readonly direction: Direction,
    private readonly onFrame: (frame: Frame) => void,
    options: FrameParserOptions = {},
  ) {
    this.maxPayloadKeep = options.maxPayloadKeep ?? DEFAULT_MAX_PAYLOAD_KEEP;
    this.controlPayloadsOnly = options.controlPayloadsOnly ?? false;
    this.counter = options.counter ?? { next: 0 };
  }

  /** Bytes of an unfinished frame held or already read into it (non-zero when a stream ends mid-frame). */
  get pendingBytes(): number {
    return (this.inPayload ? this.headerLength + this.payloadReceived : 0) + this.queue.length;
  }

  /** The header of the unfinished frame once all of it has arrived (for reporting a stream that ends mid-frame). */
  get pendingHeader(): FrameHeader | null {
    if (!this.inPayload) return null;
    return {
      direction: this.direction,
      streamOffset: this.streamOffset,
      fin: this.fin,
      rsv: this.rsv,
      opcode: this.opcode,
      masked: this.maskKey !== null,
      maskKey: this.maskKey,
      payloadLength: this.payloadLength,
      headerLength: this.headerLength,
      lengthEncoding: this.lengthEncoding,
      lengthTopBitSet: this.lengthTopBitSet,
      lengthNotMinimal: this.lengthNotMinimal,
    };
  }

  /** `data` holds in-order bytes of this direction; `offset` is the stream offset of data[0]. */
  push(data: Buffer, offset: number, ts: number, packet: number): void {
    // Most pushes are a packet in the middle of a payload that is past its keep limit (every data payload in a
    // summary): they are only counted, without going through the queue.
    if (this.inPayload && this.keptLength === this.keepLimit && this.queue.length === 0 && data.length < this.payloadLength - this.payloadReceived) {
      this.queue.pass(data.length, offset, ts, packet);
      this.payloadReceived += data.length;
      return;
    }
    this.queue.push(data, offset, ts, packet);
    while (this.inPayload ? this.readPayload() : this.readHeader());
    // Only part of a header can be left over (a payload is always read as far as it goes): copy those few
    // bytes, so that the caller's buffer is not held (ByteQueue.own).
    this.queue.own();
  }

  /** Drops buffered bytes and any partial frame (after a gap: the next push starts a new frame). */
  reset(): void {
    this.queue.clear();
    this.startFrame();
  }

  private startFrame(): void {
    this.inPayload = false;
    this.payloadReceived = 0;
    this.kept = EMPTY;
    this.keptLength = 0;
  }

  /** Reads the next header once all of it has arrived (RFC 6455 §5.2); false while it has not. */
  private readHeader(): boolean {
    const queue = this.queue;
    if (queue.length < 2) return false;
    const b1 = queue.byteAt(1);
    const length7 = b1 & 0x7f;
    const masked = (b1 & 0x80) !== 0;
    const headerLength = 2 + (length7 === 126 ? 2 : length7 === 127 ? 8 : 0) + (masked ? 4 : 0);
    if (queue.length < headerLength) return false;
    const inPlace = queue.currentLength >= headerLength;
    if (!inPlace) queue.peekInto(headerBytes, headerLength);
    const bytes = inPlace ? queue.current : headerBytes;
    const at = inPlace ? queue.currentStart : 0;
    const b0 = bytes[at];
    this.streamOffset = queue.position;
    this.fin = (b0 & 0x80) !== 0;
    this.rsv = (b0 >> 4) & 0x7;
    this.opcode = b0 & 0x0f;
    this.headerLength = headerLength;
    this.lengthTopBitSet = false;
    if (length7 === 126) {
      const length = (bytes[at + 2] << 8) | bytes[at + 3];
      this.payloadLength = length;
      this.lengthEncoding = 16;
      this.lengthNotMinimal = length < 126;
    } else if (length7 === 127) {
      const high = bytes.readUInt32BE(at + 2);
      // RFC 6455 §5.2: "the most significant bit MUST be 0". Kept as a flag; the length is still used
      // (a float above 2^53) so the frame consumes bytes like any other and the caller judges it.
      const length = high * TWO_POW_32 + bytes.readUInt32BE(at + 6);
      this.payloadLength = length;
      this.lengthEncoding = 64;
      this.lengthTopBitSet = high >= 0x80000000;
      this.lengthNotMinimal = length < 0x10000;
    } else {
      this.payloadLength = length7;
      this.lengthEncoding = 7;
      this.lengthNotMinimal = false;
    }
    this.maskKey = masked ? bytes.readUInt32BE(at + headerLength - 4) : null;
    queue.skip(headerLength);
    // RFC 6455 §5.5: control opcodes have the high bit set.
    const keep = this.controlPayloadsOnly && (this.opcode & 0x8) === 0 ? 0 : this.maxPayloadKeep;
    this.keepLimit = Math.min(keep, this.payloadLength);
    this.inPayload = true;
    return true;
  }

  /** Reads what has arrived of the payload; true when the frame is complete (and emitted). */
  private readPayload(): boolean {
    const queue = this.queue;
    while (this.payloadReceived < this.payloadLength) {
      if (queue.length === 0) return false;
      // Bytes of the current pushed buffer, taken where they lie: no view is made of them.
      const take = Math.min(this.payloadLength - this.payloadReceived, queue.currentLength);
      if (this.keptLength < this.keepLimit) this.keep(queue.current, queue.currentStart, take);
      queue.skip(take);
      this.payloadReceived += take;
    }
    this.emit();
    return true;
  }

  /**
   * Copies what is still under the keep limit of the `length` payload bytes at source[start] into the frame's
   * own buffer. Copying (rather than keeping views) means a kept payload never pins the caller's larger packet
   * buffers, and gives a private buffer to unmask. One buffer per frame, not one per piece joined at the end:
   * a frame spread over many packets is copied once. It starts at most FIRST_KEEP_BYTES large and doubles only
   * as bytes arrive, so a declared length never sizes it.
   */
  private keep(source: Buffer, start: number, length: number): void {
    const wanted = this.keepLimit;
    const count = Math.min(wanted - this.keptLength, length);
    const needed = this.keptLength + count;
    if (needed > this.kept.length) {
      const grown = Buffer.allocUnsafe(Math.min(wanted, Math.max(needed, FIRST_KEEP_BYTES, this.kept.length * 2)));
      this.kept.copy(grown, 0, 0, this.keptLength);
      this.kept = grown;
    }
    source.copy(this.kept, this.keptLength, start, start + count);
    this.keptLength = needed;
  }

  private emit(): void {
    const queue = this.queue;
    const kept = this.kept;
    // Unmasked once, whole (the kept bytes start at payload byte 0): one pass however many pieces brought them.
    if (this.maskKey !== null) unmaskInPlace(kept, this.maskKey, 0, 0, this.keptLength);
    const frame: Frame = {
      index: this.counter.next++,
      direction: this.direction,
      ts: queue.lastTs,
      packet: queue.lastPacket,
      packets: queue.takePackets(),
      streamOffset: this.streamOffset,
      fin: this.fin,
      rsv: this.rsv,
      opcode: this.opcode,
      masked: this.maskKey !== null,
      maskKey: this.maskKey,
      payloadLength: this.payloadLength,
      headerLength: this.headerLength,
      lengthEncoding: this.lengthEncoding,
      payload: this.keptLength === kept.length ? kept : kept.subarray(0, this.keptLength),
      payloadTruncated: this.keptLength < this.payloadLength,
      lengthTopBitSet: this.lengthTopBitSet,
      lengthNotMinimal: this.lengthNotMinimal,
    };
    this.startFrame();
    this.onFrame(frame);
  }
}
