/**
 * Colours on screen (the other tests run without them): kinds by family, the close red, the selected row in
 * reverse video. FORCE_COLOR must be set before Ink (and its chalk) load, hence the dynamic imports.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';

process.env.FORCE_COLOR = '1';
const { createElement } = await import('react');
const { Browser } = await import('../../src/tui/index.js');
const { analyzeFixture } = await import('./fixtures.js');
const { KEY, renderAt } = await import('./render.js');

const ESC = '\u001b';
const coloured = (code: number, text: string) => new RegExp(`${ESC}\\[${code}m${text}`);

test('timeline kinds are coloured by family: TCP grey, keepalive yellow, ping/pong cyan, text green, close red', async () => {
  const ui = await renderAt(createElement(Browser, { model: await analyzeFixture('ws-heartbeat.pcapng'), toolVersion: 't' }), 100, 60);
  await ui.press(KEY.enter);
  const screen = ui.screen();
  assert.match(screen, coloured(90, 'SYN-ACK'));
  assert.match(screen, coloured(36, 'ping'));
  assert.match(screen, coloured(36, 'pong'));
  assert.match(screen, coloured(32, 'text msg'));
  assert.match(screen, new RegExp(`${ESC}\\[31m(${ESC}\\[1m)?close|${ESC}\\[1m${ESC}\\[31mclose`));
  // The cursor row of the focused pane is in reverse video.
  assert.match(screen, new RegExp(`${ESC}\\[7m[^\\n]*▶`));
  ui.unmount();

  const idle = await renderAt(createElement(Browser, { model: await analyzeFixture('ws-keepalive-idle.pcapng'), toolVersion: 't' }), 100, 60);
  await idle.press(KEY.enter, 'z');
  assert.match(idle.screen(), coloured(33, 'keepalive'));
  idle.unmount();
});
