import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { PERMESSAGE_DEFLATE_DEFAULTS, type DeflateParams } from '../../src/websocket/index.js';
import { assemble, hex, text, type FrameSpec } from './helpers.js';

const { Z_SYNC_FLUSH } = zlib.constants;
const TAIL = hex('0000ffff');

/** A permessage-deflate sender (RFC 7692 §7.2.1): sync flush, then drop the trailing 00 00 ff ff. */
class Compressor {
  private deflate: zlib.DeflateRaw | null = null;
  private chunks: Buffer[] = [];

  constructor(
    private readonly options: zlib.ZlibOptions,
    private readonly contextTakeover: boolean,
  ) {}

  async compress(data: Buffer): Promise<Buffer> {
    if (!this.deflate || !this.contextTakeover) {
      this.deflate?.close();
      this.deflate = zlib.createDeflateRaw(this.options);
      this.deflate.on('data', (chunk: Buffer) => this.chunks.push(chunk));
    }
    const deflate = this.deflate;
    deflate.write(data);
    await new Promise<void>((resolve) => deflate.flush(Z_SYNC_FLUSH, () => resolve()));
    const out = Buffer.concat(this.chunks);
    this.chunks = [];
    assert.deepEqual(out.subarray(-4), TAIL);
    return out.subarray(0, -4);
  }

  close(): void {
    this.deflate?.close();
  }
}

function params(overrides: Partial<DeflateParams> = {}): DeflateParams {
  return { ...PERMESSAGE_DEFLATE_DEFAULTS, ...overrides };
}

/** Text that refers back a lot, within a message and into earlier ones. */
function sampleMessages(): Buffer[] {
  const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta'];
  return Array.from({ length: 6 }, (_, m) =>
    text(Array.from({ length: 40 + m * 30 }, (_, i) => `${words[(i * 7 + m) % words.length]}-${i % 13}`).join(' ')),
  );
}

/** One compressed message as frames: RSV1 on the first only (RFC 7692 §6.1), split into `pieces` fragments. */
function messageFrames(payload: Buffer, opcode: number, pieces: number, maskKey?: Buffer): FrameSpec[] {
  const size = Math.ceil(payload.length / pieces);
  return Array.from({ length: pieces }, (_, i) => ({
    opcode: i === 0 ? opcode : 0,
    rsv: i === 0 ? 4 : 0,
    fin: i === pieces - 1,
    payload: payload.subarray(i * size, Math.min(payload.length, (i + 1) * size)),
    maskKey,
  }));
}

describe('permessage-deflate inflation', () => {
  it('node:zlib: _processChunk closes its handle after one synchronous call (why raw-inflate drives the handle)', () => {
    const inflate = zlib.createInflateRaw() as unknown as { _processChunk(chunk: Buffer, flush: number): Buffer; _handle: unknown };
    assert.equal(inflate._processChunk(hex('f2 48 cd c9 c9 07 00 00 00 ff ff'), Z_SYNC_FLUSH).toString(), 'Hello');
    assert.equal(inflate._handle, null);
    assert.throws(() => inflate._processChunk(hex('f2 00 11 00 00 00 00 ff ff'), Z_SYNC_FLUSH));
  });

  for (const windowBits of [8, 9, 10, 11, 12, 13, 14, 15]) {
    for (const contextTakeover of [true, false]) {
      it(`window ${windowBits}, ${contextTakeover ? 'with' : 'without'} context takeover: exact messages`, async () => {
        const messages = sampleMessages();
        // node:zlib (like zlib) turns a raw windowBits of 8 into 9 on the compressing side.
        const sender = new Compressor({ windowBits }, contextTakeover);
        const specs: FrameSpec[] = [];
        const wire: Buffer[] = [];
        for (const [i, message] of messages.entries()) {
          const compressed = await sender.compress(message);
          wire.push(compressed);
          specs.push(...messageFrames(compressed, 1, (i % 3) + 1, hex('11223344')));
          if (i === 2) specs.push({ opcode: 9, payload: text('ping') });
        }
        sender.close();
        const { messages: out, problems } = assemble(specs, {
          direction: 'client',
          deflate: params({ clientMaxWindowBits: windowBits, clientNoContextTakeover: !contextTakeover }),
        });
        assert.deepEqual(problems, []);
        assert.deepEqual(out.map((m) => m.data.toString()), messages.map((m) => m.toString()));
        assert.deepEqual(out.map((m) => m.wireLength), wire.map((w) => w.length));
        assert.ok(out.every((m) => m.compressed && !m.truncated));
        // Context takeover really was exercised: later messages are smaller than a fresh start makes them.
        if (contextTakeover) {
          const fresh = zlib.deflateRawSync(messages[5], { windowBits, finishFlush: Z_SYNC_FLUSH }).length - 4;
          assert.ok(wire[5].length < fresh, `${wire[5].length} < ${fresh}`);
        }
      });
    }
  }

  it('decodes the RFC 7692 §7.2.3 examples, including a BFINAL block followed by a context-takeover message', () => {
    const second = zlib.deflateRawSync(text('Hello Hello'), { dictionary: text('Hello'), finishFlush: Z_SYNC_FLUSH }).subarray(0, -4);
    const { messages, problems } = assemble(
      [
        { opcode: 1, rsv: 4, payload: hex('f2 48 cd c9 c9 07 00') }, // §7.2.3.1 "Hello"
        { opcode: 1, rsv: 4, payload: hex('f2 00 11 00 00') }, // §7.2.3.2: the second "Hello", a back-reference
        { opcode: 1, rsv: 4, payload: hex('00 05 00 fa ff 48 65 6c 6c 6f 00') }, // §7.2.3.3 stored block
        { opcode: 1, rsv: 4, payload: hex('f3 48 cd c9 c9 07 00') }, // §7.2.3.4 BFINAL set
        { opcode: 1, rsv: 4, payload: second }, // refers back across the ended stream
        { opcode: 1, rsv: 4, fin: false, payload: hex('f2 48 05 00') }, // §7.2.3.5 "He" ...
        { opcode: 0, payload: hex('00 00 ff ff ca c9 c9 07 00') }, // ... "llo" in a second block
      ],
      { deflate: params() },
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(messages.map((m) => m.data.toString()), ['Hello', 'Hello', 'Hello', 'Hello', 'Hello Hello', 'Hello']);
  });

  it('after a BFINAL block, the next message refers back into a window that wrapped around (9-bit window)', async () => {
    const sender = new Compressor({ windowBits: 9 }, true);
    const earlier = sampleMessages().slice(0, 3);
    const payloads: Buffer[] = [];
    for (const m of earlier) payloads.push(await sender.compress(m));
    sender.close();
    const history = Buffer.concat(earlier);
    assert.ok(history.length > 1024);
    // The sender finishes its DEFLATE stream with BFINAL (Z_FINISH), then starts a new one primed with the window.
    const ending = text('the final block of this stream, the final block');
    payloads.push(zlib.deflateRawSync(ending, { windowBits: 9, dictionary: history.subarray(-512) }));
    const window = Buffer.concat([history, ending]).subarray(-512);
    const next = Buffer.concat([ending, ending.subarray(4, 30)]);
    payloads.push(zlib.deflateRawSync(next, { windowBits: 9, dictionary: window, finishFlush: Z_SYNC_FLUSH }).subarray(0, -4));
    const { messages, problems } = assemble(
      payloads.map((payload) => ({ opcode: 1, rsv: 4, payload })),
      { deflate: params({ serverMaxWindowBits: 9 }) },
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(messages.map((m) => m.data.toString()), [...earlier, ending, next].map((b) => b.toString()));
  });

  it('a capture that starts mid-stream: failures are reported, raw bytes kept, later messages still tried', async () => {
    const sender = new Compressor({ windowBits: 15 }, true);
    const originals = sampleMessages();
    const compressed: Buffer[] = [];
    for (const m of originals) compressed.push(await sender.compress(m));
    // Self-contained once more: random bytes have nothing to refer back to, and the message after it
    // refers only into it.
    const random = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 2654435761) >>> 24));
    const selfContained = await sender.compress(random);
    const again = await sender.compress(random);
    sender.close();
    const lost = compressed.slice(1); // the first message was not captured
    const { messages, problems } = assemble(
      [...lost, selfContained, again].map((payload) => ({ opcode: 2, rsv: 4, payload })),
      { deflate: params() },
    );
    assert.equal(messages.length, lost.length + 2);
    assert.equal(problems[0].code, 'inflate-failed');
    assert.equal(problems[0].frame, 0);
    assert.match(problems[0].message, /distance too far back/);
    assert.deepEqual(messages[0].data, lost[0], 'a failed message keeps its compressed bytes');
    const failed = new Set(problems.map((p) => p.frame));
    messages.forEach((m, i) => {
      const expected = [...originals.slice(1), random, random][i];
      if (failed.has(i)) assert.deepEqual(m.data, [...lost, selfContained, again][i]);
      else assert.deepEqual(m.data, expected, `message ${i} is either exact or reported`);
    });
    assert.ok(problems.every((p) => p.code === 'inflate-failed'));
    assert.deepEqual(messages[lost.length + 1].data, random, 'decoding recovers after a self-contained message');
  });

  it('garbage with RSV1 is reported and kept raw; the next message inflates (no context takeover)', () => {
    const good = zlib.deflateRawSync(text('fine'), { finishFlush: Z_SYNC_FLUSH }).subarray(0, -4);
    const { messages, problems } = assemble(
      [
        { opcode: 1, rsv: 4, payload: hex('ff ff ff ff') },
        { opcode: 1, rsv: 4, payload: good },
      ],
      { deflate: params({ serverNoContextTakeover: true }) },
    );
    assert.deepEqual(problems.map((p) => [p.code, p.frame]), [['inflate-failed', 0]]);
    assert.deepEqual(messages[0].data, hex('ff ff ff ff'));
    assert.equal(messages[0].compressed, true);
    assert.equal(messages[1].data.toString(), 'fine');
  });

  it('without context takeover every message starts from an empty window (a sender breaking that is caught)', async () => {
    const sender = new Compressor({ windowBits: 15 }, true);
    const first = await sender.compress(text('repeat after me, repeat after me'));
    const second = await sender.compress(text('repeat after me'));
    sender.close();
    const specs: FrameSpec[] = [first, second].map((payload) => ({ opcode: 1, rsv: 4, payload }));
    const promised = assemble(specs, { deflate: params({ serverNoContextTakeover: true }) });
    assert.deepEqual(promised.problems.map((p) => [p.code, p.frame]), [['inflate-failed', 1]]);
    assert.deepEqual(promised.messages[1].data, second);
    const takeover = assemble(specs, { deflate: params() });
    assert.deepEqual(takeover.problems, []);
    assert.equal(takeover.messages[1].data.toString(), 'repeat after me');
  });

  it('an empty compressed message', () => {
    const empty = zlib.deflateRawSync(Buffer.alloc(0), { finishFlush: Z_SYNC_FLUSH }).subarray(0, -4);
    const { messages, problems } = assemble([{ opcode: 2, rsv: 4, payload: empty }], { deflate: params() });
    assert.deepEqual(problems, []);
    assert.deepEqual(messages[0].data, Buffer.alloc(0));
    assert.equal(messages[0].truncated, false);
  });

  it('output of exactly maxMessageBytes is whole; one byte more is cut and reported', () => {
    const body = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 31) & 0xff));
    const payload = zlib.deflateRawSync(body, { finishFlush: Z_SYNC_FLUSH }).subarray(0, -4);
    const exact = assemble([{ opcode: 2, rsv: 4, payload }], { deflate: params(), maxMessageBytes: 1000 });
    assert.deepEqual(exact.problems, []);
    assert.equal(exact.messages[0].truncated, false);
    assert.deepEqual(exact.messages[0].data, body);
    const cut = assemble([{ opcode: 2, rsv: 4, payload }], { deflate: params(), maxMessageBytes: 999 });
    assert.deepEqual(cut.problems.map((p) => p.code), ['inflate-limit-reached']);
    assert.equal(cut.messages[0].truncated, true);
    assert.deepEqual(cut.messages[0].data, body.subarray(0, 999));
  });

  it('a decompression bomb (1 MiB inflating to 1 GiB) stops at the cap quickly with little memory', async () => {
    // DEFLATE cannot exceed ~1032:1, so 1 GiB needs ~1 MiB on the wire; a 1 KB message tops out near 1 MB.
    const deflate = zlib.createDeflateRaw({ level: 1, strategy: zlib.constants.Z_RLE });
    const out: Buffer[] = [];
    deflate.on('data', (c: Buffer) => out.push(c));
    const zeros = Buffer.alloc(1 << 20);
    for (let i = 0; i < 1024; i++) deflate.write(zeros);
    await new Promise<void>((resolve) => deflate.flush(Z_SYNC_FLUSH, () => resolve()));
    deflate.close();
    const bomb = Buffer.concat(out).subarray(0, -4);
    assert.ok(bomb.length < 2 * 1024 * 1024);
    const after = zlib.deflateRawSync(text('after the bomb'), { finishFlush: Z_SYNC_FLUSH }).subarray(0, -4);

    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    const { messages, problems } = assemble(
      [
        { opcode: 2, rsv: 4, payload: bomb },
        { opcode: 1, rsv: 4, payload: after },
      ],
      { deflate: params({ serverNoContextTakeover: true }), maxMessageBytes: 4 * 1024 * 1024, maxPayloadKeep: 4 * 1024 * 1024 },
    );
    const elapsed = performance.now() - started;
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    assert.deepEqual(problems.map((p) => p.code), ['inflate-limit-reached']);
    assert.equal(messages[0].data.length, 4 * 1024 * 1024);
    assert.ok(messages[0].data.every((b) => b === 0));
    assert.equal(messages[0].truncated, true);
    assert.equal(messages[1].data.toString(), 'after the bomb');
    assert.ok(elapsed < 1000, `took ${elapsed.toFixed(0)} ms`);
    assert.ok(rssGrowth < 48 * 1024 * 1024, `RSS grew ${(rssGrowth / 1048576).toFixed(1)} MiB`);
  });

  it('with context takeover, the message after a capped one is reported, not garbled', async () => {
    const sender = new Compressor({ windowBits: 15 }, true);
    const first = Buffer.from('abcdefghij'.repeat(1000));
    const a = await sender.compress(first);
    const b = await sender.compress(Buffer.from('abcdefghij'.repeat(3)));
    sender.close();
    const { messages, problems } = assemble(
      [
        { opcode: 1, rsv: 4, payload: a },
        { opcode: 1, rsv: 4, payload: b },
      ],
      { deflate: params(), maxMessageBytes: 100 },
    );
    assert.deepEqual(problems.map((p) => [p.code, p.frame]), [['inflate-limit-reached', 0], ['inflate-failed', 1]]);
    assert.deepEqual(messages[0].data, first.subarray(0, 100));
    assert.deepEqual(messages[1].data, b);
  });

  it('a compressed message cut short by a new message leaves the next one decodable only if self-contained', async () => {
    const part = zlib.deflateRawSync(text('unfinished business'), { finishFlush: Z_SYNC_FLUSH }).subarray(0, -4);
    const next = zlib.deflateRawSync(text('next'), { finishFlush: Z_SYNC_FLUSH }).subarray(0, -4);
    const { messages, problems } = assemble(
      [
        { opcode: 1, rsv: 4, fin: false, payload: part },
        { opcode: 1, rsv: 4, payload: next },
      ],
      { deflate: params() },
    );
    assert.deepEqual(problems.map((p) => p.code), ['message-interrupted']);
    assert.equal(messages[0].data.toString(), 'unfinished business');
    assert.equal(messages[0].truncated, true);
    assert.equal(messages[1].data.toString(), 'next');
  });

  it('RSV1 without negotiated compression: flagged compressed, bytes kept as they are, no UTF-8 verdict', () => {
    const payload = zlib.deflateRawSync(text('€€€'), { finishFlush: Z_SYNC_FLUSH }).subarray(0, -4);
    const { messages, problems } = assemble([{ opcode: 1, rsv: 4, payload }]);
    assert.deepEqual(problems, []);
    assert.equal(messages[0].compressed, true);
    assert.deepEqual(messages[0].data, payload);
  });

  it('uncompressed messages pass through when deflate was negotiated', () => {
    const { messages } = assemble([{ opcode: 1, payload: text('plain') }], { deflate: params() });
    assert.equal(messages[0].compressed, false);
    assert.equal(messages[0].data.toString(), 'plain');
  });
});

describe('x-webkit-deflate-frame inflation', () => {
  it('inflates each RSV1 frame on its own, keeping the window across frames; plain frames pass through', async () => {
    const sender = new Compressor({ windowBits: 15 }, true);
    const a = await sender.compress(text('per-frame compression, '));
    const b = await sender.compress(text('per-frame compression again'));
    const c = await sender.compress(text('second message'));
    sender.close();
    const { messages, problems } = assemble(
      [
        { opcode: 1, rsv: 4, fin: false, payload: a },
        { opcode: 0, fin: false, payload: text('[plain] ') },
        { opcode: 0, rsv: 4, payload: b },
        { opcode: 2, rsv: 4, payload: c },
      ],
      { deflate: params({ extension: 'x-webkit-deflate-frame', perFrame: true }) },
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(messages.map((m) => [m.data.toString(), m.compressed]), [
      ['per-frame compression, [plain] per-frame compression again', true],
      ['second message', true],
    ]);
  });
});
