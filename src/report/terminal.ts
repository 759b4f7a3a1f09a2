import { completeUtf8Prefix, decodeUtf8 } from './payload.js';
import type { Endpoint } from '../analysis/index.js';

/**
 * Neutralizes everything in capture-derived text that a terminal would interpret: C0 controls (ESC starts
 * escape sequences), DEL, C1 controls (0x9b is a one-byte CSI), the bidi controls that can make text read
 * differently from what it is (embeddings, overrides, isolates, and the LRM/RLM/ALM marks), and the Unicode
 * line and paragraph separators some terminals break lines at. They are shown as visible escapes instead
 * (`\x1b`, `\n`, `\u202e`).
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function visibleEscape(char: string): string {
  switch (char) {
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
  }
  const code = char.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

export function sanitizeForTerminal(text: string): string {
  return text.replace(UNSAFE, visibleEscape);
}

/** What JSON.stringify leaves raw of UNSAFE: DEL, C1 controls, bidi controls, line and paragraph separators. */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON text without what a terminal would interpret: JSON.stringify escapes C0 controls but leaves the rest of
 * UNSAFE raw. Outside strings JSON is ASCII, so escaping them (`\u202e`) keeps the same document.
 */
export function terminalSafeJson(json: string): string {
  UNSAFE_IN_JSON.lastIndex = 0;
  if (!UNSAFE_IN_JSON.test(json)) return json;
  return json.replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Whether UTF-8 `bytes` hold a character that terminalSafeJson escapes. Looks for the lead bytes (memchr speed)
 * and checks the few sequences behind them: several times faster than UNSAFE_IN_JSON over the decoded text.
 * `ascii` says the bytes are all below 0x80 (then only DEL can be there).
 */
export function hasTerminalUnsafeUtf8(bytes: Buffer, ascii: boolean): boolean {
  if (bytes.indexOf(0x7f) !== -1) return true;
  if (ascii) return false;
  // U+0080-U+009F: C2 80-C2 9F.
  for (let i = bytes.indexOf(0xc2); i !== -1; i = bytes.indexOf(0xc2, i + 1)) if (bytes[i + 1] < 0xa0) return true;
  // U+061C: D8 9C.
  for (let i = bytes.indexOf(0xd8); i !== -1; i = bytes.indexOf(0xd8, i + 1)) if (bytes[i + 1] === 0x9c) return true;
  // U+200E-U+200F, U+2028-U+202E: E2 80 8E-8F, E2 80 A8-AE; U+2066-U+2069: E2 81 A6-A9.
  for (let i = bytes.indexOf(0xe2); i !== -1; i = bytes.indexOf(0xe2, i + 1)) {
    const second = bytes[i + 1];
    const third = bytes[i + 2];
    if (second === 0x80 && (third === 0x8e || third === 0x8f || (third >= 0xa8 && third <= 0xae))) return true;
    if (second === 0x81 && third >= 0xa6 && third <= 0xa9) return true;
  }
  return false;
}

/** A one-line, terminal-safe preview of payload bytes: text when it is UTF-8, else hex. */
export function payloadPreview(bytes: Buffer, maxChars: number): string {
  const head = bytes.subarray(0, maxChars * 4);
  const text = decodeUtf8(head.length < bytes.length ? completeUtf8Prefix(head) : head);
  if (text !== null) {
    const safe = sanitizeForTerminal(text);
    return safe.length > maxChars || head.length < bytes.length ? `${safe.slice(0, maxChars - 1)}…` : safe;
  }
  const hexBytes = Math.max(1, Math.floor(maxChars / 3));
  const hex = bytes.subarray(0, hexBytes).toString('hex').replace(/(..)(?!$)/g, '$1 ');
  return bytes.length > hexBytes ? `${hex} …` : hex;
}

export function formatEndpoint(endpoint: Endpoint): string {
  return endpoint.ip.includes(':') ? `[${endpoint.ip}]:${endpoint.port}` : `${endpoint.ip}:${endpoint.port}`;
}

/** Seconds as a short human duration: 850 ms, 12.3 s, 4m05s, 2h03m (negative when a capture's time runs backwards). */
export function formatDuration(seconds: number): string {
  if (seconds < 0) return `-${formatDuration(-seconds)}`;
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Seconds since the epoch as an ISO-like UTC time with microseconds. A pcapng timestamp may lie beyond what a
 * Date holds (±8.64e12 s): such a time is shown as its number of seconds instead.
 */
export function formatAbsoluteTime(ts: number): string {
  const whole = Math.floor(ts);
  const date = new Date(whole * 1000);
  if (Number.isNaN(date.getTime())) return `${ts} s since 1970`;
  const micros = Math.round((ts - whole) * 1e6);
  const base = date.toISOString().slice(0, 19).replace('T', ' ');
  return `${base}.${String(Math.min(micros, 999999)).padStart(6, '0')}`;
}

/** Lays out rows as left-aligned columns (the last column is not padded). */
export function formatTable(header: string[], rows: string[][], alignRight: ReadonlySet<number> = new Set()): string {
  // A loop, not Math.max(...column): spreading a column of 150,000 rows overflows the call stack.
  const widths = header.map((h) => h.length);
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i], cell.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => {
        if (i === cells.length - 1) return cell;
        return alignRight.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]);
      })
      .join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
