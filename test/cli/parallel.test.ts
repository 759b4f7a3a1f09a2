// A parallel run (--threads) must print exactly what one thread prints: the same rows, the same report, the same
// NDJSON lines in the same order, the same messages and exit code, damaged captures included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ReportSpool, type SpoolEntry } from '../../src/report/index.js';
import { analyzeInThreads } from '../../src/cli/parallel.js';
import { fixtureCaptures } from '../fixtures/captures.js';
import { wsdissect } from './run.js';

const captures = fixtureCaptures();

/** Runs `args` on one thread and on `threads`, and checks both print the same. */
async function sameOnThreads(args: string[], threads: number): Promise<void> {
  const one = await wsdissect(...args, '--threads', '1');
  const many = await wsdissect(...args, '--threads', String(threads));
  assert.equal(many.stderr, one.stderr, `stderr of ${args.join(' ')}`);
  assert.equal(many.code, one.code, `exit code of ${args.join(' ')}`);
  assert.ok(many.stdout === one.stdout, `stdout of ${args.join(' ')} on ${threads} threads differs from one thread's`);
}

test('report --ndjson on 2 threads writes every fixture the way one thread does, line for line', async () => {
  // NDJSON is the strictest: connections in the order they end, whichever thread analysed them.
  for (const capture of captures) await sameOnThreads(['report', '--ndjson', '--all-tcp', capture], 2);
});

test('summary and the JSON report on 3 threads are those of one thread, on captures with many connections', async () => {
  const many = ['fixtures/http-mixed-ws.pcapng', 'fixtures/socketio-session.pcapng', 'fixtures/tcp/loopback-connections.pcap', 'fixtures/nginx-proxy.pcapng'];
  for (const capture of many) {
    await sameOnThreads(['summary', '--all-tcp', capture], 3);
    await sameOnThreads(['report', '--all-tcp', '--payload', 'full', capture], 3);
  }
  // Several files read as one (merged by time), and a damaged one, whose error all threads meet.
  await sameOnThreads(['summary', '--all-tcp', ...many], 3);
  await sameOnThreads(['report', 'fixtures/hostile/cut.pcapng.gz'], 3);
});

test('more threads than connections: the idle ones still read along, and the output is the same', async () => {
  await sameOnThreads(['report', '--ndjson', 'fixtures/ws-close-client-1000.pcapng'], 5);
});

test('--threads takes 1 to 16', async () => {
  for (const bad of ['0', '17', 'two', '1.5']) {
    const run = await wsdissect('summary', '--threads', bad, 'fixtures/ws-text.pcapng');
    assert.equal(run.code, 2, `--threads ${bad}`);
    assert.match(run.stderr, /expected a number of threads \(1-16\)/);
  }
});

test('a worker thread that fails fails the run with its error, and nothing waits for it', async () => {
  const options = { payload: 'preview', toolVersion: 'test', allTcp: true } as const;
  const spool = new ReportSpool(options);
  try {
    // Thread 1's spool file cannot be made: a directory is in its place.
    mkdirSync(join(spool.directory, 'connections-1.json'));
    const spec = { kind: 'spool', report: options, directory: spool.directory } as const;
    const taken: SpoolEntry[] = [];
    await assert.rejects(
      analyzeInThreads(['fixtures/http-mixed-ws.pcapng'], { retainBytes: 256 }, spec, (entry) => taken.push(entry), 2),
      /EISDIR/,
    );
  } finally {
    spool.close();
  }
});
