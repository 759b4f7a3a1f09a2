import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeCaptures } from '../../src/analysis/index.js';
import { buildReport, lazyArray, writeJson, writeJsonLine } from '../../src/report/index.js';
import { fixtureCaptures } from '../fixtures/captures.js';

function written(value: unknown): { text: string; pieces: number } {
  const pieces: string[] = [];
  writeJson(value, (piece) => pieces.push(piece));
  return { text: pieces.join(''), pieces: pieces.length };
}

test('writeJson writes exactly what JSON.stringify(value, null, 2) does, writeJsonLine what JSON.stringify(value) does', () => {
  const values: unknown[] = [
    null,
    0,
    -1.5e300,
    Number.NaN,
    'a "quoted"\n\u2028 string \ud83d\ude00 \udc00',
    [],
    {},
    [[], {}, [1, [2, [3]]], { a: [] }],
    { a: undefined, b: () => 1, c: [undefined, () => 1], d: { e: { f: 'g' } }, '__proto__': 1 },
    { list: lazyArray([1, 2, 3], (n) => ({ n, twice: [n, n] })), empty: lazyArray([], (n: number) => n) },
    JSON.parse('{"__proto__": {"polluted": true}}'),
  ];
  for (const value of values) {
    assert.equal(written(value).text, JSON.stringify(value, null, 2));
    const line: string[] = [];
    writeJsonLine(value, (piece) => line.push(piece));
    assert.equal(line.join(''), JSON.stringify(value));
  }
});

test('a lazy list is made item by item when written, and is an array for JSON.stringify', () => {
  const made: number[] = [];
  const list = lazyArray([1, 2, 3], (n) => {
    made.push(n);
    return { n };
  });
  const pieces: string[] = [];
  writeJson({ list }, (piece) => {
    pieces.push(piece);
    // When the second item is being written, the third has not been made yet.
    if (piece.includes('"n": 2')) assert.deepEqual(made, [1, 2]);
  });
  assert.deepEqual(made, [1, 2, 3]);
  assert.equal(JSON.stringify({ list }), '{"list":[{"n":1},{"n":2},{"n":3}]}');
});

test('a batched lazy list makes and writes its items a batch at a time, with the text JSON.stringify has', () => {
  const made: number[] = [];
  const value = { list: lazyArray([1, 2, 3, 4, 5], (n) => (made.push(n), { n, text: 'é\u2028"' }), 2), after: [lazyArray([], (n: number) => n, 3)] };
  const pieces: string[] = [];
  writeJson(value, (piece) => {
    pieces.push(piece);
    // The items are written two at a time, each pair made just before it is written.
    if (piece.includes('"n": 1')) assert.deepEqual(made, [1, 2]);
    if (piece.includes('"n": 3')) assert.deepEqual(made, [1, 2, 3, 4]);
  });
  assert.equal(pieces.join(''), JSON.stringify(value, null, 2));
  assert.equal(pieces.filter((p) => p.includes('"n"')).length, 3);
  for (const batch of [1, 2, 3, 7]) {
    const nestedValue = [{ deep: [lazyArray([1, 2, 3, 4, 5, 6, 7], (n) => ({ n, list: [n, [n]], empty: {} }), batch)] }];
    assert.equal(written(nestedValue).text, JSON.stringify(nestedValue, null, 2), `batch ${batch}`);
    const line: string[] = [];
    writeJsonLine(nestedValue, (piece) => line.push(piece));
    assert.equal(line.join(''), JSON.stringify(nestedValue), `batch ${batch}, one line`);
  }
});

test('a batch too long for one string is written item by item', () => {
  // Each item escapes to 6 * 48 Mi = 288 Mi characters: one fits in a string (at most 2^29 - 24), two do not.
  const huge = '\u0001'.repeat(48 << 20);
  let length = 0;
  let longest = 0;
  writeJson(lazyArray([huge, huge], (text) => ({ text }), 2), (piece) => {
    length += piece.length;
    longest = Math.max(longest, piece.length);
  });
  const shape = '[\n  {\n    "text": ""\n  },\n  {\n    "text": ""\n  }\n]';
  assert.equal(length, shape.length + 2 * 6 * (48 << 20));
  assert.ok(longest < 300 << 20, `one item at a time (longest piece ${longest})`);
});

test('an item too long to stringify whole (a payload of control characters) is written in slices', () => {
  // 90 Mi control characters escape to 6 characters each: 540 Mi, past the longest string V8 can make (2^29 - 24),
  // so JSON.stringify of the item throws a RangeError and the writer falls back to slices.
  const huge = '\u0001'.repeat(90 << 20);
  let length = 0;
  let longest = 0;
  let head = '';
  writeJson({ items: lazyArray([huge], (text) => ({ text })) }, (piece) => {
    if (head.length < 64) head += piece;
    length += piece.length;
    longest = Math.max(longest, piece.length);
  });
  const start = '{\n  "items": [\n    {\n      "text": "\\u0001\\u0001';
  assert.equal(head.slice(0, start.length), start);
  assert.equal(length, '{\n  "items": [\n    {\n      "text": ""\n    }\n  ]\n}'.length + 6 * (90 << 20));
  assert.ok(longest <= 6 << 20, `pieces stay small (longest ${longest})`);
});

test('every fixture report, in every payload mode, is written exactly as JSON.stringify has it', async () => {
  for (const capture of fixtureCaptures()) {
    for (const payload of ['none', 'preview', 'full'] as const) {
      const { model } = await analyzeCaptures([capture], { retainBytes: payload === 'full' ? null : 256 });
      const report = buildReport(model, { payload, toolVersion: 'test', allTcp: true });
      const { text, pieces } = written(report);
      assert.equal(text, JSON.stringify(report, null, 2), `${capture} ${payload}`);
      assert.ok(pieces > 1);
    }
  }
});
