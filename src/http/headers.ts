import { HTAB, SP } from './syntax.js';
import type { HeaderField } from './types.js';

/** Values of every field named `name` (field names are case-insensitive, RFC 9110 §5.1), in order. */
export function headerValues(headers: HeaderField[], name: string): string[] {
  const values: string[] = [];
  for (const field of headers) {
    if (equalFolded(field[0], 0, field[0].length, name)) values.push(field[1]);
  }
  return values;
}

/** The value of the first field named `name`, or null when there is none. */
export function firstHeaderValue(headers: HeaderField[], name: string): string | null {
  for (const field of headers) {
    if (equalFolded(field[0], 0, field[0].length, name)) return field[1];
  }
  return null;
}

/**
 * The list elements of every field named `name`, lowercased: RFC 9110 §5.6.1 lists are comma-separated,
 * may be split over repeated fields, ignore empty elements, and commas inside quoted-strings do not split.
 */
export function headerTokens(headers: HeaderField[], name: string): string[] {
  const tokens: string[] = [];
  for (const value of headerValues(headers, name)) {
    someElement(value, (start, end) => {
      tokens.push(value.slice(start, end).toLowerCase());
      return false;
    });
  }
  return tokens;
}

/** Whether `token` is among headerTokens(headers, name), ASCII case aside, found without building the list. */
export function hasHeaderToken(headers: HeaderField[], name: string, token: string): boolean {
  for (const field of headers) {
    if (!equalFolded(field[0], 0, field[0].length, name)) continue;
    const value = field[1];
    if (someElement(value, (start, end) => equalFolded(value, start, end, token))) return true;
  }
  return false;
}

/**
 * text[start..end) equals `other` but for ASCII case. Field names are tokens (RFC 9110 §5.6.2, checked by the
 * head parser) and the list elements looked for are ASCII, so ASCII folding is all there is; no lower-cased
 * copy is made of every string tried.
 */
function equalFolded(text: string, start: number, end: number, other: string): boolean {
  if (end - start !== other.length) return false;
  for (let i = 0; i < other.length; i++) {
    const a = text.charCodeAt(start + i);
    const b = other.charCodeAt(i);
    if (a !== b && foldCase(a) !== foldCase(b)) return false;
  }
  return true;
}

function foldCase(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
}

const COMMA = 0x2c;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Calls `visit` with the bounds of each non-empty element of a list value, OWS trimmed, until it returns true;
 * returns whether one did.
 */
function someElement(value: string, visit: (start: number, end: number) => boolean): boolean {
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
      if (element(value, start, i, visit)) return true;
      start = i + 1;
    }
  }
  return element(value, start, value.length, visit);
}

function element(value: string, from: number, to: number, visit: (start: number, end: number) => boolean): boolean {
  // Trim OWS by hand: a regex like /[ \t]+$/ backtracks quadratically over long runs of inner spaces.
  let start = from;
  let end = to;
  while (start < end && isOws(value.charCodeAt(start))) start++;
  while (end > start && isOws(value.charCodeAt(end - 1))) end--;
  return end > start && visit(start, end);
}

function isOws(c: number): boolean {
  return c === SP || c === HTAB;
}
