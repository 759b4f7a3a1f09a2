import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completeUtf8Prefix, decodeUtf8, encodePayload } from '../../src/report/index.js';

test('valid UTF-8 is reported as text, anything else as base64', () => {
  assert.deepEqual(encodePayload(Buffer.from('héllo'), false, null), { encoding: 'utf8', data: 'héllo', truncated: false });
  assert.deepEqual(encodePayload(Buffer.from([0xff, 0x00]), false, null), { encoding: 'base64', data: '/wA=', truncated: false });
});

test('a preview cuts at the limit and says so', () => {
  const bytes = Buffer.from('a'.repeat(300));
  const encoded = encodePayload(bytes, false, 256);
  assert.equal(encoded.data.length, 256);
  assert.equal(encoded.truncated, true);
});

test('a preview cut inside a multi-byte character is still text, without the partial character', () => {
  // 255 ASCII bytes then "€" (3 bytes): the 256-byte cut keeps 1 byte of the euro sign.
  const bytes = Buffer.concat([Buffer.from('x'.repeat(255)), Buffer.from('€')]);
  const encoded = encodePayload(bytes, false, 256);
  assert.equal(encoded.encoding, 'utf8');
  assert.equal(encoded.data, 'x'.repeat(255));
  assert.equal(encoded.truncated, true);
});

test('bytes already cut upstream are flagged truncated even when under the limit', () => {
  assert.equal(encodePayload(Buffer.from('abc'), true, 256).truncated, true);
});

test('completeUtf8Prefix drops only an incomplete final sequence', () => {
  const euro = Buffer.from('€'); // e2 82 ac
  assert.deepEqual(completeUtf8Prefix(Buffer.concat([Buffer.from('a'), euro])), Buffer.from('a€'));
  assert.deepEqual(completeUtf8Prefix(Buffer.concat([Buffer.from('a'), euro.subarray(0, 2)])), Buffer.from('a'));
  assert.deepEqual(completeUtf8Prefix(Buffer.from('😀').subarray(0, 3)), Buffer.alloc(0));
  assert.deepEqual(completeUtf8Prefix(Buffer.from([0x61, 0x80])), Buffer.from([0x61, 0x80]), 'stray continuation byte is kept (then not UTF-8)');
});

test('decodeUtf8: the string TextDecoder (fatal) gives, or null; a leading byte-order mark dropped as it does', () => {
  const strict = new TextDecoder('utf-8', { fatal: true });
  const cases = [
    Buffer.alloc(0),
    Buffer.from('plain ascii'),
    Buffer.from('héllo → 😀'),
    Buffer.from('\ufeffwith a BOM'),
    Buffer.from('\ufeff'),
    Buffer.from([0xef, 0xbb]), // a cut BOM: invalid
    Buffer.from([0xc3, 0x28]), // bad continuation
    Buffer.from([0xed, 0xa0, 0x80]), // a surrogate
    Buffer.from([0xef, 0xbb, 0xbf, 0xff]), // BOM, then invalid
  ];
  for (const bytes of cases) {
    let expected: string | null;
    try {
      expected = strict.decode(bytes);
    } catch {
      expected = null;
    }
    assert.equal(decodeUtf8(bytes), expected, bytes.toString('hex'));
    assert.equal(decodeUtf8(bytes.subarray(0)), expected);
  }
  assert.equal(decodeUtf8(Buffer.from('\ufeffx')), 'x');
});
