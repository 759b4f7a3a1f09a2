// Wireshark's tcp.analysis labels on synthetic segments (the tshark comparison covers real captures).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACK, FIN, PSH, SYN, Wire, chunks, events, feed, recordingTracker } from './builder.js';

/** Events after the handshake's three. */
function labels(segments: (wire: Wire) => ReturnType<Wire['seg']>[], rttMs = 1): { labels: string[]; client: string[] } {
  const { tracker, calls } = recordingTracker();
  const wire = new Wire();
  feed(tracker, [
    wire.seg('c', { seq: 0, flags: SYN }),
    wire.seg('s', { seq: 0, ack: 1, flags: SYN | ACK, dt: rttMs / 2000 }),
    wire.seg('c', { seq: 1, ack: 1, dt: rttMs / 2000 }),
    ...segments(wire),
  ]);
  return { labels: events(calls).slice(3), client: chunks(calls, 'client') };
}

test('keep-alive (Linux: no byte) and its ACK', () => {
  const result = labels((w) => [
    w.seg('c', { seq: 1, ack: 1, flags: PSH | ACK, data: 'abc' }),
    w.seg('s', { seq: 1, ack: 4 }),
    w.seg('c', { seq: 3, ack: 1, dt: 60 }),
    w.seg('s', { seq: 1, ack: 4 }),
  ]);
  assert.deepEqual(result.labels, ['keepalive:client@6', 'keepalive-ack:server@7']);
});

test('keep-alive (Windows: one garbage byte) is labelled and its byte is not stream data', () => {
  const result = labels((w) => [
    w.seg('c', { seq: 1, ack: 1, data: 'abc' }),
    w.seg('s', { seq: 1, ack: 4 }),
    w.seg('c', { seq: 3, ack: 1, data: '\0', dt: 60 }),
    w.seg('s', { seq: 1, ack: 4 }),
    w.seg('c', { seq: 4, ack: 1, data: 'd', dt: 1 }),
  ]);
  assert.deepEqual(result.labels, ['keepalive:client@6', 'keepalive-ack:server@7']);
  assert.deepEqual(result.client, ['0:abc@4', '3:d@8']);
});

test('an ACK repeating the last one is a duplicate ACK, unless it answers a keep-alive', () => {
  const result = labels((w) => [
    w.seg('c', { seq: 1, ack: 1, data: 'abc' }),
    w.seg('s', { seq: 1, ack: 4 }),
    w.seg('s', { seq: 1, ack: 4 }),
    w.seg('s', { seq: 1, ack: 4 }),
  ]);
  assert.deepEqual(result.labels, ['dup-ack:server@6', 'dup-ack:server@7']);
});

test('zero window, zero window probes (the byte delivered once) and their ACKs', () => {
  const result = labels((w) => [
    w.seg('c', { seq: 1, ack: 1, data: 'abc' }),
    w.seg('s', { seq: 1, ack: 4, window: 0 }),
    w.seg('c', { seq: 4, ack: 1, data: 'd', dt: 0.2 }),
    w.seg('s', { seq: 1, ack: 4, window: 0 }), // probe ACK: reported as the zero window it repeats
    w.seg('c', { seq: 4, ack: 1, data: 'd', dt: 0.4 }),
    w.seg('s', { seq: 1, ack: 4, window: 1000, dt: 0.1 }),
    w.seg('c', { seq: 4, ack: 1, data: 'def' }),
  ]);
  assert.deepEqual(result.labels, [
    'zero-window:server@5',
    'zero-window-probe:client@6',
    'zero-window:server@7',
    'zero-window-probe:client@8',
  ]);
  assert.deepEqual(result.client, ['0:abc@4', '3:d@6', '4:ef@10']);
});

test('a resend after the timeout is a retransmission; one of acknowledged bytes too (spurious)', () => {
  const result = labels((w) => [
    w.seg('c', { seq: 1, ack: 1, data: 'abc' }),
    w.seg('c', { seq: 1, ack: 1, data: 'abc', dt: 0.2 }),
    w.seg('s', { seq: 1, ack: 4 }),
    w.seg('c', { seq: 1, ack: 1, data: 'abc' }),
  ]);
  assert.deepEqual(result.labels, ['retransmission:client@5', 'retransmission:client@7']);
  assert.deepEqual(result.client, ['0:abc@4']);
});

test('out-of-order within the handshake RTT of the highest segment, retransmission after it', () => {
  const late = (dt: number) =>
    labels(
      (w) => [
        w.seg('c', { seq: 1, ack: 1, data: 'abc' }),
        w.seg('c', { seq: 7, ack: 1, data: 'ghi' }),
        w.seg('c', { seq: 4, ack: 1, data: 'def', dt }),
      ],
      10,
    ).labels;
  assert.deepEqual(late(0.009), ['out-of-order:client@6']);
  assert.deepEqual(late(0.011), ['retransmission:client@6']);
});

test('without a handshake RTT the out-of-order threshold is 3 ms', () => {
  const { tracker, calls } = recordingTracker();
  const wire = new Wire();
  feed(tracker, [
    wire.seg('c', { seq: 1, ack: 1, data: 'GET ' }),
    wire.seg('c', { seq: 9, ack: 1, data: 'ijkl' }),
    wire.seg('c', { seq: 5, ack: 1, data: 'efgh', dt: 0.0029 }),
    wire.seg('c', { seq: 13, ack: 1, data: 'mnop' }),
    wire.seg('c', { seq: 21, ack: 1, data: 'uvwx' }),
    wire.seg('c', { seq: 17, ack: 1, data: 'qrst', dt: 0.0031 }),
  ]);
  assert.deepEqual(events(calls), ['out-of-order:client@3', 'retransmission:client@6']);
});

test('after two duplicate ACKs, the segment they ask for within 20 ms is a (fast) retransmission', () => {
  const result = labels(
    (w) => [
      w.seg('c', { seq: 1, ack: 1, data: 'abc' }),
      w.seg('c', { seq: 7, ack: 1, data: 'ghi' }), // 3..5 lost before the capture point
      w.seg('s', { seq: 1, ack: 4 }),
      w.seg('s', { seq: 1, ack: 4 }),
      w.seg('s', { seq: 1, ack: 4 }),
      w.seg('c', { seq: 4, ack: 1, data: 'def', dt: 0.019 }),
    ],
    100, // an RTT so long that out-of-order would apply if fast retransmission did not come first
  );
  assert.deepEqual(result.labels, ['dup-ack:server@7', 'dup-ack:server@8', 'retransmission:client@9']);
  assert.deepEqual(result.client, ['0:abc@4', '3:def@9', '6:ghi@5']);
});

test('resent SYN and FIN are retransmissions (each occupies a sequence number)', () => {
  const { tracker, calls } = recordingTracker();
  const wire = new Wire();
  feed(tracker, [
    wire.seg('c', { seq: 0, flags: SYN }),
    wire.seg('c', { seq: 0, flags: SYN, dt: 1 }),
    wire.seg('s', { seq: 0, ack: 1, flags: SYN | ACK }),
    wire.seg('c', { seq: 1, ack: 1 }),
    wire.seg('c', { seq: 1, ack: 1, flags: FIN | ACK }),
    wire.seg('c', { seq: 1, ack: 1, flags: FIN | ACK, dt: 0.3 }),
  ]);
  assert.deepEqual(events(calls), [
    'tcp-syn:client@1',
    'retransmission:client@2',
    'tcp-syn-ack:server@3',
    'tcp-established:client@4',
    'tcp-fin:client@5',
    'retransmission:client@6',
  ]);
});

test('one event per packet: a keep-alive into a closed window is a keep-alive', () => {
  const result = labels((w) => [
    w.seg('c', { seq: 1, ack: 1, data: 'abc' }),
    w.seg('c', { seq: 3, ack: 1, window: 0, dt: 60 }),
  ]);
  assert.deepEqual(result.labels, ['keepalive:client@5']);
});
