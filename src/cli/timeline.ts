import type { ConnectionModel, FrameModel, TimelineEvent, TimelineEventType } from '../analysis/index.js';
import type { Finding } from '../findings/index.js';
import { formatEndpoint, payloadPreview, sanitizeForTerminal } from '../report/index.js';
import { describeEnd } from './summary.js';

/** Every event type, for --types (the order the help lists them in). */
export const TIMELINE_EVENT_TYPES: readonly TimelineEventType[] = [
  'tcp-syn',
  'tcp-syn-ack',
  'tcp-established',
  'http-request',
  'http-response',
  'ws-open',
  'ws-frame',
  'ws-message',
  'ping',
  'pong',
  'ws-close',
  'keepalive',
  'keepalive-ack',
  'zero-window',
  'zero-window-probe',
  'retransmission',
  'out-of-order',
  'dup-ack',
  'gap',
  'tcp-fin',
  'tcp-rst',
  'idle',
];

/** --types also accepts this, for the finding lines. */
export const FINDING_TYPE = 'finding';

export interface TimelineFormatOptions {
  /** ANSI colours (a terminal that did not ask for NO_COLOR). */
  color: boolean;
  /** Event types shown (FINDING_TYPE for findings); null shows everything. */
  types: ReadonlySet<string> | null;
}

const PREVIEW_CHARS = 60;

const ANSI = {
  grey: '\x1b[90m',
  red: '\x1b[31m',
  green: '\x1b[32m',
  yellow: '\x1b[33m',
  blue: '\x1b[34m',
  magenta: '\x1b[35m',
  cyan: '\x1b[36m',
  bold: '\x1b[1m',
} as const;
type Colour = keyof typeof ANSI;
const RESET = '\x1b[0m';

const ARROWS = { client: '→', server: '←' } as const;

/** Data colours tell text from binary, as in the TUI. */
function dataColour(opcode: number | undefined): Colour {
  return opcode === 2 ? 'blue' : 'green';
}

function eventColour(connection: ConnectionModel, event: TimelineEvent): Colour {
  switch (event.type) {
    case 'keepalive':
    case 'keepalive-ack':
      return 'yellow';
    case 'ping':
    case 'pong':
      return 'cyan';
    case 'ws-frame': {
      const opcode = event.frame === undefined ? undefined : connection.frames[event.frame]?.opcode;
      return dataColour(opcode === 0 ? firstDataOpcode(connection, event) : opcode);
    }
    case 'ws-message':
      return dataColour(event.message === undefined ? undefined : connection.messages[event.message]?.opcode);
    case 'ws-close':
    case 'tcp-rst':
    case 'gap':
      return 'red';
    case 'http-request':
    case 'http-response':
    case 'ws-open':
      return 'magenta';
    default:
      return 'grey';
  }
}

/** A continuation frame takes the colour of the message it continues, when the model has that message. */
function firstDataOpcode(connection: ConnectionModel, event: TimelineEvent): number | undefined {
  return connection.messages.find((m) => m.frames.includes(event.frame as number))?.opcode;
}

function quoted(frame: FrameModel): string {
  return frame.payloadLength === 0 ? '' : `  ${payloadPreview(frame.payload, PREVIEW_CHARS)}`;
}

function bytes(n: number | undefined): string {
  return n === 1 ? '1 byte' : `${n ?? 0} bytes`;
}

/** What the event holds, in one terminal-safe line. */
function details(connection: ConnectionModel, event: TimelineEvent): string {
  const frame = event.frame === undefined ? undefined : connection.frames[event.frame];
  switch (event.type) {
    case 'http-request':
      return sanitizeForTerminal(`${event.method ?? ''} ${event.target ?? ''}`);
    case 'http-response':
      return String(event.status ?? '');
    case 'ws-open': {
      const handshake = connection.handshake;
      if (!handshake) return '';
      const extras = [handshake.subprotocol ?? '', ...handshake.extensions].filter(Boolean).join('; ');
      return sanitizeForTerminal(handshake.url + (extras ? `  (${extras})` : ''));
    }
    case 'ws-frame': {
      if (!frame) return bytes(event.length);
      const flags = `${frame.fin ? '' : ' no FIN'}${frame.rsv & 4 ? ' RSV1' : ''}`;
      return `frame ${frame.index} ${frame.opcodeName}${flags}, ${bytes(frame.payloadLength)}${quoted(frame)}`;
    }
    case 'ws-message': {
      const message = event.message === undefined ? undefined : connection.messages[event.message];
      if (!message) return bytes(event.length);
      const kind = `${message.opcode === 1 ? 'text' : 'binary'}${message.compressed ? ' (compressed)' : ''}`;
      const preview = message.length === 0 ? '' : `  ${payloadPreview(message.data, PREVIEW_CHARS)}`;
      return `message ${message.index} ${kind}, ${bytes(message.length)} in ${message.frames.length} frame${message.frames.length === 1 ? '' : 's'}${preview}`;
    }
    case 'ping':
    case 'pong': {
      const rtt = event.rttMs === undefined ? '' : `, rtt ${event.rttMs} ms`;
      return `${bytes(event.length)}${rtt}${frame ? quoted(frame) : ''}`;
    }
    case 'ws-close': {
      const code = event.code === null || event.code === undefined ? 'no code' : String(event.code);
      return `${code}${event.reason ? `  ${payloadPreview(Buffer.from(event.reason), PREVIEW_CHARS)}` : ''}`;
    }
    case 'gap':
      return `${bytes(event.bytesMissing)} never captured`;
    case 'idle':
      return `${event.idleS} s without payload either way`;
    default:
      return '';
  }
}

interface Row {
  ts: number | null;
  packet: number | null;
  direction: string;
  label: string;
  text: string;
  colour: Colour;
}

function paint(text: string, colour: Colour, on: boolean): string {
  return on ? `${ANSI[colour]}${text}${RESET}` : text;
}

/** Index of the first event after everything at (ts, packet): where a finding about that packet goes. */
function insertionPoint(events: TimelineEvent[], ts: number, packet: number | undefined): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const e = events[mid];
    const before = e.ts < ts || (e.ts === ts && (packet === undefined || e.packet === null || e.packet <= packet));
    if (before) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function findingRow(f: Finding): Row {
  return {
    ts: f.ts ?? null,
    packet: f.packet ?? null,
    direction: '!',
    label: f.code,
    text: `${f.severity}: ${sanitizeForTerminal(f.message)}`,
    colour: f.severity === 'error' ? 'red' : f.severity === 'warning' ? 'yellow' : 'grey',
  };
}

function connectionRows(connection: ConnectionModel, options: TimelineFormatOptions): Row[] {
  const { events } = connection;
  const shown = (type: string) => options.types === null || options.types.has(type);
  // Findings go right after the events of the packet they point to; those with no time at the end.
  const after = new Map<number, Finding[]>();
  const trailing: Finding[] = [];
  if (shown(FINDING_TYPE)) {
    for (const f of connection.findings) {
      if (f.ts === undefined) {
        trailing.push(f);
        continue;
      }
      const at = insertionPoint(events, f.ts, f.packet);
      // Appended in place: thousands of frames of one packet may each bring a finding to the same point.
      const here = after.get(at);
      if (here) here.push(f);
      else after.set(at, [f]);
    }
  }
  const rows: Row[] = [];
  for (let i = 0; i <= events.length; i++) {
    for (const f of after.get(i) ?? []) rows.push(findingRow(f));
    const event = events[i];
    if (event === undefined || !shown(event.type)) continue;
    rows.push({
      ts: event.ts,
      packet: event.packet,
      direction: event.direction === null ? '·' : ARROWS[event.direction],
      label: event.type,
      text: details(connection, event),
      colour: eventColour(connection, event),
    });
  }
  for (const f of trailing) rows.push(findingRow(f));
  return rows;
}

function header(connection: ConnectionModel): string {
  const url = connection.handshake ? `  ${sanitizeForTerminal(connection.handshake.url)}` : '';
  return `Connection ${connection.id}: client ${formatEndpoint(connection.client)} → server ${formatEndpoint(connection.server)}${url}  [${describeEnd(connection)}]`;
}

/**
 * One event per line for each connection: time since the connection's first packet, time since the line
 * before, the packet, the sender (→ client to server, ← server to client), the event and what it holds.
 * Findings appear as `!` lines after the packet they point to.
 */
export function formatTimeline(connections: ConnectionModel[], options: TimelineFormatOptions): string {
  if (connections.length === 0) return '(no WebSocket connections)';
  const blocks = connections.map((connection) => {
    const rows = connectionRows(connection, options);
    let previous = connection.start;
    const lines = rows.map((row) => {
      const time = row.ts === null ? '' : (row.ts - connection.start).toFixed(6);
      const delta = row.ts === null ? '' : `+${(row.ts - previous).toFixed(6)}`;
      if (row.ts !== null) previous = row.ts;
      const packet = row.packet === null ? '' : `#${row.packet}`;
      const label = paint(row.label.padEnd(17), row.colour, options.color);
      const text = row.direction === '!' ? paint(row.text, row.colour, options.color) : row.text;
      return `${time.padStart(12)} ${delta.padStart(12)} ${packet.padStart(7)}  ${row.direction}  ${label} ${text}`.trimEnd();
    });
    const title = options.color ? paint(header(connection), 'bold', true) : header(connection);
    return [title, ...(lines.length > 0 ? lines : ['  (no events)'])].join('\n');
  });
  return blocks.join('\n\n');
}
