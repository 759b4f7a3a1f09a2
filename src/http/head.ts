import { COLON, CR, HTAB, LF, SP, TCHAR } from './syntax.js';
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
  const fields = parseFieldLines(bytes, fieldsStart);
  if ('error' in fields) return fields;
  return {
    head: {
      ts,
      packet,
      method: bytes.toString('latin1', 0, line.methodEnd),
      target: bytes.toString('latin1', line.methodEnd + 1, line.targetEnd),
      version: bytes.toString('latin1', line.targetEnd + 1, line.length),
      headers: fields.headers,
    },
  };
}

/** Parses a complete response head, RFC 9112 §2.1 and §4. */
export function parseResponseHead(bytes: Buffer, ts: number, packet: number): HeadParse<HttpResponseHead> {
  const line = new StartLineScanner('response');
  const fieldsStart = line.scan(bytes, 0, bytes.length);
  if (fieldsStart < 0) return { error: 'the status line is not HTTP/1.x SP status-code SP reason-phrase (RFC 9112 §4)' };
  const fields = parseFieldLines(bytes, fieldsStart);
  if ('error' in fields) return fields;
  // The scanner accepted "HTTP/1.x" (8 bytes), SP, then exactly three digits.
  return {
    head: {
      ts,
      packet,
      version: bytes.toString('latin1', 0, 8),
      status: Number(bytes.toString('latin1', 9, 12)),
      reason: bytes.toString('latin1', line.reasonStart, line.length),
      headers: fields.headers,
    },
  };
}

/**
 * field-line = field-name ":" OWS field-value OWS (RFC 9112 §5), up to the empty line. Headers stay an
 * array of pairs (a name like "__proto__" is just a string); values are latin1, the bytes as they were.
 */
function parseFieldLines(bytes: Buffer, from: number): { headers: HeaderField[] } | { error: string } {
  const headers: HeaderField[] = [];
  let pos = from;
  while (pos < bytes.length) {
    let lineEnd = bytes.indexOf(LF, pos);
    if (lineEnd === -1) lineEnd = bytes.length;
    const next = lineEnd + 1;
    if (lineEnd > pos && bytes[lineEnd - 1] === CR) lineEnd--;
    if (lineEnd === pos) break; // the empty line ends the head
    if (bytes[pos] === SP || bytes[pos] === HTAB) {
      // RFC 9112 §5.2: obs-fold continues the previous field; a recipient replaces it with SP.
      const previous = headers[headers.length - 1];
      if (previous === undefined) return { error: 'whitespace between the start line and the first field (RFC 9112 §2.2)' };
      const continuation = owsTrimmed(bytes, pos, lineEnd);
      if (continuation.length > 0) previous[1] = previous[1].length > 0 ? `${previous[1]} ${continuation}` : continuation;
    } else {
      const colon = bytes.indexOf(COLON, pos);
      if (colon === -1 || colon >= lineEnd) return { error: `a field line has no colon: ${quote(bytes, pos, lineEnd)}` };
      if (!isToken(bytes, pos, colon)) {
        // Also catches whitespace before the colon, which RFC 9112 §5.1 makes an error.
        return { error: `a field name is not a token (RFC 9112 §5.1): ${quote(bytes, pos, colon)}` };
      }
      headers.push([bytes.toString('latin1', pos, colon), owsTrimmed(bytes, colon + 1, lineEnd)]);
    }
    pos = next;
  }
  return { headers };
}

function isToken(bytes: Buffer, start: number, end: number): boolean {
  if (end === start) return false;
  for (let i = start; i < end; i++) if (TCHAR[bytes[i]] !== 1) return false;
  return true;
}

function owsTrimmed(bytes: Buffer, start: number, end: number): string {
  while (start < end && (bytes[start] === SP || bytes[start] === HTAB)) start++;
  while (end > start && (bytes[end - 1] === SP || bytes[end - 1] === HTAB)) end--;
  return bytes.toString('latin1', start, end);
}

/** A short, printable excerpt of bytes for a problem message. */
function quote(bytes: Buffer, start: number, end: number): string {
  return JSON.stringify(bytes.toString('latin1', start, Math.min(end, start + 40)));
}
