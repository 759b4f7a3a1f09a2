/**
 * End to end: the built binary (`npm run build`) in a real terminal (tmux), driven by keys: open a capture,
 * navigate to a close frame, open its detail, search, quit. Skipped only when tmux is not installed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
// A server of our own, so no other tmux session is touched.
const SOCKET = `wsdissect-tui-e2e-${process.pid}`;

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
}

const screen = () => tmux('capture-pane', '-p', '-t', 'ui');

/** Polls the pane until `pattern` shows (the UI draws asynchronously). */
async function waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = screen();
    if (pattern.test(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`the screen never showed ${pattern}:\n${last}`);
}

async function keys(...names: string[]): Promise<void> {
  for (const name of names) {
    tmux('send-keys', '-t', 'ui', name);
    await new Promise((resolve) => setTimeout(resolve, 60));
  }
}

test('wsdissect tui in tmux: open, go to the close frame, its detail, search, quit', { skip: hasTmux ? false : 'tmux is not installed' }, async () => {
  assert.ok(existsSync('dist/cli/main.js'), 'dist/ is missing: run npm run build first');
  // Ink draws nothing until exit when CI is set (it assumes a log, not a terminal); a terminal is what this is.
  const command = 'env -u CI node bin/wsdissect.js tui fixtures/ws-close-client-1000.pcapng; echo EXIT=$?; sleep 10';
  tmux('new-session', '-d', '-s', 'ui', '-x', '100', '-y', '30', command);
  try {
    let shown = await waitFor(/WebSocket connections 1\/1/);
    assert.match(shown, /▶ #0 +127\.0\.0\.1:41798 → :18001 ws:\/\/127\.0\.0\.1:18001\/chat +51 ms +1↑ 1↓ close 1000/);

    // The first key right after the browser appears counts (raw mode never lapses between loading and browsing).
    await keys('s');
    await waitFor(/sort: duration/);
    await keys('Enter');
    await waitFor(/Timeline #0 1\/\d+/);
    await keys('f', 'f');
    await waitFor(/filter: control/);
    await keys('G');
    shown = await waitFor(/▶ +0\.\d{6} ← close +5 B +1000 normal closure "bye"/);

    await keys('Enter');
    shown = await waitFor(/Detail · ws-close/);
    assert.match(shown, /FIN 1 {2}RSV1 0 {2}RSV2 0 {2}RSV3 0 {2}opcode 0x8 close/);
    assert.match(shown, /MASK 0 {2}masking key -/);
    assert.match(shown, /close code 1000 normal closure {2}reason "bye"/);

    await keys('Escape');
    await waitFor(/q quit {2}Enter detail/);
    await keys('f', 'f', 'f', '/');
    await waitFor(/\/ search text/);
    await keys('close', 'Enter');
    shown = await waitFor(/match 1\/\d+/);
    assert.match(shown, /Timeline #0 \d+\/\d+ · time: relative · filter: all · folded · \/close\/ \d+ matches/);
    assert.match(shown, /▶.*hello, I will close/);

    await keys('q');
    shown = await waitFor(/EXIT=0/);
    assert.doesNotMatch(shown, /Timeline/, 'the alternate screen is gone');
  } finally {
    tmux('kill-server');
  }
});
