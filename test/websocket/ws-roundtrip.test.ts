import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer, type PerMessageDeflateOptions } from 'ws';
import type { Direction } from '../../src/tcp/types.js';
import {
  FrameParser,
  MessageAssembler,
  negotiateDeflate,
  parseExtensionHeader,
  type DeflateParams,
  type Message,
} from '../../src/websocket/index.js';

/** The bytes each way through a TCP proxy, in the chunks they were read in. */
interface Tap {
  toServer: Buffer[];
  toClient: Buffer[];
}

async function listen(server: net.Server | WebSocketServer): Promise<number> {
  if (server instanceof WebSocketServer) {
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  } else {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  }
  return (server.address() as AddressInfo).port;
}

/** A proxy on 127.0.0.1 that records both directions; `closed` settles when both sockets have closed. */
async function startProxy(targetPort: number): Promise<{ port: number; tap: Tap; closed: Promise<void>; server: net.Server }> {
  const tap: Tap = { toServer: [], toClient: [] };
  let markClosed!: () => void;
  const closed = new Promise<void>((resolve) => (markClosed = resolve));
  const server = net.createServer((inbound) => {
    const outbound = net.connect(targetPort, '127.0.0.1');
    inbound.on('data', (d: Buffer) => {
      tap.toServer.push(Buffer.from(d));
      outbound.write(d);
    });
    outbound.on('data', (d: Buffer) => {
      tap.toClient.push(Buffer.from(d));
      inbound.write(d);
    });
    inbound.on('end', () => outbound.end());
    outbound.on('end', () => inbound.end());
    let open = 2;
    const onClose = (): void => {
      if (--open === 0) markClosed();
    };
    inbound.on('close', onClose);
    outbound.on('close', onClose);
    inbound.on('error', () => outbound.destroy());
    outbound.on('error', () => inbound.destroy());
  });
  return { port: await listen(server), tap, closed, server };
}

/** Splits a direction's recorded chunks into the HTTP head and the WebSocket bytes after it. */
function splitHead(chunks: Buffer[]): { headers: [string, string][]; chunks: Buffer[] } {
  const all = Buffer.concat(chunks);
  const end = all.indexOf('\r\n\r\n');
  assert.ok(end > 0, 'no HTTP head');
  const headers = all
    .subarray(0, end)
    .toString('latin1')
    .split('\r\n')
    .slice(1)
    .map((line): [string, string] => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
    });
  // Keep the original chunking after the head so frames cross chunk boundaries as they did on the wire.
  const rest: Buffer[] = [];
  let offset = 0;
  for (const chunk of chunks) {
    const start = Math.max(0, end + 4 - offset);
    if (start < chunk.length) rest.push(chunk.subarray(start));
    offset += chunk.length;
  }
  return { headers, chunks: rest };
}

function decode(direction: Direction, chunks: Buffer[], deflate: DeflateParams | null): { messages: Message[]; problems: string[] } {
  const messages: Message[] = [];
  const problems: string[] = [];
  const assembler = new MessageAssembler(direction, {
    deflate,
    onMessage: (m) => messages.push(m),
    onProblem: (code, message) => problems.push(`${code}: ${message}`),
  });
  const parser = new FrameParser(direction, (frame) => assembler.push(frame));
  let offset = 0;
  chunks.forEach((chunk, i) => {
    parser.push(chunk, offset, i, i + 1);
    offset += chunk.length;
  });
  assembler.finish();
  assert.equal(parser.pendingBytes, 0);
  return { messages, problems };
}

interface Sent {
  data: Buffer;
  binary: boolean;
  compress: boolean;
}

/** What the client application sends; fragments (`fin: false`) make one message with the sends after them. */
const CLIENT_SENDS: { data: string | Buffer; fin?: boolean; compress?: boolean }[] = [
  { data: 'hello' },
  { data: Buffer.from(Array.from({ length: 256 }, (_, i) => i)), compress: false },
  { data: 'frag-1 ', fin: false },
  { data: 'frag-2 ', fin: false },
  { data: 'frag-3' },
  { data: Buffer.from('binary part one|'), fin: false, compress: false },
  { data: Buffer.from('binary part two'), compress: false },
  { data: 'a long repetitive line of text; '.repeat(6000) },
  { data: '€𝄞 κόσμε' },
  { data: '' },
];

function clientMessages(): Sent[] {
  const messages: Sent[] = [];
  let pending: Sent | null = null;
  for (const send of CLIENT_SENDS) {
    const data = typeof send.data === 'string' ? Buffer.from(send.data) : send.data;
    // ws decides compression on a message's first fragment.
    pending ??= { data: Buffer.alloc(0), binary: typeof send.data !== 'string', compress: send.compress ?? true };
    pending.data = Buffer.concat([pending.data, data]);
    if (send.fin !== false) {
      messages.push(pending);
      pending = null;
    }
  }
  return messages;
}

async function roundTrip(serverDeflate: PerMessageDeflateOptions | false, clientDeflate: PerMessageDeflateOptions | false) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: serverDeflate });
  const serverPort = await listen(wss);
  const proxy = await startProxy(serverPort);
  const echoed: Sent[] = [];
  wss.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => {
      // Echo, compressing every other message so both kinds go server -> client too.
      const sent: Sent = { data: data as Buffer, binary: isBinary, compress: echoed.length % 2 === 0 };
      echoed.push(sent);
      socket.send(data, { binary: isBinary, compress: sent.compress });
    });
  });
  const client = new WebSocket(`ws://127.0.0.1:${proxy.port}/echo`, { perMessageDeflate: clientDeflate });
  const expectedCount = clientMessages().length;
  await new Promise<void>((resolve, reject) => {
    let received = 0;
    client.on('error', reject);
    client.on('message', () => {
      if (++received === expectedCount) resolve();
    });
    client.on('open', () => {
      for (const send of CLIENT_SENDS) client.send(send.data, { fin: send.fin ?? true, compress: send.compress ?? true });
    });
  });
  client.close(1000, 'done');
  await proxy.closed;
  proxy.server.close();
  await new Promise<void>((resolve) => wss.close(() => resolve()));

  const request = splitHead(proxy.tap.toServer);
  const response = splitHead(proxy.tap.toClient);
  const extensions = (headers: [string, string][]) => headers.filter(([name]) => name === 'sec-websocket-extensions').map(([, v]) => v);
  const deflate = negotiateDeflate(parseExtensionHeader(extensions(request.headers)), parseExtensionHeader(extensions(response.headers)));
  return {
    deflate,
    fromClient: decode('client', request.chunks, deflate),
    fromServer: decode('server', response.chunks, deflate),
    echoed,
  };
}

function assertMessages(actual: Message[], expected: Sent[], compression: boolean): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((message, i) => {
    assert.deepEqual(message.data, expected[i].data, `message ${i}`);
    assert.equal(message.opcode, expected[i].binary ? 2 : 1, `message ${i} opcode`);
    assert.equal(message.compressed, compression && expected[i].compress, `message ${i} compressed`);
    assert.equal(message.truncated, false);
  });
}

describe('decoding a real ws conversation tapped through a proxy', () => {
  it('permessage-deflate with context takeover and 15-bit windows', async () => {
    const { deflate, fromClient, fromServer, echoed } = await roundTrip({ threshold: 0 }, { threshold: 0 });
    assert.deepEqual(deflate, {
      extension: 'permessage-deflate',
      perFrame: false,
      serverNoContextTakeover: false,
      clientNoContextTakeover: false,
      serverMaxWindowBits: 15,
      clientMaxWindowBits: 15,
      problems: [],
    });
    assert.deepEqual(fromClient.problems, []);
    assert.deepEqual(fromServer.problems, []);
    assertMessages(fromClient.messages, clientMessages(), true);
    assertMessages(fromServer.messages, echoed, true);
    // The client's fragments stayed fragments: 3 frames make the third message.
    assert.equal(fromClient.messages[2].frames.length, 3);
    assert.ok(fromClient.messages.every((m) => m.frames.every((f) => f.masked)));
    assert.ok(fromClient.messages[4].wireLength < fromClient.messages[4].data.length / 10);
  });

  it('permessage-deflate without context takeover and with small windows', async () => {
    const options: PerMessageDeflateOptions = {
      threshold: 0,
      serverNoContextTakeover: true,
      clientNoContextTakeover: true,
      serverMaxWindowBits: 10,
      clientMaxWindowBits: 9,
    };
    const { deflate, fromClient, fromServer, echoed } = await roundTrip(options, options);
    assert.deepEqual(deflate, {
      extension: 'permessage-deflate',
      perFrame: false,
      serverNoContextTakeover: true,
      clientNoContextTakeover: true,
      serverMaxWindowBits: 10,
      clientMaxWindowBits: 9,
      problems: [],
    });
    assert.deepEqual([...fromClient.problems, ...fromServer.problems], []);
    assertMessages(fromClient.messages, clientMessages(), true);
    assertMessages(fromServer.messages, echoed, true);
  });

  it('no compression negotiated', async () => {
    const { deflate, fromClient, fromServer, echoed } = await roundTrip(false, false);
    assert.equal(deflate, null);
    assert.deepEqual([...fromClient.problems, ...fromServer.problems], []);
    assertMessages(fromClient.messages, clientMessages(), false);
    assertMessages(fromServer.messages, echoed, false);
  });
});
