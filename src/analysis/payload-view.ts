import { isUtf8 } from 'node:buffer';

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;

/**
 * Whether a message body is a JSON object or array (RFC 8259: UTF-8 text). The first non-whitespace byte
 * rules out most bodies without decoding them; the rest are parsed once, whole, and the parse is dropped.
 */
export function isJsonBody(body: Buffer): boolean {
  let i = 0;
  while (i < body.length && (body[i] === SPACE || body[i] === TAB || body[i] === LF || body[i] === CR)) i++;
  if (i === body.length || (body[i] !== OPEN_BRACE && body[i] !== OPEN_BRACKET)) return false;
  // The first byte is { or [, so there is no byte-order mark to drop: a plain decode of valid UTF-8 is the text.
  if (!isUtf8(body)) return false;
  try {
    JSON.parse(body.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}
