import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpUpgradeTracker } from '../../src/http/index.js';
import {
  CHROME_UPGRADE,
  CHROME_UPGRADE_HEADERS,
  CLIENT_FRAME,
  Recorder,
  SERVER_FRAMES,
  Streams,
  SWITCHING_PROTOCOLS,
} from './helpers.js';

const request = Buffer.from(CHROME_UPGRADE, 'latin1');
const response = Buffer.concat([Buffer.from(SWITCHING_PROTOCOLS, 'latin1'), SERVER_FRAMES]);
const responseHeadLength = SWITCHING_PROTOCOLS.length;

test('an upgrade request split at every byte boundary is parsed whole, stamped with the completing packet', () => {
  for (let split = 1; split < request.length; split++) {
    const streams = new Streams();
    const sink = new Recorder();
    const tracker = new HttpUpgradeTracker(sink);
    tracker.push(streams.chunk('client', request.subarray(0, split)));
    const last = streams.chunk('client', request.subarray(split));
    tracker.push(last);
    assert.deepEqual(sink.trace(), ['request GET /chat?room=1'], `split at ${split}`);
    assert.deepEqual(sink.requests()[0], {
      ts: last.ts,
      packet: last.packet,
      method: 'GET',
      target: '/chat?room=1',
      version: 'HTTP/1.1',
      headers: CHROME_UPGRADE_HEADERS,
    });
  }
});

test('a 101 followed by two frames in the same segment, split at every byte boundary', () => {
  for (let split = 1; split < response.length; split++) {
    const streams = new Streams();
    const sink = new Recorder();
    const tracker = new HttpUpgradeTracker(sink);
    tracker.push(streams.chunk('client', request));
    const first = streams.chunk('server', response.subarray(0, split));
    const second = streams.chunk('server', response.subarray(split));
    tracker.push(first);
    tracker.push(second);
    tracker.push(streams.chunk('client', CLIENT_FRAME));
    tracker.end();

    const headIn = split >= responseHeadLength ? first : second;
    const what = `split at ${split}`;
    assert.deepEqual(sink.steps(), ['request GET /chat?room=1', 'response 101 to /chat?room=1', 'switch', 'websocket server', 'websocket client'], what);
    assert.equal(sink.responses()[0].packet, headIn.packet, what);
    assert.equal(sink.responses()[0].ts, headIn.ts, what);
    assert.deepEqual(sink.stream('websocket', 'server', responseHeadLength), SERVER_FRAMES, what);
    assert.deepEqual(sink.stream('websocket', 'client', request.length), CLIENT_FRAME, what);
    // Frame bytes keep the packet that carried them.
    for (const chunk of sink.chunks('websocket', 'server')) {
      assert.equal(chunk.packet, chunk.offset < split ? first.packet : second.packet, what);
      assert.equal(chunk.ts, chunk.offset < split ? first.ts : second.ts, what);
    }
  }
});

test('a handshake arriving one byte per chunk', () => {
  const streams = new Streams();
  const sink = new Recorder();
  const tracker = new HttpUpgradeTracker(sink);
  for (const byte of request) tracker.push(streams.chunk('client', Buffer.from([byte])));
  for (const byte of response) tracker.push(streams.chunk('server', Buffer.from([byte])));
  tracker.end();
  assert.deepEqual(sink.steps(), ['request GET /chat?room=1', 'response 101 to /chat?room=1', 'switch', 'websocket server']);
  assert.equal(sink.requests()[0].packet, request.length);
  assert.deepEqual(sink.requests()[0].headers, CHROME_UPGRADE_HEADERS);
  assert.equal(sink.responses()[0].packet, request.length + responseHeadLength);
  const frames = sink.chunks('websocket', 'server');
  assert.equal(frames.length, SERVER_FRAMES.length);
  assert.deepEqual(sink.stream('websocket', 'server', responseHeadLength), SERVER_FRAMES);
  assert.equal(frames[0].packet, request.length + responseHeadLength + 1);
});

test('a long head arriving one byte per chunk is still found (scanning resumes, nothing is lost)', () => {
  const filler = Array.from({ length: 400 }, (_, i) => `X-Filler-${i}: ${'v'.repeat(100)}\r\n`).join('');
  const head = Buffer.from(`GET / HTTP/1.1\r\nHost: a\r\n${filler}\r\n`, 'latin1');
  assert.ok(head.length > 40_000 && head.length < 64 * 1024);
  const streams = new Streams();
  const sink = new Recorder();
  const tracker = new HttpUpgradeTracker(sink);
  for (let i = 0; i < head.length; i++) tracker.push(streams.chunk('client', head.subarray(i, i + 1)));
  assert.deepEqual(sink.trace(), ['request GET /']);
  const headers = sink.requests()[0].headers;
  assert.equal(headers.length, 401);
  assert.deepEqual(headers[400], ['X-Filler-399', 'v'.repeat(100)]);
});

test('a chunked body with extensions, bare LFs and trailers, split at every byte boundary, ends where it should', () => {
  const message = Buffer.from(
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n' +
      '4;a=b;c="x;y"\r\nWiki\r\n5\npedia\n0000E \r\n in\r\n\r\nchunks.\r\n0\r\nExpires: never\r\nX-Other: 1\r\n\r\n' +
      'HTTP/1.1 204 No Content\r\n\r\n',
    'latin1',
  );
  for (let split = 1; split < message.length; split++) {
    const streams = new Streams();
    const sink = new Recorder();
    const tracker = new HttpUpgradeTracker(sink);
    tracker.push(streams.chunk('server', message.subarray(0, split)));
    tracker.push(streams.chunk('server', message.subarray(split)));
    tracker.end();
    assert.deepEqual(sink.trace(), ['response 200', 'response 204'], `split at ${split}`);
  }
});
