#!/usr/bin/env node
// The benchmark: wsdissect against tshark and against the floor (bench/floor.mjs), on one capture, in one run.
//
//   node bench/run.mjs [--size 200MB] [--file F] [--runs 3] [--seed 1] [--skip-tshark] [--big] [--wsdissect BIN]
//
// Each command runs --runs times (rounds interleaved, so a slow moment of the machine hits every command
// alike); the table shows the median wall time and the highest peak RSS. A command that fails is shown as
// failed and the script exits 1 at the end. Generated captures live in a temporary directory, deleted at exit.
import { spawn } from 'node:child_process';
import { accessSync, closeSync, constants as fsConstants, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const GENERATE = here('./generate.mjs');
const FLOOR = here('./floor.mjs');
const TIME = '/usr/bin/time';
const BIG_SIZE = '2GB';
const MB = 1e6;

// The goals from the issue "Speed and memory: ahead of tshark by 20x".
const TARGET = {
  summaryVsTsharkFields: 20, // summary at least 20x faster than tshark -T fields
  summaryVsFloor: 4, // summary within 4x of the floor
  reportVsTsharkEk: 10, // report at least 10x faster than tshark -T ek
  rssMB: 150, // peak RSS at 200 MB
  rssGrowth: 1.25, // peak RSS at 2 GB over peak RSS at 200 MB: flat, give or take GC heuristics
};

const { values: options } = parseArgs({
  options: {
    size: { type: 'string', default: '200MB' },
    file: { type: 'string' },
    runs: { type: 'string', default: '3' },
    seed: { type: 'string', default: '1' },
    'skip-tshark': { type: 'boolean', default: false },
    big: { type: 'boolean', default: false },
    wsdissect: { type: 'string', default: here('../bin/wsdissect.js') },
  },
});
const runs = Number(options.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: expected a positive integer, got ${options.runs}`);

function hasTimeBinary() {
  try {
    accessSync(TIME, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}
const useTimeBinary = hasTimeBinary();

const node = process.execPath;
// wsdissect runs as a command, as users run it (bin/wsdissect.js starts node with the flags it needs).
const wsdissect = options.wsdissect;
const commands = (file) => [
  { key: 'floor', label: 'floor (bench/floor.mjs)', argv: [node, FLOOR, file], keepStdout: true },
  { key: 'summary', label: 'wsdissect summary', argv: [wsdissect, 'summary', file], wsdissect: true },
  { key: 'report', label: 'wsdissect report --payload preview', argv: [wsdissect, 'report', file, '-o', '/dev/null', '--payload', 'preview'], wsdissect: true },
  { key: 'ndjson', label: 'wsdissect report --ndjson', argv: [wsdissect, 'report', file, '--ndjson', '-o', '/dev/null'], wsdissect: true },
  { key: 'tsharkFields', label: 'tshark -Y websocket -T fields', argv: ['tshark', '-r', file, '-Y', 'websocket', '-T', 'fields', '-e', 'frame.number', '-e', 'websocket.opcode'], tshark: true },
  { key: 'tsharkEk', label: 'tshark -T ek -J websocket', argv: ['tshark', '-r', file, '-T', 'ek', '-J', 'websocket'], tshark: true },
];

const scratch = mkdtempSync(join(tmpdir(), 'wsdissect-bench-'));
const devNull = openSync('/dev/null', 'w');
function cleanUp() {
  closeSync(devNull);
  rmSync(scratch, { recursive: true, force: true });
}
process.on('SIGINT', () => {
  cleanUp();
  process.exit(130);
});

const log = (line) => process.stderr.write(line + '\n');
const KEEP_OUTPUT = 64 * 1024;

/** Runs argv to completion; resolves with its exit code, the tail of its output, and what it printed on stdout. */
function runChild(argv, stdout, onSpawn) {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', stdout === 'pipe' ? 'pipe' : devNull, 'pipe'] });
    let out = '';
    let err = '';
    child.stdout?.on('data', (d) => (out = (out + d).slice(-KEEP_OUTPUT)));
    child.stderr.on('data', (d) => (err = (err + d).slice(-KEEP_OUTPUT)));
    child.on('error', (error) => resolve({ code: 127, out, err: String(error.message) }));
    child.on('spawn', () => onSpawn?.(child.pid));
    child.on('close', (code, signal) => resolve({ code: code ?? 128, out, err: signal ? `${err}\nkilled by ${signal}` : err }));
  });
}

/**
 * Peak RSS without /usr/bin/time: the kernel's high-water mark (VmHWM) of the process, read from /proc while
 * it runs. It misses at most the growth of its last 20 ms.
 */
function watchHighWaterMark(pid) {
  let peakKB = 0;
  const read = () => {
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
      if (match) peakKB = Math.max(peakKB, Number(match[1]));
    } catch {
      // the process has already exited
    }
  };
  read();
  const timer = setInterval(read, 20);
  return () => {
    clearInterval(timer);
    return peakKB;
  };
}

/**
 * One timed run of a command: wall time from spawn to exit, peak RSS of the command itself, and (with
 * /usr/bin/time) its CPU time, which other load on the machine disturbs less than the wall time.
 */
async function measure(command) {
  const usageFile = join(scratch, 'usage.txt');
  const argv = useTimeBinary ? [TIME, '-f', '%M %U %S', '-o', usageFile, ...command.argv] : command.argv;
  let stopWatching = () => 0;
  const started = process.hrtime.bigint();
  const result = await runChild(argv, command.keepStdout ? 'pipe' : 'null', (pid) => {
    if (!useTimeBinary) stopWatching = watchHighWaterMark(pid);
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  let peakKB = stopWatching();
  let cpuSeconds = null;
  if (useTimeBinary) {
    // /usr/bin/time may write "Command exited with non-zero status N" on a line before ours.
    const lines = readFileSync(usageFile, 'latin1').trim().split('\n');
    const [maxRssKB, user, system] = lines[lines.length - 1].split(' ').map(Number);
    peakKB = maxRssKB;
    cpuSeconds = user + system;
  }
  return { ok: result.code === 0, code: result.code, seconds, cpuSeconds, rssMB: (peakKB * 1024) / MB, out: result.out, err: result.err };
}

/** The line of a failed command's stderr that says why. */
function reason(err) {
  const lines = err.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => /^(\w*Error\b|error:|tshark:|\/usr\/bin\/time:)/i.test(l)) ?? lines[lines.length - 1] ?? 'no output';
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/** Runs every command `rounds` times, round-robin; a command that fails once is not run again. */
async function bench(list, rounds) {
  const results = new Map(list.map((c) => [c.key, { command: c, runs: [], failure: null }]));
  for (let round = 1; round <= rounds; round++) {
    for (const c of list) {
      const r = results.get(c.key);
      if (r.failure) continue;
      const run = await measure(c);
      if (!run.ok) {
        r.failure = `exit ${run.code}: ${reason(run.err)}`;
        log(`  ${c.label}: failed (${r.failure})`);
        continue;
      }
      r.runs.push(run);
      log(`  ${c.label}: run ${round}/${rounds} ${run.seconds.toFixed(2)} s, ${run.rssMB.toFixed(0)} MB`);
    }
  }
  for (const r of results.values()) {
    if (r.failure) continue;
    r.seconds = median(r.runs.map((x) => x.seconds));
    r.cpuSeconds = useTimeBinary ? median(r.runs.map((x) => x.cpuSeconds)) : null;
    r.rssMB = Math.max(...r.runs.map((x) => x.rssMB));
    if (r.command.key === 'floor') r.floor = JSON.parse(r.runs[0].out);
  }
  return results;
}

async function generate(size, seed) {
  const file = join(scratch, `capture-${size}.pcap`);
  log(`generating ${size} (seed ${seed}) -> ${file}`);
  const result = await runChild([node, GENERATE, '--out', file, '--size', size, '--seed', String(seed)], 'null');
  if (result.code !== 0) throw new Error(`generate.mjs failed: ${reason(result.err)}`);
  return { file, generated: JSON.parse(result.err.trim().split('\n').pop()) };
}

const fmt = (n, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const times = (x) => `${fmt(x, x < 10 ? 1 : 0)}×`;

function resultsTable(results, fileBytes, packets) {
  const floor = results.get('floor');
  const rows = [
    '| command | wall (median) | CPU (median) | MB/s | packets/s | peak RSS | × floor |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of results.values()) {
    if (r.failure) {
      rows.push(`| ${r.command.label} | failed | | | | | |`);
      continue;
    }
    const packetRate = packets ? fmt(packets / r.seconds) : '—';
    const vsFloor = floor && !floor.failure ? times(r.seconds / floor.seconds) : '—';
    const cpu = r.cpuSeconds == null ? '—' : `${r.cpuSeconds.toFixed(2)} s`;
    rows.push(`| ${r.command.label} | ${r.seconds.toFixed(3)} s | ${cpu} | ${fmt(fileBytes / MB / r.seconds)} | ${packetRate} | ${fmt(r.rssMB)} MB | ${vsFloor} |`);
  }
  const failures = [...results.values()].filter((r) => r.failure).map((r) => `- ${r.command.label}: ${r.failure}`);
  return [...rows, ...(failures.length ? ['', 'Failed:', ...failures] : [])].join('\n');
}

/** The goals, each as measured / target / met. */
function targetsTable(results, big) {
  const get = (key) => {
    const r = results.get(key);
    return r && !r.failure ? r : null;
  };
  const rows = ['| goal | measured | target | met |', '| --- | ---: | ---: | --- |'];
  const row = (goal, measured, target, met) => rows.push(`| ${goal} | ${measured ?? 'n/a'} | ${target} | ${measured == null ? 'n/a' : met ? 'yes' : 'NO'} |`);
  const speedup = (fast, slow) => (get(fast) && get(slow) ? get(slow).seconds / get(fast).seconds : null);

  const vsFields = speedup('summary', 'tsharkFields');
  row('summary vs tshark -T fields', vsFields && `${times(vsFields)} faster`, `≥ ${TARGET.summaryVsTsharkFields}× faster`, vsFields >= TARGET.summaryVsTsharkFields);
  const vsFloor = get('summary') && get('floor') ? get('summary').seconds / get('floor').seconds : null;
  row('summary vs floor', vsFloor && `${times(vsFloor)} the floor`, `≤ ${TARGET.summaryVsFloor}× the floor`, vsFloor <= TARGET.summaryVsFloor);
  for (const key of ['report', 'ndjson']) {
    const vsEk = speedup(key, 'tsharkEk');
    row(`${results.get(key).command.label} vs tshark -T ek`, vsEk && `${times(vsEk)} faster`, `≥ ${TARGET.reportVsTsharkEk}× faster`, vsEk >= TARGET.reportVsTsharkEk);
  }
  for (const key of ['summary', 'report', 'ndjson']) {
    const r = get(key);
    const label = results.get(key).command.label;
    row(`${label} peak RSS`, r && `${fmt(r.rssMB)} MB`, `≤ ${TARGET.rssMB} MB`, r?.rssMB <= TARGET.rssMB);
    if (!big) continue;
    const b = big.get(key);
    const growth = r && b && !b.failure ? b.rssMB / r.rssMB : null;
    row(`${label} peak RSS at ${BIG_SIZE}`, growth && `${fmt(b.rssMB)} MB (${times(growth)})`, `≤ ${TARGET.rssGrowth}× the smaller capture`, growth <= TARGET.rssGrowth);
  }
  return rows.join('\n');
}

async function machine() {
  const tshark = options['skip-tshark'] ? null : await runChild(['tshark', '--version'], 'pipe');
  const tsharkVersion = tshark?.code === 0 ? tshark.out.split('\n')[0].replace(/\.$/, '') : 'tshark not run';
  const cores = cpus().length;
  const [load] = loadavg();
  const lines = [`${cpus()[0]?.model ?? 'unknown CPU'} × ${cores}, Node ${process.version}, ${tsharkVersion}; peak RSS from ${useTimeBinary ? TIME : '/proc VmHWM'}`];
  // Wall times mean little when other work competes for the cores; say so next to the numbers.
  if (load > cores / 2) lines.push('', `**Busy machine:** load average ${load.toFixed(1)} on ${cores} cores at the start; wall times are noisy, compare CPU times.`);
  // Node reads every certificate of this file at start-up, before any script runs: the floor's and wsdissect's
  // times both carry it, tshark's do not.
  if (process.env.NODE_EXTRA_CA_CERTS) {
    lines.push('', `**NODE_EXTRA_CA_CERTS** is set (${process.env.NODE_EXTRA_CA_CERTS}): every Node process (floor, wsdissect) loads those certificates as it starts.`);
  }
  return lines.join('\n');
}

function describe(file, fileBytes, generated, floor) {
  const packets = generated?.packets ?? floor?.packets;
  const parts = [`${fmt(fileBytes / MB, 1)} MB`, packets ? `${fmt(packets)} packets` : null];
  if (generated) parts.push(`${fmt(generated.connections)} connections`, `${fmt(generated.frames)} WebSocket frames`, `${fmt(generated.messages)} messages`, `seed ${generated.seed}`);
  return `${generated ? 'generated capture' : file}: ${parts.filter(Boolean).join(', ')}`;
}

async function main() {
  const header = await machine();
  const { file, generated } = options.file ? { file: options.file, generated: null } : await generate(options.size, Number(options.seed));
  const fileBytes = statSync(file).size;
  const list = commands(file).filter((c) => !(c.tshark && options['skip-tshark']));
  log(`benchmarking ${file} (${fmt(fileBytes / MB, 1)} MB), ${runs} run(s) each`);
  const results = await bench(list, runs);
  const floor = results.get('floor').floor;
  const packets = generated?.packets ?? floor?.packets;

  let big = null;
  let bigDescription;
  if (options.big) {
    const capture = await generate(BIG_SIZE, Number(options.seed));
    const bigBytes = statSync(capture.file).size;
    log(`benchmarking ${capture.file} (${fmt(bigBytes / MB, 1)} MB), once each`);
    // Commands of their own: `list` names the smaller capture.
    const bigList = commands(capture.file).filter((c) => c.wsdissect || c.key === 'floor');
    big = await bench(bigList, 1);
    rmSync(capture.file);
    bigDescription = [`### At ${BIG_SIZE}, one run`, '', describe(capture.file, bigBytes, capture.generated), '', resultsTable(big, bigBytes, capture.generated.packets), ''].join('\n');
  }

  const report = [
    '## wsdissect benchmark',
    '',
    header,
    '',
    describe(file, fileBytes, generated, floor),
    '',
    runs === 1 ? '### One run' : `### Median of ${runs} runs`,
    '',
    resultsTable(results, fileBytes, packets),
    '',
    ...(big ? [bigDescription] : []),
    '### Goals',
    '',
    targetsTable(results, big),
  ];
  process.stdout.write(report.join('\n') + '\n');
  const failed = [...results.values(), ...(big ? big.values() : [])].some((r) => r.failure);
  return failed ? 1 : 0;
}

try {
  process.exitCode = await main();
} finally {
  cleanUp();
}
