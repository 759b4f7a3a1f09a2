#!/usr/bin/env node
// Fuzzes the built CLI with broken variants of every fixture capture (fixtures/**/*.pcap, *.pcapng, *.gz):
// truncations, hostile values in length fields (pcap caplen, pcapng block lengths, IP lengths, TCP data
// offset, WebSocket 7/16/64-bit lengths), byte flips, splices of two files, `editcap -E`, and gzip'd
// variants (sometimes cut). Each variant runs `report --payload full -o /dev/null` (and its --ndjson form) and
// every text command (`summary`, `frames`, `timeline`, `frames --ws-port 80`: what the CLI's help offers), in a
// child process that runs main() in-process (fast), and one in --spawn-every variants also as real
// `node bin/wsdissect.js` processes. Every run has a time limit and a memory limit (V8 heap limit plus a
// watch on the process's RSS). A run fails on a crash, a hang, too much memory, a stack trace on stderr, an
// exit code outside {0, 1, 3}, raw control characters in text output or messages, or a message that does not
// say what its exit code claims. Failing inputs are saved and their paths printed; the process exits 1.
//
// Usage: npm run build && node scripts/fuzz.mjs [--seed N] [--count N] [--minutes M] [--jobs N]
//          [--timeout S] [--heap-mb N] [--max-rss-mb N] [--spawn-every N] [--fixtures DIR] [--out DIR]
//          [--no-editcap] [--only INDEX]
// The same --seed gives the same variants; --only INDEX reruns one variant of that seed.
import { fork, spawn, spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { capabilities, checkRun, commands } from './fuzz/check.mjs';
import { loadFixtures, makeVariant } from './fuzz/mutate.mjs';

const root = new URL('..', import.meta.url).pathname;
const { values: args } = parseArgs({
  options: {
    seed: { type: 'string' },
    count: { type: 'string' },
    minutes: { type: 'string' },
    jobs: { type: 'string', default: '1' },
    timeout: { type: 'string', default: '10' },
    'heap-mb': { type: 'string', default: '512' },
    'max-rss-mb': { type: 'string', default: '1024' },
    'spawn-every': { type: 'string', default: '25' },
    fixtures: { type: 'string', default: join(root, 'fixtures') },
    out: { type: 'string' },
    'no-editcap': { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});

const seed = args.seed !== undefined ? Number(args.seed) >>> 0 : (Date.now() % 2 ** 31) >>> 0;
const only = args.only !== undefined ? Number(args.only) : null;
const count = only !== null ? 1 : args.count !== undefined ? Number(args.count) : args.minutes !== undefined ? Infinity : 500;
const deadline = args.minutes !== undefined ? Date.now() + Number(args.minutes) * 60_000 : Infinity;
const jobs = Math.max(1, Number(args.jobs));
const timeoutMs = Number(args.timeout) * 1000;
const heapMb = Number(args['heap-mb']);
const maxRssBytes = Number(args['max-rss-mb']) * 1024 * 1024;
const spawnEvery = only !== null ? 1 : Number(args['spawn-every']);
const editcap = !args['no-editcap'] && spawnSync('editcap', ['-h'], { stdio: 'ignore' }).status === 0;
const helpOf = (...command) => spawnSync(process.execPath, [join(root, 'bin/wsdissect.js'), ...command, '--help'], { encoding: 'utf8' }).stdout;
const cli = capabilities(helpOf(), helpOf('report'), helpOf('frames'));

const fixtures = await loadFixtures(args.fixtures);
if (fixtures.length === 0) {
  console.error(`fuzz: no captures under ${args.fixtures}`);
  process.exit(2);
}
const scratch = await mkdtemp(join(tmpdir(), 'wsdissect-fuzz-run-'));
const saved = args.out ?? (await mkdtemp(join(tmpdir(), 'wsdissect-fuzz-failures-')));
await mkdir(saved, { recursive: true });

/** Outcome counts: exit codes of the report run for passing variants, failure kinds for the others. */
const outcomes = new Map();
const failures = [];
let spawned = 0;
let started = 0;
const startTime = Date.now();
const bump = (key) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);

/** Resident memory of a process in bytes (Linux), or 0 when it cannot be read. */
async function rssOf(pid) {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Runs `work(child)` against a child process under the time and memory limits. Resolves to the work's
 * result, or to a failure when the child hung, crashed or outgrew the limit (the child is then killed).
 */
function supervise(child, work, tailOf, { exitIsCrash }) {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(watch);
      if (exitIsCrash) child.off('exit', onExit);
      resolve(value);
    };
    const kill = (failure) => {
      child.kill('SIGKILL');
      finish({ failure });
    };
    const timer = setTimeout(() => kill({ kind: 'hang', detail: `no answer in ${timeoutMs / 1000} s` }), timeoutMs);
    const watch = setInterval(async () => {
      const rss = await rssOf(child.pid);
      if (rss > maxRssBytes) kill({ kind: 'memory', detail: `RSS ${Math.round(rss / 2 ** 20)} MiB` });
    }, 50);
    const onExit = (code, signal) => {
      const tail = tailOf();
      const kind = /heap out of memory|Reached heap limit/.test(tail) ? 'memory' : 'crash';
      finish({ failure: { kind, detail: `process ended (code ${code}, signal ${signal}): ${JSON.stringify(tail.slice(-300))}` } });
    };
    if (exitIsCrash) child.on('exit', onExit);
    work().then(finish, (error) => finish({ failure: { kind: 'crash', detail: String(error) } }));
  });
}

/** One in-process runner: a forked worker, restarted after it was killed or died. */
class Runner {
  child = null;
  tail = '';
  pending = null;

  async ensure() {
    if (this.child) return;
    this.tail = '';
    const child = fork(join(root, 'scripts/fuzz/worker.mjs'), [], {
      execArgv: [`--max-old-space-size=${heapMb}`, '--expose-gc'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    child.stderr.on('data', (data) => (this.tail = (this.tail + data).slice(-4000)));
    child.on('message', (message) => {
      if (message.ready) this.ready?.();
      else this.pending?.(message);
    });
    child.on('exit', () => {
      if (this.child === child) this.child = null;
    });
    this.child = child;
    await new Promise((resolve) => (this.ready = resolve));
  }

  async run(path) {
    await this.ensure();
    const child = this.child;
    const result = await supervise(
      child,
      () =>
        new Promise((resolve) => {
          this.pending = resolve;
          child.send({ id: 0, path, cli });
        }),
      () => this.tail,
      { exitIsCrash: true },
    );
    this.pending = null;
    if (result.failure) {
      child.kill('SIGKILL');
      if (this.child === child) this.child = null;
      return { codes: {}, failures: [{ command: 'in-process', ...result.failure }] };
    }
    return result;
  }

  stop() {
    this.child?.kill('SIGKILL');
  }
}

/** The real CLI as a process, for one command. */
async function spawnRun(command, path) {
  const child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, join(root, 'bin/wsdissect.js'), ...command.argv], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (data) => (stdout += data));
  child.stderr.setEncoding('utf8').on('data', (data) => (stderr += data));
  const ended = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  const result = await supervise(child, () => ended, () => stderr, { exitIsCrash: false });
  if (result.failure) return result.failure;
  if (result.signal !== null) {
    const kind = /heap out of memory|Reached heap limit/.test(stderr) ? 'memory' : 'crash';
    return { kind, detail: `killed by ${result.signal}: ${JSON.stringify(stderr.slice(-300))}` };
  }
  return checkRun(command, path, { code: result.code, stdout, stderr });
}

async function saveFailure(index, variant, path, failure) {
  const name = `seed${seed}-${index}-${failure.kind}.${variant.ext}`;
  const target = join(saved, name);
  await copyFile(path, target);
  await writeFile(`${target}.txt`, [`seed ${seed} index ${index}`, `from ${variant.fixture}: ${variant.steps.join(', ')}`, `${failure.command}: ${failure.kind}: ${failure.detail}`, ''].join('\n'));
  failures.push({ index, target, ...failure, from: variant.fixture, steps: variant.steps });
}

async function slot(number) {
  const runner = new Runner();
  const dir = join(scratch, String(number));
  await mkdir(dir);
  try {
    while (started < count && Date.now() < deadline) {
      const index = only ?? started;
      started++;
      const variant = await makeVariant(seed, index, fixtures, join(dir, 'editcap'), { editcap });
      const path = join(dir, `variant.${variant.ext}`);
      await writeFile(path, variant.bytes);
      const { codes, failures: found } = await runner.run(path);
      if (spawnEvery > 0 && index % spawnEvery === 0) {
        spawned++;
        for (const command of commands(path, cli)) {
          const failure = await spawnRun(command, path);
          if (failure) found.push({ command: `spawned ${command.name}`, ...failure });
        }
      }
      if (found.length > 0) {
        bump(found[0].kind);
        await saveFailure(index, variant, path, found[0]);
        console.error(`FAIL seed ${seed} index ${index}: ${found[0].command}: ${found[0].kind}: ${found[0].detail}`);
      } else {
        bump(`exit ${codes.report}`);
      }
    }
  } finally {
    runner.stop();
  }
}

const progress = setInterval(() => {
  const done = [...outcomes.values()].reduce((a, b) => a + b, 0);
  console.error(`fuzz: ${done} variants, ${failures.length} failing, ${Math.round((Date.now() - startTime) / 1000)} s`);
}, 30_000);

console.log(
  `fuzz: seed ${seed}, ${fixtures.length} fixtures, commands ${commands('F', cli).map((c) => c.name).join(', ')}, ${jobs} job(s), ` +
    `editcap ${editcap ? 'on' : 'off'}, time limit ${timeoutMs / 1000} s, RSS limit ${args['max-rss-mb']} MiB`,
);
await Promise.all(Array.from({ length: jobs }, (_, i) => slot(i)));
clearInterval(progress);
await rm(scratch, { recursive: true, force: true });

const total = [...outcomes.values()].reduce((a, b) => a + b, 0);
const seconds = (Date.now() - startTime) / 1000;
console.log(`fuzz: ${total} variants in ${seconds.toFixed(0)} s (${(total / seconds).toFixed(1)}/s), ${spawned} also run as spawned CLI processes`);
for (const [key, n] of [...outcomes].sort()) console.log(`  ${key.padEnd(16)} ${n}`);
console.log(`fuzz: ${failures.length} failures`);
if (failures.length > 0) {
  for (const f of failures) console.log(`  ${f.target}  (${f.command}: ${f.kind}; rerun: node scripts/fuzz.mjs --seed ${seed} --only ${f.index})`);
  process.exit(1);
}
if (args.out === undefined) await rm(saved, { recursive: true, force: true });
