import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasTerminalUnsafeUtf8, SafeJsonBytes, terminalSafeJson } from '../../src/report/index.js';

/** What terminalSafeJson escapes: what sanitizeForTerminal does, less the C0 controls JSON.stringify escapes itself. */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

test('terminalSafeJson escapes DEL, C1 controls, bidi controls and line separators as JSON escapes, nothing else', () => {
  assert.equal(terminalSafeJson('{"a": "x\u007fy\u009b\u202e\u2028z €é"}'), '{"a": "x\\u007fy\\u009b\\u202e\\u2028z €é"}');
  assert.equal(JSON.parse(terminalSafeJson(JSON.stringify('\u2066a\u061cb\u200e'))), '\u2066a\u061cb\u200e');
  const plain = '{"text": "plain €"}';
  assert.equal(terminalSafeJson(plain), plain);
});

test('hasTerminalUnsafeUtf8 finds exactly the characters terminalSafeJson escapes, wherever they stand', () => {
  for (let code = 0; code <= 0xffff; code++) {
    if (code >= 0xd800 && code <= 0xdfff) continue;
    const char = String.fromCharCode(code);
    const unsafe = UNSAFE_IN_JSON.test(char);
    for (const text of [char, `a${char}b`, `€é${char}€`]) {
      const bytes = Buffer.from(text);
      assert.equal(hasTerminalUnsafeUtf8(bytes, bytes.length === text.length), unsafe, `U+${code.toString(16)} in ${JSON.stringify(text)}`);
    }
  }
  // A lead byte at the very end (its sequence cut) is no match.
  assert.equal(hasTerminalUnsafeUtf8(Buffer.from([0x61, 0xe2, 0x80]), false), false);
  assert.equal(hasTerminalUnsafeUtf8(Buffer.from([0x61, 0xc2]), false), false);
});

/** Everything a SafeJsonBytes of `size` bytes hands on for `texts`, the lengths it reported after each text. */
function gather(texts: string[], size: number): { bytes: Buffer; lengths: number[]; pieces: number[] } {
  const pieces: Buffer[] = [];
  const out = new SafeJsonBytes((bytes) => pieces.push(Buffer.from(bytes)), size);
  const lengths = texts.map((text) => {
    out.write(text);
    return out.length;
  });
  out.flush();
  return { bytes: Buffer.concat(pieces), lengths, pieces: pieces.map((p) => p.length) };
}

test('SafeJsonBytes hands on the UTF-8 of terminalSafeJson of its texts, gathered in its buffer', () => {
  const texts = ['{"a": "', 'plain', ' ascii\u007f', '€é\u202e', 'x'.repeat(100), '\u2028'.repeat(30), '\ud83d\ude00"}', ''];
  const expected = Buffer.from(terminalSafeJson(texts.join('')));
  for (const size of [6, 16, 64, 1000]) {
    const { bytes, lengths, pieces } = gather(texts, size);
    assert.equal(bytes.toString(), expected.toString(), `buffer of ${size} bytes`);
    // After each text, `length` counts the safe bytes of the texts so far.
    texts.forEach((_, i) => assert.equal(lengths[i], Buffer.byteLength(terminalSafeJson(texts.slice(0, i + 1).join(''))), `${size}: text ${i}`));
    // Texts that fit together are handed on in one piece.
    if (size === 1000) assert.deepEqual(pieces, [expected.length]);
  }
});

test('SafeJsonBytes: escapes that no longer fit in the buffer are handed on after what came before them', () => {
  // 10 separators (30 bytes) fit a 32-byte buffer; escaped (60 bytes) they do not.
  const { bytes, pieces } = gather(['ab', '\u2028'.repeat(10)], 32);
  assert.equal(bytes.toString(), `ab${'\\u2028'.repeat(10)}`);
  assert.deepEqual(pieces, [2, 60]);
});
