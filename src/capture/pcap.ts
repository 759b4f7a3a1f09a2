// Classic libpcap files (pcap-savefile(5); draft-ietf-opsawg-pcap), framed by the pcap-parser package.
import { EventEmitter } from 'node:events';
import { parse, type GlobalHeader, type PacketHeader } from 'pcap-parser';
import { CaptureDamage, MAX_RECORD_BYTES, type RecordReader, type RecordSink } from './record.js';

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

/**
 * pcap-parser reads from a stream and parses synchronously inside each 'data' event. This input hands it
 * our chunks directly: flow control belongs to the pull loop of the file layer, so pause/resume, which
 * pcap-parser calls once at start-up, have nothing to do.
 */
class ChunkInput extends EventEmitter {
  pause(): void {}
  resume(): void {}
}

export class PcapReader implements RecordReader {
  readonly format = 'pcap';
  consumed = 0;
  private fed = 0;
  private readonly input = new ChunkInput();
  private readonly fractionsPerSecond: number;
  /**
   * pcap-parser accepts only the microsecond magic. The nanosecond variant has the same layout, so it is
   * shown the microsecond magic in the same byte order and the fraction is scaled here instead.
   */
  private magicStandIn: Buffer | null;
  private linkType = 0;
  private maxCapturedLength = LIBPCAP_MAXIMUM_SNAPLEN;
  private pendingCapturedLength = 0;

  constructor(
    magic: PcapMagic,
    /** Bytes in the file when known (not for gzip): a record claiming more than remains is cut short. */
    private readonly knownLength: number | null,
    private readonly sink: RecordSink,
  ) {
    this.fractionsPerSecond = magic.nanoseconds ? 1e9 : 1e6;
    this.magicStandIn = magic.nanoseconds ? Buffer.alloc(4) : null;
    if (this.magicStandIn) {
      if (magic.littleEndian) this.magicStandIn.writeUInt32LE(MICROSECOND_MAGIC);
      else this.magicStandIn.writeUInt32BE(MICROSECOND_MAGIC);
    }
    const parser = parse(this.input);
    parser.on('globalHeader', (header) => this.onFileHeader(header));
    parser.on('packetHeader', (header) => this.checkRecordHeader(header));
    parser.on('packet', ({ header, data }) => this.onRecord(header, data));
    // Its only error past the magic check (done before it is created) is an unsupported version.
    parser.on('error', (error) => {
      throw new CaptureDamage(4, error.message);
    });
  }

  /** The first chunk must hold at least the 4 magic bytes (the file layer sniffed them from it). */
  push(chunk: Buffer): void {
    this.fed += chunk.length;
    const standIn = this.magicStandIn;
    if (standIn) {
      this.magicStandIn = null;
      this.input.emit('data', standIn);
      this.input.emit('data', chunk.subarray(standIn.length));
    } else {
      this.input.emit('data', chunk);
    }
  }

  end(): void {
    const left = this.fed - this.consumed;
    if (this.consumed === 0) {
      throw new CaptureDamage(0, `pcap file header cut short: ${this.fed} of ${FILE_HEADER_BYTES} bytes`);
    }
    if (left >= RECORD_HEADER_BYTES) {
      throw new CaptureDamage(
        this.consumed,
        `packet record cut short: ${left - RECORD_HEADER_BYTES} of ${this.pendingCapturedLength} captured bytes`,
      );
    }
    if (left > 0) {
      throw new CaptureDamage(this.consumed, `packet record header cut short: ${left} of ${RECORD_HEADER_BYTES} bytes`);
    }
  }

  private onFileHeader(header: GlobalHeader): void {
    this.consumed = FILE_HEADER_BYTES;
    this.linkType = header.linkLayerType & LINKTYPE_MASK;
    // A file may declare a larger snaplen than libpcap's usual maximum (e.g. for D-Bus); never above ours.
    this.maxCapturedLength = Math.min(MAX_RECORD_BYTES, Math.max(LIBPCAP_MAXIMUM_SNAPLEN, header.snapshotLength));
  }

  /** Runs before pcap-parser waits for the record's data, so a corrupt length never makes it buffer. */
  private checkRecordHeader(header: PacketHeader): void {
    const captured = header.capturedLength;
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
    this.pendingCapturedLength = captured;
  }

  private onRecord(header: PacketHeader, data: Buffer): void {
    const seconds = header.timestampSeconds;
    const fraction = header.timestampMicroseconds;
    const perSecond = this.fractionsPerSecond;
    const units = seconds * perSecond + fraction;
    // Exact below 2^53 (always for microseconds): then a single division rounds once.
    const ts = units <= Number.MAX_SAFE_INTEGER ? units / perSecond : seconds + fraction / perSecond;
    this.consumed += RECORD_HEADER_BYTES + data.length;
    this.sink(ts, this.linkType, data, header.originalLength);
  }
}
