import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CaptureModel, ConnectionModel } from '../analysis/index.js';
import { buildReport, sanitizeForTerminal } from '../report/index.js';

/** The JSON report (docs/report.schema.json) of one connection, with every payload byte the UI kept. */
export function connectionReportJson(model: CaptureModel, connection: ConnectionModel, toolVersion: string): string {
  const report = buildReport({ ...model, connections: [connection] }, { payload: 'full', toolVersion, allTcp: true });
  return JSON.stringify(report, null, 2) + '\n';
}

/** Writes `data` to `path` (relative to the working directory) and says what happened, in one line. */
export function writeExport(path: string, data: string | Buffer): string {
  const full = resolve(path);
  try {
    writeFileSync(full, data);
    return `wrote ${Buffer.byteLength(data)} bytes to ${sanitizeForTerminal(full)}`;
  } catch (error) {
    return `export failed: ${sanitizeForTerminal((error as Error).message)}`;
  }
}
