import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CaptureModel, CloseModel, HandshakeModel } from '../../src/analysis/index.js';
import { connectionEnding, countMessages, listConnections } from '../../src/tui/connections.js';
import { bucketOf, closeTime, messageBuckets, sparkline } from '../../src/tui/activity.js';
import { finding } from '../../src/findings/index.js';
import { CLEAN_CLOSE, connection, frame, message } from './helpers.js';

const capture = (connections: CaptureModel['connections']): CaptureModel => ({
  files: ['x.pcap'],
  format: 'pcap',
  packets: 1,
  linkTypes: [1],
  tcpConnections: connections.length,
  webSocketConnections: connections.filter((c) => c.isWebSocket).length,
  connections,
  findings: [],
});

test('the list holds WebSocket connections (or all TCP), sorted by start, duration, messages or bytes', () => {
  const a = connection({ id: 0, start: 1, end: 5, messages: [message(0)], bytes: { client: 10, server: 0 } });
  const b = connection({ id: 1, start: 2, end: 3, messages: [message(0), message(1)], bytes: { client: 500, server: 1 } });
  const c = connection({ id: 2, start: 0, end: 100, isWebSocket: false });
  const model = capture([a, b, c]);
  const ids = (sort: Parameters<typeof listConnections>[2], all = false) => listConnections(model, all, sort).map((x) => x.id);
  assert.deepEqual(ids('start'), [0, 1]);
  assert.deepEqual(ids('start', true), [2, 0, 1]);
  assert.deepEqual(ids('duration'), [0, 1]);
  assert.deepEqual(ids('messages'), [1, 0]);
  assert.deepEqual(ids('bytes'), [1, 0]);
});

test('messages are counted per direction', () => {
  const conn = connection({ messages: [message(0), message(1, { direction: 'server' }), message(2)] });
  assert.deepEqual(countMessages(conn), { client: 2, server: 1 });
});

const ending = (close: CloseModel, isWebSocket = true, handshake: HandshakeModel | null = null) => connectionEnding({ close, isWebSocket, handshake });

test('how a connection ended: clean close, RST, FIN without close, unclean close, still open, refused', () => {
  assert.deepEqual(ending(CLEAN_CLOSE), { label: 'close 1000', color: 'green', explanation: 'Clean close by the client: both Close frames, then TCP FIN.' });
  const none = { ...CLEAN_CLOSE, initiator: null, clientCode: null, serverCode: null, clean: false };
  assert.equal(ending({ ...none, tcpEnd: 'rst', tcpEndBy: 'client' }).label, 'RST');
  assert.equal(ending({ ...none, tcpEnd: 'rst', tcpEndBy: 'client' }).explanation, 'Reset by the client.');
  assert.equal(ending({ ...none, tcpEnd: 'fin' }).label, 'FIN, no close');
  assert.equal(ending({ ...none, tcpEnd: 'open', tcpEndBy: null }).label, 'open');
  const serverClose = { ...CLEAN_CLOSE, initiator: 'server' as const, serverCode: 4000, clean: false };
  assert.equal(ending({ ...serverClose, tcpEnd: 'fin' }).label, 'close 4000 !');
  assert.equal(ending({ ...serverClose, tcpEnd: 'open' }).label, 'closing 4000');
  assert.equal(ending({ ...serverClose, tcpEnd: 'rst' }).label, 'RST 4000');
  assert.deepEqual(ending({ ...none, tcpEnd: 'fin', tcpEndBy: 'client' }, false), { label: 'FIN', color: 'gray', explanation: 'TCP FIN by the client.' });
  const request = { ts: 1, packet: 1, method: 'GET', target: '/', version: 'HTTP/1.1', headers: [] };
  const handshake: HandshakeModel = { request, response: null, key: null, accept: null, acceptValid: null, subprotocol: null, extensions: [], url: 'ws://x/' };
  assert.equal(ending({ ...none, tcpEnd: 'fin' }, true, handshake).label, 'no answer');
  const refused = { ...handshake, response: { ts: 2, packet: 2, version: 'HTTP/1.1', status: 403, reason: 'Forbidden', headers: [] } };
  assert.deepEqual(ending({ ...none, tcpEnd: 'fin' }, true, refused), { label: 'refused 403', color: 'yellow', explanation: 'The server answered the upgrade with 403, not 101 (RFC 6455 §4.1).' });
});

test('activity: messages per time bucket, idle as dots, close red, cursor inverted', () => {
  const conn = connection({
    start: 0,
    end: 10,
    messages: [message(0, { ts: 0 }), message(1, { ts: 0.5 }), message(2, { ts: 9.99 }), message(3, { ts: 10 })],
    frames: [frame(0, { ts: 1 }), frame(1, { ts: 9.5, close: { code: 1000, reason: '' } }), frame(2, { ts: 9.6, close: { code: 1000, reason: '' } })],
  });
  const buckets = messageBuckets(conn, 5);
  assert.deepEqual([...buckets], [2, 0, 0, 0, 2]);
  assert.equal(closeTime(conn), 9.5);
  assert.equal(bucketOf(conn, 9.5, 5), 4);
  const spans = sparkline(buckets, 4, 1);
  assert.equal(spans.map((s) => s.text).join(''), '█···█');
  assert.deepEqual(spans.map((s) => s.color), ['green', 'gray', 'gray', 'gray', 'red']);
  assert.deepEqual(spans.map((s) => s.inverse), [false, true, false, false, false]);
  assert.deepEqual([...messageBuckets(connection({ start: 5, end: 5, messages: [message(0, { ts: 5 })] }), 3)], [1, 0, 0]);
});

test('connection rows: exactly the width; the subprotocol gets a column when there is room, else follows the URL', async () => {
  const { connectionRow } = await import('../../src/tui/rows.js');
  const request = { ts: 1000, packet: 1, method: 'GET', target: '/chat', version: 'HTTP/1.1', headers: [] };
  const response = { ts: 1001, packet: 2, version: 'HTTP/1.1', status: 101, reason: 'Switching Protocols', headers: [] };
  const handshake = { request, response, key: null, accept: null, acceptValid: null, subprotocol: 'mqtt', extensions: [], url: 'ws://example.com/chat' };
  const conn = connection({ id: 12, handshake, messages: [message(0), message(1, { direction: 'server' })], findings: [finding('websocket-gap', 'x')] });
  const text = (width: number) => connectionRow(conn, width, false).map((s) => s.text).join('');
  // 80 columns: the URL keeps 10 cells (its path), the endpoints take the rest.
  assert.equal(text(80), '  #12  10.0.0.1:50000 → 10.0.0… /chat [mq…  10.0 s       1↑ 1↓ close 1000     !1');
  assert.equal(text(100), '  #12  10.0.0.1:50000 → 10.0.0.2:80 /chat [mqtt]                10.0 s       1↑ 1↓ close 1000     !1');
  assert.match(text(110), / ws:\/\/example\.com\/chat \[mqtt\] /);
  assert.equal(text(80).length, 80);
  const wide = text(160);
  assert.equal(wide.length, 160);
  assert.match(wide, /^ {2}#12 {2}10\.0\.0\.1:50000 → 10\.0\.0\.2:80 ws:\/\/example\.com\/chat +mqtt +10\.0 s +1↑ 1↓ close 1000 +!1$/);
  const selected = connectionRow(conn, 80, true);
  assert.equal(selected[0].text, '▶ ');
});
