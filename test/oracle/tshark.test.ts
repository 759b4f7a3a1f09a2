// Checks the tshark oracle against the captures of real stacks in fixtures/ (recorded by
// fixtures/record/record-browser-python.sh): if these pass, comparisons of wsdissect against the oracle
// can be trusted. Every expectation below was read off the committed captures.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { type OracleFrame, tsharkAvailable, tsharkWebSocketFrames } from './tshark.js';

const skip = tsharkAvailable() ? false : 'tshark is not installed (apt-get install tshark): oracle checks skipped';
const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));

const OP = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;
const closePayload = (code: number, reason: string): Buffer => {
  const body = Buffer.alloc(2 + Buffer.byteLength(reason));
  body.writeUInt16BE(code, 0);
  body.write(reason, 2);
  return body;
};
const bytes = (length: number, at: (i: number) => number): Buffer =>
  Buffer.from(Array.from({ length }, (_, i) => at(i)));
const opcodes = (frames: OracleFrame[]): number[] => frames.map((f) => f.opcode);
const fromServer = (port: number) => (f: OracleFrame) => f.srcPort === port;

/** Nothing in these captures is cut short, so every payload tshark gives must be whole. */
function assertWholePayloads(frames: OracleFrame[]): void {
  for (const f of frames) assert.equal(f.payload.length, f.payloadLength, `packet ${f.packet}`);
}

/** RFC 6455 §5.1: clients mask every frame, servers none. */
function assertMasking(frames: OracleFrame[], serverPort: number): void {
  for (const f of frames) assert.equal(f.masked, f.srcPort !== serverPort, `packet ${f.packet}`);
}

describe('tshark oracle', () => {
  test('chromium-echo-deflate.pcapng: Chromium deflates every data message, the server large ones', { skip }, async () => {
    const frames = await tsharkWebSocketFrames(fixture('chromium-echo-deflate.pcapng'));
    assert.equal(frames.length, 16);
    assert.deepEqual(new Set(frames.map((f) => f.tcpStream)), new Set([2]));
    assert.deepEqual(opcodes(frames), [9, 10, 1, 1, 1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 8, 8]);
    assert.deepEqual(
      frames.map((f) => f.rsv),
      [0, 0, 4, 0, 4, 4, 4, 0, 4, 0, 4, 4, 4, 0, 0, 0],
    );
    assertMasking(frames, 19001);
    assertWholePayloads(frames);

    const [ping, pong] = frames;
    assert.deepEqual([ping.packet, ping.srcPort, ping.payload.toString()], [18, 19001, 'server-ping']);
    assert.deepEqual([pong.packet, pong.masked, pong.payload.toString()], [20, true, 'server-ping']);

    // The 3000-byte text travels as 35 and 36 deflated bytes; tshark shows it inflated.
    const [up, down] = frames.slice(4, 6);
    assert.deepEqual([up.packet, up.payloadLength, down.payloadLength], [27, 35, 36]);
    assert.equal(up.text, 'wsdissect '.repeat(300));
    assert.equal(down.text, 'wsdissect '.repeat(300));
    // Chromium deflates even 256 incompressible bytes, to 262; the server echoes them plain.
    assert.deepEqual([frames[6].payloadLength, frames[7].payloadLength], [262, 256]);
    assert.deepEqual(frames[7].payload, bytes(256, (i) => i));
    assert.equal(frames[8].text, 'héllo wörld ✓ 🚀');
    // The empty message: Chromium sends one deflated byte 0x00, the server an empty plain frame.
    assert.deepEqual([frames[12].payload, frames[12].text], [Buffer.from([0]), '']);
    assert.deepEqual([frames[13].payloadLength, frames[13].text], [0, undefined]);

    for (const close of frames.slice(14)) {
      assert.equal(close.closeCode, 1000);
      assert.deepEqual(close.payload, closePayload(1000, 'bye'));
    }
    assert.deepEqual(
      frames.filter((f) => f.opcode !== OP.close).map((f) => f.closeCode),
      Array(14).fill(null),
    );
  });

  test('chromium-echo.pcap: plain frames, 16-bit lengths, the same bytes masked or not', { skip }, async () => {
    const frames = await tsharkWebSocketFrames(fixture('chromium-echo.pcap'));
    assert.equal(frames.length, 16);
    assert.deepEqual(opcodes(frames), [9, 10, 1, 1, 1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 8, 8]);
    assert.ok(frames.every((f) => f.rsv === 0 && f.fin && f.tcpStream === 3));
    assertMasking(frames, 19002);
    assertWholePayloads(frames);
    assert.deepEqual(
      frames.map((f) => f.payloadLength),
      [11, 11, 19, 19, 3000, 3000, 256, 256, 22, 22, 4000, 4000, 0, 0, 5, 5],
    );
    // The masked copy (client) and the plain one (server) must come out as the same bytes.
    assert.deepEqual(frames[6].payload, bytes(256, (i) => i));
    assert.deepEqual(frames[7].payload, bytes(256, (i) => i));
    assert.deepEqual(frames[10].payload, bytes(4000, (i) => i % 16));
    assert.deepEqual(frames[11].payload, bytes(4000, (i) => i % 16));
    assert.deepEqual(
      frames.slice(2, 6).map((f) => f.text?.length),
      [19, 19, 3000, 3000],
    );
    assert.deepEqual([frames[4].packet, frames[5].packet], [33, 34]);
  });

  test('python-websockets-deflate.pcapng: tshark does not inflate a fragmented message', { skip }, async () => {
    const frames = await tsharkWebSocketFrames(fixture('python-websockets-deflate.pcapng'));
    assert.equal(frames.length, 17);
    assert.deepEqual(opcodes(frames), [1, 1, 2, 2, 1, 1, 1, 0, 0, 0, 1, 2, 2, 9, 10, 8, 8]);
    assertMasking(frames, 19011);
    assertWholePayloads(frames);

    const fragments = frames.slice(6, 10);
    assert.deepEqual(
      fragments.map((f) => [f.packet, f.fin, f.rsv, f.payloadLength]),
      [
        [14, false, 4, 13],
        [15, false, 0, 10],
        [16, false, 0, 9],
        [17, true, 0, 1],
      ],
    );
    // tshark 4.0 reassembles the compressed fragments but shows them as text uninflated: left out.
    assert.deepEqual(
      fragments.map((f) => f.text),
      [undefined, undefined, undefined, undefined],
    );
    // The server's echo of it is one compressed frame, which tshark does inflate.
    assert.deepEqual([frames[10].rsv, frames[10].fin, frames[10].text], [4, true, 'frag-1 frag-2 frag-3']);
    assert.equal(frames[4].text, 'python '.repeat(400));
    assert.deepEqual([frames[11].payloadLength, frames[11].rsv], [81, 4]);
    assert.deepEqual(frames[13].payload, Buffer.from('are you there'));
    assert.deepEqual(frames[14].payload, Buffer.from('are you there'));
    assert.deepEqual(
      frames.slice(15).map((f) => [f.closeCode, f.payload.toString('latin1')]),
      [
        [1000, '\x03\xe8done'],
        [1000, '\x03\xe8done'],
      ],
    );
  });

  test('python-websockets.pcapng.gz: 64-bit length over several segments; empty final fragment', { skip }, async () => {
    const frames = await tsharkWebSocketFrames(fixture('python-websockets.pcapng.gz'));
    assert.equal(frames.length, 17);
    assert.ok(frames.every((f) => f.rsv === 0));
    assertMasking(frames, 19012);
    assertWholePayloads(frames);

    const large = frames.filter((f) => f.payloadLength === 66000);
    const expected = Buffer.from('00ff'.repeat(33000), 'hex');
    // A frame spread over several TCP segments is reported at the segment that completes it.
    assert.deepEqual(
      large.map((f) => [f.packet, f.masked, f.opcode]),
      [
        [21, true, OP.binary],
        [24, false, OP.binary],
      ],
    );
    for (const f of large) assert.deepEqual(f.payload, expected);

    // websockets ends a fragmented message with an empty FIN continuation; tshark 4.0 then shows no
    // reassembled text at all.
    const fragments = frames.slice(6, 10);
    assert.deepEqual(
      fragments.map((f) => [f.opcode, f.fin, f.payload.toString()]),
      [
        [OP.text, false, 'frag-1 '],
        [OP.continuation, false, 'frag-2 '],
        [OP.continuation, false, 'frag-3'],
        [OP.continuation, true, ''],
      ],
    );
    assert.ok(fragments.every((f) => f.text === undefined));
    assert.deepEqual([frames[4].payloadLength, frames[4].text], [2800, 'python '.repeat(400)]);
  });

  test('python-aiohttp-heartbeat.pcapng: both ends ping every 0.3 s, every ping answered', { skip }, async () => {
    const frames = await tsharkWebSocketFrames(fixture('python-aiohttp-heartbeat.pcapng'));
    assert.equal(frames.length, 28);
    assertMasking(frames, 19013);
    assertWholePayloads(frames);
    const server = frames.filter(fromServer(19013));
    const client = frames.filter((f) => !fromServer(19013)(f));
    for (const side of [server, client]) {
      assert.equal(side.filter((f) => f.opcode === OP.ping).length, 4);
      assert.equal(side.filter((f) => f.opcode === OP.pong).length, 4);
      assert.deepEqual(
        side.filter((f) => f.opcode === OP.text).map((f) => f.text),
        ['tick 0', 'tick 1', 'tick 2', 'tick 3', 'tick 4'],
      );
    }
    // aiohttp's heartbeat pings carry no payload.
    assert.ok(frames.filter((f) => f.opcode >= OP.ping).every((f) => f.payloadLength === 0));
    assert.deepEqual(
      frames.slice(2, 6).map((f) => [f.packet, f.srcPort === 19013, f.opcode]),
      [
        [11, true, OP.ping],
        [13, false, OP.ping],
        [14, false, OP.pong],
        [15, true, OP.pong],
      ],
    );
    // The client closes with 1000 "bye"; aiohttp's server answers with the bare code.
    assert.deepEqual(
      frames.slice(-2).map((f) => [f.closeCode, f.payload]),
      [
        [1000, closePayload(1000, 'bye')],
        [1000, closePayload(1000, '')],
      ],
    );
  });

  test('nginx-proxy.pcapng: both legs, and several frames in one segment', { skip }, async () => {
    const frames = await tsharkWebSocketFrames(fixture('nginx-proxy.pcapng'));
    assert.equal(frames.length, 24);
    const front = frames.filter((f) => f.tcpStream === 0);
    const back = frames.filter((f) => f.tcpStream === 1);
    assert.deepEqual([front.length, back.length], [12, 12]);
    assertMasking(front, 19021);
    assertMasking(back, 19022);
    assertWholePayloads(frames);
    // nginx forwards frames unchanged apart from the masking key.
    const content = (f: OracleFrame) => [f.opcode, f.fin, f.payload.toString('hex'), f.closeCode];
    assert.deepEqual(front.map(content), back.map(content));

    // The backend corked three frames into one segment; nginx forwarded them in one segment too.
    for (const [packet, port] of [
      [25, 19022],
      [26, 19021],
    ]) {
      const shared = frames.filter((f) => f.packet === packet);
      assert.deepEqual(
        shared.map((f) => [f.srcPort, f.text]),
        [
          [port, 'burst 1'],
          [port, 'burst 2'],
          [port, 'burst 3'],
        ],
      );
    }
    assert.deepEqual(opcodes(front), [1, 1, 2, 2, 1, 1, 1, 1, 9, 10, 8, 8]);
  });

  test('decodeAs reaches tshark: decoding the backend port as plain data hides that leg', { skip }, async () => {
    const frames = await tsharkWebSocketFrames(fixture('nginx-proxy.pcapng'), { decodeAs: ['tcp.port==19022,data'] });
    assert.equal(frames.length, 12);
    assert.ok(frames.every((f) => f.tcpStream === 0));
  });

  test('tshark errors surface with its own message', { skip }, async () => {
    await assert.rejects(
      tsharkWebSocketFrames(fixture('nginx-proxy.pcapng'), { decodeAs: ['tcp.port==19022,nosuchproto'] }),
      /Unknown protocol -- "nosuchproto"/,
    );
    await assert.rejects(tsharkWebSocketFrames(fixture('no-such-capture.pcap')), /doesn't exist/);
  });
});
