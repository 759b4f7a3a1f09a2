import { CR, HTAB, SP, TCHAR } from './syntax.js';
import { StartLineScanner } from './start-line.js';
import type { HeaderField, HttpRequestHead, HttpResponseHead } from './types.js';

export type HeadParse<T> = { head: T } | { error: string };

/**
 * Parses a complete request head (start line through the empty line), RFC 9112 §2.1 and §3.
 * `ts` and `packet` are those of the packet that completed the head.
 */
export function parseRequestHead(bytes: Buffer, ts: number, packet: number): HeadParse<HttpRequestHead> {
  const line = new StartLineScanner('request');
  const fieldsStart = line.scan(bytes, 0, bytes.length);
  if (fieldsStart < 0) return { error: 'the request line is not method SP request-target SP HTTP/1.x (RFC 9112 §3)' };
  // One decode of the whole head; every string is a slice of it. latin1: one character per byte, as on the wire.
  const text = bytes.toString('latin1');
  const fields = parseFieldLines(text, fieldsStart);
  if ('error' in fields) return fields;
  return {
    head: {
      ts,
      packet,
      method: text.slice(0, line.methodEnd),
      target: text.slice(line.methodEnd + 1, line.targetEnd),
      version: text.slice(line.targetEnd + 1, line.length),
      headers: fields.headers,
    },
  };
}

/** Parses a complete response head, RFC 9112 §2.1 and §4. */
export function parseResponseHead(bytes: Buffer, ts: number, packet: number): HeadParse<HttpResponseHead> {
  const line = new StartLineScanner('response');
  const fieldsStart = line.scan(bytes, 0, bytes.length);
  if (fieldsStart < 0) return { error: 'the status line is not HTTP/1.x SP status-code SP reason-phrase (RFC 9112 §4)' };
  const text = bytes.toString('latin1');
  const fields = parseFieldLines(text, fieldsStart);
  if ('error' in fields) return fields;
  // The scanner accepted "HTTP/1.x" (8 bytes), SP, then exactly three digits.
  return {
    head: {
      ts,
      packet,
      version: text.slice(0, 8),
      status: (bytes[9] - 0x30) * 100 + (bytes[10] - 0x30) * 10 + (bytes[11] - 0x30),
      reason: text.slice(line.reasonStart, line.length),
      headers: fields.headers,
    },
  };
}

/**
 * field-line = field-name ":" OWS field-value OWS (RFC 9112 §5), up to the empty line. Headers stay an
 * array of pairs (a name like "__proto__" is just a string); values are latin1, the bytes as they were.
 */
function parseFieldLines(text: string, from: number): { headers: HeaderField[] } | { error: string } {
  const headers: HeaderField[] = [];
  let pos = from;
  while (pos < text.length) {
    let lineEnd = text.indexOf('\n', pos);
    if (lineEnd === -1) lineEnd = text.length;
    const next = lineEnd + 1;
    if (lineEnd > pos && text.charCodeAt(lineEnd - 1) === CR) lineEnd--;
    if (lineEnd === pos) break; // the empty line ends the head
    const first = text.charCodeAt(pos);
    if (first === SP || first === HTAB) {
      // RFC 9112 §5.2: obs-fold continues the previous field; a recipient replaces it with SP.
      const previous = headers[headers.length - 1];
      if (previous === undefined) return { error: 'whitespace between the start line and the first field (RFC 9112 §2.2)' };
      const continuation = owsTrimmed(text, pos, lineEnd);
      if (continuation.length > 0) previous[1] = previous[1].length > 0 ? `${previous[1]} ${continuation}` : continuation;
    } else {
      const colon = text.indexOf(':', pos);
      if (colon === -1 || colon >= lineEnd) return { error: `a field line has no colon: ${quote(text, pos, lineEnd)}` };
      if (!isToken(text, pos, colon)) {
        // Also catches whitespace before the colon, which RFC 9112 §5.1 makes an error.
        return { error: `a field name is not a token (RFC 9112 §5.1): ${quote(text, pos, colon)}` };
      }
      headers.push([text.slice(pos, colon), owsTrimmed(text, colon + 1, lineEnd)]);
    }
    pos = next;
  }
  return { headers };
}

function isToken(text: string, start: number, end: number): boolean {
  if (end === start) return false;
  for (let i = start; i < end; i++) if (TCHAR[text.charCodeAt(i)] !== 1) return false;
  return true;
}

function owsTrimmed(text: string, start: number, end: number): string {
  let from = start;
  let to = end;
  while (from < to && isOws(text.charCodeAt(from))) from++;
  while (to > from && isOws(text.charCodeAt(to - 1))) to--;
  return text.slice(from, to);
}

function isOws(c: number): boolean {
  return c === SP || c === HTAB;
}

/** A short, printable excerpt of bytes for a problem message. */
function quote(text: string, start: number, end: number): string {
  return JSON.stringify(text.slice(start, Math.min(end, start + 40)));
}
