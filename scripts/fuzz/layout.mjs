// Where the length fields of a capture sit, so that the fuzzer can aim at them: pcap record lengths,
// pcapng block and captured lengths, and inside each packet the IPv4 total length / IPv6 payload length,
// the TCP data offset and the first bytes of the TCP payload (where a WebSocket frame header often starts).
// A best-effort walk over well-formed input: it stops quietly wherever the bytes stop making sense.

/** Bytes from the start of the packet data to the IP header, per LINKTYPE_* (IP version in the first nibble after). */
const IP_OFFSET = { 0: 4, 1: 14, 12: 0, 14: 0, 101: 0, 108: 4, 113: 16, 228: 0, 229: 0, 276: 20 };
const ETHERTYPE_VLAN = new Set([0x8100, 0x88a8]);

/**
 * @typedef {{ offset: number, size: 1 | 2 | 4 | 8, littleEndian: boolean, kind: string }} Field
 * @typedef {{ fields: Field[], payloads: number[], records: number[] }} Layout
 */

/** @param {Buffer} bytes @returns {Layout} */
export function captureLayout(bytes) {
  const layout = { fields: [], payloads: [], records: [] };
  if (bytes.length < 24) return layout;
  const magic = bytes.readUInt32BE(0);
  if (magic === 0x0a0d0d0a) walkPcapng(bytes, layout);
  else if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) walkPcap(bytes, false, layout);
  else if (bytes.readUInt32LE(0) === 0xa1b2c3d4 || bytes.readUInt32LE(0) === 0xa1b23c4d) walkPcap(bytes, true, layout);
  return layout;
}

function walkPcap(bytes, littleEndian, layout) {
  const u32 = (at) => (littleEndian ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at));
  const linkType = u32(20) & 0xffff;
  let at = 24;
  while (at + 16 <= bytes.length) {
    layout.records.push(at);
    layout.fields.push({ offset: at + 8, size: 4, littleEndian, kind: 'pcap-caplen' });
    layout.fields.push({ offset: at + 12, size: 4, littleEndian, kind: 'pcap-origlen' });
    const captured = u32(at + 8);
    if (at + 16 + captured > bytes.length) return;
    walkPacket(bytes, at + 16, captured, linkType, layout);
    at += 16 + captured;
  }
}

function walkPcapng(bytes, layout) {
  let littleEndian = false;
  const linkTypes = [];
  let at = 0;
  while (at + 12 <= bytes.length) {
    if (bytes.readUInt32BE(at) === 0x0a0d0d0a) {
      littleEndian = bytes.readUInt32BE(at + 8) === 0x4d3c2b1a;
      linkTypes.length = 0;
    }
    const u32 = (o) => (littleEndian ? bytes.readUInt32LE(o) : bytes.readUInt32BE(o));
    const type = u32(at);
    const length = u32(at + 4);
    if (length < 12 || length % 4 !== 0 || at + length > bytes.length) return;
    layout.records.push(at);
    layout.fields.push({ offset: at + 4, size: 4, littleEndian, kind: 'pcapng-block-length' });
    layout.fields.push({ offset: at + length - 4, size: 4, littleEndian, kind: 'pcapng-trailing-length' });
    if (type === 1 && length >= 20) {
      linkTypes.push(littleEndian ? bytes.readUInt16LE(at + 8) : bytes.readUInt16BE(at + 8));
    } else if (type === 6 && length >= 32) {
      layout.fields.push({ offset: at + 20, size: 4, littleEndian, kind: 'pcapng-caplen' });
      const captured = Math.min(u32(at + 20), length - 32);
      walkPacket(bytes, at + 28, captured, linkTypes[u32(at + 8)] ?? 1, layout);
    } else if (type === 3 && length >= 16) {
      layout.fields.push({ offset: at + 8, size: 4, littleEndian, kind: 'pcapng-spb-length' });
      walkPacket(bytes, at + 12, length - 16, linkTypes[0] ?? 1, layout);
    }
    at += length;
  }
}

function walkPacket(bytes, start, captured, linkType, layout) {
  let ip = IP_OFFSET[linkType];
  if (ip === undefined) return;
  const end = start + captured;
  if (linkType === 1) {
    // Ethernet: skip VLAN tags to the EtherType that names the IP version.
    let typeAt = start + 12;
    while (typeAt + 2 <= end && ETHERTYPE_VLAN.has(bytes.readUInt16BE(typeAt))) typeAt += 4;
    ip = typeAt + 2 - start;
  }
  ip += start;
  if (ip + 20 > end) return;
  const version = bytes[ip] >> 4;
  let tcp;
  if (version === 4) {
    layout.fields.push({ offset: ip + 2, size: 2, littleEndian: false, kind: 'ipv4-total-length' });
    layout.fields.push({ offset: ip, size: 1, littleEndian: false, kind: 'ipv4-ihl' });
    if (bytes[ip + 9] !== 6) return;
    tcp = ip + (bytes[ip] & 0x0f) * 4;
  } else if (version === 6) {
    if (ip + 40 > end) return;
    layout.fields.push({ offset: ip + 4, size: 2, littleEndian: false, kind: 'ipv6-payload-length' });
    if (bytes[ip + 6] !== 6) return;
    tcp = ip + 40;
  } else {
    return;
  }
  if (tcp + 20 > end) return;
  layout.fields.push({ offset: tcp + 12, size: 1, littleEndian: false, kind: 'tcp-data-offset' });
  const payload = tcp + (bytes[tcp + 12] >> 4) * 4;
  if (payload + 2 <= end) layout.payloads.push(payload);
}
