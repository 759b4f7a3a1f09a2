// One capture file on disk: open it, tell gzip/pcap/pcapng apart by their magic, and pull it chunk by
// chunk through its format reader.
import { closeSync, createReadStream, fstatSync, openSync, read, readSync, type ReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { PcapReader, pcapMagic } from './pcap.js';
import { PcapngReader } from './pcapng.js';
import { CaptureDamage, type RecordReader, type RecordSink } from './record.js';
import { CaptureError, type CaptureSummary } from './types.js';

const GZIP_MAGIC = [0x1f, 0x8b]; // RFC 1952 §2.3.1: ID1, ID2
const PCAPNG_MAGIC = 0x0a0d0d0a; // draft-ietf-opsawg-pcapng §4.1: the SHB block type
const MAGIC_BYTES = 4;
const ACCEPTED = 'pcap, pcapng, or either gzip-compressed';

/** Where a file's (decompressed) bytes come from, chunk by chunk. */
interface ChunkSource {
  /** Bytes of the file on disk read so far. */
  readonly rawBytesRead: number;
  /** The next chunk, valid until the next call; null at the end. Rejects when the file cannot be read. */
  next(): Promise<Buffer | null>;
  close(): void;
}

/**
 * An uncompressed file, read into two buffers in turn: while the reader parses one chunk, the next one is
 * read into the other buffer on the thread pool. No allocation per chunk (a fresh 1 MiB buffer per chunk,
 * page faults and all, cost a quarter of the time to read the bench capture), the copy from the page cache
 * or the disk overlaps the parsing, and awaiting each read gives the event loop its turn (the TUI's keys,
 * progress redraws).
 */
class FileChunks implements ChunkSource {
  rawBytesRead = 0;
  private readonly buffers: [Buffer, Buffer];
  /** The buffer the pending read fills. */
  private filling: 0 | 1 = 0;
  /** The read of the next chunk, started before the current one is parsed; null once the end was read. */
  private pending: Promise<number> | null;
  private fd: number | null;

  constructor(fd: number, chunkBytes: number) {
    this.fd = fd;
    this.buffers = [Buffer.allocUnsafe(chunkBytes), Buffer.allocUnsafe(chunkBytes)];
    this.pending = this.readAhead(fd);
  }

  async next(): Promise<Buffer | null> {
    if (this.pending === null) return null;
    const count = await this.pending;
    this.rawBytesRead += count;
    // The end of the file, or closed meanwhile.
    if (count === 0 || this.fd === null) {
      this.pending = null;
      return null;
    }
    const chunk = this.buffers[this.filling].subarray(0, count);
    // The other buffer held the chunk before this one, which is done with by now.
    this.filling = this.filling === 0 ? 1 : 0;
    this.pending = this.readAhead(this.fd);
    return chunk;
  }

  close(): void {
    const fd = this.fd;
    if (fd === null) return;
    this.fd = null;
    // A read still in flight on the thread pool uses the descriptor: it is closed once that read is over.
    if (this.pending === null) closeSync(fd);
    else this.pending.then(() => closeSync(fd), () => closeSync(fd));
    this.pending = null;
  }

  private readAhead(fd: number): Promise<number> {
    const buffer = this.buffers[this.filling];
    const ahead = new Promise<number>((resolve, reject) =>
      read(fd, buffer, 0, buffer.length, this.rawBytesRead, (error, count) => (error ? reject(error) : resolve(count))),
    );
    // A failed read ahead is reported when its chunk is asked for, or not at all once the file is closed.
    ahead.catch(() => {});
    return ahead;
  }
}

/** A gzip-compressed file, inflated by a stream as it is read. */
class GzipChunks implements ChunkSource {
  private readonly raw: ReadStream;
  private readonly stream: Readable;
  private readonly chunks: AsyncIterator<Buffer>;

  constructor(path: string, fd: number, chunkBytes: number) {
    this.raw = createReadStream(path, { fd, start: 0, highWaterMark: chunkBytes });
    // pipeline() passes a read error of the file on to the gunzip stream, whose iterator throws it.
    this.stream = pipeline(this.raw, createGunzip({ chunkSize: chunkBytes }), () => {});
    this.chunks = this.stream[Symbol.asyncIterator]();
  }

  get rawBytesRead(): number {
    return this.raw.bytesRead;
  }

  async next(): Promise<Buffer | null> {
    const next = await this.chunks.next();
    return next.done ? null : next.value;
  }

  close(): void {
    this.stream.destroy();
    this.raw.destroy();
  }
}

export class CaptureFile {
  error: CaptureError | null = null;
  private rawBytesReported = 0;
  private done = false;

  private constructor(
    readonly path: string,
    readonly gzip: boolean,
    /** Bytes of the file on disk. */
    readonly size: number,
    private readonly source: ChunkSource,
    /** The first (decompressed) bytes, read to identify the format: the reader gets them first. */
    private head: Buffer | null,
    private readonly reader: RecordReader,
    /** Called with how many more bytes of the file on disk were read. */
    private readonly onRawBytes: (count: number) => void,
  ) {
    this.reportRawBytes();
  }

  /**
   * Opens `path` and identifies its format; resolves to the error instead when it is no capture or
   * cannot be read. `sink` receives every packet the later pulls decode.
   */
  static async open(
    path: string,
    sink: RecordSink,
    chunkBytes: number,
    onRawBytes: (count: number) => void,
  ): Promise<CaptureFile | CaptureError> {
    let fd: number | null = null;
    let source: ChunkSource | undefined;
    try {
      fd = openSync(path, 'r');
      const { size } = fstatSync(fd);
      const magic = Buffer.alloc(MAGIC_BYTES);
      const bytesRead = readSync(fd, magic, 0, MAGIC_BYTES, 0);
      if (bytesRead === 0) return new CaptureError('not-capture', path, 0, `${path}: empty file, expected ${ACCEPTED}`);
      const gzip = bytesRead >= 2 && magic[0] === GZIP_MAGIC[0] && magic[1] === GZIP_MAGIC[1];
      source = gzip ? new GzipChunks(path, fd, chunkBytes) : new FileChunks(fd, chunkBytes);
      fd = null; // the source closes it
      const head = await readHead(path, source, gzip);
      if (head instanceof CaptureError) {
        source.close();
        return head;
      }
      // Not gzip: the file size tells up front when a record claims more bytes than remain.
      const knownLength = gzip ? null : size;
      const pcap = pcapMagic(head);
      const reader = pcap ? new PcapReader(pcap, knownLength, sink) : new PcapngReader(knownLength, sink);
      return new CaptureFile(path, gzip, size, source, head, reader, onRawBytes);
    } catch (error) {
      source?.close();
      return new CaptureError('unreadable', path, null, `${path}: cannot read: ${messageOf(error)}`);
    } finally {
      if (fd !== null) closeSync(fd);
    }
  }

  /** `delivered` counts the packets that reached the caller (in a merge, fewer than were read). */
  summary(delivered: Tally): CaptureSummary {
    return {
      file: this.path,
      format: this.reader.format,
      gzip: this.gzip,
      packets: delivered.packets,
      linkTypes: delivered.linkTypes,
      bytesRead: this.reader.consumed,
    };
  }

  /**
   * Reads and decodes the next chunk; its packets reach the sink before this resolves. Resolves false
   * once the file is done: read to the end, or stopped at `error`.
   */
  async pull(): Promise<boolean> {
    if (this.done) return false;
    let chunk = this.head;
    this.head = null;
    if (chunk === null) {
      try {
        chunk = await this.source.next();
      } catch (error) {
        return this.stop(streamError(this.path, error, this.reader.consumed));
      }
      this.reportRawBytes();
      if (chunk === null) {
        try {
          this.reader.end();
        } catch (error) {
          return this.stop(this.damage(error));
        }
        return this.stop(null);
      }
    }
    try {
      this.reader.push(chunk);
    } catch (error) {
      return this.stop(this.damage(error));
    }
    return true;
  }

  close(): void {
    this.source.close();
  }

  private stop(error: CaptureError | null): false {
    this.error = error;
    this.done = true;
    if (error) this.close();
    return false;
  }

  private reportRawBytes(): void {
    const delta = this.source.rawBytesRead - this.rawBytesReported;
    this.rawBytesReported = this.source.rawBytesRead;
    if (delta > 0) this.onRawBytes(delta);
  }

  /** Reader damage becomes a CaptureError naming the file; anything else (a sink that threw) is not ours. */
  private damage(error: unknown): CaptureError {
    if (!(error instanceof CaptureDamage)) throw error;
    return new CaptureError(
      'damaged',
      this.path,
      error.offset,
      `${this.path}: damaged at byte ${error.offset}${this.gzip ? ' of the decompressed capture' : ''}: ` +
        error.message,
    );
  }
}

/**
 * Reads the first chunk (several only when a gzip stream starts with tiny ones) and checks that it
 * starts with a pcap or pcapng magic.
 */
async function readHead(path: string, source: ChunkSource, gzip: boolean): Promise<Buffer | CaptureError> {
  let head: Buffer = Buffer.alloc(0);
  do {
    let next: Buffer | null;
    try {
      next = await source.next();
    } catch (error) {
      return streamError(path, error, 0);
    }
    if (next === null) break;
    // A chunk is valid until the next one is read: a head too short to tell the format is kept as a copy.
    head = head.length === 0 && next.length >= MAGIC_BYTES ? next : Buffer.concat([head, next]);
  } while (head.length < MAGIC_BYTES);
  if (head.length === 0) {
    return new CaptureError('not-capture', path, 0, `${path}: gzip-compressed empty file, expected ${ACCEPTED}`);
  }
  if (head.length >= MAGIC_BYTES && (head.readUInt32BE(0) === PCAPNG_MAGIC || pcapMagic(head))) return head;
  const bytes = head.subarray(0, MAGIC_BYTES).toString('hex').replace(/(..)(?!$)/g, '$1 ');
  const what = gzip ? 'gzip-compressed, but the content is not a capture' : 'not a capture file';
  return new CaptureError('not-capture', path, 0, `${path}: ${what} (starts with ${bytes}); expected ${ACCEPTED}`);
}

/** zlib errors mean the compressed data is cut or corrupt; any other stream error is a failed read. */
function streamError(path: string, error: unknown, at: number): CaptureError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && code.startsWith('Z_')) {
    const what = code === 'Z_BUF_ERROR' ? 'cut short' : 'corrupt';
    return new CaptureError(
      'damaged',
      path,
      at,
      `${path}: damaged at byte ${at} of the decompressed capture: gzip data ${what} (${messageOf(error)})`,
    );
  }
  return new CaptureError('unreadable', path, at, `${path}: cannot read at byte ${at}: ${messageOf(error)}`);
}

/** Packets and link types delivered from one file. */
export class Tally {
  packets = 0;
  private lastLinkType = -1;
  private readonly seen = new Set<number>();

  count(linkType: number): void {
    this.packets++;
    if (linkType !== this.lastLinkType) {
      this.lastLinkType = linkType;
      this.seen.add(linkType);
    }
  }

  get linkTypes(): number[] {
    return [...this.seen].sort((a, b) => a - b);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
