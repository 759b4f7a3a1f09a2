import { HTAB, SP } from './syntax.js';
import type { HeaderField } from './types.js';

/** Values of every field named `name` (field names are case-insensitive, RFC 9110 §5.1), in order. */
export function headerValues(headers: HeaderField[], name: string): string[] {
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (const field of headers) {
    if (sameName(field[0], wanted)) values.push(field[1]);
  }
  return values;
}

/** The value of the first field named `name`, or null when there is none. */
export function firstHeaderValue(headers: HeaderField[], name: string): string | null {
  const wanted = name.toLowerCase();
  for (const field of headers) {
    if (sameName(field[0], wanted)) return field[1];
  }
  return null;
}

/**
 * `fieldName` equals the lower-case `wanted` but for case. Field names are tokens (RFC 9110 §5.6.2, checked by
 * the head parser), so ASCII case folding is all there is; no lower-cased copy is made of every name tried.
 */
function sameName(fieldName: string, wanted: string): boolean {
  if (fieldName.length !== wanted.length) return false;
  for (let i = 0; i < wanted.length; i++) {
    const c = fieldName.charCodeAt(i);
    if ((c >= 0x41 && c <= 0x5a ? c + 0x20 : c) !== wanted.charCodeAt(i)) return false;
  }
  return true;
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
