import { headerTokens, headerValues } from './headers.js';
import type { HttpRequestHead, HttpResponseHead } from './types.js';

/** How a message's body is delimited (RFC 9112 §6.3). */
export type BodyFraming =
  | { kind: 'none' }
  | { kind: 'length'; length: number }
  | { kind: 'chunked' }
  | { kind: 'until-close' }
  | { kind: 'invalid'; reason: string };

const NONE: BodyFraming = { kind: 'none' };

/** RFC 9112 §6.3 for requests: Transfer-Encoding, else Content-Length, else no body. */
export function requestFraming(request: HttpRequestHead): BodyFraming {
  return framing(request.version, request.headers, 'request');
}

/**
 * RFC 9112 §6.3 for responses: none for HEAD, 1xx, 204 and 304 (items 1); else Transfer-Encoding,
 * Content-Length, or the rest of the connection. `request` is null when the capture lacks it.
 */
export function responseFraming(response: HttpResponseHead, request: HttpRequestHead | null): BodyFraming {
  const status = response.status;
  if (request?.method === 'HEAD' || status < 200 || status === 204 || status === 304) return NONE;
  return framing(response.version, response.headers, 'response');
}

function framing(version: string, headers: HttpRequestHead['headers'], kind: 'request' | 'response'): BodyFraming {
  const codings = headerTokens(headers, 'transfer-encoding');
  if (codings.length > 0) {
    // RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 message means the framing is faulty.
    if (version === 'HTTP/1.0') return { kind: 'invalid', reason: 'Transfer-Encoding in an HTTP/1.0 message (RFC 9112 §6.1)' };
    // Transfer-Encoding overrides Content-Length (RFC 9112 §6.3 item 3).
    if (codings[codings.length - 1] === 'chunked') return { kind: 'chunked' };
    // RFC 9112 §6.3 item 4: a response is then read until close; a request cannot be delimited at all.
    if (kind === 'response') return { kind: 'until-close' };
    return { kind: 'invalid', reason: 'a request whose final transfer coding is not chunked (RFC 9112 §6.3)' };
  }
  const lengths = headerValues(headers, 'content-length');
  if (lengths.length > 0) return contentLength(lengths);
  return kind === 'request' ? NONE : { kind: 'until-close' };
}

/**
 * Content-Length = 1*DIGIT (RFC 9110 §8.6). Repeated or comma-listed values are accepted when they are
 * all the same; anything else is unrecoverable framing (RFC 9112 §6.3 item 5).
 */
function contentLength(values: string[]): BodyFraming {
  let digits: string | null = null;
  for (const value of values) {
    for (const element of value.split(',')) {
      const trimmed = element.trim();
      if (!/^[0-9]+$/.test(trimmed)) return { kind: 'invalid', reason: `Content-Length is not a number: ${JSON.stringify(value)}` };
      const canonical = trimmed.replace(/^0+(?=.)/, '');
      if (digits !== null && canonical !== digits) {
        return { kind: 'invalid', reason: `conflicting Content-Length values: ${values.join(', ')}` };
      }
      digits = canonical;
    }
  }
  const length = Number(digits);
  if (!Number.isSafeInteger(length)) return { kind: 'invalid', reason: `Content-Length too large: ${digits}` };
  return length === 0 ? NONE : { kind: 'length', length };
}
