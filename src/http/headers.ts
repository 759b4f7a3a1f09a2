import { HTAB, SP } from './syntax.js';
import type { HeaderField } from './types.js';

/** Values of every field named `name` (field names are case-insensitive, RFC 9110 §5.1), in order. */
export function headerValues(headers: HeaderField[], name: string): string[] {
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (const [fieldName, value] of headers) {
    if (fieldName.toLowerCase() === wanted) values.push(value);
  }
  return values;
}

/**
 * The list elements of every field named `name`, lowercased: RFC 9110 §5.6.1 lists are comma-separated,
 * may be split over repeated fields, ignore empty elements, and commas inside quoted-strings do not split.
 */
export function headerTokens(headers: HeaderField[], name: string): string[] {
  const tokens: string[] = [];
  for (const value of headerValues(headers, name)) splitList(value, tokens);
  return tokens;
}

const COMMA = 0x2c;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;

function splitList(value: string, into: string[]): void {
  let start = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (quoted) {
      if (c === BACKSLASH) i++; // quoted-pair (RFC 9110 §5.6.4)
      else if (c === DQUOTE) quoted = false;
    } else if (c === DQUOTE) {
      quoted = true;
    } else if (c === COMMA) {
      pushElement(value.slice(start, i), into);
      start = i + 1;
    }
  }
  pushElement(value.slice(start), into);
}

function pushElement(raw: string, into: string[]): void {
  // Trim OWS by hand: a regex like /[ \t]+$/ backtracks quadratically over long runs of inner spaces.
  let start = 0;
  let end = raw.length;
  while (start < end && isOws(raw.charCodeAt(start))) start++;
  while (end > start && isOws(raw.charCodeAt(end - 1))) end--;
  if (end > start) into.push(raw.slice(start, end).toLowerCase());
}

function isOws(c: number): boolean {
  return c === SP || c === HTAB;
}
