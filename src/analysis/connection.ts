import type { Segment } from '../packet/types.js';
import type { Direction, StreamChunk, TcpConnectionInfo, TcpConnectionSink, TcpEvent } from '../tcp/types.js';
import { HttpUpgradeTracker } from '../http/index.js';
import type { HttpRequestHead, HttpResponseHead } from '../http/types.js';
import { negotiateDeflate, opcodeName, parseClosePayload, parseExtensionHeader, type DeflateParams } from '../websocket/index.js';
import { headerValues } from '../http/index.js';
import type { Frame, FrameCounter, Message } from '../websocket/types.js';
import { Opcode } from '../websocket/types.js';
import { finding, type FindingCode } from '../findings/index.js';
import { applyResponse, handshakeFromRequest, isHandshakeAttempt } from './handshake.js';
import { requestFindings } from './handshake-checks.js';
import { FrameRules } from './violations.js';
import { isJsonBody } from './payload-view.js';
import type { ConnectionModel, FrameModel, MessageModel } from './model.js';
import { closeModel } from './close.js';
import { heartbeatModel, matchPongs } from './heartbeat.js';
import { TimelineRecorder } from './timeline.js';
import { WebSocketDirection, type WebSocketDirectionOptions } from './ws-direction.js';

export interface ConnectionOptions {
  /** Payload bytes kept per frame and message in the model; null keeps all of them. */
  retainBytes: number | null;
  /** Largest message body (after inflation) decoded; beyond it the message is cut, with a finding. */
  maxMessageBytes: number;
  /** Quiet periods longer than this many seconds become idle events (default 30). */
  idleThresholdS?: number;
  /**
   * The user says WebSocket runs on this port (--ws-port): the side on it is the server, and a connection
   * whose handshake is not in the capture is decoded as WebSocket without waiting for frames to look like it.
   */
  wsPort?: number;
  /** AnalyzeOptions.skipDataPayloads. */
  skipDataPayloads?: boolean;
  /** Called with the finished model once the connection is over (analyze.ts: onConnectionEnd). */
  onEnd?: (model: ConnectionModel) => void;
}

const NOTHING_KEPT = Buffer.alloc(0);

/** Two hex digits per byte value. */
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** The masking key's 4 bytes in hex (a number above 2^31 has a slow toString(16), and most keys are). */
function maskKeyHex(key: number): string {
  return HEX[key >>> 24] + HEX[(key >>> 16) & 0xff] + HEX[(key >>> 8) & 0xff] + HEX[key & 0xff];
}

/**
 * The close and heartbeat blocks a model holds until its connection ends (onEnd replaces them). Made once and
 * shared: read-only, like every block of the model.
 */
const NOT_ENDED = { close: closeModel([]), heartbeat: heartbeatModel([], matchPongs([]), 0) };

/** The frames' indexes (FrameModel.index). */
function frameIndexes(frames: Frame[]): number[] {
  const indexes = new Array<number>(frames.length);
  for (let i = 0; i < frames.length; i++) indexes[i] = frames[i].index;
  return indexes;
}

/** A direction as a bit of a set of directions. */
const bit = (direction: Direction): number => (direction === 'client' ? 1 : 2);

/** Copies the kept prefix so the model never pins the capture's read buffers in memory. */
function retain(bytes: Buffer, limit: number | null): Buffer {
  if (limit === 0 || bytes.length === 0) return NOTHING_KEPT;
  const kept = limit === null || bytes.length <= limit ? bytes : bytes.subarray(0, limit);
  return Buffer.from(kept);
}

/**
 * Follows one TCP connection through HTTP and WebSocket and builds its ConnectionModel. It is the sink the TCP
 * stage feeds; it owns the connection's HTTP tracker, the timeline recorder, the frame rules, and one
 * WebSocketDirection per side (frame parser, message assembler, gap recovery) once the 101 switched the
 * connection — or once a stream picked up mid-way turned out to carry WebSocket frames.
 */
export class ConnectionAnalyzer implements TcpConnectionSink {
  readonly model: ConnectionModel;
  /** Made by the first bytes or gap (http()): a connection that never carries data (a SYN flood's) needs none. */
  private httpTracker: HttpUpgradeTracker | null = null;
  /** Numbers the frames of both directions in the order they complete: a frame's index in model.frames. */
  private readonly frameCounter: FrameCounter = { next: 0 };
  /**
   * Each direction's WebSocket decoder, once it has one, and the decoders in the order they were made (the
   * order their last findings are reported in). Directions are told apart by name, never used as keys: a
   * lookup by a computed key is slow on every packet.
   */
  private client: WebSocketDirection | null = null;
  private server: WebSocketDirection | null = null;
  private decoders: WebSocketDirection[] = [];
  /** Directions (as bit(direction) bits) decoded without a handshake: their gaps do not pass through the HTTP tracker. */
  private midStream = 0;
  /** Directions whose reassembly buffer overflowed (one finding each is enough). */
  private overflowed = 0;
  private readonly timeline: TimelineRecorder;
  /** --ws-port names the side the TCP stage took for the client (no SYN seen): directions are swapped on entry. */
  private readonly swapped: boolean;
  private rules: FrameRules | null = null;

  constructor(
    info: TcpConnectionInfo,
    private readonly options: ConnectionOptions,
  ) {
    const { wsPort } = options;
    this.swapped = wsPort !== undefined && !info.sawSyn && info.client.port === wsPort && info.server.port !== wsPort;
    this.model = {
      id: info.id,
      client: this.swapped ? info.server : info.client,
      server: this.swapped ? info.client : info.server,
      start: info.firstTs,
      end: info.firstTs,
      packets: { client: 0, server: 0 },
      bytes: { client: 0, server: 0 },
      handshake: null,
      frames: [],
      messages: [],
      findings: [],
      isWebSocket: false,
      events: [],
      close: NOT_ENDED.close,
      heartbeat: NOT_ENDED.heartbeat,
    };
    this.timeline = new TimelineRecorder(info.firstTs, options.idleThresholdS);
  }

  private http(): HttpUpgradeTracker {
    return (this.httpTracker ??= new HttpUpgradeTracker({
      onRequest: (request) => this.onRequest(request),
      onResponse: (response, request) => this.onResponse(response, request),
      onSwitch: (response) => this.onSwitch(response),
      onWebSocketData: (chunk) => this.decoder(chunk.direction)?.push(chunk),
      onWebSocketGap: (direction, bytesMissing, ts, packet) => this.decoder(direction)?.gap(bytesMissing, ts, packet),
      onOpaqueData: (chunk) => this.onOpaqueData(chunk),
      onProblem: (code, message, where) => this.report(code, message, where),
    }));
  }

  onSegment(segment: Segment, sender: Direction): void {
    const direction = this.role(sender);
    this.timeline.segment(segment, direction);
    const { packets, bytes } = this.model;
    if (direction === 'client') {
      packets.client++;
      bytes.client += segment.payloadLength;
    } else {
      packets.server++;
      bytes.server += segment.payloadLength;
    }
    this.model.end = segment.ts;
  }

  onChunk(chunk: StreamChunk): void {
    this.http().push(this.swapped ? { ...chunk, direction: this.role(chunk.direction) } : chunk);
  }

  onEvent(tcpEvent: TcpEvent): void {
    const event = this.swapped ? { ...tcpEvent, direction: this.role(tcpEvent.direction) } : tcpEvent;
    this.timeline.tcpEvent(event);
    if (event.overflow) this.reportOverflow(event);
    if (event.type !== 'gap') return;
    const bytesMissing = event.bytesMissing ?? 0;
    // The HTTP tracker drops gaps of bytes it hands on raw; a direction decoded mid-stream needs them.
    if ((this.midStream & bit(event.direction)) !== 0) this.decoder(event.direction)?.gap(bytesMissing, event.ts, event.packet);
    else this.http().gap(event.direction, bytesMissing, event.ts, event.packet);
  }

  onEvicted(ts: number): void {
    this.report('connection-evicted', 'Still open when too many connections were open at once: no longer followed (--max-connections).', { ts });
  }

  onEnd(ts: number): void {
    this.httpTracker?.end();
    if (this.model.handshake && !this.model.handshake.response && this.model.handshake.request) {
      const { request } = this.model.handshake;
      this.report('no-upgrade-response', `No response to the upgrade request for ${request.target}.`, request);
    }
    for (const side of this.decoders) {
      if (side.parser.pendingBytes > 0 && !side.lost) {
        this.report('frame-incomplete', `The connection ended ${side.parser.pendingBytes} bytes into a frame.`, {
          ts,
          packet: undefined,
        });
        const header = side.parser.pendingHeader;
        if (header && this.rules) this.model.findings.push(...this.rules.checkUnfinished(header, { ts }));
      }
      side.end();
    }
    this.client = null;
    this.server = null;
    this.decoders = [];
    const { events, close, heartbeat, findings } = this.timeline.finish(this.model.end);
    this.model.events = events;
    this.model.close = close;
    this.model.heartbeat = heartbeat;
    for (const found of findings) this.model.findings.push(found);
    this.options.onEnd?.(this.model);
  }

  private role(direction: Direction): Direction {
    if (!this.swapped) return direction;
    return direction === 'client' ? 'server' : 'client';
  }

  private decoder(direction: Direction): WebSocketDirection | null {
    return direction === 'client' ? this.client : this.server;
  }

  private addDecoder(direction: Direction, decoder: WebSocketDirection): void {
    if (direction === 'client') this.client = decoder;
    else this.server = decoder;
    this.decoders.push(decoder);
  }

  private reportOverflow({ direction, ts, packet }: TcpEvent): void {
    if ((this.overflowed & bit(direction)) !== 0) return;
    this.overflowed |= bit(direction);
    this.report(
      'tcp-buffer-limit-reached',
      `Out-of-order bytes from the ${direction} outgrew the reassembly buffer (--max-buffer); the segment they waited for was given up as a gap.`,
      { ts, packet },
    );
  }

  private report(code: FindingCode, message: string, where: { ts?: number; packet?: number; frame?: number }): void {
    this.model.findings.push(finding(code, message, where));
  }

  private onRequest(request: HttpRequestHead): void {
    this.timeline.request(request);
    if (!isHandshakeAttempt(this.model.handshake, request)) return;
    this.model.handshake = handshakeFromRequest(request, this.model.server);
    this.model.isWebSocket = true;
    this.model.findings.push(...requestFindings(request));
  }

  private onResponse(response: HttpResponseHead, request: HttpRequestHead | null): void {
    this.timeline.response(response);
    const { handshake } = this.model;
    if (!handshake || request !== handshake.request) return;
    this.model.findings.push(...applyResponse(handshake, response));
  }

  private onSwitch(response: HttpResponseHead): void {
    const { handshake } = this.model;
    if (!handshake) return;
    const accepted = parseExtensionHeader(handshake.extensions);
    const deflate = negotiateDeflate(parseExtensionHeader(headerValues(handshake.request.headers, 'sec-websocket-extensions')), accepted);
    this.rules = new FrameRules({
      deflate,
      otherExtensions: accepted.some((extension) => extension.name !== deflate?.extension),
      upgradeTs: response.ts,
    });
    this.timeline.open(response);
    // The 101 starts both directions afresh, replacing any decoder a mid-stream search made.
    this.decoders = [];
    this.addDecoder('client', WebSocketDirection.afterUpgrade(this.directionOptions('client', deflate)));
    this.addDecoder('server', WebSocketDirection.afterUpgrade(this.directionOptions('server', deflate)));
  }

  private directionOptions(direction: Direction, deflate: DeflateParams | null): WebSocketDirectionOptions {
    return {
      direction,
      deflate,
      maxMessageBytes: this.options.maxMessageBytes,
      skipDataPayloads: this.options.skipDataPayloads,
      onFrame: (frame) => this.onFrame(frame),
      onMessage: (message) => this.onMessage(message),
      counter: this.frameCounter,
      onProblem: (code, message, frame) => this.report(code, message, { ts: frame.ts, packet: frame.packet, frame: frame.index }),
      report: (code, message, where) => this.report(code, message, where),
    };
  }

  /**
   * Bytes the HTTP tracker could not read as HTTP: a capture that began after the upgrade (or lost it in a
   * gap) may still hold WebSocket frames; each direction is searched for them.
   */
  private onOpaqueData(chunk: StreamChunk): void {
    const { direction } = chunk;
    if ((this.midStream & bit(direction)) === 0) {
      if (this.decoder(direction)) return; // after a 101: a direction that already has a decoder
      const forced = this.options.wsPort !== undefined && this.model.server.port === this.options.wsPort;
      this.addDecoder(direction, WebSocketDirection.midStream(this.directionOptions(direction, null), forced));
      this.midStream |= bit(direction);
    }
    this.decoder(direction)?.push(chunk);
  }

  private onFrame(frame: Frame): void {
    const index = frame.index;
    const model: FrameModel = {
      index,
      ts: frame.ts,
      packet: frame.packet,
      direction: frame.direction,
      fin: frame.fin,
      rsv: frame.rsv,
      opcode: frame.opcode,
      opcodeName: opcodeName(frame.opcode),
      masked: frame.masked,
      maskKey: frame.maskKey === null ? null : maskKeyHex(frame.maskKey),
      payloadLength: frame.payloadLength,
      headerLength: frame.headerLength,
      lengthEncoding: frame.lengthEncoding,
      payload: retain(frame.payload, this.options.retainBytes),
      payloadTruncated: frame.payloadTruncated || (this.options.retainBytes !== null && frame.payload.length > this.options.retainBytes),
      packets: frame.packets,
    };
    if (frame.opcode === Opcode.CLOSE) {
      const close = parseClosePayload(frame.payload);
      model.close = { code: close.code, reason: close.reason };
    }
    this.model.frames.push(model);
    this.model.isWebSocket = true;
    this.timeline.frame(model, frame.payload);
    if (this.rules) for (const found of this.rules.check(frame, index)) this.model.findings.push(found);
    this.decoder(frame.direction)?.assembler.push(frame);
  }

  /** The kept part of a message body: a message that is one frame's payload as it is shares that frame's copy. */
  private retainBody(message: Message): Buffer {
    const { frames, data } = message;
    if (frames.length === 1 && data === frames[0].payload) return this.model.frames[frames[0].index].payload;
    return retain(data, this.options.retainBytes);
  }

  private onMessage(message: Message): void {
    const model: MessageModel = {
      index: this.model.messages.length,
      ts: message.ts,
      direction: message.direction,
      opcode: message.opcode,
      frames: frameIndexes(message.frames),
      length: message.data.length,
      compressed: message.compressed,
      data: this.retainBody(message),
      truncated: message.truncated || (this.options.retainBytes !== null && message.data.length > this.options.retainBytes),
      json: !message.truncated && isJsonBody(message.data),
    };
    this.model.messages.push(model);
    this.timeline.message(model, message.packet);
  }
}
