#!/usr/bin/env node
// Where the time goes: runs the pipeline on one capture cut off after each stage, in one process per stage,
// and prints the milliseconds each stage adds. For profiling work on one stage without the noise of the others.
// Each process then runs its stage a second time on the same file: that pass finds V8's compiled code ready,
// so the difference between the two is what the first pass spent warming up the JIT (interpreted code,
// compiling, deoptimizing), which every wsdissect run pays.
//
//   node bench/stages.mjs FILE [--runs 3]      (needs dist/: npm run build)
//
// Stages, each including the ones before it:
//   read      capture/: records out of the file, nothing done with them
//   decode    packet/: link, IP and TCP headers decoded
//   tcp       tcp/: connections followed and reassembled, bytes handed to a sink that does nothing
//   summary   analysis/ as `wsdissect summary` runs it (payloads skipped, connections dropped as they end)
//   report    analysis/ as `wsdissect report` runs it (payload previews kept)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const STAGES = ['read', 'decode', 'tcp', 'summary', 'report'];
const dist = new URL('../dist/', import.meta.url);

async function runStage(stage, file) {
  const { readCaptures } = await import(new URL('capture/index.js', dist));
  const { decodePacket } = await import(new URL('packet/index.js', dist));
  const { TcpTracker } = await import(new URL('tcp/index.js', dist));
  const { analyzeCaptures } = await import(new URL('analysis/index.js', dist));
  const started = performance.now();
  if (stage === 'summary' || stage === 'report') {
    await analyzeCaptures([file], {
      retainBytes: stage === 'summary' ? 0 : 256,
      skipDataPayloads: stage === 'summary',
      onConnectionEnd: () => {},
    });
  } else {
    const sink = { onChunk() {}, onEvent() {}, onEnd() {} };
    const tracker = new TcpTracker(() => sink, {});
    await readCaptures([file], (packet) => {
      if (stage === 'read') return;
      const decoded = decodePacket(packet);
      if (stage === 'tcp' && decoded.kind === 'segment') tracker.push(decoded.segment);
    });
    tracker.finish();
  }
  return performance.now() - started;
}

const args = process.argv.slice(2);
if (args[0] === '--stage') {
  const ms = await runStage(args[1], args[2]);
  const rssMB = process.resourceUsage().maxRSS / 1024;
  const secondMs = await runStage(args[1], args[2]);
  process.stdout.write(JSON.stringify({ ms, secondMs, rssMB }));
} else {
  const file = args.find((arg, i) => !arg.startsWith('--') && args[i - 1] !== '--runs');
  const runsAt = args.indexOf('--runs');
  const runs = runsAt === -1 ? 3 : Number(args[runsAt + 1]);
  if (!file || !(runs >= 1)) {
    console.error('usage: node bench/stages.mjs FILE [--runs N]');
    process.exit(2);
  }
  const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  let before = 0; // the last pipeline stage's total
  let secondBefore = 0;
  console.log('stage      total ms   added ms   peak RSS MB   second pass: total ms   added ms');
  for (const stage of STAGES) {
    const results = [];
    for (let run = 0; run < runs; run++) {
      const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--stage', stage, file], { encoding: 'utf8' });
      if (child.status !== 0) {
        console.error(`${stage} failed:\n${child.stderr}`);
        process.exit(1);
      }
      results.push(JSON.parse(child.stdout));
    }
    const ms = median(results.map((r) => r.ms));
    const secondMs = median(results.map((r) => r.secondMs));
    const rss = Math.max(...results.map((r) => r.rssMB));
    // summary and report both build on tcp: each one's added time is what analysis/ costs in that mode.
    console.log(
      `${stage.padEnd(9)} ${ms.toFixed(0).padStart(9)} ${(ms - before).toFixed(0).padStart(10)} ${rss.toFixed(0).padStart(13)}` +
        `${secondMs.toFixed(0).padStart(25)} ${(secondMs - secondBefore).toFixed(0).padStart(10)}`,
    );
    if (stage !== 'summary' && stage !== 'report') {
      before = ms;
      secondBefore = secondMs;
    }
  }
}
