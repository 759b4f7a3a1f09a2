/**
 * `wsdissect tui` ends like the other commands: after the user quits, a capture that could not be read whole
 * leaves its message on stderr (file and byte offset for damage) and the exit code says which (README, "Exit
 * codes"); a whole capture leaves nothing. Run through runTui with a terminal of our own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';

// Ink draws nothing until exit when CI is set (it assumes a log, not a terminal), and decides so when it is
// loaded: this file waits for what is drawn, so CI is unset before the UI is imported.
delete process.env.CI;
delete process.env.CONTINUOUS_INTEGRATION;
const { runTui } = await import('../../src/tui/index.js');

/** A terminal: what the UI and the command write, in order, and keys to type. */
class FakeTerminal {
  /** Every write, tagged with the stream it went to. */
  readonly writes: { to: 'stdout' | 'stderr'; text: string }[] = [];
  readonly stdout = Object.assign(new EventEmitter(), {
    isTTY: true,
    columns: 100,
    rows: 30,
    write: (text: string) => {
      this.writes.push({ to: 'stdout', text });
      return true;
    },
  });
  private pending: string | null = null;
  readonly stdin = Object.assign(new EventEmitter(), {
    isTTY: true,
    setRawMode: () => {},
    setEncoding: () => {},
    ref: () => {},
    unref: () => {},
    resume: () => {},
    pause: () => {},
    read: () => {
      const key = this.pending;
      this.pending = null;
      return key;
    },
  });

  stderr = (text: string) => this.writes.push({ to: 'stderr', text });

  type(key: string): void {
    this.pending = key;
    this.stdin.emit('readable');
  }

  /** The text drawn so far, escape sequences left out. */
  screen(): string {
    return this.writes
      .filter((w) => w.to === 'stdout')
      .map((w) => w.text)
      .join('')
      .replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
  }

  async waitFor(text: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.screen().includes(text)) {
      assert.ok(Date.now() < deadline, `the screen never showed ${JSON.stringify(text)}:\n${this.screen().slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  stderrText(): string {
    return this.writes
      .filter((w) => w.to === 'stderr')
      .map((w) => w.text)
      .join('');
  }
}

/** Opens `file` in the UI, waits for `shown`, quits with q; the exit code and what went to stderr, and when. */
async function openAndQuit(file: string, shown: string): Promise<{ code: number; stderr: string; stderrAfterUi: boolean }> {
  const terminal = new FakeTerminal();
  const run = runTui([file], {
    toolVersion: 't',
    stdin: terminal.stdin as unknown as NodeJS.ReadStream,
    stdout: terminal.stdout as unknown as NodeJS.WriteStream,
    stderr: terminal.stderr,
  });
  await terminal.waitFor(shown);
  terminal.type('q');
  const code = await run;
  const leftScreen = terminal.writes.findIndex((w) => w.to === 'stdout' && w.text === '\u001b[?1049l');
  const firstStderr = terminal.writes.findIndex((w) => w.to === 'stderr');
  return { code, stderr: terminal.stderrText(), stderrAfterUi: firstStderr === -1 || (leftScreen !== -1 && firstStderr > leftScreen) };
}

test('tui on a damaged capture: after q, the message with file and byte offset on stderr, exit 1', async () => {
  const file = 'fixtures/hostile/truncated-mid-record.pcap';
  const message = `wsdissect: ${file}: damaged at byte 1121: packet record cut short: 30 of 62 captured bytes\n`;
  const run = await openAndQuit(file, 'capture damaged, read up to there');
  assert.equal(run.code, 1);
  assert.equal(run.stderr, message);
  assert.ok(run.stderrAfterUi, 'written once the UI left the alternate screen, so it stays on the terminal');
});

test('tui on a file that is not a capture: after q, the message naming the accepted formats on stderr, exit 3', async () => {
  const file = 'fixtures/hostile/not-captures/bad-magic.pcap';
  // What only the Failed screen shows (src/tui/app.tsx): the loading screen says "q quits" too, and a q that
  // arrives while loading cancels the analysis before its result is known.
  const run = await openAndQuit(file, 'not a capture file');
  assert.equal(run.code, 3);
  assert.match(run.stderr, /^wsdissect: fixtures\/hostile\/not-captures\/bad-magic\.pcap: not a capture file \(starts with 47 45 54 20\); .*pcapng.*\n$/);
  assert.ok(run.stderrAfterUi);
});

test('tui on a whole capture: nothing on stderr, exit 0', async () => {
  const run = await openAndQuit('fixtures/ws-close-client-1000.pcapng', 'WebSocket connections 1/1');
  assert.deepEqual({ code: run.code, stderr: run.stderr }, { code: 0, stderr: '' });
});
