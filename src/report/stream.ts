import { StringDecoder } from 'node:string_decoder';

/**
 * Writing a report in pieces. A report with every payload byte can be larger than the longest string V8 can
 * hold (about 512 MiB), and holding it whole would double its memory anyway, so the frame and message lists
 * are lazy: their items are built, written and dropped a few at a time. The text is exactly
 * JSON.stringify(value, null, 2) of the same value, which JSON.stringify itself still produces (a lazy list
 * turns into an array there).
 */

/** A list whose JSON items are made only when it is written. */
export class LazyArray<T, J> {
  constructor(
    private readonly items: readonly T[],
    private readonly toItem: (item: T) => J,
    /**
     * Items stringified together by writeJson: one JSON.stringify call for many small items costs far less
     * than one per item. Only for items known to be small (their text is held whole, this many at a time).
     */
    readonly batch = 1,
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

export function lazyArray<T, J>(items: readonly T[], toItem: (item: T) => J, batch = 1): LazyArray<T, J> {
  return new LazyArray(items, toItem, batch);
}

/**
 * An item of a lazy list whose JSON text was written before, laid out for the place where it is written now
 * (writeJsonAt with the same depth), as UTF-8 in pieces: writeJson hands them on as they come, each valid only
 * until the next is asked for. Only writeJson knows it; JSON.stringify does not.
 */
export class WrittenJson {
  constructor(readonly pieces: () => Iterable<Buffer>) {}
}

/** Where writeJson's pieces go: text it makes, and the bytes of WrittenJson items. */
interface JsonOut {
  text(text: string): void;
  bytes(bytes: Buffer): void;
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

/**
 * Characters (string lengths, plus one per value) up to which a container without lazy lists is stringified
 * whole rather than walked member by member: walking a connection's handshake made a piece of every header.
 */
const WHOLE_CHARS = 16 << 10;

/** `budget` less the size of `value` (as WHOLE_CHARS counts), or a negative number once it cannot be whole. */
function leftAfter(value: unknown, budget: number): number {
  if (typeof value === 'string') return budget - value.length - 1;
  if (!isPlainContainer(value)) return budget - 1;
  if (value instanceof LazyArray || value instanceof WrittenJson) return -1;
  let left = budget - 1;
  for (const member of Array.isArray(value) ? value : Object.values(value)) {
    left = leftAfter(member, left);
    if (left < 0) break;
  }
  return left;
}

/** A string as JSON.stringify writes it, in slices that never split a surrogate pair. */
function writeString(text: string, out: JsonOut): void {
  out.text('"');
  for (let start = 0; start < text.length; ) {
    let end = Math.min(text.length, start + SLICE_CHARS);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end++;
    out.text(JSON.stringify(text.slice(start, end)).slice(1, -1));
    start = end;
  }
  out.text('"');
}

/**
 * One item of a lazy list, natively when it fits in a string; an item too long for one (a huge payload with
 * many characters to escape) is walked instead, its long strings written in slices.
 */
function writeItem(item: unknown, indent: Indent, out: JsonOut): void {
  if (item instanceof WrittenJson) {
    for (const piece of item.pieces()) out.bytes(piece);
    return;
  }
  let text: string | undefined;
  try {
    text = nested(item, indent);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    writeValue(item, indent, out);
    return;
  }
  out.text(text ?? 'null');
}

/** Items of a list as JSON.stringify writes them, each walked. */
function writeItems(items: readonly unknown[], indent: Indent, out: JsonOut): void {
  if (items.length === 0) {
    out.text('[]');
    return;
  }
  const inner = inside(indent);
  out.text('[');
  items.forEach((item, i) => {
    out.text(opening(i === 0, indent));
    writeValue(item, inner, out);
  });
  out.text(`${closing(indent)}]`);
}

/**
 * Several items of a list at once: JSON.stringify of them as a list of their own at the same place has the
 * same text between its brackets. Items too long together for one string are written one at a time.
 */
function writeBatch(batch: unknown[], first: boolean, indent: Indent, out: JsonOut): void {
  if (batch.length > 1) {
    let text: string | undefined;
    try {
      text = nested(batch, indent);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
    }
    if (text !== undefined) {
      if (!first) out.text(',');
      out.text(text.slice(1, text.length - closing(indent).length - 1));
      return;
    }
  }
  const inner = inside(indent);
  batch.forEach((item, i) => {
    out.text(opening(first && i === 0, indent));
    writeItem(item, inner, out);
  });
}

/** A lazy list's items, made and stringified `list.batch` at a time (a WrittenJson alone). */
function writeLazyItems(list: LazyArray<unknown, unknown>, indent: Indent, out: JsonOut): void {
  if (list.length === 0) {
    out.text('[]');
    return;
  }
  out.text('[');
  let first = true;
  let batch: unknown[] = [];
  const flush = () => {
    if (batch.length === 0) return;
    writeBatch(batch, first, indent, out);
    first = false;
    batch = [];
  };
  for (const item of list) {
    if (item instanceof WrittenJson) flush();
    batch.push(item);
    if (batch.length >= list.batch || item instanceof WrittenJson) flush();
  }
  flush();
  out.text(`${closing(indent)}]`);
}

function writeValue(value: unknown, indent: Indent, out: JsonOut): void {
  if (value instanceof LazyArray) {
    writeLazyItems(value, indent, out);
    return;
  }
  if (typeof value === 'string' && value.length > SLICE_CHARS) {
    writeString(value, out);
    return;
  }
  if (!isPlainContainer(value) || leftAfter(value, WHOLE_CHARS) >= 0) {
    out.text(nested(value, indent) ?? 'null');
    return;
  }
  if (Array.isArray(value)) {
    writeItems(value, indent, out);
    return;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function');
  if (entries.length === 0) {
    out.text('{}');
    return;
  }
  const inner = inside(indent);
  out.text('{');
  entries.forEach(([key, v], i) => {
    out.text(`${opening(i === 0, indent)}${JSON.stringify(key)}:${indent === null ? '' : ' '}`);
    writeValue(v, inner, out);
  });
  out.text(`${closing(indent)}}`);
}

/** Text only: the bytes of WrittenJson items are decoded (each item's bytes end on a whole character). */
function textOut(write: (text: string) => void): JsonOut {
  const decoder = new StringDecoder('utf8');
  return { text: write, bytes: (bytes) => write(decoder.write(bytes)) };
}

/**
 * Writes `value` as JSON.stringify(value, null, 2) would, in pieces: containers are walked (small ones are
 * stringified whole), the items of a lazy list are made and stringified a batch at a time. The bytes of
 * WrittenJson items go to `writeBytes` when given, else they are decoded and go to `write`.
 */
export function writeJson(value: unknown, write: (text: string) => void, writeBytes?: (bytes: Buffer) => void): void {
  writeValue(value, '', writeBytes ? { text: write, bytes: writeBytes } : textOut(write));
}

/**
 * Writes `value` as writeJson writes it as an item of a list `depth` levels deep (its lines indented to match):
 * the text a WrittenJson at that place must hold. Containers are walked, so no piece is larger than a batch of
 * their items (a large connection is never one string).
 */
export function writeJsonAt(value: unknown, depth: number, write: (text: string) => void): void {
  writeValue(value, STEP.repeat(depth), textOut(write));
}

/** Writes `value` as JSON.stringify(value) would (one line), in pieces, like writeJson. */
export function writeJsonLine(value: unknown, write: (text: string) => void): void {
  writeValue(value, null, textOut(write));
}
