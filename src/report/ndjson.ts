import type { CaptureOverview, ConnectionModel } from '../analysis/index.js';
import type { Finding } from '../findings/index.js';
import { connectionJson, SCHEMA_VERSION, type ReportOptions } from './json.js';
import { writeJsonLine } from './stream.js';

/**
 * The report as NDJSON (docs/ndjson.md): one JSON object per line, written while the capture is read. A
 * connection's records go out as soon as it ends (analysis onConnectionEnd), after which the analysis drops
 * its frames, so memory stays flat however large the capture. Connections therefore come in the order they
 * end, not by id. Records, each with its `type`:
 *
 *   capture     {schemaVersion, tool, files}                           first
 *   connection  {connection: the JSON report's connection without its frames, messages, events, findings}
 *   frame       {connection: id, frame}        \
 *   message     {connection: id, message}       | after their connection's record, in this order
 *   event       {connection: id, event}         |
 *   finding     {connection: id, finding}      /  (capture findings: connection null, before `end`)
 *   end         {capture: the JSON report's capture block}              last
 *
 * The items are the JSON report's own (same payload modes), so the records reassemble into it.
 */
export class NdjsonReport {
  private started = false;

  constructor(
    /** Receives the text, whole lines at a time. */
    private readonly write: (text: string) => void,
    private readonly options: ReportOptions,
    private readonly files: string[],
  ) {}

  /** An ended connection (and its frames, messages, events, findings), if the report lists it. */
  connection(connection: ConnectionModel): void {
    ndjsonConnection(connection, this.options, (text) => this.connectionText(text));
  }

  /** Lines ndjsonConnection made (in another thread, say): written after the opening record. */
  connectionText(text: string): void {
    this.start();
    this.write(text);
  }

  /** The capture was read: its own findings, then the closing record. */
  finish(model: CaptureOverview): void {
    this.start();
    for (const finding of model.findings satisfies Finding[]) writeRecord({ type: 'finding', connection: null, finding }, this.write);
    const capture = { files: model.files, format: model.format, packets: model.packets, linkTypes: model.linkTypes };
    writeRecord({ type: 'end', capture }, this.write);
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    writeRecord(
      {
        type: 'capture',
        schemaVersion: SCHEMA_VERSION,
        tool: { name: 'wsdissect', version: this.options.toolVersion },
        files: this.files,
      },
      this.write,
    );
  }
}

/**
 * The records of an ended connection, if the report lists it, handed to `write` whole lines at a time: its
 * `connection` record, then its frames, messages, events and findings.
 */
export function ndjsonConnection(connection: ConnectionModel, options: ReportOptions, write: (text: string) => void): void {
  if (!options.allTcp && !connection.isWebSocket) return;
  const { frames, messages, events, findings, ...fields } = connectionJson(connection, options.payload);
  const id = connection.id;
  writeRecord({ type: 'connection', connection: fields }, write);
  for (const frame of frames) writeRecord({ type: 'frame', connection: id, frame }, write);
  for (const message of messages) writeRecord({ type: 'message', connection: id, message }, write);
  for (const event of events) writeRecord({ type: 'event', connection: id, event }, write);
  for (const finding of findings) writeRecord({ type: 'finding', connection: id, finding }, write);
}

function writeRecord(record: object, write: (text: string) => void): void {
  let line: string;
  try {
    line = JSON.stringify(record);
  } catch (error) {
    // Too long for one string (a huge payload with --payload full): written in pieces instead.
    if (!(error instanceof RangeError)) throw error;
    writeJsonLine(record, write);
    write('\n');
    return;
  }
  write(line + '\n');
}
