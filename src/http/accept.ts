import { createHash } from 'node:crypto';

/** RFC 6455 §1.3: the GUID the server appends to Sec-WebSocket-Key. */
const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** The Sec-WebSocket-Accept a server must send for `key`: base64(SHA-1(key + GUID)), RFC 6455 §4.2.2. */
export function computeAccept(key: string): string {
  // Header values are latin1 strings, so latin1 gives back the bytes that were on the wire.
  return createHash('sha1').update(key + WEBSOCKET_GUID, 'latin1').digest('base64');
}
