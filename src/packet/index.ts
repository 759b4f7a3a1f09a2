import { RecordPacket } from '../capture/packet.js';
import type { Packet } from '../capture/types.js';
import { decodeNetwork, type NetworkLayer } from './ip.js';
import { decodeLink, type LinkLayer } from './link.js';
import { decodeTcp } from './tcp.js';
import type { DecodeResult } from './types.js';

export { TcpFlag } from './types.js';
export type { DecodeResult, Endpoint, Segment, SkipReason } from './types.js';

// Per-packet positions handed from layer to layer. Decoding is synchronous, so one pair serves every
// call and the only allocations per packet are the result objects.
const link: LinkLayer = { offset: 0, ethertype: 0 };
const network: NetworkLayer = {
  ipVersion: 4,
  srcOffset: 0,
  dstOffset: 0,
  transportOffset: 0,
  transportLength: 0,
  capturedEnd: 0,
};

/** Decodes the packet down to its TCP segment, or says why it has none. Never throws. */
export function decodePacket(packet: Packet): DecodeResult {
  // The readers' packets are decoded where they lie in the chunk read; any other one through its `data`.
  let data: Buffer;
  let start = 0;
  let end: number;
  if (packet instanceof RecordPacket) {
    data = packet.bytes;
    start = packet.start;
    end = packet.end;
  } else {
    data = packet.data;
    end = data.length;
  }
  const outcome =
    decodeLink(packet.linkType, data, start, end, link) ??
    decodeNetwork(data, link.ethertype, link.offset, end, start + packet.originalLength, network) ??
    decodeTcp(packet, data, network);
  return typeof outcome === 'string'
    ? { kind: 'skipped', reason: outcome, packet }
    : { kind: 'segment', segment: outcome };
}
