import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { readCaptures } from '../../src/capture/index.js';
import {
  enhancedPacket,
  interfaceDescription,
  payload,
  pcapHeader,
  pcapRecord,
  read,
  sectionHeader,
  writeTemp,
} from './build.js';

const LE = { littleEndian: true };
const BE = { littleEndian: false };

/** A pcap whose packets carry `tag` and their timestamp (whole seconds) in their data. */
function pcapOf(tag: number, seconds: number[], linkType = 1): Buffer {
  return Buffer.concat([
    pcapHeader({ ...LE, linkType }),
    ...seconds.map((s) => pcapRecord(LE, s, 0, Buffer.from([tag, s]))),
  ]);
}

function pcapngOf(tag: number, seconds: number[], linkType = 1): Buffer {
  return Buffer.concat([
    sectionHeader(BE),
    interfaceDescription(BE, linkType),
    ...seconds.map((s) => enhancedPacket(BE, 0, BigInt(s) * 1_000000n, Buffer.from([tag, s]))),
  ]);
}

test('three files with interleaved timestamps are merged in time order and renumbered', async () => {
  const files = [
    await writeTemp('ring-a.pcap', pcapOf(0xa, [1, 4, 7, 7])),
    await writeTemp('ring-b.pcapng', pcapngOf(0xb, [2, 5, 7, 8], 101)),
    await writeTemp('ring-c.pcap.gz', gzipSync(pcapOf(0xc, [3, 6, 9]))),
  ];
  const { result, packets } = await read(files);
  assert.equal(result.error, null);
  assert.equal(result.packets, 11);
  assert.equal(result.format, 'pcap');
  assert.deepEqual(result.linkTypes, [1, 101]);
  assert.deepEqual(
    result.summaries.map((s) => [s.file, s.format, s.gzip, s.packets, s.linkTypes]),
    [
      [files[0], 'pcap', false, 4, [1]],
      [files[1], 'pcapng', false, 4, [101]],
      [files[2], 'pcap', true, 3, [1]],
    ],
  );
  // Equal timestamps (7) keep the order the files were given in, and each file its own order.
  assert.deepEqual(
    packets.map((p) => [p.number, p.ts, p.data[0], p.linkType]),
    [
      [1, 1, 0xa, 1],
      [2, 2, 0xb, 101],
      [3, 3, 0xc, 1],
      [4, 4, 0xa, 1],
      [5, 5, 0xb, 101],
      [6, 6, 0xc, 1],
      [7, 7, 0xa, 1],
      [8, 7, 0xa, 1],
      [9, 7, 0xb, 101],
      [10, 8, 0xb, 101],
      [11, 9, 0xc, 1],
    ],
  );
  assert.ok(packets.every((p) => p.data[1] === p.ts));
});

test('rotated files given out of order come back in time order, across many chunks', async () => {
  // Like tcpdump -C: consecutive files, each several chunks long.
  const count = 1500;
  const rotated = [0, 1, 2].map((part) =>
    Buffer.concat([
      pcapHeader(LE),
      ...Array.from({ length: count }, (_, i) => pcapRecord(LE, 1000 + part * count + i, 0, payload(part * count + i, 1200))),
    ]),
  );
  const files = [
    await writeTemp('rotated-2.pcap', rotated[2]),
    await writeTemp('rotated-0.pcap', rotated[0]),
    await writeTemp('rotated-1.pcap.gz', gzipSync(rotated[1])),
  ];
  const seen: number[] = [];
  let dataOk = true;
  const result = await readCaptures(files, (packet) => {
    seen.push(packet.number, packet.ts);
    dataOk &&= packet.data.equals(payload(packet.ts - 1000, 1200));
  });
  assert.equal(result.error, null);
  assert.equal(result.packets, 3 * count);
  assert.ok(dataOk);
  const expected = Array.from({ length: 3 * count }, (_, i) => [i + 1, 1000 + i]).flat();
  assert.deepEqual(seen, expected);
});

test('a damaged file stops the merge once its packets before the damage had their turn', async () => {
  const damaged = Buffer.concat([pcapOf(0xa, [1, 3]), pcapRecord(LE, 5, 0, Buffer.from([0xa, 5])).subarray(0, 10)]);
  const files = [await writeTemp('merge-damaged.pcap', damaged), await writeTemp('merge-good.pcap', pcapOf(0xb, [2, 4, 6]))];
  const { result, packets } = await read(files);
  assert.equal(result.error?.kind, 'damaged');
  assert.equal(result.error?.file, files[0]);
  assert.equal(result.error?.offset, 24 + 2 * 18);
  assert.deepEqual(
    packets.map((p) => [p.number, p.ts, p.data[0]]),
    [
      [1, 1, 0xa],
      [2, 2, 0xb],
      [3, 3, 0xa],
    ],
  );
  assert.equal(result.packets, 3);
  assert.deepEqual(
    result.summaries.map((s) => [s.packets, s.bytesRead]),
    [
      [2, 60],
      [1, 78], // its packets at 4 and 6 were read ahead, but not delivered
    ],
  );
});

test('one file that is no capture stops everything before any packet', async () => {
  const files = [await writeTemp('merge-ok.pcap', pcapOf(1, [1, 2])), await writeTemp('merge-text.txt', Buffer.from('hello world'))];
  let delivered = 0;
  const result = await readCaptures(files, () => delivered++);
  assert.equal(result.error?.kind, 'not-capture');
  assert.equal(result.error?.file, files[1]);
  assert.equal(delivered, 0);
  assert.deepEqual(result.summaries, []);
});

test('progress reports bytes of the files on disk, ending at their total size', async () => {
  const plain = pcapOf(1, [1, 2, 3]);
  const gzipped = gzipSync(pcapngOf(2, [4]));
  const files = [await writeTemp('progress.pcap', plain), await writeTemp('progress.pcapng.gz', gzipped)];
  const reports: [number, number][] = [];
  const result = await readCaptures(files, () => {}, { onProgress: (read, total) => reports.push([read, total]) });
  assert.equal(result.error, null);
  const total = plain.length + gzipped.length;
  assert.deepEqual(reports.at(-1), [total, total]);
  assert.ok(reports.every(([read, all], i) => all === total && read <= total && (i === 0 || read >= reports[i - 1][0])));
});
