#!/usr/bin/env node
// Streams a large, deterministic synthetic WebSocket capture for the benchmark (classic pcap, Ethernet/IPv4/TCP).
//
//   node bench/generate.mjs --out FILE [--size 200MB] [--seed 1] [--connections 2000] [--concurrent 8]
//
// Several connections are open at once and their packets interleave. Each connection: TCP three-way handshake,
// HTTP/1.1 upgrade with a real Sec-WebSocket-Key / Sec-WebSocket-Accept pair (some negotiating
// permessage-deflate without context takeover), messages of 2 B to 64 KB (log-uniform sizes, some fragmented,
// client frames masked, some compressed), pings answered by pongs, a few Linux-style keepalive probes after
// idle periods, a close handshake (1000 both ways) and FIN/ACK both ways. Connections are opened until the file
// reaches --size; --connections only sets how many messages each carries, so that about that many fit.
// Prints a JSON summary (connections, packets, frames, messages, bytes, ...) to stderr.
import { parseArgs } from 'node:util';
import { createRandom } from './lib/random.mjs';
import { PcapWriter, endpoint, TCP_ACK, TCP_FIN, TCP_PSH, TCP_SYN } from './lib/pcap-writer.mjs';
import {
  OPCODE_BINARY,
  OPCODE_CLOSE,
  OPCODE_CONTINUATION,
  OPCODE_PING,
  OPCODE_PONG,
  OPCODE_TEXT,
  compressMessage,
  frameHeaderLength,
  handshake,
  writeFrame,
} from './lib/websocket.mjs';

const MSS = 1448; // Linux's usual segment payload on Ethernet with TCP timestamps
const MIN_MESSAGE = 2;
const MAX_MESSAGE = 64 * 1024;
// Like ws's `threshold`: on permessage-deflate connections, smaller messages are sent uncompressed.
const COMPRESS_THRESHOLD = 1024;
const POOL_BYTES = 1 << 20;
// Average capture bytes one message costs (payload, frame headers, TCP/IP headers, ACKs), measured on the
// default mix; it turns --size and --connections into a message count per connection.
const WIRE_BYTES_PER_MESSAGE = 5700;
const START_TIME_US = 1_700_000_000_000_000;
const CLOSE_NORMAL = Buffer.from([0x03, 0xe8]); // RFC 6455 §7.4.1: 1000, normal closure

const SERVER_MAC = Buffer.from([0x02, 0x00, 0x00, 0x00, 0x00, 0x01]);
const SERVER_IP = 0x0a000001; // 10.0.0.1
const CLIENT_NET = 0x0a010000; // clients are 10.1.0.0 + connection number

function parseSize(text) {
  const match = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|KIB|MIB|GIB)?$/i.exec(text);
  if (!match) throw new Error(`--size: expected a size like 200MB or 2GB, got ${JSON.stringify(text)}`);
  const unit = (match[2] ?? 'B').toUpperCase();
  const scale = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, KIB: 1024, MIB: 1024 ** 2, GIB: 1024 ** 3 }[unit];
  return Math.round(Number(match[1]) * scale);
}

function positiveInteger(name, text) {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name}: expected a positive integer, got ${text}`);
  return value;
}

/** ASCII JSON-ish lines with a few two- and three-byte UTF-8 characters, so text messages exercise UTF-8. */
function textPool(rng) {
  const types = ['quote', 'trade', 'heartbeat', 'order', 'chat', 'presence'];
  const notes = ['ok', 'café', 'price in €', 'naïve retry', 'filled', 'partial'];
  const parts = [];
  let length = 0;
  for (let seq = 0; length < POOL_BYTES; seq++) {
    const line =
      `{"seq":${seq},"type":"${types[rng.int(types.length)]}","symbol":"S${rng.int(500)}",` +
      `"bid":${(rng.int(100000) / 100).toFixed(2)},"qty":${rng.int(10000)},"note":"${notes[rng.int(notes.length)]}"}\n`;
    parts.push(line);
    length += Buffer.byteLength(line);
  }
  return Buffer.from(parts.join(''), 'utf8');
}

/** Binary records: half small counters (compressible), half random words (not). */
function binaryPool(rng) {
  const pool = Buffer.allocUnsafe(POOL_BYTES);
  for (let i = 0; i < POOL_BYTES; i += 4) pool.writeUInt32LE(i & 4 ? rng.u32() : (i >>> 3) & 0xffff, i);
  return pool;
}

const isContinuationByte = (byte) => (byte & 0xc0) === 0x80;

const Phase = {
  SYN: 0,
  SYN_ACK: 1,
  HANDSHAKE_ACK: 2,
  REQUEST: 3,
  RESPONSE: 4,
  MESSAGES: 5,
  PONG: 6,
  KEEPALIVE_PROBE: 7,
  KEEPALIVE_ACK: 8,
  CLOSE_ECHO: 9,
  SERVER_FIN: 10,
  CLIENT_FIN: 11,
  LAST_ACK: 12,
  DONE: 13,
};

/**
 * One TCP connection carrying one WebSocket session, driven one packet per step(). A "write" is what one side
 * hands its socket at once (an HTTP head, or all frames of one message); it leaves as segments of at most MSS
 * bytes, and the receiver ACKs every second segment and the last one.
 */
class Connection {
  constructor(number, ctx, scratch) {
    const { rng } = ctx;
    this.ctx = ctx;
    this.rng = rng;
    this.scratch = scratch;
    const clientMac = Buffer.from([0x02, 0x00, 0x0a, number >>> 16, (number >>> 8) & 0xff, number & 0xff]);
    const serverPort = number % 2 === 0 ? 80 : 8080;
    this.client = endpoint(clientMac, (CLIENT_NET + number) >>> 0, 32768 + rng.int(28232));
    this.server = endpoint(SERVER_MAC, SERVER_IP, serverPort);
    // Some initial sequence numbers sit just below 2^32 so that sequence numbers wrap inside the capture.
    this.clientNext = rng.chance(0.05) ? 2 ** 32 - rng.between(1, 100_000) : rng.u32();
    this.serverNext = rng.u32();
    this.deflate = rng.chance(0.3);
    this.messagesLeft = rng.between(Math.max(1, Math.round(ctx.messagesPerConnection * 0.5)), Math.round(ctx.messagesPerConnection * 1.5));
    this.keepalivesLeft = rng.chance(0.15) ? rng.between(1, 2) : 0;
    this.keepaliveFromClient = false;
    this.pingPayload = Buffer.alloc(8);
    this.pingLength = 0;
    this.pingFromClient = false;
    this.closeFromClient = false;
    this.path = `/stream/${number}`;
    this.host = `10.0.0.1${serverPort === 80 ? '' : ':8080'}`;
    this.phase = Phase.SYN;
    this.writeFromClient = false;
    this.writeLength = 0;
    this.writeOffset = 0;
    this.segments = 0;
    this.ackDue = false;
    this.pauseAfterWrite = 0;
    this.nextTime = 0;
  }

  get done() {
    return this.phase === Phase.DONE;
  }

  /** Emits exactly one packet at `now` and schedules this connection's next one. */
  step(now) {
    if (this.ackDue) {
      this.send(now, !this.writeFromClient, TCP_ACK, 0, 0);
      this.ackDue = false;
      this.nextTime = now + (this.writeOffset < this.writeLength ? this.rng.between(1, 10) : this.pauseAfterWrite);
      return;
    }
    if (this.writeOffset < this.writeLength) {
      const end = Math.min(this.writeOffset + MSS, this.writeLength);
      const last = end === this.writeLength;
      this.send(now, this.writeFromClient, last ? TCP_PSH | TCP_ACK : TCP_ACK, this.writeOffset, end);
      this.writeOffset = end;
      this.segments++;
      this.ackDue = last || this.segments % 2 === 0;
      this.nextTime = now + (this.ackDue ? this.rng.between(20, 80) : this.rng.between(1, 15));
      return;
    }
    this.advance(now);
  }

  advance(now) {
    const rng = this.rng;
    switch (this.phase) {
      case Phase.SYN:
        this.send(now, true, TCP_SYN, 0, 0);
        this.phase = Phase.SYN_ACK;
        this.nextTime = now + rng.between(30, 300);
        return;
      case Phase.SYN_ACK:
        this.send(now, false, TCP_SYN | TCP_ACK, 0, 0);
        this.phase = Phase.HANDSHAKE_ACK;
        this.nextTime = now + rng.between(30, 300);
        return;
      case Phase.HANDSHAKE_ACK:
        this.send(now, true, TCP_ACK, 0, 0);
        this.phase = Phase.REQUEST;
        this.nextTime = now + rng.between(10, 200);
        return;
      case Phase.REQUEST: {
        const key = rng.fill(Buffer.allocUnsafe(16)).toString('base64');
        this.heads = handshake({ host: this.host, path: this.path, key, deflate: this.deflate });
        this.beginWrite(now, true, this.heads.request.copy(this.scratch, 0), rng.between(50, 500));
        this.phase = Phase.RESPONSE;
        return;
      }
      case Phase.RESPONSE:
        this.beginWrite(now, false, this.heads.response.copy(this.scratch, 0), rng.between(100, 5000));
        this.heads = null;
        this.phase = Phase.MESSAGES;
        return;
      case Phase.MESSAGES:
        this.nextExchange(now);
        return;
      case Phase.PONG:
        // RFC 6455 §5.5.3: the pong carries the ping's application data.
        this.beginControl(now, !this.pingFromClient, OPCODE_PONG, this.pingPayload, this.pingLength, rng.between(100, 20_000));
        this.ctx.stats.pongs++;
        this.phase = Phase.MESSAGES;
        return;
      case Phase.KEEPALIVE_PROBE:
        this.sendKeepaliveProbe(now, this.keepaliveFromClient);
        this.phase = Phase.KEEPALIVE_ACK;
        this.nextTime = now + rng.between(30, 300);
        return;
      case Phase.KEEPALIVE_ACK:
        this.send(now, !this.keepaliveFromClient, TCP_ACK, 0, 0);
        this.phase = Phase.MESSAGES;
        this.nextTime = now + rng.between(1000, 50_000);
        return;
      case Phase.CLOSE_ECHO:
        // RFC 6455 §5.5.1: the peer answers a close frame with its own close frame.
        this.beginControl(now, !this.closeFromClient, OPCODE_CLOSE, CLOSE_NORMAL, CLOSE_NORMAL.length, rng.between(50, 500));
        this.phase = Phase.SERVER_FIN;
        return;
      case Phase.SERVER_FIN:
        // RFC 6455 §7.1.1: the server closes the TCP connection first.
        this.send(now, false, TCP_FIN | TCP_ACK, 0, 0);
        this.phase = Phase.CLIENT_FIN;
        this.nextTime = now + rng.between(30, 300);
        return;
      case Phase.CLIENT_FIN:
        this.send(now, true, TCP_FIN | TCP_ACK, 0, 0);
        this.phase = Phase.LAST_ACK;
        this.nextTime = now + rng.between(30, 300);
        return;
      case Phase.LAST_ACK:
        this.send(now, false, TCP_ACK, 0, 0);
        this.phase = Phase.DONE;
        return;
      default:
        throw new Error(`connection stepped in phase ${this.phase}`);
    }
  }

  /** In the open state: a keepalive after an idle period, a ping, a data message, or the closing handshake. */
  nextExchange(now) {
    const rng = this.rng;
    if (this.keepalivesLeft > 0 && rng.chance(this.keepalivesLeft / (this.messagesLeft + 1))) {
      this.keepalivesLeft--;
      this.keepaliveFromClient = rng.chance(0.5);
      this.phase = Phase.KEEPALIVE_PROBE;
      this.nextTime = now + rng.between(5_000_000, 15_000_000); // idle for TCP_KEEPIDLE
      return;
    }
    if (this.messagesLeft === 0) {
      this.closeFromClient = rng.chance(0.5);
      this.beginControl(now, this.closeFromClient, OPCODE_CLOSE, CLOSE_NORMAL, CLOSE_NORMAL.length, rng.between(50, 500));
      this.phase = Phase.CLOSE_ECHO;
      return;
    }
    if (rng.chance(0.05)) {
      this.pingFromClient = rng.chance(0.5);
      this.pingLength = rng.between(0, this.pingPayload.length);
      rng.fill(this.pingPayload.subarray(0, this.pingLength));
      this.beginControl(now, this.pingFromClient, OPCODE_PING, this.pingPayload, this.pingLength, rng.between(50, 500));
      this.ctx.stats.pings++;
      this.phase = Phase.PONG;
      return;
    }
    this.messagesLeft--;
    this.beginMessage(now, rng.chance(0.4));
  }

  /** One data message: picks content, maybe compresses it (RFC 7692 §6), maybe fragments it (RFC 6455 §5.4). */
  beginMessage(now, fromClient) {
    const { rng, ctx } = this;
    const text = rng.chance(0.7);
    const pool = text ? ctx.textPool : ctx.binaryPool;
    const size = rng.logUniform(MIN_MESSAGE, MAX_MESSAGE + 1);
    let start = rng.int(pool.length - size - 4);
    let end = start + size;
    if (text) {
      // Text messages must be whole UTF-8 (RFC 6455 §5.6): never start or end inside a character.
      while (isContinuationByte(pool[start])) start++;
      while (isContinuationByte(pool[end])) end++;
    }
    const compressed = this.deflate && end - start >= COMPRESS_THRESHOLD;
    let payload = pool;
    if (compressed) {
      payload = compressMessage(pool.subarray(start, end));
      start = 0;
      end = payload.length;
      ctx.stats.compressedMessages++;
    }
    const fragments = end - start >= 2 && rng.chance(0.1) ? rng.between(2, 4) : 1;
    const cuts = ctx.cuts;
    cuts.length = 0;
    cuts.push(start);
    for (let i = 1; i < fragments; i++) cuts.push(rng.between(start, end));
    cuts.push(end);
    cuts.sort((a, b) => a - b);
    if (fragments > 1) ctx.stats.fragmentedMessages++;

    this.reserve(end - start + fragments * frameHeaderLength(end - start, true));
    let at = 0;
    for (let i = 0; i < fragments; i++) {
      const frame = {
        fin: i === fragments - 1,
        rsv1: compressed && i === 0, // RFC 7692 §6: RSV1 on the first frame of a compressed message only
        opcode: i === 0 ? (text ? OPCODE_TEXT : OPCODE_BINARY) : OPCODE_CONTINUATION,
        mask: fromClient ? rng.u32() : -1,
      };
      at = writeFrame(this.scratch, at, frame, payload, cuts[i], cuts[i + 1]);
    }
    ctx.stats.frames += fragments;
    ctx.stats.messages++;
    this.beginWrite(now, fromClient, at, rng.between(100, 20_000));
  }

  beginControl(now, fromClient, opcode, payload, length, pause) {
    const mask = fromClient ? this.rng.u32() : -1;
    const at = writeFrame(this.scratch, 0, { fin: true, rsv1: false, opcode, mask }, payload, 0, length);
    this.ctx.stats.frames++;
    this.beginWrite(now, fromClient, at, pause);
  }

  /** Starts sending scratch[0, length) from one side; its first segment leaves now. */
  beginWrite(now, fromClient, length, pauseAfterWrite) {
    this.writeFromClient = fromClient;
    this.writeLength = length;
    this.writeOffset = 0;
    this.segments = 0;
    this.pauseAfterWrite = pauseAfterWrite;
    this.step(now);
  }

  reserve(bytes) {
    if (this.scratch.length < bytes) this.scratch = Buffer.allocUnsafe(bytes);
  }

  send(now, fromClient, flags, start, end) {
    const from = fromClient ? this.client : this.server;
    const to = fromClient ? this.server : this.client;
    const seq = fromClient ? this.clientNext : this.serverNext;
    const ack = fromClient ? this.serverNext : this.clientNext;
    this.ctx.writer.tcp(now, from, to, seq, ack, flags, this.scratch, start, end);
    // SYN and FIN each take one sequence number (RFC 793 §3.3).
    const advance = end - start + (flags & (TCP_SYN | TCP_FIN) ? 1 : 0);
    if (fromClient) this.clientNext = (this.clientNext + advance) % 2 ** 32;
    else this.serverNext = (this.serverNext + advance) % 2 ** 32;
  }

  /** Linux keepalive probe: no data, sequence number one below the next to send (RFC 1122 §4.2.3.6). */
  sendKeepaliveProbe(now, fromClient) {
    const from = fromClient ? this.client : this.server;
    const to = fromClient ? this.server : this.client;
    const next = fromClient ? this.clientNext : this.serverNext;
    const ack = fromClient ? this.serverNext : this.clientNext;
    this.ctx.writer.tcp(now, from, to, (next + 2 ** 32 - 1) % 2 ** 32, ack, TCP_ACK, this.scratch, 0, 0);
    this.ctx.stats.keepalives++;
  }
}

function main() {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      size: { type: 'string', default: '200MB' },
      seed: { type: 'string', default: '1' },
      connections: { type: 'string', default: '2000' },
      concurrent: { type: 'string', default: '8' },
    },
  });
  if (!values.out) throw new Error('usage: generate.mjs --out FILE [--size 200MB] [--seed N] [--connections N] [--concurrent N]');
  const targetBytes = parseSize(values.size);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new Error(`--seed: expected an integer, got ${values.seed}`);
  const connections = positiveInteger('connections', values.connections);
  const concurrent = positiveInteger('concurrent', values.concurrent);

  const started = process.hrtime.bigint();
  const rng = createRandom(seed);
  const writer = new PcapWriter(values.out);
  const stats = { connections: 0, packets: 0, frames: 0, messages: 0, compressedMessages: 0, fragmentedMessages: 0, pings: 0, pongs: 0, keepalives: 0, bytes: 0 };
  const ctx = {
    rng,
    writer,
    stats,
    textPool: textPool(rng),
    binaryPool: binaryPool(rng),
    messagesPerConnection: Math.max(1, targetBytes / connections / WIRE_BYTES_PER_MESSAGE),
    cuts: [],
  };

  let now = START_TIME_US;
  const open = (scratch) => {
    const connection = new Connection(++stats.connections, ctx, scratch);
    connection.nextTime = now + rng.between(1, 2000);
    return connection;
  };
  const active = [];
  for (let i = 0; i < Math.min(concurrent, connections); i++) active.push(open(Buffer.allocUnsafe(128 * 1024)));

  // Always step the connection whose next packet is due first: timestamps only ever increase.
  while (active.length > 0) {
    let due = 0;
    for (let i = 1; i < active.length; i++) if (active[i].nextTime < active[due].nextTime) due = i;
    const connection = active[due];
    now = Math.max(now + 1, connection.nextTime);
    connection.step(now);
    if (!connection.done) continue;
    if (writer.bytes < targetBytes) active[due] = open(connection.scratch);
    else active.splice(due, 1);
  }
  writer.close();

  stats.packets = writer.packets;
  stats.bytes = writer.bytes;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stderr.write(
    JSON.stringify({ file: values.out, seed, ...stats, seconds: Number(seconds.toFixed(2)), mbPerSecond: Math.round(stats.bytes / 1e6 / seconds) }) + '\n',
  );
}

main();
