import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hexLines, jsonLines, textLines } from '../../src/tui/payload-view.js';
import type { Line } from '../../src/tui/text.js';

const text = (lines: Line[]) => lines.map((line) => line.map((span) => span.text).join(''));

test('hex view: offsets, 16 bytes in two groups, ASCII column with dots for the rest', () => {
  const bytes = Buffer.concat([Buffer.from('Hello, world!\n'), Buffer.from([0x00, 0xff, 0x1b])]);
  assert.deepEqual(text(hexLines(bytes, 80)), [
    '00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 21 0a 00 ff  |Hello, world!...|',
    '00000010  1b                                                |.|',
  ]);
});

test('hex view: 8 bytes a line in a narrow pane', () => {
  assert.deepEqual(text(hexLines(Buffer.from('abcdefghij'), 60)), ['00000000  61 62 63 64 65 66 67 68  |abcdefgh|', '00000008  69 6a                    |ij|']);
});

test('text view: lines split at newlines, control characters shown as escapes, long lines wrapped', () => {
  assert.deepEqual(text(textLines(Buffer.from('one\ntwo\u001b[31m\r'), false, 40)), ['one', 'two\\x1b[31m\\r']);
  assert.deepEqual(text(textLines(Buffer.from('abcdefghij'), false, 4)), ['abcd', 'efgh', 'ij']);
});

test('text view: a fragment ending inside a character says so; other bytes are shown as Latin-1', () => {
  const check = Buffer.from('ok ✓');
  assert.deepEqual(text(textLines(check.subarray(0, check.length - 1), false, 40)), ['(the last 2 bytes end inside a UTF-8 character)', 'ok ']);
  assert.deepEqual(text(textLines(check.subarray(0, check.length - 1), true, 40)), ['ok ']);
  assert.deepEqual(text(textLines(Buffer.from([0x61, 0x85, 0xff, 0x41]), false, 40)), ['(not UTF-8: shown as Latin-1; p for hex)', 'a\\x85ÿA']);
});

test('JSON view: pretty, with containers below depth 2 folded until expanded', () => {
  const bytes = Buffer.from('{"type":"quote","data":{"symbol":"ABC","levels":[1,2,{"x":null}]},"ok":true}');
  assert.deepEqual(text(jsonLines(bytes, false, false, 80) as Line[]), [
    '{',
    '  "type": "quote",',
    '  "data": {',
    '    "symbol": "ABC",',
    '    "levels": […3]',
    '  },',
    '  "ok": true',
    '}',
  ]);
  assert.deepEqual(text(jsonLines(bytes, false, true, 80) as Line[]).slice(4, 11), [
    '    "levels": [',
    '      1,',
    '      2,',
    '      {',
    '        "x": null',
    '      }',
    '    ]',
  ]);
});

test('JSON view: strings are terminal-safe, and what is not JSON says why', () => {
  assert.deepEqual(text(jsonLines(Buffer.from('["\\u001b[2J\\u202e"]'), false, false, 80) as Line[]), ['[', '  "\\u001b[2J\\u202e"', ']']);
  assert.equal(jsonLines(Buffer.from('{"a":'), false, false, 80).toString().startsWith('not JSON: '), true);
  assert.equal(jsonLines(Buffer.from([0xff]), false, false, 80), 'the payload is not UTF-8 text');
  assert.equal(jsonLines(Buffer.from('{}'), true, false, 80), 'the payload was cut at the retention limit, so it cannot be parsed as JSON');
});
