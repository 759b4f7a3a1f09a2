#!/usr/bin/env node
// How fast the terminal UI (`wsdissect tui`) comes up and redraws, on a large capture.
//
//   node bench/tui.mjs [--size 50MB] [--connections 40] [--file F] [--seed 1] [--keys 200] [--columns 120] [--rows 40]
//
// Runs the built UI (dist/, `npm run build` first) in this process against an in-memory terminal of the given
// size, with React's production build as the CLI uses it, and prints:
//   - time to first screen: from start to the first frame written (the loading screen);
//   - time to full view: until the first frame of the browser, i.e. the capture analyzed and shown;
//   - redraw after a key: from the key to the frame it causes, for j (cursor down), PgDn, G and g on the
//     timeline of the connection with the most events; median, 95th percentile and worst (target < 50 ms).
// A generated capture (few connections, so each timeline is long) goes to a temporary directory, deleted at exit.
// Timings are wall clock: run it on an otherwise idle machine.
import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

// Ink's docs: React's development build is several times slower; the CLI runs the production one.
process.env.NODE_ENV = 'production';
const { createElement } = await import('react');
const { render } = await import('ink');
const { App, Browser, TUI_RETAIN_BYTES } = await import('../dist/tui/index.js');
const { analyzeCaptures } = await import('../dist/analysis/index.js');

const REDRAW_TARGET_MS = 50;

const { values: options } = parseArgs({
  options: {
    size: { type: 'string', default: '50MB' },
    connections: { type: 'string', default: '40' },
    file: { type: 'string' },
    seed: { type: 'string', default: '1' },
    keys: { type: 'string', default: '200' },
    columns: { type: 'string', default: '120' },
    rows: { type: 'string', default: '40' },
  },
});
const keyCount = Number(options.keys);
const columns = Number(options.columns);
const rows = Number(options.rows);

/** A terminal in memory: records when each frame was written and what it held. */
function terminal() {
  const frames = [];
  const stdout = Object.assign(new EventEmitter(), {
    columns,
    rows,
    isTTY: true,
    write(text) {
      frames.push({ at: performance.now(), text });
      return true;
    },
  });
  let pending = null;
  const stdin = Object.assign(new EventEmitter(), {
    isTTY: true,
    setRawMode() {},
    setEncoding() {},
    resume() {},
    pause() {},
    ref() {},
    unref() {},
    read() {
      const data = pending;
      pending = null;
      return data;
    },
  });
  const press = (key) => {
    pending = key;
    stdin.emit('readable');
  };
  return { stdout, stdin, frames, press };
}

/** Waits until a frame written after index `from` satisfies `test`; returns it. */
async function frameAfter(frames, from, test, timeoutMs = 600_000) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    for (let i = from; i < frames.length; i++) if (test(frames[i].text)) return frames[i];
    if (performance.now() > deadline) throw new Error('no such frame before the timeout');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] };
}

const ms = (value) => `${value.toFixed(1)} ms`;

let dir = null;
let file = options.file;
if (!file) {
  dir = mkdtempSync(join(tmpdir(), 'wsdissect-tui-bench-'));
  file = join(dir, 'capture.pcap');
  const generate = fileURLToPath(new URL('./generate.mjs', import.meta.url));
  const made = spawnSync(process.execPath, [generate, '--out', file, '--size', options.size, '--seed', options.seed, '--connections', options.connections], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (made.status !== 0) throw new Error('generate.mjs failed');
}
process.on('exit', () => dir && rmSync(dir, { recursive: true, force: true }));

console.log(`capture: ${file} (${(statSync(file).size / 1e6).toFixed(1)} MB), terminal ${columns}x${rows}`);

// 1. First screen and full view, through the App as `wsdissect tui` runs it.
const start = performance.now();
let model = null;
const app = terminal();
const instance = render(
  createElement(App, {
    files: [file],
    toolVersion: 'bench',
    analyze: (onProgress) =>
      analyzeCaptures([file], {
        retainBytes: TUI_RETAIN_BYTES,
        onProgress: (bytesRead, totalBytes, found) => onProgress({ bytesRead, totalBytes, ...found }),
      }),
    onResult: (result) => (model = result.model),
  }),
  { stdout: app.stdout, stdin: app.stdin, patchConsole: false, exitOnCtrlC: false },
);
const first = await frameAfter(app.frames, 0, () => true);
const full = await frameAfter(app.frames, 0, (text) => text.includes('Timeline #'));
instance.unmount();
console.log(`time to first screen: ${ms(first.at - start)}`);
console.log(`time to full view:    ${ms(full.at - start)}`);

// 2. Redraw after a key, on the timeline of the connection with the most events.
const biggest = model.connections.reduce((a, b) => (b.events.length > a.events.length ? b : a));
console.log(`timeline: connection #${biggest.id}, ${biggest.events.length} events, ${biggest.messages.length} messages`);
const ui = terminal();
const browser = render(
  createElement(Browser, { model, toolVersion: 'bench', initialState: { connectionId: biggest.id, focus: 'timeline', allTcp: true } }),
  { stdout: ui.stdout, stdin: ui.stdin, patchConsole: false, exitOnCtrlC: false },
);
await frameAfter(ui.frames, 0, (text) => text.includes('Timeline #'));

let missed = false;
for (const [name, key, count] of [
  ['j (cursor down)', 'j', keyCount],
  ['PgDn', '\u001b[6~', Math.min(keyCount, 50)],
  ['G (last event)', 'G', 1],
  ['g (first event)', 'g', 1],
]) {
  const times = [];
  for (let i = 0; i < count; i++) {
    const from = ui.frames.length;
    const pressed = performance.now();
    ui.press(key);
    const frame = await frameAfter(ui.frames, from, () => true);
    times.push(frame.at - pressed);
    // Ink draws at most 30 frames a second; wait the interval out so each key is timed on its own.
    await new Promise((resolve) => setTimeout(resolve, 35));
  }
  const { median, p95, max } = stats(times);
  if (p95 >= REDRAW_TARGET_MS) missed = true;
  console.log(`redraw after ${name.padEnd(16)} ${String(count).padStart(4)} keys: median ${ms(median)}, p95 ${ms(p95)}, max ${ms(max)}`);
}
browser.unmount();
console.log(`target: redraw < ${REDRAW_TARGET_MS} ms (95th percentile): ${missed ? 'MISSED' : 'met'}`);
