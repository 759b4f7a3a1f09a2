/**
 * The crafted captures of fixtures/violations (made by its make.py): each must produce exactly the findings
 * it was made for, each as often as it occurs in the capture, and nothing else.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { analyzeCaptures, type ConnectionModel } from '../../src/analysis/index.js';
import type { FindingCode } from '../../src/findings/index.js';

/** Every finding the capture must produce, one entry per occurrence. */
const EXPECTED: Record<string, FindingCode[]> = {
  // Frames (RFC 6455 §5, §7; RFC 7692 §6.1)
  'client-frame-unmasked': ['client-frame-unmasked'],
  'server-frame-masked': ['server-frame-masked'],
  'reserved-bits-set': ['reserved-bits-set', 'reserved-bits-set'],
  'rsv1-misplaced': ['rsv1-misplaced', 'rsv1-misplaced'],
  'reserved-opcode': ['reserved-opcode', 'reserved-opcode'],
  'control-frame-too-long': ['control-frame-too-long', 'control-frame-too-long'],
  'control-frame-fragmented': ['control-frame-fragmented'],
  'continuation-without-message': ['continuation-without-message'],
  'message-interrupted': ['message-interrupted'],
  'length-not-minimal': ['length-not-minimal', 'length-not-minimal'],
  // The frame's declared length never arrives, so the stream ends inside it, Close frames and all: TCP ends
  // with no Close decoded (an abnormal closure).
  'length-top-bit-set': ['frame-incomplete', 'length-top-bit-set', 'abnormal-closure'],
  'close-payload-one-byte': ['close-payload-one-byte'],
  'close-code-invalid': ['close-code-invalid', 'close-code-invalid'],
  'close-reason-invalid-utf8': ['close-reason-invalid-utf8'],
  'text-invalid-utf8': ['text-invalid-utf8', 'text-invalid-utf8'],
  'data-after-close': ['data-after-close'],
  'pong-unsolicited': ['pong-unsolicited'],
  'inflate-failed': ['inflate-failed'],
  'inflate-bomb': [],
  // The opening handshake (RFC 6455 §4)
  'frame-before-upgrade': ['frame-before-upgrade'],
  'upgrade-method-not-get': ['upgrade-method-not-get'],
  'http-version-too-old': ['http-version-too-old'],
  'key-missing': ['key-missing'],
  'key-repeated': ['key-repeated'],
  'key-malformed': ['key-malformed'],
  'version-not-13': ['version-not-13'],
  'upgrade-token-missing': ['upgrade-token-missing'],
  'connection-token-missing': ['connection-token-missing', 'connection-token-missing'],
  'subprotocol-not-offered': ['subprotocol-not-offered'],
  'extension-not-offered': ['extension-not-offered'],
  'deflate-negotiation-invalid': ['deflate-negotiation-invalid'],
  'accept-mismatch': ['accept-mismatch'],
  'accept-missing': ['accept-missing'],
  'no-upgrade-response': ['no-upgrade-response'],
  // Outcomes
  'refused-426-versions': ['upgrade-refused'],
  'refused-302-redirect': ['upgrade-refused'],
  'refused-401-then-upgraded': ['upgrade-refused'],
  'keepalive-then-upgrade': [],
};

const DIR = 'fixtures/violations';

async function connection(name: string, maxMessageBytes?: number): Promise<ConnectionModel> {
  const { model } = await analyzeCaptures([`${DIR}/${name}.pcap`], { retainBytes: 64, maxMessageBytes });
  assert.equal(model.connections.length, 1);
  assert.deepEqual(model.findings, []);
  return model.connections[0];
}

describe('fixtures/violations: exactly the findings each capture was made for', () => {
  it('every capture is listed', () => {
    const captures = readdirSync(DIR).filter((f) => f.endsWith('.pcap')).map((f) => f.replace(/\.pcap$/, ''));
    assert.deepEqual(captures.sort(), Object.keys(EXPECTED).sort());
  });

  for (const [name, codes] of Object.entries(EXPECTED)) {
    it(name, async () => {
      const found = (await connection(name)).findings.map((f) => f.code);
      assert.deepEqual(found.sort(), [...codes].sort());
    });
  }
});

describe('fixtures/violations: where findings point and what is still decoded', () => {
  it('frame findings name the frame, its packet and time', async () => {
    const c = await connection('close-code-invalid');
    const found = c.findings.map((f) => ({ frame: f.frame, packet: f.packet, ts: f.ts, message: f.message }));
    const [client, server] = [c.frames[2], c.frames[3]];
    assert.deepEqual(found, [
      { frame: 2, packet: client.packet, ts: client.ts, message: 'Close code 1005 only reports a closure locally and must never be sent.' },
      { frame: 3, packet: server.packet, ts: server.ts, message: 'Close code 1016 is not assigned in the IANA registry.' },
    ]);
  });

  it('a 101 with a wrong Accept is flagged, and its frames are still decoded', async () => {
    const c = await connection('accept-mismatch');
    assert.equal(c.handshake?.acceptValid, false);
    assert.deepEqual(c.messages.map((m) => [m.direction, m.data.toString()]), [['client', 'hello'], ['server', 'hello']]);
    assert.equal(c.frames.length, 4);
  });

  it('a frame sent before the 101 is decoded with its own time, before the response', async () => {
    const c = await connection('frame-before-upgrade');
    assert.ok(c.frames[0].ts < c.handshake!.response!.ts);
    assert.equal(c.messages[0].data.toString(), 'too eager');
    assert.equal(c.findings[0].frame, 0);
  });

  it('a retry after a 401 on the same connection is the handshake that counts', async () => {
    const c = await connection('refused-401-then-upgraded');
    assert.equal(c.handshake?.response?.status, 101);
    assert.deepEqual(c.handshake?.request.headers.find(([n]) => n === 'Authorization'), ['Authorization', 'Basic dXNlcjpwYXNz']);
    assert.deepEqual(c.messages.map((m) => m.data.toString()), ['authorized', 'authorized']);
  });

  it('plain requests on the keep-alive connection before the upgrade are passed over', async () => {
    const c = await connection('keepalive-then-upgrade');
    assert.equal(c.handshake?.request.target, '/chat');
    assert.equal(c.handshake?.acceptValid, true);
    assert.equal(c.messages.length, 2);
  });

  it('refusals say what the server asked for', async () => {
    const message = async (name: string) => (await connection(name)).findings[0].message;
    assert.equal(await message('refused-426-versions'), 'The server answered the upgrade with 426 Upgrade Required; it supports Sec-WebSocket-Version 13, 8.');
    assert.equal(await message('refused-302-redirect'), 'The server answered the upgrade with 302 Found; it redirects to ws://127.0.0.2/v2/chat.');
  });

  it('a decompression bomb stops at the message limit, with a finding at its frame', async () => {
    const c = await connection('inflate-bomb', 1024 * 1024);
    assert.deepEqual(c.findings.map((f) => [f.code, f.frame]), [['inflate-limit-reached', 1]]);
    assert.equal(c.messages[1].length, 1024 * 1024);
    assert.equal(c.messages[1].truncated, true);
    // With the default limit the whole 2 MiB comes out.
    assert.equal((await connection('inflate-bomb')).messages[1].length, 2 * 1024 * 1024);
  });

  it('an invalid DEFLATE stream keeps the compressed bytes', async () => {
    const c = await connection('inflate-failed');
    assert.deepEqual([...c.messages[0].data], [0xff, 0xff, 0xff, 0xff]);
    assert.equal(c.messages[0].compressed, true);
  });
});
