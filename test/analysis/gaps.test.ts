/**
 * fixtures/gaps (made by its make.py): after every gap, reordering or overlap, the frames that follow must be
 * decoded exactly, and the finding must say how many bytes were lost and where decoding resumed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeCaptures, type AnalyzeOptions, type ConnectionModel } from '../../src/analysis/index.js';

async function connection(name: string, options: Partial<Omit<AnalyzeOptions, 'onConnectionEnd'>> = {}): Promise<ConnectionModel> {
  const { model } = await analyzeCaptures([`fixtures/gaps/${name}.pcap`], { retainBytes: null, ...options });
  assert.equal(model.connections.length, 1);
  return model.connections[0];
}

/** Each frame as "direction opcode payload" (payload as text, or hex when not printable). */
function frames(c: ConnectionModel): string[] {
  return c.frames.map((f) => {
    const text = f.payload.toString('latin1');
    const shown = /^[\x20-\x7e]*$/.test(text) ? text : f.payload.toString('hex');
    return `${f.direction} ${f.opcodeName} ${f.close ? `${f.close.code} ${f.close.reason}` : shown}`;
  });
}

const codes = (c: ConnectionModel) => c.findings.map((f) => f.code);
const CLOSE = ['client close 1000 bye', 'server close 1000 bye'];

test('reordered: segments captured out of order are put back in order', async () => {
  const c = await connection('reordered');
  assert.deepEqual(frames(c), ['server text first of three', 'server text second of three', 'server text third of three', 'client text got them', ...CLOSE]);
  assert.deepEqual(codes(c), []);
  // The late segment came 1 ms after the later one, no sooner than the handshake's RTT: Wireshark calls
  // that a retransmission rather than out-of-order, and so do we.
  assert.deepEqual(c.events.filter((e) => e.type === 'retransmission').map((e) => e.packet), [10]);
});

test('overlap-different-bytes: the bytes seen first win over a retransmission that differs', async () => {
  const c = await connection('overlap-different-bytes');
  assert.deepEqual(frames(c), ['client text the first copy of these bytes wins', 'client text and this frame follows', 'server text echo', ...CLOSE]);
  assert.deepEqual(codes(c), []);
});

test('hole-inside-frame: decoding resumes where the cut frame was declared to end', async () => {
  const c = await connection('hole-inside-frame');
  assert.deepEqual(frames(c), [
    'server text before the hole',
    'server text after the hole 1',
    'server text after the hole 2',
    'client text still talking',
    ...CLOSE,
  ]);
  assert.deepEqual(codes(c), ['websocket-gap']);
  assert.equal(
    c.findings[0].message,
    '1000 bytes from the server were not captured; frames in them are lost. Decoding resumed at the next frame header, 1004 bytes after the gap (packet 13).',
  );
  const gap = c.events.find((e) => e.type === 'gap');
  assert.deepEqual([gap?.bytesMissing, gap?.packet, c.findings[0].packet], [1000, 12, 12]);
  // The messages around the hole are whole; the cut binary message is absent, not garbled.
  assert.deepEqual(c.messages.map((m) => m.data.toString()), ['before the hole', 'after the hole 1', 'after the hole 2', 'still talking']);
});

test('hole-across-frames: decoding resumes at the first chain of real headers, past a fake one', async () => {
  const c = await connection('hole-across-frames');
  assert.deepEqual(frames(c), [
    'server text frame one, whole',
    'server text frame six, decoded again',
    'server ping seven',
    'server text frame eight',
    'server text frame nine, its own segment',
    'client pong seven',
    ...CLOSE,
  ]);
  assert.deepEqual(codes(c), ['websocket-gap']);
  assert.match(c.findings[0].message, /^75 bytes from the server were not captured; .* 21 bytes after the gap \(packet 9\)\.$/);
  // The pong still answers the ping that came after the gap.
  assert.equal(c.heartbeat.unanswered, 0);
});

test('mid-stream: no handshake in the capture; both directions are recognized as WebSocket', async () => {
  const c = await connection('mid-stream');
  assert.equal(c.handshake, null);
  assert.equal(c.isWebSocket, true);
  assert.deepEqual(frames(c), [
    'server text server frame one',
    'client text client frame two',
    'server text server frame two',
    `client binary ${Buffer.from(Array.from({ length: 40 }, (_, i) => i)).toString('hex')}`,
    'server binary ()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNO',
    'client ping hb',
    'server pong hb',
    ...CLOSE,
  ]);
  assert.deepEqual(codes(c), ['websocket-mid-stream', 'websocket-mid-stream']);
  assert.match(c.findings[1].message, /client's bytes; they were decoded as WebSocket frames starting 29 bytes into the stream/);
  assert.equal(c.close.clean, true);
});

test('mid-stream-high-port: --ws-port names the server when the port rule guessed wrong', async () => {
  const { model } = await analyzeCaptures(['fixtures/gaps/mid-stream-high-port.pcap'], { retainBytes: null });
  assert.equal(model.connections[0].isWebSocket, false); // client frames are masked: they do not chain as the server's
  const c = await connection('mid-stream-high-port', { wsPort: 60000 });
  assert.deepEqual([c.client.port, c.server.port], [40000, 60000]);
  assert.equal(c.frames.length, 9);
  assert.deepEqual(frames(c).slice(0, 2), ['server text server frame one', 'client text client frame two']);
  assert.equal(c.close.tcpEndBy, 'server');
});

test('seq-wrap: frames straddling the 2^32 wrap of both directions decode exactly', async () => {
  const c = await connection('seq-wrap');
  const long = Array.from({ length: 300 }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
  assert.deepEqual(frames(c), ['server text just before the wrap', `client text ${long}`, `server text ${long}`, ...CLOSE]);
  assert.deepEqual(codes(c), []);
});

test('windows-keepalive: 1-byte keep-alives are neither payload nor stream data; 45 s idle', async () => {
  const c = await connection('windows-keepalive');
  assert.deepEqual(frames(c), ['client text hello', 'server text hello', 'client text back after 45 s', 'server text back after 45 s', ...CLOSE]);
  assert.deepEqual([c.heartbeat.keepalives, c.heartbeat.keepaliveIntervalS], [4, { median: 10.0002, max: 10.0002 }]);
  assert.deepEqual(c.events.filter((e) => e.type === 'idle').map((e) => e.idleS), [45.001]);
  assert.equal(c.events.filter((e) => e.type === 'keepalive-ack').length, 4);
  assert.deepEqual(codes(c), []);
});

test('keepalive-peer-gone: probes the server never answers, then the client resets', async () => {
  const c = await connection('keepalive-peer-gone');
  assert.deepEqual(codes(c), ['tcp-reset', 'abnormal-closure', 'keepalive-unanswered']);
  assert.equal(c.findings[2].message, '3 TCP keep-alive probes from the client got no answer: the server sent nothing after the first.');
});

test('close-unanswered: a Ping and a Close the server never answers; the capture ends with TCP open', async () => {
  const c = await connection('close-unanswered');
  assert.deepEqual(codes(c), ['close-not-answered', 'close-without-tcp-teardown', 'ping-unanswered']);
  assert.deepEqual([c.close.initiator, c.close.clientCode, c.close.reason, c.close.tcpEnd], ['client', 1001, 'going away', 'open']);
  assert.deepEqual([c.heartbeat.pings, c.heartbeat.pongs, c.heartbeat.unanswered], [1, 0, 1]);
});
