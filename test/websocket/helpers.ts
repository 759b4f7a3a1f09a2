import type { Direction } from '../../src/tcp/types.js';
import type { FindingCode } from '../../src/findings/index.js';
import { FrameParser, MessageAssembler, type DeflateParams, type Frame, type Message } from '../../src/websocket/index.js';

/** Test-side frame encoder (RFC 6455 §5.2), written independently of the parser it checks. */
export interface FrameSpec {
  fin?: boolean;
  rsv?: number;
  opcode: number;
  payload: Buffer;
  /** Present: the frame is masked with this 4-byte key. */
  maskKey?: Buffer;
  /** Force a length encoding (possibly not minimal); default: the minimal one. */
  lengthEncoding?: 7 | 16 | 64;
}

export function encodeFrame(spec: FrameSpec): Buffer {
  const { payload, maskKey } = spec;
  const encoding = spec.lengthEncoding ?? (payload.length < 126 ? 7 : payload.length < 0x10000 ? 16 : 64);
  const b0 = ((spec.fin ?? true) ? 0x80 : 0) | ((spec.rsv ?? 0) << 4) | spec.opcode;
  const maskBit = maskKey ? 0x80 : 0;
  const parts: number[] = [b0];
  if (encoding === 7) {
    parts.push(maskBit | payload.length);
  } else if (encoding === 16) {
    parts.push(maskBit | 126, payload.length >> 8, payload.length & 0xff);
  } else {
    parts.push(maskBit | 127, 0, 0, 0, 0);
    for (let shift = 24; shift >= 0; shift -= 8) parts.push((payload.length >>> shift) & 0xff);
  }
  const body = Buffer.from(payload);
  if (maskKey) {
    for (let i = 0; i < body.length; i++) body[i] ^= maskKey[i % 4];
    parts.push(...maskKey);
  }
  return Buffer.concat([Buffer.from(parts), body]);
}

export const text = (s: string): Buffer => Buffer.from(s, 'utf8');
export const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

export interface AssembleOptions {
  deflate?: DeflateParams | null;
  maxMessageBytes?: number;
  maxPayloadKeep?: number;
  direction?: Direction;
  /** Call finish() after the last frame. */
  finish?: boolean;
}

export interface Assembled {
  frames: Frame[];
  messages: Message[];
  /** Problems with the index of the frame they were reported at. */
  problems: { code: FindingCode; frame: number; message: string }[];
}

/** Encodes the specs, parses them back and assembles messages from every frame. */
export function assemble(specs: FrameSpec[], options: AssembleOptions = {}): Assembled {
  return assembleBytes(Buffer.concat(specs.map(encodeFrame)), options);
}

/** Parses one direction's WebSocket bytes and assembles its messages. */
export function assembleBytes(bytes: Buffer, options: AssembleOptions = {}): Assembled {
  const direction = options.direction ?? 'server';
  const result: Assembled = { frames: [], messages: [], problems: [] };
  const assembler = new MessageAssembler(direction, {
    deflate: options.deflate,
    maxMessageBytes: options.maxMessageBytes,
    onMessage: (m) => result.messages.push(m),
    onProblem: (code, message, frame) => result.problems.push({ code, frame: result.frames.indexOf(frame), message }),
  });
  const parser = new FrameParser(
    direction,
    (f) => {
      result.frames.push(f);
      assembler.push(f);
    },
    { maxPayloadKeep: options.maxPayloadKeep },
  );
  parser.push(bytes, 0, 1.5, 9);
  if (options.finish) assembler.finish();
  return result;
}
