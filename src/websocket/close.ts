import type { ClosePayload } from './types.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Splits a close frame's body into code and reason (RFC 6455 §5.5.1); validity of the code is the caller's call. */
export function parseClosePayload(payload: Buffer): ClosePayload {
  if (payload.length === 0) return { code: null, reason: '', reasonValidUtf8: true, malformed: false };
  if (payload.length === 1) return { code: null, reason: '', reasonValidUtf8: true, malformed: true };
  const reasonBytes = payload.subarray(2);
  let reason: string;
  let reasonValidUtf8 = true;
  try {
    reason = strictUtf8.decode(reasonBytes);
  } catch {
    // Keep something readable: invalid sequences become U+FFFD.
    reason = reasonBytes.toString('utf8');
    reasonValidUtf8 = false;
  }
  return { code: payload.readUInt16BE(0), reason, reasonValidUtf8, malformed: false };
}
