import type { Endpoint, Segment } from '../packet/types.js';

/** Who sent the bytes or the event. The client is the SYN sender, else the side that sent the HTTP request. */
export type Direction = 'client' | 'server';

/** In-order bytes of one direction of a connection, as reassembled from segments. */
export interface StreamChunk {
  direction: Direction;
  data: Buffer;
  /** Offset of `data[0]` in this direction's byte stream (0 = first byte after the SYN). */
  offset: number;
  /** Timestamp and number of the packet that carried these bytes. */
  ts: number;
  packet: number;
}

/** TCP-level events, labelled with Wireshark's rules (tcp.analysis.*) where Wireshark has a label. */
export type TcpEventType =
  | 'tcp-syn'
  | 'tcp-syn-ack'
  | 'tcp-established'
  | 'tcp-fin'
  | 'tcp-rst'
  | 'keepalive'
  | 'keepalive-ack'
  | 'zero-window'
  | 'zero-window-probe'
  | 'retransmission'
  | 'out-of-order'
  | 'dup-ack'
  | 'gap';

export interface TcpEvent {
  type: TcpEventType;
  direction: Direction;
  ts: number;
  packet: number;
  /** For `gap`: how many bytes of the stream were never captured. */
  bytesMissing?: number;
  /**
   * For `gap`: true when the hole was given up because the bytes held behind it outgrew the reassembly buffer
   * (maxBufferBytes, or too many held pieces), not because the peer acknowledged it or the connection ended.
   */
  overflow?: boolean;
}

export interface TcpConnectionInfo {
  /** 0-based, in order of first packet, counting every TCP connection (like Wireshark's tcp.stream). */
  id: number;
  client: Endpoint;
  server: Endpoint;
  firstTs: number;
  firstPacket: number;
  /**
   * True when the capture holds the connection's SYN or SYN-ACK (so both streams start at their first
   * byte: the SYN-ACK acknowledges the client's ISN).
   */
  sawSyn: boolean;
}

/** What the TCP stage hands downstream for one connection. Calls arrive in capture order. */
export interface TcpConnectionSink {
  onChunk(chunk: StreamChunk): void;
  onEvent(event: TcpEvent): void;
  /** Every segment of the connection, for timing (first/last packet, idle periods). */
  onSegment?(segment: Segment, direction: Direction): void;
  /** The tracker stopped following the connection while it was still open (maxOpenConnections); onEnd follows. */
  onEvicted?(ts: number): void;
  /** The connection is over (both FINs, an RST, or the end of the capture); no more calls follow. */
  onEnd(ts: number): void;
}

export interface TcpTrackerOptions {
  /**
   * Most out-of-order bytes held per direction while waiting for a hole to be filled (default 16 MiB).
   * Past it the hole is declared a gap and the held bytes are delivered.
   */
  maxBufferBytes?: number;
  /**
   * Most connections followed at once (no limit unless given; the analysis gives 100,000). A capture holding more open connections at once
   * (a SYN flood, a scan) would otherwise grow memory without bound: past the limit the oldest open connection
   * is let go — its sink hears `onEvicted`, then `onEnd` — and later packets of it start a new connection.
   */
  maxOpenConnections?: number;
  /**
   * Most ended connections kept for their late packets (default 100,000). An ended connection lingers for
   * TIME-WAIT's 240 s of capture time so that its last ACK or a retransmitted FIN still counts to it; past
   * this many the one that ended first is forgotten early (a later packet of it starts a new connection), so
   * that a flood of short connections (SYN, then RST) cannot grow memory without bound either.
   */
  maxLingeringConnections?: number;
}
