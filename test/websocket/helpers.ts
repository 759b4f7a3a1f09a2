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
