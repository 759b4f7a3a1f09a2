import { isUtf8 } from 'node:buffer';

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** JSON whitespace (RFC 8259 §2). */
function isWhitespace(byte: number): boolean {
  return byte === SPACE || byte === TAB || byte === LF || byte === CR;
}

/**
 * Where the object or array starting at body[start] ends: the index after its closing bracket, or -1 when the
 * body ends first. Brackets inside strings do not count. It checks nothing else: in any JSON text this is
 * exactly where its value ends, so bytes other than whitespace after it mean the body is not one JSON value.
 */
function valueEnd(body: Buffer, start: number): number {
  let depth = 0;
  for (let i = start; i < body.length; i++) {
    const byte = body[i];
    if (byte === QUOTE) {
      // To the closing quote; a backslash escapes the byte after it (RFC 8259 §7).
      for (i++; i < body.length && body[i] !== QUOTE; i++) if (body[i] === BACKSLASH) i++;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      depth++;
    } else if ((byte === CLOSE_BRACE || byte === CLOSE_BRACKET) && --depth === 0) {
      return i + 1;
    }
  }
  return -1;
}

/**
 * Whether a message body is a JSON object or array (RFC 8259: UTF-8 text). The first non-whitespace byte
 * rules out most bodies without decoding them, and where the value ends rules out most of the rest (lines of
 * JSON, one value after another); only a body that is one value from end to end is decoded and parsed, once,
 * and the parse is dropped.
 */
export function isJsonBody(body: Buffer): boolean {
  let i = 0;
  while (i < body.length && isWhitespace(body[i])) i++;
  if (i === body.length || (body[i] !== OPEN_BRACE && body[i] !== OPEN_BRACKET)) return false;
  let end = valueEnd(body, i);
  if (end === -1) return false;
  while (end < body.length && isWhitespace(body[end])) end++;
  if (end < body.length) return false;
  // The first byte is { or [, so there is no byte-order mark to drop: a plain decode of valid UTF-8 is the text.
  if (!isUtf8(body)) return false;
  try {
    JSON.parse(body.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}
