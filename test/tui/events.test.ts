import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventCategory, eventLook, eventPreview, FindingIndex, worstSeverity } from '../../src/tui/events.js';
import { finding } from '../../src/findings/index.js';
import { connection, event, frame, message } from './helpers.js';

const conn = connection({
  frames: [
    frame(0, { payload: Buffer.from('hi\u001b[2J') }),
    frame(1, { opcode: 2, opcodeName: 'binary', fin: false, payload: Buffer.from([1, 2, 3]) }),
    frame(2, { opcode: 0, opcodeName: 'continuation' }),
    frame(3, { opcode: 10, opcodeName: 'pong', payload: Buffer.from('p') }),
    frame(4, { opcode: 8, opcodeName: 'close', close: { code: 1001, reason: 'bye\u202e' } }),
  ],
  messages: [message(0, { opcode: 2, data: Buffer.from([0xff, 0x00]) })],
});

test('kind labels and colours by family', () => {
  const look = (e: Parameters<typeof eventLook>[1]) => eventLook(conn, e);
  assert.deepEqual(look(event('ws-frame', 0, { frame: 0 })), { label: 'text', color: 'green' });
  assert.deepEqual(look(event('ws-frame', 0, { frame: 1 })), { label: 'binary…', color: 'blueBright' });
  assert.deepEqual(look(event('ws-frame', 0, { frame: 2 })), { label: 'cont', color: 'white' });
  assert.deepEqual(look(event('ws-message', 0, { message: 0 })), { label: 'binary msg', color: 'blueBright' });
  assert.deepEqual(look(event('pong', 0, { frame: 3 })), { label: 'pong', color: 'cyan' });
  assert.deepEqual(look(event('ws-close', 0, { frame: 4 })), { label: 'close', color: 'red' });
  assert.deepEqual(look(event('keepalive', 0)), { label: 'keepalive', color: 'yellow' });
  assert.deepEqual(look(event('tcp-syn-ack', 0)), { label: 'SYN-ACK', color: 'gray' });
  assert.deepEqual(look(event('tcp-rst', 0)), { label: 'RST', color: 'red' });
});

test('categories for the filter', () => {
  assert.equal(eventCategory(conn, event('ws-frame', 0, { frame: 0 })), 'data');
  assert.equal(eventCategory(conn, event('ws-frame', 0, { frame: 3 })), 'control', 'a ws-frame carrying a control opcode');
  assert.equal(eventCategory(conn, event('http-response', 0)), 'control');
  assert.equal(eventCategory(conn, event('dup-ack', 0)), 'tcp');
  assert.equal(eventCategory(conn, event('idle', 0)), 'tcp');
});

test('previews are terminal-safe: payload escapes, close reason, pong round trip', () => {
  assert.equal(eventPreview(conn, event('ws-frame', 0, { frame: 0 }), 40), 'hi\\x1b[2J');
  assert.equal(eventPreview(conn, event('ws-message', 0, { message: 0 }), 40), 'ff 00');
  assert.equal(eventPreview(conn, event('ws-close', 0, { frame: 4, code: 1001, reason: 'bye\u202e' }), 60), '1001 going away "bye\\u202e"');
  assert.equal(eventPreview(conn, event('ws-close', 0, { frame: 4, code: null, reason: '' }), 60), 'no code');
  assert.equal(eventPreview(conn, event('pong', 0, { frame: 3, rttMs: 12.345 }), 40), 'rtt 12.3 ms  p');
  assert.equal(eventPreview(conn, event('http-request', 0, { method: 'GET', target: '/\u001b]0;x\u0007' }), 40), 'GET /\\x1b]0;x\\x07');
  assert.equal(eventPreview(conn, event('gap', 0, { bytesMissing: 1200 }), 40), '1200 bytes never captured');
});

test('findings attach to their frame, or else to their packet; the worst severity wins', () => {
  const index = new FindingIndex([
    finding('text-invalid-utf8', 'x', { frame: 0, packet: 10 }),
    finding('websocket-gap', 'y', { packet: 12 }),
    finding('no-upgrade-response', 'z'),
  ]);
  assert.deepEqual(index.forEvent(event('ws-frame', 0, { frame: 0, packet: 10 })).map((f) => f.code), ['text-invalid-utf8']);
  assert.deepEqual(index.forEvent(event('ws-message', 0, { message: 0, packet: 12 })).map((f) => f.code), ['websocket-gap']);
  assert.deepEqual(index.forEvent(event('tcp-fin', 0, { packet: 13 })), []);
  assert.equal(worstSeverity([finding('websocket-gap', 'y'), finding('text-invalid-utf8', 'x')]), 'error');
  assert.equal(worstSeverity([]), null);
});
