import type { FindingCode } from '../../src/findings/index.js';
import type { HttpRequestHead, HttpResponseHead, HttpSink } from '../../src/http/index.js';
import type { Direction, StreamChunk } from '../../src/tcp/types.js';

/** Builds synthetic chunks of one connection: offsets follow each direction's stream, packets count up. */
export class Streams {
  private readonly offsets: Record<Direction, number> = { client: 0, server: 0 };
  private packet = 0;

  chunk(direction: Direction, data: string | Buffer): StreamChunk {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    this.packet++;
    const chunk = { direction, data: bytes, offset: this.offsets[direction], ts: 1000 + this.packet / 10, packet: this.packet };
    this.offsets[direction] += bytes.length;
    return chunk;
  }

  /** A hole of `bytesMissing` bytes in one direction, reported by the packet after it. */
  gap(direction: Direction, bytesMissing: number): { direction: Direction; bytesMissing: number; ts: number; packet: number } {
    this.offsets[direction] += bytesMissing;
    return { direction, bytesMissing, ts: 1000 + (this.packet + 1) / 10, packet: this.packet + 1 };
  }
}

export type HttpEvent =
  | { type: 'request'; head: HttpRequestHead }
  | { type: 'response'; head: HttpResponseHead; request: HttpRequestHead | null }
  | { type: 'switch'; head: HttpResponseHead }
  | { type: 'websocket'; chunk: StreamChunk }
  | { type: 'websocket-gap'; direction: Direction; bytesMissing: number; ts: number; packet: number }
  | { type: 'opaque'; chunk: StreamChunk }
  | { type: 'problem'; code: FindingCode; message: string; where: { ts: number; packet: number } };

export class Recorder implements HttpSink {
  readonly events: HttpEvent[] = [];

  onRequest(head: HttpRequestHead): void {
    this.events.push({ type: 'request', head });
  }
  onResponse(head: HttpResponseHead, request: HttpRequestHead | null): void {
    this.events.push({ type: 'response', head, request });
  }
  onSwitch(head: HttpResponseHead): void {
    this.events.push({ type: 'switch', head });
  }
  onWebSocketData(chunk: StreamChunk): void {
    this.events.push({ type: 'websocket', chunk });
  }
  onWebSocketGap(direction: Direction, bytesMissing: number, ts: number, packet: number): void {
    this.events.push({ type: 'websocket-gap', direction, bytesMissing, ts, packet });
  }
  onOpaqueData(chunk: StreamChunk): void {
    this.events.push({ type: 'opaque', chunk });
  }
  onProblem(code: FindingCode, message: string, where: { ts: number; packet: number }): void {
    this.events.push({ type: 'problem', code, message, where });
  }

  /** A compact trace: "request GET /", "response 200", "switch", "websocket client", "problem http-gap"... */
  trace(): string[] {
    return this.events.map((event) => {
      switch (event.type) {
        case 'request':
          return `request ${event.head.method} ${event.head.target}`;
        case 'response':
          return `response ${event.head.status}${event.request ? ` to ${event.request.target}` : ''}`;
        case 'switch':
          return 'switch';
        case 'websocket':
        case 'opaque':
          return `${event.type} ${event.chunk.direction}`;
        case 'websocket-gap':
          return `websocket-gap ${event.direction} ${event.bytesMissing}`;
        case 'problem':
          return `problem ${event.code}`;
      }
    });
  }

  /** Collapses runs of identical trace lines, so tests do not depend on how bytes were split into chunks. */
  steps(): string[] {
    const steps: string[] = [];
    for (const line of this.trace()) if (steps[steps.length - 1] !== line) steps.push(line);
    return steps;
  }

  chunks(type: 'websocket' | 'opaque', direction: Direction): StreamChunk[] {
    const chunks: StreamChunk[] = [];
    for (const event of this.events) {
      if (event.type === type && event.chunk.direction === direction) chunks.push(event.chunk);
    }
    return chunks;
  }

  /**
   * The bytes handed on as `type` in one direction, joined; fails unless each chunk starts where the
   * previous ended (so offsets are right) and the first starts at `firstOffset`.
   */
  stream(type: 'websocket' | 'opaque', direction: Direction, firstOffset: number): Buffer {
    const chunks = this.chunks(type, direction);
    let expected = firstOffset;
    for (const chunk of chunks) {
      if (chunk.offset !== expected) throw new Error(`${type} ${direction} chunk at offset ${chunk.offset}, expected ${expected}`);
      expected += chunk.data.length;
    }
    return Buffer.concat(chunks.map((chunk) => chunk.data));
  }

  requests(): HttpRequestHead[] {
    return this.events.flatMap((event) => (event.type === 'request' ? [event.head] : []));
  }

  responses(): HttpResponseHead[] {
    return this.events.flatMap((event) => (event.type === 'response' ? [event.head] : []));
  }

  problems(): { code: FindingCode; where: { ts: number; packet: number } }[] {
    return this.events.flatMap((event) => (event.type === 'problem' ? [{ code: event.code, where: event.where }] : []));
  }
}

/** A Chrome-style WebSocket upgrade request (RFC 6455 §1.3 sample key). */
export const CHROME_UPGRADE =
  'GET /chat?room=1 HTTP/1.1\r\n' +
  'Host: 127.0.0.1:8080\r\n' +
  'Connection: Upgrade\r\n' +
  'Pragma: no-cache\r\n' +
  'Cache-Control: no-cache\r\n' +
  'User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36\r\n' +
  'Upgrade: websocket\r\n' +
  'Origin: http://127.0.0.1:8080\r\n' +
  'Sec-WebSocket-Version: 13\r\n' +
  'Accept-Encoding: gzip, deflate, br\r\n' +
  'Accept-Language: en-US,en;q=0.9\r\n' +
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
  'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n' +
  '\r\n';

export const CHROME_UPGRADE_HEADERS: [string, string][] = [
  ['Host', '127.0.0.1:8080'],
  ['Connection', 'Upgrade'],
  ['Pragma', 'no-cache'],
  ['Cache-Control', 'no-cache'],
  ['User-Agent', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'],
  ['Upgrade', 'websocket'],
  ['Origin', 'http://127.0.0.1:8080'],
  ['Sec-WebSocket-Version', '13'],
  ['Accept-Encoding', 'gzip, deflate, br'],
  ['Accept-Language', 'en-US,en;q=0.9'],
  ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='],
  ['Sec-WebSocket-Extensions', 'permessage-deflate; client_max_window_bits'],
];

export const SWITCHING_PROTOCOLS =
  'HTTP/1.1 101 Switching Protocols\r\n' +
  'Upgrade: websocket\r\n' +
  'Connection: Upgrade\r\n' +
  'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n' +
  '\r\n';

/** Two unmasked server frames: text "Hello", then binary 01 02 03 (RFC 6455 §5.7). */
export const SERVER_FRAMES = Buffer.from([0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x82, 0x03, 0x01, 0x02, 0x03]);

/** A masked client text frame "Hello" (RFC 6455 §5.7). */
export const CLIENT_FRAME = Buffer.from([0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]);
