#!/usr/bin/env node
// The floor: the least any pcap reader in Node can do. Reads the whole file through one large reused buffer
// and walks the 16-byte record headers (counting packets, summing lengths), nothing else. A dissector can
// not be faster than this on the same machine; the benchmark reports wsdissect as a multiple of it.
//
//   node bench/floor.mjs FILE   -> {"packets":…,"capturedBytes":…,"originalBytes":…,"fileBytes":…} on stdout
import { openSync, readSync, closeSync, fstatSync } from 'node:fs';

const CHUNK_BYTES = 8 << 20;
const FILE_HEADER = 24;
const RECORD_HEADER = 16;
// Classic pcap magic numbers (microsecond and nanosecond), as read little-endian.
const MAGIC_LE = new Set([0xa1b2c3d4, 0xa1b23c4d]);
const MAGIC_BE = new Set([0xd4c3b2a1, 0x4d3cb2a1]);

const path = process.argv[2];
if (!path) {
  console.error('usage: floor.mjs FILE');
  process.exit(2);
}

const fd = openSync(path, 'r');
const fileBytes = fstatSync(fd).size;
const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
let chunkStart = 0;
let chunkEnd = readSync(fd, chunk, 0, CHUNK_BYTES, 0);
if (chunkEnd < FILE_HEADER) throw new Error(`${path}: too short for a pcap file header`);
const magic = chunk.readUInt32LE(0);
const littleEndian = MAGIC_LE.has(magic);
if (!littleEndian && !MAGIC_BE.has(magic)) throw new Error(`${path}: not a classic pcap file (the floor reads only those)`);

let packets = 0;
let capturedBytes = 0;
let originalBytes = 0;
let pos = FILE_HEADER; // file offset of the next record header
for (;;) {
  while (pos + RECORD_HEADER <= chunkEnd) {
    const at = pos - chunkStart;
    const captured = littleEndian ? chunk.readUInt32LE(at + 8) : chunk.readUInt32BE(at + 8);
    originalBytes += littleEndian ? chunk.readUInt32LE(at + 12) : chunk.readUInt32BE(at + 12);
    capturedBytes += captured;
    packets++;
    pos += RECORD_HEADER + captured;
  }
  if (chunkEnd >= fileBytes) break;
  // Go on from the header that straddles the chunk's end, or from the chunk's end when a record's data runs
  // past it: every byte of the file is read once (plus at most 15 twice).
  chunkStart = Math.min(pos, chunkEnd);
  const read = readSync(fd, chunk, 0, CHUNK_BYTES, chunkStart);
  if (read === 0) break;
  chunkEnd = chunkStart + read;
}
closeSync(fd);
if (pos !== fileBytes) throw new Error(`${path}: last record ends at ${pos}, file has ${fileBytes} bytes`);
process.stdout.write(JSON.stringify({ packets, capturedBytes, originalBytes, fileBytes }) + '\n');
