// How a connection ended: the WebSocket closing handshake (RFC 6455 §5.5.1, §7) and the TCP teardown under it.
import type { Direction } from '../tcp/types.js';
import { finding, type Finding } from '../findings/index.js';
import { toMs } from './heartbeat.js';
import type { CloseModel, TimelineEvent } from './model.js';

const other = (direction: Direction): Direction => (direction === 'client' ? 'server' : 'client');

/** The close frames and the TCP teardown in an ordered timeline, found in one pass. */
interface Ending {
  /** The first close frame, and each side's first. */
  first: TimelineEvent | null;
  fromClient: TimelineEvent | null;
  fromServer: TimelineEvent | null;
  last: TimelineEvent | null;
  /** The event that ended TCP: the first RST if there is one (it ends the connection at once), else the first FIN. */
  end: TimelineEvent | null;
}

function ending(events: TimelineEvent[]): Ending {
  let first: TimelineEvent | null = null;
  let fromClient: TimelineEvent | null = null;
  let fromServer: TimelineEvent | null = null;
  let last: TimelineEvent | null = null;
  let rst: TimelineEvent | null = null;
  let fin: TimelineEvent | null = null;
  for (const event of events) {
    if (event.type === 'ws-close') {
      first ??= event;
      last = event;
      if (event.direction === 'client') fromClient ??= event;
      else if (event.direction === 'server') fromServer ??= event;
    } else if (event.type === 'tcp-rst') {
      rst ??= event;
    } else if (event.type === 'tcp-fin') {
      fin ??= event;
    }
  }
  return { first, fromClient, fromServer, last, end: rst ?? fin };
}

/** The close block from the ordered timeline. */
export function closeModel(events: TimelineEvent[]): CloseModel {
  const { first, fromClient, fromServer, end } = ending(events);
  // The first close frame of the other side answers the first one.
  const reply = first === null ? null : first.direction === 'client' ? fromServer : fromClient;
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
  const { first, last, end } = ending(events);
  if (end && close.tcpEnd === 'rst') {
    findings.push(finding('tcp-reset', `The ${end.direction} reset the TCP connection (RST).`, at(end)));
  }
  if (end && first === null) {
    const how = close.tcpEnd === 'rst' ? 'reset (RST)' : 'closed (FIN)';
    findings.push(
      finding(
        'abnormal-closure',
        `The ${end.direction} ${how} the TCP connection without a Close frame from either side; browsers report code 1006.`,
        at(end),
      ),
    );
  }
  if (first && close.closeToReplyMs === null) {
    const peer = other(first.direction as Direction);
    const ended = close.tcpEnd === 'open' ? 'before the capture ended' : `before the TCP connection ended (${close.tcpEnd.toUpperCase()})`;
    findings.push(
      finding('close-not-answered', `The ${first.direction} sent Close (${codeText(first.code)}); the ${peer} sent no Close ${ended}.`, at(first)),
    );
  }
  if (first && last && close.tcpEnd === 'open') {
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
