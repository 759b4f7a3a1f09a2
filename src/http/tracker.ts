import type { Direction, StreamChunk } from '../tcp/types.js';
import type { FindingCode } from '../findings/table.js';
import { MALFORMED, NEED_MORE, openBody, type BodyReader } from './body.js';
import { ownChunk, sliceChunk } from './chunk.js';
import { requestFraming, responseFraming, type BodyFraming } from './framing.js';
import { parseRequestHead, parseResponseHead } from './head.js';
import { HeadReader } from './head-reader.js';
import { hasHeaderToken, headerTokens, headerValues } from './headers.js';
import type { HttpRequestHead, HttpResponseHead, HttpSink, HttpTrackerOptions } from './types.js';

/**
 * What a direction's bytes are:
 * - http: messages (heads and bodies);
 * - held: client bytes after a request that asks to leave HTTP, kept until the answer says what they are;
 * - websocket / opaque: no longer HTTP, handed on as they come.
 */
type Mode = 'http' | 'held' | 'websocket' | 'opaque';

interface StreamGap {
  direction: Direction;
  bytesMissing: number;
  ts: number;
  packet: number;
}

type StreamItem = StreamChunk | StreamGap;

const DEFAULT_MAX_HEAD_BYTES = 64 * 1024;
/** No head pieces taken before a direction changes mode (read only: nothing is added to it). */
const NOTHING_EARLIER: StreamChunk[] = [];
const DEFAULT_MAX_EARLY_DATA_BYTES = 1024 * 1024;

class Side {
  mode: Mode = 'http';
  /** Complete heads read; until the first, bytes that do not start like HTTP are another protocol, not an error. */
  messages = 0;
  readonly head: HeadReader;
  body: BodyReader | null = null;
  /** The request whose message (client) or answer (server) is being read. */
  request: HttpRequestHead | null = null;
  held: StreamItem[] = [];
  heldBytes = 0;
  /** The last chunk's packet, to place problems found when the connection ends. */
  readonly last = { ts: 0, packet: 0 };

  constructor(
    readonly direction: Direction,
    maxHeadBytes: number,
  ) {
    this.head = new HeadReader(direction === 'client' ? 'request' : 'response', maxHeadBytes);
  }
}

/**
 * Follows the HTTP/1.1 exchange at the start of a connection (RFC 9112) until a 101 switches it to
 * WebSocket (RFC 6455 §4) or to another protocol, or until a direction stops being HTTP.
 */
export class HttpUpgradeTracker {
  private readonly client: Side;
  private readonly server: Side;
  private readonly maxEarlyDataBytes: number;
  /** Requests waiting for their final response, oldest first: responses come in request order (RFC 9112 §9.3.2). */
  private readonly unanswered: HttpRequestHead[] = [];
  /** A request asking to leave HTTP (Upgrade, CONNECT): its answer decides what the client's next bytes are. */
  private switchRequest: HttpRequestHead | null = null;
  /** That answer, when it came before the request's own body had ended. */
  private switchAnswer: Mode | null = null;

  constructor(
    private readonly sink: HttpSink,
    options: HttpTrackerOptions = {},
  ) {
    const maxHeadBytes = options.maxHeadBytes ?? DEFAULT_MAX_HEAD_BYTES;
    this.client = new Side('client', maxHeadBytes);
    this.server = new Side('server', maxHeadBytes);
    this.maxEarlyDataBytes = options.maxEarlyDataBytes ?? DEFAULT_MAX_EARLY_DATA_BYTES;
  }

  /** Chunks of both directions, in capture order. */
  push(chunk: StreamChunk): void {
    if (chunk.data.length === 0) return;
    const side = this.side(chunk.direction);
    side.last.ts = chunk.ts;
    side.last.packet = chunk.packet;
    this.feed(side, chunk);
  }

  gap(direction: Direction, bytesMissing: number, ts: number, packet: number): void {
    this.gapIn(this.side(direction), { direction, bytesMissing, ts, packet });
  }

  end(): void {
    for (const side of [this.client, this.server]) {
      // Bytes held after a request that got no answer cannot be told apart: they are handed on raw.
      if (side.mode === 'held') this.enter(side, 'opaque');
      if (side.mode !== 'http') continue;
      if (side.body !== null && !side.body.untilClose) {
        this.sink.onProblem('http-truncated', `the ${side.direction} stream ends inside a message body`, side.last);
      } else if (side.head.inProgress && (side.head.startLineAccepted || side.messages > 0)) {
        this.sink.onProblem('http-truncated', `the ${side.direction} stream ends inside a message head`, side.last);
      }
      if (side.head.inProgress) this.enter(side, 'opaque');
    }
  }

  private side(direction: Direction): Side {
    return direction === 'client' ? this.client : this.server;
  }

  private feed(side: Side, chunk: StreamChunk): void {
    switch (side.mode) {
      case 'websocket':
        this.sink.onWebSocketData(chunk);
        return;
      case 'opaque':
        this.sink.onOpaqueData(chunk);
        return;
      case 'held':
        this.hold(side, chunk);
        return;
      case 'http': {
        const stopped = this.readHttp(side, chunk);
        // The direction left HTTP inside this chunk: the rest belongs to what it became.
        if (stopped < chunk.data.length) this.feed(side, sliceChunk(chunk, stopped));
      }
    }
  }

  /** Reads messages from the chunk while the direction is HTTP; returns where it stopped. */
  private readHttp(side: Side, chunk: StreamChunk): number {
    let pos = 0;
    while (pos < chunk.data.length && side.mode === 'http') {
      pos = side.body === null ? this.readHead(side, chunk, pos) : this.readBody(side, side.body, chunk, pos);
    }
    return pos;
  }

  private readHead(side: Side, chunk: StreamChunk, from: number): number {
    const read = side.head.read(chunk, from, side.messages > 0);
    switch (read.status) {
      case 'more':
        return chunk.data.length;
      case 'not-http':
        if (side.messages === 0) {
          // The direction never spoke HTTP: another protocol, or a capture that started mid-stream.
          this.enter(side, 'opaque', read.pieces);
        } else {
          const line = side.direction === 'client' ? 'a request line (RFC 9112 §3)' : 'a status line (RFC 9112 §4)';
          this.abandon(side, 'http-malformed-head', `${side.direction} bytes after a complete message do not start ${line}`, chunk, read.pieces);
        }
        return read.start;
      case 'too-long':
        this.abandon(side, 'http-head-too-long', `a ${side.direction} message head is longer than ${side.head.maxBytes} bytes`, chunk, read.pieces);
        return read.start;
      case 'complete':
        break;
    }
    if (side.direction === 'client') {
      const parsed = parseRequestHead(read.head, chunk.ts, chunk.packet);
      if ('error' in parsed) {
        this.abandon(side, 'http-malformed-head', `malformed request head: ${parsed.error}`, chunk, read.pieces);
        return read.start;
      }
      this.onRequestHead(side, parsed.head, chunk);
    } else {
      const parsed = parseResponseHead(read.head, chunk.ts, chunk.packet);
      if ('error' in parsed) {
        this.abandon(side, 'http-malformed-head', `malformed response head: ${parsed.error}`, chunk, read.pieces);
        return read.start;
      }
      this.onResponseHead(side, parsed.head, chunk);
    }
    return read.end;
  }

  private readBody(side: Side, body: BodyReader, chunk: StreamChunk, from: number): number {
    const end = body.feed(chunk.data, from);
    if (end === NEED_MORE) return chunk.data.length;
    if (end === MALFORMED) {
      this.abandon(side, 'http-malformed-body', `malformed ${side.direction} message body: ${body.error}`, chunk);
      return from;
    }
    this.messageEnded(side);
    return end;
  }

  private onRequestHead(side: Side, request: HttpRequestHead, chunk: StreamChunk): void {
    side.messages++;
    this.sink.onRequest(request);
    this.unanswered.push(request);
    if (asksToSwitch(request)) {
      this.switchRequest = request;
      this.switchAnswer = null;
    }
    this.startBody(side, request, requestFraming(request), chunk);
  }

  private onResponseHead(side: Side, response: HttpResponseHead, chunk: StreamChunk): void {
    side.messages++;
    const request = this.unanswered[0] ?? null;
    // RFC 9110 §15.2: interim (1xx) responses precede the final one; 101 is the last response HTTP carries.
    const final = response.status >= 200 || response.status === 101;
    if (final) this.unanswered.shift();
    this.sink.onResponse(response, request);
    const switched = switchedTo(response, request);
    if (switched !== null) {
      if (switched === 'websocket') this.sink.onSwitch(response);
      this.answerSwitch(switched);
      this.enter(side, switched);
      return;
    }
    if (final && request !== null && request === this.switchRequest) this.answerSwitch('http');
    this.startBody(side, request, responseFraming(response, request), chunk);
  }

  private startBody(side: Side, request: HttpRequestHead | null, framing: BodyFraming, chunk: StreamChunk): void {
    side.request = request;
    if (framing.kind === 'invalid') {
      this.abandon(side, 'http-malformed-body', `${side.direction} message framing: ${framing.reason}`, chunk);
    } else if (framing.kind === 'none') {
      this.messageEnded(side);
    } else {
      side.body = openBody(framing);
    }
  }

  private messageEnded(side: Side): void {
    const request = side.request;
    side.body = null;
    side.request = null;
    if (side !== this.client || request === null || request !== this.switchRequest) return;
    const answer = this.switchAnswer;
    if (answer === null) {
      this.enter(side, 'held');
      return;
    }
    this.switchRequest = null;
    this.switchAnswer = null;
    if (answer !== 'http') this.enter(side, answer);
  }

  /** The server has answered the switch request (or switched without one): settle the client's bytes. */
  private answerSwitch(answer: Mode): void {
    const client = this.client;
    if (client.mode === 'http' && this.switchRequest !== null) {
      // The request's own body is still arriving: its end applies the answer.
      this.switchAnswer = answer;
      return;
    }
    this.switchRequest = null;
    if (client.mode === 'held' || (client.mode === 'http' && answer !== 'http')) this.enter(client, answer);
  }

  private hold(side: Side, chunk: StreamChunk): void {
    if (side.heldBytes + chunk.data.length > this.maxEarlyDataBytes) {
      this.sink.onProblem(
        'http-early-data-overflow',
        `the client sent more than ${this.maxEarlyDataBytes} bytes after a request to switch protocols before the server answered it`,
        { ts: chunk.ts, packet: chunk.packet },
      );
      this.enter(side, 'opaque');
      this.sink.onOpaqueData(chunk);
      return;
    }
    side.held.push(ownChunk(chunk));
    side.heldBytes += chunk.data.length;
  }

  private gapIn(side: Side, gap: StreamGap): void {
    switch (side.mode) {
      case 'websocket':
        this.sink.onWebSocketGap?.(gap.direction, gap.bytesMissing, gap.ts, gap.packet);
        return;
      case 'opaque':
        return;
      case 'held':
        side.held.push(gap);
        return;
      case 'http':
        break;
    }
    // Inside a body of known length the next message's start is still known; anywhere else it is lost.
    const outcome = side.body === null ? 'lost' : side.body.skip(gap.bytesMissing);
    if (outcome === 'inside') return;
    if (outcome === 'ends-body') {
      this.messageEnded(side);
      return;
    }
    this.abandon(
      side,
      'http-gap',
      `${gap.bytesMissing} bytes of the ${side.direction} HTTP stream are missing from the capture; where its next message starts is unknown`,
      gap,
    );
  }

  /** Reports why a direction stops being parsed as HTTP, then hands its bytes on raw. */
  private abandon(side: Side, code: FindingCode, message: string, where: { ts: number; packet: number }, earlier: StreamChunk[] = NOTHING_EARLIER): void {
    this.sink.onProblem(code, message, { ts: where.ts, packet: where.packet });
    this.enter(side, 'opaque', earlier);
  }

  /**
   * Switches a direction to `mode` and hands it what was waiting: `earlier` (parts of a head already taken
   * from the reader), then the head in progress or the held bytes, in stream order.
   */
  private enter(side: Side, mode: Mode, earlier: StreamChunk[] = NOTHING_EARLIER): void {
    const pieces = side.head.takePieces();
    const held = side.held;
    side.mode = mode;
    side.body = null;
    side.request = null;
    side.held = [];
    side.heldBytes = 0;
    // Once the server's bytes cannot be read, the answer to a pending switch request will never be known.
    const unanswered = this.switchRequest !== null && this.switchAnswer === null;
    if (side === this.server && mode === 'opaque' && unanswered) this.answerSwitch('opaque');
    for (const chunk of earlier) this.feed(side, chunk);
    for (const chunk of pieces) this.feed(side, chunk);
    for (const item of held) {
      if ('data' in item) this.feed(side, item);
      else this.gapIn(side, item);
    }
  }
}

/** A request that may turn the connection into something else: an Upgrade (RFC 9110 §7.8) or CONNECT (§9.3.6). */
function asksToSwitch(request: HttpRequestHead): boolean {
  return request.method === 'CONNECT' || headerValues(request.headers, 'upgrade').length > 0;
}

/** What the connection becomes after this response, or null when it stays HTTP. */
function switchedTo(response: HttpResponseHead, request: HttpRequestHead | null): 'websocket' | 'opaque' | null {
  if (response.status === 101) {
    // RFC 9110 §15.2.2: the protocol changes right after the 101's empty line. It is WebSocket when the
    // client offered it and the server did not name another protocol (RFC 6455 §4.1, §4.2.2).
    const chosen = headerTokens(response.headers, 'upgrade');
    const offered = request === null ? chosen.includes('websocket') : hasHeaderToken(request.headers, 'upgrade', 'websocket');
    const websocket = offered && (chosen.length === 0 || chosen.includes('websocket'));
    return websocket ? 'websocket' : 'opaque';
  }
  // RFC 9110 §9.3.6: a 2xx answer to CONNECT makes the connection a tunnel.
  if (request?.method === 'CONNECT' && response.status >= 200 && response.status < 300) return 'opaque';
  return null;
}
