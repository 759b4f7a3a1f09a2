/**
 * bin/wsdissect.js run as a command (as `wsdissect` and `npx wsdissect` run it): /bin/sh reads its first lines
 * and starts node on it with --v8-pool-size=0. The CLI must behave exactly as under `node bin/wsdissect.js`,
 * arguments and exit codes intact, and the flag must reach node.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LAUNCHER = 'bin/wsdissect.js';
const FIXTURE = 'fixtures/ws-close-client-1000.pcapng';
const hasShell = existsSync('/bin/sh');

function asCommand(args: string[]) {
  return spawnSync(LAUNCHER, args, { encoding: 'utf8' });
}

function underNode(args: string[]) {
  return spawnSync(process.execPath, [LAUNCHER, ...args], { encoding: 'utf8' });
}

test('run as a command, the CLI prints what it prints under node, with the same exit code', { skip: !hasShell && 'no /bin/sh' }, () => {
  const statuses: (number | null)[] = [];
  for (const args of [['summary', FIXTURE], ['frames', FIXTURE], ['summary', 'fixtures/no-such-file.pcap'], ['--version']]) {
    const command = asCommand(args);
    const node = underNode(args);
    assert.deepEqual(
      { status: command.status, stdout: command.stdout, stderr: command.stderr },
      { status: node.status, stdout: node.stdout, stderr: node.stderr },
      args.join(' '),
    );
    statuses.push(command.status);
  }
  // Equal is not enough: the exit codes themselves must come through the shell.
  assert.deepEqual(statuses, [0, 0, 3, 0]);
});

test('run as a command, arguments reach the CLI unchanged (spaces, quotes, $)', { skip: !hasShell && 'no /bin/sh' }, () => {
  const directory = mkdtempSync(join(tmpdir(), 'wsdissect launcher $HOME "x" '));
  try {
    const capture = join(directory, "a capture's name.pcapng");
    copyFileSync(FIXTURE, capture);
    const run = asCommand(['summary', capture]);
    assert.equal(run.status, 0, run.stderr);
    assert.ok(run.stdout.startsWith(`${capture}: pcapng, 14 packets`), run.stdout);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('run as a command, node starts with --v8-pool-size=0', { skip: (!hasShell || !existsSync('/proc/self/cmdline')) && 'no /bin/sh or /proc' }, async () => {
  // Reading an empty pipe keeps the process alive long enough to read its command line.
  const child = spawn(LAUNCHER, ['summary', '/dev/stdin'], { stdio: ['pipe', 'ignore', 'ignore'] });
  try {
    // The shell's command line (/bin/sh bin/wsdissect.js ...) turns into node's once the shell execs it.
    let argv: string[] = [];
    for (let tries = 0; tries < 200 && !argv.includes('--v8-pool-size=0'); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      try {
        argv = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0');
      } catch {
        argv = []; // the process is being replaced
      }
    }
    assert.equal(argv[1], '--v8-pool-size=0', argv.join(' '));
    assert.ok(argv[2].endsWith(LAUNCHER), argv.join(' '));
  } finally {
    child.stdin.end();
    await new Promise((resolve) => child.on('close', resolve));
  }
});
