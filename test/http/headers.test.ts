import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { computeAccept, hasHeaderToken, headerTokens, headerValues, parseRequestHead, parseResponseHead } from '../../src/http/index.js';

test('computeAccept matches the example of RFC 6455 §1.3', () => {
  assert.equal(computeAccept('dGhlIHNhbXBsZSBub25jZQ=='), 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
});

test('headerTokens splits comma lists, lowercases, and joins repeated fields', () => {
  assert.deepEqual(headerTokens([['Connection', 'keep-alive, Upgrade']], 'connection'), ['keep-alive', 'upgrade']);
  const headers: [string, string][] = [
    ['Sec-WebSocket-Protocol', 'chat, , superchat'],
    ['Host', 'a'],
    ['sec-websocket-protocol', ' V2.Chat\t'],
  ];
  assert.deepEqual(headerTokens(headers, 'Sec-WebSocket-Protocol'), ['chat', 'superchat', 'v2.chat']);
  // A comma inside a quoted-string does not split (RFC 9110 §5.6.1, §5.6.4).
  assert.deepEqual(headerTokens([['X', 'a; q="1,2", b; r="x\\"y,z"']], 'x'), ['a; q="1,2"', 'b; r="x\\"y,z"']);
  assert.deepEqual(headerTokens([['X', 'a="unterminated, b']], 'x'), ['a="unterminated, b']);
  assert.deepEqual(headerTokens(headers, 'Upgrade'), []);
});

test('headerValues is case-insensitive and keeps every occurrence in order', () => {
  const headers: [string, string][] = [
    ['Set-Cookie', 'a=1'],
    ['Host', 'h'],
    ['set-cookie', 'b=2'],
  ];
  assert.deepEqual(headerValues(headers, 'SET-COOKIE'), ['a=1', 'b=2']);
  assert.deepEqual(headerValues(headers, 'cookie'), []);
});

test('header names like __proto__ and constructor are plain data', () => {
  const head = Buffer.from('GET / HTTP/1.1\r\n__proto__: {"polluted":1}\r\nconstructor: x\r\nprototype: y\r\n\r\n', 'latin1');
  const parsed = parseRequestHead(head, 1, 2);
  assert.ok('head' in parsed);
  assert.deepEqual(parsed.head.headers, [
    ['__proto__', '{"polluted":1}'],
    ['constructor', 'x'],
    ['prototype', 'y'],
  ]);
  assert.deepEqual(headerValues(parsed.head.headers, '__proto__'), ['{"polluted":1}']);
  assert.deepEqual(headerTokens(parsed.head.headers, 'constructor'), ['x']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.getPrototypeOf(parsed.head.headers), Array.prototype);
});

test('request heads: bare LF, obs-fold, OWS trimmed, latin1 bytes kept', () => {
  const head = Buffer.concat([
    Buffer.from('POST /a%20b HTTP/1.0\nHost:  example\t\nX-Folded: one\r\n  two\r\n\tthree\r\nX-Empty:\r\nX-Bytes: ', 'latin1'),
    Buffer.from([0xc3, 0xa9, 0xff, 0x00, 0x7f]),
    Buffer.from('\r\n\n', 'latin1'),
  ]);
  const parsed = parseRequestHead(head, 5, 6);
  assert.deepEqual(parsed, {
    head: {
      ts: 5,
      packet: 6,
      method: 'POST',
      target: '/a%20b',
      version: 'HTTP/1.0',
      headers: [
        ['Host', 'example'],
        ['X-Folded', 'one two three'],
        ['X-Empty', ''],
        ['X-Bytes', '\u00c3\u00a9\u00ff\u0000\u007f'],
      ],
    },
  });
  if ('head' in parsed) assert.deepEqual(Buffer.from(parsed.head.headers[3][1], 'latin1'), Buffer.from([0xc3, 0xa9, 0xff, 0x00, 0x7f]));
});

test('response heads: reason phrase optional, status as a number', () => {
  assert.deepEqual(parseResponseHead(Buffer.from('HTTP/1.1 101\r\nUpgrade: websocket\r\n\r\n', 'latin1'), 1, 1), {
    head: { ts: 1, packet: 1, version: 'HTTP/1.1', status: 101, reason: '', headers: [['Upgrade', 'websocket']] },
  });
  assert.deepEqual(parseResponseHead(Buffer.from('HTTP/1.0 404 Not\tFound here\r\n\r\n', 'latin1'), 1, 1), {
    head: { ts: 1, packet: 1, version: 'HTTP/1.0', status: 404, reason: 'Not\tFound here', headers: [] },
  });
});

test('malformed heads are refused with a reason', () => {
  const cases: [string, RegExp][] = [
    ['GET / HTTP/1.1\r\nHost example\r\n\r\n', /no colon/],
    ['GET / HTTP/1.1\r\nHost : example\r\n\r\n', /not a token/],
    ['GET / HTTP/1.1\r\n: empty\r\n\r\n', /not a token/],
    ['GET / HTTP/1.1\r\n folded: first\r\n\r\n', /whitespace between the start line/],
    ['GET  / HTTP/1.1\r\n\r\n', /request line/],
    ['GET / HTTP/1.1 \r\n\r\n', /request line/],
    ['GET / HTTP/2.0\r\n\r\n', /request line/],
    ['GET /\r\n\r\n', /request line/],
  ];
  for (const [text, reason] of cases) {
    const parsed = parseRequestHead(Buffer.from(text, 'latin1'), 0, 0);
    assert.ok('error' in parsed, text);
    assert.match(parsed.error, reason, text);
  }
  for (const text of ['HTTP/1.1 1010 Huh\r\n\r\n', 'HTTP/1.1 20 OK\r\n\r\n', 'HTTP/1.1  200 OK\r\n\r\n', 'HTTP/1.1 200 O\x01K\r\n\r\n']) {
    const parsed = parseResponseHead(Buffer.from(text, 'latin1'), 0, 0);
    assert.ok('error' in parsed, text);
    assert.match(parsed.error, /status line/, text);
  }
});

test('hasHeaderToken agrees with headerTokens(...).includes on any list', () => {
  const element = fc.constantFrom('Upgrade', 'upgrade', 'UPGRADE', 'keep-alive', ' websocket ', '"up,grade"', 'x="a\\"b,upgrade"', '', ' ', '\tUpgrade\t', 'upgrades');
  const field = fc.tuple(fc.constantFrom('Connection', 'connection', 'Upgrade', 'Host'), fc.array(element, { maxLength: 5 }).map((parts) => parts.join(',')));
  fc.assert(
    fc.property(fc.array(field, { maxLength: 5 }), fc.constantFrom('connection', 'upgrade'), fc.constantFrom('upgrade', 'websocket'), (headers, name, token) => {
      assert.equal(hasHeaderToken(headers, name, token), headerTokens(headers, name).includes(token));
    }),
    { numRuns: 2000 },
  );
});
