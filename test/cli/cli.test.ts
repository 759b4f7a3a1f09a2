/**
 * The command line as a user meets it: help, version, usage errors (exit 2), unreadable and non-capture files
 * (exit 3), the default command, frames --conn, report -o and the payload modes. main() runs in-process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wsdissect } from './run.js';

const MIXED = 'fixtures/http-mixed-ws.pcapng'; // 9 TCP connections, only connection 8 is WebSocket (8 frames)
const LARGE = 'fixtures/ws-large-message-1mib.pcapng'; // a 1 MiB binary message in one frame, then a text one
const ACCEPTED = 'expected pcap, pcapng, or either gzip-compressed';
const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

test('--help lists the commands; each command has its own help with the limits', async () => {
  const help = await wsdissect('--help');
  assert.equal(help.code, 0);
  assert.equal(help.stderr, '');
  assert.match(help.stdout, /^Usage: wsdissect \[options\] \[command\]/);
  for (const command of ['summary', 'frames', 'report']) assert.match(help.stdout, new RegExp(`^  ${command} `, 'm'));
  for (const command of ['summary', 'frames', 'report']) {
    const own = await wsdissect(command, '--help');
    assert.equal(own.code, 0);
    assert.match(own.stdout, new RegExp(`^Usage: wsdissect ${command} \\[options\\] <captures\\.\\.\\.>`));
    assert.match(own.stdout, /--max-buffer <bytes>[\s\S]*\(default: 16M\)/);
    assert.match(own.stdout, /--max-message-bytes <bytes>[\s\S]*\(default: 64M\)/);
  }
});

test('--version and -V print the package version', async () => {
  for (const flag of ['--version', '-V']) {
    assert.deepEqual(await wsdissect(flag), { code: 0, stdout: `${version}\n`, stderr: '' });
  }
});

test('usage errors exit 2 with the reason and a pointer to --help, and print nothing on stdout', async () => {
  const cases: Array<[string[], string]> = [
    [['frames'], "error: missing required argument 'captures'"],
    [['summary', '--bogus', MIXED], "error: unknown option '--bogus'"],
    [['frames', MIXED, '--conn', 'abc'], "error: option '--conn <id>' argument 'abc' is invalid. expected a connection id (0, 1, 2, ...)"],
    [['frames', MIXED, '--conn', '-1'], "error: option '--conn <id>' argument '-1' is invalid. expected a connection id (0, 1, 2, ...)"],
    [['report', MIXED, '--payload', 'some'], "error: option '--payload <mode>' argument 'some' is invalid. Allowed choices are none, preview, full."],
    [['summary', MIXED, '--max-buffer', '12X'], "error: option '--max-buffer <bytes>' argument '12X' is invalid. expected a byte count such as 16777216, 16M or 512K"],
    [['summary', MIXED, '--max-buffer', '0'], "error: option '--max-buffer <bytes>' argument '0' is invalid. expected a byte count such as 16777216, 16M or 512K"],
    [['report', MIXED, '--max-message-bytes', '1G'], "error: option '--max-message-bytes <bytes>' argument '1G' is invalid. at most 256M"],
  ];
  for (const [args, message] of cases) {
    const run = await wsdissect(...args);
    assert.deepEqual(run, { code: 2, stdout: '', stderr: `${message}\n(run with --help for usage)\n` }, args.join(' '));
  }
});

test('byte counts take K, M and G (binary) units', async () => {
  const plain = await wsdissect('summary', MIXED);
  for (const size of ['16777216', '16M', '16384K', '16MiB', '1g']) {
    assert.deepEqual(await wsdissect('summary', MIXED, '--max-buffer', size), plain, size);
  }
});

test('a missing file exits 3 and says why; so does a directory', async () => {
  assert.deepEqual(await wsdissect('summary', 'no-such.pcap'), {
    code: 3,
    stdout: '',
    stderr: "wsdissect: no-such.pcap: cannot read: ENOENT: no such file or directory, open 'no-such.pcap'\n",
  });
  const directory = await wsdissect('frames', 'fixtures');
  assert.equal(directory.code, 3);
  assert.equal(directory.stdout, '');
  assert.match(directory.stderr, /^wsdissect: fixtures: cannot read: EISDIR/);
});

test('a file that is no capture exits 3 naming the accepted formats', async () => {
  for (const command of ['summary', 'frames', 'report']) {
    assert.deepEqual(await wsdissect(command, 'package.json'), {
      code: 3,
      stdout: '',
      stderr: `wsdissect: package.json: not a capture file (starts with 7b 0a 20 20); ${ACCEPTED}\n`,
    });
  }
});

test('wsdissect FILE is wsdissect summary FILE', async () => {
  const summary = await wsdissect('summary', MIXED);
  assert.equal(summary.code, 0);
  assert.deepEqual(await wsdissect(MIXED), summary);
  assert.deepEqual(await wsdissect(MIXED, '--all-tcp'), await wsdissect('summary', MIXED, '--all-tcp'));
});

test('summary: one row per WebSocket connection, or per TCP connection with --all-tcp; the title counts both', async () => {
  const title = `${MIXED}: pcapng, 156 packets, 1 WebSocket connection (9 TCP)`;
  const webSocket = (await wsdissect('summary', MIXED)).stdout.split('\n');
  assert.equal(webSocket[0], title);
  assert.match(webSocket[2], /^ID +CLIENT +SERVER +URL +STATUS +FRAMES C\/S +MSGS C\/S +CLOSE C\/S +ENDED +DURATION$/);
  assert.match(webSocket[3], /^ 8 +127\.0\.0\.1:51662 +127\.0\.0\.1:18020 +ws:\/\/127\.0\.0\.1:18020\/ws +101 +4\/4 +3\/3 +1000\/1000 +close 1000\/1000 fin +32 ms$/);
  assert.equal(webSocket.filter((line) => /^ *\d+ /.test(line)).length, 1);
  const all = (await wsdissect('summary', MIXED, '--all-tcp')).stdout.split('\n');
  assert.equal(all[0], title);
  assert.deepEqual(
    all.filter((line) => /^ *\d+ /.test(line)).map((line) => Number(line.trim().split(' ')[0])),
    [0, 1, 2, 3, 4, 5, 6, 7, 8],
  );
});

test('frames lists every WebSocket frame; --conn picks one connection, whatever it carried', async () => {
  const frames = await wsdissect('frames', MIXED);
  assert.equal(frames.code, 0);
  const lines = frames.stdout.trimEnd().split('\n');
  assert.match(lines[0], /^PACKET +TIME +CONN +DIR +OPCODE +FLAGS +MASK +LENGTH +INFO$/);
  assert.equal(lines.length, 1 + 8);
  assert.match(lines[1], /^ +114 +0\.011978 +8 +C→S +text +FIN +yes +15 +subscribe items$/);
  assert.deepEqual(await wsdissect('frames', MIXED, '--conn', '8'), frames);
  assert.deepEqual(await wsdissect('frames', MIXED, '--conn', '0'), { code: 0, stdout: '(no WebSocket frames)\n', stderr: '' });
  assert.deepEqual(await wsdissect('frames', MIXED, '--conn', '99'), { code: 0, stdout: '(no WebSocket frames)\n', stderr: '' });
});

test('report -o FILE writes the same report that goes to stdout without it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wsdissect-cli-'));
  try {
    const file = join(dir, 'report.json');
    const toFile = await wsdissect('report', MIXED, '-o', file);
    assert.deepEqual(toFile, { code: 0, stdout: '', stderr: '' });
    const toStdout = await wsdissect('report', MIXED);
    assert.equal(readFileSync(file, 'utf8'), toStdout.stdout);
    const report = JSON.parse(toStdout.stdout);
    assert.equal(report.schemaVersion, 1);
    assert.deepEqual(report.capture, { files: [MIXED], format: 'pcapng', packets: 156, linkTypes: [1] });
    assert.deepEqual(report.connections.map((c: { id: number }) => c.id), [8]);
    assert.deepEqual(JSON.parse((await wsdissect('report', MIXED, '--all-tcp')).stdout).connections.map((c: { id: number }) => c.id), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--payload none leaves payloads out, preview keeps 256 bytes, full keeps every byte', async () => {
  const parsed = async (mode: string) => JSON.parse((await wsdissect('report', LARGE, '--payload', mode)).stdout).connections[0];
  const none = await parsed('none');
  assert.equal('payload' in none.frames[0], false);
  assert.equal('data' in none.messages[0] || 'text' in none.messages[0], false);
  assert.equal(none.messages[0].length, 1 << 20);

  const preview = await parsed('preview');
  assert.deepEqual({ ...preview.frames[0].payload, data: preview.frames[0].payload.data.length }, { encoding: 'base64', data: 344, truncated: true });
  assert.equal(Buffer.from(preview.messages[0].data, 'base64').length, 256);
  assert.equal(preview.messages[0].truncated, true);
  assert.deepEqual(preview.messages[1].text.length, 22);

  const full = await parsed('full');
  const bytes = Buffer.from(full.messages[0].data, 'base64');
  assert.equal(bytes.length, 1 << 20);
  assert.equal(full.messages[0].truncated, false);
  assert.equal(full.frames[0].payload.truncated, false);
  assert.deepEqual(Buffer.from(full.frames[0].payload.data, 'base64'), bytes);
  assert.deepEqual(bytes.subarray(0, 256), Buffer.from(preview.messages[0].data, 'base64'));
});
