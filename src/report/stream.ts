/**
 * Writing a report in pieces. A report with every payload byte can be larger than the longest string V8 can
 * hold (about 512 MiB), and holding it whole would double its memory anyway, so the frame and message lists
 * are lazy: each item is built, written and dropped in turn. The text is exactly JSON.stringify(value, null, 2)
 * of the same value, which JSON.stringify itself still produces (a lazy list turns into an array there).
 */

/** A list whose JSON items are made only when it is written. */
export class LazyArray<T, J> {
  constructor(
    private readonly items: readonly T[],
    private readonly toItem: (item: T) => J,
  ) {}

  *[Symbol.iterator](): Iterator<J> {
    for (const item of this.items) yield this.toItem(item);
  }

  get length(): number {
    return this.items.length;
  }

  toJSON(): J[] {
    return [...this];
  }
}

export function lazyArray<T, J>(items: readonly T[], toItem: (item: T) => J): LazyArray<T, J> {
  return new LazyArray(items, toItem);
}

const STEP = '  ';

/** JSON.stringify(value, null, 2) nested at `indent`: its line breaks carry the indent (strings hold none raw). */
function nested(value: unknown, indent: string): string | undefined {
  const text = JSON.stringify(value, null, 2);
  return text === undefined || indent === '' ? text : text.replace(/\n/g, `\n${indent}`);
}

function isPlainContainer(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !('toJSON' in value && !(value instanceof LazyArray));
}

/** Strings longer than this are escaped and written in slices when an item is too long to stringify whole. */
const SLICE_CHARS = 1 << 20;

/** A string as JSON.stringify writes it, in slices that never split a surrogate pair. */
function writeString(text: string, write: (text: string) => void): void {
  write('"');
  for (let start = 0; start < text.length; ) {
    let end = Math.min(text.length, start + SLICE_CHARS);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end++;
    write(JSON.stringify(text.slice(start, end)).slice(1, -1));
    start = end;
  }
  write('"');
}

/**
 * One item of a lazy list, natively when it fits in a string; an item too long for one (a huge payload with
 * many characters to escape) is walked instead, its long strings written in slices.
 */
function writeItem(item: unknown, indent: string, write: (text: string) => void): void {
  let text: string | undefined;
  try {
    text = nested(item, indent);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    writeValue(item, indent, write);
    return;
  }
  write(text ?? 'null');
}

/** Items of a list as JSON.stringify writes them: walked (`deep`), or stringified whole one at a time. */
function writeItems(items: Iterable<unknown>, count: number, indent: string, write: (text: string) => void, deep: boolean): void {
  if (count === 0) {
    write('[]');
    return;
  }
  const inner = indent + STEP;
  write('[');
  let first = true;
  for (const item of items) {
    write(`${first ? '' : ','}\n${inner}`);
    first = false;
    if (deep) writeValue(item, inner, write);
    else writeItem(item, inner, write);
  }
  write(`\n${indent}]`);
}

function writeValue(value: unknown, indent: string, write: (text: string) => void): void {
  if (value instanceof LazyArray) {
    writeItems(value, value.length, indent, write, false);
    return;
  }
  if (typeof value === 'string' && value.length > SLICE_CHARS) {
    writeString(value, write);
    return;
  }
  if (!isPlainContainer(value)) {
    write(nested(value, indent) ?? 'null');
    return;
  }
  if (Array.isArray(value)) {
    writeItems(value, value.length, indent, write, true);
    return;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function');
  if (entries.length === 0) {
    write('{}');
    return;
  }
  const inner = indent + STEP;
  write('{');
  entries.forEach(([key, v], i) => {
    write(`${i === 0 ? '' : ','}\n${inner}${JSON.stringify(key)}: `);
    writeValue(v, inner, write);
  });
  write(`\n${indent}}`);
}

/**
 * Writes `value` as JSON.stringify(value, null, 2) would, in pieces: containers are walked, each item of a
 * lazy list is stringified on its own.
 */
export function writeJson(value: unknown, write: (text: string) => void): void {
  writeValue(value, '', write);
}
