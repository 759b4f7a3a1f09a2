import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodePacket, TcpFlag, type DecodeResult, type Segment, type SkipReason } from '../../src/packet/index.js';
import { RecordPacket, type Packet } from '../../src/capture/index.js';
import {
  DST6,
  authHeader,
  ethernet,
  extension,
  fragmentHeader,
  ipv4,
  ipv6,
  loopback,
  packet,
  sll,
  sll2,
  tcp,
  u16,
} from './build.js';

const HELLO = Buffer.from('hello');
const segmentV4 = () => ipv4(tcp({ payload: HELLO }));
const segmentV6 = () => ipv6(tcp({ payload: HELLO }));

function segmentOf(result: DecodeResult): Segment {
  assert.equal(result.kind, 'segment', result.kind === 'skipped' ? `skipped: ${result.reason}` : '');
  return (result as { segment: Segment }).segment;
}

function skipOf(result: DecodeResult): SkipReason {
  assert.equal(result.kind, 'skipped');
  return (result as { reason: SkipReason }).reason;
}

/**
 * `p` as the capture readers deliver it, decoded in place: in the middle of a chunk, between bytes of other
 * records that must not be read as its own.
 */
function assertSameInChunk(p: Packet, expected: DecodeResult): void {
  const before = Buffer.alloc(37, 0xee);
  const chunk = Buffer.concat([before, p.data, Buffer.alloc(41, 0xee)]);
  const end = before.length + p.data.length;
  const inChunk = decodePacket(new RecordPacket(p.number, p.ts, p.linkType, chunk, before.length, end, p.originalLength));
  if (expected.kind === 'skipped') {
    assert.deepEqual(inChunk.kind === 'skipped' && inChunk.reason, expected.reason);
  } else {
    assert.deepEqual(inChunk.kind === 'segment' && inChunk.segment, expected.segment);
  }
}

/** The fields every hello segment built from the defaults has. */
function assertHello(segment: Segment, ipVersion: 4 | 6): void {
  assert.equal(segment.ipVersion, ipVersion);
  assert.deepEqual(
    { src: segment.src, dst: segment.dst },
    ipVersion === 4
      ? { src: { ip: '192.0.2.1', port: 40000 }, dst: { ip: '198.51.100.7', port: 80 } }
      : { src: { ip: '2001:db8::1', port: 40000 }, dst: { ip: '2001:db8:1::abc', port: 80 } },
  );
  assert.equal(segment.payload.toString(), 'hello');
  assert.equal(segment.payloadLength, 5);
}

describe('a whole segment', () => {
  test('every field comes from its place in the headers', () => {
    const data = ethernet(
      0x0800,
      ipv4(tcp({ srcPort: 51234, dstPort: 8080, seq: 0xfffffff0, ack: 0x80000001, flags: 0x12, window: 65535, payload: HELLO })),
    );
    const result = decodePacket(packet(1, data));
    assert.deepEqual(result, {
      kind: 'segment',
      segment: {
        packet: 7,
        ts: 1700000000.25,
        src: { ip: '192.0.2.1', port: 51234 },
        dst: { ip: '198.51.100.7', port: 8080 },
        ipVersion: 4,
        seq: 0xfffffff0,
        ack: 0x80000001,
        flags: TcpFlag.SYN | TcpFlag.ACK,
        window: 65535,
        windowScale: null,
        payloadLength: 5,
        payload: HELLO,
      },
    });
  });

  test('the payload is a view of the packet bytes, not a copy', () => {
    const data = ethernet(0x0800, segmentV4());
    const payload = segmentOf(decodePacket(packet(1, data))).payload;
    assert.equal(payload.buffer, data.buffer);
    assert.equal(payload.byteOffset, data.byteOffset + data.length - 5);
  });

  test('all eight flag bits are kept', () => {
    const data = ipv4(tcp({ flags: 0xff }));
    assert.equal(segmentOf(decodePacket(packet(228, data))).flags, 0xff);
  });
});

describe('link layers', () => {
  test('Ethernet carries IPv4 and IPv6', () => {
    assertHello(segmentOf(decodePacket(packet(1, ethernet(0x0800, segmentV4())))), 4);
    assertHello(segmentOf(decodePacket(packet(1, ethernet(0x86dd, segmentV6())))), 6);
  });

  for (const [name, tpids] of [
    ['802.1Q', [0x8100]],
    ['802.1ad over 802.1Q', [0x88a8, 0x8100]],
    ['0x9100 over 802.1Q', [0x9100, 0x8100]],
    ['three tags', [0x88a8, 0x88a8, 0x8100]],
  ] as const) {
    test(`Ethernet with VLAN tags: ${name}`, () => {
      assertHello(segmentOf(decodePacket(packet(1, ethernet(0x0800, segmentV4(), [...tpids])))), 4);
      assertHello(segmentOf(decodePacket(packet(1, ethernet(0x86dd, segmentV6(), [...tpids])))), 6);
    });
  }

  test('Ethernet frames that carry no IP are not-ip', () => {
    assert.equal(skipOf(decodePacket(packet(1, ethernet(0x0806, Buffer.alloc(28))))), 'not-ip'); // ARP
    assert.equal(skipOf(decodePacket(packet(1, ethernet(0x0806, Buffer.alloc(28), [0x8100])))), 'not-ip');
    // An 802.3 length field instead of an EtherType (LLC follows).
    assert.equal(skipOf(decodePacket(packet(1, ethernet(46, Buffer.alloc(46))))), 'not-ip');
  });

  test('Linux cooked capture v1 and v2', () => {
    assertHello(segmentOf(decodePacket(packet(113, sll(0x0800, segmentV4())))), 4);
    assertHello(segmentOf(decodePacket(packet(113, sll(0x86dd, segmentV6())))), 6);
    assertHello(segmentOf(decodePacket(packet(276, sll2(0x0800, segmentV4())))), 4);
    assertHello(segmentOf(decodePacket(packet(276, sll2(0x86dd, segmentV6())))), 6);
    assert.equal(skipOf(decodePacket(packet(113, sll(0x0806, Buffer.alloc(28))))), 'not-ip');
    assert.equal(skipOf(decodePacket(packet(276, sll2(0x0004, Buffer.alloc(28))))), 'not-ip');
  });

  test('Linux cooked captures with a VLAN tag the kernel left in place', () => {
    const tagged = (v: Buffer) => Buffer.concat([u16(100), u16(0x0800), v]);
    assertHello(segmentOf(decodePacket(packet(113, sll(0x8100, tagged(segmentV4()))))), 4);
    assertHello(segmentOf(decodePacket(packet(276, sll2(0x8100, tagged(segmentV4()))))), 4);
  });

  test('raw IP link types: by version nibble (101, 12, 14) or by link type (228, 229)', () => {
    for (const linkType of [101, 12, 14]) {
      assertHello(segmentOf(decodePacket(packet(linkType, segmentV4()))), 4);
      assertHello(segmentOf(decodePacket(packet(linkType, segmentV6()))), 6);
      const notIp = Buffer.from(segmentV4());
      notIp[0] = 0x55;
      assert.equal(skipOf(decodePacket(packet(linkType, notIp))), 'not-ip');
    }
    assertHello(segmentOf(decodePacket(packet(228, segmentV4()))), 4);
    assertHello(segmentOf(decodePacket(packet(229, segmentV6()))), 6);
    // The link type names the version; a packet of the other version is not what it claims to carry.
    assert.equal(skipOf(decodePacket(packet(229, Buffer.concat([segmentV4(), Buffer.alloc(40)])))), 'not-ip');
    assert.equal(skipOf(decodePacket(packet(228, segmentV6()))), 'not-ip');
  });

  test('BSD null loopback: address family in either byte order', () => {
    for (const order of ['le', 'be'] as const) {
      assertHello(segmentOf(decodePacket(packet(0, loopback(2, order, segmentV4())))), 4);
      for (const af6 of [24, 28, 30]) {
        assertHello(segmentOf(decodePacket(packet(0, loopback(af6, order, segmentV6())))), 6);
      }
      assert.equal(skipOf(decodePacket(packet(0, loopback(7, order, segmentV4())))), 'not-ip');
    }
  });

  test('OpenBSD loop: address family in network byte order only', () => {
    assertHello(segmentOf(decodePacket(packet(108, loopback(2, 'be', segmentV4())))), 4);
    assertHello(segmentOf(decodePacket(packet(108, loopback(24, 'be', segmentV6())))), 6);
    assert.equal(skipOf(decodePacket(packet(108, loopback(2, 'le', segmentV4())))), 'not-ip');
  });

  test('other link types are unsupported', () => {
    for (const linkType of [105, 127, 9, 147, -1, 1 << 30]) {
      assert.equal(skipOf(decodePacket(packet(linkType, ethernet(0x0800, segmentV4())))), 'unsupported-link-type');
    }
  });
});

describe('IPv4', () => {
  test('options are skipped by the IHL', () => {
    for (const options of [[1, 1, 1, 0], [0x94, 4, 0, 0], new Array<number>(40).fill(1)]) {
      const data = ipv4(tcp({ payload: HELLO }), { options });
      assertHello(segmentOf(decodePacket(packet(228, data))), 4);
    }
  });

  test('an IHL below 5 leaves no header to read', () => {
    // Bytes that would read as a TCP header at offset 0 or 16, had the IHL been believed.
    const plausible = tcp({ ack: 0x50000000, payload: Buffer.alloc(100) });
    for (const ihl of [0, 4]) {
      assert.equal(skipOf(decodePacket(packet(228, ipv4(plausible, { ihl })))), 'truncated-header');
    }
  });

  test('a total length shorter than the headers it carries', () => {
    assert.equal(skipOf(decodePacket(packet(228, ipv4(tcp(), { totalLength: 19 })))), 'truncated-header');
    assert.equal(skipOf(decodePacket(packet(228, ipv4(tcp(), { totalLength: 39 })))), 'truncated-header');
    const options = ipv4(tcp(), { options: [1, 1, 1, 1], totalLength: 22 });
    assert.equal(skipOf(decodePacket(packet(228, options))), 'truncated-header');
    // The header is checked before what it says: a cut header is no evidence of another protocol.
    const udp = ipv4(Buffer.alloc(8), { protocol: 17, totalLength: 19 });
    assert.equal(skipOf(decodePacket(packet(228, udp))), 'truncated-header');
  });

  test('Ethernet padding after a short datagram is not payload', () => {
    // 14 + 20 + 20 + 1 = 55 bytes, padded to the 60-byte minimum frame.
    const frame = Buffer.concat([ethernet(0x0800, ipv4(tcp({ payload: Buffer.from('x') }))), Buffer.alloc(5, 0xee)]);
    assert.equal(frame.length, 60);
    const segment = segmentOf(decodePacket(packet(1, frame)));
    assert.equal(segment.payload.toString('hex'), '78');
    assert.equal(segment.payloadLength, 1);
    const bare = Buffer.concat([ethernet(0x0800, ipv4(tcp())), Buffer.alloc(6)]);
    const empty = segmentOf(decodePacket(packet(1, bare)));
    assert.equal(empty.payload.length, 0);
    assert.equal(empty.payloadLength, 0);
  });

  test('a snaplen cut keeps the declared length and the captured bytes', () => {
    const whole = ethernet(0x0800, ipv4(tcp({ payload: Buffer.from('0123456789') })));
    const cut = packet(1, whole.subarray(0, whole.length - 6), whole.length);
    const result = decodePacket(cut);
    assertSameInChunk(cut, result);
    const segment = segmentOf(result);
    assert.equal(segment.payloadLength, 10);
    assert.equal(segment.payload.toString(), '0123');
  });

  test('a zero total length (segmentation offload) runs to the end of the frame on the wire', () => {
    const whole = ethernet(0x0800, ipv4(tcp({ payload: Buffer.alloc(3000, 0x61) }), { totalLength: 0 }));
    const cut = packet(1, whole.subarray(0, 100), whole.length);
    const result = decodePacket(cut);
    assertSameInChunk(cut, result);
    const segment = segmentOf(result);
    assert.equal(segment.payloadLength, 3000);
    assert.equal(segment.payload.length, 100 - 54);
  });

  test('fragments: any offset, or More Fragments on the first', () => {
    const fragment = (field: number) => decodePacket(packet(228, ipv4(tcp({ payload: HELLO }), { fragment: field })));
    assert.equal(skipOf(fragment(0x2000)), 'ip-fragment'); // MF, offset 0
    assert.equal(skipOf(fragment(0x0001)), 'ip-fragment'); // last fragment
    assert.equal(skipOf(fragment(0x2185)), 'ip-fragment'); // MF and offset
    assertHello(segmentOf(fragment(0x4000)), 4); // DF only
    assertHello(segmentOf(fragment(0x0000)), 4);
    assertHello(segmentOf(fragment(0x8000)), 4); // the reserved bit is no fragment
  });

  test('other protocols are not-tcp, fragmented or not', () => {
    assert.equal(skipOf(decodePacket(packet(228, ipv4(Buffer.alloc(8), { protocol: 17 })))), 'not-tcp');
    assert.equal(skipOf(decodePacket(packet(228, ipv4(Buffer.alloc(8), { protocol: 17, fragment: 0x2000 })))), 'not-tcp');
    assert.equal(skipOf(decodePacket(packet(228, ipv4(Buffer.alloc(8), { protocol: 1, fragment: 0x0010 })))), 'not-tcp');
  });
});

describe('IPv6', () => {
  const HOPOPTS = 0;
  const ROUTING = 43;
  const FRAGMENT = 44;
  const AH = 51;
  const DSTOPTS = 60;
  const MOBILITY = 135;
  const decode6 = (payload: Buffer, nextHeader: number, extra: Partial<Parameters<typeof ipv6>[1]> = {}) =>
    decodePacket(packet(229, ipv6(payload, { nextHeader, ...extra })));

  test('extension headers are walked to TCP', () => {
    const chain = Buffer.concat([
      extension(DSTOPTS, 8),
      extension(ROUTING, 24),
      extension(AH, 16),
      authHeader(MOBILITY, 24),
      extension(DSTOPTS, 8),
      extension(6, 16),
      tcp({ payload: HELLO }),
    ]);
    const segment = segmentOf(decode6(chain, HOPOPTS));
    assertHello(segment, 6);
  });

  test('an atomic fragment (offset 0, M 0) carries a whole segment', () => {
    assertHello(segmentOf(decode6(Buffer.concat([fragmentHeader(6, 0, false), tcp({ payload: HELLO })]), FRAGMENT)), 6);
  });

  test('real fragments are skipped', () => {
    assert.equal(skipOf(decode6(Buffer.concat([fragmentHeader(6, 0, true), tcp()]), FRAGMENT)), 'ip-fragment');
    assert.equal(skipOf(decode6(Buffer.concat([fragmentHeader(6, 185, false), Buffer.alloc(20)]), FRAGMENT)), 'ip-fragment');
    const behindOptions = Buffer.concat([extension(FRAGMENT, 8), fragmentHeader(6, 1, true), Buffer.alloc(20)]);
    assert.equal(skipOf(decode6(behindOptions, HOPOPTS)), 'ip-fragment');
  });

  test('upper layers other than TCP, ESP and No Next Header are not-tcp', () => {
    assert.equal(skipOf(decode6(Buffer.alloc(8), 17)), 'not-tcp');
    assert.equal(skipOf(decode6(Buffer.alloc(8), 58)), 'not-tcp');
    assert.equal(skipOf(decode6(Buffer.alloc(32), 50)), 'not-tcp');
    assert.equal(skipOf(decode6(Buffer.alloc(0), 59)), 'not-tcp');
    assert.equal(skipOf(decode6(Buffer.concat([extension(59, 8)]), DSTOPTS)), 'not-tcp');
  });

  test('an extension header that runs past the capture or the payload length', () => {
    const long = Buffer.concat([extension(6, 64), tcp()]);
    assert.equal(skipOf(decode6(long.subarray(0, 60), HOPOPTS)), 'truncated-header');
    assert.equal(skipOf(decode6(long, HOPOPTS, { payloadLength: 70 })), 'truncated-header');
    assert.equal(skipOf(decode6(Buffer.concat([fragmentHeader(6, 0, false)]).subarray(0, 7), FRAGMENT)), 'truncated-header');
  });

  test('the payload length strips trailing bytes and survives a snaplen cut', () => {
    const padded = Buffer.concat([ipv6(tcp({ payload: HELLO })), Buffer.alloc(9, 0xee)]);
    assertHello(segmentOf(decodePacket(packet(229, padded))), 6);
    const whole = ipv6(tcp({ payload: HELLO }));
    const cut = segmentOf(decodePacket(packet(229, whole.subarray(0, whole.length - 2), whole.length)));
    assert.equal(cut.payloadLength, 5);
    assert.equal(cut.payload.toString(), 'hel');
  });

  test('a zero payload length runs to the end of the frame on the wire', () => {
    const whole = ipv6(tcp({ payload: Buffer.alloc(70000) }), { payloadLength: 0 });
    const segment = segmentOf(decodePacket(packet(1, ethernet(0x86dd, whole.subarray(0, 200)), 14 + whole.length)));
    assert.equal(segment.payloadLength, 70000);
    assert.equal(segment.payload.length, 200 - 60);
  });

  test('IPv4-mapped source addresses keep their dotted quad', () => {
    const src = Buffer.from('00000000000000000000ffff7f000001', 'hex');
    const segment = segmentOf(decodePacket(packet(229, ipv6(tcp(), { src, dst: DST6 }))));
    assert.equal(segment.src.ip, '::ffff:127.0.0.1');
  });
});

describe('TCP', () => {
  const decodeTcp = (bytes: Buffer) => decodePacket(packet(228, ipv4(bytes)));

  test('window scale from a typical SYN option list', () => {
    // MSS 1460, SACK permitted, timestamps, NOP, window scale 7 (as Linux sends them).
    const options = [2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7];
    const segment = segmentOf(decodeTcp(tcp({ flags: TcpFlag.SYN, options })));
    assert.equal(segment.windowScale, 7);
    assert.equal(segment.payloadLength, 0);
  });

  test('window scale is recorded as sent, on any segment', () => {
    assert.equal(segmentOf(decodeTcp(tcp({ flags: TcpFlag.ACK, options: [3, 3, 14] }))).windowScale, 14);
    assert.equal(segmentOf(decodeTcp(tcp({ options: [1, 1, 3, 3, 200] }))).windowScale, 200);
  });

  test('options after an end-of-list or a malformed option are not read', () => {
    assert.equal(segmentOf(decodeTcp(tcp({ options: [0, 2, 3, 3, 7] }))).windowScale, null);
    assert.equal(segmentOf(decodeTcp(tcp({ options: [8, 0, 3, 3, 7] }))).windowScale, null); // length 0
    assert.equal(segmentOf(decodeTcp(tcp({ options: [8, 1, 3, 3, 7] }))).windowScale, null); // length 1
    assert.equal(segmentOf(decodeTcp(tcp({ options: [1, 1, 8, 12, 3, 3, 7, 0] }))).windowScale, null); // past the header
    assert.equal(segmentOf(decodeTcp(tcp({ options: [1, 1, 1, 3] }))).windowScale, null); // no room for length
    // A window scale option whose shift byte would be the first payload byte.
    const overrun = segmentOf(decodeTcp(tcp({ options: [1, 1, 1, 1, 1, 1, 3, 3], payload: Buffer.from([7]) })));
    assert.equal(overrun.windowScale, null);
    assert.equal(overrun.payload.toString('hex'), '07');
    assert.equal(segmentOf(decodeTcp(tcp({ options: [3, 4, 7, 0] }))).windowScale, null); // wrong length
  });

  test('options end where the data offset says, not where the bytes do', () => {
    const withPayloadLikeOption = tcp({ payload: Buffer.from([3, 3, 9]) });
    const segment = segmentOf(decodeTcp(withPayloadLikeOption));
    assert.equal(segment.windowScale, null);
    assert.equal(segment.payload.toString('hex'), '030309');
  });

  test('data offset below 5, beyond the capture, or beyond the IP length', () => {
    assert.equal(skipOf(decodeTcp(tcp({ dataOffset: 4, payload: HELLO }))), 'truncated-header');
    assert.equal(skipOf(decodeTcp(tcp({ dataOffset: 0 }))), 'truncated-header');
    assert.equal(skipOf(decodeTcp(tcp({ dataOffset: 15, payload: Buffer.alloc(39) }))), 'truncated-header');
    const fits = segmentOf(decodeTcp(tcp({ dataOffset: 15, payload: Buffer.alloc(40) })));
    assert.equal(fits.payloadLength, 0);
    const claimsLess = ipv4(tcp({ payload: HELLO }), { totalLength: 39 });
    assert.equal(skipOf(decodePacket(packet(228, claimsLess))), 'truncated-header');
  });
});

/**
 * One valid packet per link type and IP version, with the length of its link header (`link`) and of
 * everything up to the TCP payload (`headers`).
 */
const SAMPLES: Array<{ name: string; linkType: number; ipVersion: 4 | 6; data: Buffer; link: number; headers: number }> = [
  { name: 'Ethernet QinQ IPv4 with options', linkType: 1, ipVersion: 4, data: ethernet(0x0800, ipv4(tcp({ payload: HELLO, options: [3, 3, 7] }), { options: [1, 1, 1, 1] }), [0x88a8, 0x8100]), link: 22, headers: 22 + 24 + 24 },
  { name: 'Ethernet IPv6 with extension headers', linkType: 1, ipVersion: 6, data: ethernet(0x86dd, ipv6(Buffer.concat([extension(44, 16), fragmentHeader(6, 0, false), tcp({ payload: HELLO })]), { nextHeader: 0 })), link: 14, headers: 14 + 40 + 24 + 20 },
  { name: 'SLL IPv4', linkType: 113, ipVersion: 4, data: sll(0x0800, segmentV4()), link: 16, headers: 16 + 40 },
  { name: 'SLL2 IPv6', linkType: 276, ipVersion: 6, data: sll2(0x86dd, segmentV6()), link: 20, headers: 20 + 60 },
  { name: 'raw IPv4', linkType: 101, ipVersion: 4, data: segmentV4(), link: 0, headers: 40 },
  { name: 'raw IPv6', linkType: 12, ipVersion: 6, data: segmentV6(), link: 0, headers: 60 },
  { name: 'IPv4', linkType: 228, ipVersion: 4, data: segmentV4(), link: 0, headers: 40 },
  { name: 'IPv6', linkType: 229, ipVersion: 6, data: segmentV6(), link: 0, headers: 60 },
  { name: 'null big-endian IPv6', linkType: 0, ipVersion: 6, data: loopback(30, 'be', segmentV6()), link: 4, headers: 64 },
  { name: 'loop IPv4', linkType: 108, ipVersion: 4, data: loopback(2, 'be', segmentV4()), link: 4, headers: 44 },
];

describe('cut packets', () => {
  for (const sample of SAMPLES) {
    test(`every prefix of ${sample.name}: truncated-header until the TCP header is whole, then a segment`, () => {
      assertHello(segmentOf(decodePacket(packet(sample.linkType, sample.data))), sample.ipVersion);
      for (let length = 0; length <= sample.data.length; length++) {
        const result = decodePacket(packet(sample.linkType, sample.data.subarray(0, length), sample.data.length));
        if (length < sample.headers) {
          assert.equal(skipOf(result), 'truncated-header', `prefix of ${length}`);
        } else {
          const segment = segmentOf(result);
          assert.equal(segment.payloadLength, 5);
          assert.equal(segment.payload.toString(), 'hello'.slice(0, length - sample.headers));
        }
      }
    });
  }
});

describe('never throws', () => {
  const linkTypes = [0, 1, 12, 14, 101, 108, 113, 228, 229, 276, 105];

  function assertWellFormed(p: Packet): void {
    const result = decodePacket(p);
    assertSameInChunk(p, result);
    if (result.kind === 'skipped') {
      assert.equal(result.packet, p);
      return;
    }
    const s = result.segment;
    assert.ok(s.payload.length <= s.payloadLength, 'captured payload exceeds the declared one');
    assert.ok(s.payload.byteOffset + s.payload.length <= p.data.byteOffset + p.data.length);
    assert.ok(Number.isInteger(s.seq) && s.seq >= 0 && s.seq <= 0xffffffff);
  }

  test('on random bytes under every link type', () => {
    fc.assert(
      fc.property(fc.constantFrom(...linkTypes), fc.uint8Array({ maxLength: 120, size: 'max' }), fc.nat(200), (linkType, bytes, extra) => {
        const data = Buffer.from(bytes);
        assertWellFormed(packet(linkType, data, data.length + extra));
      }),
      { numRuns: 5000 },
    );
  });

  test('on random IP and TCP headers behind every link header', () => {
    let segments = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...SAMPLES),
        fc.uint8Array({ maxLength: 160, size: 'max' }),
        fc.constantFrom(6, 6, 0, 43, 44, 51, 60),
        fc.nat(200),
        (sample, bytes, next, extra) => {
          const ip = Buffer.from(bytes);
          // Enough of the header right for the walk to go on past it: the version, and TCP or an
          // IPv6 extension header next.
          if (ip.length > 0) ip[0] = (sample.ipVersion << 4) | (ip[0] & 0x0f);
          if (sample.ipVersion === 4 && ip.length > 9) ip[9] = 6;
          if (sample.ipVersion === 6 && ip.length > 6) ip[6] = next;
          const data = Buffer.concat([sample.data.subarray(0, sample.link), ip]);
          const p = packet(sample.linkType, data, data.length + extra);
          assertWellFormed(p);
          if (decodePacket(p).kind === 'segment') segments++;
        },
      ),
      { numRuns: 10000 },
    );
    assert.ok(segments > 100, `only ${segments} random packets reached TCP`);
  });

  test('on valid packets with bytes overwritten and cut', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SAMPLES),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(),
        (sample, edits, cut) => {
          const data = Buffer.from(sample.data);
          for (const [at, value] of edits) data[at % data.length] = value;
          assertWellFormed(packet(sample.linkType, data.subarray(0, cut % (data.length + 1)), data.length));
        },
      ),
      { numRuns: 5000 },
    );
  });
});
