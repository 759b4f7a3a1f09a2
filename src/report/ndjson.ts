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
    if (!this.options.allTcp && !connection.isWebSocket) return;
    this.start();
    const { frames, messages, events, findings, ...fields } = connectionJson(connection, this.options.payload);
    const id = connection.id;
    this.record({ type: 'connection', connection: fields });
    for (const frame of frames) this.record({ type: 'frame', connection: id, frame });
    for (const message of messages) this.record({ type: 'message', connection: id, message });
    for (const event of events) this.record({ type: 'event', connection: id, event });
    for (const finding of findings) this.record({ type: 'finding', connection: id, finding });
  }

  /** The capture was read: its own findings, then the closing record. */
  finish(model: CaptureOverview): void {
    this.start();
    for (const finding of model.findings satisfies Finding[]) this.record({ type: 'finding', connection: null, finding });
    const capture = { files: model.files, format: model.format, packets: model.packets, linkTypes: model.linkTypes };
    this.record({ type: 'end', capture });
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.record({
      type: 'capture',
      schemaVersion: SCHEMA_VERSION,
      tool: { name: 'wsdissect', version: this.options.toolVersion },
      files: this.files,
    });
  }

  private record(record: object): void {
    let line: string;
    try {
      line = JSON.stringify(record);
    } catch (error) {
      // Too long for one string (a huge payload with --payload full): written in pieces instead.
      if (!(error instanceof RangeError)) throw error;
      writeJsonLine(record, this.write);
      this.write('\n');
      return;
    }
    this.write(line + '\n');
  }
}
