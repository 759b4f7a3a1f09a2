/**
 * The terminal UI on fixtures/hostile/escape-sequences.pcap (escape sequences, C1 controls and bidi overrides in
 * the URL, headers, a reason phrase, payloads and close reasons) and proto-headers.pcap: walking every
 * connection, every timeline row and every payload view never puts a raw control character on the screen; nor do
 * timestamps no calendar holds (far-future.pcapng) or time running backwards (time-runs-backwards.pcap) break it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createElement } from 'react';
import { analyzeCaptures } from '../../src/analysis/index.js';
import { Browser, TUI_RETAIN_BYTES } from '../../src/tui/index.js';
import { KEY, renderAt } from './render.js';

/** Anything a terminal would interpret, newline aside. Colours are off under test, so even SGR would show here. */
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

for (const fixture of ['escape-sequences.pcap', 'proto-headers.pcap', 'far-future.pcapng', 'time-runs-backwards.pcap']) {
  test(`tui on hostile/${fixture}: no screen ever carries a raw control character`, async () => {
    const { model } = await analyzeCaptures([`fixtures/hostile/${fixture}`], { retainBytes: TUI_RETAIN_BYTES });
    const ui = await renderAt(createElement(Browser, { model, toolVersion: '9.9.9' }), 120, 40);
    const check = () => {
      for (const frame of ui.frames) {
        const at = frame.search(UNSAFE);
        assert.equal(at, -1, `raw control character on screen: ${JSON.stringify(frame.slice(Math.max(0, at - 40), at + 40))}`);
      }
    };
    await ui.press('a'); // every TCP connection, the refused one too
    for (let connection = 0; connection < model.connections.length; connection++) {
      await ui.press(KEY.enter);
      const events = model.connections[connection].events?.length ?? 40;
      for (let row = 0; row < events; row++) {
        await ui.press(KEY.enter); // the event's detail
        for (const view of ['p', 'p', 'p']) await ui.press(view); // text, JSON, hex payload views
        await ui.press(KEY.escape, 'j');
      }
      await ui.press('f', 'f', 'f', 'f', 'f', 't', 't', 't', KEY.escape, 'j');
      check();
    }
    await ui.press('?');
    check();
    assert.ok(ui.frames.length > 50, `the walk drew ${ui.frames.length} screens`);
    // The hostile text was on screen, shown as visible escapes.
    const shown: Record<string, string[]> = {
      'escape-sequences.pcap': ['evil.example\\x1b]0;pwned\\x07', '\\x1b[2J\\x1b[Hscreen cleared'],
      'proto-headers.pcap': ['__proto__'],
      'far-future.pcapng': ['4611686020127388000 s since 1970'],
      'time-runs-backwards.pcap': ['-15.0 s'],
    };
    for (const text of shown[fixture]) assert.ok(ui.frames.some((frame) => frame.includes(text)), `some screen shows ${text}`);
    ui.unmount();
  });
}
