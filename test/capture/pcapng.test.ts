import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { PcapngReader } from '../../src/capture/pcapng.js';
import {
  block,
  enhancedPacket,
  interfaceDescription,
  obsoletePacket,
  option,
  payload,
  pushThroughOneBuffer,
  read,
  sectionHeader,
  simplePacket,
  writeTemp,
} from './build.js';

const LE = { littleEndian: true };
const BE = { littleEndian: false };

for (const e of [LE, BE]) {
  const order = e.littleEndian ? 'little' : 'big';

  test(`pcapng, ${order}-endian: IDB default resolution, EPB with options, PB, SPB`, async () => {
    const content = Buffer.concat([
      sectionHeader(e),
      interfaceDescription(e, 1, { snapLength: 64 }),
      enhancedPacket(e, 0, 1700000000_123456n, payload(1, 61), 61, [
        option(e, 2, Buffer.from([0, 0, 0, 1])), // epb_flags: must not leak into the data
        option(e, 0, Buffer.alloc(0)),
      ]),
      obsoletePacket(e, 0, 1700000001_000001n, payload(2, 30)),
      // §4.4: captured length = min(original length, snaplen of interface 0); no timestamp of its own.
      simplePacket(e, 100, payload(3, 64)),
      simplePacket(e, 10, payload(4, 10)),
    ]);
    const path = await writeTemp(`basic-${order}.pcapng`, content);
    const { result, packets } = await read([path]);
    assert.equal(result.error, null);
    assert.equal(result.format, 'pcapng');
    assert.deepEqual(result.summaries, [
      { file: path, format: 'pcapng', gzip: false, packets: 4, linkTypes: [1], bytesRead: content.length },
    ]);
    assert.deepEqual(
      packets.map((p) => [p.number, p.ts, p.linkType, p.data.length, p.originalLength]),
      [
        [1, 1700000000.123456, 1, 61, 61],
        [2, 1700000001.000001, 1, 30, 30],
        [3, 1700000001.000001, 1, 64, 100],
        [4, 1700000001.000001, 1, 10, 10],
      ],
    );
    assert.deepEqual(packets[0].data, payload(1, 61));
    assert.deepEqual(packets[1].data, payload(2, 30));
    assert.deepEqual(packets[2].data, payload(3, 64));
    assert.deepEqual(packets[3].data, payload(4, 10));
  });
}

test('pcapng if_tsresol as a power of 10 and of 2, and if_tsoffset', async () => {
  const e = LE;
  const content = Buffer.concat([
    sectionHeader(e),
    interfaceDescription(e, 1, { tsresol: 9 }), // 10^-9
    interfaceDescription(e, 1, { tsresol: 0x80 | 20 }), // 2^-20
    interfaceDescription(e, 1, { tsresol: 3, tsoffset: 1700000000n }), // milliseconds since 1700000000
    enhancedPacket(e, 0, 1700000000_123456789n, payload(1, 4)),
    enhancedPacket(e, 1, (1700000000n << 20n) + (1n << 19n) + (1n << 18n), payload(2, 4)), // .75 s
    enhancedPacket(e, 2, 2_500n, payload(3, 4)),
  ]);
  const { result, packets } = await read([await writeTemp('resolution.pcapng', content)]);
  assert.equal(result.error, null);
  assert.deepEqual(
    packets.map((p) => p.ts),
    [1700000000.123456789, 1700000000.75, 1700000002.5],
  );
});

test('pcapng: two sections in different byte orders, interface IDs restart per section', async () => {
  const content = Buffer.concat([
    sectionHeader(LE),
    interfaceDescription(LE, 1),
    enhancedPacket(LE, 0, 1_000000n, payload(1, 8)),
    sectionHeader(BE),
    interfaceDescription(BE, 101), // LINKTYPE_RAW
    enhancedPacket(BE, 0, 2_000000n, payload(2, 9)),
  ]);
  const { result, packets } = await read([await writeTemp('sections.pcapng', content)]);
  assert.equal(result.error, null);
  assert.deepEqual(
    packets.map((p) => [p.number, p.ts, p.linkType, p.data.length]),
    [
      [1, 1, 1, 8],
      [2, 2, 101, 9],
    ],
  );
  assert.deepEqual(result.linkTypes, [1, 101]);
});

test('pcapng: two interfaces with their own link types; unknown blocks are skipped', async () => {
  const e = BE;
  const content = Buffer.concat([
    sectionHeader(e),
    interfaceDescription(e, 113), // LINKTYPE_LINUX_SLL
    interfaceDescription(e, 1),
    block(e, 4, Buffer.from([0, 1, 0, 8, 127, 0, 0, 1, 0, 0, 0, 0])), // Name Resolution Block
    enhancedPacket(e, 1, 5_000000n, payload(1, 20)),
    block(e, 5, Buffer.alloc(12)), // Interface Statistics Block
    block(e, 0x0a, Buffer.alloc(8)), // Decryption Secrets Block
    block(e, 0x00000bad, Buffer.alloc(16)), // Custom Block
    block(e, 0x12345678, Buffer.alloc(0)), // a type from the future
    enhancedPacket(e, 0, 6_000000n, payload(2, 21)),
  ]);
  const { result, packets } = await read([await writeTemp('interfaces.pcapng', content)]);
  assert.equal(result.error, null);
  assert.deepEqual(
    packets.map((p) => [p.number, p.ts, p.linkType]),
    [
      [1, 5, 1],
      [2, 6, 113],
    ],
  );
  assert.deepEqual(result.linkTypes, [1, 113]);
  assert.deepEqual(packets[1].data, payload(2, 21));
});

test('pcapng spanning many chunks, with a block bigger than a chunk, plain and gzip', async () => {
  const e = LE;
  const blocks = [sectionHeader(e), interfaceDescription(e, 1, { tsresol: 9 })];
  const count = 2500;
  for (let n = 1; n <= count; n++) blocks.push(enhancedPacket(e, 0, BigInt(n) * 1000n, payload(n, 900 + (n % 517))));
  blocks.push(enhancedPacket(e, 0, 9_000_000_000n, payload(0, 3_000_001)));
  const content = Buffer.concat(blocks);
  for (const path of [await writeTemp('many.pcapng', content), await writeTemp('many.pcapng.gz', gzipSync(content))]) {
    const { result, packets } = await read([path]);
    assert.equal(result.error, null, path);
    assert.equal(result.packets, count + 1);
    assert.equal(result.summaries[0].bytesRead, content.length);
    for (let n = 1; n <= count; n++) {
      assert.equal(packets[n - 1].ts, n / 1e6);
      assert.deepEqual(packets[n - 1].data, payload(n, 900 + (n % 517)));
    }
    assert.equal(packets[count].ts, 9);
    assert.deepEqual(packets[count].data, payload(0, 3_000_001));
  }
});

test('pcapng reader gives the same packets for every way of splitting the input in two, and byte by byte', () => {
  const content = Buffer.concat([
    sectionHeader(BE),
    interfaceDescription(BE, 1, { tsresol: 6, snapLength: 5 }),
    enhancedPacket(BE, 0, 7_000001n, payload(1, 13), 20),
    simplePacket(BE, 9, payload(2, 8)),
    sectionHeader(LE),
    interfaceDescription(LE, 228),
    obsoletePacket(LE, 0, 8_000002n, payload(3, 3)),
  ]);
  const expected = [
    [7.000001, 1, payload(1, 13), 20],
    [7.000001, 1, payload(2, 5), 9],
    [8.000002, 228, payload(3, 3), 3],
  ];
  const readSplit = (pieces: Buffer[]) => {
    const seen: unknown[] = [];
    const reader = new PcapngReader(null, (ts, linkType, bytes, start, end, originalLength) =>
      seen.push([ts, linkType, Buffer.from(bytes.subarray(start, end)), originalLength]),
    );
    pushThroughOneBuffer(reader, pieces);
    reader.end();
    assert.equal(reader.consumed, content.length);
    return seen;
  };
  for (let cut = 0; cut <= content.length; cut++) {
    assert.deepEqual(readSplit([content.subarray(0, cut), content.subarray(cut)]), expected, `cut at ${cut}`);
  }
  const bytes = [...content].map((byte) => Buffer.from([byte]));
  assert.deepEqual(readSplit(bytes), expected);
});
