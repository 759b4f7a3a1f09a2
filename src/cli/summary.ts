import type { CaptureModel, CaptureOverview, ConnectionModel, Direction } from '../analysis/index.js';
import { sessionOpened } from '../analysis/close.js';
import { formatDuration, formatEndpoint, formatTable, sanitizeForTerminal } from '../report/index.js';

function countBy<T>(items: T[], direction: (item: T) => string): string {
  let client = 0;
  let server = 0;
  for (const item of items) direction(item) === 'client' ? client++ : server++;
  return `${client}/${server}`;
}

function closeCodes(connection: ConnectionModel): string {
  const code = (direction: string) => {
    const close = connection.frames.find((f) => f.close && f.direction === direction)?.close;
    return close ? String(close.code ?? 'none') : '-';
  };
  return `${code('client')}/${code('server')}`;
}

/**
 * How the connection ended, in a few words: `close 1000/1000 fin` (Close codes client/server, then how TCP
 * ended), `rst by client`, `fin (no close) 1006`, `open`.
 */
export function describeEnd(connection: ConnectionModel): string {
  const { close, events } = connection;
  const closeFrom = (direction: Direction) => events.find((e) => e.type === 'ws-close' && e.direction === direction);
  const client = closeFrom('client');
  const server = closeFrom('server');
  if (client || server) {
    // RFC 6455 §7.1.5: a Close frame without a status code means 1005 to the application.
    const code = (e: typeof client) => (e === undefined ? '-' : String(e.code ?? 1005));
    return `close ${code(client)}/${code(server)} ${close.tcpEnd}`;
  }
  if (close.tcpEnd === 'open') return 'open';
  // RFC 6455 §7.1.5: with no Close frame the close code is 1006 (abnormal closure).
  if (close.tcpEnd === 'fin' && sessionOpened(events)) return 'fin (no close) 1006';
  return `${close.tcpEnd} by ${close.tcpEndBy}`;
}

function status(connection: ConnectionModel): string {
  const { handshake } = connection;
  if (!handshake) return connection.frames.length > 0 ? 'mid-stream' : '-';
  return handshake.response ? String(handshake.response.status) : 'no reply';
}

/**
 * One connection's row: who talked to whom, where, how the upgrade went, how much, and how it closed. Made
 * from the connection's whole model, so `summary` makes it as each connection ends, before the analysis lets
 * go of the frames and events (onConnectionEnd), and memory stays flat.
 */
export function summaryRow(c: ConnectionModel): string[] {
  return [
    String(c.id),
    formatEndpoint(c.client),
    formatEndpoint(c.server),
    sanitizeForTerminal(c.handshake?.url ?? '-'),
    status(c),
    countBy(c.frames, (f) => f.direction),
    countBy(c.messages, (m) => m.direction),
    closeCodes(c),
    describeEnd(c),
    formatDuration(c.end - c.start),
  ];
}

/** The summary of the listed connections, from their full models. */
export function formatSummary(model: CaptureModel, connections: ConnectionModel[]): string {
  return formatSummaryRows(model, connections.map(summaryRow));
}

/** The summary: a title line, one row per listed connection (summaryRow, in id order), the capture findings. */
export function formatSummaryRows(model: CaptureOverview, rows: string[][]): string {
  const header = ['ID', 'CLIENT', 'SERVER', 'URL', 'STATUS', 'FRAMES C/S', 'MSGS C/S', 'CLOSE C/S', 'ENDED', 'DURATION'];
  const files = model.files.map(sanitizeForTerminal).join(', ');
  // Counted by the analysis, not from the rows: with --all-tcp the rows include connections without WebSocket.
  const { tcpConnections: totalTcp, webSocketConnections: webSockets } = model;
  const title =
    `${files}: ${model.format}, ${model.packets} packets, ` +
    `${webSockets} WebSocket connection${webSockets === 1 ? '' : 's'} (${totalTcp} TCP)`;
  const findings = model.findings.map((f) => `  ${f.severity}: ${sanitizeForTerminal(f.message)} [${f.code}]`);
  return [title, '', rows.length > 0 ? formatTable(header, rows, new Set([0])) : '(no WebSocket connections)', ...(findings.length ? ['', 'Capture findings:', ...findings] : [])].join('\n');
}
