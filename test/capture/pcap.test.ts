import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { readCaptures } from '../../src/capture/index.js';
import { PcapReader, pcapMagic } from '../../src/capture/pcap.js';
import { payload, pcapHeader, pcapRecord, pushThroughOneBuffer, read, writeTemp } from './build.js';

for (const littleEndian of [true, false]) {
  const order = littleEndian ? 'little' : 'big';

  test(`pcap, ${order}-endian, microseconds: timestamps, numbers, lengths, data`, async () => {
    const e = { littleEndian };
    const path = await writeTemp(
      `micro-${order}.pcap`,
      Buffer.concat([
        pcapHeader({ ...e, linkType: 1 }),
        pcapRecord(e, 1700000000, 123456, payload(1, 60)),
        pcapRecord(e, 1700000001, 999999, payload(2, 40), 1514), // snapped: 40 of 1514 bytes
        pcapRecord(e, 1700000001, 0, Buffer.alloc(0)),
      ]),
    );
    const { result, packets } = await read([path]);
    assert.equal(result.error, null);
    assert.equal(result.format, 'pcap');
    assert.equal(result.packets, 3);
    assert.deepEqual(result.linkTypes, [1]);
    assert.deepEqual(result.summaries, [
      { file: path, format: 'pcap', gzip: false, packets: 3, linkTypes: [1], bytesRead: 24 + 16 * 3 + 60 + 40 },
    ]);
    assert.deepEqual(
      packets.map((p) => [p.number, p.ts, p.linkType, p.data.length, p.originalLength]),
      [
        [1, 1700000000.123456, 1, 60, 60],
        [2, 1700000001.999999, 1, 40, 1514],
        [3, 1700000001, 1, 0, 0],
      ],
    );
    assert.deepEqual(packets[0].data, payload(1, 60));
    assert.deepEqual(packets[1].data, payload(2, 40));
  });

  test(`pcap, ${order}-endian, nanosecond magic`, async () => {
    const e = { littleEndian };
    const path = await writeTemp(
      `nano-${order}.pcap`,
      Buffer.concat([
        pcapHeader({ ...e, nanoseconds: true, linkType: 101 }),
        pcapRecord(e, 1700000000, 123456789, payload(1, 20)),
        pcapRecord(e, 1700000000, 999999999, payload(2, 21)),
      ]),
    );
    const { result, packets } = await read([path]);
    assert.equal(result.error, null);
    assert.deepEqual(
      packets.map((p) => [p.number, p.ts, p.linkType]),
      [
        [1, 1700000000.123456789, 101],
        [2, 1700000000.999999999, 101],
      ],
    );
    assert.deepEqual(packets[1].data, payload(2, 21));
  });
}

test('pcap link type keeps only the low 16 bits (the upper ones describe the FCS)', async () => {
  const e = { littleEndian: true };
  const path = await writeTemp(
    'fcs.pcap',
    Buffer.concat([pcapHeader({ ...e, linkType: 0x14000001 }), pcapRecord(e, 1, 0, payload(1, 14))]),
  );
  const { packets } = await read([path]);
  assert.equal(packets[0].linkType, 1);
});

test('pcap spanning many 1 MiB chunks, with records across chunk boundaries, plain and gzip', async () => {
  const e = { littleEndian: true };
  const records: Buffer[] = [pcapHeader({ ...e, snapLength: 4 << 20 })];
  const count = 3000;
  for (let n = 1; n <= count; n++) records.push(pcapRecord(e, 1700000000 + n, n, payload(n, 700 + (n % 613))));
  // One record bigger than a chunk: it straddles three of them.
  records.push(pcapRecord(e, 1700009999, 0, payload(count + 1, 2_500_000)));
  const content = Buffer.concat(records);
  for (const path of [await writeTemp('many.pcap', content), await writeTemp('many.pcap.gz', gzipSync(content))]) {
    const { result, packets } = await read([path]);
    assert.equal(result.error, null, path);
    assert.equal(result.packets, count + 1);
    assert.equal(result.summaries[0].bytesRead, content.length);
    assert.equal(result.summaries[0].gzip, path.endsWith('.gz'));
    for (let n = 1; n <= count; n++) {
      const p = packets[n - 1];
      assert.equal(p.number, n);
      assert.equal(p.ts, 1700000000 + n + n / 1e6);
      assert.deepEqual(p.data, payload(n, 700 + (n % 613)));
    }
    assert.deepEqual(packets[count].data, payload(count + 1, 2_500_000));
  }
});

test('pcap reader fed one byte at a time delivers the same packets', () => {
  const e = { littleEndian: false };
  const content = Buffer.concat([
    pcapHeader({ ...e, nanoseconds: true }),
    pcapRecord(e, 10, 5, payload(1, 33)),
    pcapRecord(e, 11, 6, payload(2, 7), 99),
  ]);
  const seen: [number, number, Buffer, number][] = [];
  const magic = pcapMagic(content);
  assert.ok(magic);
  const reader = new PcapReader(magic, null, (ts, linkType, bytes, start, end, originalLength) =>
    seen.push([ts, linkType, Buffer.from(bytes.subarray(start, end)), originalLength]),
  );
  // The file layer always hands over at least the magic first.
  const pieces = [content.subarray(0, 4)];
  for (let i = 4; i < content.length; i++) pieces.push(content.subarray(i, i + 1));
  pushThroughOneBuffer(reader, pieces);
  reader.end();
  assert.deepEqual(seen, [
    [10.000000005, 1, payload(1, 33), 33],
    [11.000000006, 1, payload(2, 7), 99],
  ]);
  assert.equal(reader.consumed, content.length);
});

test('a callback that throws mid-file rejects the read, and the file is closed once its read ahead is over', async () => {
  const e = { littleEndian: true };
  const records = [pcapHeader(e)];
  for (let n = 1; n <= 4000; n++) records.push(pcapRecord(e, 1, n, payload(n, 700))); // ~2.8 MB: several chunks
  const path = await writeTemp('throws.pcap', Buffer.concat(records));
  const openFiles = () => readdirSync('/proc/self/fd').length;
  const before = openFiles();
  const stop = new Error('stop');
  await assert.rejects(
    readCaptures([path], (packet) => {
      if (packet.number === 2000) throw stop;
    }),
    stop,
  );
  // As the TUI's q does it: the progress callback throws.
  await assert.rejects(
    readCaptures([path], () => {}, {
      onProgress: (bytesRead) => {
        if (bytesRead > 1 << 20) throw stop;
      },
    }),
    stop,
  );
  for (let waited = 0; openFiles() > before && waited < 2000; waited += 10) await sleep(10);
  assert.equal(openFiles(), before);
});
