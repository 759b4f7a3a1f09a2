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
