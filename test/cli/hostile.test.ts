/**
 * The CLI on the hostile captures of fixtures/hostile (made by make.py there): the exit code, the message
 * (file and byte offset for damage, accepted formats for non-captures), everything before the damage still
 * reported, nothing from the capture reaching the terminal raw, no prototype pollution, bounded memory.
 * Their reports are compared with NAME.expected.json by test/fixtures/reports.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UNSAFE_FOR_TERMINAL, wsdissect } from './run.js';

const DIR = 'fixtures/hostile';
const ACCEPTED = 'expected pcap, pcapng, or either gzip-compressed';

/** The text commands (every command but the JSON report and the interactive UI), as --help lists them. */
async function textCommands(): Promise<string[]> {
  const { stdout } = await wsdissect('--help');
  const commands = [...stdout.matchAll(/^  ([a-z]+) /gm)].map((m) => m[1]);
  return commands.filter((c) => c !== 'report' && c !== 'tui' && c !== 'help');
}

interface Report {
  capture: { packets: number };
  connections: Array<{
    id: number;
    handshake: { request: { headers: [string, string][] }; response: { headers: [string, string][] } | null; subprotocol: string | null; url: string } | null;
    frames: Array<{ direction: string; opcodeName: string; payloadLength: number; close?: { code: number | null; reason: string } }>;
    messages: Array<{ length: number; text?: string; data?: string; compressed: boolean; truncated?: boolean }>;
    findings: Array<{ code: string; message: string; packet?: number }>;
  }>;
  findings: Array<{ code: string; message: string }>;
}

async function report(file: string, ...options: string[]): Promise<{ code: number; stderr: string; report: Report }> {
  const run = await wsdissect('report', file, ...options);
  assert.doesNotMatch(run.stdout, UNSAFE_FOR_TERMINAL, 'the JSON report carries no raw control characters either');
  return { code: run.code, stderr: run.stderr, report: JSON.parse(run.stdout) as Report };
}

const frameList = (r: Report, id = 0) => r.connections.find((c) => c.id === id)?.frames.map((f) => `${f.direction} ${f.opcodeName} ${f.payloadLength}`);
const codes = (r: Report, id = 0) => r.connections.find((c) => c.id === id)?.findings.map((f) => f.code) ?? [];

const DAMAGED: Array<{ file: string; message: string; packets: number; frames: string[] }> = [
  {
    file: 'truncated-mid-record.pcap',
    message: 'damaged at byte 1121: packet record cut short: 30 of 62 captured bytes',
    packets: 11,
    frames: ['client text 3', 'server text 3', 'client text 3', 'server text 3', 'client text 5', 'server text 5'],
  },
  {
    file: 'truncated-mid-block.pcapng',
    message: 'damaged at byte 1340: block cut short: 58 of 96 bytes',
    packets: 11,
    frames: ['client text 3', 'server text 3', 'client text 3', 'server text 3', 'client text 5', 'server text 5'],
  },
  {
    file: 'block-length-below-header.pcapng',
    message: 'damaged at byte 1340: block total length 8 is not a multiple of 4 of at least 12',
    packets: 11,
    frames: ['client text 3', 'server text 3', 'client text 3', 'server text 3', 'client text 5', 'server text 5'],
  },
  {
    file: 'caplen-2gib.pcap',
    message: 'damaged at byte 1121: packet record claims 2147483648 captured bytes, more than the 262144 a record may hold',
    packets: 11,
    frames: ['client text 3', 'server text 3', 'client text 3', 'server text 3', 'client text 5', 'server text 5'],
  },
  {
    file: 'cut.pcapng.gz',
    message: 'damaged at byte 864 of the decompressed capture: gzip data cut short (unexpected end of file)',
    packets: 6,
    frames: ['client text 3'],
  },
];

for (const { file, message, packets, frames } of DAMAGED) {
  test(`${file}: exit 1 naming the file and the byte offset; everything before the damage is reported`, async () => {
    const path = `${DIR}/${file}`;
    const stderr = `wsdissect: ${path}: ${message}\n`;
    const rssBefore = process.memoryUsage().rss;
    for (const command of await textCommands()) {
      const run = await wsdissect(command, path);
      assert.equal(run.code, 1, command);
      assert.equal(run.stderr, stderr, command);
      assert.doesNotMatch(run.stdout, UNSAFE_FOR_TERMINAL);
    }
    const summary = await wsdissect('summary', path);
    assert.match(summary.stdout, new RegExp(`^${path.replace(/\./g, '\\.')}: pcap(ng)?, ${packets} packets, 1 WebSocket connection \\(1 TCP\\)\\n`));
    assert.ok(summary.stdout.endsWith(`Capture findings:\n  error: ${path}: ${message} [capture-damaged]\n`));
    const full = await report(path, '--payload', 'full');
    assert.equal(full.code, 1);
    assert.equal(full.stderr, stderr);
    assert.equal(full.report.capture.packets, packets);
    assert.deepEqual(frameList(full.report), frames);
    assert.deepEqual(full.report.findings, [{ code: 'capture-damaged', severity: 'error', message: `${path}: ${message}` }]);
    // A claimed length (2 GiB, or a block that cannot hold its own header) never sized an allocation.
    assert.ok(process.memoryUsage().rss - rssBefore < 256 << 20);
  });
}

test('not-captures: exit 3 naming the accepted formats, nothing on stdout', async () => {
  const cases: Array<[string, string]> = [
    ['bad-magic.pcap', `not a capture file (starts with 47 45 54 20); ${ACCEPTED}`],
    ['zero-length.pcap', `empty file, ${ACCEPTED}`],
    ['gzip-of-text.pcap.gz', `gzip-compressed, but the content is not a capture (starts with 6a 75 73 74); ${ACCEPTED}`],
  ];
  for (const [name, message] of cases) {
    const path = `${DIR}/not-captures/${name}`;
    for (const command of [...(await textCommands()), 'report']) {
      assert.deepEqual(await wsdissect(command, path), { code: 3, stdout: '', stderr: `wsdissect: ${path}: ${message}\n` }, `${command} ${name}`);
    }
  }
});

test('ws-length-2pow63.pcap: a frame claiming 2^63 bytes ends its direction, not the rest of the capture', async () => {
  const { code, stderr, report: r } = await report(`${DIR}/ws-length-2pow63.pcap`);
  assert.equal(code, 0);
  assert.equal(stderr, '');
  // The server's 2^63 frame swallows the server's later bytes (never completed, so not listed); the client's
  // frames after it and the second connection are all there.
  assert.deepEqual(frameList(r, 0), ['client text 6', 'server text 6', 'client text 36', 'client close 2']);
  assert.deepEqual(frameList(r, 1), ['client text 32', 'server text 32', 'client close 2', 'server close 2']);
  assert.ok(codes(r, 0).includes('frame-incomplete'));
  assert.deepEqual(codes(r, 1), []);
  const frames = await wsdissect('frames', `${DIR}/ws-length-2pow63.pcap`);
  assert.match(frames.stdout, /C→S +text +FIN +yes +36 +after: the client side still decodes\n/);
});

test('escape-sequences.pcap: capture text is shown escaped in text output, raw only inside the JSON strings', async () => {
  const path = `${DIR}/escape-sequences.pcap`;
  for (const command of await textCommands()) {
    for (const extra of [[], ['--all-tcp']]) {
      const run = await wsdissect(command, path, ...extra);
      if (run.code === 2) continue; // an option this command does not take
      assert.equal(run.code, 0, `${command} ${extra}`);
      assert.doesNotMatch(run.stdout, UNSAFE_FOR_TERMINAL, `${command} ${extra}`);
    }
  }
  const summary = (await wsdissect('summary', path, '--all-tcp')).stdout;
  assert.ok(summary.includes('ws://evil.example\\x1b]0;pwned\\x07/chat\\x9b2J'), summary);
  assert.ok(summary.includes('ws://127.0.0.2/\\x9b6n'));
  const frames = (await wsdissect('frames', path)).stdout;
  for (const shown of [
    '\\x1b[2J\\x1b[Hscreen cleared \\x1b]0;title\\x07',
    'bidi: invoice\\u202egpj.exe, C1: \\x9b31mred, line\\u2028separ…',
    '1b 5b 33 31 6d 00 07 08 7f 9b ff',
    '\\x1bP+q544e\\x1b\\ device control string',
    'code 4000 \\x1b[31mbye\\x1b[0m \\u202eesrever',
    'code 4000 \\x1b]52;c;cGF5bG9hZA==\\x07',
  ]) {
    assert.ok(frames.includes(shown), `frames shows ${shown}`);
  }
  // The report keeps the exact text (its JSON escapes make it terminal-safe, and parsing gives it back);
  // so does its NDJSON form.
  const ndjson = await wsdissect('report', '--ndjson', path, '--all-tcp', '--payload', 'full');
  assert.equal(ndjson.code, 0);
  assert.doesNotMatch(ndjson.stdout, UNSAFE_FOR_TERMINAL);
  assert.ok(ndjson.stdout.split('\n').filter(Boolean).some((line) => JSON.stringify(JSON.parse(line)).includes('Forbidden\u009b2J')));
  const { report: r } = await report(path, '--all-tcp');
  assert.equal(r.connections[0].handshake?.url, 'ws://evil.example\x1b]0;pwned\x07/chat\x9b2J');
  assert.equal(r.connections[0].messages[0].text, '\x1b[2J\x1b[Hscreen cleared \x1b]0;title\x07');
  assert.deepEqual(r.connections[0].frames.at(-1)?.close, { code: 4000, reason: '\x1b]52;c;cGF5bG9hZA==\x07' });
  assert.ok(r.connections[1].findings.some((f) => f.message === 'The server answered the upgrade with 403 Forbidden\x9b2J.'));
});

test('a file name full of escape sequences is shown escaped in messages and titles', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wsdissect-hostile-'));
  try {
    const path = join(dir, 'evil\x1b]0;owned\x07\u202e.pcap');
    copyFileSync(`${DIR}/truncated-mid-record.pcap`, path);
    const shown = join(dir, 'evil\\x1b]0;owned\\x07\\u202e.pcap');
    for (const command of await textCommands()) {
      const run = await wsdissect(command, path);
      assert.equal(run.code, 1);
      assert.doesNotMatch(run.stdout + run.stderr, UNSAFE_FOR_TERMINAL, command);
      assert.ok(run.stderr.startsWith(`wsdissect: ${shown}: damaged at byte 1121: `), run.stderr);
    }
    assert.ok((await wsdissect('summary', path)).stdout.startsWith(`${shown}: pcap, 11 packets`));
    const missing = await wsdissect('summary', `${path}.missing`);
    assert.equal(missing.code, 3);
    assert.doesNotMatch(missing.stderr, UNSAFE_FOR_TERMINAL);
    const usage = await wsdissect('frames', path, '--conn', '\x1b[2J');
    assert.equal(usage.code, 2);
    assert.ok(usage.stderr.includes("argument '\\x1b[2J' is invalid"), usage.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('proto-headers.pcap: __proto__, constructor, hasOwnProperty are plain data all the way through', async () => {
  const path = `${DIR}/proto-headers.pcap`;
  const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
  for (const command of await textCommands()) assert.equal((await wsdissect(command, path)).code, 0);
  const { code, report: r } = await report(path, '--payload', 'full', '--all-tcp');
  assert.equal(code, 0);
  // Nothing was written onto Object.prototype, and objects still behave.
  assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), prototypeKeys);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.prototype.constructor, Object);
  assert.equal(typeof ({}).hasOwnProperty, 'function');
  const connection = r.connections[0];
  const handshake = connection.handshake!;
  for (const headers of [handshake.request.headers, handshake.response!.headers]) {
    assert.deepEqual(
      headers.filter(([name]) => ['__proto__', 'constructor', 'hasOwnProperty', 'toString'].includes(name)),
      [['__proto__', '{"polluted": true}'], ['constructor', 'prototype'], ['hasOwnProperty', '1'], ['toString', 'x']],
    );
  }
  assert.equal(handshake.subprotocol, '__proto__');
  assert.deepEqual(connection.findings, []);
  assert.equal(connection.messages[0].text, '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}');
  assert.equal(connection.messages[2].text, '__proto__');
  assert.deepEqual(connection.frames.at(-1)?.close, { code: 1000, reason: 'constructor' });
});

test('deflate-bomb.pcap.gz: 1 GiB of inflated zeros stop at --max-message-bytes; the next message inflates', async () => {
  const path = `${DIR}/deflate-bomb.pcap.gz`;
  const rssBefore = process.memoryUsage().rss;
  const started = Date.now();
  const { code, report: r } = await report(path);
  assert.equal(code, 0);
  const [send, bomb, after] = r.connections[0].messages;
  assert.deepEqual([send.length, send.compressed, send.text], [7, false, 'send it']);
  assert.deepEqual([bomb.length, bomb.compressed, bomb.truncated], [64 << 20, true, true]);
  assert.deepEqual([after.length, after.compressed, after.text], [14, true, 'after the bomb']);
  assert.deepEqual(codes(r), ['inflate-limit-reached']);
  const small = (await report(path, '--max-message-bytes', '1M')).report.connections[0].messages[1];
  assert.deepEqual([small.length, small.truncated], [1 << 20, true]);
  assert.ok(Date.now() - started < 10_000, 'inflating stops at the limit instead of going on to 1 GiB');
  assert.ok(process.memoryUsage().rss - rssBefore < 768 << 20, 'memory follows the limit, not the 1 GiB');
});

test('out-of-order-hole.pcap: bytes held behind a hole are capped by --max-buffer, with a finding', async () => {
  const path = `${DIR}/out-of-order-hole.pcap`;
  const plain = (await report(path)).report;
  assert.ok(!codes(plain).includes('tcp-buffer-limit-reached'));
  const capped = await report(path, '--max-buffer', '8K');
  assert.equal(capped.code, 0);
  const overflow = capped.report.connections[0].findings.filter((f) => f.code === 'tcp-buffer-limit-reached');
  assert.deepEqual(overflow.map((f) => [f.packet, f.message]), [
    [24, 'Out-of-order bytes from the server outgrew the reassembly buffer (--max-buffer); the segment they waited for was given up as a gap.'],
  ]);
  // The client's frames, before and after, are all there either way.
  for (const r of [plain, capped.report]) {
    assert.deepEqual(frameList(r)?.filter((f) => f.startsWith('client')), ['client text 15', 'client text 30']);
  }
});

test('far-future.pcapng and time-runs-backwards.pcap: timestamps are reported as the capture has them', async () => {
  const far = `${DIR}/far-future.pcapng`;
  const backwards = `${DIR}/time-runs-backwards.pcap`;
  for (const path of [far, backwards]) {
    for (const command of await textCommands()) {
      const run = await wsdissect(command, path);
      assert.deepEqual([run.code, run.stderr], [0, ''], `${command} ${path}`);
    }
    const { code, report: r } = await report(path);
    assert.equal(code, 0);
    assert.equal(frameList(r)?.length, 8);
  }
  // 2^62 s after the epoch: beyond any calendar, still a number in the report.
  assert.ok((await report(far)).report.connections[0].frames.every((f) => (f as { ts?: number }).ts! > 2 ** 62));
  assert.match((await wsdissect('summary', backwards)).stdout, / 1000\/1000 .* -15\.0 s\n/);
});
