/**
 * Terminal text layout for the UI: display widths, fitting and wrapping. Every string handed to these helpers
 * is already terminal-safe (capture text goes through sanitizeForTerminal/payloadPreview first).
 */

/** East Asian wide and fullwidth ranges, and the emoji blocks terminals draw two cells wide. */
function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe6f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f680 && cp <= 0x1f6ff) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x1fa70 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/** Terminal cells a code point takes: 0 for combining marks, 2 for wide characters, else 1. */
function cellWidth(cp: number): number {
  if ((cp >= 0x300 && cp <= 0x36f) || cp === 0x200d || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  return isWide(cp) ? 2 : 1;
}

export function textWidth(text: string): number {
  let width = 0;
  for (const char of text) width += cellWidth(char.codePointAt(0)!);
  return width;
}

/** Cuts `text` to at most `width` cells, ending in '…' when something was cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (textWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const char of text) {
    const w = cellWidth(char.codePointAt(0)!);
    if (used + w > width - 1) break;
    out += char;
    used += w;
  }
  return out + '…';
}

/** Exactly `width` cells: cut with '…' or padded with spaces (on the left when `alignRight`). */
export function fit(text: string, width: number, alignRight = false): string {
  const cut = truncate(text, width);
  const pad = ' '.repeat(Math.max(0, width - textWidth(cut)));
  return alignRight ? pad + cut : cut + pad;
}

/** Breaks one line into pieces of at most `width` cells (hard wrap: payloads have no reliable word breaks). */
export function wrap(text: string, width: number): string[] {
  if (width <= 0) return [text];
  const lines: string[] = [];
  let line = '';
  let used = 0;
  for (const char of text) {
    const w = cellWidth(char.codePointAt(0)!);
    if (used + w > width) {
      lines.push(line);
      line = '';
      used = 0;
    }
    line += char;
    used += w;
  }
  lines.push(line);
  return lines;
}

/** The first line of `text` that fits `width` cells: up to the last space that fits, or a hard cut. */
function firstLine(text: string, width: number): string {
  const [hard] = wrap(text, width);
  if (hard.length === text.length || text[hard.length] === ' ') return hard;
  const space = hard.lastIndexOf(' ');
  return space > 0 ? hard.slice(0, space + 1) : hard;
}

/**
 * Wraps prose to `width` cells at spaces (hard cuts only inside words longer than a line); lines after the
 * first are indented two more cells than `indent`.
 */
export function hangingWrap(text: string, width: number, indent = ''): string[] {
  const lines: string[] = [];
  let rest = text;
  let prefix = indent;
  do {
    const line = firstLine(rest, Math.max(1, width - prefix.length));
    lines.push(prefix + line.trimEnd());
    rest = rest.slice(line.length).trimStart();
    prefix = `${indent}  `;
  } while (rest.length > 0);
  return lines;
}

const UNITS = ['KiB', 'MiB', 'GiB'];

/** Sizes: bytes below 10 KiB (payload sizes read best exact), then KiB, MiB, GiB with one decimal. */
export function formatSize(bytes: number): string {
  if (bytes < 10 * 1024) return `${bytes} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** Counts with thousands separators, independent of the locale. */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A styled piece of a line; lines are arrays of spans so panes can colour parts of a row. */
export interface Span {
  text: string;
  color?: string;
  bold?: boolean;
  dim?: boolean;
  inverse?: boolean;
}

export type Line = Span[];

export function plain(text: string, style: Omit<Span, 'text'> = {}): Line {
  return [{ text, ...style }];
}

/** The line in reverse video (the focused pane's cursor row); highlighted parts flip back, so they still stand out. */
export function reversed(line: Line): Line {
  return line.map((span) => ({ ...span, inverse: !span.inverse }));
}
