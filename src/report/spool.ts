import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaptureModel, ConnectionModel } from '../analysis/index.js';
import { buildReport, connectionJson, type ReportDocument, type ReportOptions } from './json.js';
import { lazyArray, WrittenJson, writeJsonAt, type LazyArray } from './stream.js';
import { PIECE_BYTES, SafeJsonBytes, writeBytes } from './text-file.js';

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
 * after which its frames are dropped) and kept in a temporary file, as UTF-8 made terminal-safe
 * (terminalSafeJson); `document` gives the report with those bytes read back in id order, one piece at a time,
 * as writeJson writes it. The text is the same, byte for byte, as terminalSafeJson of writeJson(buildReport(...))
 * of the whole model.
 */
export class ReportSpool {
  private readonly directory: string;
  private readonly fd: number;
  private readonly entries: Entry[] = [];
  /** Bytes in the file. */
  private written = 0;
  /** Connections' text on its way to the file. */
  private readonly text: SafeJsonBytes;
  /** Where bytes are read back into (one buffer for every read). */
  private readonly readBuffer: Buffer;

  constructor(
    private readonly options: ReportOptions,
    /** Bytes per write and read (tests make it tiny to split characters). */
    pieceBytes = PIECE_BYTES,
  ) {
    this.directory = mkdtempSync(join(tmpdir(), 'wsdissect-report-'));
    this.fd = openSync(join(this.directory, 'connections.json'), 'w+');
    this.text = new SafeJsonBytes((bytes) => this.store(bytes), pieceBytes);
    this.readBuffer = Buffer.allocUnsafe(pieceBytes);
  }

  /** An ended connection, if the report lists it. */
  connection(connection: ConnectionModel): void {
    if (!this.options.allTcp && !connection.isWebSocket) return;
    const start = this.text.length;
    writeJsonAt(connectionJson(connection, this.options.payload), CONNECTION_DEPTH, (text) => this.text.write(text));
    this.entries.push({ id: connection.id, start, length: this.text.length - start });
  }

  /** The report of the capture whose connections have ended and been spooled, for writeJson. */
  document(model: Omit<CaptureModel, 'connections'>): SpooledDocument {
    this.text.flush();
    const entries = [...this.entries].sort((a, b) => a.id - b.id);
    const report = buildReport({ ...model, connections: [] }, this.options);
    return { ...report, connections: lazyArray(entries, (entry) => new WrittenJson(() => this.read(entry))) };
  }

  /** Deletes the temporary file. */
  close(): void {
    closeSync(this.fd);
    rmSync(this.directory, { recursive: true, force: true });
  }

  private store(bytes: Buffer): void {
    writeBytes(this.fd, bytes, this.written);
    this.written += bytes.length;
  }

  /** One connection's bytes, in pieces (each valid until the next is read). */
  private *read(entry: Entry): Iterable<Buffer> {
    const buffer = this.readBuffer;
    for (let done = 0; done < entry.length; ) {
      const count = readSync(this.fd, buffer, 0, Math.min(buffer.length, entry.length - done), entry.start + done);
      if (count === 0) throw new Error('report spool: the temporary file ended early');
      done += count;
      yield buffer.subarray(0, count);
    }
  }
}
