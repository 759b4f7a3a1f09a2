import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpUpgradeTracker } from '../../src/http/index.js';
import { CHROME_UPGRADE, CLIENT_FRAME, Recorder, SERVER_FRAMES, Streams, SWITCHING_PROTOCOLS } from './helpers.js';

function setup(options?: { maxHeadBytes?: number; maxEarlyDataBytes?: number }) {
  const streams = new Streams();
  const sink = new Recorder();
  const tracker = new HttpUpgradeTracker(sink, options);
  return { streams, sink, tracker };
}

test('a direction that starts with binary bytes is opaque from its first byte', () => {
  const { streams, sink, tracker } = setup();
  const hello = streams.chunk('client', Buffer.from([0x16]));
  tracker.push(hello);
  assert.deepEqual(sink.trace(), ['opaque client'], 'decided on the first byte');
  tracker.push(streams.chunk('client', Buffer.from([0x03, 0x01, 0x02, 0x00])));
  tracker.push(streams.chunk('server', Buffer.from([0x81, 0x05, 0x48, 0x65]))); // WebSocket frames: capture started mid-stream
  tracker.end();
  assert.deepEqual(sink.trace(), ['opaque client', 'opaque client', 'opaque server']);
  assert.deepEqual(sink.stream('opaque', 'client', 0), Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00]));
  assert.deepEqual(sink.problems(), []);
});

test('text protocols are told apart from HTTP by their first line, every byte handed on', () => {
  for (const [direction, text] of [
    ['client', 'SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n'],
    ['client', 'EHLO mail.example\r\n'],
    ['client', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'],
    ['client', '\r\nGET / HTTP/1.1\r\n\r\n'],
    ['server', '220 smtp.example ESMTP\r\n'],
    ['server', 'HTTP/2 200\r\n\r\n'],
    ['server', 'http/1.1 200 OK\r\n\r\n'],
  ] as const) {
    const { streams, sink, tracker } = setup();
    const bytes = Buffer.from(text, 'latin1');
    for (let i = 0; i < bytes.length; i++) tracker.push(streams.chunk(direction, bytes.subarray(i, i + 1)));
    tracker.end();
    assert.deepEqual(sink.steps(), [`opaque ${direction}`], text);
    assert.deepEqual(sink.stream('opaque', direction, 0), bytes, text);
  }
});

test('a method token longer than any real method decides "not HTTP" at its 33rd byte', () => {
  const { streams, sink, tracker } = setup();
  tracker.push(streams.chunk('client', 'A'.repeat(32)));
  assert.deepEqual(sink.trace(), []);
  tracker.push(streams.chunk('client', 'A'));
  assert.deepEqual(sink.trace(), ['opaque client', 'opaque client']);
  assert.deepEqual(sink.stream('opaque', 'client', 0).toString(), 'A'.repeat(33));
});

test('a gap inside a head ends HTTP parsing of that direction, with a problem', () => {
  const { streams, sink, tracker } = setup();
  tracker.push(streams.chunk('client', 'GET / HTTP/1.1\r\nHo'));
  const gap = streams.gap('client', 10);
  tracker.gap(gap.direction, gap.bytesMissing, gap.ts, gap.packet);
  const after = streams.chunk('client', 'st: a\r\n\r\n');
  tracker.push(after);
  tracker.end();
  assert.deepEqual(sink.trace(), ['problem http-gap', 'opaque client', 'opaque client']);
  assert.deepEqual(sink.problems()[0].where, { ts: gap.ts, packet: gap.packet });
  assert.deepEqual(
    sink.chunks('opaque', 'client').map((chunk) => [chunk.offset, chunk.data.toString()]),
    [
      [0, 'GET / HTTP/1.1\r\nHo'],
      [after.offset, 'st: a\r\n\r\n'],
    ],
  );
});

test('a gap inside a Content-Length body is skipped; one past it loses the stream', () => {
  const inside = setup();
  inside.tracker.push(inside.streams.chunk('client', 'POST /a HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc'));
  const hole = inside.streams.gap('client', 4);
  inside.tracker.gap(hole.direction, hole.bytesMissing, hole.ts, hole.packet);
  inside.tracker.push(inside.streams.chunk('client', 'defGET /b HTTP/1.1\r\n\r\n'));
  inside.tracker.end();
  assert.deepEqual(inside.sink.trace(), ['request POST /a', 'request GET /b']);

  const exact = setup();
  exact.tracker.push(exact.streams.chunk('client', 'POST /a HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc'));
  exact.tracker.gap('client', 7, 1, 1);
  exact.tracker.push(exact.streams.chunk('client', 'GET /b HTTP/1.1\r\n\r\n'));
  assert.deepEqual(exact.sink.trace(), ['request POST /a', 'request GET /b']);

  const past = setup();
  past.tracker.push(past.streams.chunk('client', 'POST /a HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc'));
  past.tracker.gap('client', 8, 1, 1);
  past.tracker.push(past.streams.chunk('client', 'GET /b HTTP/1.1\r\n\r\n'));
  assert.deepEqual(past.sink.trace(), ['request POST /a', 'problem http-gap', 'opaque client']);
});

test('a gap inside chunk data is skipped; one in a chunk-size line loses the stream', () => {
  const data = setup();
  data.tracker.push(data.streams.chunk('server', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\n01'));
  data.tracker.gap('server', 5, 1, 1);
  data.tracker.push(data.streams.chunk('server', '789\r\n0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'));
  assert.deepEqual(data.sink.trace(), ['response 200', 'response 200']);

  const size = setup();
  size.tracker.push(size.streams.chunk('server', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na'));
  size.tracker.gap('server', 5, 1, 1);
  size.tracker.push(size.streams.chunk('server', '789\r\n0\r\n\r\n'));
  assert.deepEqual(size.sink.trace(), ['response 200', 'problem http-gap', 'opaque server']);
});

test('after the switch a gap is passed on, in order with held frames', () => {
  const { streams, sink, tracker } = setup();
  tracker.push(streams.chunk('client', CHROME_UPGRADE));
  tracker.push(streams.chunk('client', CLIENT_FRAME));
  const held = streams.gap('client', 100);
  tracker.gap(held.direction, held.bytesMissing, held.ts, held.packet);
  tracker.push(streams.chunk('client', CLIENT_FRAME));
  tracker.push(streams.chunk('server', Buffer.concat([Buffer.from(SWITCHING_PROTOCOLS, 'latin1'), SERVER_FRAMES])));
  const later = streams.gap('server', 7);
  tracker.gap(later.direction, later.bytesMissing, later.ts, later.packet);
  tracker.end();
  assert.deepEqual(sink.trace(), [
    'request GET /chat?room=1',
    'response 101 to /chat?room=1',
    'switch',
    'websocket client',
    'websocket-gap client 100',
    'websocket client',
    'websocket server',
    'websocket-gap server 7',
  ]);
  const gapEvent = sink.events[4];
  assert.deepEqual(gapEvent, { type: 'websocket-gap', direction: 'client', bytesMissing: 100, ts: held.ts, packet: held.packet });
  assert.deepEqual(sink.problems(), []);
});

test('when the answer to an upgrade is lost in a gap, the held client bytes are handed on raw', () => {
  const { streams, sink, tracker } = setup();
  tracker.push(streams.chunk('client', CHROME_UPGRADE));
  tracker.push(streams.chunk('client', CLIENT_FRAME));
  tracker.gap('server', 50, 1, 1);
  tracker.push(streams.chunk('server', SERVER_FRAMES));
  tracker.push(streams.chunk('client', CLIENT_FRAME));
  tracker.end();
  assert.deepEqual(sink.trace(), ['request GET /chat?room=1', 'problem http-gap', 'opaque client', 'opaque server', 'opaque client']);
});

test('a head longer than maxHeadBytes is a problem; the bytes go on raw', () => {
  const { streams, sink, tracker } = setup({ maxHeadBytes: 60 });
  const ok = 'GET /a HTTP/1.1\r\nHost: exactly-sixty-bytes.example.org.a\r\n\r\n';
  assert.equal(ok.length, 60);
  tracker.push(streams.chunk('client', ok));
  const long = `GET /b HTTP/1.1\r\nHost: ${'x'.repeat(40)}`;
  tracker.push(streams.chunk('client', long.slice(0, 30)));
  const over = streams.chunk('client', long.slice(30));
  tracker.push(over);
  tracker.end();
  assert.deepEqual(sink.trace(), ['request GET /a', 'problem http-head-too-long', 'opaque client', 'opaque client']);
  assert.deepEqual(sink.problems()[0].where, { ts: over.ts, packet: over.packet });
  assert.equal(sink.stream('opaque', 'client', 60).toString(), long);
});

test('a request line longer than maxHeadBytes is too long even before its end', () => {
  const { streams, sink, tracker } = setup({ maxHeadBytes: 100 });
  tracker.push(streams.chunk('client', `GET /${'a'.repeat(1000)}`));
  assert.deepEqual(sink.trace(), ['problem http-head-too-long', 'opaque client']);
});

test('malformed heads after a good message are problems', () => {
  const { streams, sink, tracker } = setup();
  tracker.push(streams.chunk('client', 'GET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\nBad Header: x\r\n\r\n'));
  tracker.push(streams.chunk('server', 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\ngarbage\r\n'));
  tracker.end();
  assert.deepEqual(sink.trace(), ['request GET /', 'problem http-malformed-head', 'opaque client', 'response 200 to /', 'problem http-malformed-head', 'opaque server']);
  assert.equal(sink.chunks('opaque', 'client')[0].offset, 18);
  assert.equal(sink.chunks('opaque', 'server')[0].data.toString(), 'garbage\r\n');
});

test('a malformed first head is a problem when its start line was HTTP', () => {
  const { streams, sink, tracker } = setup();
  tracker.push(streams.chunk('client', 'GET / HTTP/1.1\r\n  folded-first: x\r\n\r\n'));
  assert.deepEqual(sink.trace(), ['problem http-malformed-head', 'opaque client']);
});

test('bad body framing is a problem', () => {
  for (const [head, body] of [
    ['POST / HTTP/1.1\r\nContent-Length: 5, 6\r\n\r\n', 'abcde'],
    ['POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n', ''],
    ['POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n', ''],
    ['POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n', ''],
    ['POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n', '0\r\n\r\n'],
    ['POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n', 'zz\r\n'],
    ['POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n', '2\r\nabc\r\n'],
    ['POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n', 'fffffffffffffffff\r\n'],
  ]) {
    const { streams, sink, tracker } = setup();
    tracker.push(streams.chunk('client', head + body));
    tracker.end();
    assert.deepEqual(sink.steps().slice(0, 2), ['request POST /', 'problem http-malformed-body'], head + body);
  }
  // Equal repeated Content-Length values are one length (RFC 9110 §8.6).
  const { streams, sink, tracker } = setup();
  tracker.push(streams.chunk('client', 'POST / HTTP/1.1\r\nContent-Length: 3, 03\r\nContent-Length: 3\r\n\r\nabcGET /n HTTP/1.1\r\n\r\n'));
  assert.deepEqual(sink.trace(), ['request POST /', 'request GET /n']);
});

test('the end of the connection inside a message is a problem; a partial first line is not', () => {
  const body = setup();
  body.tracker.push(body.streams.chunk('server', 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'));
  body.tracker.end();
  assert.deepEqual(body.sink.trace(), ['response 200', 'problem http-truncated']);

  const head = setup();
  const cut = head.streams.chunk('client', 'GET / HTTP/1.1\r\nHost: a\r\n');
  head.tracker.push(cut);
  head.tracker.end();
  assert.deepEqual(head.sink.trace(), ['problem http-truncated', 'opaque client']);
  assert.deepEqual(head.sink.problems()[0].where, { ts: cut.ts, packet: cut.packet });

  const line = setup();
  line.tracker.push(line.streams.chunk('client', 'GE'));
  line.tracker.end();
  assert.deepEqual(line.sink.trace(), ['opaque client']);

  const second = setup();
  second.tracker.push(second.streams.chunk('client', 'GET /1 HTTP/1.1\r\n\r\nGE'));
  second.tracker.end();
  assert.deepEqual(second.sink.trace(), ['request GET /1', 'problem http-truncated', 'opaque client']);

  const close = setup();
  close.tracker.push(close.streams.chunk('server', 'HTTP/1.1 200 OK\r\n\r\nabc'));
  close.tracker.end();
  assert.deepEqual(close.sink.trace(), ['response 200'], 'a body delimited by the close is complete at the end');

  const held = setup();
  held.tracker.push(held.streams.chunk('client', CHROME_UPGRADE));
  held.tracker.push(held.streams.chunk('client', CLIENT_FRAME));
  held.tracker.end();
  assert.deepEqual(held.sink.trace(), ['request GET /chat?room=1', 'opaque client']);
});
