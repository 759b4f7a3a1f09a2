import { Box, useApp, useInput, type Key } from 'ink';
import { useMemo, useRef, useState } from 'react';
import type { CaptureModel, ConnectionModel, TimelineEvent } from '../analysis/index.js';
import { formatAbsoluteTime, formatDuration, sanitizeForTerminal } from '../report/index.js';
import { bucketOf, closeTime, messageBuckets, sparkline } from './activity.js';
import { Lines, LineView, Title, useTerminalSize, type TerminalSize } from './components.js';
import { listConnections, type ConnectionSort } from './connections.js';
import { connectionLines, eventLines, foldLines } from './detail.js';
import { eventFrame, eventMessage, FindingIndex } from './events.js';
import { connectionReportJson, writeExport } from './export.js';
import { HELP_LINES, keyHints } from './help.js';
import { applyKey, INITIAL_STATE, scrollTop, selectedConnectionIndex, type Command, type ExportTarget, type KeyContext, type UiState } from './keys.js';
import { computeLayout, type Layout } from './layout.js';
import { memoLast } from './memo.js';
import type { PayloadView } from './payload-view.js';
import { connectionRow, timelineRow, type TimelineRowContext } from './rows.js';
import { fit, formatCount, plain, reversed, type Line } from './text.js';
import { buildTimelineView, compileQuery, EMPTY_VIEW, searchRows, type TimelineFilter, type TimelineView } from './timeline-view.js';

export interface BrowserProps {
  model: CaptureModel;
  toolVersion: string;
  /** Starting state (tests start on a given pane or format). */
  initialState?: Partial<UiState>;
}

const NO_EVENTS: readonly TimelineEvent[] = [];

/** Time span of the capture's connections, for the header. */
function captureSpan(model: CaptureModel): string {
  if (model.connections.length === 0) return '';
  let start = Infinity;
  let end = -Infinity;
  for (const c of model.connections) {
    start = Math.min(start, c.start);
    end = Math.max(end, c.end);
  }
  return `${formatAbsoluteTime(start).slice(0, 19)} + ${formatDuration(end - start)}`;
}

function headerLine(model: CaptureModel, listed: number): Line {
  const files = model.files.map((f) => sanitizeForTerminal(f)).join(', ');
  const { webSocketConnections: ws, tcpConnections: tcp } = model;
  return [
    { text: ' wsdissect ', inverse: true, bold: true },
    { text: ` ${files} `, bold: true },
    { text: `│ ${model.format} │ ${formatCount(model.packets)} packets │ ${ws} WebSocket / ${tcp} TCP │ ${captureSpan(model)}`, color: 'gray' },
    { text: listed === 0 && ws === 0 && tcp > 0 ? ' │ a: show TCP' : '' },
  ];
}

/** What the detail pane shows: the connection overview, a folded run, or the selected event. */
interface DetailSource {
  kind: 'connection' | 'fold' | 'event';
  row: number;
}

function detailSource(state: UiState, view: TimelineView, layout: Layout): DetailSource {
  const row = view.length === 0 ? -1 : view.rowOf(state.event);
  if (row < 0 || (state.focus === 'connections' && layout.sideBySide)) return { kind: 'connection', row };
  return { kind: view.count(row) > 1 ? 'fold' : 'event', row };
}

function defaultExportPath(connection: ConnectionModel | null, event: TimelineEvent | null, target: ExportTarget): string {
  const id = connection?.id ?? 0;
  if (target === 'connection' || !event) return `wsdissect-connection-${id}.json`;
  const what = event.frame !== undefined ? `frame-${event.frame}` : `message-${event.message}`;
  return `wsdissect-connection-${id}-${what}.bin`;
}

/** The payload bytes the selected event holds, when it holds any. */
function eventPayload(connection: ConnectionModel | null, event: TimelineEvent | null): Buffer | null {
  if (!connection || !event) return null;
  return eventFrame(connection, event)?.payload ?? eventMessage(connection, event)?.data ?? null;
}

/** Everything one state draws: the listed connections, the selected one, its timeline view, the detail lines. */
interface Screen {
  connections: ConnectionModel[];
  connectionIds: number[];
  connectionIndex: number;
  connection: ConnectionModel | null;
  events: readonly TimelineEvent[];
  findings: FindingIndex;
  view: TimelineView;
  layout: Layout;
  cursorRow: number;
  cursorEvent: TimelineEvent | null;
  source: DetailSource;
  detail: Line[];
  activity: { buckets: Uint32Array; close: number | null } | null;
  search: RegExp | null;
}

/**
 * Derives the screen of a state from caches that live as long as the model. Keys and redraws both go through
 * it, so a key that arrives before the previous one was drawn still acts on the view of the newest state.
 */
function screenDeriver(model: CaptureModel): (state: UiState, size: TerminalSize) => Screen {
  const list = memoLast((allTcp: boolean, sort: ConnectionSort) => {
    const connections = listConnections(model, allTcp, sort);
    return { connections, ids: connections.map((c) => c.id) };
  });
  const findingsOf = memoLast((connection: ConnectionModel | null) => new FindingIndex(connection?.findings ?? []));
  const viewOf = memoLast((connection: ConnectionModel | null, findings: FindingIndex, filter: TimelineFilter, fold: boolean) =>
    connection ? buildTimelineView(connection, connection.events, findings, filter, fold) : EMPTY_VIEW,
  );
  const detailOf = memoLast(
    (connection: ConnectionModel | null, findings: FindingIndex, view: TimelineView, kind: DetailSource['kind'], row: number, width: number, payloadView: PayloadView, jsonExpanded: boolean): Line[] => {
      if (!connection) return [];
      if (kind === 'connection') return connectionLines(connection, width);
      const { events } = connection;
      const first = view.first(row);
      if (kind === 'fold') return foldLines(connection, events, first, view.last(row), view.count(row));
      return eventLines(connection, events[first], findings.forEvent(events[first]), { width, payloadView, jsonExpanded });
    },
  );
  const activityOf = memoLast((connection: ConnectionModel | null, cells: number) => connection && { buckets: messageBuckets(connection, cells), close: closeTime(connection) });
  const patternOf = memoLast((search: UiState['search']) => {
    const compiled = search && compileQuery(search.query);
    return typeof compiled === 'string' ? null : compiled;
  });

  return (state, size) => {
    const { connections, ids } = list(state.allTcp, state.sort);
    const connectionIndex = selectedConnectionIndex(state, { connectionIds: ids });
    const connection = connections[connectionIndex] ?? null;
    const findings = findingsOf(connection);
    const view = viewOf(connection, findings, state.filter, state.fold);
    const layout = computeLayout(size.columns, size.rows, connections.length, state.focus);
    const cursorRow = view.length === 0 ? -1 : view.rowOf(state.event);
    const events = connection?.events ?? NO_EVENTS;
    const source = detailSource(state, view, layout);
    return {
      connections,
      connectionIds: ids,
      connectionIndex,
      connection,
      events,
      findings,
      view,
      layout,
      cursorRow,
      cursorEvent: cursorRow < 0 ? null : events[view.first(cursorRow)],
      source,
      detail: detailOf(connection, findings, view, source.kind, source.row, layout.detailWidth, state.payloadView, state.jsonExpanded),
      activity: activityOf(connection, Math.max(1, layout.width - ACTIVITY_LABEL.length - ACTIVITY_DURATION_WIDTH)),
      search: patternOf(state.search),
    };
  };
}

function keyContext(screen: Screen): KeyContext {
  const { connection, events, view, layout, cursorEvent } = screen;
  return {
    connectionIds: screen.connectionIds,
    connectionPage: layout.connectionRows,
    view,
    timelinePage: Math.max(1, layout.timelineRows),
    detailLines: screen.detail.length,
    detailPage: Math.max(1, layout.detailRows),
    hasPayload: screen.source.kind === 'event' && eventPayload(connection, cursorEvent) !== null,
    defaultExportPath: (target) => defaultExportPath(connection, cursorEvent, target),
    search: (query) => {
      const pattern = compileQuery(query);
      if (typeof pattern === 'string') return pattern;
      return connection ? searchRows(connection, events, view, pattern) : [];
    },
  };
}

/**
 * The keys in one input event. Typed or pasted text goes to a prompt whole; otherwise every character is a key
 * of its own. Terminals send Alt-x as ESC x, which is also how an Esc typed just before a key can arrive: no key
 * here uses Alt, so that is Esc, then the key.
 */
function splitKeys(input: string, key: Key, prompt: boolean): [string, Key][] {
  if (key.meta && !key.escape && input.length === 1) {
    const plainKey = { ...key, meta: false };
    return [['', { ...plainKey, escape: true }], [input, plainKey]];
  }
  if (prompt || input.length <= 1) return [[input, key]];
  return [...input].map((char) => [char, key]);
}

/** The capture browser: connection list, activity strip, timeline and detail, driven by the keys. */
export function Browser({ model, toolVersion, initialState }: BrowserProps) {
  const { exit } = useApp();
  const size = useTerminalSize();
  const [state, setState] = useState<UiState>(() => ({ ...INITIAL_STATE, ...initialState }));
  // Several keys can arrive before React redraws: each applies to the newest state, not the drawn one.
  const stateRef = useRef(state);
  const sizeRef = useRef(size);
  stateRef.current = state;
  sizeRef.current = size;
  const derive = useMemo(() => screenDeriver(model), [model]);
  const screen = derive(state, size);

  const run = (command: Command, current: UiState, at: Screen): UiState => {
    if (command.type === 'quit') {
      exit();
      return current;
    }
    const { connection, cursorEvent } = at;
    if (!connection) return { ...current, status: 'nothing to export' };
    const data = command.target === 'connection' ? connectionReportJson(model, connection, toolVersion) : eventPayload(connection, cursorEvent);
    return { ...current, status: data === null ? 'nothing to export' : writeExport(command.path, data) };
  };

  useInput((input: string, key: Key) => {
    let next = stateRef.current;
    for (const [k, modifiers] of splitKeys(input, key, next.prompt !== null)) {
      const at = derive(next, sizeRef.current);
      const result = applyKey(next, k, modifiers, keyContext(at));
      next = result.command ? run(result.command, result.state, at) : result.state;
    }
    stateRef.current = next;
    setState(next);
  });

  const { connections, connectionIndex, connection, events, findings, view, layout, cursorRow, cursorEvent, source, detail, activity } = screen;
  const header = <LineView line={headerLine(model, connections.length)} />;
  const footer = <LineView line={footerLine(state, layout.width)} />;
  if (state.help) {
    return (
      <Box flexDirection="column" width={layout.width} height={layout.height}>
        {header}
        <Lines lines={HELP_LINES.slice(0, layout.height - 2)} width={layout.width} rows={layout.height - 2} />
        {footer}
      </Box>
    );
  }

  const detailTop = Math.min(state.detailTop, Math.max(0, detail.length - layout.detailRows));
  const detailPane = layout.showDetail && (
    <Box flexDirection="column" width={layout.detailWidth}>
      <Title text={detailTitle(source, connection, events, view, state)} focused={state.focus === 'detail'} width={layout.detailWidth} />
      <Lines lines={detail.slice(detailTop, detailTop + layout.detailRows)} width={layout.detailWidth} rows={layout.detailRows} />
    </Box>
  );

  if (!layout.showTimeline) {
    return (
      <Box flexDirection="column" width={layout.width} height={layout.height}>
        {header}
        {detailPane}
        {footer}
      </Box>
    );
  }

  const connectionTop = scrollTop(state.connectionTop, connectionIndex, layout.connectionRows, connections.length);
  const connectionLinesShown = connections
    .slice(connectionTop, connectionTop + layout.connectionRows)
    .map((c, i) => {
      const selected = connectionTop + i === connectionIndex;
      const line = connectionRow(c, layout.width, selected);
      return selected && state.focus === 'connections' ? reversed(line) : line;
    });
  const timelineTop = scrollTop(state.timelineTop, Math.max(0, cursorRow), layout.timelineRows, view.length);
  const rowCtx: TimelineRowContext | null = connection && {
    connection,
    events,
    view,
    findings,
    format: state.timeFormat,
    width: layout.timelineWidth,
    search: screen.search,
  };
  const timelineLines: Line[] = [];
  if (rowCtx) {
    const end = Math.min(view.length, timelineTop + layout.timelineRows);
    for (let row = timelineTop; row < end; row++) {
      const line = timelineRow(rowCtx, row, row === cursorRow);
      timelineLines.push(row === cursorRow && state.focus === 'timeline' ? reversed(line) : line);
    }
  }
  if (connection && view.length === 0) timelineLines.push(plain(events.length === 0 ? '(no events)' : `(no ${state.filter} events: f changes the filter)`, { color: 'gray' }));

  return (
    <Box flexDirection="column" width={layout.width} height={layout.height}>
      {header}
      <Title text={connectionsTitle(state, connections.length, connectionIndex, model)} focused={state.focus === 'connections'} width={layout.width} />
      <Lines
        lines={connectionLinesShown.length > 0 ? connectionLinesShown : [plain(noConnectionsText(model, state.allTcp), { color: 'yellow' })]}
        width={layout.width}
        rows={layout.connectionRows}
      />
      <LineView line={connection && activity ? activityLine(connection, activity, cursorEvent) : []} />
      <Box flexDirection="row">
        <Box flexDirection="column" width={layout.timelineWidth}>
          <Title text={timelineTitle(state, connection, view, cursorRow)} focused={state.focus === 'timeline'} width={layout.timelineWidth} />
          <Lines lines={timelineLines} width={layout.timelineWidth} rows={layout.timelineRows} />
        </Box>
        {layout.sideBySide && <Box width={1} />}
        {detailPane}
      </Box>
      {footer}
    </Box>
  );
}

function noConnectionsText(model: CaptureModel, allTcp: boolean): string {
  if (allTcp || model.tcpConnections === 0) return 'No TCP connections in this capture.';
  const n = model.tcpConnections;
  return `No WebSocket connections; a lists ${n === 1 ? 'the TCP connection' : `all ${n} TCP connections`}.`;
}

function connectionsTitle(state: UiState, count: number, index: number, model: CaptureModel): string {
  const what = state.allTcp ? 'TCP connections' : 'WebSocket connections';
  const position = count === 0 ? '0' : `${index + 1}/${count}`;
  const findings = model.findings.length > 0 ? ` · ${model.findings.length} capture findings` : '';
  return ` ${what} ${position} · sort: ${state.sort}${findings}`;
}

function timelineTitle(state: UiState, connection: ConnectionModel | null, view: TimelineView, row: number): string {
  if (!connection) return ' Timeline';
  const search = state.search ? ` · /${state.search.query.pattern}/ ${state.search.matches.length} matches` : '';
  return ` Timeline #${connection.id} ${row + 1}/${view.length} · time: ${state.timeFormat} · filter: ${state.filter}${state.fold ? ' · folded' : ''}${search}`;
}

function detailTitle(source: DetailSource, connection: ConnectionModel | null, events: readonly TimelineEvent[], view: TimelineView, state: UiState): string {
  if (!connection) return ' Detail';
  if (source.kind === 'connection') return ` Connection #${connection.id}`;
  if (source.kind === 'fold') return ' Folded events';
  const event = events[view.first(source.row)];
  const payload = eventPayload(connection, event) ? ` · payload: ${state.payloadView}` : '';
  return ` Detail · ${event.type}${payload}`;
}

const ACTIVITY_LABEL = 'activity ';
const ACTIVITY_DURATION_WIDTH = 8;

/** Activity strip: the sparkline of messages with the close and the cursor marked, then the duration. */
function activityLine(connection: ConnectionModel, activity: { buckets: Uint32Array; close: number | null }, cursor: TimelineEvent | null): Line {
  const cells = activity.buckets.length;
  return [
    { text: ACTIVITY_LABEL, color: 'gray' },
    ...sparkline(activity.buckets, activity.close === null ? null : bucketOf(connection, activity.close, cells), cursor ? bucketOf(connection, cursor.ts, cells) : null),
    { text: fit(formatDuration(connection.end - connection.start), ACTIVITY_DURATION_WIDTH, true), color: 'gray' },
  ];
}

function footerLine(state: UiState, width: number): Line {
  const { prompt } = state;
  if (prompt?.kind === 'search') {
    return [{ text: `/ search ${prompt.regex ? 'regex' : 'text'} (Tab: ${prompt.regex ? 'text' : 'regex'}): `, color: 'cyan' }, { text: sanitizeForTerminal(prompt.text) }, { text: '█' }];
  }
  if (prompt?.kind === 'export') {
    return [{ text: `export ${prompt.target === 'payload' ? 'payload' : 'connection JSON'} to: `, color: 'cyan' }, { text: sanitizeForTerminal(prompt.text) }, { text: '█' }];
  }
  if (state.status) return plain(fit(state.status, width), { color: 'yellow' });
  return plain(fit(keyHints(state), width), { color: 'gray' });
}
