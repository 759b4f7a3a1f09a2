import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StartLineScanner, type StartLineKind } from '../../src/http/start-line.js';

/** Everything the scanner reports after scanning `chunks` one after the other. */
function scanned(kind: StartLineKind, chunks: Buffer[]) {
  const scanner = new StartLineScanner(kind);
  let result = -1;
  let offset = 0;
  for (const chunk of chunks) {
    result = scanner.scan(chunk, 0, chunk.length);
    if (result >= 0) result += offset;
    if (result !== -1) break;
    offset += chunk.length;
  }
  const { status, length, methodEnd, targetEnd, reasonStart } = scanner;
  return { result, status, length, methodEnd, targetEnd, reasonStart };
}

test('property: a start line scanned whole or one byte at a time gives the same verdict and positions', () => {
  const piece = fc.constantFrom('GET', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', ' ', '  ', '\t', '/chat?x=1', '101', '20', 'OK', '\r', '\n', '\r\n', '\x7f', '\x00', 'é', 'ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGH');
  const line = fc.array(piece, { maxLength: 10 }).map((pieces) => Buffer.from(pieces.join(''), 'latin1'));
  fc.assert(
    fc.property(line, fc.constantFrom<StartLineKind>('request', 'response'), (bytes, kind) => {
      const bytewise = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
      assert.deepEqual(scanned(kind, [bytes]), scanned(kind, bytewise));
    }),
    { numRuns: 3000 },
  );
});

test('a method of 32 token bytes is the longest taken', () => {
  assert.equal(scanned('request', [Buffer.from(`${'A'.repeat(32)} / HTTP/1.1\r\n`)]).status, 'accepted');
  assert.equal(scanned('request', [Buffer.from(`${'A'.repeat(33)} / HTTP/1.1\r\n`)]).status, 'rejected');
});
