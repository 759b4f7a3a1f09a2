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

/**
 * A value whose JSON text was written before, laid out for the place where it is written now (writeJsonAt with
 * the same depth): writeJson copies its pieces as they come. Only writeJson knows it; JSON.stringify does not.
 */
export class WrittenJson {
  constructor(readonly pieces: () => Iterable<string>) {}
}

const STEP = '  ';

/**
 * Where a value is written: nested at `indent` in JSON.stringify(value, null, 2)'s layout, or, when `indent`
 * is null, on one line as JSON.stringify(value) writes it (NDJSON records).
 */
type Indent = string | null;

/**
 * JSON.stringify of `value` nested at `indent`: its line breaks carry the indent (strings hold none raw). Made
 * by JSON.stringify itself, with the value inside as many one-item arrays as the indent has steps, then cut
 * out of them: adding the indent to each line afterwards (a regular expression over the whole text) cost as
 * much again as the stringify.
 */
function nested(value: unknown, indent: Indent): string | undefined {
  if (indent === null) return JSON.stringify(value);
  if (indent === '' || value === undefined || typeof value === 'function' || typeof value === 'symbol') {
    return JSON.stringify(value, null, 2);
  }
  const depth = indent.length / STEP.length;
  let wrapped: unknown = value;
  for (let i = 0; i < depth; i++) wrapped = [wrapped];
  const text = JSON.stringify(wrapped, null, 2);
  // Level k (0-based) of the wrapping opens with "[\n" and k + 1 steps, and closes with "\n", k steps and "]".
  const open = depth * 2 + STEP.length * ((depth * (depth + 1)) / 2);
  const close = depth * 2 + STEP.length * ((depth * (depth - 1)) / 2);
  return text.slice(open, text.length - close);
}

/** The text before an item or member of a container at `indent`, and the one that closes it. */
function opening(first: boolean, indent: Indent): string {
  return indent === null ? (first ? '' : ',') : `${first ? '' : ','}\n${indent}${STEP}`;
}

function closing(indent: Indent): string {
  return indent === null ? '' : `\n${indent}`;
}

function inside(indent: Indent): Indent {
  return indent === null ? null : indent + STEP;
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
function writeItem(item: unknown, indent: Indent, write: (text: string) => void): void {
  if (item instanceof WrittenJson) {
    for (const piece of item.pieces()) write(piece);
    return;
  }
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
function writeItems(items: Iterable<unknown>, count: number, indent: Indent, write: (text: string) => void, deep: boolean): void {
  if (count === 0) {
    write('[]');
    return;
  }
  const inner = inside(indent);
  write('[');
  let first = true;
  for (const item of items) {
    write(opening(first, indent));
    first = false;
    if (deep) writeValue(item, inner, write);
    else writeItem(item, inner, write);
  }
  write(`${closing(indent)}]`);
}

function writeValue(value: unknown, indent: Indent, write: (text: string) => void): void {
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
  const inner = inside(indent);
  write('{');
  entries.forEach(([key, v], i) => {
    write(`${opening(i === 0, indent)}${JSON.stringify(key)}:${indent === null ? '' : ' '}`);
    writeValue(v, inner, write);
  });
  write(`${closing(indent)}}`);
}

/**
 * Writes `value` as JSON.stringify(value, null, 2) would, in pieces: containers are walked, each item of a
 * lazy list is stringified on its own.
 */
export function writeJson(value: unknown, write: (text: string) => void): void {
  writeValue(value, '', write);
}

/**
 * Writes `value` as writeJson writes it as an item of a list `depth` levels deep (its lines indented to match):
 * the text a WrittenJson at that place must hold. Containers are walked, so no piece is larger than one of
 * their items (a large connection is never one string).
 */
export function writeJsonAt(value: unknown, depth: number, write: (text: string) => void): void {
  writeValue(value, STEP.repeat(depth), write);
}

/** Writes `value` as JSON.stringify(value) would (one line), in pieces, like writeJson. */
export function writeJsonLine(value: unknown, write: (text: string) => void): void {
  writeValue(value, null, write);
}
