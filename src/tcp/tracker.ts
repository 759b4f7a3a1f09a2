import type { Endpoint, Segment } from '../packet/types.js';
import { Connection } from './connection.js';
import type { TcpConnectionInfo, TcpConnectionSink, TcpTrackerOptions } from './types.js';

const DEFAULT_MAX_BUFFER_BYTES = 16 * 1024 * 1024;

/**
 * How long (capture time) an ended connection stays in the table for its late packets (the last ACK,
 * retransmitted FINs) before it is forgotten so that memory stays flat on long captures: TIME-WAIT's
 * 2 × MSL (RFC 9293 §3.4.2).
 */
const CLOSED_LINGER_SECONDS = 240;

/** The same key for both directions of a connection. */
function connectionKey(src: Endpoint, dst: Endpoint): string {
  const a = `${src.ip} ${src.port}`;
  const b = `${dst.ip} ${dst.port}`;
  return a < b ? `${a} ${b}` : `${b} ${a}`;
}

/** Follows every TCP connection of a capture: segments in, per-connection byte streams and events out. */
export class TcpTracker {
  private readonly connections = new Map<string, Connection>();
  /** Ended connections in the order they ended, to be dropped from the table after the linger time. */
  private closed: Connection[] = [];
  private closedHead = 0;
  private nextId = 0;
  private readonly maxBufferBytes: number;

  constructor(
    private readonly onConnection: (info: TcpConnectionInfo) => TcpConnectionSink,
    options: TcpTrackerOptions = {},
  ) {
    this.maxBufferBytes = options.maxBufferBytes ?? DEFAULT_MAX_BUFFER_BYTES;
  }

  /** One segment, in capture order. */
  push(segment: Segment): void {
    this.forgetClosed(segment.ts);
    const key = connectionKey(segment.src, segment.dst);
    let connection = this.connections.get(key);
    if (connection !== undefined && connection.startsNewConnection(segment)) {
      connection.finish();
      connection = undefined;
    }
    if (connection === undefined) {
      connection = new Connection(this.nextId++, key, segment, this.onConnection, this.maxBufferBytes);
      this.connections.set(key, connection);
    }
    const wasEnded = connection.isEnded;
    connection.push(segment);
    if (!wasEnded && connection.isEnded) this.closed.push(connection);
  }

  /** End of capture: every open connection ends, in id order, its holes declared as gaps. */
  finish(): void {
    const open = [...this.connections.values()].filter((c) => !c.isEnded).sort((a, b) => a.id - b.id);
    for (const connection of open) connection.finish();
    this.connections.clear();
    this.closed = [];
    this.closedHead = 0;
  }

  private forgetClosed(now: number): void {
    while (this.closedHead < this.closed.length) {
      const connection = this.closed[this.closedHead];
      if (connection.lastSeen > now - CLOSED_LINGER_SECONDS) break;
      this.closedHead++;
      if (this.connections.get(connection.key) === connection) this.connections.delete(connection.key);
    }
    if (this.closedHead > 1024 && this.closedHead * 2 > this.closed.length) {
      this.closed = this.closed.slice(this.closedHead);
      this.closedHead = 0;
    }
  }
}
