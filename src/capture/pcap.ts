// Classic libpcap files (pcap-savefile(5); draft-ietf-opsawg-pcap): our own record reader, parsing records in
// place in the chunks read. (pcap-parser, used before, copied its leftover and each new chunk into a new
// buffer and fired three events per record: 2.6x the CPU of this reader on the 200 MB bench capture.)
import { CaptureDamage, HeldBytes, MAX_RECORD_BYTES, readU32, StraddlingRecord, type RecordReader, type RecordSink } from './record.js';

const FILE_HEADER_BYTES = 24;
const RECORD_HEADER_BYTES = 16;
const MICROSECOND_MAGIC = 0xa1b2c3d4;
const NANOSECOND_MAGIC = 0xa1b23c4d;
/** libpcap's sf-pcap.c refuses a caplen above the link type's maximum snaplen: 262144 for nearly all. */
const LIBPCAP_MAXIMUM_SNAPLEN = 262144;
/** The link type field's upper bits carry FCS information (LT_FCS_DATAWITHFCS); the type is the low 16. */
const LINKTYPE_MASK = 0xffff;

export interface PcapMagic {
  littleEndian: boolean;
  nanoseconds: boolean;
}

/** Recognizes the four magic numbers: micro- or nanosecond timestamps, written in either byte order. */
export function pcapMagic(head: Buffer): PcapMagic | null {
  const big = head.readUInt32BE(0);
  const little = head.readUInt32LE(0);
  if (big === MICROSECOND_MAGIC || big === NANOSECOND_MAGIC) {
    return { littleEndian: false, nanoseconds: big === NANOSECOND_MAGIC };
  }
  if (little === MICROSECOND_MAGIC || little === NANOSECOND_MAGIC) {
    return { littleEndian: true, nanoseconds: little === NANOSECOND_MAGIC };
  }
  return null;
}

export class PcapReader implements RecordReader {
  readonly format = 'pcap';
  consumed = 0;
  private readonly littleEndian: boolean;
  private readonly fractionsPerSecond: number;
  private linkType = 0;
  private maxCapturedLength = LIBPCAP_MAXIMUM_SNAPLEN;
  private headerRead = false;
  /** The file header while it straddles chunks. */
  private readonly fileHeader = new HeldBytes();
  private readonly straddling = new StraddlingRecord();

  constructor(
    magic: PcapMagic,
    /** Bytes in the file when known (not for gzip): a record claiming more than remains is cut short. */
    private readonly knownLength: number | null,
    private readonly sink: RecordSink,
  ) {
    this.littleEndian = magic.littleEndian;
    this.fractionsPerSecond = magic.nanoseconds ? 1e9 : 1e6;
  }

  push(chunk: Buffer): void {
    const from = !this.headerRead ? this.completeFileHeader(chunk) : this.straddling.heldLength > 0 ? this.completeStraddling(chunk) : 0;
    this.holdRest(chunk, this.readRecordsInPlace(chunk, from));
  }

  end(): void {
    if (!this.headerRead) {
      throw new CaptureDamage(0, `pcap file header cut short: ${this.fileHeader.length} of ${FILE_HEADER_BYTES} bytes`);
    }
    const held = this.straddling.heldLength;
    if (held === 0) return;
    const { length } = this.straddling;
    if (length !== null) {
      throw new CaptureDamage(
        this.consumed,
        `packet record cut short: ${held - RECORD_HEADER_BYTES} of ${length - RECORD_HEADER_BYTES} captured bytes`,
      );
    }
    throw new CaptureDamage(this.consumed, `packet record header cut short: ${held} of ${RECORD_HEADER_BYTES} bytes`);
  }

  /**
   * Records parsed where they lie in the chunk, from `position` on: no copy, one call per record. Returns
   * where the first record not wholly in the chunk starts. Nothing else happens in this loop: whatever
   * runs in it only at the chunk's end would first run after the optimizer compiled it, with the whole
   * per-packet pipeline inlined, and deoptimize all of it.
   */
  private readRecordsInPlace(buffer: Buffer, position: number): number {
    const length = buffer.length;
    while (length - position >= RECORD_HEADER_BYTES) {
      const recordLength = RECORD_HEADER_BYTES + this.capturedLength(buffer, position);
      if (recordLength > length - position) return position;
      this.readRecord(buffer, position, recordLength);
      position += recordLength; // >= 16: always advances
    }
    return position;
  }

  /** Holds the record that runs past the chunk's end, from `position`, for the next push. */
  private holdRest(chunk: Buffer, position: number): void {
    // Nothing left: a record still incomplete (its length known) stays as it is.
    if (position === chunk.length) return;
    const length = chunk.length - position >= RECORD_HEADER_BYTES ? RECORD_HEADER_BYTES + this.capturedLength(chunk, position) : null;
    this.straddling.hold(chunk, position, length);
  }

  /** Adds the start of `chunk` to the file header; returns where the chunk's records start (its length while the header is incomplete). */
  private completeFileHeader(chunk: Buffer): number {
    const held = this.fileHeader;
    const used = held.take(chunk, 0, FILE_HEADER_BYTES - held.length);
    if (held.length < FILE_HEADER_BYTES) return chunk.length;
    this.readFileHeader(held.release());
    return used;
  }

  /** Adds the start of `chunk` to the record held from earlier chunks (its 16-byte header tells its length). */
  private completeStraddling(chunk: Buffer): number {
    return this.straddling.complete(
      chunk,
      RECORD_HEADER_BYTES,
      (prefix) => (prefix.length < RECORD_HEADER_BYTES ? null : RECORD_HEADER_BYTES + this.capturedLength(prefix, 0)),
      (record) => this.readRecord(record, 0, record.length),
    );
  }

  private u32(buffer: Buffer, at: number): number {
    return readU32(buffer, at, this.littleEndian);
  }

  /** pcap-savefile(5): magic, major and minor version, thiszone, sigfigs, snaplen, linktype. */
  private readFileHeader(header: Buffer): void {
    const major = this.littleEndian ? header.readUInt16LE(4) : header.readUInt16BE(4);
    const minor = this.littleEndian ? header.readUInt16LE(6) : header.readUInt16BE(6);
    // Only 2.4 has ever been written since 1998; older minors (2.3) share its layout, so only a file that
    // matches neither number is refused.
    if (major !== 2 && minor !== 4) throw new CaptureDamage(4, `unsupported pcap version ${major}.${minor} (expected 2.4)`);
    this.headerRead = true;
    this.consumed = FILE_HEADER_BYTES;
    this.linkType = this.u32(header, 20) & LINKTYPE_MASK;
    // A file may declare a larger snaplen than libpcap's usual maximum (e.g. for D-Bus); never above ours.
    this.maxCapturedLength = Math.min(MAX_RECORD_BYTES, Math.max(LIBPCAP_MAXIMUM_SNAPLEN, this.u32(header, 16)));
  }

  /** The record header's captured length, checked before any of the record's data is waited for. */
  private capturedLength(buffer: Buffer, at: number): number {
    const captured = this.u32(buffer, at + 8);
    if (captured > this.maxCapturedLength) {
      throw new CaptureDamage(
        this.consumed,
        `packet record claims ${captured} captured bytes, more than the ${this.maxCapturedLength} a record may hold`,
      );
    }
    const end = this.consumed + RECORD_HEADER_BYTES + captured;
    if (this.knownLength !== null && end > this.knownLength) {
      const present = this.knownLength - this.consumed - RECORD_HEADER_BYTES;
      throw new CaptureDamage(this.consumed, `packet record cut short: ${present} of ${captured} captured bytes`);
    }
    return captured;
  }

  /** Record header: ts_sec, ts_usec (or ts_nsec), incl_len, orig_len. */
  private readRecord(buffer: Buffer, at: number, length: number): void {
    const seconds = this.u32(buffer, at);
    const fraction = this.u32(buffer, at + 4);
    const perSecond = this.fractionsPerSecond;
    const units = seconds * perSecond + fraction;
    // Exact below 2^53 (always for microseconds): then a single division rounds once.
    const ts = units <= Number.MAX_SAFE_INTEGER ? units / perSecond : seconds + fraction / perSecond;
    this.consumed += length;
    this.sink(ts, this.linkType, buffer, at + RECORD_HEADER_BYTES, at + length, this.u32(buffer, at + 12));
  }
}
