/**
 * The capture readers on arbitrary bytes: valid captures with bytes overwritten, cut anywhere, gzip'd and cut,
 * and plain random bytes behind each magic. Reading never rejects and always ends; what it reports stays
 * within the bytes that exist (no packet longer than the file, a damage offset inside it), and the packets
 * delivered before damage are those of the intact prefix.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { enhancedPacket, interfaceDescription, payload, pcapHeader, pcapRecord, read, sectionHeader, simplePacket, writeTemp } from './build.js';

const pcap = (count: number, littleEndian: boolean) =>
  Buffer.concat([
    pcapHeader({ littleEndian }),
    ...Array.from({ length: count }, (_, i) => pcapRecord({ littleEndian }, 1_700_000_000 + i, i, payload(i, 20 + ((i * 37) % 90)))),
  ]);

const pcapng = (count: number, littleEndian: boolean) =>
  Buffer.concat([
    sectionHeader({ littleEndian }),
    interfaceDescription({ littleEndian }, 1),
    ...Array.from({ length: count }, (_, i) =>
      i % 3 === 2
        ? simplePacket({ littleEndian }, 30, payload(i, 30))
        : enhancedPacket({ littleEndian }, 0, BigInt(1_700_000_000_000_000 + i), payload(i, 20 + ((i * 37) % 90))),
    ),
  ]);

/** Where the file header and each record end (pcap), or each block: SHB, IDB, then packets (pcapng). */
function recordEnds(bytes: Buffer, format: string): number[] {
  const ends: number[] = [];
  if (format === 'pcap') {
    const bigEndian = bytes.readUInt32BE(0) === 0xa1b2c3d4;
    let at = 24;
    ends.push(at);
    while (at < bytes.length) {
      at += 16 + (bigEndian ? bytes.readUInt32BE(at + 8) : bytes.readUInt32LE(at + 8));
      ends.push(at);
    }
  } else {
    const littleEndian = bytes.readUInt32BE(8) === 0x4d3c2b1a;
    for (let at = 0; at < bytes.length; ) {
      at += littleEndian ? bytes.readUInt32LE(at + 4) : bytes.readUInt32BE(at + 4);
      ends.push(at);
    }
  }
  return ends;
}

/** A capture, then edits: overwritten bytes (often a length field's worth), a cut, gzip and a cut gzip. */
const mangled = fc
  .record({
    format: fc.constantFrom('pcap', 'pcapng'),
    littleEndian: fc.boolean(),
    count: fc.integer({ min: 0, max: 12 }),
    writes: fc.array(fc.tuple(fc.nat(), fc.constantFrom(1, 2, 4), fc.nat({ max: 2 ** 32 - 1 })), { maxLength: 4 }),
    cut: fc.option(fc.nat()),
    random: fc.option(fc.uint8Array({ maxLength: 200 })),
    gzip: fc.constantFrom('no', 'whole', 'cut'),
  })
  .map(({ format, littleEndian, count, writes, cut, random, gzip }) => {
    let bytes = format === 'pcap' ? pcap(count, littleEndian) : pcapng(count, littleEndian);
    // Random bytes behind the magic: the reader must judge them.
    if (random !== null) bytes = Buffer.concat([bytes.subarray(0, 4), Buffer.from(random)]);
    for (const [at, size, value] of writes) {
      const offset = at % bytes.length;
      if (offset + size > bytes.length) continue;
      if (size === 1) bytes[offset] = value & 0xff;
      else if (size === 2) bytes.writeUInt16LE(value & 0xffff, offset);
      else bytes.writeUInt32LE(value, offset);
    }
    if (cut !== null) bytes = bytes.subarray(0, cut % (bytes.length + 1));
    const plain = Buffer.from(bytes);
    if (gzip === 'whole') bytes = gzipSync(bytes);
    if (gzip === 'cut') {
      const compressed = gzipSync(bytes);
      bytes = compressed.subarray(0, Math.floor(compressed.length / 2));
    }
    return { plain, file: bytes, gzip };
  });

test('property: reading any mangled capture resolves, ends, and stays within the bytes that exist', async () => {
  let n = 0;
  await fc.assert(
    fc.asyncProperty(mangled, async ({ plain, file, gzip }) => {
      const path = await writeTemp(`arbitrary-${n++}${gzip === 'no' ? '' : '.gz'}`, file);
      const started = Date.now();
      const { result, packets } = await read([path]);
      assert.ok(Date.now() - started < 5000, 'reading ends promptly');
      assert.equal(result.packets, packets.length);
      let captured = 0;
      for (const packet of packets) {
        assert.ok(packet.data.length <= plain.length);
        captured += packet.data.length;
      }
      assert.ok(captured <= plain.length, 'no byte is delivered twice or invented');
      const { error } = result;
      if (error !== null) {
        assert.ok(['damaged', 'not-capture', 'unreadable'].includes(error.kind), error.kind);
        assert.notEqual(error.kind, 'unreadable', `a readable file is never "unreadable": ${error.message}`);
        assert.ok(error.message.startsWith(`${path}: `), 'the message names the file');
        if (error.offset !== null) assert.ok(error.offset >= 0 && error.offset <= plain.length, `offset ${error.offset} of ${plain.length}`);
        if (error.kind === 'damaged') assert.match(error.message, / at byte \d+/);
      }
    }),
    { numRuns: 400 },
  );
});

test('property: an intact capture cut anywhere gives exactly the packets wholly before the cut', async () => {
  let n = 0;
  await fc.assert(
    fc.asyncProperty(fc.constantFrom('pcap', 'pcapng'), fc.boolean(), fc.integer({ min: 1, max: 8 }), fc.nat(), async (format, littleEndian, count, rawCut) => {
      const whole = format === 'pcap' ? pcap(count, littleEndian) : pcapng(count, littleEndian);
      const all = (await read([await writeTemp(`whole-${n}.${format}`, whole)])).packets;
      const cut = rawCut % (whole.length + 1);
      const { result, packets } = await read([await writeTemp(`cut-${n++}.${format}`, whole.subarray(0, cut))]);
      const ends = recordEnds(whole, format);
      // Cut between two records, the file is a shorter capture; anywhere else it is damaged.
      assert.equal(result.error === null, ends.includes(cut), `cut at ${cut} of ${whole.length}: ${result.error?.message}`);
      // Exactly the packets whose records end before the cut, each one intact.
      const before = ends.slice(format === 'pcap' ? 1 : 2).filter((end) => end <= cut).length;
      assert.deepEqual(packets, all.slice(0, before));
      if (result.error?.kind === 'damaged') assert.ok(result.error.offset! <= cut);
    }),
    { numRuns: 200 },
  );
});
