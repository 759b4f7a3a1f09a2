// One capture file on disk: open it, tell gzip/pcap/pcapng apart by their magic, and pull it chunk by
// chunk through its format reader.
import { open, type FileHandle } from 'node:fs/promises';
import type { ReadStream } from 'node:fs';
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

export class CaptureFile {
  error: CaptureError | null = null;
  private rawBytesReported = 0;
  private done = false;

  private constructor(
    readonly path: string,
    readonly gzip: boolean,
    /** Bytes of the file on disk. */
    readonly size: number,
    private readonly raw: ReadStream,
    private readonly stream: Readable,
    private readonly chunks: AsyncIterator<Buffer>,
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
    let handle: FileHandle | undefined;
    let stream: Readable | undefined;
    try {
      handle = await open(path, 'r');
      const { size } = await handle.stat();
      const magic = Buffer.alloc(MAGIC_BYTES);
      const { bytesRead } = await handle.read(magic, 0, MAGIC_BYTES, 0);
      if (bytesRead === 0) return new CaptureError('not-capture', path, 0, `${path}: empty file, expected ${ACCEPTED}`);
      const gzip = bytesRead >= 2 && magic[0] === GZIP_MAGIC[0] && magic[1] === GZIP_MAGIC[1];
      const raw = handle.createReadStream({ start: 0, highWaterMark: chunkBytes });
      handle = undefined; // the stream closes it
      // pipeline() passes a read error of the file on to the gunzip stream, whose iterator throws it.
      stream = gzip ? pipeline(raw, createGunzip({ chunkSize: chunkBytes }), () => {}) : raw;
      const chunks = stream[Symbol.asyncIterator]();
      const head = await readHead(path, chunks, gzip);
      if (head instanceof CaptureError) {
        stream.destroy();
        return head;
      }
      // Not gzip: the file size tells up front when a record claims more bytes than remain.
      const knownLength = gzip ? null : size;
      const pcap = pcapMagic(head);
      const reader = pcap ? new PcapReader(pcap, knownLength, sink) : new PcapngReader(knownLength, sink);
      return new CaptureFile(path, gzip, size, raw, stream, chunks, head, reader, onRawBytes);
    } catch (error) {
      stream?.destroy();
      return new CaptureError('unreadable', path, null, `${path}: cannot read: ${messageOf(error)}`);
    } finally {
      await handle?.close();
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
      let next: IteratorResult<Buffer>;
      try {
        next = await this.chunks.next();
      } catch (error) {
        return this.stop(streamError(this.path, error, this.reader.consumed));
      }
      this.reportRawBytes();
      if (next.done) {
        try {
          this.reader.end();
        } catch (error) {
          return this.stop(this.damage(error));
        }
        return this.stop(null);
      }
      chunk = next.value;
    }
    try {
      this.reader.push(chunk);
    } catch (error) {
      return this.stop(this.damage(error));
    }
    return true;
  }

  close(): void {
    this.stream.destroy();
    this.raw.destroy();
  }

  private stop(error: CaptureError | null): false {
    this.error = error;
    this.done = true;
    if (error) this.close();
    return false;
  }

  private reportRawBytes(): void {
    const delta = this.raw.bytesRead - this.rawBytesReported;
    this.rawBytesReported = this.raw.bytesRead;
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
async function readHead(path: string, chunks: AsyncIterator<Buffer>, gzip: boolean): Promise<Buffer | CaptureError> {
  let head: Buffer = Buffer.alloc(0);
  do {
    let next: IteratorResult<Buffer>;
    try {
      next = await chunks.next();
    } catch (error) {
      return streamError(path, error, 0);
    }
    if (next.done) break;
    head = head.length === 0 ? next.value : Buffer.concat([head, next.value]);
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
