import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Utf8Validator } from '../../src/websocket/utf8.js';
import { hex } from './helpers.js';

function check(pieces: Buffer[]): { valid: boolean; complete: boolean; invalidAt: number } {
  const v = new Utf8Validator();
  for (const piece of pieces) v.push(piece);
  return { valid: v.valid, complete: v.complete, invalidAt: v.invalidAt };
}

const strict = new TextDecoder('utf-8', { fatal: true });
function decoderAccepts(bytes: Uint8Array): boolean {
  try {
    strict.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

// Boundary cases in the spirit of the Autobahn TestSuite's UTF-8 section (6.x) and Markus Kuhn's test file.
const VALID: [string, string][] = [
  ['U+0000', '00'],
  ['U+007F', '7f'],
  ['U+0080', 'c2 80'],
  ['U+07FF', 'df bf'],
  ['U+0800', 'e0 a0 80'],
  ['U+D7FF (below surrogates)', 'ed 9f bf'],
  ['U+E000 (above surrogates)', 'ee 80 80'],
  ['U+FFFD', 'ef bf bd'],
  ['U+FFFF', 'ef bf bf'],
  ['U+10000', 'f0 90 80 80'],
  ['U+10FFFF', 'f4 8f bf bf'],
  ['κόσμε', 'ce ba e1 bd b9 cf 83 ce bc ce b5'],
];

// [name, bytes, offset of the first byte that cannot be part of valid UTF-8]
const INVALID: [string, string, number][] = [
  ['overlong "/" in 2 bytes', 'c0 af', 0],
  ['overlong "/" in 3 bytes', 'e0 80 af', 1],
  ['overlong "/" in 4 bytes', 'f0 80 80 af', 1],
  ['largest 2-byte overlong', 'c1 bf', 0],
  ['largest 3-byte overlong', 'e0 9f bf', 1],
  ['largest 4-byte overlong', 'f0 8f bf bf', 1],
  ['overlong NUL', 'c0 80', 0],
  ['surrogate U+D800', 'ed a0 80', 1],
  ['surrogate U+DB7F', 'ed ad bf', 1],
  ['surrogate U+DB80', 'ed ae 80', 1],
  ['surrogate U+DFFF', 'ed bf bf', 1],
  ['surrogate pair U+D800 U+DC00', 'ed a0 80 ed b0 80', 1],
  ['U+110000', 'f4 90 80 80', 1],
  ['F5 lead byte', 'f5 80 80 80', 0],
  ['5-byte sequence', 'f8 88 80 80 80', 0],
  ['6-byte sequence', 'fc 84 80 80 80 80', 0],
  ['lone continuation 80', '41 80 42', 1],
  ['lone continuation BF', 'bf', 0],
  ['FE', 'fe', 0],
  ['FF', 'ff', 0],
  ['2-byte lead then ASCII', 'c2 41', 1],
  ['3-byte sequence cut by a new lead', 'e1 80 e1 80 80', 2],
  ['valid text then invalid', 'ce ba e1 bd b9 cf 83 ce bc ce b5 ed a0 80 65 64 69 74 65 64', 12],
];

const TRUNCATED: [string, string][] = [
  ['2-byte sequence missing its last byte', 'c2'],
  ['3-byte sequence missing 1', 'e0 a0'],
  ['4-byte sequence missing 1', 'f0 90 80'],
  ['4-byte sequence missing 3', '41 f4'],
];

describe('Utf8Validator', () => {
  for (const [name, bytes] of VALID) {
    it(`accepts ${name}`, () => {
      assert.deepEqual(check([hex(bytes)]), { valid: true, complete: true, invalidAt: -1 });
    });
  }
  for (const [name, bytes, at] of INVALID) {
    it(`rejects ${name} at byte ${at}`, () => {
      assert.deepEqual(check([hex(bytes)]), { valid: false, complete: false, invalidAt: at });
      assert.equal(decoderAccepts(hex(bytes)), false);
    });
  }
  for (const [name, bytes] of TRUNCATED) {
    it(`${name}: valid so far but not complete`, () => {
      assert.deepEqual(check([hex(bytes)]), { valid: true, complete: false, invalidAt: -1 });
    });
  }

  it('carries a character split at any point across two and three fragments', () => {
    const bytes = Buffer.from('a€𝄞κόσμε\u{10FFFF}z', 'utf8');
    for (let i = 0; i <= bytes.length; i++) {
      assert.deepEqual(check([bytes.subarray(0, i), bytes.subarray(i)]), { valid: true, complete: true, invalidAt: -1 });
      for (let j = i; j <= bytes.length; j++) {
        const pieces = [bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)];
        assert.deepEqual(check(pieces), { valid: true, complete: true, invalidAt: -1 });
      }
    }
  });

  it('finds an invalid byte at the right message offset when it comes in a later fragment', () => {
    // "€" split E2 | 82 AC, then a surrogate whose second byte opens the third fragment.
    assert.deepEqual(check([hex('e2'), hex('82 ac 41 ed'), hex('a0 80')]), { valid: false, complete: false, invalidAt: 5 });
  });

  it('property: agrees with a strict TextDecoder on any bytes in any fragmentation', () => {
    const utf8ish = fc.array(
      fc.oneof(
        fc.integer({ min: 0, max: 255 }),
        fc.constantFrom(0x80, 0xbf, 0xc2, 0xe0, 0xed, 0xf0, 0xf4, 0xa0, 0x9f, 0x90, 0x8f),
      ),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(utf8ish, fc.array(fc.nat(), { maxLength: 5 }), (values, rawCuts) => {
        const bytes = Buffer.from(values);
        const cuts = [0, ...rawCuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b), bytes.length];
        const pieces = cuts.slice(1).map((end, i) => bytes.subarray(cuts[i], end));
        assert.equal(check(pieces).complete, decoderAccepts(bytes));
      }),
      { numRuns: 2000 },
    );
  });
});
