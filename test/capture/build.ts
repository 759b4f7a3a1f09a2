// Builders for small pcap and pcapng captures, written byte by byte from the format descriptions
// (pcap-savefile(5), draft-ietf-opsawg-pcapng), independently of the reader under test.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCaptures, type CaptureReadResult, type Packet } from '../../src/capture/index.js';
import type { RecordReader } from '../../src/capture/record.js';

export interface Endian {
  littleEndian: boolean;
}

function u16(value: number, { littleEndian }: Endian): Buffer {
  const out = Buffer.alloc(2);
  if (littleEndian) out.writeUInt16LE(value);
  else out.writeUInt16BE(value);
  return out;
}

function u32(value: number, { littleEndian }: Endian): Buffer {
  const out = Buffer.alloc(4);
  if (littleEndian) out.writeUInt32LE(value);
  else out.writeUInt32BE(value);
  return out;
}

function i64(value: bigint, { littleEndian }: Endian): Buffer {
  const out = Buffer.alloc(8);
  if (littleEndian) out.writeBigInt64LE(value);
  else out.writeBigInt64BE(value);
  return out;
}

function pad4(data: Buffer): Buffer {
  return Buffer.concat([data, Buffer.alloc((4 - (data.length % 4)) % 4)]);
}

// ---- pcap ----

export interface PcapOptions extends Endian {
  nanoseconds?: boolean;
  linkType?: number;
  snapLength?: number;
}

export function pcapHeader(options: PcapOptions): Buffer {
  return Buffer.concat([
    u32(options.nanoseconds ? 0xa1b23c4d : 0xa1b2c3d4, options),
    u16(2, options),
    u16(4, options),
    u32(0, options), // thiszone
    u32(0, options), // sigfigs
    u32(options.snapLength ?? 262144, options),
    u32(options.linkType ?? 1, options),
  ]);
}

export function pcapRecord(
  endian: Endian,
  seconds: number,
  fraction: number,
  data: Buffer,
  originalLength = data.length,
  capturedLength = data.length,
): Buffer {
  return Buffer.concat([
    u32(seconds, endian),
    u32(fraction, endian),
    u32(capturedLength, endian),
    u32(originalLength, endian),
    data,
  ]);
}

// ---- pcapng ----

export function block(endian: Endian, type: number, body: Buffer): Buffer {
  const padded = pad4(body);
  const length = padded.length + 12;
  return Buffer.concat([u32(type, endian), u32(length, endian), padded, u32(length, endian)]);
}

export function option(endian: Endian, code: number, value: Buffer): Buffer {
  return Buffer.concat([u16(code, endian), u16(value.length, endian), pad4(value)]);
}

export function endOfOptions(endian: Endian): Buffer {
  return Buffer.concat([u16(0, endian), u16(0, endian)]);
}

export function sectionHeader(endian: Endian, byteOrderMagic = 0x1a2b3c4d): Buffer {
  return block(
    endian,
    0x0a0d0d0a,
    Buffer.concat([u32(byteOrderMagic, endian), u16(1, endian), u16(0, endian), i64(-1n, endian)]),
  );
}

export interface InterfaceOptions {
  snapLength?: number;
  /** Raw if_tsresol byte. */
  tsresol?: number;
  tsoffset?: bigint;
}

export function interfaceDescription(endian: Endian, linkType: number, options: InterfaceOptions = {}): Buffer {
  const opts: Buffer[] = [];
  if (options.tsresol !== undefined) opts.push(option(endian, 9, Buffer.from([options.tsresol])));
  if (options.tsoffset !== undefined) opts.push(option(endian, 14, i64(options.tsoffset, endian)));
  if (opts.length > 0) opts.push(endOfOptions(endian));
  return block(
    endian,
    1,
    Buffer.concat([u16(linkType, endian), u16(0, endian), u32(options.snapLength ?? 0, endian), ...opts]),
  );
}

/** `units` is the 64-bit timestamp in the interface's resolution. */
export function enhancedPacket(
  endian: Endian,
  interfaceId: number,
  units: bigint,
  data: Buffer,
  originalLength = data.length,
  options: Buffer[] = [],
): Buffer {
  return block(
    endian,
    6,
    Buffer.concat([
      u32(interfaceId, endian),
      u32(Number(units >> 32n), endian),
      u32(Number(units & 0xffffffffn), endian),
      u32(data.length, endian),
      u32(originalLength, endian),
      pad4(data),
      ...options,
    ]),
  );
}

export function obsoletePacket(endian: Endian, interfaceId: number, units: bigint, data: Buffer): Buffer {
  return block(
    endian,
    2,
    Buffer.concat([
      u16(interfaceId, endian),
      u16(0, endian), // drops count
      u32(Number(units >> 32n), endian),
      u32(Number(units & 0xffffffffn), endian),
      u32(data.length, endian),
      u32(data.length, endian),
      pad4(data),
    ]),
  );
}

export function simplePacket(endian: Endian, originalLength: number, data: Buffer): Buffer {
  return block(endian, 3, Buffer.concat([u32(originalLength, endian), data]));
}

// ---- files and reading ----

let directory: Promise<string> | undefined;

export async function writeTemp(name: string, content: Buffer): Promise<string> {
  directory ??= mkdtemp(join(tmpdir(), 'wsdissect-capture-'));
  const path = join(await directory, name);
  await writeFile(path, content);
  return path;
}

export interface Read {
  result: CaptureReadResult;
  packets: Packet[];
}

/** Reads and keeps every packet (with a copy of its data), for assertions. */
export async function read(files: string[]): Promise<Read> {
  const packets: Packet[] = [];
  const result = await readCaptures(files, ({ number, ts, linkType, data, originalLength }) =>
    packets.push({ number, ts, linkType, data: Buffer.from(data), originalLength }),
  );
  return { result, packets };
}

/**
 * Pushes `pieces` to `reader` as the file layer does: each through the same buffer, overwritten before the
 * next one, so that a reader keeping a view of a chunk past its push sees the wrong bytes.
 */
export function pushThroughOneBuffer(reader: RecordReader, pieces: Buffer[]): void {
  const scratch = Buffer.alloc(Math.max(0, ...pieces.map((piece) => piece.length)));
  for (const piece of pieces) {
    piece.copy(scratch);
    reader.push(scratch.subarray(0, piece.length));
    scratch.fill(0xee);
  }
}

/** Deterministic bytes identifying packet `n`. */
export function payload(n: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = (n * 31 + i * 7) & 0xff;
  return out;
}
