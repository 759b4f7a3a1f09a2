// What summary, report and report --ndjson make of each connection as it ends. The same code runs in the main
// thread and in the worker threads of a parallel run (parallel.ts), so a connection comes out the same
// whichever thread analysed it: a worker makes its connections' output and posts it, in pieces, to the main
// thread, which takes every connection's pieces in the order the connections ended.
import type { ConnectionModel } from '../analysis/index.js';
import { ndjsonConnection, SpoolWriter, type ReportOptions, type SpoolEntry } from '../report/index.js';
import { summaryRow } from './summary.js';

/** Which output a command wants, as data: it goes to the worker threads, which make their own. */
export type OutputSpec =
  | { kind: 'summary'; allTcp: boolean }
  | { kind: 'ndjson'; report: ReportOptions }
  /** Connections' report JSON, written to the files of the spool at `directory` (report/spool.ts). */
  | { kind: 'spool'; report: ReportOptions; directory: string };

export interface SummaryRow {
  id: number;
  row: string[];
}

/** A piece of output of each kind: a summary row, NDJSON lines, the place of a connection's JSON in the spool. */
export interface OutputPieces {
  summary: SummaryRow;
  ndjson: string;
  spool: SpoolEntry;
}

export type OutputPiece<S extends OutputSpec = OutputSpec> = OutputPieces[S['kind']];

export interface ConnectionOutput<S extends OutputSpec = OutputSpec> {
  /** Makes an ended connection's output, handed to `emit` in pieces (none for a connection the command leaves out). */
  make(connection: ConnectionModel, emit: (piece: OutputPiece<S>) => void): void;
  /** The capture was read: what is held goes out (the spool's file is complete once this returns). */
  finish(): void;
}

/**
 * The output `spec` asks for, made in thread number `thread` (0 is the main thread): each thread writes its
 * own file of a spool.
 */
export function connectionOutput<S extends OutputSpec>(spec: S, thread: number): ConnectionOutput<S>;
export function connectionOutput(spec: OutputSpec, thread: number): ConnectionOutput {
  switch (spec.kind) {
    case 'summary':
      return {
        make(connection, emit) {
          if (spec.allTcp || connection.isWebSocket) emit({ id: connection.id, row: summaryRow(connection) });
        },
        finish() {},
      };
    case 'ndjson':
      return { make: (connection, emit) => ndjsonConnection(connection, spec.report, emit), finish() {} };
    case 'spool': {
      const writer = new SpoolWriter(spec.directory, thread, spec.report);
      return {
        make(connection, emit) {
          const entry = writer.connection(connection);
          if (entry !== null) emit(entry);
        },
        finish: () => writer.finish(),
      };
    }
  }
}
