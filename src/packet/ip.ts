import { u16 } from './bytes.js';
import { ETHERTYPE_IPV4, ETHERTYPE_IPV6 } from './link.js';
import type { SkipReason } from './types.js';

/** IANA protocol numbers (also IPv6 Next Header values). */
const IPPROTO_HOPOPTS = 0;
const IPPROTO_TCP = 6;
const IPPROTO_ROUTING = 43;
const IPPROTO_FRAGMENT = 44;
const IPPROTO_AH = 51;
const IPPROTO_DSTOPTS = 60;
const IPPROTO_MOBILITY = 135;
const IPPROTO_HIP = 139;
const IPPROTO_SHIM6 = 140;

/** Where the TCP header is and how far the datagram reaches. Reused per packet. */
export interface NetworkLayer {
  ipVersion: 4 | 6;
  /** Offsets of the source and destination addresses (4 or 16 bytes each). */
  srcOffset: number;
  dstOffset: number;
  /** Offset of the transport (TCP) header. */
  transportOffset: number;
  /** Bytes from `transportOffset` to the end of the datagram as the IP header declares it. */
  transportLength: number;
  /** End of the datagram's bytes in the capture: before any link padding, and no further than captured. */
  capturedEnd: number;
}

/**
 * Reads the IP header at `offset` and fills `out`; returns why the packet is skipped, or null when it
 * carries an unfragmented TCP segment. The packet's captured bytes end at `end`; on the wire it ended
 * at `wireEnd`.
 */
export function decodeNetwork(
  data: Buffer,
  ethertype: number,
  offset: number,
  end: number,
  wireEnd: number,
  out: NetworkLayer,
): SkipReason | null {
  if (ethertype === ETHERTYPE_IPV4) return decodeIPv4(data, offset, end, wireEnd, out);
  if (ethertype === ETHERTYPE_IPV6) return decodeIPv6(data, offset, end, wireEnd, out);
  return 'not-ip';
}

/**
 * A length field of 0 is what TCP segmentation offload leaves in packets captured on the sending host
 * (the NIC fills it in later); Wireshark then takes the datagram to run to the end of the frame, and so
 * does this. It also covers IPv6 jumbograms (RFC 2675), whose length sits in a hop-by-hop option.
 */
function datagramEnd(declaredEnd: number, lengthField: number, wireEnd: number): number {
  return lengthField === 0 ? wireEnd : declaredEnd;
}

// RFC 791 §3.1
function decodeIPv4(data: Buffer, offset: number, captured: number, wireEnd: number, out: NetworkLayer): SkipReason | null {
  if (offset + 20 > captured) return 'truncated-header';
  const versionAndIhl = data[offset];
  if (versionAndIhl >> 4 !== 4) return 'not-ip';
  const headerLength = (versionAndIhl & 0x0f) * 4;
  const totalLength = u16(data, offset + 2);
  const end = datagramEnd(offset + totalLength, totalLength, wireEnd);
  // An IHL below 5, or a total length that does not cover the header, leaves no whole header to read.
  if (headerLength < 20 || offset + headerLength > end || offset + headerLength > captured) {
    return 'truncated-header';
  }
  // The protocol is known even in a fragment, so fragments of other protocols count as not-tcp and
  // 'ip-fragment' means TCP bytes that were lost to the lack of reassembly.
  if (data[offset + 9] !== IPPROTO_TCP) return 'not-tcp';
  // Flags(3) + fragment offset(13): a fragment offset, or More Fragments on a first fragment.
  if ((u16(data, offset + 6) & 0x3fff) !== 0) return 'ip-fragment';
  out.ipVersion = 4;
  out.srcOffset = offset + 12;
  out.dstOffset = offset + 16;
  return fillTransport(offset + headerLength, end, captured, out);
}

// RFC 8200 §3 (header) and §4 (extension headers)
function decodeIPv6(data: Buffer, offset: number, captured: number, wireEnd: number, out: NetworkLayer): SkipReason | null {
  if (offset + 40 > captured) return 'truncated-header';
  if (data[offset] >> 4 !== 6) return 'not-ip';
  const payloadLength = u16(data, offset + 4);
  const end = datagramEnd(offset + 40 + payloadLength, payloadLength, wireEnd);
  const readable = Math.min(end, captured);
  let nextHeader = data[offset + 6];
  let at = offset + 40;
  while (nextHeader !== IPPROTO_TCP) {
    let headerLength: number;
    switch (nextHeader) {
      case IPPROTO_HOPOPTS:
      case IPPROTO_ROUTING:
      case IPPROTO_DSTOPTS:
      case IPPROTO_MOBILITY:
      case IPPROTO_HIP:
      case IPPROTO_SHIM6:
        // RFC 8200 §4.3-4.6, RFC 6275 §6.1.1, RFC 7401 §5.1, RFC 5533 §5: Next Header(1), then the
        // length in 8-octet units not counting the first 8.
        if (at + 2 > readable) return 'truncated-header';
        headerLength = (data[at + 1] + 1) * 8;
        break;
      case IPPROTO_AH:
        // RFC 4302 §2.2: Payload Len is in 4-octet units, minus 2.
        if (at + 2 > readable) return 'truncated-header';
        headerLength = (data[at + 1] + 2) * 4;
        break;
      case IPPROTO_FRAGMENT:
        // RFC 8200 §4.5: offset(13) res(2) M(1) after Next Header and Reserved. Only an atomic fragment
        // (offset 0, M 0, RFC 6946) holds a whole TCP segment.
        if (at + 8 > readable) return 'truncated-header';
        if ((u16(data, at + 2) & 0xfff9) !== 0) return 'ip-fragment';
        headerLength = 8;
        break;
      default:
        // Upper-layer protocols, No Next Header (59), and ESP (50), whose contents are encrypted.
        return 'not-tcp';
    }
    nextHeader = data[at];
    at += headerLength;
  }
  out.ipVersion = 6;
  out.srcOffset = offset + 8;
  out.dstOffset = offset + 24;
  return fillTransport(at, end, captured, out);
}

function fillTransport(transportOffset: number, end: number, captured: number, out: NetworkLayer): null {
  out.transportOffset = transportOffset;
  out.transportLength = end - transportOffset;
  // Trust the IP length over the capture: it strips Ethernet padding of short frames (IEEE 802.3
  // minimum frame size), while a snaplen may have kept fewer bytes than it declares.
  out.capturedEnd = Math.min(end, captured);
  return null;
}
