import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isJsonBody } from '../../src/analysis/payload-view.js';

const json = (s: string | Buffer) => isJsonBody(Buffer.isBuffer(s) ? s : Buffer.from(s, 'utf8'));

test('objects and arrays, after any JSON whitespace', () => {
  assert.equal(json('{"a":[1,2,{"b":null}]}'), true);
  assert.equal(json(' \t\r\n[1, "✓"]\n'), true);
  assert.equal(json('[]'), true);
});

test('scalars, other texts and broken JSON are not', () => {
  for (const body of ['', '   ', '"a string"', '42', 'true', 'null', '42["event",{}]', '{"a":1', '{"a":1}x', '[1,]', '\ufeff{}', '\v{}']) {
    assert.equal(json(body), false, JSON.stringify(body));
  }
});

test('bytes that are not UTF-8 are not JSON, even inside a string', () => {
  assert.equal(json(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])), false);
  assert.equal(json(Buffer.from('{"a":"é"}', 'utf8')), true);
});
