// pcapng (draft-ietf-opsawg-pcapng): our own block reader, parsing blocks in place in the chunks read.
import { CaptureDamage, MAX_RECORD_BYTES, readU32, StraddlingRecord, unitsToSeconds, type RecordReader, type RecordSink } from './record.js';

/** §4 and Appendix A: the block types that carry what we need; every other type is skipped. */
const BlockType = {
  SectionHeader: 0x0a0d0d0a,
  InterfaceDescription: 1,
  /** Obsolete Packet Block (Appendix A), still written by old tools. */
  Packet: 2,
  SimplePacket: 3,
  EnhancedPacket: 6,
} as const;

/** Smallest valid total length per block type: fixed fields plus the 12 bytes of framing. */
const MINIMUM_LENGTH: Record<number, number> = {
  [BlockType.SectionHeader]: 28,
  [BlockType.InterfaceDescription]: 20,
  [BlockType.Packet]: 32,
  [BlockType.SimplePacket]: 16,
  [BlockType.EnhancedPacket]: 32,
};

/** §4.1: written as 0x1A2B3C4D in the section's own byte order. */
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const BYTE_ORDER_MAGIC_SWAPPED = 0x4d3c2b1a;
/** §3.1: Block Type, Block Total Length ... Block Total Length. */
const BLOCK_FRAMING_BYTES = 12;
/** An SHB's length can only be read once its byte-order magic (bytes 8..11) is known. */
const SECTION_HEADER_PREFIX_BYTES = 12;
const BLOCK_PREFIX_BYTES = 8;
/** §4.2 interface options. */
const OPTION_END = 0;
const OPTION_IF_TSRESOL = 9;
const OPTION_IF_TSOFFSET = 14;

interface Interface {
  linkType: number;
  /** 0 means no limit (§4.2). */
  snapLength: number;
  unitsPerSecond: number;
  offsetSeconds: number;
}

export class PcapngReader implements RecordReader {
  readonly format = 'pcapng';
  consumed = 0;
  private littleEndian = false;
  /** Interfaces of the current section, by Interface ID (§4.2: numbered from 0 in order of their IDBs). */
  private interfaces: Interface[] = [];
  private lastTs = 0;
  private readonly straddling = new StraddlingRecord();

  constructor(
    /** Bytes in the file when known (not for gzip): a block claiming more than remains is cut short. */
    private readonly knownLength: number | null,
    private readonly sink: RecordSink,
  ) {}

  push(chunk: Buffer): void {
    const position = this.readBlocksInPlace(chunk, this.straddling.heldLength > 0 ? this.completeStraddlingBlock(chunk) : 0);
    if (position === chunk.length) return;
    // The block that runs past the chunk's end is held for the next push.
    this.straddling.hold(chunk, position, this.blockLength(chunk, position));
  }

  end(): void {
    const held = this.straddling.heldLength;
    if (held === 0) return;
    const { length } = this.straddling;
    throw new CaptureDamage(this.consumed, length === null ? `block header cut short: ${held} bytes` : `block cut short: ${held} of ${length} bytes`);
  }

  /**
   * Blocks read where they lie in the chunk, from `position` on; returns where the first block not wholly in
   * the chunk starts. Nothing else happens in this loop (see PcapReader.readRecordsInPlace).
   */
  private readBlocksInPlace(buffer: Buffer, position: number): number {
    while (position < buffer.length) {
      const length = this.blockLength(buffer, position);
      if (length === null || length > buffer.length - position) return position;
      this.readBlock(buffer, position, length);
      position += length; // length >= 12: always advances
    }
    return position;
  }

  /** Adds the start of `chunk` to the block held from earlier chunks: at most 12 bytes tell its length, and every block has as many. */
  private completeStraddlingBlock(chunk: Buffer): number {
    return this.straddling.complete(
      chunk,
      SECTION_HEADER_PREFIX_BYTES,
      (prefix) => this.blockLength(prefix, 0),
      (block) => this.readBlock(block, 0, block.length),
    );
  }

  /** The validated total length of the block at `position`, or null when its prefix is not all there. */
  private blockLength(buffer: Buffer, position: number): number | null {
    const available = buffer.length - position;
    if (available < BLOCK_PREFIX_BYTES) return null;
    let littleEndian = this.littleEndian;
    // The SHB type reads the same in both byte orders; its own magic says how to read its length (§4.1).
    if (buffer.readUInt32BE(position) === BlockType.SectionHeader) {
      if (available < SECTION_HEADER_PREFIX_BYTES) return null;
      littleEndian = this.byteOrderOf(buffer, position);
    }
    const length = littleEndian ? buffer.readUInt32LE(position + 4) : buffer.readUInt32BE(position + 4);
    // §3.1: the total length counts the 12 framing bytes and is a multiple of 4.
    if (length < BLOCK_FRAMING_BYTES || length % 4 !== 0) {
      throw new CaptureDamage(this.consumed, `block total length ${length} is not a multiple of 4 of at least 12`);
    }
    if (length > MAX_RECORD_BYTES) {
      throw new CaptureDamage(this.consumed, `block total length ${length} exceeds the ${MAX_RECORD_BYTES}-byte limit`);
    }
    if (this.knownLength !== null && length > this.knownLength - this.consumed) {
      throw new CaptureDamage(
        this.consumed,
        `block cut short: ${this.knownLength - this.consumed} of ${length} bytes`,
      );
    }
    return length;
  }

  private byteOrderOf(buffer: Buffer, sectionHeader: number): boolean {
    const magic = buffer.readUInt32BE(sectionHeader + 8);
    if (magic === BYTE_ORDER_MAGIC) return false;
    if (magic === BYTE_ORDER_MAGIC_SWAPPED) return true;
    throw new CaptureDamage(
      this.consumed,
      `section header byte-order magic is 0x${magic.toString(16).padStart(8, '0')}, ` +
        'not 0x1a2b3c4d in either byte order',
    );
  }

  /** The block at `at` of `buffer`, `length` bytes long: its length already validated against the bytes present. */
  private readBlock(buffer: Buffer, at: number, length: number): void {
    // The SHB type is a palindrome, so it reads as itself in whatever byte order was in force.
    const type = this.u32(buffer, at);
    if (type === BlockType.SectionHeader) {
      this.littleEndian = this.byteOrderOf(buffer, at);
      this.interfaces = []; // §4.1: Interface IDs are local to their section
    }
    const trailing = this.u32(buffer, at + length - 4);
    if (trailing !== length) {
      throw new CaptureDamage(this.consumed, `trailing block length ${trailing} does not match the leading ${length}`);
    }
    const minimum = MINIMUM_LENGTH[type];
    if (minimum !== undefined && length < minimum) {
      throw new CaptureDamage(
        this.consumed,
        `block of type ${type} is ${length} bytes, below its ${minimum}-byte minimum`,
      );
    }
    switch (type) {
      case BlockType.SectionHeader:
        this.checkVersion(buffer, at);
        break;
      case BlockType.InterfaceDescription:
        this.interfaces.push(this.readInterfaceDescription(buffer, at, length));
        break;
      case BlockType.EnhancedPacket:
        this.readTimestampedPacket(buffer, at, length, this.u32(buffer, at + 8));
        break;
      case BlockType.Packet:
        this.readTimestampedPacket(buffer, at, length, this.u16(buffer, at + 8));
        break;
      case BlockType.SimplePacket:
        this.readSimplePacket(buffer, at, length);
        break;
      default:
        break; // NRB, ISB, DSB, custom and future blocks carry nothing we decode (§3.1: skip unknown blocks)
    }
    this.consumed += length;
  }

  /** §4.1: a reader must not read a section whose major version it does not know. */
  private checkVersion(buffer: Buffer, at: number): void {
    const major = this.u16(buffer, at + 12);
    if (major !== 1) throw new CaptureDamage(this.consumed, `section header has unsupported major version ${major}`);
  }

  /** §4.2: LinkType, Reserved, SnapLen, then options; only the timestamp options matter here. */
  private readInterfaceDescription(buffer: Buffer, at: number, length: number): Interface {
    const found: Interface = {
      linkType: this.u16(buffer, at + 8),
      snapLength: this.u32(buffer, at + 12),
      unitsPerSecond: 1e6, // if_tsresol absent: microseconds
      offsetSeconds: 0,
    };
    const end = at + length - 4;
    let position = at + 16;
    // §3.5: each option is code, length, value padded to 32 bits; a malformed list only loses the options.
    while (position + 4 <= end) {
      const code = this.u16(buffer, position);
      const valueLength = this.u16(buffer, position + 2);
      const value = position + 4;
      if (code === OPTION_END || value + valueLength > end) break;
      if (code === OPTION_IF_TSRESOL && valueLength >= 1) {
        // Most significant bit clear: a negative power of 10; set: a negative power of 2.
        const resolution = buffer[value];
        found.unitsPerSecond = resolution & 0x80 ? 2 ** (resolution & 0x7f) : 10 ** resolution;
      } else if (code === OPTION_IF_TSOFFSET && valueLength >= 8) {
        found.offsetSeconds = Number(this.littleEndian ? buffer.readBigInt64LE(value) : buffer.readBigInt64BE(value));
      }
      position = value + ((valueLength + 3) & ~3);
    }
    return found;
  }

  /**
   * EPB (§4.3) and the obsolete PB (Appendix A) share their layout from byte 12 on: timestamp high and
   * low words, captured length, original length, data.
   */
  private readTimestampedPacket(buffer: Buffer, at: number, length: number, interfaceId: number): void {
    const found = this.interfaceAt(interfaceId);
    const captured = this.u32(buffer, at + 20);
    const room = length - MINIMUM_LENGTH[BlockType.EnhancedPacket];
    if (captured > room) {
      throw new CaptureDamage(this.consumed, `captured length ${captured} exceeds the ${room} data bytes of its block`);
    }
    const ts =
      unitsToSeconds(this.u32(buffer, at + 12), this.u32(buffer, at + 16), found.unitsPerSecond) + found.offsetSeconds;
    this.lastTs = ts;
    this.sink(ts, found.linkType, buffer, at + 28, at + 28 + captured, this.u32(buffer, at + 24));
  }

  /**
   * §4.4: the SPB has no interface ID (it is interface 0), no captured length (the original length
   * capped by interface 0's snaplen) and no timestamp. Its packets take the last timestamp seen, so
   * merging and timelines keep them in place instead of at the epoch.
   */
  private readSimplePacket(buffer: Buffer, at: number, length: number): void {
    const found = this.interfaceAt(0);
    const original = this.u32(buffer, at + 8);
    const captured = found.snapLength === 0 ? original : Math.min(original, found.snapLength);
    const room = length - MINIMUM_LENGTH[BlockType.SimplePacket];
    if (captured > room) {
      throw new CaptureDamage(this.consumed, `captured length ${captured} exceeds the ${room} data bytes of its block`);
    }
    this.sink(this.lastTs, found.linkType, buffer, at + 12, at + 12 + captured, original);
  }

  private interfaceAt(id: number): Interface {
    const found = this.interfaces[id];
    if (found === undefined) {
      throw new CaptureDamage(
        this.consumed,
        `packet refers to interface ${id}, but its section has described ${this.interfaces.length}`,
      );
    }
    return found;
  }

  private u32(buffer: Buffer, offset: number): number {
    return readU32(buffer, offset, this.littleEndian);
  }

  private u16(buffer: Buffer, offset: number): number {
    return this.littleEndian ? buffer.readUInt16LE(offset) : buffer.readUInt16BE(offset);
  }
}
