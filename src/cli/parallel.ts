// summary, report and report --ndjson on several cores. Each thread (the main one and the workers) reads the
// whole capture and follows every TCP connection, since where a connection ends depends on its reassembly and
// its id on all that came before; only the analysis of the connections above the TCP stage (HTTP, WebSocket,
// timeline, findings) and the making of their output are shared out, by connection id. That is most of the
// work: on the 200 MB bench capture, reading and reassembly are ~190 ms of `report`'s ~800 ms.
import { availableParallelism } from 'node:os';
import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { analyzeCaptures, type AnalysisResult, type AnalyzeOptions, type CaptureOverview } from '../analysis/index.js';
import { connectionOutput, type OutputPiece, type OutputSpec } from './connection-output.js';
import { EndOrder } from './end-order.js';
import { Pace } from './pace.js';

/** What a worker thread is given: everything an analysis needs that is plain data. */
export interface WorkerTask {
  files: string[];
  options: PlainAnalyzeOptions;
  spec: OutputSpec;
  thread: number;
  threads: number;
  pace: SharedArrayBuffer;
}

export type PlainAnalyzeOptions = Omit<AnalyzeOptions, 'onConnectionEnd' | 'onProgress' | 'betweenChunks' | 'shard'>;

/** What a worker thread posts. */
export type WorkerMessage =
  /** Output of its connections in the order they ended: `complete` is false for the last when more of it follows. */
  | { type: 'output'; connections: { pieces: unknown[]; complete: boolean }[] }
  /** It read everything; the WebSocket connections among those it analysed. */
  | { type: 'done'; webSocketConnections: number };

/** Captures smaller than this are read by one thread: starting another costs more than it saves. */
const PARALLEL_MIN_BYTES = 32 << 20;
/** Each thread adds its own heap (~30 MB); past a few, reading the capture in every one of them dominates. */
const MAX_AUTO_THREADS = 4;

/** The threads a run uses unless told (--threads): one per core, up to 4, for captures of 32 MiB or more. */
export function defaultThreads(files: string[]): number {
  let bytes = 0;
  for (const file of files) {
    try {
      bytes += statSync(file).size;
    } catch {
      // Not readable: the analysis reports it.
    }
  }
  return bytes < PARALLEL_MIN_BYTES ? 1 : Math.max(1, Math.min(availableParallelism(), MAX_AUTO_THREADS));
}

/**
 * Analyses the captures with `threads` threads, connection ids shared out among them, and hands every connection's
 * output (made by `spec`'s ConnectionOutput in whichever thread analysed it) to `take` in the order connections
 * ended: what one thread alone gives, in the same order. The overview's counts cover every thread's connections.
 */
export async function analyzeInThreads<S extends OutputSpec>(
  files: string[],
  options: PlainAnalyzeOptions & Pick<AnalyzeOptions, 'onProgress'>,
  spec: S,
  take: (piece: OutputPiece<S>) => void,
  threads: number,
): Promise<AnalysisResult<CaptureOverview>> {
  const output = connectionOutput(spec, 0);
  if (threads <= 1) {
    const result = await analyzeCaptures(files, { ...options, onConnectionEnd: (connection) => output.make(connection, take) });
    output.finish();
    return result;
  }
  const { onProgress, ...plain } = options;
  const shared = Pace.shared(threads);
  const pace = new Pace(shared, 0);
  const order = new EndOrder<OutputPiece<S>>(threads, take);
  const workers: Worker[] = [];
  let failure: Error | null = null;
  const fail = (error: Error) => {
    failure ??= error;
    pace.abort();
  };
  const finished: Promise<number>[] = [];
  try {
    for (let thread = 1; thread < threads; thread++) {
      const task: WorkerTask = { files, options: plain, spec, thread, threads, pace: shared };
      const worker = startWorker(task);
      workers.push(worker);
      finished.push(workerDone(worker, thread, order, fail));
    }
    const result = await analyzeCaptures(files, {
      ...plain,
      onProgress,
      onConnectionEnd: (connection) => order.own((emit) => output.make(connection, emit)),
      shard: { index: 0, count: threads, onOtherEnd: (id) => order.other(id % threads) },
      betweenChunks: () => {
        pace.step();
        return pace.waitAsync();
      },
    }).catch((error: unknown) => {
      // Another thread's failure stopped this one: that failure is the one to report.
      if (failure === null) throw error;
      return null;
    });
    pace.done();
    output.finish();
    const webSocketConnections = await Promise.all(finished);
    if (failure !== null || result === null) throw failure;
    order.finish();
    const model = { ...result.model, webSocketConnections: webSocketConnections.reduce((sum, n) => sum + n, result.model.webSocketConnections) };
    return { model, error: result.error };
  } catch (error) {
    pace.abort();
    throw error;
  } finally {
    for (const worker of workers) void worker.terminate();
  }
}

/** A worker thread running analysis-worker, the script beside this one. */
function startWorker(task: WorkerTask): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./analysis-worker.js', import.meta.url), { workerData: task });
  // Run from the TypeScript sources (the tests, through tsx): tsx's loader does not reach worker threads by itself.
  const script = JSON.stringify(new URL('./analysis-worker.ts', import.meta.url).href);
  return new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${script}); })`, { eval: true, workerData: task });
}

/** Passes the worker's output on in order; resolves to its WebSocket connection count once it is done. */
function workerDone<P>(worker: Worker, thread: number, order: EndOrder<P>, fail: (error: Error) => void): Promise<number> {
  return new Promise((resolve) => {
    let webSocketConnections: number | null = null;
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'done') {
        webSocketConnections = message.webSocketConnections;
        return;
      }
      try {
        for (const { pieces, complete } of message.connections) order.arrived(thread, pieces as P[], complete);
      } catch (error) {
        fail(error instanceof Error ? error : new Error(String(error)));
      }
    });
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (webSocketConnections === null) fail(new Error(`analysis thread ${thread} stopped early (exit code ${code})`));
      resolve(webSocketConnections ?? 0);
    });
  });
}
