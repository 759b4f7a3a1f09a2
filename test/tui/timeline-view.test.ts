import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FindingIndex } from '../../src/tui/events.js';
import { buildTimelineView, compileQuery, nextMatch, searchRows, type TimelineView } from '../../src/tui/timeline-view.js';
import { finding } from '../../src/findings/index.js';
import { connection, event, frame, message } from './helpers.js';

const frames = [
  frame(0, { payload: Buffer.from('hello'), ts: 1001 }),
  frame(1, { opcode: 9, opcodeName: 'ping', payload: Buffer.from('are you there'), ts: 1002 }),
  frame(2, { payload: Buffer.from('Hello again'), direction: 'server', ts: 1005 }),
];
const events = [
  event('tcp-syn', 1000),
  event('ws-frame', 1001, { frame: 0, length: 5 }),
  event('ws-message', 1001, { message: 0, length: 5 }),
  event('keepalive', 1002.1),
  event('keepalive-ack', 1002.2, { direction: 'server' }),
  event('keepalive', 1003.1),
  event('ping', 1002, { frame: 1, length: 13 }),
  event('keepalive', 1004),
  event('ws-frame', 1005, { frame: 2, direction: 'server', length: 11 }),
  event('ws-message', 1005, { message: 1, direction: 'server', length: 11 }),
  event('tcp-fin', 1009),
];
const conn = connection({
  frames,
  messages: [message(0, { data: Buffer.from('hello') }), message(1, { data: Buffer.from('Hello again'), direction: 'server', frames: [2] })],
  events,
  findings: [finding('text-invalid-utf8', 'bad', { frame: 2, packet: 12 })],
});
const findings = new FindingIndex(conn.findings);

function rows(view: TimelineView): string[] {
  return Array.from({ length: view.length }, (_, r) => `${view.first(r)}-${view.last(r)}x${view.count(r)}`);
}

test('no filter and no folding: one row per event, built without touching them', () => {
  const touched: number[] = [];
  const watched = new Proxy(events, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) touched.push(Number(key));
      return Reflect.get(target, key, receiver);
    },
  });
  const view = buildTimelineView(conn, watched, findings, 'all', false);
  assert.equal(view.length, 11);
  assert.deepEqual(touched, []);
  assert.equal(view.rowOf(4), 4);
  assert.equal(view.rowOf(99), 10);
});

test('folding joins runs of keepalives and ACKs into one row, and a one-frame message into its message row', () => {
  const view = buildTimelineView(conn, events, findings, 'all', true);
  assert.deepEqual(rows(view), ['0-0x1', '2-2x1', '3-5x3', '6-6x1', '7-7x1', '9-9x1', '10-10x1']);
  assert.equal(view.rowOf(4), 2, 'an event inside a fold maps to the fold row');
  assert.equal(view.rowOf(1), 0, 'a frame folded into its message maps to the row before it');
  assert.equal(view.rowOf(6), 3);
});

test('filters keep data, control, TCP or findings events', () => {
  assert.deepEqual(rows(buildTimelineView(conn, events, findings, 'data', false)), ['1-1x1', '2-2x1', '8-8x1', '9-9x1']);
  assert.deepEqual(rows(buildTimelineView(conn, events, findings, 'control', false)), ['6-6x1']);
  assert.deepEqual(rows(buildTimelineView(conn, events, findings, 'tcp', true)), ['0-0x1', '3-7x4', '10-10x1'], 'the fold spans the hidden ping');
  assert.deepEqual(rows(buildTimelineView(conn, events, findings, 'findings', false)), ['8-8x1']);
  const data = buildTimelineView(conn, events, findings, 'data', false);
  assert.equal(data.rowOf(5), 1, 'a hidden event maps to the row before it');
});

test('search: text is literal and case-insensitive, regex compiles or says why', () => {
  const view = buildTimelineView(conn, events, findings, 'all', true);
  assert.deepEqual(searchRows(conn, events, view, compileQuery({ pattern: 'hello', regex: false }) as RegExp), [1, 5]);
  assert.deepEqual(searchRows(conn, events, view, compileQuery({ pattern: 'a.*n', regex: true }) as RegExp), [5]);
  assert.deepEqual(searchRows(conn, events, view, compileQuery({ pattern: 'a.*n', regex: false }) as RegExp), []);
  assert.equal(typeof compileQuery({ pattern: '(', regex: true }), 'string');
});

test('n and N walk the matches and wrap around', () => {
  const matches = [2, 5, 9];
  assert.equal(nextMatch(matches, 0, false), 2);
  assert.equal(nextMatch(matches, 2, false), 5);
  assert.equal(nextMatch(matches, 9, false), 2);
  assert.equal(nextMatch(matches, 5, true), 2);
  assert.equal(nextMatch(matches, 6, true), 5);
  assert.equal(nextMatch(matches, 2, true), 9);
  assert.equal(nextMatch([], 2, true), null);
});
