/** The opening-handshake rules of src/analysis/handshake-checks.ts and the handshake they pick (handshake.ts). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { refusalFinding, requestFindings, switchResponseFindings } from '../../src/analysis/handshake-checks.js';
import { applyResponse, handshakeFromRequest, isHandshakeAttempt } from '../../src/analysis/handshake.js';
import type { HeaderField, HttpRequestHead, HttpResponseHead } from '../../src/http/index.js';

/** RFC 6455 §1.3's example handshake. */
const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const ACCEPT = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=';

const REQUEST_HEADERS: HeaderField[] = [
  ['Host', 'server.example.com'],
  ['Upgrade', 'websocket'],
  ['Connection', 'Upgrade'],
  ['Sec-WebSocket-Key', KEY],
  ['Sec-WebSocket-Version', '13'],
];
const RESPONSE_HEADERS: HeaderField[] = [
  ['Upgrade', 'websocket'],
  ['Connection', 'Upgrade'],
  ['Sec-WebSocket-Accept', ACCEPT],
];

function request(fields: Partial<HttpRequestHead> = {}): HttpRequestHead {
  return { ts: 10, packet: 4, method: 'GET', target: '/chat', version: 'HTTP/1.1', headers: REQUEST_HEADERS, ...fields };
}

function response(fields: Partial<HttpResponseHead> = {}): HttpResponseHead {
  return { ts: 11, packet: 6, version: 'HTTP/1.1', status: 101, reason: 'Switching Protocols', headers: RESPONSE_HEADERS, ...fields };
}

const without = (headers: HeaderField[], name: string) => headers.filter(([n]) => n.toLowerCase() !== name.toLowerCase());
const replaced = (headers: HeaderField[], name: string, value: string) => headers.map(([n, v]): HeaderField => [n, n === name ? value : v]);
const codes = (findings: { code: string }[]) => findings.map((f) => f.code);

describe('requestFindings (RFC 6455 §4.1)', () => {
  it('the RFC example request is clean', () => {
    assert.deepEqual(requestFindings(request()), []);
  });

  it('method, HTTP version and Connection token', () => {
    const found = requestFindings(request({ method: 'POST' }));
    assert.deepEqual(found, [
      { code: 'upgrade-method-not-get', severity: 'error', message: "The upgrade request's method is POST, not GET.", ts: 10, packet: 4 },
    ]);
    assert.deepEqual(codes(requestFindings(request({ version: 'HTTP/1.0' }))), ['http-version-too-old']);
    assert.deepEqual(codes(requestFindings(request({ version: 'HTTP/1.2' }))), []);
    assert.deepEqual(codes(requestFindings(request({ headers: without(REQUEST_HEADERS, 'Connection') }))), ['connection-token-missing']);
    // The token may sit in a list, in any case.
    assert.deepEqual(codes(requestFindings(request({ headers: replaced(REQUEST_HEADERS, 'Connection', 'keep-alive, UPGRADE') }))), []);
  });

  it('Sec-WebSocket-Key: present once, 16 bytes in base64', () => {
    assert.deepEqual(codes(requestFindings(request({ headers: without(REQUEST_HEADERS, 'Sec-WebSocket-Key') }))), ['key-missing']);
    const twice: HeaderField[] = [...REQUEST_HEADERS, ['sec-websocket-key', KEY]];
    assert.deepEqual(codes(requestFindings(request({ headers: twice }))), ['key-repeated']);
    for (const bad of ['dGhlIHNhbXBsZSBub25jZQ', 'dGhlIHNhbXBsZSBub25jZR==', 'dGhlIHNhbXBsZSBub25jZXg=', 'not a key', '']) {
      assert.deepEqual(codes(requestFindings(request({ headers: replaced(REQUEST_HEADERS, 'Sec-WebSocket-Key', bad) }))), ['key-malformed'], bad);
    }
    assert.deepEqual(codes(requestFindings(request({ headers: replaced(REQUEST_HEADERS, 'Sec-WebSocket-Key', 'AAAAAAAAAAAAAAAAAAAAAA==') }))), []);
  });

  it('Sec-WebSocket-Version must be exactly 13', () => {
    const version = (value: string) => requestFindings(request({ headers: replaced(REQUEST_HEADERS, 'Sec-WebSocket-Version', value) }));
    assert.deepEqual(version('8').map((f) => [f.code, f.severity, f.message]), [
      ['version-not-13', 'warning', 'The upgrade request has Sec-WebSocket-Version 8; RFC 6455 is version 13.'],
    ]);
    assert.deepEqual(codes(version('13, 8')), ['version-not-13']);
    assert.deepEqual(codes(version(' 13 ')), []);
    assert.equal(requestFindings(request({ headers: without(REQUEST_HEADERS, 'Sec-WebSocket-Version') }))[0].message, 'The upgrade request has no Sec-WebSocket-Version; RFC 6455 is version 13.');
  });
});

describe('switchResponseFindings (RFC 6455 §4.1, §4.2.2)', () => {
  it('the RFC example response is clean', () => {
    assert.deepEqual(switchResponseFindings(request(), response()), []);
  });

  it('Upgrade and Connection tokens', () => {
    assert.deepEqual(codes(switchResponseFindings(request(), response({ headers: without(RESPONSE_HEADERS, 'Upgrade') }))), ['upgrade-token-missing']);
    assert.deepEqual(codes(switchResponseFindings(request(), response({ headers: replaced(RESPONSE_HEADERS, 'Upgrade', 'WebSocket') }))), []);
    assert.deepEqual(codes(switchResponseFindings(request(), response({ headers: without(RESPONSE_HEADERS, 'Connection') }))), ['connection-token-missing']);
  });

  it('a subprotocol the client offered, compared exactly', () => {
    const offered = request({ headers: [...REQUEST_HEADERS, ['Sec-WebSocket-Protocol', 'chat, superchat']] });
    const chosen = (name: string) => response({ headers: [...RESPONSE_HEADERS, ['Sec-WebSocket-Protocol', name]] });
    assert.deepEqual(switchResponseFindings(offered, chosen('superchat')), []);
    assert.deepEqual(switchResponseFindings(offered, chosen('Chat')).map((f) => f.message), [
      'The 101 response selects subprotocol "Chat"; offered: chat, superchat.',
    ]);
    assert.deepEqual(switchResponseFindings(request(), chosen('chat')).map((f) => f.message), [
      'The 101 response selects subprotocol "chat"; none was offered.',
    ]);
  });

  it('extensions the client offered, by name', () => {
    const offered = request({ headers: [...REQUEST_HEADERS, ['Sec-WebSocket-Extensions', 'permessage-deflate; client_max_window_bits']] });
    const accepted = (value: string) => response({ headers: [...RESPONSE_HEADERS, ['Sec-WebSocket-Extensions', value]] });
    assert.deepEqual(switchResponseFindings(offered, accepted('permessage-deflate; server_max_window_bits=10')), []);
    assert.deepEqual(switchResponseFindings(offered, accepted('permessage-deflate, x-custom')).map((f) => [f.code, f.message]), [
      ['extension-not-offered', 'The 101 response accepts extension x-custom, which the client did not offer.'],
    ]);
  });

  it('permessage-deflate parameters follow RFC 7692 §7.1, judged only when the extension was offered', () => {
    const offer = (value: string) => request({ headers: [...REQUEST_HEADERS, ['Sec-WebSocket-Extensions', value]] });
    const accepted = (value: string) => response({ headers: [...RESPONSE_HEADERS, ['Sec-WebSocket-Extensions', value]] });
    assert.deepEqual(switchResponseFindings(offer('permessage-deflate'), accepted('permessage-deflate; server_max_window_bits=16')).map((f) => [f.code, f.message]), [
      ['deflate-negotiation-invalid', "The 101 response's permessage-deflate breaks the negotiation rules: server_max_window_bits=16 is not an integer from 8 to 15."],
    ]);
    assert.deepEqual(codes(switchResponseFindings(offer('permessage-deflate; client_max_window_bits'), accepted('permessage-deflate; client_max_window_bits=10'))), []);
    assert.deepEqual(codes(switchResponseFindings(request(), accepted('permessage-deflate; level=9'))), ['extension-not-offered']);
  });
});

describe('refusals say what the server asks for', () => {
  const refusal = (status: number, reason: string, headers: HeaderField[]) => refusalFinding(response({ status, reason, headers })).message;

  it('426 lists the versions it supports (RFC 6455 §4.4)', () => {
    assert.equal(
      refusal(426, 'Upgrade Required', [['Sec-WebSocket-Version', '13, 8'], ['Sec-WebSocket-Version', '7']]),
      'The server answered the upgrade with 426 Upgrade Required; it supports Sec-WebSocket-Version 13, 8, 7.',
    );
  });

  it('a redirect gives its Location, a 401 its challenge, others only the status', () => {
    assert.equal(refusal(307, 'Temporary Redirect', [['Location', 'wss://example.com/ws']]), 'The server answered the upgrade with 307 Temporary Redirect; it redirects to wss://example.com/ws.');
    assert.equal(refusal(401, 'Unauthorized', [['WWW-Authenticate', 'Bearer']]), 'The server answered the upgrade with 401 Unauthorized; it asks for authentication: Bearer.');
    assert.equal(refusal(403, 'Forbidden', [['Location', '/elsewhere']]), 'The server answered the upgrade with 403 Forbidden.');
  });
});

describe('which request is the handshake', () => {
  const server = { ip: '127.0.0.2', port: 80 };

  it('the first upgrade request, or a retry after a refusal, never a plain request', () => {
    assert.equal(isHandshakeAttempt(null, request({ headers: without(REQUEST_HEADERS, 'Upgrade') })), false);
    assert.equal(isHandshakeAttempt(null, request()), true);
    const first = handshakeFromRequest(request(), server);
    assert.equal(isHandshakeAttempt(first, request()), false, 'unanswered: a second request does not replace it');
    applyResponse(first, response({ status: 401, reason: 'Unauthorized', headers: [] }));
    assert.equal(isHandshakeAttempt(first, request()), true);
    const second = handshakeFromRequest(request(), server);
    applyResponse(second, response());
    assert.equal(isHandshakeAttempt(second, request()), false, 'switched: nothing after it is HTTP');
  });

  it('applyResponse: accept and response rules together', () => {
    const handshake = handshakeFromRequest(request(), server);
    const found = applyResponse(handshake, response({ headers: [['Sec-WebSocket-Accept', 'wrong=']] }));
    assert.deepEqual(codes(found), ['accept-mismatch', 'upgrade-token-missing', 'connection-token-missing']);
    assert.equal(handshake.acceptValid, false);
  });
});
