// Encodes what a WebSocket endpoint puts on the wire: the opening handshake (RFC 6455 §4), frames
// (RFC 6455 §5.2) with client masking (§5.3), and permessage-deflate payloads (RFC 7692 §7.2.1).
import { createHash } from 'node:crypto';
import { deflateRawSync, constants as zlibConstants } from 'node:zlib';

export const OPCODE_CONTINUATION = 0x0;
export const OPCODE_TEXT = 0x1;
export const OPCODE_BINARY = 0x2;
export const OPCODE_CLOSE = 0x8;
export const OPCODE_PING = 0x9;
export const OPCODE_PONG = 0xa;

// RFC 6455 §1.3: the GUID appended to Sec-WebSocket-Key before hashing.
const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const PERMESSAGE_DEFLATE = 'permessage-deflate; server_no_context_takeover; client_no_context_takeover';

/** RFC 6455 §4.2.2: Sec-WebSocket-Accept = base64(SHA-1(key + GUID)). */
export function acceptFor(key) {
  return createHash('sha1').update(key + HANDSHAKE_GUID).digest('base64');
}

/**
 * The client's upgrade request and the server's 101 response. With `deflate`, both sides agree on
 * permessage-deflate without context takeover (RFC 7692 §7.1.1), so every message compresses on its own.
 */
export function handshake({ host, path, key, deflate }) {
  const extension = deflate ? `Sec-WebSocket-Extensions: ${PERMESSAGE_DEFLATE}\r\n` : '';
  const request =
    `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: wsdissect-bench\r\nUpgrade: websocket\r\n` +
    `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n${extension}\r\n`;
  const response =
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Accept: ${acceptFor(key)}\r\n${extension}\r\n`;
  return { request: Buffer.from(request, 'latin1'), response: Buffer.from(response, 'latin1') };
}

const SYNC_FLUSH_TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);

/**
 * RFC 7692 §7.2.1: compress with a sync flush and drop the trailing 00 00 ff ff. No context takeover, so
 * each message gets a fresh compressor.
 */
export function compressMessage(data) {
  const out = deflateRawSync(data, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
  if (out.length < 4 || !out.subarray(out.length - 4).equals(SYNC_FLUSH_TAIL)) {
    throw new Error('deflate output does not end with a sync flush');
  }
  return out.subarray(0, out.length - 4);
}

/** Bytes a frame header takes (RFC 6455 §5.2): 2, plus 2 or 8 for extended length, plus 4 for a mask key. */
export function frameHeaderLength(payloadLength, masked) {
  const extended = payloadLength < 126 ? 0 : payloadLength <= 0xffff ? 2 : 8;
  return 2 + extended + (masked ? 4 : 0);
}

/**
 * Writes one frame into `out` at `at` and returns the offset after it. `mask` is a 32-bit masking key, or
 * -1 for an unmasked (server) frame. The payload `data.subarray(start, end)` is copied, then masked in place.
 */
export function writeFrame(out, at, { fin, rsv1, opcode, mask }, data, start, end) {
  const length = end - start;
  out[at] = (fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode;
  const maskBit = mask >= 0 ? 0x80 : 0;
  let p = at + 2;
  if (length < 126) {
    out[at + 1] = maskBit | length;
  } else if (length <= 0xffff) {
    out[at + 1] = maskBit | 126;
    out.writeUInt16BE(length, p);
    p += 2;
  } else {
    out[at + 1] = maskBit | 127;
    out.writeUInt32BE(0, p);
    out.writeUInt32BE(length, p + 4);
    p += 8;
  }
  if (maskBit === 0) {
    if (length > 0) data.copy(out, p, start, end);
    return p + length;
  }
  out.writeUInt32BE(mask, p);
  p += 4;
  if (length > 0) data.copy(out, p, start, end);
  // RFC 6455 §5.3: octet i of the payload is XORed with octet i mod 4 of the masking key.
  const m0 = mask >>> 24;
  const m1 = (mask >>> 16) & 0xff;
  const m2 = (mask >>> 8) & 0xff;
  const m3 = mask & 0xff;
  const stop = p + length;
  let i = p;
  for (; i + 4 <= stop; i += 4) {
    out[i] ^= m0;
    out[i + 1] ^= m1;
    out[i + 2] ^= m2;
    out[i + 3] ^= m3;
  }
  if (i < stop) out[i++] ^= m0;
  if (i < stop) out[i++] ^= m1;
  if (i < stop) out[i] ^= m2;
  return stop;
}
