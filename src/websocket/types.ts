import type { Direction } from '../tcp/types.js';

/** RFC 6455 §5.2 opcodes. */
export const Opcode = {
  CONTINUATION: 0x0,
  TEXT: 0x1,
  BINARY: 0x2,
  CLOSE: 0x8,
  PING: 0x9,
  PONG: 0xa,
} as const;

export type OpcodeName = 'continuation' | 'text' | 'binary' | 'close' | 'ping' | 'pong' | 'reserved';

/** One WebSocket frame as decoded from one direction's byte stream. */
export interface Frame {
  /** The frame's number from its parser's counter (FrameParserOptions.counter): 0, 1, 2... in the order frames complete. */
  index: number;
  direction: Direction;
  /** Timestamp and number of the packet that completed the frame. */
  ts: number;
  packet: number;
  /** Numbers of the packets that carried any of the frame's bytes, in order, without repeats. */
  packets: number[];
  /** Offset of the frame's first header byte in the direction's stream. */
  streamOffset: number;
  fin: boolean;
  /** RSV1=4, RSV2=2, RSV3=1. */
  rsv: number;
  opcode: number;
  masked: boolean;
  /** The 4-byte masking key as a big-endian unsigned 32-bit number (0x37fa213d for 37 fa 21 3d), or null when the frame is not masked. */
  maskKey: number | null;
  /** Payload length as the header declares it. */
  payloadLength: number;
  /** 2, 4, 6, 8, 10 or 14 bytes. */
  headerLength: number;
  /** Which length encoding the header used: 7-bit, 16-bit or 64-bit (RFC 6455 §5.2). */
  lengthEncoding: 7 | 16 | 64;
  /** Unmasked payload bytes kept (all of them unless the parser's keep limit cut them). */
  payload: Buffer;
  /** True when `payload` holds fewer than `payloadLength` bytes. */
  payloadTruncated: boolean;
  /**
   * The 64-bit length had its most significant bit set, which RFC 6455 §5.2 forbids. The frame is
   * still parsed with that length (as a number, exact only up to 2^53); the caller decides what it means.
   */
  lengthTopBitSet: boolean;
  /** The length used more bytes than needed (16-bit < 126, 64-bit < 65536): RFC 6455 §5.2 requires the minimal encoding. */
  lengthNotMinimal: boolean;
}

/** What a frame's header says, known before its payload arrives (RFC 6455 §5.2). */
export type FrameHeader = Pick<
  Frame,
  | 'direction'
  | 'streamOffset'
  | 'fin'
  | 'rsv'
  | 'opcode'
  | 'masked'
  | 'maskKey'
  | 'payloadLength'
  | 'headerLength'
  | 'lengthEncoding'
  | 'lengthTopBitSet'
  | 'lengthNotMinimal'
>;

/** A close frame's body (RFC 6455 §5.5.1): a 2-byte code, then a UTF-8 reason. */
export interface ClosePayload {
  code: number | null;
  reason: string;
  /** False when the reason bytes are not valid UTF-8. */
  reasonValidUtf8: boolean;
  /** A 1-byte body: too short for a code, too long to be empty (RFC 6455 §5.5.1). */
  malformed: boolean;
}

/** A data message reassembled from a text/binary frame and its continuation frames (RFC 6455 §5.4). */
export interface Message {
  direction: Direction;
  ts: number;
  packet: number;
  /** 1 (text) or 2 (binary). */
  opcode: 1 | 2;
  /** The frames that made the message, as given to the assembler (their identities are the caller's). */
  frames: Frame[];
  /** Payload length summed over the frames, as on the wire (compressed when `compressed`). */
  wireLength: number;
  /** RSV1 was set on the first frame (permessage-deflate, RFC 7692 §6). */
  compressed: boolean;
  /** The message body: the frames' payloads joined (inflated when compressed and inflation worked). */
  data: Buffer;
  /** True when `data` is not the whole body (keep limit, or frames whose payload was cut). */
  truncated: boolean;
}

/** The number the next frame gets (Frame.index); parsers given the same counter number their frames together. */
export interface FrameCounter {
  next: number;
}
