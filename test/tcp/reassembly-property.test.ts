/**
 * Reassembly as a property: whatever segments carry a stream (any segmentation, overlaps, duplicates,
 * retransmissions), in any order, as long as every byte arrives within the reorder buffer, the stream that
 * comes out is the stream that went in, in order, with no gap; and sequence numbers may wrap anywhere.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Segment } from '../../src/packet/types.js';
import { Wire, feed, handshake, recordingTracker, type Call } from './builder.js';

interface Plan {
  stream: Buffer;
  /** Byte ranges [start, end) of the stream, one segment each, in the order sent. */
  ranges: Array<[number, number]>;
  clientIsn: number;
  serverIsn: number;
}

/** Ranges covering every byte (a segmentation), plus overlapping and duplicate ones, shuffled. */
const plan: fc.Arbitrary<Plan> = fc
  .record({
    stream: fc.uint8Array({ minLength: 1, maxLength: 3000 }).map((a) => Buffer.from(a)),
    cuts: fc.array(fc.nat(), { maxLength: 40 }),
    extra: fc.array(fc.tuple(fc.nat(), fc.nat({ max: 1500 })), { maxLength: 20 }),
    // ISNs near 2^32 make the sequence numbers wrap inside the stream.
    clientIsn: fc.oneof(fc.nat({ max: 2 ** 32 - 1 }), fc.integer({ min: 2 ** 32 - 4000, max: 2 ** 32 - 1 })),
    serverIsn: fc.nat({ max: 2 ** 32 - 1 }),
  })
  .chain(({ stream, cuts, extra, clientIsn, serverIsn }) => {
    const points = [...new Set([0, ...cuts.map((c) => c % stream.length), stream.length])].sort((a, b) => a - b);
    const ranges: Array<[number, number]> = points.slice(1).map((end, i) => [points[i], end]);
    for (const [at, length] of extra) {
      const start = at % stream.length;
      ranges.push([start, Math.min(stream.length, start + length + 1)]);
    }
    return fc.shuffledSubarray(ranges, { minLength: ranges.length, maxLength: ranges.length }).map((shuffled) => ({
      stream,
      ranges: shuffled,
      clientIsn,
      serverIsn,
    }));
  });

function segments(p: Plan): Segment[] {
  const wire = new Wire();
  const out = handshake(wire, p.clientIsn, p.serverIsn);
  for (const [start, end] of p.ranges) {
    out.push(wire.seg('c', { seq: (p.clientIsn + 1 + start) >>> 0, ack: p.serverIsn + 1, data: p.stream.subarray(start, end) }));
  }
  return out;
}

/** The client's stream as delivered: chunks must come in order and touch end to end. */
function delivered(calls: Call[]): Buffer {
  const pieces: Buffer[] = [];
  let next = 0;
  for (const call of calls) {
    if (call.call !== 'chunk' || call.chunk.direction !== 'client') continue;
    assert.equal(call.chunk.offset, next, 'chunks continue the stream');
    pieces.push(call.chunk.data);
    next += call.chunk.data.length;
  }
  return Buffer.concat(pieces);
}

test('property: any segmentation, overlap, duplication and order gives the stream back, without gaps', () => {
  fc.assert(
    fc.property(plan, (p) => {
      const { tracker, calls } = recordingTracker();
      feed(tracker, segments(p));
      tracker.finish();
      assert.deepEqual(delivered(calls), p.stream);
      assert.deepEqual(
        calls.filter((c) => c.call === 'event' && c.event.type === 'gap'),
        [],
      );
    }),
    { numRuns: 300 },
  );
});

test('property: the stream comes out whole before the end when the bytes arrive in any order', () => {
  fc.assert(
    fc.property(plan, (p) => {
      const { tracker, calls } = recordingTracker();
      feed(tracker, segments(p));
      // Every byte has arrived, so nothing waits for the end of the capture.
      assert.equal(delivered(calls).length, p.stream.length);
      tracker.finish();
    }),
    { numRuns: 200 },
  );
});
