import type { Endpoint, Segment } from '../packet/types.js';
import { Connection } from './connection.js';
import { StartOrder } from './start-order.js';
import type { TcpConnectionInfo, TcpConnectionSink, TcpTrackerOptions } from './types.js';

const DEFAULT_MAX_BUFFER_BYTES = 16 * 1024 * 1024;

/**
 * How long (capture time) an ended connection stays in the table for its late packets (the last ACK,
 * retransmitted FINs) before it is forgotten so that memory stays flat on long captures: TIME-WAIT's
 * 2 × MSL (RFC 9293 §3.4.2).
 */
const CLOSED_LINGER_SECONDS = 240;

/**
 * Most ended connections lingering at once unless told (maxLingeringConnections). An ended connection costs
 * ~0.55 KB here (its tombstone and table entry): 100,000 is ~55 MB, and at a thousand connections ending per
 * second it still covers 100 s of a capture.
 */
const DEFAULT_MAX_LINGERING_CONNECTIONS = 100_000;

/**
 * Every this many segments (a power of two, minus one as a mask) the ended connections due are dropped
 * from the table. Not on every segment: the first drop comes long after the per-packet code is
 * optimized, and run inline there it deoptimized the whole pipeline inlined into the capture reader's
 * loop (twice per cold run of the bench capture, ~9% of it). Called this seldom, it is not inlined.
 * Whether a late segment still belongs to an ended connection is decided on lookup (`lingeredOut`).
 */
const FORGET_EVERY_SEGMENTS_MASK = 255;

/** Whether an ended connection's last packet is longer ago than the linger: a segment on its ports starts anew. */
function lingeredOut(connection: Connection, now: number): boolean {
  // Both read every time: a comparison first run after optimization deoptimizes its caller.
  const ended = connection.isEnded;
  const stale = connection.lastSeen <= now - CLOSED_LINGER_SECONDS;
  return stale && ended;
}

/**
 * The table key: the connection's two ports, lower first, so both directions meet in one entry. A number built
 * from the segment's fields costs nothing per packet, where a string of addresses and ports cost a fifth of
 * the tracker's time; the few connections that share a key are told apart by address (`holds`). The lower
 * port keeps only its low 14 bits (server ports rarely have more), so that the key stays below 2^30, a
 * small integer for V8: a larger one is a heap number, allocated and hashed as a double on every lookup.
 */
function portPairKey(src: Endpoint, dst: Endpoint): number {
  const low = src.port < dst.port ? src.port : dst.port;
  const high = src.port < dst.port ? dst.port : src.port;
  return (low & 0x3fff) * 0x10000 + high;
}

/** Follows every TCP connection of a capture: segments in, per-connection byte streams and events out. */
export class TcpTracker {
  /** Connections by port pair; almost always one per pair. */
  private readonly connections = new Map<number, Connection[]>();
  /**
   * Ended connections in the order they ended, to be dropped from the table after the linger time (or
   * sooner, past maxLingeringConnections); a dropped one's slot is cleared so that it is not kept alive.
   * Never replaced, only emptied in place: replacing it made V8 deoptimize the code that took it for a constant.
   */
  private readonly closed: (Connection | undefined)[] = [];
  private closedHead = 0;
  private segments = 0;
  /** The latest capture time seen: once past an ended connection's linger, it is gone for good. */
  private latest = -Infinity;
  private nextId = 0;
  private readonly maxBufferBytes: number;
  private readonly maxOpenConnections: number;
  private readonly maxLingeringConnections: number;
  /** Open connections in the order they began: the first is the oldest. */
  private readonly open = new StartOrder<Connection>();

  constructor(
    private readonly onConnection: (info: TcpConnectionInfo) => TcpConnectionSink,
    options: TcpTrackerOptions = {},
  ) {
    this.maxBufferBytes = options.maxBufferBytes ?? DEFAULT_MAX_BUFFER_BYTES;
    this.maxOpenConnections = Math.max(1, options.maxOpenConnections ?? Infinity);
    this.maxLingeringConnections = Math.max(0, options.maxLingeringConnections ?? DEFAULT_MAX_LINGERING_CONNECTIONS);
  }

  /** One segment, in capture order. */
  push(segment: Segment): void {
    if (segment.ts > this.latest) this.latest = segment.ts;
    if ((++this.segments & FORGET_EVERY_SEGMENTS_MASK) === 0) this.forgetClosed(this.latest);
    const connection = this.connectionFor(segment);
    const wasEnded = connection.isEnded;
    connection.push(segment);
    if (!wasEnded && connection.isEnded) {
      this.open.ended();
      this.closed.push(connection);
      if (this.closed.length - this.closedHead > this.maxLingeringConnections) this.forgetFirstClosed();
    }
  }

  /** End of capture: every open connection ends, in id order, its holes declared as gaps. */
  finish(): void {
    // `open` is in the order connections began, which is id order.
    for (const connection of this.open.drain()) connection.finish();
    this.connections.clear();
    this.closed.length = 0;
    this.closedHead = 0;
  }

  /** The connection `segment` belongs to: a new one for its first segment, or for a SYN that starts one anew. */
  private connectionFor(segment: Segment): Connection {
    const key = portPairKey(segment.src, segment.dst);
    const bucket = this.connections.get(key);
    let found: Connection | undefined;
    for (let at = 0; bucket !== undefined && at < bucket.length && found === undefined; at++) {
      if (bucket[at].holds(segment)) found = bucket[at];
    }
    if (found !== undefined && !found.startsNewConnection(segment) && !lingeredOut(found, this.latest)) return found;
    if (found !== undefined && !found.isEnded) {
      found.finish();
      this.open.ended();
    }
    // Eviction may drop a connection of this very table entry, even the entry itself: it is looked up after.
    if (this.open.size >= this.maxOpenConnections) this.evictOldest();
    const connection = new Connection(this.nextId++, key, segment, this.onConnection, this.maxBufferBytes);
    this.open.add(connection);
    const entry = this.connections.get(key);
    // A one-item literal: an empty array grown by a push reserves 17 slots, ~70 bytes per connection.
    if (entry === undefined) {
      this.connections.set(key, [connection]);
      return connection;
    }
    // A connection started anew takes the place of the one it replaces.
    const at = found === undefined ? -1 : entry.indexOf(found);
    if (at >= 0) entry[at] = connection;
    else entry.push(connection);
    return connection;
  }

  /** Lets go of the oldest connection still open, so that a flood of connections cannot exhaust memory. */
  private evictOldest(): void {
    const oldest = this.open.takeOldest();
    if (oldest === undefined) return;
    oldest.evict();
    this.forget(oldest);
  }

  /** Drops an ended connection from the table, unless a new connection on its ports replaced it already. */
  private forget(connection: Connection): void {
    const bucket = this.connections.get(connection.key);
    const at = bucket?.indexOf(connection) ?? -1;
    if (bucket === undefined || at < 0) return;
    if (bucket.length === 1) this.connections.delete(connection.key);
    else bucket.splice(at, 1);
  }

  private forgetClosed(now: number): void {
    while (this.closedHead < this.closed.length) {
      if ((this.closed[this.closedHead] as Connection).lastSeen > now - CLOSED_LINGER_SECONDS) break;
      this.forgetFirstClosed();
    }
  }

  /** Drops the connection that ended first from the table, and from the list of ended ones. */
  private forgetFirstClosed(): void {
    const connection = this.closed[this.closedHead] as Connection;
    this.closed[this.closedHead++] = undefined;
    this.forget(connection);
    if (this.closedHead > 1024 && this.closedHead * 2 > this.closed.length) {
      this.closed.splice(0, this.closedHead);
      this.closedHead = 0;
    }
  }
}
