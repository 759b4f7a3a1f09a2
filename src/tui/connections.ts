import type { CaptureModel, ConnectionModel } from '../analysis/index.js';

/** What `s` cycles the connection list through. */
export type ConnectionSort = 'start' | 'duration' | 'messages' | 'bytes';
export const CONNECTION_SORTS: readonly ConnectionSort[] = ['start', 'duration', 'messages', 'bytes'];

const SORT_KEYS: Record<ConnectionSort, (c: ConnectionModel) => number> = {
  start: (c) => c.start,
  duration: (c) => c.end - c.start,
  messages: (c) => c.messages.length,
  bytes: (c) => c.bytes.client + c.bytes.server,
};

/**
 * The connections listed: the WebSocket ones (or every TCP connection), earliest first for `start` and largest
 * first for the others; ties keep capture order.
 */
export function listConnections(model: CaptureModel, allTcp: boolean, sort: ConnectionSort): ConnectionModel[] {
  const listed = allTcp ? [...model.connections] : model.connections.filter((c) => c.isWebSocket);
  const key = SORT_KEYS[sort];
  const sign = sort === 'start' ? 1 : -1;
  return listed.sort((a, b) => sign * (key(a) - key(b)) || a.id - b.id);
}

export interface MessageCounts {
  client: number;
  server: number;
}

const messageCounts = new WeakMap<ConnectionModel, MessageCounts>();

/** Messages sent by each side; counted once per connection (the list redraws often). */
export function countMessages(connection: ConnectionModel): MessageCounts {
  let counts = messageCounts.get(connection);
  if (!counts) {
    counts = { client: 0, server: 0 };
    for (const message of connection.messages) counts[message.direction]++;
    messageCounts.set(connection, counts);
  }
  return counts;
}

export interface Ending {
  label: string;
  color: string;
  /** A sentence for the detail pane. */
  explanation: string;
}

/**
 * How the connection ended: a refused or unanswered upgrade, or what its close model says (RFC 6455 §7.1.4 for
 * what counts as clean).
 */
export function connectionEnding({ close, isWebSocket, handshake }: Pick<ConnectionModel, 'close' | 'isWebSocket' | 'handshake'>): Ending {
  if (handshake?.response && handshake.response.status !== 101) {
    const { status } = handshake.response;
    return { label: `refused ${status}`, color: 'yellow', explanation: `The server answered the upgrade with ${status}, not 101 (RFC 6455 §4.1).` };
  }
  if (handshake && !handshake.response && close.tcpEnd !== 'open') {
    return { label: 'no answer', color: 'yellow', explanation: 'The upgrade request got no response in the capture.' };
  }
  if (!isWebSocket) {
    // Plain TCP: no closing handshake to judge, only how TCP ended.
    const label = close.tcpEnd === 'open' ? 'open' : close.tcpEnd.toUpperCase();
    const by = close.tcpEndBy ? ` by the ${close.tcpEndBy}` : '';
    return { label, color: close.tcpEnd === 'rst' ? 'red' : 'gray', explanation: close.tcpEnd === 'open' ? 'Still open when the capture ends.' : `TCP ${label}${by}.` };
  }
  const code = close.initiator === 'server' ? close.serverCode : close.clientCode;
  const codeText = code === null ? 'no code' : String(code);
  const by = close.initiator === null ? '' : ` by the ${close.initiator}`;
  if (close.clean) {
    return { label: `close ${codeText}`, color: 'green', explanation: `Clean close${by}: both Close frames, then TCP FIN.` };
  }
  if (close.tcpEnd === 'rst') {
    const after = close.initiator === null ? '' : ` after a Close (${codeText})${by}`;
    return { label: close.initiator === null ? 'RST' : `RST ${codeText}`, color: 'red', explanation: `Reset by the ${close.tcpEndBy ?? 'unknown side'}${after}.` };
  }
  if (close.tcpEnd === 'fin') {
    if (close.initiator === null) {
      return { label: 'FIN, no close', color: 'red', explanation: `TCP closed by the ${close.tcpEndBy ?? 'unknown side'} without any Close frame (abnormal closure, 1006).` };
    }
    return { label: `close ${codeText} !`, color: 'yellow', explanation: `Close${by} (${codeText}) without the full closing handshake before the FIN.` };
  }
  if (close.initiator !== null) {
    return { label: `closing ${codeText}`, color: 'yellow', explanation: `Close${by} (${codeText}); the capture ends before the TCP connection does.` };
  }
  return { label: 'open', color: 'cyan', explanation: 'Still open when the capture ends.' };
}
