import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Key } from 'ink';
import { applyKey, INITIAL_STATE, scrollTop, type KeyContext, type UiState } from '../../src/tui/keys.js';
import { buildTimelineView, type TimelineView } from '../../src/tui/timeline-view.js';
import { FindingIndex } from '../../src/tui/events.js';
import { connection, event } from './helpers.js';

const NO_KEY: Key = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false,
  return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false,
  super: false, hyper: false, capsLock: false, numLock: false,
};

// 30 events: a keepalive run at 10..14 folds into one row.
const events = Array.from({ length: 30 }, (_, i) => event(i >= 10 && i < 15 ? 'keepalive' : 'tcp-established', 1000 + i));
const conn = connection({ events });

function context(view: TimelineView, extra: Partial<KeyContext> = {}): KeyContext {
  return {
    connectionIds: [3, 5, 9],
    connectionPage: 2,
    view,
    timelinePage: 10,
    detailLines: 40,
    detailPage: 15,
    hasPayload: true,
    defaultExportPath: (target) => `out-${target}`,
    search: () => [2, 20],
    ...extra,
  };
}

/** Presses keys in order: strings are typed characters, objects special keys. */
function press(state: UiState, ctx: KeyContext, ...keys: (string | Partial<Key>)[]) {
  let current = state;
  const commands = [];
  for (const k of keys) {
    const result = typeof k === 'string' ? applyKey(current, k, NO_KEY, ctx) : applyKey(current, '', { ...NO_KEY, ...k }, ctx);
    current = result.state;
    if (result.command) commands.push(result.command);
  }
  return { state: current, commands };
}

const folded = buildTimelineView(conn, events, new FindingIndex([]), 'all', true);

test('scrollTop keeps the cursor in the window, moving the window as little as possible', () => {
  assert.equal(scrollTop(0, 5, 10, 100), 0);
  assert.equal(scrollTop(0, 12, 10, 100), 3);
  assert.equal(scrollTop(20, 12, 10, 100), 12);
  assert.equal(scrollTop(95, 99, 10, 100), 90);
  assert.equal(scrollTop(0, 0, 10, 3), 0);
});

test('connections: j/k/G/g move the selection by id; moving resets the timeline', () => {
  const ctx = context(folded);
  const start = { ...INITIAL_STATE, event: 7, search: { query: { pattern: 'x', regex: false }, matches: [1] } };
  let { state } = press(start, ctx, 'j');
  assert.equal(state.connectionId, 5);
  assert.equal(state.event, 0);
  assert.equal(state.search, null);
  state = press(state, ctx, 'G').state;
  assert.equal(state.connectionId, 9);
  assert.equal(state.connectionTop, 1);
  state = press(state, ctx, { upArrow: true }, 'g').state;
  assert.equal(state.connectionId, 3);
  assert.equal(state.connectionTop, 0);
});

test('timeline: moves by rows of the view, pages, and Enter on a fold unfolds it', () => {
  const ctx = context(folded);
  let { state } = press({ ...INITIAL_STATE, focus: 'timeline' }, ctx, { downArrow: true }, 'j');
  assert.equal(state.event, 2);
  state = press(state, ctx, { pageDown: true }).state;
  assert.equal(state.event, 16, 'row 12 of the folded view is event 16');
  assert.equal(state.timelineTop, 3);
  state = press(state, ctx, 'G').state;
  assert.equal(state.event, 29);
  state = press(state, ctx, { pageUp: true }, { pageUp: true }).state;
  assert.equal(state.event, 5);
  state = press(state, ctx, 'j', 'j', 'j', 'j', 'j').state;
  assert.equal(state.event, 10, 'the fold row starts at event 10');
  state = press(state, ctx, { return: true }).state;
  assert.equal(state.fold, false);
  assert.equal(state.focus, 'timeline');
  state = press({ ...state, event: 3 }, ctx, { return: true }).state;
  assert.equal(state.focus, 'detail');
});

test('Tab cycles the panes, Esc goes back, Enter opens', () => {
  const ctx = context(folded);
  assert.equal(press(INITIAL_STATE, ctx, { tab: true }).state.focus, 'timeline');
  assert.equal(press(INITIAL_STATE, ctx, { tab: true }, { tab: true }, { tab: true }).state.focus, 'connections');
  assert.equal(press(INITIAL_STATE, ctx, { tab: true, shift: true }).state.focus, 'detail');
  assert.equal(press(INITIAL_STATE, ctx, { return: true }).state.focus, 'timeline');
  assert.equal(press({ ...INITIAL_STATE, focus: 'detail' }, ctx, { escape: true }).state.focus, 'timeline');
  assert.equal(press({ ...INITIAL_STATE, focus: 'detail' }, ctx, { escape: true }, { escape: true }).state.focus, 'connections');
});

test('detail: j/k scroll within the lines, z folds JSON only in the JSON view', () => {
  const ctx = context(folded);
  let { state } = press({ ...INITIAL_STATE, focus: 'detail' }, ctx, 'j', 'j', 'k');
  assert.equal(state.detailTop, 1);
  state = press(state, ctx, 'G').state;
  assert.equal(state.detailTop, 25);
  state = press(state, ctx, 'p').state;
  assert.equal(state.payloadView, 'json');
  assert.equal(state.detailTop, 0);
  state = press(state, ctx, 'z').state;
  assert.equal(state.jsonExpanded, true);
  assert.equal(state.fold, true);
  state = press(state, ctx, 'p', 'p', 'z').state;
  assert.equal(state.payloadView, 'text');
  assert.equal(state.fold, false);
});

test('t, f, s, a cycle their settings', () => {
  const ctx = context(folded);
  assert.deepEqual(
    ['t', 't', 't'].map((_, i) => press(INITIAL_STATE, ctx, ...Array(i + 1).fill('t')).state.timeFormat),
    ['absolute', 'delta', 'relative'],
  );
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((n) => press(INITIAL_STATE, ctx, ...Array(n).fill('f')).state.filter),
    ['data', 'control', 'tcp', 'findings', 'all'],
  );
  const sorted = press(INITIAL_STATE, ctx, 's');
  assert.equal(sorted.state.sort, 'duration');
  assert.equal(sorted.state.status, 'sorted by duration');
  assert.equal(press(INITIAL_STATE, ctx, 's', 's', 's', 's').state.sort, 'start');
  assert.equal(press(INITIAL_STATE, ctx, 'a').state.allTcp, true);
});

test('search: / opens a prompt, Tab switches to regex, Enter jumps to the first match, n/N walk', () => {
  const identity = buildTimelineView(conn, events, new FindingIndex([]), 'all', false);
  let query = '';
  const ctx = context(identity, {
    search: (q) => {
      query = `${q.regex ? 'regex' : 'text'}:${q.pattern}`;
      return [2, 20];
    },
  });
  let { state } = press(INITIAL_STATE, ctx, '/', 'a', 'b', { backspace: true }, 'c', { tab: true });
  assert.deepEqual(state.prompt, { kind: 'search', text: 'ac', regex: true });
  assert.equal(press(state, ctx, 'q').commands.length, 0, 'q is typed into the prompt');
  state = press(state, ctx, { return: true }).state;
  assert.equal(query, 'regex:ac');
  assert.equal(state.prompt, null);
  assert.equal(state.focus, 'timeline');
  assert.equal(state.event, 2);
  assert.equal(state.status, 'match 1/2');
  state = press(state, ctx, 'n').state;
  assert.equal(state.event, 20);
  state = press(state, ctx, 'n').state;
  assert.equal(state.event, 2, 'wraps around');
  state = press(state, ctx, 'N').state;
  assert.equal(state.event, 20);
  assert.equal(state.status, 'match 2/2');
  const bad = press(INITIAL_STATE, context(identity, { search: () => 'Unterminated group' }), '/', '(', { return: true }).state;
  assert.equal(bad.status, 'bad regex: Unterminated group');
  assert.equal(press(INITIAL_STATE, context(identity), 'n').state.status, 'no search: / to search payloads');
  assert.equal(press(INITIAL_STATE, context(identity), '/', 'x', { escape: true }).state.prompt, null);
});

test('e: the connection JSON, or from the detail pane the payload; q quits; ? shows help until ?/Esc', () => {
  const ctx = context(folded);
  const fromList = press(INITIAL_STATE, ctx, 'e');
  assert.deepEqual(fromList.state.prompt, { kind: 'export', target: 'connection', text: 'out-connection' });
  const confirmed = press(fromList.state, ctx, { return: true });
  assert.deepEqual(confirmed.commands, [{ type: 'export', target: 'connection', path: 'out-connection' }]);
  const fromDetail = press({ ...INITIAL_STATE, focus: 'detail' }, ctx, 'e', { backspace: true }, { return: true });
  assert.deepEqual(fromDetail.commands, [{ type: 'export', target: 'payload', path: 'out-payloa' }]);
  assert.deepEqual(press(INITIAL_STATE, ctx, 'q').commands, [{ type: 'quit' }]);
  const help = press(INITIAL_STATE, ctx, '?');
  assert.equal(help.state.help, true);
  assert.equal(press(help.state, ctx, 'j').state.help, true);
  assert.equal(press(help.state, ctx, { escape: true }).state.help, false);
});
