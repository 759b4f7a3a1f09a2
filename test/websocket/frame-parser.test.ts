import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FrameParser, parseClosePayload, opcodeName, type Frame, type FrameHeader } from '../../src/websocket/index.js';
import { unmaskInPlace } from '../../src/websocket/unmask.js';
import { encodeFrame, hex, text, type FrameSpec } from './helpers.js';

/** Pushes chunk i as packet i + 1 with ts (i + 1) / 2, starting at stream offset `start`. */
function parseChunks(chunks: Buffer[], start = 0, options?: { maxPayloadKeep?: number; controlPayloadsOnly?: boolean }): { frames: Frame[]; parser: FrameParser } {
  const frames: Frame[] = [];
  const parser = new FrameParser('client', (f) => frames.push(f), options);
  let offset = start;
  chunks.forEach((chunk, i) => {
    parser.push(chunk, offset, (i + 1) / 2, i + 1);
    offset += chunk.length;
  });
  return { frames, parser };
}

function splitAt(stream: Buffer, cuts: number[]): Buffer[] {
  const points = [0, ...cuts, stream.length];
  return points.slice(1).map((end, i) => stream.subarray(points[i], end));
}

/** The packets a frame must list for a given chunking: every chunk overlapping its bytes. */
function expectedAttribution(frame: Frame, chunks: Buffer[], start = 0): { packets: number[]; packet: number; ts: number } {
  const first = frame.streamOffset;
  const last = frame.streamOffset + frame.headerLength + frame.payloadLength - 1;
  const packets: number[] = [];
  let offset = start;
  chunks.forEach((chunk, i) => {
    const end = offset + chunk.length - 1;
    if (chunk.length > 0 && end >= first && offset <= last) packets.push(i + 1);
    offset += chunk.length;
  });
  const packet = packets[packets.length - 1];
  return { packets, packet, ts: packet / 2 };
}

/** The frame's fields that do not depend on how the bytes were chunked. */
function shape(frame: Frame): Omit<Frame, 'packets' | 'packet' | 'ts'> {
  const { packets: _p, packet: _n, ts: _t, ...rest } = frame;
  return rest;
}

const MASK = hex('37fa213d');

// A stream with every frame type, all three length encodings, masked and unmasked.
const SPECS: FrameSpec[] = [
  { opcode: 0x1, payload: text('Hello') },
  { opcode: 0x1, payload: text('Hello'), maskKey: MASK },
  { opcode: 0x1, fin: false, payload: text('Hel') },
  { opcode: 0x9, payload: text('ping!'), maskKey: hex('01020304') },
  { opcode: 0x0, payload: text('lo'), maskKey: hex('a1b2c3d4') },
  { opcode: 0x2, payload: Buffer.alloc(0) },
  { opcode: 0x2, payload: Buffer.from(Array.from({ length: 300 }, (_, i) => i & 0xff)), maskKey: hex('ff00ff00') },
  { opcode: 0xa, payload: Buffer.alloc(0), maskKey: hex('00000000') },
  { opcode: 0x2, rsv: 4, payload: text('compressed?'), lengthEncoding: 64 },
  { opcode: 0x3, rsv: 7, payload: text('reserved opcode'), lengthEncoding: 16 },
  { opcode: 0x8, payload: Buffer.concat([hex('03e8'), text('bye')]), maskKey: hex('deadbeef') },
];
const STREAM = Buffer.concat(SPECS.map(encodeFrame));
// The same without the 300-byte frame: small enough to try every pair of cut points quickly.
const SHORT_SPECS = SPECS.filter((s) => s.payload.length < 126);
const SHORT_STREAM = Buffer.concat(SHORT_SPECS.map(encodeFrame));

describe('FrameParser: exact frames', () => {
  it('decodes the RFC 6455 §5.7 examples', () => {
    const stream = Buffer.concat([
      hex('81 05 48 65 6c 6c 6f'), // unmasked "Hello"
      hex('81 85 37 fa 21 3d 7f 9f 4d 51 58'), // masked "Hello"
      hex('01 03 48 65 6c'), // first fragment "Hel"
      hex('80 02 6c 6f'), // last fragment "lo"
      hex('89 05 48 65 6c 6c 6f'), // unmasked ping
      hex('8a 85 37 fa 21 3d 7f 9f 4d 51 58'), // masked pong
    ]);
    const { frames } = parseChunks([stream], 100);
    assert.deepEqual(
      frames.map((f) => [f.opcode, f.fin, f.masked, f.payload.toString(), f.streamOffset, f.headerLength]),
      [
        [0x1, true, false, 'Hello', 100, 2],
        [0x1, true, true, 'Hello', 107, 6],
        [0x1, false, false, 'Hel', 118, 2],
        [0x0, true, false, 'lo', 123, 2],
        [0x9, true, false, 'Hello', 127, 2],
        [0xa, true, true, 'Hello', 134, 6],
      ],
    );
    assert.equal(frames[1].maskKey, 0x37fa213d);
    assert.equal(frames[0].maskKey, null);
  });

  it('decodes the §5.7 256-byte (16-bit) and 64 KiB (64-bit) binary examples', () => {
    const small = Buffer.alloc(256, 7);
    const big = Buffer.alloc(65536, 9);
    const stream = Buffer.concat([hex('82 7e 01 00'), small, hex('82 7f 00 00 00 00 00 01 00 00'), big]);
    const { frames } = parseChunks([stream]);
    assert.equal(frames.length, 2);
    assert.deepEqual(shape(frames[0]), {
      index: 0,
      direction: 'client',
      streamOffset: 0,
      fin: true,
      rsv: 0,
      opcode: 2,
      masked: false,
      maskKey: null,
      payloadLength: 256,
      headerLength: 4,
      lengthEncoding: 16,
      payload: small,
      payloadTruncated: false,
      lengthTopBitSet: false,
      lengthNotMinimal: false,
    });
    assert.equal(frames[1].payloadLength, 65536);
    assert.equal(frames[1].headerLength, 10);
    assert.equal(frames[1].lengthEncoding, 64);
    assert.equal(frames[1].streamOffset, 260);
    assert.deepEqual(frames[1].payload, big);
  });

  it('decodes every frame of the mixed stream with the fields it was encoded with', () => {
    const { frames } = parseChunks([STREAM]);
    assert.equal(frames.length, SPECS.length);
    let offset = 0;
    frames.forEach((frame, i) => {
      const spec = SPECS[i];
      const encoded = encodeFrame(spec);
      assert.equal(frame.opcode, spec.opcode);
      assert.equal(frame.fin, spec.fin ?? true);
      assert.equal(frame.rsv, spec.rsv ?? 0);
      assert.equal(frame.masked, spec.maskKey !== undefined);
      assert.equal(frame.maskKey, spec.maskKey ? spec.maskKey.readUInt32BE(0) : null);
      assert.deepEqual(frame.payload, spec.payload);
      assert.equal(frame.payloadLength, spec.payload.length);
      assert.equal(frame.headerLength, encoded.length - spec.payload.length);
      assert.equal(frame.streamOffset, offset);
      assert.deepEqual(frame.packets, [1]);
      offset += encoded.length;
    });
    assert.deepEqual(
      frames.map((f) => [f.lengthEncoding, f.lengthNotMinimal]),
      [[7, false], [7, false], [7, false], [7, false], [7, false], [7, false], [16, false], [7, false], [64, true], [16, true], [7, false]],
    );
  });

  it('reports rsv bits as RSV1=4, RSV2=2, RSV3=1', () => {
    const { frames } = parseChunks([hex('c1 00'), hex('a1 00'), hex('91 00'), hex('f1 00')]);
    assert.deepEqual(frames.map((f) => f.rsv), [4, 2, 1, 7]);
  });

  it('flags non-minimal 16-bit and 64-bit lengths', () => {
    const { frames } = parseChunks([
      encodeFrame({ opcode: 2, payload: Buffer.alloc(125), lengthEncoding: 16 }),
      encodeFrame({ opcode: 2, payload: Buffer.alloc(126), lengthEncoding: 16 }),
      encodeFrame({ opcode: 2, payload: Buffer.alloc(65535), lengthEncoding: 64 }),
      encodeFrame({ opcode: 2, payload: Buffer.alloc(65536), lengthEncoding: 64 }),
    ]);
    assert.deepEqual(frames.map((f) => f.lengthNotMinimal), [true, false, true, false]);
  });

  it('keeps at most maxPayloadKeep unmasked bytes, counts the rest, and stays in sync', () => {
    const payload = Buffer.from(Array.from({ length: 100 }, (_, i) => i));
    const stream = Buffer.concat([
      encodeFrame({ opcode: 2, payload, maskKey: hex('0badf00d') }),
      encodeFrame({ opcode: 1, payload: text('next') }),
    ]);
    // Split inside the first payload so the kept part is assembled from two pushes.
    const { frames } = parseChunks([stream.subarray(0, 9), stream.subarray(9)], 0, { maxPayloadKeep: 10 });
    assert.equal(frames.length, 2);
    assert.deepEqual(frames[0].payload, payload.subarray(0, 10));
    assert.equal(frames[0].payloadLength, 100);
    assert.equal(frames[0].payloadTruncated, true);
    assert.deepEqual(frames[1].payload, text('next'));
    assert.equal(frames[1].payloadTruncated, false);
  });
});

describe('FrameParser: nothing of a pushed buffer is kept past the push', () => {
  it('decodes the same frames when every pushed buffer is overwritten right after its push', () => {
    const stream = Buffer.concat([
      encodeFrame({ opcode: 1, payload: text('first'), maskKey: hex('01020304') }),
      encodeFrame({ opcode: 2, payload: Buffer.alloc(300, 7) }), // 16-bit length: a 4-byte header
      encodeFrame({ opcode: 9, payload: text('p'), maskKey: hex('0a0b0c0d') }),
    ]);
    // Cuts inside every header: the left-over header bytes wait for the next push.
    const cuts = [1, 3, 12, 13, 14, 16, 200, 317, 318, 320];
    const expected = parseChunks(splitAt(stream, cuts)).frames;
    const frames: Frame[] = [];
    const parser = new FrameParser('client', (f) => frames.push(f));
    let offset = 0;
    splitAt(stream, cuts).forEach((piece, i) => {
      const own = Buffer.from(piece);
      parser.push(own, offset, (i + 1) / 2, i + 1);
      own.fill(0xff);
      offset += piece.length;
    });
    assert.deepEqual(frames, expected);
    assert.equal(frames.length, 3);
  });
});

describe('FrameParser: controlPayloadsOnly', () => {
  it('keeps no byte of data frames, keeps control frames whole, and gives the same frames otherwise', () => {
    const data = Buffer.from(Array.from({ length: 300 }, (_, i) => i & 0xff));
    const stream = Buffer.concat([
      encodeFrame({ opcode: 1, fin: false, payload: text('héllo'), maskKey: hex('01020304') }),
      encodeFrame({ opcode: 9, payload: text('ping!'), maskKey: hex('a0b0c0d0') }),
      encodeFrame({ opcode: 0, payload: data, maskKey: hex('0badf00d') }),
      encodeFrame({ opcode: 2, payload: Buffer.alloc(0) }),
      encodeFrame({ opcode: 8, payload: Buffer.concat([hex('03e8'), text('bye')]) }),
    ]);
    const chunks = splitAt(stream, [3, 20, 100, 250]);
    const all = parseChunks(chunks).frames;
    const { frames } = parseChunks(chunks, 0, { controlPayloadsOnly: true });
    assert.equal(frames.length, 5);
    frames.forEach((frame, i) => {
      const { payload, payloadTruncated, ...rest } = frame;
      const { payload: fullPayload, payloadTruncated: _cut, ...fullRest } = all[i];
      assert.deepEqual(rest, fullRest);
      if (frame.opcode >= 8) {
        assert.deepEqual(payload, fullPayload);
        assert.equal(payloadTruncated, false);
      } else {
        assert.equal(payload.length, 0);
        assert.equal(payloadTruncated, frame.payloadLength > 0);
      }
    });
    assert.deepEqual(frames[1].payload, text('ping!'));
  });
});

describe('FrameParser: declared lengths never drive allocation', () => {
  it('parses a 64-bit length with the top bit set as a header and keeps consuming bytes', () => {
    const { frames, parser } = parseChunks([hex('82 ff 80 00 00 00 00 00 00 05 01 02 03 04'), Buffer.alloc(1000, 1)]);
    assert.equal(frames.length, 0);
    const header = parser.pendingHeader;
    assert.ok(header);
    assert.equal(header.lengthTopBitSet, true);
    assert.equal(header.payloadLength, 2 ** 63 + 5);
    assert.equal(header.lengthEncoding, 64);
    assert.equal(header.headerLength, 14);
    assert.equal(parser.pendingBytes, 14 + 1000);
  });

  it('parses an absurd (> 2^53) length without hanging or allocating', () => {
    const before = process.memoryUsage().rss;
    const { frames, parser } = parseChunks([hex('02 7f 7f ff ff ff ff ff ff ff'), Buffer.alloc(4096)]);
    for (let i = 0; i < 100; i++) parser.push(Buffer.alloc(4096), 10 + 4096 * (i + 1), 1, 3);
    assert.equal(frames.length, 0);
    assert.equal(parser.pendingHeader?.lengthTopBitSet, false);
    assert.equal(parser.pendingHeader?.payloadLength, 0x7fffffff * 2 ** 32 + 0xffffffff);
    assert.equal(parser.pendingBytes, 10 + 4096 * 101);
    assert.ok(process.memoryUsage().rss - before < 64 * 1024 * 1024);
  });

  it('reports pendingBytes for a partial header and for a partial payload, and 0 between frames', () => {
    const frames: Frame[] = [];
    const parser = new FrameParser('server', (f) => frames.push(f));
    assert.equal(parser.pendingBytes, 0);
    parser.push(hex('81'), 0, 0, 1);
    assert.equal(parser.pendingBytes, 1);
    assert.equal(parser.pendingHeader, null);
    parser.push(hex('05 48 65'), 1, 0, 2);
    assert.equal(parser.pendingBytes, 4);
    // (re-read through a cast: TypeScript keeps the getter narrowed to null from the line above)
    assert.equal((parser.pendingHeader as FrameHeader | null)?.payloadLength, 5);
    parser.push(hex('6c 6c 6f'), 4, 0, 3);
    assert.equal(parser.pendingBytes, 0);
    assert.equal(frames.length, 1);
    assert.equal(frames[0].direction, 'server');
  });

  it('reset() drops a partial frame; the next push starts a frame at its own offset', () => {
    const frames: Frame[] = [];
    const parser = new FrameParser('client', (f) => frames.push(f));
    parser.push(hex('82 7e 10 00 aa bb'), 0, 1, 1);
    parser.reset();
    assert.equal(parser.pendingBytes, 0);
    parser.push(hex('81 02 68 69'), 5000, 2, 7);
    assert.equal(frames.length, 1);
    assert.equal(frames[0].payload.toString(), 'hi');
    assert.equal(frames[0].streamOffset, 5000);
    assert.deepEqual(frames[0].packets, [7]);
  });
});

describe('FrameParser: any chunking gives the same frames', () => {
  const whole = parseChunks([STREAM]).frames.map(shape);
  const shortWhole = parseChunks([SHORT_STREAM]).frames.map(shape);

  function check(chunks: Buffer[], start = 0, expectedFrames = whole): void {
    const { frames, parser } = parseChunks(chunks, start);
    assert.equal(frames.length, expectedFrames.length);
    assert.deepEqual(frames.map(shape), expectedFrames.map((f) => ({ ...f, streamOffset: f.streamOffset + start })));
    for (const frame of frames) {
      const expected = expectedAttribution(frame, chunks, start);
      assert.deepEqual({ packets: frame.packets, packet: frame.packet, ts: frame.ts }, expected);
    }
    assert.equal(parser.pendingBytes, 0);
  }

  it('one byte at a time', () => {
    check(Array.from(STREAM, (_, i) => STREAM.subarray(i, i + 1)));
  });

  it('split in two at every point', () => {
    for (let cut = 0; cut <= STREAM.length; cut++) check(splitAt(STREAM, [cut]), 77);
  });

  it('split in three at every pair of points', () => {
    for (let a = 0; a <= SHORT_STREAM.length; a++) {
      for (let b = a; b <= SHORT_STREAM.length; b++) check(splitAt(SHORT_STREAM, [a, b]), 0, shortWhole);
    }
  });

  it('property: any frame sequence in any chunking parses to the frames encoded', () => {
    const frameSpec = fc.record({
      fin: fc.boolean(),
      rsv: fc.integer({ min: 0, max: 7 }),
      opcode: fc.integer({ min: 0, max: 15 }),
      payload: fc.uint8Array({ maxLength: 400 }).map((a) => Buffer.from(a)),
      maskKey: fc.option(fc.uint8Array({ minLength: 4, maxLength: 4 }).map((a) => Buffer.from(a)), { nil: undefined }),
      lengthEncoding: fc.constantFrom<(7 | 16 | 64 | undefined)[]>(undefined, 16, 64),
    });
    fc.assert(
      fc.property(fc.array(frameSpec, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 12 }), (specs, rawCuts) => {
        const usable = specs.map((s) => (s.lengthEncoding === undefined || s.payload.length < 0x10000 ? s : { ...s, lengthEncoding: undefined }));
        const encoded = usable.map((s) => encodeFrame(s));
        const stream = Buffer.concat(encoded);
        const cuts = rawCuts.map((c) => c % (stream.length + 1)).sort((x, y) => x - y);
        const chunks = splitAt(stream, cuts);
        const { frames } = parseChunks(chunks);
        assert.equal(frames.length, usable.length);
        let offset = 0;
        frames.forEach((frame, i) => {
          const spec = usable[i];
          assert.deepEqual(frame.payload, spec.payload);
          assert.equal(frame.opcode, spec.opcode);
          assert.equal(frame.fin, spec.fin);
          assert.equal(frame.rsv, spec.rsv);
          assert.equal(frame.maskKey, spec.maskKey ? spec.maskKey.readUInt32BE(0) : null);
          assert.equal(frame.streamOffset, offset);
          assert.deepEqual(frame.packets, expectedAttribution(frame, chunks).packets);
          offset += encoded[i].length;
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('FrameParser on arbitrary bytes', () => {
  // Bytes that are mostly frames, with hostile lengths among them: any 16-bit and 64-bit length (2^63 and
  // 2^64 - 1 included), header fields cut anywhere, and plain random bytes.
  const hostileLength = fc.oneof(
    fc.integer({ min: 0, max: 0xffff }).map((n) => Buffer.from([0x82, 126, n >> 8, n & 0xff])),
    fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((n) => {
      const header = Buffer.alloc(10);
      header[0] = 0x81;
      header[1] = 127;
      header.writeBigUInt64BE(n, 2);
      return header;
    }),
    fc.constantFrom(2n ** 63n, 2n ** 64n - 1n, 2n ** 53n + 1n).map((n) => {
      const header = Buffer.alloc(14);
      header[0] = 0x02;
      header[1] = 0xff; // masked, 64-bit length
      header.writeBigUInt64BE(n, 2);
      return header;
    }),
  );
  const piece = fc.oneof(
    fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
    fc.record({ opcode: fc.integer({ min: 0, max: 15 }), payload: fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)) }).map(encodeFrame),
    hostileLength,
  );
  const stream = fc.array(piece, { maxLength: 12 }).map((pieces) => Buffer.concat(pieces));

  it('property: any bytes in any chunking give the same frames and the same unfinished frame as fed whole', () => {
    fc.assert(
      fc.property(stream, fc.array(fc.nat(), { maxLength: 16 }), fc.constantFrom(undefined, 0, 3, 64), (bytes, rawCuts, keep) => {
        const options = keep === undefined ? undefined : { maxPayloadKeep: keep };
        const cuts = rawCuts.map((c) => c % (bytes.length + 1)).sort((x, y) => x - y);
        const whole = parseChunks([bytes], 0, options);
        const split = parseChunks(splitAt(bytes, cuts), 0, options);
        assert.deepEqual(split.frames.map(shape), whole.frames.map(shape));
        assert.equal(split.parser.pendingBytes, whole.parser.pendingBytes);
        assert.deepEqual(split.parser.pendingHeader, whole.parser.pendingHeader);
        // Every byte is accounted for: in a frame, or in the unfinished one.
        const framed = whole.frames.reduce((sum, f) => sum + f.headerLength + f.payloadLength, 0);
        assert.equal(framed + whole.parser.pendingBytes, bytes.length);
        for (const frame of whole.frames) assert.ok(frame.payload.length <= (keep ?? frame.payloadLength));
      }),
      { numRuns: 500 },
    );
  });
});

describe('unmaskInPlace', () => {
  it('matches byte-wise XOR for every alignment, length and starting key position', () => {
    const key = hex('a1b2c3d4');
    const backing = Buffer.alloc(64 + 8);
    for (let align = 0; align < 4; align++) {
      for (let length = 0; length <= 40; length++) {
        for (let start = 0; start < 8; start++) {
          const view = backing.subarray(align, align + length);
          for (let i = 0; i < length; i++) view[i] = (i * 37 + align) & 0xff;
          const expected = Buffer.from(view.map((b, i) => b ^ key[(start + i) % 4]));
          unmaskInPlace(view, key.readUInt32BE(0), start);
          assert.deepEqual(view, expected, `align ${align} length ${length} start ${start}`);
        }
      }
    }
  });
});

describe('parseClosePayload', () => {
  it('empty body: no code, no reason', () => {
    assert.deepEqual(parseClosePayload(Buffer.alloc(0)), { code: null, reason: '', reasonValidUtf8: true, malformed: false });
  });
  it('one byte: malformed', () => {
    assert.deepEqual(parseClosePayload(hex('03')), { code: null, reason: '', reasonValidUtf8: true, malformed: true });
  });
  it('code only', () => {
    assert.deepEqual(parseClosePayload(hex('03e8')), { code: 1000, reason: '', reasonValidUtf8: true, malformed: false });
  });
  it('code and UTF-8 reason', () => {
    assert.deepEqual(parseClosePayload(Buffer.concat([hex('0bb8'), text('going away — ok')])), {
      code: 3000,
      reason: 'going away — ok',
      reasonValidUtf8: true,
      malformed: false,
    });
  });
  it('invalid UTF-8 reason is decoded lossily and flagged', () => {
    assert.deepEqual(parseClosePayload(Buffer.concat([hex('03ea'), hex('61 ed a0 80 62')])), {
      code: 1002,
      reason: 'a\ufffd\ufffd\ufffdb',
      reasonValidUtf8: false,
      malformed: false,
    });
  });
});

describe('opcodeName', () => {
  it('names every opcode', () => {
    assert.deepEqual(
      Array.from({ length: 16 }, (_, i) => opcodeName(i)),
      ['continuation', 'text', 'binary', 'reserved', 'reserved', 'reserved', 'reserved', 'reserved',
        'close', 'ping', 'pong', 'reserved', 'reserved', 'reserved', 'reserved', 'reserved'],
    );
  });
});
