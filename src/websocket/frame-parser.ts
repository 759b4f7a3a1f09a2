import type { Direction } from '../tcp/types.js';
import type { Frame, FrameHeader } from './types.js';
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
}

// What the parser waits for next (RFC 6455 §5.2 base framing, in wire order).
const FIRST_TWO_BYTES = 0;
const LENGTH_16 = 1;
const LENGTH_64 = 2;
const MASK_KEY = 3;
const PAYLOAD = 4;
type State = typeof FIRST_TWO_BYTES | typeof LENGTH_16 | typeof LENGTH_64 | typeof MASK_KEY | typeof PAYLOAD;

const EMPTY = Buffer.alloc(0);
const TWO_POW_32 = 2 ** 32;
/** The first buffer for a frame's payload; it doubles from there as more bytes arrive. */
const FIRST_KEEP_BYTES = 64 * 1024;

/**
 * Streaming RFC 6455 §5.2 frame parser for one direction: push in-order bytes in any chunking and get
 * the same frames. Nothing is allocated from a declared length: payload bytes are copied (and unmasked)
 * as they arrive, up to `maxPayloadKeep` per frame, and only counted beyond that.
 */
export class FrameParser {
  private readonly queue = new ByteQueue();
  private readonly maxPayloadKeep: number;
  private readonly controlPayloadsOnly: boolean;
  /** Payload bytes kept of the current frame: maxPayloadKeep, or 0 for a data frame with controlPayloadsOnly. */
  private keepLimit = 0;
  private state: State = FIRST_TWO_BYTES;
  /** The frame being read: header fields so far (complete once `state` is PAYLOAD). */
  private header: FrameHeader | null = null;
  /** Header bytes read for the current frame. */
  private headerRead = 0;
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
  }

  /** Bytes of an unfinished frame held or already read into it (non-zero when a stream ends mid-frame). */
  get pendingBytes(): number {
    return this.headerRead + this.payloadReceived + this.queue.length;
  }

  /** The header of the unfinished frame once all of it has arrived (for reporting a stream that ends mid-frame). */
  get pendingHeader(): FrameHeader | null {
    return this.state === PAYLOAD ? this.header : null;
  }

  /** `data` holds in-order bytes of this direction; `offset` is the stream offset of data[0]. */
  push(data: Buffer, offset: number, ts: number, packet: number): void {
    this.queue.push(data, offset, ts, packet);
    this.run();
    // Only part of a header can be left over (a payload is always read as far as it goes): copy those few
    // bytes, so that the caller's buffer is not held (ByteQueue.own).
    this.queue.own();
  }

  /** Drops buffered bytes and any partial frame (after a gap: the next push starts a new frame). */
  reset(): void {
    this.queue.clear();
    this.startFrame();
  }

  private run(): void {
    const queue = this.queue;
    for (;;) {
      switch (this.state) {
        case FIRST_TWO_BYTES:
          if (queue.length < 2) return;
          this.readFirstTwoBytes();
          break;
        case LENGTH_16:
          if (queue.length < 2) return;
          this.readLength16();
          break;
        case LENGTH_64:
          if (queue.length < 8) return;
          this.readLength64();
          break;
        case MASK_KEY:
          if (queue.length < 4) return;
          this.readMaskKey();
          break;
        case PAYLOAD:
          if (!this.readPayload()) return;
          break;
      }
    }
  }

  private startFrame(): void {
    this.state = FIRST_TWO_BYTES;
    this.queue.packets = [];
    this.header = null;
    this.headerRead = 0;
    this.payloadReceived = 0;
    this.kept = EMPTY;
    this.keptLength = 0;
  }

  private readFirstTwoBytes(): void {
    const streamOffset = this.queue.position;
    const bytes = this.queue.read(2);
    const b0 = bytes[0];
    const b1 = bytes[1];
    const length7 = b1 & 0x7f;
    const masked = (b1 & 0x80) !== 0;
    this.headerRead = 2;
    this.header = {
      direction: this.direction,
      streamOffset,
      fin: (b0 & 0x80) !== 0,
      rsv: (b0 >> 4) & 0x7,
      opcode: b0 & 0x0f,
      masked,
      maskKey: null,
      payloadLength: length7,
      headerLength: 2 + (masked ? 4 : 0),
      lengthEncoding: 7,
      lengthTopBitSet: false,
      lengthNotMinimal: false,
    };
    if (length7 === 126) this.state = LENGTH_16;
    else if (length7 === 127) this.state = LENGTH_64;
    else this.afterLength();
  }

  private readLength16(): void {
    const header = this.header!;
    const length = this.queue.read(2).readUInt16BE(0);
    this.headerRead += 2;
    header.payloadLength = length;
    header.headerLength += 2;
    header.lengthEncoding = 16;
    header.lengthNotMinimal = length < 126;
    this.afterLength();
  }

  private readLength64(): void {
    const header = this.header!;
    const bytes = this.queue.read(8);
    const high = bytes.readUInt32BE(0);
    // RFC 6455 §5.2: "the most significant bit MUST be 0". Kept as a flag; the length is still used
    // (a float above 2^53) so the frame consumes bytes like any other and the caller judges it.
    const length = high * TWO_POW_32 + bytes.readUInt32BE(4);
    this.headerRead += 8;
    header.payloadLength = length;
    header.headerLength += 8;
    header.lengthEncoding = 64;
    header.lengthTopBitSet = high >= 0x80000000;
    header.lengthNotMinimal = length < 0x10000;
    this.afterLength();
  }

  private afterLength(): void {
    const header = this.header!;
    // RFC 6455 §5.5: control opcodes have the high bit set.
    const keep = this.controlPayloadsOnly && (header.opcode & 0x8) === 0 ? 0 : this.maxPayloadKeep;
    this.keepLimit = Math.min(keep, header.payloadLength);
    this.state = header.masked ? MASK_KEY : PAYLOAD;
  }

  private readMaskKey(): void {
    // A copy: the key outlives the pushed buffer it came from.
    this.header!.maskKey = Buffer.from(this.queue.read(4));
    this.headerRead += 4;
    this.state = PAYLOAD;
  }

  /** Reads what has arrived of the payload; true when the frame is complete (and emitted). */
  private readPayload(): boolean {
    const header = this.header!;
    const queue = this.queue;
    while (this.payloadReceived < header.payloadLength) {
      if (queue.length === 0) return false;
      const piece = queue.readSome(header.payloadLength - this.payloadReceived);
      this.keep(piece, header.maskKey);
      this.payloadReceived += piece.length;
    }
    this.emit(header);
    return true;
  }

  /**
   * Copies the part of `piece` still under the keep limit into the frame's own buffer. Copying (rather than
   * keeping views) means a kept payload never pins the caller's larger packet buffers, and gives a private
   * buffer to unmask. One buffer per frame, not one per piece joined at the end: a frame spread over many
   * packets is copied once. It starts at most FIRST_KEEP_BYTES large and doubles only as bytes arrive, so a
   * declared length never sizes it.
   */
  private keep(piece: Buffer, maskKey: Buffer | null): void {
    const wanted = this.keepLimit;
    const room = wanted - this.keptLength;
    if (room <= 0) return;
    const length = Math.min(room, piece.length);
    const needed = this.keptLength + length;
    if (needed > this.kept.length) {
      const grown = Buffer.allocUnsafe(Math.min(wanted, Math.max(needed, FIRST_KEEP_BYTES, this.kept.length * 2)));
      this.kept.copy(grown, 0, 0, this.keptLength);
      this.kept = grown;
    }
    piece.copy(this.kept, this.keptLength, 0, length);
    if (maskKey !== null) unmaskInPlace(this.kept, maskKey, this.payloadReceived, this.keptLength, needed);
    this.keptLength = needed;
  }

  private emit(header: FrameHeader): void {
    const queue = this.queue;
    const kept = this.kept;
    const payload = this.keptLength === kept.length ? kept : kept.subarray(0, this.keptLength);
    // Field by field: spreading `header` here measured ten times slower per frame (a hot path).
    const frame: Frame = {
      direction: header.direction,
      ts: queue.lastTs,
      packet: queue.lastPacket,
      packets: queue.packets,
      streamOffset: header.streamOffset,
      fin: header.fin,
      rsv: header.rsv,
      opcode: header.opcode,
      masked: header.masked,
      maskKey: header.maskKey,
      payloadLength: header.payloadLength,
      headerLength: header.headerLength,
      lengthEncoding: header.lengthEncoding,
      payload,
      payloadTruncated: this.keptLength < header.payloadLength,
      lengthTopBitSet: header.lengthTopBitSet,
      lengthNotMinimal: header.lengthNotMinimal,
    };
    this.startFrame();
    this.onFrame(frame);
  }
}
