import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
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

/** The rule read plainly: UTF-8 text whose JSON.parse is an object or array. */
function reference(body: Buffer): boolean {
  if (!isUtf8(body)) return false;
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null;
  } catch {
    return false;
  }
}

test('values followed by more text: lines of JSON, trailing garbage, strings holding brackets and quotes', () => {
  for (const body of ['{"a":1}\n{"b":2}\n', '[1]]', '{"a":"}"}', '{"a":"\\"}"}', '{"a":"\\\\"}x', '[{"a":"[\\"]"}] \n', '{"a":{}}}']) {
    assert.equal(json(body), reference(Buffer.from(body, 'utf8')), JSON.stringify(body));
  }
});

test('property: agrees with a plain UTF-8 check and JSON.parse on JSON-like bytes', () => {
  const piece = fc.constantFrom('{', '}', '[', ']', '"', '\\', ',', ':', ' ', '\n', '1', 'a', 'null', '"x"', '{"k":[1,"]"]}', 'é');
  const text = fc.array(piece, { maxLength: 24 }).map((pieces) => Buffer.from(pieces.join(''), 'utf8'));
  const bytes = fc.oneof(text, fc.uint8Array({ maxLength: 32 }).map((a) => Buffer.concat([Buffer.from('{'), Buffer.from(a)])));
  fc.assert(
    fc.property(bytes, (body) => {
      assert.equal(isJsonBody(body), reference(body));
    }),
    { numRuns: 5000 },
  );
});
