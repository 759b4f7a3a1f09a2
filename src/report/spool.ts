import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaptureModel, ConnectionModel } from '../analysis/index.js';
import { buildReport, connectionJson, type ReportDocument, type ReportOptions } from './json.js';
import { lazyArray, WrittenJson, writeJsonAt, type LazyArray } from './stream.js';
import { PIECE_BYTES, SafeJsonBytes, writeBytes } from './text-file.js';

/** The report's connections are items of a list inside the top-level object: two levels deep. */
const CONNECTION_DEPTH = 2;

/** One connection's JSON text in a spool file. */
export interface SpoolEntry {
  id: number;
  /** Which file of the spool (SpoolWriter's `file`). */
  file: number;
  start: number;
  length: number;
}

export type SpooledDocument = Omit<ReportDocument, 'connections'> & { connections: LazyArray<SpoolEntry, WrittenJson> };

const spoolFileName = (file: number) => `connections-${file}.json`;

/**
 * Writes connections' JSON text, as UTF-8 made terminal-safe (terminalSafeJson), to one file of a spool's
 * directory. Each analysis running side by side (cli/parallel.ts) writes its own file, and hands the main
 * thread's ReportSpool only the entries.
 */
export class SpoolWriter {
  private readonly fd: number;
  /** Bytes in the file. */
  private written = 0;
  /** Connections' text on its way to the file. */
  private readonly text: SafeJsonBytes;

  constructor(
    directory: string,
    /** This writer's number in the spool: its entries name it. */
    readonly file: number,
    private readonly options: ReportOptions,
    /** Bytes per write (tests make it tiny to split characters). */
    pieceBytes = PIECE_BYTES,
  ) {
    this.fd = openSync(join(directory, spoolFileName(file)), 'w');
    this.text = new SafeJsonBytes((bytes) => this.store(bytes), pieceBytes);
  }

  /** An ended connection's JSON text, if the report lists it. */
  connection(connection: ConnectionModel): SpoolEntry | null {
    if (!this.options.allTcp && !connection.isWebSocket) return null;
    const start = this.text.length;
    writeJsonAt(connectionJson(connection, this.options.payload), CONNECTION_DEPTH, (text) => this.text.write(text));
    return { id: connection.id, file: this.file, start, length: this.text.length - start };
  }

  /** Writes out what is held and closes the file: its entries can be read back from then on. */
  finish(): void {
    this.text.flush();
    closeSync(this.fd);
  }

  private store(bytes: Buffer): void {
    writeBytes(this.fd, bytes, this.written);
    this.written += bytes.length;
  }
}

/**
 * The JSON report in flat memory. It lists connections by id and opens with the packet count, so it can only
 * be written once the capture is read, and holding every connection's frames until then made memory grow with
 * the capture. Instead each connection's JSON text is made as the connection ends (analysis onConnectionEnd,
 * after which its frames are dropped) and kept in a temporary file by a SpoolWriter of the spool's directory
 * (one per thread), which hands back an entry; `document` gives the report with the entries' bytes read back in
 * id order, one piece at a time, as writeJson writes it. The text is the same, byte for byte, as
 * terminalSafeJson of writeJson(buildReport(...)) of the whole model.
 */
export class ReportSpool {
  readonly directory: string;
  private readonly entries: SpoolEntry[] = [];
  /** The spool's files opened for reading back, by number. */
  private readonly readers = new Map<number, number>();
  /** Where bytes are read back into (one buffer for every read). */
  private readonly readBuffer: Buffer;

  constructor(
    private readonly options: ReportOptions,
    /** Bytes per read (tests make it tiny to split characters). */
    pieceBytes = PIECE_BYTES,
  ) {
    this.directory = mkdtempSync(join(tmpdir(), 'wsdissect-report-'));
    this.readBuffer = Buffer.allocUnsafe(pieceBytes);
  }

  /** A connection a SpoolWriter of this spool's directory wrote. */
  add(entry: SpoolEntry): void {
    this.entries.push(entry);
  }

  /** The report of the capture, for writeJson, once every writer of the spool has finished. */
  document(model: Omit<CaptureModel, 'connections'>): SpooledDocument {
    const entries = [...this.entries].sort((a, b) => a.id - b.id);
    const report = buildReport({ ...model, connections: [] }, this.options);
    return { ...report, connections: lazyArray(entries, (entry) => new WrittenJson(() => this.read(entry))) };
  }

  /** Deletes the temporary files. */
  close(): void {
    for (const fd of this.readers.values()) closeSync(fd);
    rmSync(this.directory, { recursive: true, force: true });
  }

  /** One connection's bytes, in pieces (each valid until the next is read). */
  private *read(entry: SpoolEntry): Iterable<Buffer> {
    let fd = this.readers.get(entry.file);
    if (fd === undefined) {
      fd = openSync(join(this.directory, spoolFileName(entry.file)), 'r');
      this.readers.set(entry.file, fd);
    }
    const buffer = this.readBuffer;
    for (let done = 0; done < entry.length; ) {
      const count = readSync(fd, buffer, 0, Math.min(buffer.length, entry.length - done), entry.start + done);
      if (count === 0) throw new Error('report spool: the temporary file ended early');
      done += count;
      yield buffer.subarray(0, count);
    }
  }
}
