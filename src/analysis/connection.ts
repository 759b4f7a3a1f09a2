import type { Segment } from '../packet/types.js';
import type { Direction, StreamChunk, TcpConnectionInfo, TcpConnectionSink, TcpEvent } from '../tcp/types.js';
import { HttpUpgradeTracker } from '../http/index.js';
import type { HttpRequestHead, HttpResponseHead } from '../http/types.js';
import { negotiateDeflate, opcodeName, parseClosePayload, parseExtensionHeader } from '../websocket/index.js';
import { headerValues } from '../http/index.js';
import type { Frame, Message } from '../websocket/types.js';
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
  private readonly http: HttpUpgradeTracker;
  private readonly frameIndex = new WeakMap<Frame, number>();
  /** Directions whose reassembly buffer overflowed (one finding each is enough). */
  private readonly overflowed = new Set<Direction>();
  private sides: Partial<Record<Direction, WebSocketDirection>> | null = null;
  /** Directions decoded without a handshake (their gaps do not pass through the HTTP tracker). */
  private readonly midStream = new Set<Direction>();
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
      close: closeModel([]),
      heartbeat: heartbeatModel([], matchPongs([]), 0),
    };
    this.timeline = new TimelineRecorder(info.firstTs, options.idleThresholdS);
    this.http = new HttpUpgradeTracker({
      onRequest: (request) => this.onRequest(request),
      onResponse: (response, request) => this.onResponse(response, request),
      onSwitch: (response) => this.onSwitch(response),
      onWebSocketData: (chunk) => this.onWebSocketData(chunk),
      onWebSocketGap: (direction, bytesMissing, ts, packet) => this.onWebSocketGap(direction, bytesMissing, ts, packet),
      onOpaqueData: (chunk) => this.onOpaqueData(chunk),
      onProblem: (code, message, where) => this.report(code, message, where),
    });
  }

  onSegment(segment: Segment, sender: Direction): void {
    const direction = this.role(sender);
    this.timeline.segment(segment, direction);
    this.model.packets[direction]++;
    this.model.bytes[direction] += segment.payloadLength;
    this.model.end = segment.ts;
  }

  onChunk(chunk: StreamChunk): void {
    this.http.push(this.swapped ? { ...chunk, direction: this.role(chunk.direction) } : chunk);
  }

  onEvent(tcpEvent: TcpEvent): void {
    const event = this.swapped ? { ...tcpEvent, direction: this.role(tcpEvent.direction) } : tcpEvent;
    this.timeline.tcpEvent(event);
    if (event.overflow) this.reportOverflow(event);
    if (event.type !== 'gap') return;
    const bytesMissing = event.bytesMissing ?? 0;
    // The HTTP tracker drops gaps of bytes it hands on raw; a direction decoded mid-stream needs them.
    if (this.midStream.has(event.direction)) this.sides?.[event.direction]?.gap(bytesMissing, event.ts, event.packet);
    else this.http.gap(event.direction, bytesMissing, event.ts, event.packet);
  }

  onEvicted(ts: number): void {
    this.report('connection-evicted', 'Still open when too many connections were open at once: no longer followed (--max-connections).', { ts });
  }

  onEnd(ts: number): void {
    this.http.end();
    if (this.model.handshake && !this.model.handshake.response && this.model.handshake.request) {
      const { request } = this.model.handshake;
      this.report('no-upgrade-response', `No response to the upgrade request for ${request.target}.`, request);
    }
    if (this.sides) {
      for (const side of Object.values(this.sides)) {
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
    }
    this.sides = null;
    const { events, close, heartbeat, findings } = this.timeline.finish(this.model.end);
    Object.assign(this.model, { events, close, heartbeat });
    this.model.findings.push(...findings);
    this.options.onEnd?.(this.model);
  }

  private role(direction: Direction): Direction {
    if (!this.swapped) return direction;
    return direction === 'client' ? 'server' : 'client';
  }

  private reportOverflow({ direction, ts, packet }: TcpEvent): void {
    if (this.overflowed.has(direction)) return;
    this.overflowed.add(direction);
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
    const side = (direction: Direction) => WebSocketDirection.afterUpgrade({ ...this.directionOptions(direction), deflate });
    this.sides = { client: side('client'), server: side('server') };
  }

  private directionOptions(direction: Direction): Omit<WebSocketDirectionOptions, 'deflate'> {
    return {
      direction,
      maxMessageBytes: this.options.maxMessageBytes,
      skipDataPayloads: this.options.skipDataPayloads,
      onFrame: (frame) => this.onFrame(frame),
      onMessage: (message) => this.onMessage(message),
      onProblem: (code, message, frame) => this.report(code, message, { ts: frame.ts, packet: frame.packet, frame: this.frameIndex.get(frame) }),
      report: (code, message, where) => this.report(code, message, where),
    };
  }

  private onWebSocketData(chunk: StreamChunk): void {
    this.sides?.[chunk.direction]?.push(chunk);
  }

  private onWebSocketGap(direction: Direction, bytesMissing: number, ts: number, packet: number): void {
    this.sides?.[direction]?.gap(bytesMissing, ts, packet);
  }

  /**
   * Bytes the HTTP tracker could not read as HTTP: a capture that began after the upgrade (or lost it in a
   * gap) may still hold WebSocket frames; each direction is searched for them.
   */
  private onOpaqueData(chunk: StreamChunk): void {
    const { direction } = chunk;
    if (!this.midStream.has(direction)) {
      if (this.sides?.[direction]) return; // after a 101: a direction that already has a decoder
      const forced = this.options.wsPort !== undefined && this.model.server.port === this.options.wsPort;
      this.sides = { ...this.sides, [direction]: WebSocketDirection.midStream(this.directionOptions(direction), forced) };
      this.midStream.add(direction);
    }
    this.sides?.[direction]?.push(chunk);
  }

  private onFrame(frame: Frame): void {
    const index = this.model.frames.length;
    this.frameIndex.set(frame, index);
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
      maskKey: frame.maskKey ? frame.maskKey.toString('hex') : null,
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
    if (this.rules) this.model.findings.push(...this.rules.check(frame, index));
    this.sides?.[frame.direction]?.assembler.push(frame);
  }

  private onMessage(message: Message): void {
    const model: MessageModel = {
      index: this.model.messages.length,
      ts: message.ts,
      direction: message.direction,
      opcode: message.opcode,
      frames: message.frames.map((frame) => this.frameIndex.get(frame) ?? -1),
      length: message.data.length,
      compressed: message.compressed,
      data: retain(message.data, this.options.retainBytes),
      truncated: message.truncated || (this.options.retainBytes !== null && message.data.length > this.options.retainBytes),
      json: !message.truncated && isJsonBody(message.data),
    };
    this.model.messages.push(model);
    this.timeline.message(model, message.packet);
  }
}
