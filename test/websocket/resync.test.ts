import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findFrameChain, FrameResync, type FrameChainOptions } from '../../src/websocket/resync.js';
import type { StreamChunk } from '../../src/tcp/types.js';
import { encodeFrame, text } from './helpers.js';

const MASK = Buffer.from([1, 2, 3, 4]);
const server: FrameChainOptions = { direction: 'server', rsv1Allowed: false };
const client: FrameChainOptions = { direction: 'client', rsv1Allowed: false };

const serverText = (s: string, fin = true) => encodeFrame({ opcode: 1, payload: text(s), fin });
const clientText = (s: string) => encodeFrame({ opcode: 1, payload: text(s), maskKey: MASK });
const frames = (...parts: Buffer[]) => Buffer.concat(parts);
/** Bytes that start no frame: '~' is 0x7e, which sets RSV bits. */
const junk = (n: number) => Buffer.alloc(n, '~');

describe('findFrameChain: where a chain of plausible frame headers starts', () => {
  it('finds three chained headers after junk', () => {
    const bytes = frames(junk(7), serverText('one'), serverText('two'), serverText('three'), serverText('four'));
    assert.deepEqual(findFrameChain(bytes, server), { kind: 'found', offset: 7 });
  });

  it('accepts fewer headers when the last frame ends exactly where the bytes end', () => {
    const bytes = frames(junk(3), serverText('only one'));
    assert.deepEqual(findFrameChain(bytes, server), { kind: 'found', offset: 3 });
  });

  it('waits when the frame at a position runs past the bytes, and says which bytes can go', () => {
    const bytes = frames(junk(5), serverText('a'.repeat(100)).subarray(0, 50));
    assert.deepEqual(findFrameChain(bytes, server), { kind: 'more', from: 5 });
  });

  it('passes over a fake header whose frame chains to nothing', () => {
    // 81 05 + 5 bytes is a plausible frame, but the byte after it ('~') starts none.
    const bytes = frames(Buffer.from([0x81, 0x05]), text('hello'), junk(2), serverText('a'), serverText('b'), serverText('c'));
    assert.deepEqual(findFrameChain(bytes, server), { kind: 'found', offset: 9 });
  });

  it('requires the mask bit of the direction (RFC 6455 §5.1)', () => {
    const bytes = frames(clientText('x'), clientText('y'), clientText('z'));
    assert.deepEqual(findFrameChain(bytes, client), { kind: 'found', offset: 0 });
    assert.notDeepEqual(findFrameChain(bytes, server), { kind: 'found', offset: 0 });
  });

  it('rejects RSV1 unless an extension was negotiated, and never on control frames', () => {
    const compressed = encodeFrame({ opcode: 1, rsv: 4, payload: text('zz') });
    const chain = frames(compressed, compressed, compressed);
    assert.deepEqual(findFrameChain(chain, { ...server, rsv1Allowed: true }), { kind: 'found', offset: 0 });
    assert.notDeepEqual(findFrameChain(chain, server), { kind: 'found', offset: 0 });
    const ping = encodeFrame({ opcode: 9, rsv: 4, payload: text('p') });
    assert.notDeepEqual(findFrameChain(frames(ping, compressed, compressed), { ...server, rsv1Allowed: true }), {
      kind: 'found',
      offset: 0,
    });
  });

  it('rejects control frames that are fragmented or longer than 125 bytes, and 1-byte close bodies (§5.5)', () => {
    for (const bad of [
      encodeFrame({ opcode: 9, fin: false, payload: text('p') }),
      encodeFrame({ opcode: 9, payload: Buffer.alloc(126), lengthEncoding: 16 }),
      encodeFrame({ opcode: 8, payload: Buffer.from([3]) }),
      encodeFrame({ opcode: 3, payload: text('reserved') }),
    ]) {
      const verdict = findFrameChain(frames(bad, serverText('a'), serverText('b')), server);
      assert.notDeepEqual(verdict, { kind: 'found', offset: 0 }, bad.toString('hex'));
    }
  });

  it('rejects lengths that are not in their minimal encoding (§5.2)', () => {
    const padded = encodeFrame({ opcode: 1, payload: text('short'), lengthEncoding: 16 });
    assert.notDeepEqual(findFrameChain(frames(padded, serverText('a'), serverText('b')), server), { kind: 'found', offset: 0 });
  });

  it('checks that fragments agree (§5.4): a continuation only inside a message, a new message only outside one', () => {
    const start = serverText('start', false);
    const cont = encodeFrame({ opcode: 0, payload: text('more') });
    const ping = encodeFrame({ opcode: 9, payload: text('p') });
    assert.deepEqual(findFrameChain(frames(start, ping, cont), server), { kind: 'found', offset: 0 });
    // A chain may begin inside a message: a continuation first is fine.
    assert.deepEqual(findFrameChain(frames(cont, serverText('a'), serverText('b')), server), { kind: 'found', offset: 0 });
    assert.notDeepEqual(findFrameChain(frames(start, serverText('new'), serverText('x')), server), { kind: 'found', offset: 0 });
    assert.notDeepEqual(findFrameChain(frames(serverText('done'), cont, serverText('x')), server), { kind: 'found', offset: 0 });
  });

  it('advances on any input: bytes that start no frame are all given up', () => {
    assert.deepEqual(findFrameChain(junk(1000), server), { kind: 'more', from: 1000 });
    assert.deepEqual(findFrameChain(Buffer.alloc(0), server), { kind: 'more', from: 0 });
  });
});

function chunk(data: Buffer, offset: number, packet: number): StreamChunk {
  return { direction: 'server', data, offset, ts: packet / 1000, packet };
}

describe('FrameResync: the search over arriving chunks', () => {
  it('holds bytes across chunks and hands back the stream from the frame start, with the packets that carried it', () => {
    const bytes = frames(junk(10), serverText('one'), serverText('two'), serverText('three'));
    const resync = new FrameResync(server);
    assert.deepEqual(resync.push(chunk(bytes.subarray(0, 12), 500, 1)), { kind: 'searching' });
    const result = resync.push(chunk(bytes.subarray(12), 512, 2));
    assert.equal(result.kind, 'found');
    if (result.kind !== 'found') return;
    assert.equal(result.offset, 510);
    assert.deepEqual(
      result.chunks.map((c) => [c.offset, c.packet, c.data.toString('hex')]),
      [
        [510, 1, bytes.subarray(10, 12).toString('hex')],
        [512, 2, bytes.subarray(12).toString('hex')],
      ],
    );
  });

  it('skips to a known frame start without judging the bytes', () => {
    const resync = new FrameResync({ ...server, frameStartsAt: 120 });
    assert.deepEqual(resync.push(chunk(junk(15), 100, 1)), { kind: 'searching' });
    const result = resync.push(chunk(frames(junk(5), text('whatever')), 115, 2));
    assert.equal(result.kind, 'found');
    if (result.kind === 'found') assert.deepEqual([result.offset, result.chunks[0].data.toString()], [120, 'whatever']);
  });

  it('accepts a plausible header whose frame is larger than the buffer instead of holding its payload', () => {
    const big = encodeFrame({ opcode: 2, payload: Buffer.alloc(5000, 0x41) });
    const resync = new FrameResync({ ...server, maxBufferBytes: 1024 });
    assert.deepEqual(resync.push(chunk(frames(junk(3), big.subarray(0, 1000)), 0, 1)), { kind: 'searching' });
    const result = resync.push(chunk(big.subarray(1000, 2000), 1003, 2));
    assert.equal(result.kind, 'found');
    if (result.kind === 'found') assert.equal(result.offset, 3);
  });

  it('gives up after its search limit', () => {
    const resync = new FrameResync({ ...server, searchLimitBytes: 100 });
    assert.deepEqual(resync.push(chunk(junk(60), 0, 1)), { kind: 'searching' });
    assert.deepEqual(resync.push(chunk(junk(60), 60, 2)), { kind: 'gave-up' });
  });
});
