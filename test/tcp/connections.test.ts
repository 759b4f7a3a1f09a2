import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TcpTracker, type StreamChunk } from '../../src/tcp/index.js';
import { ACK, FIN, RST, SYN, Wire, chunks, events, feed, handshake, infos, recordingTracker, type Call } from './builder.js';

test('handshake: syn, syn-ack and the ACK that establishes, with the client known from the SYN', () => {
  const { tracker, calls } = recordingTracker();
  const wire = new Wire();
  feed(tracker, handshake(wire, 1000, 5000));
  assert.deepEqual(calls[0], {
    call: 'connection',
    info: { id: 0, client: wire.client, server: wire.server, firstTs: 1_700_000_000.001, firstPacket: 1, sawSyn: true },
  });
  assert.deepEqual(calls[1], { call: 'segment', id: 0, packet: 1, direction: 'client' });
  assert.deepEqual(events(calls), ['tcp-syn:client@1', 'tcp-syn-ack:server@2', 'tcp-established:client@3']);
});

test('a capture starting at the SYN-ACK still knows the client and where both streams start', () => {
  const { tracker, calls } = recordingTracker();
  const wire = new Wire();
  feed(tracker, [
    wire.seg('s', { seq: 5000, ack: 1001, flags: SYN | ACK }),
    wire.seg('c', { seq: 1001, ack: 5001, data: 'hi' }),
    wire.seg('s', { seq: 5001, ack: 1003, data: 'yo' }),
  ]);
  assert.equal(infos(calls)[0].sawSyn, true);
  assert.deepEqual(infos(calls)[0].client, wire.client);
  assert.deepEqual(events(calls), ['tcp-syn-ack:server@1', 'tcp-established:client@2']);
  assert.deepEqual(chunks(calls, 'client'), ['0:hi@2']);
  assert.deepEqual(chunks(calls, 'server'), ['0:yo@3']);
});

test('in-order data in both directions, offsets counted from the byte after the SYN', () => {
  const { tracker, calls } = recordingTracker();
  const wire = new Wire();
  feed(tracker, [
    ...handshake(wire, 100, 900),
    wire.seg('c', { seq: 101, ack: 901, data: 'GET / HTTP/1.1\r\n' }),
    wire.seg('c', { seq: 117, ack: 901, data: '\r\n' }),
    wire.seg('s', { seq: 901, ack: 119, data: 'HTTP/1.1 101 OK\r\n' }),
  ]);
  assert.deepEqual(chunks(calls, 'client'), ['0:GET / HTTP/1.1\r\n@4', '16:\r\n@5']);
  assert.deepEqual(chunks(calls, 'server'), ['0:HTTP/1.1 101 OK\r\n@6']);
});

test('retransmissions: a full duplicate delivers nothing, a partial overlap only its new bytes', () => {
  const { tracker, calls } = recordingTracker();
  const wire = new Wire();
  feed(tracker, [
    ...handshake(wire, 0, 0),
    wire.seg('c', { seq: 1, ack: 1, data: 'abcd' }),
    wire.seg('c', { seq: 1, ack: 1, data: 'abcd' }),
    wire.seg('c', { seq: 3, ack: 1, data: 'cdef' }),
  ]);
  assert.deepEqual(chunks(calls, 'client'), ['0:abcd@4', '4:ef@6']);
});

test('out-of-order segments wait for the hole to be filled, then come out in order', () => {
  const { tracker, calls } = recordingTracker();
  const wire = new Wire();
  feed(tracker, [
    ...handshake(wire, 0, 0),
    wire.seg('c', { seq: 5, ack: 1, data: 'efgh' }),
    wire.seg('c', { seq: 9, ack: 1, data: 'ij' }),
    wire.seg('c', { seq: 1, ack: 1, data: 'abcd' }),
  ]);
  assert.deepEqual(chunks(calls, 'client'), ['0:abcd@6', '4:efgh@4', '8:ij@5']);
  assert.deepEqual(events(calls).filter((e) => e.startsWith('gap')), []);
});

test('overlapping bytes that differ: the first-seen ones win, delivered or held', () => {
  const { tracker, calls } = recordingTracker();
  const wire = new Wire();
  feed(tracker, [
    ...handshake(wire, 0, 0),
    wire.seg('c', { seq: 1, ack: 1, data: 'abcd' }),
    wire.seg('c', { seq: 3, ack: 1, data: 'XXef' }), // overlaps delivered bytes
    wire.seg('c', { seq: 11, ack: 1, data: 'kl' }), // held
    wire.seg('c', { seq: 9, ack: 1, data: 'ijYYmn' }), // overlaps the held bytes
    wire.seg('c', { seq: 7, ack: 1, data: 'gh' }),
  ]);
  assert.deepEqual(chunks(calls, 'client'), ['0:abcd@4', '4:ef@5', '6:gh@8', '8:ij@7', '10:kl@6', '12:mn@7']);
});

test('sequence numbers wrap around 2^32 and offsets keep counting', () => {
  const { tracker, calls } = recordingTracker();
  const wire = new Wire();
  const isn = 2 ** 32 - 6; // the first data byte is at 2^32 - 5
  feed(tracker, [
    ...handshake(wire, isn, 7),
    wire.seg('c', { seq: isn + 1, ack: 8, data: '0123' }),
    wire.seg('c', { seq: isn + 9, ack: 8, data: '89' }), // past the wrap, out of order
    wire.seg('c', { seq: isn + 5, ack: 8, data: '4567' }), // crosses 2^32
    wire.seg('s', { seq: 8, ack: isn + 11, data: 'ok' }),
  ]);
  assert.deepEqual(chunks(calls, 'client'), ['0:0123@4', '4:4567@6', '8:89@5']);
  assert.deepEqual(events(calls).filter((e) => e.startsWith('gap')), []);
});

test('offsets stay exact over several wraps of the sequence space', () => {
  let last: StreamChunk | null = null;
  let delivered = 0;
  const tracker = new TcpTracker(() => ({
    onChunk: (chunk) => {
      last = chunk;
      delivered += chunk.data.length;
    },
    onEvent: (event) => assert.equal(event.type, 'tcp-syn'),
    onEnd: () => {},
  }));
  const wire = new Wire();
  tracker.push(wire.seg('c', { seq: 0, flags: SYN }));
  const block = Buffer.alloc(1 << 20, 0x61);
  const wraps = 3;
  let offset = 0;
  while (offset < wraps * 2 ** 32) {
    tracker.push(wire.seg('c', { seq: 1 + offset, data: block, dt: 0 }));
    offset += block.length;
  }
  tracker.push(wire.seg('c', { seq: 1 + offset, data: 'end' }));
  assert.deepEqual(last, { direction: 'client', data: Buffer.from('end'), offset, ts: 1_700_000_000.002, packet: 12_290 });
  assert.equal(delivered, offset + 3);
});

test('a gap is declared when the peer acknowledges bytes that were never captured', () => {
  const { tracker, calls } = recordingTracker();
  const wire = new Wire();
  feed(tracker, [
    ...handshake(wire, 0, 0),
    wire.seg('c', { seq: 1, ack: 1, data: 'ab' }),
    wire.seg('c', { seq: 6, ack: 1, data: 'fg' }), // bytes 2..4 never captured
    wire.seg('s', { seq: 1, ack: 8 }),
    wire.seg('c', { seq: 8, ack: 1, data: 'h' }),
    wire.seg('s', { seq: 1, ack: 12 }), // acks 3 more bytes never seen
  ]);
  assert.deepEqual(chunks(calls, 'client'), ['0:ab@4', '5:fg@5', '7:h@7']);
  assert.deepEqual(events(calls).filter((e) => e.startsWith('gap')), ['gap:client@6+3', 'gap:client@8+3']);
});

test('a gap is declared when held out-of-order bytes exceed maxBufferBytes', () => {
  const { tracker, calls } = recordingTracker({ maxBufferBytes: 8 });
  const wire = new Wire();
  feed(tracker, [
    ...handshake(wire, 0, 0),
    wire.seg('c', { seq: 11, ack: 1, data: 'klmn' }), // hole of 10 bytes before
    wire.seg('c', { seq: 15, ack: 1, data: 'opqr' }), // 8 held: at the cap, still waiting
    wire.seg('c', { seq: 21, ack: 1, data: 'u' }), // 9 held: over the cap
  ]);
  assert.deepEqual(events(calls).filter((e) => e.startsWith('gap')), ['gap:client@6+10']);
  assert.deepEqual(chunks(calls, 'client'), ['10:klmn@4', '14:opqr@5']);
  tracker.finish(); // the byte still held behind its hole
  assert.deepEqual(events(calls).filter((e) => e.startsWith('gap')), ['gap:client@6+10', 'gap:client@6+2']);
  assert.deepEqual(chunks(calls, 'client'), ['10:klmn@4', '14:opqr@5', '20:u@6']);
  // Only the hole given up for the buffer's sake says so; the one declared at the end does not.
  assert.deepEqual(gapOverflows(calls), [true, false]);
});

function gapOverflows(calls: Call[]): boolean[] {
  return calls.flatMap((c) => (c.call === 'event' && c.event.type === 'gap' ? [c.event.overflow ?? false] : []));
}

test('a flood of tiny out-of-order pieces is capped too (65,536 held pieces)', () => {
  const { tracker, calls } = recordingTracker();
  const wire = new Wire();
  feed(tracker, handshake(wire, 0, 0));
  // One byte every other offset: each one is held on its own, behind its own 1-byte hole.
  for (let i = 1; i <= 65_537; i++) tracker.push(wire.seg('c', { seq: 1 + 2 * i, ack: 1, data: 'x', dt: 0 }));
  assert.deepEqual(events(calls).filter((e) => e.startsWith('gap')), ['gap:client@65540+2']);
  assert.deepEqual(chunks(calls, 'client'), ['2:x@4']);
  assert.deepEqual(gapOverflows(calls), [true]);
});

test('held bytes behind a hole are delivered at the end of the capture, the hole as a gap', () => {
  const { tracker, calls } = recordingTracker();
  const wire = new Wire();
  feed(tracker, [...handshake(wire, 0, 0), wire.seg('c', { seq: 4, ack: 1, data: 'def' })]);
  assert.deepEqual(chunks(calls, 'client'), []);
  tracker.finish();
  assert.deepEqual(events(calls).filter((e) => e.startsWith('gap')), ['gap:client@4+3']);
  assert.deepEqual(chunks(calls, 'client'), ['3:def@4']);
  assert.deepEqual(calls.at(-1), { call: 'end', id: 0, ts: 1_700_000_000.004 });
});

test('bytes missing before a FIN are a gap when the connection ends', () => {
  const { tracker, calls } = recordingTracker();
  const wire = new Wire();
  feed(tracker, [
    ...handshake(wire, 0, 0),
    wire.seg('c', { seq: 1, ack: 1, data: 'ab' }),
    wire.seg('c', { seq: 6, ack: 1, flags: FIN | ACK }), // 3 bytes missing before the FIN
  ]);
  tracker.finish();
  assert.deepEqual(events(calls), [
    'tcp-syn:client@1',
    'tcp-syn-ack:server@2',
    'tcp-established:client@3',
    'tcp-fin:client@5',
    'gap:client@5+3',
  ]);
});

test('snaplen cut: the captured bytes are delivered, the rest is a gap, the stream goes on after it', () => {
  const { tracker, calls } = recordingTracker();
  const wire = new Wire();
  feed(tracker, [
    ...handshake(wire, 0, 0),
    wire.seg('c', { seq: 1, ack: 1, data: 'abcd', wireLength: 10 }),
    wire.seg('c', { seq: 21, ack: 1, data: 'uv', wireLength: 5 }), // out of order, also cut
    wire.seg('c', { seq: 11, ack: 1, data: 'klmnopqrst' }),
  ]);
  assert.deepEqual(chunks(calls, 'client'), ['0:abcd@4', '10:klmnopqrst@6', '20:uv@5']);
  assert.deepEqual(events(calls).filter((e) => e.startsWith('gap')), ['gap:client@4+6', 'gap:client@5+3']);
});

test('mid-stream pickup: the sender of an HTTP request is the client, calls held until then', () => {
  const { tracker, calls } = recordingTracker();
  const wire = new Wire({ ip: '10.0.0.1', port: 80 }, { ip: '10.0.0.2', port: 60_000 }); // ports would say otherwise
  feed(tracker, [
    wire.seg('s', { seq: 500, ack: 70 }),
    wire.seg('c', { seq: 70, ack: 500, data: 'GET /chat HTTP/1.1\r\n' }),
  ]);
  assert.deepEqual(calls.slice(0, 3), [
    {
      call: 'connection',
      info: { id: 0, client: wire.client, server: wire.server, firstTs: 1_700_000_000.001, firstPacket: 1, sawSyn: false },
    },
    { call: 'segment', id: 0, packet: 1, direction: 'server' },
    { call: 'segment', id: 0, packet: 2, direction: 'client' },
  ]);
  assert.deepEqual(chunks(calls, 'client'), ['0:GET /chat HTTP/1.1\r\n@2']);
});

test('mid-stream pickup: a payload starting with HTTP/ comes from the server', () => {
  const { tracker, calls } = recordingTracker();
  const wire = new Wire({ ip: '10.0.0.1', port: 40_000 }, { ip: '10.0.0.2', port: 50_000 });
  feed(tracker, [wire.seg('s', { seq: 1, ack: 1, data: 'HTTP/1.1 101 Switching Protocols\r\n' })]);
  assert.deepEqual(infos(calls)[0].client, wire.client);
});

test('mid-stream pickup: otherwise the higher port is the client, and on a tie the first sender', () => {
  const high = recordingTracker();
  const wire = new Wire({ ip: '10.0.0.1', port: 40_000 }, { ip: '10.0.0.2', port: 50_000 });
  feed(high.tracker, [wire.seg('c', { seq: 1, ack: 1, data: '\x81\x02hi' })]);
  assert.deepEqual(infos(high.calls)[0].client, wire.server);

  const tie = recordingTracker();
  const same = new Wire({ ip: '10.0.0.1', port: 9000 }, { ip: '10.0.0.2', port: 9000 });
  feed(tie.tracker, [same.seg('s', { seq: 1, ack: 1 }), same.seg('c', { seq: 1, ack: 1, data: '\x81\x02hi' })]);
  assert.deepEqual(infos(tie.calls)[0].client, same.server);
});

test('without any payload the port rule decides after 64 held segments, or at the end', () => {
  const { tracker, calls } = recordingTracker();
  const wire = new Wire({ ip: '10.0.0.1', port: 40_000 }, { ip: '10.0.0.2', port: 50_000 });
  for (let i = 0; i < 63; i++) tracker.push(wire.seg('c', { seq: 1, ack: 1 }));
  assert.equal(calls.length, 0);
  tracker.push(wire.seg('c', { seq: 1, ack: 1 }));
  assert.deepEqual(infos(calls)[0].client, wire.server);
  assert.equal(calls.filter((c) => c.call === 'segment').length, 64);

  const short = recordingTracker();
  feed(short.tracker, [wire.seg('c', { seq: 1, ack: 1 })]);
  short.tracker.finish();
  assert.deepEqual(
    short.calls.map((c) => c.call),
    ['connection', 'segment', 'end'],
  );
});

test('onEnd after both FINs are acknowledged; late packets go nowhere', () => {
  const { tracker, calls } = recordingTracker();
  const wire = new Wire();
  feed(tracker, [
    ...handshake(wire, 0, 0),
    wire.seg('c', { seq: 1, ack: 1, flags: FIN | ACK }),
    wire.seg('s', { seq: 1, ack: 2, flags: FIN | ACK }),
  ]);
  assert.equal(calls.some((c) => c.call === 'end'), false);
  feed(tracker, [wire.seg('c', { seq: 2, ack: 2 }), wire.seg('c', { seq: 2, ack: 2 })]);
  assert.deepEqual(calls.filter((c) => c.call === 'end'), [{ call: 'end', id: 0, ts: 1_700_000_000.006 }]);
  assert.equal(calls.at(-1)?.call, 'end');
  assert.deepEqual(events(calls).slice(3), ['tcp-fin:client@4', 'tcp-fin:server@5']);
});

test('an RST ends the connection; its payload is not stream data', () => {
  const { tracker, calls } = recordingTracker();
  const wire = new Wire();
  feed(tracker, [...handshake(wire, 0, 0), wire.seg('s', { seq: 1, ack: 1, flags: RST | ACK, data: 'reset' })]);
  assert.deepEqual(events(calls).slice(3), ['tcp-rst:server@4']);
  assert.deepEqual(chunks(calls, 'server'), []);
  assert.equal(calls.at(-1)?.call, 'end');
});

test('a SYN with a new ISN on a closed 4-tuple starts a new connection; the same ISN is a retransmission', () => {
  const { tracker, calls } = recordingTracker();
  const wire = new Wire();
  feed(tracker, [
    wire.seg('c', { seq: 100, flags: SYN }),
    wire.seg('c', { seq: 100, flags: SYN }), // retransmitted SYN
    wire.seg('s', { seq: 300, ack: 101, flags: SYN | ACK }),
    wire.seg('c', { seq: 101, ack: 301, flags: RST | ACK }),
    wire.seg('c', { seq: 7000, flags: SYN }),
    wire.seg('s', { seq: 9000, ack: 7001, flags: SYN | ACK }),
  ]);
  assert.deepEqual(
    infos(calls).map((i) => [i.id, i.firstPacket]),
    [
      [0, 1],
      [1, 5],
    ],
  );
  assert.deepEqual(events(calls, 0), [
    'tcp-syn:client@1',
    'retransmission:client@2',
    'tcp-syn-ack:server@3',
    'tcp-rst:client@4',
  ]);
  assert.deepEqual(events(calls, 1), ['tcp-syn:client@5', 'tcp-syn-ack:server@6']);
});

test('ids count every connection in order of first packet, whatever order their clients become known', () => {
  const { tracker, calls } = recordingTracker();
  const a = new Wire({ ip: '10.0.0.1', port: 40_000 }, { ip: '10.0.0.2', port: 80 });
  const b = new Wire({ ip: '10.0.0.3', port: 40_000 }, { ip: '10.0.0.2', port: 80 });
  feed(tracker, [a.seg('c', { seq: 1, ack: 1 }), b.seg('c', { seq: 1, flags: SYN })]);
  tracker.finish();
  assert.deepEqual(
    infos(calls).map((i) => [i.id, i.client.ip]),
    [
      [1, '10.0.0.3'],
      [0, '10.0.0.1'],
    ],
  );
});

test('an ended connection is forgotten once TIME-WAIT is long over', () => {
  const { tracker, calls } = recordingTracker();
  const wire = new Wire();
  feed(tracker, [...handshake(wire, 0, 0), wire.seg('c', { seq: 1, ack: 1, flags: RST })]);
  tracker.push(wire.seg('c', { seq: 1, ack: 1, dt: 10 })); // late: still the old, ended connection
  assert.deepEqual(infos(calls).map((i) => i.id), [0]);
  tracker.push(wire.seg('c', { seq: 1, ack: 1, data: 'x', dt: 600 })); // 4 minutes after its last packet: forgotten
  assert.deepEqual(infos(calls).map((i) => i.id), [0, 1]);
});

/** Two connections opened, each sending 4 bytes from the client; then the first one reset. */
function bothThenResetA(a: Wire, b: Wire) {
  return [
    ...handshake(a, 0, 0),
    ...handshake(b, 100, 200),
    a.seg('c', { seq: 1, ack: 1, data: 'to a' }),
    b.seg('c', { seq: 101, ack: 201, data: 'to b' }),
    a.seg('c', { seq: 5, ack: 1, flags: RST }),
  ];
}

test('connections that share a port pair (different hosts) are kept apart, and one is forgotten without the other', () => {
  const { tracker, calls } = recordingTracker();
  const a = new Wire({ ip: '10.0.0.1', port: 40_000 }, { ip: '10.0.0.9', port: 80 });
  const b = new Wire({ ip: '10.0.0.2', port: 80 }, { ip: '10.0.0.9', port: 40_000 }); // the same two ports, swapped roles
  feed(tracker, bothThenResetA(a, b));
  // Each wire numbers its own packets.
  assert.deepEqual(chunks(calls, 'client', 0), ['0:to a@4']);
  assert.deepEqual(chunks(calls, 'client', 1), ['0:to b@4']);
  // Long after a's end: b is still the same connection, while a's 4-tuple now starts a new one.
  tracker.push(b.seg('c', { seq: 105, ack: 201, data: '!', dt: 600 }));
  tracker.push(a.seg('c', { seq: 9, ack: 1, data: 'new' }));
  tracker.finish();
  assert.deepEqual(chunks(calls, 'client', 1), ['0:to b@4', '4:!@5']);
  assert.deepEqual(chunks(calls, 'client', 2), ['0:new@6']);
  assert.deepEqual(infos(calls).map((i) => [i.id, i.client.ip]), [[0, '10.0.0.1'], [1, '10.0.0.2'], [2, '10.0.0.1']]);
});

test('connections whose lower ports differ only above their low 14 bits share a table key and are kept apart', () => {
  const { tracker, calls } = recordingTracker();
  // 80 and 16464 (80 + 2^14) to the same client port, from the same two hosts.
  const a = new Wire({ ip: '10.0.0.1', port: 40_000 }, { ip: '10.0.0.9', port: 80 });
  const b = new Wire({ ip: '10.0.0.1', port: 40_000 }, { ip: '10.0.0.9', port: 16_464 });
  feed(tracker, bothThenResetA(a, b));
  tracker.push(b.seg('c', { seq: 105, ack: 201, data: '!', dt: 600 }));
  tracker.finish();
  assert.deepEqual(chunks(calls, 'client', 0), ['0:to a@4']);
  assert.deepEqual(chunks(calls, 'client', 1), ['0:to b@4', '4:!@5']);
  assert.deepEqual(infos(calls).map((i) => [i.id, i.server.port]), [[0, 80], [1, 16_464]]);
});
