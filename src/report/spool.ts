import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { CaptureModel, ConnectionModel } from '../analysis/index.js';
import { buildReport, connectionJson, type ReportDocument, type ReportOptions } from './json.js';
import { lazyArray, WrittenJson, writeJsonAt, type LazyArray } from './stream.js';
import { writeText } from './text-file.js';

/**
 * Spooled text is written to the file, and read back, in pieces of about this many bytes: small enough that
 * no piece is a string in V8's large-object space, which only a full GC frees (1 MiB pieces made the report's
 * writing phase grow by 80 MB on a 2 GB capture).
 */
const PIECE_BYTES = 32 << 10;
/** The report's connections are items of a list inside the top-level object: two levels deep. */
const CONNECTION_DEPTH = 2;

interface Entry {
  id: number;
  start: number;
  length: number;
}

export type SpooledDocument = Omit<ReportDocument, 'connections'> & { connections: LazyArray<Entry, WrittenJson> };

/**
 * The JSON report in flat memory. It lists connections by id and opens with the packet count, so it can only
 * be written once the capture is read, and holding every connection's frames until then made memory grow with
 * the capture. Instead each connection's JSON text is made as the connection ends (analysis onConnectionEnd,
 * after which its frames are dropped) and kept in a temporary file; `document` gives the report with those
 * texts read back in id order, one piece at a time, as writeJson writes it. The text is the same, byte for
 * byte, as writeJson(buildReport(...)) of the whole model.
 */
export class ReportSpool {
  private readonly directory: string;
  private readonly fd: number;
  private readonly entries: Entry[] = [];
  private written = 0;
  private pending = '';
  private pendingBytes = 0;
  /** Where text is read back into (one buffer for every read). */
  private readonly readBuffer: Buffer;

  constructor(
    private readonly options: ReportOptions,
    /** Bytes per write and read (tests make it tiny to split characters). */
    private readonly pieceBytes = PIECE_BYTES,
  ) {
    this.directory = mkdtempSync(join(tmpdir(), 'wsdissect-report-'));
    this.fd = openSync(join(this.directory, 'connections.json'), 'w+');
    this.readBuffer = Buffer.allocUnsafe(pieceBytes);
  }

  /** An ended connection, if the report lists it. */
  connection(connection: ConnectionModel): void {
    if (!this.options.allTcp && !connection.isWebSocket) return;
    const start = this.written + this.pendingBytes;
    writeJsonAt(connectionJson(connection, this.options.payload), CONNECTION_DEPTH, (text) => this.append(text));
    this.entries.push({ id: connection.id, start, length: this.written + this.pendingBytes - start });
  }

  /** The report of `model` (whose connections have ended and been spooled), for writeJson. */
  document(model: CaptureModel): SpooledDocument {
    this.flush();
    const entries = [...this.entries].sort((a, b) => a.id - b.id);
    const report = buildReport({ ...model, connections: [] }, this.options);
    return { ...report, connections: lazyArray(entries, (entry) => new WrittenJson(() => this.read(entry))) };
  }

  /** Deletes the temporary file. */
  close(): void {
    closeSync(this.fd);
    rmSync(this.directory, { recursive: true, force: true });
  }

  private append(text: string): void {
    this.pending += text;
    this.pendingBytes += Buffer.byteLength(text, 'utf8');
    if (this.pendingBytes >= this.pieceBytes) this.flush();
  }

  private flush(): void {
    if (this.pendingBytes === 0) return;
    this.written += writeText(this.fd, this.pending, this.written);
    this.pending = '';
    this.pendingBytes = 0;
  }

  /** One connection's text, in pieces; a character split between two reads is held back for the next. */
  private *read(entry: Entry): Iterable<string> {
    const decoder = new StringDecoder('utf8');
    const buffer = this.readBuffer;
    for (let done = 0; done < entry.length; ) {
      const count = readSync(this.fd, buffer, 0, Math.min(buffer.length, entry.length - done), entry.start + done);
      if (count === 0) throw new Error('report spool: the temporary file ended early');
      done += count;
      yield decoder.write(buffer.subarray(0, count));
    }
    yield decoder.end();
  }
}
