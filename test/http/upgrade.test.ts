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

test('keep-alive requests with bodies before the upgrade are skipped and answered in order', () => {
  const { streams, sink, tracker } = setup();
  const postBody = 'GET /not-a-request HTTP/1.1\r\n\r\n'; // a body that looks like a head must not be parsed as one
  tracker.push(streams.chunk('client', 'GET /index.html HTTP/1.1\r\nHost: a\r\n\r\n'));
  tracker.push(streams.chunk('server', 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n<h1/>'));
  tracker.push(streams.chunk('client', `POST /form HTTP/1.1\r\nHost: a\r\nContent-Length: ${postBody.length}\r\n\r\n${postBody.slice(0, 10)}`));
  tracker.push(streams.chunk('client', postBody.slice(10)));
  tracker.push(streams.chunk('server', 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n'));
  tracker.push(
    streams.chunk(
      'client',
      'POST /chunks HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\nA\r\nGET / HTTP\r\n0\r\nX-Trailer: t\r\n',
    ),
  );
  tracker.push(streams.chunk('client', '\r\nHEAD /big HTTP/1.1\r\nHost: a\r\n\r\n'));
  // 204 and a response to HEAD have no body whatever their Content-Length says (RFC 9112 §6.3).
  tracker.push(streams.chunk('server', 'HTTP/1.1 204 No Content\r\nContent-Length: 4\r\n\r\n'));
  tracker.push(streams.chunk('server', 'HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n'));
  tracker.push(streams.chunk('client', 'GET /cached HTTP/1.1\r\n\r\n'));
  tracker.push(streams.chunk('server', 'HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n'));
  const upgrade = streams.chunk('client', CHROME_UPGRADE);
  tracker.push(upgrade);
  const switching = streams.chunk('server', Buffer.concat([Buffer.from(SWITCHING_PROTOCOLS, 'latin1'), SERVER_FRAMES]));
  tracker.push(switching);
  tracker.end();

  assert.deepEqual(sink.trace(), [
    'request GET /index.html',
    'response 200 to /index.html',
    'request POST /form',
    'response 100 to /form',
    'response 200 to /form',
    'request POST /chunks',
    'request HEAD /big',
    'response 204 to /chunks',
    'response 200 to /big',
    'request GET /cached',
    'response 304 to /cached',
    'request GET /chat?room=1',
    'response 101 to /chat?room=1',
    'switch',
    'websocket server',
  ]);
  const ws = sink.chunks('websocket', 'server')[0];
  assert.deepEqual(ws, {
    direction: 'server',
    data: SERVER_FRAMES,
    offset: switching.offset + SWITCHING_PROTOCOLS.length,
    ts: switching.ts,
    packet: switching.packet,
  });
  assert.equal(sink.requests()[5].packet, upgrade.packet);
});

test('pipelined requests in one segment are matched to pipelined responses in order', () => {
  const { streams, sink, tracker } = setup();
  tracker.push(streams.chunk('client', 'GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\nGET /3 HTTP/1.1\r\n\r\n'));
  tracker.push(streams.chunk('server', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\n'));
  tracker.push(streams.chunk('server', 'Content-Length: 2\r\n\r\nbb'));
  tracker.end();
  assert.deepEqual(sink.trace(), ['request GET /1', 'request GET /2', 'request GET /3', 'response 200 to /1', 'response 404 to /2', 'response 200 to /3']);
});

test('a response without a length runs to the end of the connection', () => {
  const { streams, sink, tracker } = setup();
  tracker.push(streams.chunk('client', 'GET / HTTP/1.0\r\n\r\n'));
  tracker.push(streams.chunk('server', `HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nbody ${SWITCHING_PROTOCOLS}`));
  tracker.push(streams.chunk('server', 'more body'));
  tracker.end();
  assert.deepEqual(sink.trace(), ['request GET /', 'response 200 to /']);
});

for (const [status, extra] of [
  ['400 Bad Request', 'Content-Length: 3\r\n\r\nbad'],
  ['401 Unauthorized', 'WWW-Authenticate: Basic realm="ws"\r\nContent-Length: 0\r\n\r\n'],
  ['403 Forbidden', 'Transfer-Encoding: chunked\r\n\r\n2\r\nno\r\n0\r\n\r\n'],
  ['404 Not Found', 'Content-Length: 0\r\n\r\n'],
  ['426 Upgrade Required', 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n'],
  ['302 Found', 'Location: /elsewhere\r\nContent-Length: 0\r\n\r\n'],
] as const) {
  test(`an upgrade refused with ${status} leaves the connection HTTP; held client bytes are the next request`, () => {
    const { streams, sink, tracker } = setup();
    tracker.push(streams.chunk('client', CHROME_UPGRADE));
    const next = streams.chunk('client', 'GET /next HTTP/1.1\r\nHost: a\r\n\r\n');
    tracker.push(next);
    assert.deepEqual(sink.trace(), ['request GET /chat?room=1'], 'the pipelined request waits for the answer');
    tracker.push(streams.chunk('server', `HTTP/1.1 ${status}\r\n${extra}`));
    tracker.push(streams.chunk('server', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
    tracker.end();
    assert.deepEqual(sink.trace(), [
      'request GET /chat?room=1',
      `response ${status.slice(0, 3)} to /chat?room=1`,
      'request GET /next',
      'response 200 to /next',
    ]);
    assert.equal(sink.requests()[1].packet, next.packet);
    assert.equal(sink.requests()[1].ts, next.ts);
  });
}

test('a 101 to an h2c upgrade makes both directions opaque, not WebSocket', () => {
  const { streams, sink, tracker } = setup();
  tracker.push(
    streams.chunk('client', 'GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n'),
  );
  const settings = Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]);
  tracker.push(streams.chunk('server', Buffer.concat([Buffer.from('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n'), settings])));
  const preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
  tracker.push(streams.chunk('client', preface));
  tracker.end();
  assert.deepEqual(sink.trace(), ['request GET /', 'response 101 to /', 'opaque server', 'opaque client']);
  assert.deepEqual(sink.chunks('opaque', 'server')[0].data, settings);
  assert.deepEqual(sink.chunks('opaque', 'client')[0].data, preface);
});

test('frames sent before the 101 are held, then handed on as WebSocket data with their own packets', () => {
  const { streams, sink, tracker } = setup();
  // The first frame shares the request's segment; the second comes in its own.
  const first = streams.chunk('client', Buffer.concat([Buffer.from(CHROME_UPGRADE, 'latin1'), CLIENT_FRAME]));
  const second = streams.chunk('client', CLIENT_FRAME);
  tracker.push(first);
  tracker.push(second);
  assert.deepEqual(sink.trace(), ['request GET /chat?room=1']);
  tracker.push(streams.chunk('server', `HTTP/1.1 100 Continue\r\n\r\n${SWITCHING_PROTOCOLS}`));
  const after = streams.chunk('client', CLIENT_FRAME);
  tracker.push(after);
  tracker.end();
  assert.deepEqual(sink.trace(), [
    'request GET /chat?room=1',
    'response 100 to /chat?room=1',
    'response 101 to /chat?room=1',
    'switch',
    'websocket client',
    'websocket client',
    'websocket client',
  ]);
  const frames = sink.chunks('websocket', 'client');
  assert.deepEqual(
    frames.map((chunk) => [chunk.offset, chunk.packet, chunk.ts]),
    [
      [CHROME_UPGRADE.length, first.packet, first.ts],
      [second.offset, second.packet, second.ts],
      [after.offset, after.packet, after.ts],
    ],
  );
  assert.deepEqual(sink.stream('websocket', 'client', CHROME_UPGRADE.length), Buffer.concat([CLIENT_FRAME, CLIENT_FRAME, CLIENT_FRAME]));
});

test('early data beyond the hold limit is reported and handed on raw', () => {
  const { streams, sink, tracker } = setup({ maxEarlyDataBytes: 16 });
  tracker.push(streams.chunk('client', CHROME_UPGRADE));
  tracker.push(streams.chunk('client', CLIENT_FRAME));
  const overflowing = streams.chunk('client', CLIENT_FRAME);
  tracker.push(overflowing);
  tracker.push(streams.chunk('server', Buffer.concat([Buffer.from(SWITCHING_PROTOCOLS, 'latin1'), SERVER_FRAMES])));
  tracker.push(streams.chunk('client', CLIENT_FRAME));
  tracker.end();
  assert.deepEqual(sink.steps(), [
    'request GET /chat?room=1',
    'problem http-early-data-overflow',
    'opaque client',
    'response 101 to /chat?room=1',
    'switch',
    'websocket server',
    'opaque client',
  ]);
  assert.deepEqual(sink.problems()[0].where, { ts: overflowing.ts, packet: overflowing.packet });
  assert.deepEqual(sink.stream('opaque', 'client', CHROME_UPGRADE.length), Buffer.concat([CLIENT_FRAME, CLIENT_FRAME, CLIENT_FRAME]));
});

test('a 101 whose request the capture missed still switches when it names websocket', () => {
  const { streams, sink, tracker } = setup();
  tracker.push(streams.chunk('server', Buffer.concat([Buffer.from(SWITCHING_PROTOCOLS, 'latin1'), SERVER_FRAMES])));
  tracker.push(streams.chunk('client', CLIENT_FRAME));
  tracker.end();
  assert.deepEqual(sink.trace(), ['response 101', 'switch', 'websocket server', 'websocket client']);
  const response = sink.events[0];
  assert.ok(response.type === 'response' && response.request === null);
});

test('the Upgrade token is matched case-insensitively among several', () => {
  const { streams, sink, tracker } = setup();
  tracker.push(streams.chunk('client', 'GET /ws HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Upgrade\r\nUpgrade: foo/2, WebSocket\r\n\r\n'));
  tracker.push(streams.chunk('server', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: WEBSOCKET\r\nConnection: upgrade\r\n\r\n'));
  tracker.push(streams.chunk('client', CLIENT_FRAME));
  assert.deepEqual(sink.trace(), ['request GET /ws', 'response 101 to /ws', 'switch', 'websocket client']);
});

test('an upgrade request with a body switches only after the body', () => {
  const { streams, sink, tracker } = setup();
  tracker.push(streams.chunk('client', 'POST /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nContent-Length: 4\r\n\r\nab'));
  // The server answers before the client's body is complete.
  tracker.push(streams.chunk('server', SWITCHING_PROTOCOLS));
  tracker.push(streams.chunk('client', Buffer.concat([Buffer.from('cd'), CLIENT_FRAME])));
  tracker.end();
  assert.deepEqual(sink.trace(), ['request POST /ws', 'response 101 to /ws', 'switch', 'websocket client']);
  assert.deepEqual(sink.chunks('websocket', 'client')[0].data, CLIENT_FRAME);
});

test('a 2xx answer to CONNECT makes the connection a tunnel', () => {
  const { streams, sink, tracker } = setup();
  const hello = Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05]);
  tracker.push(streams.chunk('client', 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n'));
  tracker.push(streams.chunk('client', hello));
  tracker.push(streams.chunk('server', Buffer.concat([Buffer.from('HTTP/1.1 200 Connection Established\r\n\r\n'), hello])));
  tracker.end();
  assert.deepEqual(sink.trace(), ['request CONNECT example.com:443', 'response 200 to example.com:443', 'opaque client', 'opaque server']);
  assert.deepEqual(sink.problems(), []);
});

test('empty lines between messages are ignored (RFC 9112 §2.2)', () => {
  const { streams, sink, tracker } = setup();
  tracker.push(streams.chunk('client', 'POST /a HTTP/1.1\r\nContent-Length: 1\r\n\r\nx\r\n'));
  tracker.push(streams.chunk('client', '\r\nGET /b HTTP/1.1\r\n\r\n'));
  tracker.end();
  assert.deepEqual(sink.trace(), ['request POST /a', 'request GET /b']);
});

test('bytes kept past the push (a head split over packets, frames before the 101) are copies: the pushed buffers may be reused', () => {
  const { streams, sink, tracker } = setup();
  const request = Buffer.from(CHROME_UPGRADE, 'latin1');
  const split = 20;
  // The capture reader reuses nothing, but a kept view would pin its 1 MiB chunk: overwriting the pushed
  // buffers after each push shows that nothing refers to them any more.
  const scribble = (bytes: Buffer) => bytes.fill(0x7e);
  const head = Buffer.from(request.subarray(0, split));
  tracker.push(streams.chunk('client', head));
  scribble(head);
  const rest = Buffer.concat([request.subarray(split), CLIENT_FRAME]);
  tracker.push(streams.chunk('client', rest));
  scribble(rest);
  const early = Buffer.from(CLIENT_FRAME);
  tracker.push(streams.chunk('client', early));
  scribble(early);
  tracker.push(streams.chunk('server', SWITCHING_PROTOCOLS));
  tracker.end();
  assert.deepEqual(sink.trace(), ['request GET /chat?room=1', 'response 101 to /chat?room=1', 'switch', 'websocket client', 'websocket client']);
  const requestEvent = sink.events[0];
  assert.ok(requestEvent.type === 'request');
  assert.equal(requestEvent.head.target, '/chat?room=1');
  assert.deepEqual(sink.stream('websocket', 'client', request.length), Buffer.concat([CLIENT_FRAME, CLIENT_FRAME]));
});
