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
