import type { Packet } from '../capture/types.js';
import { ipv4Endpoint, ipv6Endpoint } from './address.js';
import { u16, u32 } from './bytes.js';
import type { NetworkLayer } from './ip.js';
import type { Segment, SkipReason } from './types.js';

const NO_PAYLOAD = Buffer.alloc(0);

// RFC 9293 §3.1 option kinds; window scale from RFC 7323 §2.2.
const OPTION_END = 0;
const OPTION_NOP = 1;
const OPTION_WINDOW_SCALE = 3;

/**
 * Reads the TCP header `network` located in `data`, the bytes of `packet`, and builds the segment; returns
 * why not when it cannot.
 */
export function decodeTcp(packet: Packet, data: Buffer, network: NetworkLayer): Segment | SkipReason {
  const at = network.transportOffset;
  const end = network.capturedEnd;
  // RFC 9293 §3.1: Data Offset counts 32-bit words; the header, options included, must be all there.
  if (at + 20 > end) return 'truncated-header';
  const headerLength = (data[at + 12] >> 4) * 4;
  if (headerLength < 20 || at + headerLength > end) return 'truncated-header';
  const ipv4 = network.ipVersion === 4;
  const srcPort = u16(data, at);
  const dstPort = u16(data, at + 2);
  return {
    packet: packet.number,
    ts: packet.ts,
    src: ipv4 ? ipv4Endpoint(data, network.srcOffset, srcPort) : ipv6Endpoint(data, network.srcOffset, srcPort),
    dst: ipv4 ? ipv4Endpoint(data, network.dstOffset, dstPort) : ipv6Endpoint(data, network.dstOffset, dstPort),
    ipVersion: network.ipVersion,
    seq: u32(data, at + 4),
    ack: u32(data, at + 8),
    flags: data[at + 13],
    window: u16(data, at + 14),
    windowScale: windowScaleOption(data, at + 20, at + headerLength),
    payloadLength: network.transportLength - headerLength,
    // A pure ACK (about half of all segments) carries no bytes: no view to make for it.
    payload: at + headerLength < end ? data.subarray(at + headerLength, end) : NO_PAYLOAD,
  };
}

/**
 * The shift count of the window scale option among the options in [at, end), or null. Malformed
 * options end the walk: what follows them cannot be located.
 */
function windowScaleOption(data: Buffer, at: number, end: number): number | null {
  let shift: number | null = null;
  while (at < end) {
    const kind = data[at];
    if (kind === OPTION_END) break;
    if (kind === OPTION_NOP) {
      at++;
      continue;
    }
    if (at + 2 > end) break;
    const length = data[at + 1];
    if (length < 2 || at + length > end) break;
    if (kind === OPTION_WINDOW_SCALE && length === 3) shift = data[at + 2];
    at += length;
  }
  return shift;
}
