// Streams a classic pcap (microsecond timestamps, LINKTYPE_ETHERNET) of Ethernet/IPv4/TCP packets to a file.
// Packets are encoded straight into one large reusable chunk that is written out whenever it fills, so the
// capture is never held in memory. Writes are synchronous: the generator waits for the kernel to take each
// chunk, which is all the backpressure a single producer writing to a file needs.
import { openSync, writeSync, closeSync } from 'node:fs';

const PCAP_MAGIC_MICROSECONDS = 0xa1b2c3d4;
const LINKTYPE_ETHERNET = 1;
const SNAPLEN = 262144;
const RECORD_HEADER = 16;
const ETHERNET_HEADER = 14;
const ETHERTYPE_IPV4 = 0x0800;
const IPV4_HEADER = 20;
const IPPROTO_TCP = 6;
const TCP_HEADER = 20;

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

// The options a Linux SYN carries, in a 12-byte block: MSS 1460, window scale 7, SACK permitted.
const SYN_OPTIONS = Buffer.from([0x02, 0x04, 0x05, 0xb4, 0x01, 0x03, 0x03, 0x07, 0x01, 0x01, 0x04, 0x02]);
const SYN_WINDOW = 64240;
// Once window scaling is agreed (RFC 7323 §2.2) the 16-bit field is shifted by 7: 502 << 7 = 64256 bytes.
const SCALED_WINDOW = 502;

/** Ones' complement sum of big-endian 16-bit words (RFC 1071), not yet folded. */
function onesSum(buf, start, end, sum) {
  let i = start;
  for (; i + 1 < end; i += 2) sum += (buf[i] << 8) | buf[i + 1];
  if (i < end) sum += buf[i] << 8;
  return sum;
}

function fold(sum) {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

/** One side of a TCP connection: MAC, IPv4 address as an unsigned 32-bit number, port, IP identification. */
export function endpoint(mac, ip, port) {
  return { mac, ip, port, ipId: 0 };
}

export class PcapWriter {
  constructor(path, chunkBytes = 8 << 20) {
    this.fd = openSync(path, 'w');
    this.chunk = Buffer.allocUnsafe(chunkBytes);
    this.pos = 0;
    this.bytes = 0;
    this.packets = 0;
    const header = this.chunk;
    header.writeUInt32LE(PCAP_MAGIC_MICROSECONDS, 0);
    header.writeUInt16LE(2, 4); // version 2.4
    header.writeUInt16LE(4, 6);
    header.writeInt32LE(0, 8); // thiszone
    header.writeUInt32LE(0, 12); // sigfigs
    header.writeUInt32LE(SNAPLEN, 16);
    header.writeUInt32LE(LINKTYPE_ETHERNET, 20);
    this.pos = 24;
    this.bytes = 24;
  }

  /**
   * Appends one TCP segment. `payload.subarray(start, end)` is its data (nothing is copied twice: the bytes
   * go straight into the chunk). Checksums are computed: the capture looks like one taken off the wire.
   */
  tcp(timeUs, from, to, seq, ack, flags, payload, start, end) {
    const syn = (flags & TCP_SYN) !== 0;
    const tcpHeader = syn ? TCP_HEADER + SYN_OPTIONS.length : TCP_HEADER;
    const dataLength = end - start;
    const tcpLength = tcpHeader + dataLength;
    const ipLength = IPV4_HEADER + tcpLength;
    const frameLength = ETHERNET_HEADER + ipLength;
    if (this.pos + RECORD_HEADER + frameLength > this.chunk.length) this.flush();
    const b = this.chunk;
    let p = this.pos;

    b.writeUInt32LE(Math.floor(timeUs / 1e6), p);
    b.writeUInt32LE(timeUs % 1e6, p + 4);
    b.writeUInt32LE(frameLength, p + 8);
    b.writeUInt32LE(frameLength, p + 12);
    p += RECORD_HEADER;

    to.mac.copy(b, p);
    from.mac.copy(b, p + 6);
    b.writeUInt16BE(ETHERTYPE_IPV4, p + 12);
    p += ETHERNET_HEADER;

    const ip = p;
    b[ip] = 0x45; // version 4, 5-word header
    b[ip + 1] = 0;
    b.writeUInt16BE(ipLength, ip + 2);
    b.writeUInt16BE(from.ipId, ip + 4);
    from.ipId = (from.ipId + 1) & 0xffff;
    b.writeUInt16BE(0x4000, ip + 6); // Don't Fragment
    b[ip + 8] = 64; // TTL
    b[ip + 9] = IPPROTO_TCP;
    b.writeUInt16BE(0, ip + 10);
    b.writeUInt32BE(from.ip, ip + 12);
    b.writeUInt32BE(to.ip, ip + 16);
    b.writeUInt16BE(fold(onesSum(b, ip, ip + IPV4_HEADER, 0)), ip + 10);
    p += IPV4_HEADER;

    const tcp = p;
    b.writeUInt16BE(from.port, tcp);
    b.writeUInt16BE(to.port, tcp + 2);
    b.writeUInt32BE(seq >>> 0, tcp + 4);
    b.writeUInt32BE(flags & TCP_ACK ? ack >>> 0 : 0, tcp + 8);
    b[tcp + 12] = (tcpHeader / 4) << 4;
    b[tcp + 13] = flags;
    b.writeUInt16BE(syn ? SYN_WINDOW : SCALED_WINDOW, tcp + 14);
    b.writeUInt16BE(0, tcp + 16);
    b.writeUInt16BE(0, tcp + 18); // urgent pointer
    if (syn) SYN_OPTIONS.copy(b, tcp + TCP_HEADER);
    if (dataLength > 0) payload.copy(b, tcp + tcpHeader, start, end);
    // The checksum covers the pseudo-header (RFC 793 §3.1): addresses, protocol, TCP length.
    let sum = (from.ip >>> 16) + (from.ip & 0xffff) + (to.ip >>> 16) + (to.ip & 0xffff) + IPPROTO_TCP + tcpLength;
    sum = onesSum(b, tcp, tcp + tcpLength, sum);
    b.writeUInt16BE(fold(sum), tcp + 16);

    this.pos = tcp + tcpLength;
    this.bytes += RECORD_HEADER + frameLength;
    this.packets++;
  }

  flush() {
    let off = 0;
    while (off < this.pos) off += writeSync(this.fd, this.chunk, off, this.pos - off);
    this.pos = 0;
  }

  close() {
    this.flush();
    closeSync(this.fd);
  }
}
