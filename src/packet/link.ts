import { u16 } from './bytes.js';
import type { SkipReason } from './types.js';

/** IEEE 802 EtherTypes the network stage understands. */
export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;
/** Not an EtherType (values up to 1500 are 802.3 lengths): what a link header says when it names no IP. */
const ETHERTYPE_NONE = 0;

// VLAN tag protocol identifiers: 802.1Q C-tag, 802.1ad S-tag, and the pre-standard 0x9100 S-tag.
const TPID_8021Q = 0x8100;
const TPID_8021AD = 0x88a8;
const TPID_QINQ = 0x9100;

/** LINKTYPE_* values from the tcpdump.org link-layer header type registry. */
const LINKTYPE_NULL = 0;
const LINKTYPE_ETHERNET = 1;
const LINKTYPE_RAW_ALIAS_12 = 12;
const LINKTYPE_RAW_ALIAS_14 = 14;
const LINKTYPE_RAW = 101;
const LINKTYPE_LOOP = 108;
const LINKTYPE_LINUX_SLL = 113;
const LINKTYPE_IPV4 = 228;
const LINKTYPE_IPV6 = 229;
const LINKTYPE_LINUX_SLL2 = 276;

// Address family values the BSDs put in the loopback header: AF_INET is 2 everywhere, AF_INET6 is 24
// (NetBSD, OpenBSD), 28 (FreeBSD, DragonFly) or 30 (macOS).
const AF_INET = 2;
const AF_INET6_BSD = 24;
const AF_INET6_FREEBSD = 28;
const AF_INET6_DARWIN = 30;

/** Where the network layer starts in the packet and what the link layer says it is. Reused per packet. */
export interface LinkLayer {
  offset: number;
  ethertype: number;
}

/**
 * Reads the link-layer header of `linkType` of the packet in `data[start, end)` and fills `out`; returns why
 * the packet is skipped, or null. A link layer that names something other than IP yields a non-IP EtherType
 * for the network stage to refuse.
 */
export function decodeLink(linkType: number, data: Buffer, start: number, end: number, out: LinkLayer): SkipReason | null {
  const length = end - start;
  switch (linkType) {
    case LINKTYPE_ETHERNET:
      // IEEE 802.3: destination(6) source(6) EtherType(2).
      if (length < 14) return 'truncated-header';
      return walkVlanTags(data, u16(data, start + 12), start + 14, end, out);
    case LINKTYPE_LINUX_SLL:
      // Linux cooked v1: packet type(2) ARPHRD type(2) address length(2) address(8) protocol(2).
      if (length < 16) return 'truncated-header';
      return walkVlanTags(data, u16(data, start + 14), start + 16, end, out);
    case LINKTYPE_LINUX_SLL2:
      // Linux cooked v2: protocol(2) reserved(2) ifindex(4) ARPHRD type(2) packet type(1) address
      // length(1) address(8).
      if (length < 20) return 'truncated-header';
      return walkVlanTags(data, u16(data, start), start + 20, end, out);
    case LINKTYPE_RAW:
    case LINKTYPE_RAW_ALIAS_12:
    case LINKTYPE_RAW_ALIAS_14:
      // No header: the IP version nibble tells IPv4 from IPv6.
      if (length < 1) return 'truncated-header';
      out.offset = start;
      out.ethertype = ipVersionEthertype(data[start] >> 4);
      return null;
    case LINKTYPE_IPV4:
      out.offset = start;
      out.ethertype = ETHERTYPE_IPV4;
      return null;
    case LINKTYPE_IPV6:
      out.offset = start;
      out.ethertype = ETHERTYPE_IPV6;
      return null;
    case LINKTYPE_NULL: {
      // A 4-byte address family in the capturing host's byte order, which the file does not record.
      // Families are small numbers, so a value with high bits set was written in the other order.
      if (length < 4) return 'truncated-header';
      const family = data.readUInt32LE(start);
      out.offset = start + 4;
      out.ethertype = familyEthertype(family > 0xffff ? data.readUInt32BE(start) : family);
      return null;
    }
    case LINKTYPE_LOOP:
      // OpenBSD loop: the same 4-byte address family, always in network byte order.
      if (length < 4) return 'truncated-header';
      out.offset = start + 4;
      out.ethertype = familyEthertype(data.readUInt32BE(start));
      return null;
    default:
      return 'unsupported-link-type';
  }
}

/**
 * Follows `ethertype` through any stack of VLAN tags (IEEE 802.1Q §9.6: after the TPID, a 2-byte TCI,
 * then the next EtherType). `payload` is where the bytes `ethertype` announces begin.
 */
function walkVlanTags(data: Buffer, ethertype: number, payload: number, end: number, out: LinkLayer): SkipReason | null {
  while (ethertype === TPID_8021Q || ethertype === TPID_8021AD || ethertype === TPID_QINQ) {
    if (payload + 4 > end) return 'truncated-header';
    ethertype = u16(data, payload + 2);
    payload += 4;
  }
  out.offset = payload;
  out.ethertype = ethertype;
  return null;
}

function ipVersionEthertype(version: number): number {
  if (version === 4) return ETHERTYPE_IPV4;
  if (version === 6) return ETHERTYPE_IPV6;
  return ETHERTYPE_NONE;
}

function familyEthertype(family: number): number {
  if (family === AF_INET) return ETHERTYPE_IPV4;
  if (family === AF_INET6_BSD || family === AF_INET6_FREEBSD || family === AF_INET6_DARWIN) {
    return ETHERTYPE_IPV6;
  }
  return ETHERTYPE_NONE;
}
