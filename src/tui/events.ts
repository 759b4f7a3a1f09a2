import type { ConnectionModel, FrameModel, MessageModel, TimelineEvent, TimelineEventType } from '../analysis/index.js';
import type { Finding, Severity } from '../findings/index.js';
import { payloadPreview, sanitizeForTerminal } from '../report/index.js';
import { closeCodeMeaning } from './close-codes.js';

/** The groups `f` filters the timeline by. */
export type EventCategory = 'data' | 'control' | 'tcp';

const TCP_TYPES: ReadonlySet<TimelineEventType> = new Set([
  'tcp-syn',
  'tcp-syn-ack',
  'tcp-established',
  'tcp-fin',
  'tcp-rst',
  'keepalive',
  'keepalive-ack',
  'zero-window',
  'zero-window-probe',
  'retransmission',
  'out-of-order',
  'dup-ack',
  'gap',
  'idle',
]);

/** Events that are only TCP chatter between the interesting ones; runs of them fold into one row. */
export const FOLDABLE: ReadonlySet<TimelineEventType> = new Set(['keepalive', 'keepalive-ack', 'dup-ack', 'zero-window-probe']);

export function eventFrame(connection: ConnectionModel, event: TimelineEvent): FrameModel | null {
  // FrameModel.index is the frame's position in `frames` (and MessageModel.index in `messages`).
  return event.frame === undefined ? null : (connection.frames[event.frame] ?? null);
}

export function eventMessage(connection: ConnectionModel, event: TimelineEvent): MessageModel | null {
  return event.message === undefined ? null : (connection.messages[event.message] ?? null);
}

/** RFC 6455 §5.5: opcodes 0x8-0xF are control frames. */
function isControlOpcode(opcode: number): boolean {
  return opcode >= 0x8;
}

export function eventCategory(connection: ConnectionModel, event: TimelineEvent): EventCategory {
  if (TCP_TYPES.has(event.type)) return 'tcp';
  if (event.type === 'ws-frame') {
    const frame = eventFrame(connection, event);
    return frame && isControlOpcode(frame.opcode) ? 'control' : 'data';
  }
  return event.type === 'ws-message' ? 'data' : 'control';
}

export interface EventLook {
  label: string;
  color: string;
}

const TCP_LABELS: Partial<Record<TimelineEventType, string>> = {
  'tcp-syn': 'SYN',
  'tcp-syn-ack': 'SYN-ACK',
  'tcp-established': 'established',
  'tcp-fin': 'FIN',
  'tcp-rst': 'RST',
  'zero-window': 'zero window',
  'zero-window-probe': 'window probe',
  retransmission: 'retransmit',
  'out-of-order': 'out of order',
  'dup-ack': 'dup ACK',
};

/** Colour by what the data is: text green, binary blue. */
function dataColor(opcode: number): string {
  return opcode === 1 ? 'green' : 'blueBright';
}

/** The kind column: a short name and the colour of its family (TCP grey, keepalive yellow, ping/pong cyan, ...). */
export function eventLook(connection: ConnectionModel, event: TimelineEvent): EventLook {
  switch (event.type) {
    case 'ws-frame': {
      const frame = eventFrame(connection, event);
      if (!frame) return { label: 'frame', color: 'white' };
      const name = frame.opcodeName === 'continuation' ? 'cont' : frame.opcodeName;
      const label = frame.fin ? name : `${name}…`;
      if (frame.opcodeName === 'continuation') return { label, color: 'white' };
      return { label, color: isControlOpcode(frame.opcode) ? 'cyan' : dataColor(frame.opcode) };
    }
    case 'ws-message': {
      const message = eventMessage(connection, event);
      const opcode = message?.opcode ?? 2;
      return { label: opcode === 1 ? 'text msg' : 'binary msg', color: dataColor(opcode) };
    }
    case 'ping':
    case 'pong':
      return { label: event.type, color: 'cyan' };
    case 'ws-close':
      return { label: 'close', color: 'red' };
    case 'ws-open':
      return { label: 'ws open', color: 'green' };
    case 'http-request':
      return { label: 'HTTP req', color: 'magenta' };
    case 'http-response':
      return { label: 'HTTP resp', color: 'magenta' };
    case 'keepalive':
      return { label: 'keepalive', color: 'yellow' };
    case 'keepalive-ack':
      return { label: 'keepalive ACK', color: 'yellow' };
    case 'gap':
      return { label: 'gap', color: 'red' };
    case 'tcp-rst':
      return { label: 'RST', color: 'red' };
    case 'idle':
      return { label: 'idle', color: 'gray' };
    default:
      return { label: TCP_LABELS[event.type] ?? event.type, color: 'gray' };
  }
}

/** Bytes the event carries: payload or message length, or bytes lost in a gap. */
export function eventSize(connection: ConnectionModel, event: TimelineEvent): number | null {
  return event.length ?? eventFrame(connection, event)?.payloadLength ?? event.bytesMissing ?? null;
}

function closeText(code: number | null | undefined, reason: string | undefined): string {
  const codeText = code === null || code === undefined ? 'no code' : `${code} ${closeCodeMeaning(code)}`;
  return reason ? `${codeText} "${sanitizeForTerminal(reason)}"` : codeText;
}

/** One terminal-safe line saying what the event holds: a payload preview, the close code, the HTTP line. */
export function eventPreview(connection: ConnectionModel, event: TimelineEvent, maxChars: number): string {
  switch (event.type) {
    case 'ws-close':
      return closeText(event.code, event.reason);
    case 'ping':
    case 'pong': {
      const frame = eventFrame(connection, event);
      const rtt = event.rttMs === undefined ? '' : `rtt ${event.rttMs.toFixed(1)} ms  `;
      return rtt + (frame ? payloadPreview(frame.payload, maxChars) : '');
    }
    case 'ws-frame': {
      const frame = eventFrame(connection, event);
      return frame ? payloadPreview(frame.payload, maxChars) : '';
    }
    case 'ws-message': {
      const message = eventMessage(connection, event);
      return message ? payloadPreview(message.data, maxChars) : '';
    }
    case 'http-request':
      return sanitizeForTerminal(`${event.method ?? ''} ${event.target ?? ''}`.trim());
    case 'http-response': {
      const response = connection.handshake?.response;
      const reason = response && response.packet === event.packet ? ` ${response.reason}` : '';
      return sanitizeForTerminal(`${event.status ?? ''}${reason}`);
    }
    case 'ws-open': {
      const handshake = connection.handshake;
      return handshake ? sanitizeForTerminal(handshake.url + (handshake.subprotocol ? ` (${handshake.subprotocol})` : '')) : '';
    }
    case 'gap':
      return `${event.bytesMissing ?? 0} bytes never captured`;
    case 'idle':
      return event.idleS === undefined ? '' : `nothing but keepalives for ${event.idleS.toFixed(1)} s`;
    default:
      return '';
  }
}

/** The searchable text of an event: its payload (lossily decoded), close reason or HTTP line. */
export function eventText(connection: ConnectionModel, event: TimelineEvent): string {
  const frame = eventFrame(connection, event);
  if (frame) return frame.close ? frame.close.reason : frame.payload.toString('utf8');
  const message = eventMessage(connection, event);
  if (message) return message.data.toString('utf8');
  if (event.type === 'http-request') return `${event.method ?? ''} ${event.target ?? ''}`;
  return event.reason ?? '';
}

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export const SEVERITY_COLOR: Record<Severity, string> = { info: 'cyan', warning: 'yellow', error: 'red' };

export function worstSeverity(findings: readonly Finding[]): Severity | null {
  let worst: Severity | null = null;
  for (const f of findings) if (worst === null || SEVERITY_RANK[f.severity] > SEVERITY_RANK[worst]) worst = f.severity;
  return worst;
}

/**
 * A connection's findings by the frame or packet they point at, so that the timeline can mark the events they
 * belong to. A finding names a frame when it is about one; otherwise its packet ties it to that packet's events.
 */
export class FindingIndex {
  private readonly byFrame = new Map<number, Finding[]>();
  private readonly byPacket = new Map<number, Finding[]>();

  constructor(findings: readonly Finding[]) {
    for (const f of findings) {
      if (f.frame !== undefined) push(this.byFrame, f.frame, f);
      else if (f.packet !== undefined) push(this.byPacket, f.packet, f);
    }
  }

  get size(): number {
    return this.byFrame.size + this.byPacket.size;
  }

  forEvent(event: TimelineEvent): Finding[] {
    const byFrame = event.frame === undefined ? undefined : this.byFrame.get(event.frame);
    const byPacket = event.packet === null ? undefined : this.byPacket.get(event.packet);
    if (byFrame && byPacket) return [...byFrame, ...byPacket];
    return byFrame ?? byPacket ?? [];
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
