import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createElement } from 'react';
import type { CaptureModel, TimelineEvent } from '../../src/analysis/index.js';
import { Browser } from '../../src/tui/index.js';
import { connection, event, frame, message } from './helpers.js';
import { KEY, renderAt } from './render.js';

const EVENTS = 1_000_000;

/**
 * A connection with a million events (messages, pings, keepalive runs) over ten frames and messages; the events
 * array counts every element read, so the test sees how many events a screen touches.
 */
function largeModel() {
  const events: TimelineEvent[] = new Array(EVENTS);
  for (let i = 0; i < EVENTS; i++) {
    const ts = 1000 + i / 1000;
    const kind = i % 10;
    if (kind < 6) events[i] = event('ws-message', ts, { message: i % 10, length: 12, packet: i + 1 });
    else if (kind === 6) events[i] = event('ping', ts, { frame: 1, length: 4, packet: i + 1 });
    else events[i] = event('keepalive', ts, { packet: i + 1 });
  }
  let reads = 0;
  const counted = new Proxy(events, {
    get(target, key, receiver) {
      if (typeof key === 'string' && key.charCodeAt(0) <= 57) reads++;
      return Reflect.get(target, key, receiver);
    },
  });
  const conn = connection({
    id: 1,
    start: 1000,
    end: 1000 + EVENTS / 1000,
    frames: Array.from({ length: 10 }, (_, i) => frame(i, { opcode: i === 1 ? 9 : 1, opcodeName: i === 1 ? 'ping' : 'text', payload: Buffer.from(`frame ${i}`) })),
    messages: Array.from({ length: 10 }, (_, i) => message(i, { ts: 1000 + i * 100, data: Buffer.from(`message number ${i}`) })),
    events: counted,
  });
  const model: CaptureModel = {
    files: ['large.pcap'],
    format: 'pcap',
    packets: EVENTS,
    linkTypes: [1],
    tcpConnections: 1,
    webSocketConnections: 1,
    connections: [conn],
    findings: [],
  };
  return { model, reads: () => reads, reset: () => (reads = 0) };
}

test('a million-event timeline: a screen and each key touch only the visible events', async () => {
  const { model, reads, reset } = largeModel();
  const started = performance.now();
  const ui = await renderAt(createElement(Browser, { model, toolVersion: 't', initialState: { focus: 'timeline', fold: false } }), 80, 24);
  const firstScreen = performance.now() - started;
  assert.match(ui.screen(), /Timeline #1 1\/1000000/);
  // The unfolded view is the identity: the first screen reads the rows it shows (and the cursor's event) only.
  assert.ok(reads() < 200, `first screen read ${reads()} events`);
  // Time bounds only catch gross regressions (a loaded machine is slow); the read counts are the real check.
  assert.ok(firstScreen < 10_000, `first screen took ${firstScreen.toFixed(0)} ms`);

  for (const key of ['j', KEY.pageDown, 'G', KEY.pageUp, 'k', 'g']) {
    reset();
    const before = performance.now();
    await ui.press(key);
    const took = performance.now() - before;
    assert.ok(reads() < 200, `${JSON.stringify(key)} read ${reads()} events`);
    assert.ok(took < 3000, `${JSON.stringify(key)} took ${took.toFixed(0)} ms`);
  }
  await ui.press('G');
  assert.match(ui.screen(), /Timeline #1 1000000\/1000000/);
  assert.match(ui.screen(), /▶ +999\.999000 → keepalive/);
  ui.unmount();
});

test('folding a million events is one pass; moving in the folded view stays local', async () => {
  const { model, reads, reset } = largeModel();
  const ui = await renderAt(createElement(Browser, { model, toolVersion: 't', initialState: { focus: 'timeline', fold: false } }), 80, 24);
  reset();
  await ui.press('z');
  // One read per event to build the folded rows, plus the screen.
  assert.ok(reads() >= EVENTS && reads() < EVENTS + 500, `folding read ${reads()} events`);
  assert.match(ui.screen(), /Timeline #1 1\/800000 .* folded/);
  for (const key of ['G', KEY.pageUp, 'j']) {
    reset();
    await ui.press(key);
    assert.ok(reads() < 300, `${JSON.stringify(key)} read ${reads()} events`);
  }
  ui.unmount();
});
