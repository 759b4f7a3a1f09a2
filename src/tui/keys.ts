import type { Key } from 'ink';
import { CONNECTION_SORTS, type ConnectionSort } from './connections.js';
import { PAYLOAD_VIEWS, type PayloadView } from './payload-view.js';
import { nextMatch, TIMELINE_FILTERS, type SearchQuery, type TimelineFilter, type TimelineView } from './timeline-view.js';

export type Pane = 'connections' | 'timeline' | 'detail';
const PANES: readonly Pane[] = ['connections', 'timeline', 'detail'];

export type TimeFormat = 'relative' | 'absolute' | 'delta';
const TIME_FORMATS: readonly TimeFormat[] = ['relative', 'absolute', 'delta'];

export type ExportTarget = 'connection' | 'payload';

export type Prompt = { kind: 'search'; text: string; regex: boolean } | { kind: 'export'; text: string; target: ExportTarget };

export interface Search {
  query: SearchQuery;
  /** Rows of the timeline view that match, in order. */
  matches: readonly number[];
}

/** Everything the browser remembers between keys. Cursors are kept as ids/events, so sorting and filtering keep them. */
export interface UiState {
  focus: Pane;
  /** Selected connection's id (null: the first listed). */
  connectionId: number | null;
  connectionTop: number;
  sort: ConnectionSort;
  allTcp: boolean;
  /** Selected timeline event (an index into the connection's events). */
  event: number;
  timelineTop: number;
  filter: TimelineFilter;
  fold: boolean;
  timeFormat: TimeFormat;
  payloadView: PayloadView;
  jsonExpanded: boolean;
  detailTop: number;
  search: Search | null;
  prompt: Prompt | null;
  help: boolean;
  /** One-line message in the footer until the next key (export result, no match, ...). */
  status: string | null;
}

export const INITIAL_STATE: UiState = {
  focus: 'connections',
  connectionId: null,
  connectionTop: 0,
  sort: 'start',
  allTcp: false,
  event: 0,
  timelineTop: 0,
  filter: 'all',
  fold: true,
  timeFormat: 'relative',
  payloadView: 'text',
  jsonExpanded: false,
  detailTop: 0,
  search: null,
  prompt: null,
  help: false,
  status: null,
};

/** What the keys need to know about the screen as drawn: list lengths, page heights, the current view. */
export interface KeyContext {
  connectionIds: readonly number[];
  connectionPage: number;
  view: TimelineView;
  timelinePage: number;
  detailLines: number;
  detailPage: number;
  /** True when the detail pane shows a payload (e exports it from there). */
  hasPayload: boolean;
  defaultExportPath(target: ExportTarget): string;
  /** Matching rows of the current view, or why the query is wrong. */
  search(query: SearchQuery): readonly number[] | string;
}

/** Side effects the component carries out. */
export type Command = { type: 'quit' } | { type: 'export'; target: ExportTarget; path: string };

export interface KeyResult {
  state: UiState;
  command?: Command;
}

function cycle<T>(values: readonly T[], current: T, step = 1): T {
  return values[(values.indexOf(current) + step + values.length) % values.length];
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, value));
}

/** The first row of a window of `page` rows that keeps `cursor` visible, moving as little as possible. */
export function scrollTop(top: number, cursor: number, page: number, length: number): number {
  let next = top;
  if (cursor < next) next = cursor;
  if (cursor >= next + page) next = cursor - page + 1;
  return clamp(next, 0, Math.max(0, length - page));
}

/** Movement keys shared by every pane: how far they move in a list with `page` rows. */
function movement(input: string, key: Key, page: number, length: number): number | null {
  if (key.downArrow || input === 'j') return 1;
  if (key.upArrow || input === 'k') return -1;
  if (key.pageDown || (key.ctrl && input === 'f')) return page;
  if (key.pageUp || (key.ctrl && input === 'b')) return -page;
  if (key.home || input === 'g') return -length;
  if (key.end || input === 'G') return length;
  return null;
}

export function selectedConnectionIndex(state: UiState, ctx: Pick<KeyContext, 'connectionIds'>): number {
  if (state.connectionId === null) return 0;
  return Math.max(0, ctx.connectionIds.indexOf(state.connectionId));
}

/** A new connection (or list) starts its timeline from the top. */
function resetTimeline(state: UiState): UiState {
  return { ...state, event: 0, timelineTop: 0, detailTop: 0, search: null };
}

function moveTimeline(state: UiState, ctx: KeyContext, row: number): UiState {
  const { view } = ctx;
  if (view.length === 0) return state;
  const target = clamp(row, 0, view.length - 1);
  return {
    ...state,
    event: view.first(target),
    timelineTop: scrollTop(state.timelineTop, target, ctx.timelinePage, view.length),
    detailTop: 0,
  };
}

function move(state: UiState, ctx: KeyContext, delta: number): UiState {
  switch (state.focus) {
    case 'connections': {
      const ids = ctx.connectionIds;
      if (ids.length === 0) return state;
      const index = clamp(selectedConnectionIndex(state, ctx) + delta, 0, ids.length - 1);
      if (ids[index] === state.connectionId) return state;
      return resetTimeline({ ...state, connectionId: ids[index], connectionTop: scrollTop(state.connectionTop, index, ctx.connectionPage, ids.length) });
    }
    case 'timeline':
      return moveTimeline(state, ctx, ctx.view.rowOf(state.event) + delta);
    case 'detail':
      return { ...state, detailTop: clamp(state.detailTop + delta, 0, Math.max(0, ctx.detailLines - ctx.detailPage)) };
  }
}

function promptKey(state: UiState, prompt: Prompt, input: string, key: Key, ctx: KeyContext): KeyResult {
  if (key.escape) return { state: { ...state, prompt: null } };
  if (key.return) {
    const closed = { ...state, prompt: null };
    if (prompt.kind === 'export') {
      if (prompt.text === '') return { state: { ...closed, status: 'export cancelled: no path' } };
      return { state: closed, command: { type: 'export', target: prompt.target, path: prompt.text } };
    }
    if (prompt.text === '') return { state: { ...closed, search: null } };
    const query = { pattern: prompt.text, regex: prompt.regex };
    const matches = ctx.search(query);
    if (typeof matches === 'string') return { state: { ...closed, status: `bad regex: ${matches}` } };
    return jumpToMatch({ ...closed, focus: state.focus === 'connections' ? 'timeline' : state.focus, search: { query, matches } }, ctx, false, true);
  }
  if (key.tab && prompt.kind === 'search') return { state: { ...state, prompt: { ...prompt, regex: !prompt.regex } } };
  if (key.backspace || key.delete) return { state: { ...state, prompt: { ...prompt, text: prompt.text.slice(0, -1) } } };
  if (key.ctrl && input === 'u') return { state: { ...state, prompt: { ...prompt, text: '' } } };
  if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return { state };
  return { state: { ...state, prompt: { ...prompt, text: prompt.text + input } } };
}

/** n/N: to the next (previous) match; `inclusive` lets a fresh search stop on the current row. */
function jumpToMatch(state: UiState, ctx: KeyContext, backwards: boolean, inclusive = false): KeyResult {
  const { search } = state;
  if (!search) return { state: { ...state, status: 'no search: / to search payloads' } };
  const row = ctx.view.rowOf(state.event);
  const target = nextMatch(search.matches, inclusive ? row - 1 : row, backwards);
  if (target === null) return { state: { ...state, status: `no match for ${search.query.regex ? 'regex' : 'text'} "${search.query.pattern}"` } };
  const position = search.matches.indexOf(target) + 1;
  return { state: { ...moveTimeline(state, ctx, target), status: `match ${position}/${search.matches.length}` } };
}

/** Applies one key press to the state; returns the new state and anything the component must do. */
export function applyKey(previous: UiState, input: string, key: Key, ctx: KeyContext): KeyResult {
  const state = previous.status === null ? previous : { ...previous, status: null };
  if (state.prompt) return promptKey(state, state.prompt, input, key, ctx);
  if (state.help) return { state: { ...state, help: input === '?' || key.escape || input === 'q' ? false : state.help } };

  const page = state.focus === 'connections' ? ctx.connectionPage : state.focus === 'timeline' ? ctx.timelinePage : ctx.detailPage;
  const length = state.focus === 'connections' ? ctx.connectionIds.length : state.focus === 'timeline' ? ctx.view.length : ctx.detailLines;
  const delta = movement(input, key, page, length);
  if (delta !== null) return { state: move(state, ctx, delta) };

  if (key.tab) return { state: { ...state, focus: cycle(PANES, state.focus, key.shift ? -1 : 1) } };
  if (key.return) {
    if (state.focus === 'connections') return { state: { ...state, focus: 'timeline' } };
    if (state.focus === 'timeline' && ctx.view.length > 0) {
      const row = ctx.view.rowOf(state.event);
      // Enter on a folded run unfolds it, with the cursor on its first event.
      if (ctx.view.count(row) > 1) return { state: { ...state, fold: false } };
      return { state: { ...state, focus: 'detail', detailTop: 0 } };
    }
    return { state };
  }
  if (key.escape) {
    if (state.focus === 'detail') return { state: { ...state, focus: 'timeline' } };
    if (state.focus === 'timeline') return { state: { ...state, focus: 'connections' } };
    return { state: { ...state, search: null } };
  }

  switch (input) {
    case 'q':
      return { state, command: { type: 'quit' } };
    case '?':
      return { state: { ...state, help: true } };
    case '/':
      return { state: { ...state, prompt: { kind: 'search', text: '', regex: state.search?.query.regex ?? false } } };
    case 'n':
    case 'N':
      return jumpToMatch(state, ctx, input === 'N');
    case 's':
      return { state: { ...state, sort: cycle(CONNECTION_SORTS, state.sort), connectionTop: 0, status: `sorted by ${cycle(CONNECTION_SORTS, state.sort)}` } };
    case 'a':
      return { state: resetTimeline({ ...state, allTcp: !state.allTcp, connectionId: null, connectionTop: 0 }) };
    case 't':
      return { state: { ...state, timeFormat: cycle(TIME_FORMATS, state.timeFormat) } };
    case 'f':
      return { state: { ...state, filter: cycle(TIMELINE_FILTERS, state.filter), search: null } };
    case 'z':
      if (state.focus === 'detail' && state.payloadView === 'json') return { state: { ...state, jsonExpanded: !state.jsonExpanded } };
      return { state: { ...state, fold: !state.fold, search: null } };
    case 'p':
      return { state: { ...state, payloadView: cycle(PAYLOAD_VIEWS, state.payloadView), detailTop: 0 } };
    case 'e': {
      const target: ExportTarget = state.focus === 'detail' && ctx.hasPayload ? 'payload' : 'connection';
      return { state: { ...state, prompt: { kind: 'export', target, text: ctx.defaultExportPath(target) } } };
    }
  }
  return { state };
}
