/** maxOpenConnections and maxLingeringConnections: a flood of connections cannot grow the tracker without bound. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACK, FIN, RST, SERVER, SYN, Wire, events, feed, handshake, infos, recordingTracker, type Call } from './builder.js';

/** A SYN from client port `port` to the server, on its own wire (its own packet numbers are not compared). */
function syn(port: number) {
  return new Wire({ ip: '10.0.0.1', port }, SERVER).seg('c', { seq: 1000, flags: SYN });
}

const lifecycle = (calls: Call[]) =>
  calls.flatMap((c) => (c.call === 'connection' ? [`open ${c.info.id}`] : c.call === 'evicted' || c.call === 'end' ? [`${c.call} ${c.id}`] : []));

test('past the limit the oldest open connection is evicted (onEvicted, then onEnd)', () => {
  const { tracker, calls } = recordingTracker({ maxOpenConnections: 3 });
  feed(tracker, [40001, 40002, 40003, 40004, 40005].map(syn));
  assert.deepEqual(lifecycle(calls), ['open 0', 'open 1', 'open 2', 'evicted 0', 'end 0', 'open 3', 'evicted 1', 'end 1', 'open 4']);
  tracker.finish();
  assert.deepEqual(lifecycle(calls).slice(9), ['end 2', 'end 3', 'end 4']);
});

test('connections that ended do not count toward the limit', () => {
  const { tracker, calls } = recordingTracker({ maxOpenConnections: 2 });
  const first = new Wire({ ip: '10.0.0.1', port: 40001 }, SERVER);
  feed(tracker, [first.seg('c', { seq: 1000, flags: SYN }), first.seg('c', { seq: 1001, ack: 1, flags: RST | ACK }), syn(40002), syn(40003)]);
  assert.deepEqual(lifecycle(calls), ['open 0', 'end 0', 'open 1', 'open 2']);
});

test('a later packet of an evicted connection starts a new connection', () => {
  const { tracker, calls } = recordingTracker({ maxOpenConnections: 1 });
  const wire = new Wire({ ip: '10.0.0.1', port: 40001 }, SERVER);
  feed(tracker, [wire.seg('c', { seq: 1000, flags: SYN }), syn(40002), wire.seg('c', { seq: 1001, ack: 1, data: 'late' })]);
  assert.deepEqual(lifecycle(calls), ['open 0', 'evicted 0', 'end 0', 'open 1', 'evicted 1', 'end 1', 'open 2']);
});

test('without a limit nothing is evicted', () => {
  const { tracker, calls } = recordingTracker();
  feed(tracker, Array.from({ length: 1000 }, (_, i) => syn(30000 + i)));
  assert.equal(calls.filter((c) => c.call === 'evicted').length, 0);
});

test('a connection evicted before its client is known still hears onEvicted', () => {
  const { tracker, calls } = recordingTracker({ maxOpenConnections: 1 });
  // Mid-stream pure ACKs (no SYN, no payload): the tracker holds them until it can tell the client.
  const wire = new Wire({ ip: '10.0.0.1', port: 40001 }, SERVER);
  feed(tracker, [wire.seg('c', { seq: 1000, ack: 1 }), syn(40002)]);
  assert.deepEqual(lifecycle(calls), ['open 0', 'evicted 0', 'end 0', 'open 1']);
});

test('a connection that evicts the only other one on its port pair is still followed', () => {
  const { tracker, calls } = recordingTracker({ maxOpenConnections: 1 });
  // The same two ports from two hosts: one table entry, whose only connection is the one evicted.
  const first = new Wire({ ip: '10.0.0.1', port: 40001 }, SERVER);
  const second = new Wire({ ip: '10.0.0.2', port: 40001 }, SERVER);
  feed(tracker, [first.seg('c', { seq: 1000, flags: SYN }), second.seg('c', { seq: 5000, flags: SYN }), second.seg('c', { seq: 5001, ack: 1, data: 'x' })]);
  assert.deepEqual(lifecycle(calls), ['open 0', 'evicted 0', 'end 0', 'open 1']);
});

/** A refused connection from client port `port`: its SYN, the server's RST; the wire, for its late packets. */
function refused(port: number): { wire: Wire; segments: ReturnType<Wire['seg']>[] } {
  const wire = new Wire({ ip: '10.0.0.1', port }, SERVER);
  return { wire, segments: [wire.seg('c', { seq: 1000, flags: SYN }), wire.seg('s', { seq: 0, ack: 1001, flags: RST | ACK })] };
}

test('past maxLingeringConnections the connection that ended first is forgotten early, the others still linger', () => {
  const { tracker, calls } = recordingTracker({ maxLingeringConnections: 2 });
  const flood = [40001, 40002, 40003].map(refused);
  for (const { segments } of flood) feed(tracker, segments);
  // The client's retransmitted SYN (same ISN), a millisecond later: the first connection was forgotten, the
  // other two are still recognized (a retransmission of an ended connection goes nowhere).
  for (const { wire } of flood) tracker.push(wire.seg('c', { seq: 1000, flags: SYN }));
  assert.deepEqual(
    infos(calls).map((i) => [i.id, i.client.port, i.firstPacket]),
    [
      [0, 40001, 1],
      [1, 40002, 1],
      [2, 40003, 1],
      [3, 40001, 3],
    ],
  );
});

test('an ended connection keeps what recognizes its late packets: a late FIN and ACK, a repeated SYN, a new ISN', () => {
  const { tracker, calls } = recordingTracker();
  const wire = new Wire();
  feed(tracker, [
    ...handshake(wire, 0, 0),
    wire.seg('c', { seq: 1, ack: 1, data: 'GET / HTTP/1.1\r\n\r\n' }),
    wire.seg('s', { seq: 1, ack: 19, flags: FIN | ACK }),
    wire.seg('c', { seq: 19, ack: 2, flags: FIN | ACK }),
    wire.seg('s', { seq: 2, ack: 20 }),
  ]);
  assert.equal(calls.at(-1)?.call, 'end');
  const ended = calls.length;
  feed(tracker, [
    wire.seg('c', { seq: 19, ack: 2, flags: FIN | ACK, dt: 0.2 }), // retransmitted FIN
    wire.seg('s', { seq: 2, ack: 20 }), // and its ACK again
    wire.seg('c', { seq: 0, flags: SYN }), // the old SYN, repeated
  ]);
  assert.equal(calls.length, ended, 'late packets of the ended connection go nowhere');
  tracker.push(wire.seg('c', { seq: 5000, flags: SYN })); // a new ISN: a new connection
  assert.deepEqual(infos(calls).map((i) => [i.id, i.firstPacket]), [[0, 1], [1, 11]]);
  assert.deepEqual(events(calls, 1), ['tcp-syn:client@11']);
});
