import crypto from 'node:crypto';

/** RFC 6455 §1.3: the GUID the server appends to Sec-WebSocket-Key. */
const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

const ASCII = /^[\x00-\x7f]*$/;

/** SHA-1 in base64: one call where Node has the one-shot crypto.hash (20.12+), else through a Hash object. */
const sha1Base64: (data: Buffer | string) => string =
  typeof crypto.hash === 'function'
    ? (data) => crypto.hash('sha1', data, 'base64')
    : (data) => crypto.createHash('sha1').update(data).digest('base64');

/** The Sec-WebSocket-Accept a server must send for `key`: base64(SHA-1(key + GUID)), RFC 6455 §4.2.2. */
export function computeAccept(key: string): string {
  // Header values are latin1 strings, so latin1 gives back the bytes that were on the wire. A string is hashed
  // as UTF-8, which is the same bytes for the usual all-ASCII key.
  const input = key + WEBSOCKET_GUID;
  return sha1Base64(ASCII.test(input) ? input : Buffer.from(input, 'latin1'));
}
