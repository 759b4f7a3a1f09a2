import type { ReactElement } from 'react';
import { render } from 'ink-testing-library';

export const tick = (ms = 20) => new Promise((resolve) => setTimeout(resolve, ms));

/** Keys as a terminal sends them. */
export const KEY = {
  enter: '\r',
  escape: '\u001b',
  tab: '\t',
  shiftTab: '\u001b[Z',
  up: '\u001b[A',
  down: '\u001b[B',
  pageUp: '\u001b[5~',
  pageDown: '\u001b[6~',
  backspace: '\u007f',
} as const;

/**
 * Renders at a terminal size (ink-testing-library's stdout is 100 columns with no rows; the UI follows
 * 'resize', as it does in a real terminal) and returns helpers that type keys and read the screen.
 */
export async function renderAt(element: ReactElement, columns = 80, rows = 24) {
  const instance = render(element);
  const drawn = instance.frames.length;
  resize(instance.stdout, columns, rows);
  await settle(instance.frames, drawn);
  return {
    ...instance,
    /** Types keys one at a time, each after the frame the previous one caused (or 1 s, for keys that change nothing). */
    async press(...keys: string[]) {
      for (const key of keys) {
        const drawn = instance.frames.length;
        instance.stdin.write(key);
        await settle(instance.frames, drawn);
      }
    },
    screen: () => instance.lastFrame() ?? '',
    /** Waits until the screen matches (for changes that come from outside the keys, like an analysis finishing). */
    async waitFor(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
      await until(() => pattern.test(instance.lastFrame() ?? ''), timeoutMs);
      return instance.lastFrame() ?? '';
    },
    async resize(newColumns: number, newRows: number) {
      const before = instance.frames.length;
      resize(instance.stdout, newColumns, newRows);
      await settle(instance.frames, before);
    },
  };
}

async function until(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await tick(2);
}

/** Waits for the first frame after `drawn` frames, then until no new frame comes for a moment (a key or a resize can draw twice). */
async function settle(frames: readonly string[], drawn: number): Promise<void> {
  await until(() => frames.length > drawn, 1000);
  for (let seen = frames.length; ; seen = frames.length) {
    await tick(15);
    if (frames.length === seen) return;
  }
}

function resize(stdout: NodeJS.EventEmitter, columns: number, rows: number): void {
  Object.defineProperty(stdout, 'columns', { value: columns, configurable: true });
  Object.defineProperty(stdout, 'rows', { value: rows, configurable: true });
  stdout.emit('resize');
}
