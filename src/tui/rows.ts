import type { ConnectionModel, TimelineEvent } from '../analysis/index.js';
import { formatAbsoluteTime, formatDuration, formatEndpoint, sanitizeForTerminal } from '../report/index.js';
import { connectionEnding, countMessages } from './connections.js';
import { eventLook, eventPreview, eventSize, SEVERITY_COLOR, worstSeverity, type FindingIndex } from './events.js';
import type { TimeFormat } from './keys.js';
import { fit, formatSize, textWidth, type Line, type Span } from './text.js';
import type { TimelineView } from './timeline-view.js';

/** `client → server`; on one host (loopback) the server's address is not repeated. */
export function endpointsText(connection: ConnectionModel): string {
  const { client, server } = connection;
  const to = client.ip === server.ip ? `:${server.port}` : formatEndpoint(server);
  return `${formatEndpoint(client)} → ${to}`;
}

const URL_MIN_WIDTH = 10;

/** The URL (and `note`), or only its path when the whole URL does not fit (the endpoints name the host). */
function urlText(url: string, note: string, width: number): string {
  const safe = sanitizeForTerminal(url);
  if (textWidth(safe + note) <= width) return safe + note;
  return (safe.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '') || safe) + note;
}

/**
 * One connection-list row, exactly `width` cells: id, endpoints, URL, subprotocol, duration, messages each way,
 * how it ended, findings coloured by the worst severity. Narrow terminals give the endpoints and URL less room.
 */
export function connectionRow(connection: ConnectionModel, width: number, selected: boolean): Line {
  const counts = countMessages(connection);
  const ending = connectionEnding(connection);
  const severity = worstSeverity(connection.findings);
  const fixed: Span[] = [
    { text: fit(formatDuration(connection.end - connection.start), 7, true) + ' ' },
    { text: fit(`${counts.client}↑ ${counts.server}↓`, 11, true) + ' ' },
    { text: fit(ending.label, 13), color: ending.color },
    { text: fit(connection.findings.length === 0 ? '' : `!${connection.findings.length}`, 4, true), color: severity ? SEVERITY_COLOR[severity] : undefined, bold: true },
  ];
  const id = fit(`#${connection.id}`, 4) + ' ';
  const fixedWidth = 2 + id.length + fixed.reduce((sum, span) => sum + span.text.length, 0);
  // Endpoints, URL and subprotocol share what is left, each followed by a space.
  const flexible = Math.max(12, width - fixedWidth);
  const handshake = connection.handshake;
  const protocolWidth = flexible >= 90 ? 12 : 0;
  const endpoints = endpointsText(connection);
  // The endpoints come first; the URL keeps at least URL_MIN_WIDTH cells (its path, when narrow).
  const endpointsWidth = Math.max(8, Math.min(textWidth(endpoints), flexible - protocolWidth - URL_MIN_WIDTH - 2, 47));
  const urlWidth = flexible - (protocolWidth ? protocolWidth + 1 : 0) - (endpointsWidth + 1) - 1;
  // Without a subprotocol column, a negotiated subprotocol follows the URL.
  const subprotocolNote = protocolWidth === 0 && handshake?.subprotocol ? ` [${sanitizeForTerminal(handshake.subprotocol)}]` : '';
  const spans: Span[] = [
    { text: selected ? '▶ ' : '  ', color: 'cyan' },
    { text: id },
    { text: fit(endpoints, endpointsWidth) + ' ' },
    { text: fit(handshake ? urlText(handshake.url, subprotocolNote, urlWidth) : connection.isWebSocket ? '(no HTTP)' : '(TCP only)', urlWidth) + ' ', color: handshake ? undefined : 'gray' },
  ];
  if (protocolWidth > 0) spans.push({ text: fit(sanitizeForTerminal(handshake?.subprotocol ?? '-'), protocolWidth) + ' ', color: 'gray' });
  spans.push(...fixed);
  if (selected) for (const span of spans.slice(1)) span.bold = true;
  return spans;
}

function relative(seconds: number): string {
  return seconds.toFixed(6).padStart(11);
}

/** Width of the time column in each format; absolute time drops the date on narrow panes (the header has it). */
export function timeWidth(format: TimeFormat, paneWidth: number): number {
  if (format === 'absolute') return paneWidth >= 140 ? 26 : 15;
  return 11;
}

function timeCell(format: TimeFormat, connection: ConnectionModel, events: readonly TimelineEvent[], view: TimelineView, row: number, width: number): string {
  const ts = events[view.first(row)].ts;
  switch (format) {
    case 'relative':
      return relative(ts - connection.start);
    case 'absolute': {
      const text = formatAbsoluteTime(ts);
      return width === 26 ? text : text.slice(11);
    }
    case 'delta': {
      const previous = row === 0 ? connection.start : events[view.last(row - 1)].ts;
      return ('+' + (ts - previous).toFixed(6)).padStart(11);
    }
  }
}

const ARROWS = { client: '→', server: '←' } as const;
const KIND_WIDTH = 13;

/** Splits `text` around the matches of `pattern` so they can be highlighted. */
export function highlight(text: string, pattern: RegExp | null, style: Omit<Span, 'text'>): Span[] {
  if (!pattern) return [{ text, ...style }];
  const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g');
  const spans: Span[] = [];
  let last = 0;
  for (const match of text.matchAll(global)) {
    if (match[0] === '') break;
    spans.push({ text: text.slice(last, match.index), ...style }, { text: match[0], ...style, inverse: true });
    last = match.index + match[0].length;
  }
  spans.push({ text: text.slice(last), ...style });
  return spans;
}

export interface TimelineRowContext {
  connection: ConnectionModel;
  events: readonly TimelineEvent[];
  view: TimelineView;
  findings: FindingIndex;
  format: TimeFormat;
  width: number;
  search: RegExp | null;
}

/** One timeline row, `width` cells: cursor, time, direction, coloured kind, size, finding mark, preview. */
export function timelineRow(ctx: TimelineRowContext, row: number, selected: boolean): Line {
  const { connection, events, view, width } = ctx;
  const event = events[view.first(row)];
  const count = view.count(row);
  const tw = timeWidth(ctx.format, width);
  const head: Span[] = [
    { text: selected ? '▶' : ' ', color: 'cyan' },
    { text: timeCell(ctx.format, connection, events, view, row, tw) + ' ', color: selected ? undefined : 'gray' },
    { text: event.direction ? ARROWS[event.direction] + ' ' : '  ' },
  ];
  // Cursor, time, arrow, kind, size and finding mark, each with its separating space.
  const previewWidth = Math.max(0, width - (1 + (tw + 1) + 2 + (KIND_WIDTH + 1) + (9 + 1) + 2));
  if (count > 1) {
    const span = events[view.last(row)].ts - event.ts;
    head.push({ text: fit(`⋯ ${count} folded`, KIND_WIDTH) + ' ', color: 'yellow' }, { text: ' '.repeat(12) });
    head.push({ text: fit(`keepalives/ACKs over ${formatDuration(span)} (z/Enter unfolds)`, previewWidth), color: 'gray' });
    return head;
  }
  const look = eventLook(connection, event);
  const size = eventSize(connection, event);
  const severity = worstSeverity(ctx.findings.forEvent(event));
  head.push(
    { text: fit(look.label, KIND_WIDTH) + ' ', color: look.color, bold: look.color === 'red' },
    { text: fit(size === null ? '' : formatSize(size), 9, true) + ' ' },
    { text: severity ? '!' : ' ', color: severity ? SEVERITY_COLOR[severity] : undefined, bold: true },
    { text: ' ' },
    ...highlight(fit(eventPreview(connection, event, previewWidth), previewWidth), ctx.search, {}),
  );
  return head;
}
