// Byte builders for hand-made packets: each returns exactly the header it names, in front of `payload`.
import type { Packet } from '../../src/capture/types.js';

export const SRC4 = [192, 0, 2, 1];
export const DST4 = [198, 51, 100, 7];
export const SRC6 = Buffer.from('20010db8000000000000000000000001', 'hex');
export const DST6 = Buffer.from('20010db8000100000000000000000abc', 'hex');

export interface TcpFields {
  srcPort?: number;
  dstPort?: number;
  seq?: number;
  ack?: number;
  flags?: number;
  window?: number;
  /** Raw option bytes; padded with EOL to a multiple of 4. */
  options?: number[];
  /** Overrides the data offset (in 32-bit words) the header declares. */
  dataOffset?: number;
  payload?: Buffer;
}

export function tcp(f: TcpFields = {}): Buffer {
  const options = Buffer.from(f.options ?? []);
  const optionsLength = Math.ceil(options.length / 4) * 4;
  const header = Buffer.alloc(20 + optionsLength);
  header.writeUInt16BE(f.srcPort ?? 40000, 0);
  header.writeUInt16BE(f.dstPort ?? 80, 2);
  header.writeUInt32BE(f.seq ?? 1000, 4);
  header.writeUInt32BE(f.ack ?? 2000, 8);
  header[12] = (f.dataOffset ?? header.length / 4) << 4;
  header[13] = f.flags ?? 0x18;
  header.writeUInt16BE(f.window ?? 512, 14);
  options.copy(header, 20);
  return Buffer.concat([header, f.payload ?? Buffer.alloc(0)]);
}

export interface IPv4Fields {
  src?: number[];
  dst?: number[];
  protocol?: number;
  /** Raw option bytes; padded with EOL to a multiple of 4. */
  options?: number[];
  /** The 16-bit flags + fragment offset field. */
  fragment?: number;
  /** Overrides the total length the header declares. */
  totalLength?: number;
  /** Overrides the IHL (in 32-bit words). */
  ihl?: number;
  version?: number;
}

export function ipv4(payload: Buffer, f: IPv4Fields = {}): Buffer {
  const options = Buffer.from(f.options ?? []);
  const header = Buffer.alloc(20 + Math.ceil(options.length / 4) * 4);
  header[0] = ((f.version ?? 4) << 4) | (f.ihl ?? header.length / 4);
  header.writeUInt16BE(f.totalLength ?? header.length + payload.length, 2);
  header.writeUInt16BE(0x1234, 4);
  header.writeUInt16BE(f.fragment ?? 0x4000, 6);
  header[8] = 64;
  header[9] = f.protocol ?? 6;
  Buffer.from(f.src ?? SRC4).copy(header, 12);
  Buffer.from(f.dst ?? DST4).copy(header, 16);
  options.copy(header, 20);
  return Buffer.concat([header, payload]);
}

export interface IPv6Fields {
  src?: Buffer;
  dst?: Buffer;
  /** Next Header of the fixed header; defaults to TCP. */
  nextHeader?: number;
  /** Overrides the payload length the header declares. */
  payloadLength?: number;
}

/** `payload` includes any extension headers (see `extension`, `fragmentHeader`, `authHeader`). */
export function ipv6(payload: Buffer, f: IPv6Fields = {}): Buffer {
  const header = Buffer.alloc(40);
  header.writeUInt32BE(0x60000000, 0);
  header.writeUInt16BE(f.payloadLength ?? payload.length, 4);
  header[6] = f.nextHeader ?? 6;
  header[7] = 64;
  (f.src ?? SRC6).copy(header, 8);
  (f.dst ?? DST6).copy(header, 24);
  return Buffer.concat([header, payload]);
}

/** A generic extension header (hop-by-hop, routing, destination options, ...) of `octets` bytes. */
export function extension(nextHeader: number, octets: number): Buffer {
  const header = Buffer.alloc(octets);
  header[0] = nextHeader;
  header[1] = octets / 8 - 1;
  return header;
}

/** RFC 4302 §2.2 authentication header of `octets` bytes. */
export function authHeader(nextHeader: number, octets: number): Buffer {
  const header = Buffer.alloc(octets);
  header[0] = nextHeader;
  header[1] = octets / 4 - 2;
  return header;
}

/** RFC 8200 §4.5 fragment header. `offset` in 8-octet units. */
export function fragmentHeader(nextHeader: number, offset: number, more: boolean): Buffer {
  const header = Buffer.alloc(8);
  header[0] = nextHeader;
  header.writeUInt16BE((offset << 3) | (more ? 1 : 0), 2);
  header.writeUInt32BE(0xcafe, 4);
  return header;
}

/** Ethernet II; `tpids` are VLAN tags outermost first, each with a TCI that names its VLAN id. */
export function ethernet(ethertype: number, payload: Buffer, tpids: number[] = []): Buffer {
  const parts: Buffer[] = [Buffer.from('020000000001020000000002', 'hex')];
  tpids.forEach((tpid, i) => parts.push(u16(tpid), u16(100 + i)));
  parts.push(u16(ethertype), payload);
  return Buffer.concat(parts);
}

export function sll(protocol: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt16BE(0, 0); // to us
  header.writeUInt16BE(1, 2); // ARPHRD_ETHER
  header.writeUInt16BE(6, 4);
  Buffer.from('020000000001', 'hex').copy(header, 6);
  header.writeUInt16BE(protocol, 14);
  return Buffer.concat([header, payload]);
}

export function sll2(protocol: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(20);
  header.writeUInt16BE(protocol, 0);
  header.writeUInt32BE(2, 4); // ifindex
  header.writeUInt16BE(1, 8); // ARPHRD_ETHER
  header[10] = 4; // outgoing
  header[11] = 6;
  Buffer.from('020000000001', 'hex').copy(header, 12);
  return Buffer.concat([header, payload]);
}

/** BSD loopback header: a 4-byte address family in the given byte order. */
export function loopback(family: number, order: 'le' | 'be', payload: Buffer): Buffer {
  const header = Buffer.alloc(4);
  if (order === 'le') header.writeUInt32LE(family, 0);
  else header.writeUInt32BE(family, 0);
  return Buffer.concat([header, payload]);
}

export function u16(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(value, 0);
  return b;
}

export function packet(linkType: number, data: Buffer, originalLength = data.length): Packet {
  return { number: 7, ts: 1700000000.25, linkType, data, originalLength };
}
