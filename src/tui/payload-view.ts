import { completeUtf8Prefix, decodeUtf8, sanitizeForTerminal } from '../report/index.js';
import { plain, wrap, type Line } from './text.js';

/** How the detail pane shows a payload; `p` cycles through them. */
export type PayloadView = 'text' | 'json' | 'hex';
export const PAYLOAD_VIEWS: readonly PayloadView[] = ['text', 'json', 'hex'];

/** Containers nested deeper than this are shown as `{…n}` until the JSON is expanded. */
const FOLD_DEPTH = 2;

/** Text view: one line per line of the payload, wrapped to the pane, control characters made visible. */
export function textLines(bytes: Buffer, truncated: boolean, width: number): Line[] {
  const lines: Line[] = [];
  let text = decodeUtf8(bytes);
  if (text === null) {
    // A fragment of a text message, or a payload cut at the retention limit, may end inside a character.
    const complete = completeUtf8Prefix(bytes);
    text = decodeUtf8(complete);
    if (text !== null && !truncated) lines.push(plain(`(the last ${bytes.length - complete.length} bytes end inside a UTF-8 character)`, { color: 'gray' }));
  }
  if (text === null) {
    lines.push(plain('(not UTF-8: shown as Latin-1; p for hex)', { color: 'gray' }));
    text = bytes.toString('latin1');
  }
  for (const raw of text.split('\n')) {
    for (const piece of wrap(sanitizeForTerminal(raw), width)) lines.push([{ text: piece }]);
  }
  return lines;
}

/** Hex view: offset, hex bytes in groups of 8, and the printable ASCII column, like `hexdump -C`. */
export function hexLines(bytes: Buffer, width: number): Line[] {
  const perLine = width >= 78 ? 16 : 8;
  const lines: Line[] = [];
  for (let offset = 0; offset < bytes.length; offset += perLine) {
    const row = bytes.subarray(offset, offset + perLine);
    let hex = '';
    let ascii = '';
    for (let i = 0; i < perLine; i++) {
      if (i > 0 && i % 8 === 0) hex += ' ';
      if (i < row.length) {
        const b = row[i];
        hex += b.toString(16).padStart(2, '0') + ' ';
        ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
      } else {
        hex += '   ';
      }
    }
    lines.push([
      { text: offset.toString(16).padStart(8, '0'), color: 'gray' },
      { text: '  ' + hex + ' ' },
      { text: `|${ascii}|`, color: 'gray' },
    ]);
  }
  return lines;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function scalar(value: Exclude<Json, Json[] | { [key: string]: Json }>): { text: string; color: string } {
  if (typeof value === 'string') return { text: sanitizeForTerminal(JSON.stringify(value)), color: 'green' };
  if (typeof value === 'number') return { text: String(value), color: 'yellow' };
  return { text: String(value), color: 'magenta' };
}

/** Pretty JSON, coloured, with containers below FOLD_DEPTH shown as `{…n}` / `[…n]` unless `expanded`. */
function jsonValueLines(value: Json, expanded: boolean, width: number): Line[] {
  const lines: Line[] = [];
  const emit = (indent: number, prefix: Line, body: Line, comma: boolean) => {
    const line: Line = [{ text: '  '.repeat(indent) }, ...prefix, ...body];
    if (comma) line.push({ text: ',' });
    lines.push(line);
  };
  const walk = (node: Json, indent: number, prefix: Line, comma: boolean) => {
    if (node === null || typeof node !== 'object') {
      emit(indent, prefix, [scalar(node)], comma);
      return;
    }
    const entries: [string | null, Json][] = Array.isArray(node) ? node.map((v) => [null, v]) : Object.entries(node);
    const [open, close] = Array.isArray(node) ? ['[', ']'] : ['{', '}'];
    if (entries.length === 0) {
      emit(indent, prefix, [{ text: open + close }], comma);
      return;
    }
    if (!expanded && indent >= FOLD_DEPTH) {
      emit(indent, prefix, [{ text: `${open}…${entries.length}${close}`, color: 'gray' }], comma);
      return;
    }
    emit(indent, prefix, [{ text: open }], false);
    entries.forEach(([key, child], i) => {
      const childPrefix: Line = key === null ? [] : [{ text: sanitizeForTerminal(JSON.stringify(key)), color: 'cyan' }, { text: ': ' }];
      walk(child, indent + 1, childPrefix, i < entries.length - 1);
    });
    emit(indent, [], [{ text: close }], comma);
  };
  walk(value, 0, [], false);
  // Long strings would run off the pane: wrap the widest lines as plain text rather than lose their end.
  return lines.flatMap((line) => {
    const text = line.map((span) => span.text).join('');
    return text.length > width ? wrap(text, width).map((piece) => [{ text: piece }]) : [line];
  });
}

/** JSON view: the pretty JSON, or why there is none. */
export function jsonLines(bytes: Buffer, truncated: boolean, expanded: boolean, width: number): Line[] | string {
  if (truncated) return 'the payload was cut at the retention limit, so it cannot be parsed as JSON';
  const text = decodeUtf8(bytes);
  if (text === null) return 'the payload is not UTF-8 text';
  let value: Json;
  try {
    value = JSON.parse(text) as Json;
  } catch (error) {
    return `not JSON: ${sanitizeForTerminal((error as Error).message)}`;
  }
  return jsonValueLines(value, expanded, width);
}
