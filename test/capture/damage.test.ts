import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync, constants as zlib } from 'node:zlib';
import { CaptureError } from '../../src/capture/index.js';
import {
  block,
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
const ACCEPTED = 'pcap, pcapng, or either gzip-compressed';

async function readDamaged(name: string, content: Buffer) {
  const path = await writeTemp(name, content);
  const { result, packets } = await read([path]);
  assert.ok(result.error instanceof CaptureError, `${name}: expected an error`);
  return { path, error: result.error, result, packets };
}

function assertDamaged(
  outcome: Awaited<ReturnType<typeof readDamaged>>,
  offset: number,
  delivered: number,
  reason: RegExp,
): void {
  const { path, error, result, packets } = outcome;
  assert.equal(error.kind, 'damaged');
  assert.equal(error.file, path);
  assert.equal(error.offset, offset);
  assert.ok(error.message.startsWith(`${path}: damaged at byte ${offset}`), error.message);
  assert.match(error.message, reason);
  assert.equal(result.packets, delivered);
  assert.deepEqual(
    packets.map((p) => p.number),
    Array.from({ length: delivered }, (_, i) => i + 1),
  );
  assert.equal(result.summaries[0].bytesRead, offset);
}

// ---- pcap ----

const pcapHead = pcapHeader({ ...BE, snapLength: 65535 });
const pcapFirst = pcapRecord(BE, 1, 0, payload(1, 50));
const pcapSecond = pcapRecord(BE, 2, 0, payload(2, 50));
const pcapPrefix = Buffer.concat([pcapHead, pcapFirst]); // 24 + 66 bytes

test('pcap cut inside the file header', async () => {
  assertDamaged(await readDamaged('cut-file-header.pcap', pcapHead.subarray(0, 10)), 0, 0, /file header cut short: 10 of 24/);
});

test('pcap of an unknown version (neither major 2 nor minor 4) stops at the version field', async () => {
  const head = Buffer.from(pcapHead);
  head.writeUInt16BE(1, 4);
  head.writeUInt16BE(0, 6);
  const { error, result } = await readDamaged('version.pcap', Buffer.concat([head, pcapFirst]));
  assert.equal(error.kind, 'damaged');
  assert.equal(error.offset, 4);
  assert.match(error.message, /damaged at byte 4: unsupported pcap version 1\.0 \(expected 2\.4\)$/);
  assert.equal(result.packets, 0);
});

test('pcap cut inside a record header', async () => {
  const outcome = await readDamaged('cut-header.pcap', Buffer.concat([pcapPrefix, pcapSecond.subarray(0, 9)]));
  assertDamaged(outcome, 90, 1, /record header cut short: 9 of 16 bytes/);
  assert.deepEqual(outcome.packets[0].data, payload(1, 50));
});

test('pcap cut inside record data, plain and gzip', async () => {
  const content = Buffer.concat([pcapPrefix, pcapSecond.subarray(0, 16 + 20)]);
  assertDamaged(await readDamaged('cut-data.pcap', content), 90, 1, /record cut short: 20 of 50 captured bytes/);
  // Compressed, the file size cannot tell: the reader finds out at the end of the data.
  assertDamaged(await readDamaged('cut-data.pcap.gz', gzipSync(content)), 90, 1, /record cut short: 20 of 50 captured bytes/);
});

test('pcap record claiming an absurd captured length', async () => {
  const absurd = pcapRecord(BE, 2, 0, payload(2, 50), 50, 0x7fffffff);
  const content = Buffer.concat([pcapPrefix, absurd]);
  assertDamaged(await readDamaged('absurd.pcap', content), 90, 1, /claims 2147483647 captured bytes, more than the 262144/);
  // Above libpcap's 262144 with a small snaplen, and no file size to compare with.
  const large = pcapRecord(BE, 2, 0, payload(2, 50), 50, 300000);
  const gzipped = gzipSync(Buffer.concat([pcapPrefix, large, Buffer.alloc(1000)]));
  assertDamaged(await readDamaged('large.pcap.gz', gzipped), 90, 1, /claims 300000 captured bytes/);
});

// ---- pcapng ----

const ngHead = Buffer.concat([sectionHeader(LE), interfaceDescription(LE, 1)]);
const ngFirst = enhancedPacket(LE, 0, 1_000000n, payload(1, 40));
const ngSecond = enhancedPacket(LE, 0, 2_000000n, payload(2, 40));
const ngPrefix = Buffer.concat([ngHead, ngFirst]);
const secondAt = ngPrefix.length;

function withLength(blockBytes: Buffer, at: number, length: number): Buffer {
  const copy = Buffer.from(blockBytes);
  copy.writeUInt32LE(length, at);
  return copy;
}

test('pcapng cut inside a block header, plain and gzip', async () => {
  const content = Buffer.concat([ngPrefix, ngSecond.subarray(0, 6)]);
  assertDamaged(await readDamaged('cut-header.pcapng', content), secondAt, 1, /block header cut short: 6 bytes/);
  assertDamaged(await readDamaged('cut-header.pcapng.gz', gzipSync(content)), secondAt, 1, /block header cut short/);
});

test('pcapng cut inside block data, plain and gzip', async () => {
  const content = Buffer.concat([ngPrefix, ngSecond.subarray(0, 30)]);
  assertDamaged(await readDamaged('cut-data.pcapng', content), secondAt, 1, /block cut short: 30 of 72 bytes/);
  assertDamaged(await readDamaged('cut-data.pcapng.gz', gzipSync(content)), secondAt, 1, /block cut short: 30 of 72 bytes/);
});

test('pcapng block length that lies', async () => {
  const third = enhancedPacket(LE, 0, 3_000000n, payload(3, 40));
  // Longer than the file: found before waiting for bytes that will never come.
  const tooLong = Buffer.concat([ngPrefix, withLength(ngSecond, 4, 1 << 20), third]);
  assertDamaged(await readDamaged('too-long.pcapng', tooLong), secondAt, 1, /block cut short: 144 of 1048576 bytes/);
  // Compressed, the size is unknown: the reader holds what there is and finds out at the end.
  assertDamaged(await readDamaged('too-long.pcapng.gz', gzipSync(tooLong)), secondAt, 1, /block cut short: 144 of 1048576 bytes/);
  const absurd = Buffer.concat([ngPrefix, withLength(ngSecond, 4, 0x7ffffff0), third]);
  assertDamaged(await readDamaged('absurd.pcapng.gz', gzipSync(absurd)), secondAt, 1, /2147483632 exceeds the 268435456-byte limit/);
  const tooShort = Buffer.concat([ngPrefix, withLength(ngSecond, 4, 8), third]);
  assertDamaged(await readDamaged('too-short.pcapng', tooShort), secondAt, 1, /block total length 8 is not a multiple of 4 of at least 12/);
  const unaligned = Buffer.concat([ngPrefix, withLength(ngSecond, 4, 70), third]);
  assertDamaged(await readDamaged('unaligned.pcapng', unaligned), secondAt, 1, /block total length 70 is not/);
  // Shorter than the EPB needs, though consistent with its trailing length: the data no longer fits.
  const shrunk = Buffer.concat([ngPrefix, withLength(withLength(ngSecond, 4, 32).subarray(0, 32), 28, 32), third]);
  assertDamaged(await readDamaged('shrunk.pcapng', shrunk), secondAt, 1, /captured length 40 exceeds the 0 data bytes/);
});

test('pcapng trailing block length that does not match the leading one', async () => {
  const content = Buffer.concat([ngPrefix, withLength(ngSecond, ngSecond.length - 4, 76)]);
  assertDamaged(await readDamaged('trailing.pcapng', content), secondAt, 1, /trailing block length 76 does not match the leading 72/);
});

test('pcapng later section with a bad byte-order magic', async () => {
  const content = Buffer.concat([ngPrefix, sectionHeader(BE, 0x11223344), ngSecond]);
  assertDamaged(await readDamaged('bad-section.pcapng', content), secondAt, 1, /byte-order magic is 0x11223344/);
});

test('pcapng packet of an interface its section never described', async () => {
  const content = Buffer.concat([ngPrefix, sectionHeader(BE), interfaceDescription(BE, 1), enhancedPacket(BE, 1, 5n, payload(2, 4))]);
  const badAt = ngPrefix.length + sectionHeader(BE).length + interfaceDescription(BE, 1).length;
  assertDamaged(await readDamaged('no-interface.pcapng', content), badAt, 1, /refers to interface 1, but its section has described 1/);
});

test('pcapng block skipped without reading is still checked for length', async () => {
  const unknown = block(LE, 0x12345678, Buffer.alloc(8));
  const content = Buffer.concat([ngPrefix, withLength(unknown, unknown.length - 4, 24), ngSecond]);
  assertDamaged(await readDamaged('unknown-trailing.pcapng', content), secondAt, 1, /trailing block length 24 does not match the leading 20/);
});

// ---- gzip ----

test('gzip cut inside the compressed data: damaged at the first incomplete record', async () => {
  const blocks: Buffer[] = [ngHead];
  const starts: number[] = [];
  let offset = ngHead.length;
  for (let n = 1; n <= 400; n++) {
    // Random-looking data compresses poorly, so the cut falls well inside the packets.
    const packet = enhancedPacket(LE, 0, BigInt(n), Buffer.from(payload(n, 1000).map((x, i) => (x * 2654435761 + i * i) >>> 24)));
    starts.push(offset);
    offset += packet.length;
    blocks.push(packet);
  }
  const gzipped = gzipSync(Buffer.concat(blocks));
  const cut = gzipped.subarray(0, gzipped.length >> 1);
  const { path, error, result } = await readDamaged('cut.pcapng.gz', cut);
  assert.equal(error.kind, 'damaged');
  assert.ok(error.offset !== null && starts.includes(error.offset), `offset ${error.offset} is a record start`);
  // Every record before that offset was delivered, none after.
  assert.equal(result.packets, starts.indexOf(error.offset));
  assert.ok(result.packets > 100, `${result.packets} packets before the cut`);
  // zlib yields at most what a sync flush of the cut data yields.
  const available = gunzipSync(cut, { finishFlush: zlib.Z_SYNC_FLUSH }).length;
  assert.ok(error.offset <= available && available - error.offset < 1000 + 28 + 64);
  assert.equal(
    error.message,
    `${path}: damaged at byte ${error.offset} of the decompressed capture: gzip data cut short (unexpected end of file)`,
  );
});

test('gzip cut exactly between two members: the offset is exact', async () => {
  const content = Buffer.concat([ngPrefix, ngSecond.subarray(0, 30)]);
  const second = gzipSync(ngSecond.subarray(30));
  const cut = Buffer.concat([gzipSync(content), second.subarray(0, 5)]);
  const outcome = await readDamaged('members.pcapng.gz', cut);
  assertDamaged(outcome, secondAt, 1, /gzip data cut short/);
});

test('gzip whose content is corrupt', async () => {
  const gzipped = gzipSync(Buffer.concat([ngPrefix, ngSecond]));
  gzipped[12] ^= 0xff; // first bytes of the deflate stream
  const { error, result } = await readDamaged('corrupt.pcapng.gz', gzipped);
  assert.equal(error.kind, 'damaged');
  assert.equal(error.offset, 0);
  assert.match(error.message, /gzip data corrupt/);
  assert.equal(result.packets, 0);
});

// ---- not a capture, unreadable ----

test('zero-length file is not a capture', async () => {
  const { path, error, result } = await readDamaged('empty.pcap', Buffer.alloc(0));
  assert.equal(error.kind, 'not-capture');
  assert.equal(error.message, `${path}: empty file, expected ${ACCEPTED}`);
  assert.deepEqual(result.summaries, []);
});

test('random bytes are not a capture, nor a gzip of them, nor a gzip of nothing', async () => {
  const random = Buffer.from('7a3f9c01d2e45b6670819aabbccddeeff00112233', 'hex');
  for (const [name, content, what] of [
    ['random.pcap', random, 'not a capture file (starts with 7a 3f 9c 01)'],
    ['random.gz', gzipSync(random), 'gzip-compressed, but the content is not a capture (starts with 7a 3f 9c 01'],
    ['nothing.gz', gzipSync(Buffer.alloc(0)), 'gzip-compressed empty file'],
    ['short', Buffer.from([0xd4, 0xc3]), 'not a capture file (starts with d4 c3)'],
  ] as const) {
    const { path, error, result } = await readDamaged(name, content);
    assert.equal(error.kind, 'not-capture', name);
    assert.equal(error.offset, 0);
    assert.ok(error.message.startsWith(`${path}: ${what}`), error.message);
    assert.ok(error.message.endsWith(`expected ${ACCEPTED}`), error.message);
    assert.equal(result.packets, 0);
  }
});

test('missing file and directory are unreadable', async () => {
  const missing = join(dirname(await writeTemp('present.pcap', pcapPrefix)), 'absent.pcap');
  const directory = join(dirname(missing), 'a-directory');
  await mkdir(directory);
  for (const path of [missing, directory]) {
    const { result } = await read([path]);
    assert.ok(result.error);
    assert.equal(result.error.kind, 'unreadable');
    assert.equal(result.error.file, path);
    assert.match(result.error.message, new RegExp(`^${path}: cannot read: (ENOENT|EISDIR)`));
  }
});

test('no file at all', async () => {
  const { result } = await read([]);
  assert.equal(result.error?.kind, 'unreadable');
  assert.equal(result.error?.message, 'no capture file given');
});
