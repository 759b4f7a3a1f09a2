/**
 * Where the output goes can fail too: a reader that stops early (`| head`), a full disk, an output file in a
 * missing directory. None of it may end in a stack trace; the built CLI runs as a process (npm test builds it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wsdissect } from './run.js';

const LARGE = 'fixtures/ws-large-message-1mib.pcapng';
const hasDevFull = existsSync('/dev/full');

test('a reader that goes away early (| head) ends the output quietly, exit 0', async () => {
  for (const args of [['report', LARGE, '--payload', 'full'], ['report', '--ndjson', LARGE, '--payload', 'full'], ['frames', LARGE]]) {
    const child = spawn(process.execPath, ['bin/wsdissect.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text) => (stderr += text));
    // Read the first piece, then close the pipe as `head -c 100` does.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', (exit) => resolve(exit)));
    assert.deepEqual({ code, stderr }, { code: 0, stderr: '' }, args.join(' '));
  }
});

test('stdout on a full disk: one line saying so, exit 3', { skip: !hasDevFull && 'no /dev/full' }, () => {
  const full = openSync('/dev/full', 'w');
  try {
    const run = spawnSync(process.execPath, ['bin/wsdissect.js', 'summary', 'fixtures/ws-text.pcapng'], {
      stdio: ['ignore', full, 'pipe'],
      encoding: 'utf8',
    });
    assert.equal(run.status, 3);
    assert.equal(run.stderr, 'wsdissect: cannot write the output: ENOSPC: no space left on device, write\n');
  } finally {
    closeSync(full);
  }
});

test('report -o on a full disk or into a missing directory: one line, exit 3', { skip: !hasDevFull && 'no /dev/full' }, async () => {
  assert.deepEqual(await wsdissect('report', 'fixtures/ws-text.pcapng', '-o', '/dev/full'), {
    code: 3,
    stdout: '',
    stderr: 'wsdissect: ENOSPC: no space left on device, write\n',
  });
  assert.deepEqual(await wsdissect('report', 'fixtures/ws-text.pcapng', '-o', '/no/such/dir/report.json'), {
    code: 3,
    stdout: '',
    stderr: "wsdissect: ENOENT: no such file or directory, open '/no/such/dir/report.json'\n",
  });
});

test('a report through a pipe read slowly is written as the reader takes it, and arrives whole', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wsdissect-pipe-'));
  try {
    for (const args of [['report', LARGE, '--payload', 'full'], ['report', '--ndjson', LARGE, '--payload', 'full']]) {
      const file = join(dir, 'report');
      assert.equal(spawnSync(process.execPath, ['bin/wsdissect.js', ...args, '-o', file]).status, 0);
      const child = spawn(process.execPath, ['bin/wsdissect.js', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
      const pieces: Buffer[] = [];
      let written = 0;
      child.stdout.on('data', (piece: Buffer) => {
        pieces.push(piece);
        // A pause after each piece read: the writer finds the pipe full again and again, and waits.
        child.stdout.pause();
        setTimeout(() => child.stdout.resume(), 2);
        written += piece.length;
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', (exit) => resolve(exit)));
      assert.equal(code, 0, args.join(' '));
      assert.ok(written > 1 << 20, `${written} bytes`);
      assert.ok(Buffer.concat(pieces).equals(readFileSync(file)), args.join(' '));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
