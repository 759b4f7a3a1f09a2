// How a connection ended: the WebSocket closing handshake (RFC 6455 §5.5.1, §7) and the TCP teardown under it.
import type { Direction } from '../tcp/types.js';
import { finding, type Finding } from '../findings/index.js';
import { toMs } from './heartbeat.js';
import type { CloseModel, TimelineEvent } from './model.js';

const other = (direction: Direction): Direction => (direction === 'client' ? 'server' : 'client');

/** The event that ended TCP: the first RST if there is one (it ends the connection at once), else the first FIN. */
function tcpEndEvent(events: TimelineEvent[]): TimelineEvent | null {
  return events.find((e) => e.type === 'tcp-rst') ?? events.find((e) => e.type === 'tcp-fin') ?? null;
}

/** The close block from the ordered timeline. */
export function closeModel(events: TimelineEvent[]): CloseModel {
  const closes = events.filter((e) => e.type === 'ws-close');
  const first = closes[0] ?? null;
  const fromClient = closes.find((e) => e.direction === 'client') ?? null;
  const fromServer = closes.find((e) => e.direction === 'server') ?? null;
  const reply = first && first.direction ? closes.find((e) => e.direction === other(first.direction as Direction)) ?? null : null;
  const end = tcpEndEvent(events);
  const tcpEnd = end === null ? 'open' : end.type === 'tcp-rst' ? 'rst' : 'fin';
  return {
    initiator: first?.direction ?? null,
    clientCode: fromClient?.code ?? null,
    serverCode: fromServer?.code ?? null,
    reason: first?.reason ?? '',
    // RFC 6455 §7.1.4: the WebSocket Connection is Closed cleanly when the closing handshake completed and
    // the TCP connection was then closed (an orderly FIN exchange, not a reset).
    clean: fromClient !== null && fromServer !== null && tcpEnd === 'fin',
    closeToReplyMs: first && reply ? toMs(reply.ts - first.ts) : null,
    closeToTcpEndMs: first && end ? toMs(end.ts - first.ts) : null,
    tcpEnd,
    tcpEndBy: end?.direction ?? null,
  };
}

/** True when the connection became a WebSocket: the 101 was seen, or frames were decoded (mid-stream). */
export function sessionOpened(events: TimelineEvent[]): boolean {
  return events.some((e) => e.type === 'ws-open' || e.type === 'ws-frame' || e.type === 'ping' || e.type === 'pong' || e.type === 'ws-close');
}

const at = (event: TimelineEvent) => ({ ts: event.ts, packet: event.packet ?? undefined, frame: event.frame });

function codeText(code: number | null | undefined): string {
  return code === null || code === undefined ? 'no code' : String(code);
}

/** What went wrong in the way a WebSocket session ended (nothing for connections that never became one). */
export function closeFindings(close: CloseModel, events: TimelineEvent[]): Finding[] {
  if (!sessionOpened(events)) return [];
  const findings: Finding[] = [];
  const closes = events.filter((e) => e.type === 'ws-close');
  const end = tcpEndEvent(events);
  if (end && close.tcpEnd === 'rst') {
    findings.push(finding('tcp-reset', `The ${end.direction} reset the TCP connection (RST).`, at(end)));
  }
  if (end && closes.length === 0) {
    const how = close.tcpEnd === 'rst' ? 'reset (RST)' : 'closed (FIN)';
    findings.push(
      finding(
        'abnormal-closure',
        `The ${end.direction} ${how} the TCP connection without a Close frame from either side; browsers report code 1006.`,
        at(end),
      ),
    );
  }
  const first = closes[0];
  if (first && close.closeToReplyMs === null) {
    const peer = other(first.direction as Direction);
    const ended = close.tcpEnd === 'open' ? 'before the capture ended' : `before the TCP connection ended (${close.tcpEnd.toUpperCase()})`;
    findings.push(
      finding('close-not-answered', `The ${first.direction} sent Close (${codeText(first.code)}); the ${peer} sent no Close ${ended}.`, at(first)),
    );
  }
  if (first && close.tcpEnd === 'open') {
    const last = closes[closes.length - 1];
    findings.push(
      finding(
        'close-without-tcp-teardown',
        'Close frames were sent, but the capture ends with the TCP connection still open (no FIN or RST after them).',
        at(last),
      ),
    );
  }
  return findings;
}
