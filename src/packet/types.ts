import type { Packet } from '../capture/types.js';

export interface Endpoint {
  /** Textual address: dotted quad for IPv4, RFC 5952 compressed form for IPv6. */
  ip: string;
  port: number;
}

/** TCP flag bits as in the TCP header's flags byte (plus ECE/CWR). */
export const TcpFlag = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ECE: 0x40,
  CWR: 0x80,
} as const;

/** One TCP segment, decoded from a packet. */
export interface Segment {
  packet: number;
  ts: number;
  src: Endpoint;
  dst: Endpoint;
  ipVersion: 4 | 6;
  /** Raw 32-bit sequence and acknowledgement numbers (unsigned). */
  seq: number;
  ack: number;
  flags: number;
  /** Raw (unscaled) window field. */
  window: number;
  /**
   * Shift count of the window scale option (RFC 7323 §2.2) whenever the segment carries one (it only
   * counts on a SYN), as sent: RFC 7323 §2.3 has receivers use 14 for larger values.
   */
  windowScale: number | null;
  /**
   * Length of the TCP payload as the IP header declares it (what was on the wire). A zero IP length, as
   * TCP segmentation offload leaves it on the sending host, means: up to the end of the frame.
   */
  payloadLength: number;
  /** The captured TCP payload; shorter than `payloadLength` when the snaplen cut the packet. */
  payload: Buffer;
}

/**
 * Why a packet yielded no TCP segment. Used to count and to raise capture-level findings.
 * `truncated-header` also covers headers whose own length fields leave no room for them (an IPv4 IHL
 * below 5, an IP length shorter than the headers it carries, a TCP data offset below 5).
 */
export type SkipReason =
  | 'unsupported-link-type'
  | 'not-ip'
  | 'not-tcp'
  | 'ip-fragment'
  | 'truncated-header';

export type DecodeResult =
  | { kind: 'segment'; segment: Segment }
  | { kind: 'skipped'; reason: SkipReason; packet: Packet };
