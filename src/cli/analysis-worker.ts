// A worker thread of a parallel run (parallel.ts): analyses its share of the connections and posts their
// output to the main thread, in the order they end.
import { parentPort, workerData } from 'node:worker_threads';
import { analyzeCaptures } from '../analysis/index.js';
import { connectionOutput } from './connection-output.js';
import { Pace } from './pace.js';
import type { WorkerMessage, WorkerTask } from './parallel.js';

/** Text held before it is posted even though its connection is not done (a report with every payload byte). */
const POST_TEXT_BYTES = 4 << 20;

const task = workerData as WorkerTask;
const port = parentPort as NonNullable<typeof parentPort>;
const output = connectionOutput(task.spec, task.thread);
const pace = new Pace(task.pace, task.thread);

/** Connections' output not posted yet; the last one may still be growing. */
let batch: { pieces: unknown[]; complete: boolean }[] = [];
let heldText = 0;

function post(): void {
  if (batch.length === 0) return;
  port.postMessage({ type: 'output', connections: batch } satisfies WorkerMessage);
  batch = [];
  heldText = 0;
}

const result = await analyzeCaptures(task.files, {
  ...task.options,
  onConnectionEnd(connection) {
    const made = { pieces: [] as unknown[], complete: false };
    batch.push(made);
    output.make(connection, (piece) => {
      made.pieces.push(piece);
      if (typeof piece !== 'string') return;
      heldText += piece.length;
      if (heldText < POST_TEXT_BYTES) return;
      // Posted as it grows: a continuation follows in a fresh entry.
      post();
      made.pieces = [];
      batch.push(made);
    });
    made.complete = true;
  },
  // The main thread learns of other threads' connections ending from its own reading.
  shard: { index: task.thread, count: task.threads, onOtherEnd() {} },
  betweenChunks() {
    post();
    pace.step();
    pace.waitBlocking();
    return undefined;
  },
});
output.finish();
post();
pace.done();
port.postMessage({ type: 'done', webSocketConnections: result.model.webSocketConnections } satisfies WorkerMessage);
