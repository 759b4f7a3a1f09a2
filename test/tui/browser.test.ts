import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createElement } from 'react';
import type { CaptureModel } from '../../src/analysis/index.js';
import { Browser } from '../../src/tui/index.js';
import type { UiState } from '../../src/tui/keys.js';
import { analyzeFixture } from './fixtures.js';
import { KEY, renderAt } from './render.js';

async function open(fixture: string, options: { columns?: number; rows?: number; state?: Partial<UiState> } = {}) {
  const model = await analyzeFixture(fixture);
  const ui = await renderAt(createElement(Browser, { model, toolVersion: '9.9.9', initialState: options.state }), options.columns ?? 80, options.rows ?? 24);
  return { model, ui };
}

/** The screen's lines, and the row holding the cursor in the pane whose title matches `pane`. */
const lines = (screen: string) => screen.split('\n');
const cursorLine = (screen: string) => lines(screen).find((line) => line.startsWith('▶')) ?? '';
const timelineCursor = (screen: string) => lines(screen).filter((line) => line.startsWith('▶')).at(-1) ?? '';

/** Presses j until the timeline cursor's row matches `pattern` (at most `limit` times). */
async function moveTo(ui: Awaited<ReturnType<typeof renderAt>>, pattern: RegExp, limit = 60) {
  for (let i = 0; i < limit && !pattern.test(timelineCursor(ui.screen())); i++) await ui.press('j');
  assert.match(timelineCursor(ui.screen()), pattern);
}

test('connections screen at 80x24: header, one row per WebSocket connection, footer keys', async () => {
  const { ui } = await open('http-mixed-ws.pcapng');
  const screen = ui.screen();
  const rows = lines(screen);
  assert.equal(rows.length, 24);
  assert.match(rows[0], /^ wsdissect {2}fixtures\/http-mixed-ws\.pcapng │ pcapng │ 156 packets │ 1 WebSocket/);
  // Ink drops trailing spaces.
  assert.equal(rows[1], ' WebSocket connections 1/1 · sort: start');
  assert.match(rows[2], /^▶ #8 +127\.0\.0\.1:51662 → :18020 \/ws +32 ms +3↑ 3↓ close 1000 *$/);
  assert.match(rows[3], /^activity [·▁▂▃▄▅▆▇█]+ +32 ms$/);
  assert.equal(rows[23], '? help  q quit  j/k move  Enter open  Tab pane  s sort  a all TCP  / search  e …');
  ui.unmount();
});

test('a lists every TCP connection; j/k move the selection; s cycles the sort', async () => {
  const { ui } = await open('http-mixed-ws.pcapng');
  await ui.press('a');
  assert.match(ui.screen(), / TCP connections 1\/9 · sort: start/);
  assert.match(cursorLine(ui.screen()), /^▶ #0 .*\(TCP only\) +\d+ ms +0↑ 0↓ FIN *$/);
  await ui.press('j', KEY.down, 'k');
  assert.match(cursorLine(ui.screen()), /^▶ #1 /);
  await ui.press('s');
  assert.match(ui.screen(), / TCP connections \d\/9 · sort: duration/);
  assert.match(ui.screen(), /sorted by duration/);
  // The selection follows the connection, not the row.
  assert.match(cursorLine(ui.screen()), /^▶ #1 /);
  await ui.press('s', 's', 's');
  assert.match(ui.screen(), /sort: start/);
  await ui.press('a');
  assert.match(ui.screen(), / WebSocket connections 1\/1/);
  ui.unmount();
});

test('Enter opens the timeline; t cycles relative, absolute and delta time', async () => {
  const { ui, model } = await open('ws-heartbeat.pcapng');
  await ui.press(KEY.enter);
  assert.match(ui.screen(), / Timeline #0 1\/\d+ · time: relative · filter: all · folded/);
  assert.match(timelineCursor(ui.screen()), /^▶ +0\.000000 → SYN/);
  await ui.press('t');
  const start = model.connections[0].start;
  const clock = new Date(Math.floor(start) * 1000).toISOString().slice(11, 19);
  assert.match(timelineCursor(ui.screen()), new RegExp(`^▶${clock}\\.\\d{6} → SYN`));
  await ui.press('t', 'j');
  assert.match(ui.screen(), /time: delta/);
  assert.match(timelineCursor(ui.screen()), /^▶ +\+0\.\d{6} ← SYN-ACK/);
  await ui.press('t');
  assert.match(ui.screen(), /time: relative/);
  ui.unmount();
});

test('f filters the timeline by kind: control shows pings, pongs with their round trip, and the closes', async () => {
  const { ui } = await open('ws-heartbeat.pcapng', { rows: 40 });
  await ui.press(KEY.enter, 'f');
  assert.match(ui.screen(), /filter: data/);
  assert.doesNotMatch(ui.screen(), / ping /);
  await ui.press('f');
  const screen = ui.screen();
  assert.match(screen, /filter: control/);
  assert.match(screen, /← ping +0 B/);
  assert.match(screen, /→ pong +0 B +rtt \d+\.\d ms/);
  assert.match(screen, /→ ping +16 B +client heartbeat/);
  assert.match(screen, /close +\d+ B +1000 normal closure "bye"/);
  assert.doesNotMatch(screen, /SYN/);
  await ui.press('f');
  assert.match(ui.screen(), /filter: tcp/);
  assert.match(ui.screen(), /SYN-ACK/);
  await ui.press('f', 'f');
  assert.match(ui.screen(), /filter: all/);
  ui.unmount();
});

test('close frame detail: every header field, the code meaning and the reason', async () => {
  const { ui } = await open('ws-close-client-1000.pcapng');
  await ui.press(KEY.enter, 'f', 'f');
  await moveTo(ui, /→ close/);
  await ui.press(KEY.enter);
  const screen = ui.screen();
  assert.match(screen, /Detail · ws-close/);
  assert.match(screen, /close {2}client 127\.0\.0\.1:41798 → 127\.0\.0\.1:18001/);
  assert.match(screen, /FIN 1 {2}RSV1 0 {2}RSV2 0 {2}RSV3 0 {2}opcode 0x8 close/);
  assert.match(screen, /MASK 1 {2}masking key 0x[0-9a-f]{8}/);
  assert.match(screen, /payload length 5 {2}encoding 7-bit {2}header 6 bytes/);
  assert.match(screen, /close code 1000 normal closure {2}reason "bye"/);
  assert.match(screen, /Close reason\nbye/);
  await ui.press('p', 'p');
  assert.match(ui.screen(), /00000000 {2}03 e8 62 79 65 +\|\.\.bye\|/);
  await ui.press(KEY.escape);
  assert.match(ui.screen(), / Timeline #0/);
  await ui.press(KEY.escape);
  assert.match(lines(ui.screen()).at(-1)!, /Enter open/);
  ui.unmount();
});

test('handshake detail: request and response heads, and the Accept check', async () => {
  const { ui } = await open('ws-close-client-1000.pcapng', { rows: 40 });
  await ui.press(KEY.enter);
  await moveTo(ui, /HTTP req/);
  await ui.press(KEY.enter);
  const screen = ui.screen();
  assert.match(screen, /GET \/chat HTTP\/1\.1/);
  assert.match(screen, /Sec-WebSocket-Key: T1dNTfktkkJZMChaWFH0bA==/);
  assert.match(screen, /HTTP\/1\.1 101 Switching Protocols/);
  assert.match(screen, /Sec-WebSocket-Accept: yoRIBH41hz8c9jvQLAUhe6zsb1c=/);
  assert.match(screen, /Sec-WebSocket-Accept ✓ matches base64\(SHA-1\(Sec-WebSocket-Key \+ GUID\)\)/);
  ui.unmount();
});

test('payload views: p cycles text, JSON and hex; j/k scroll the detail', async () => {
  const { ui } = await open('ws-fragmented.pcapng', { rows: 30 });
  await ui.press(KEY.enter);
  await moveTo(ui, /← binary… +40 B/);
  await ui.press(KEY.enter);
  assert.match(ui.screen(), /FIN 0 .*opcode 0x2 binary/);
  assert.match(ui.screen(), /Payload: 40 bytes {2}\[text\]/);
  await ui.press('p');
  assert.match(ui.screen(), /\[json\][^\n]*\nthe payload is not UTF-8 text/);
  await ui.press('p');
  assert.match(ui.screen(), /\[hex\]/);
  assert.match(ui.screen(), /00000000 {2}a0 a0 a0 a0 a0 a0 a0 a0 {2}a0 a0 a0 a0 a0 a0 a0 a0 {2}\|\.{16}\|/);
  assert.match(ui.screen(), /00000020 {2}a0 a0 a0 a0 a0 a0 a0 a0 +\|\.{8}\|/);
  await ui.resize(80, 14);
  const before = lines(ui.screen())[2];
  await ui.press('j');
  assert.notEqual(lines(ui.screen())[2], before, 'the detail scrolled by a line');
  await ui.press('k');
  assert.equal(lines(ui.screen())[2], before);
  ui.unmount();
});

test('/ searches payloads, n/N walk the matches, a regex works, no match says so', async () => {
  const { ui } = await open('ws-fragmented.pcapng');
  await ui.press(KEY.enter, '/');
  assert.match(ui.screen(), /\/ search text \(Tab: regex\): █/);
  for (const c of 'empty final') await ui.press(c);
  await ui.press(KEY.enter);
  assert.match(timelineCursor(ui.screen()), /an empty final fragment|ends with an empty final fragment/);
  const status = lines(ui.screen()).at(-1)!;
  const [, , total] = /^match (\d+)\/(\d+)/.exec(status) ?? [];
  assert.ok(Number(total) >= 1, status);
  await ui.press('n');
  assert.match(lines(ui.screen()).at(-1)!, new RegExp(`^match \\d+/${total}`));
  await ui.press('N');
  assert.match(lines(ui.screen()).at(-1)!, new RegExp(`^match \\d+/${total}`));
  await ui.press('/', KEY.tab);
  assert.match(ui.screen(), /\/ search regex \(Tab: text\): █/);
  for (const c of 'spl.t') await ui.press(c);
  await ui.press(KEY.enter);
  assert.match(ui.screen(), /\/spl\.t\/ \d+ matches/);
  assert.match(lines(ui.screen()).at(-1)!, /^match \d+\/\d+/);
  await ui.press('/');
  for (const c of 'zebra') await ui.press(c);
  await ui.press(KEY.enter);
  assert.match(lines(ui.screen()).at(-1)!, /^no match for regex "zebra"/);
  ui.unmount();
});

test('z folds and unfolds runs of keepalives; Enter on a fold unfolds it', async () => {
  const model = await analyzeFixture('ws-keepalive-idle.pcapng');
  const ui = await renderAt(createElement(Browser, { model, toolVersion: 't' }), 100, 40);
  await ui.press(KEY.enter);
  const folded = ui.screen();
  const total = Number(/Timeline #0 1\/(\d+)/.exec(folded)![1]);
  await ui.press('z');
  const unfolded = ui.screen();
  assert.doesNotMatch(unfolded, /folded/);
  const all = Number(/Timeline #0 1\/(\d+)/.exec(unfolded)![1]);
  assert.ok(all > total, `unfolding shows more rows (${all} > ${total})`);
  assert.match(unfolded, /keepalive/);
  await ui.press('z');
  assert.match(ui.screen(), /· folded/);
  if (/⋯ \d+ folded/.test(ui.screen())) {
    await moveTo(ui, /⋯ \d+ folded/);
    await ui.press(KEY.enter);
    assert.doesNotMatch(ui.screen(), /· folded/);
  }
  ui.unmount();
});

test('Tab and Shift-Tab move between panes; ? shows the help; q quits', async () => {
  const { ui } = await open('ws-close-client-1000.pcapng');
  await ui.press(KEY.tab);
  assert.match(lines(ui.screen()).at(-1)!, /^\? help {2}q quit {2}Enter detail/);
  await ui.press(KEY.tab);
  assert.match(lines(ui.screen()).at(-1)!, /^\? help {2}q quit {2}j\/k scroll {2}Esc back {2}p payload/);
  await ui.press(KEY.shiftTab, KEY.shiftTab);
  assert.match(lines(ui.screen()).at(-1)!, /^\? help {2}q quit {2}j\/k move {2}Enter open/);
  await ui.press('?');
  assert.match(ui.screen(), /Keys\n/);
  assert.match(ui.screen(), /f {17}timeline filter: all, data, control, tcp, findings/);
  await ui.press(KEY.escape);
  assert.doesNotMatch(ui.screen(), /Keys\n/);
  assert.equal(ui.stdin.listenerCount('readable') > 0, true);
  await ui.press('q');
  assert.equal(ui.stdin.listenerCount('readable'), 0, 'the app exited and stopped reading keys');
  ui.unmount();
});

test('e exports the connection JSON (buildReport, one connection) and, from the detail pane, the payload', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wsdissect-tui-'));
  try {
    const { ui, model } = await open('ws-close-client-1000.pcapng');
    await ui.press('e');
    assert.match(ui.screen(), /export connection JSON to: wsdissect-connection-0\.json█/);
    for (let i = 0; i < 'wsdissect-connection-0.json'.length; i++) await ui.press(KEY.backspace);
    const path = join(dir, 'conn.json');
    await ui.press(path, KEY.enter);
    assert.match(ui.screen(), /wrote \d+ bytes to /);
    const report = JSON.parse(readFileSync(path, 'utf8')) as { schemaVersion: number; tool: { version: string }; connections: { id: number }[] };
    assert.equal(report.schemaVersion, 1);
    assert.equal(report.tool.version, '9.9.9');
    assert.deepEqual(report.connections.map((c) => c.id), [0]);

    await ui.press(KEY.enter);
    await moveTo(ui, /→ text msg +19 B/);
    await ui.press(KEY.enter, 'e');
    assert.match(ui.screen(), /export payload to: wsdissect-connection-0-(frame|message)-\d+\.bin█/);
    await ui.press('\u0015', join(dir, 'payload.bin'), KEY.enter);
    assert.equal(readFileSync(join(dir, 'payload.bin'), 'utf8'), 'hello, I will close');
    assert.equal(model.connections[0].messages[0].data.toString(), 'hello, I will close');
    ui.unmount();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the layout follows resizes: side by side detail on wide terminals, detail in place of the timeline at 80', async () => {
  const { ui } = await open('ws-close-client-1000.pcapng');
  assert.doesNotMatch(ui.screen(), /Connection #0/);
  await ui.resize(140, 30);
  let rows = lines(ui.screen());
  assert.equal(rows.length, 30);
  assert.match(ui.screen(), /Connection #0/, 'the overview of the selected connection');
  assert.match(ui.screen(), /ended close 1000/);
  assert.match(ui.screen(), /Clean close by the client/);
  await ui.press(KEY.enter, 'j');
  assert.match(ui.screen(), /Detail · tcp-syn-ack/);
  await ui.resize(80, 24);
  rows = lines(ui.screen());
  assert.equal(rows.length, 24);
  assert.doesNotMatch(ui.screen(), /Detail ·/);
  await ui.press(KEY.enter);
  assert.match(ui.screen(), /Detail · tcp-syn-ack/);
  assert.doesNotMatch(ui.screen(), /Timeline #/);
  ui.unmount();
});

test('capture text is sanitized everywhere: URL, headers, payload previews and detail', async () => {
  const model = await analyzeFixture('ws-close-client-1000.pcapng');
  const conn = model.connections[0];
  const evil = '\u001b]0;pwned\u0007\u001b[2J\u202e';
  conn.handshake!.url = `ws://x/${evil}`;
  conn.handshake!.request.headers.push(['X-Evil', evil]);
  conn.messages[0].data = Buffer.from(`hi${evil}`);
  for (const f of conn.frames) if (f.opcodeName === 'text') f.payload = Buffer.from(`hi${evil}`);
  const damaged: CaptureModel = { ...model, files: [`cap${evil}.pcap`] };
  const ui = await renderAt(createElement(Browser, { model: damaged, toolVersion: 't' }), 160, 40);
  const screens = [ui.screen()];
  await ui.press(KEY.enter);
  await moveTo(ui, /HTTP req/);
  screens.push(ui.screen());
  await moveTo(ui, /hi/);
  await ui.press(KEY.enter);
  screens.push(ui.screen());
  for (const screen of screens) {
    assert.doesNotMatch(screen, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/, 'no raw control character reaches the terminal');
  }
  assert.match(screens[0], /cap\\x1b\]0;pwned\\x07\\x1b\[2J\\u202e\.pcap/);
  assert.match(screens[1], /X-Evil: \\x1b\]0;pwned\\x07/);
  assert.match(screens[2], /hi\\x1b\]0;pwned\\x07\\x1b\[2J\\u202e/);
  ui.unmount();
});

test('an Esc that reaches the UI joined to the next key (ESC f, as Alt-f) is Esc, then the key', async () => {
  const { ui } = await open('ws-close-client-1000.pcapng');
  await ui.press(KEY.enter, KEY.enter);
  assert.match(ui.screen(), /Detail · /);
  await ui.press('\u001bf');
  assert.match(ui.screen(), / Timeline #0 .*filter: data/);
  assert.match(lines(ui.screen()).at(-1)!, /Enter detail/, 'the timeline has the focus');
  ui.unmount();
});
