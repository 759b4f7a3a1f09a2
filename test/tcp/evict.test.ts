/** maxOpenConnections: a flood of connections cannot grow the tracker without bound. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACK, RST, SERVER, SYN, Wire, feed, recordingTracker, type Call } from './builder.js';

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
