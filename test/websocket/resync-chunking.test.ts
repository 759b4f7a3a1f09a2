/**
 * FrameResync's held bytes under every chunking: what it hands back on `found` is exactly the stream from the
 * frame start on, in order, however the bytes arrived; and bytes arriving one per segment cost linear time
 * (each push used to copy everything held: 200,000 one-byte segments took seconds).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FrameResync, type ResyncResult } from '../../src/websocket/resync.js';
import { encodeFrame } from './helpers.js';

const piece = fc.oneof(
  fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
  fc.record({ opcode: fc.constantFrom(1, 2, 9), payload: fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)) }).map(encodeFrame),
);

test('property: on found, the chunks are the stream from the frame start to the last byte pushed', () => {
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 10 }), fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 400 }), fc.nat({ max: 10_000 }), (pieces, sizes, start) => {
      const stream = Buffer.concat(pieces);
      const resync = new FrameResync({ direction: 'server', rsv1Allowed: false, maxBufferBytes: 512 });
      let offset = 0;
      let result: ResyncResult = { kind: 'searching' };
      for (let i = 0; offset < stream.length && result.kind === 'searching'; i++) {
        const size = sizes.length > 0 ? sizes[i % sizes.length] : stream.length;
        const data = stream.subarray(offset, offset + size);
        result = resync.push({ direction: 'server', data, offset: start + offset, ts: i, packet: i + 1 });
        offset += data.length;
      }
      if (result.kind !== 'found') return;
      const from = result.offset - start;
      assert.ok(from >= 0 && from <= offset);
      assert.deepEqual(Buffer.concat(result.chunks.map((c) => c.data)), stream.subarray(from, offset));
      let next = result.offset;
      for (const chunk of result.chunks) {
        assert.equal(chunk.offset, next, 'chunks continue each other');
        next += chunk.data.length;
      }
    }),
    { numRuns: 400 },
  );
});

test('200,000 payload bytes arriving one per segment are held in linear time', () => {
  const resync = new FrameResync({ direction: 'server', rsv1Allowed: false });
  // A binary frame header claiming 200,000 bytes: plausible, so its payload is waited for.
  const header = Buffer.from([0x82, 127, 0, 0, 0, 0, 0, 0x03, 0x0d, 0x40]);
  const started = Date.now();
  let result = resync.push({ direction: 'server', data: header, offset: 0, ts: 0, packet: 1 });
  let offset = header.length;
  const byte = Buffer.from([0x41]);
  while (result.kind === 'searching' && offset < header.length + 200_000) {
    result = resync.push({ direction: 'server', data: byte, offset, ts: 0, packet: offset });
    offset++;
  }
  assert.ok(Date.now() - started < 2500, `took ${Date.now() - started} ms`);
  assert.equal(result.kind, 'found');
  assert.equal(result.kind === 'found' && result.offset, 0);
  assert.equal(result.kind === 'found' && Buffer.concat(result.chunks.map((c) => c.data)).length, 200_010);
});
