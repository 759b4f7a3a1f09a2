import type { Segment } from '../packet/types.js';
import type { Direction, StreamChunk, TcpConnectionInfo, TcpConnectionSink, TcpEvent } from '../tcp/types.js';
import { HttpUpgradeTracker } from '../http/index.js';
import type { HttpRequestHead, HttpResponseHead } from '../http/types.js';
import {
  FrameParser,
  MessageAssembler,
  negotiateDeflate,
  opcodeName,
  parseClosePayload,
  parseExtensionHeader,
} from '../websocket/index.js';
import { headerValues } from '../http/index.js';
import type { Frame, Message } from '../websocket/types.js';
import { Opcode } from '../websocket/types.js';
import { finding, type FindingCode } from '../findings/index.js';
import { applyResponse, handshakeFromRequest, isHandshakeAttempt } from './handshake.js';
import { requestFindings } from './handshake-checks.js';
import { FrameRules } from './violations.js';
import { isJsonBody } from './payload-view.js';
import type { ConnectionModel, FrameModel, MessageModel } from './model.js';

export interface ConnectionOptions {
  /** Payload bytes kept per frame and message in the model; null keeps all of them. */
  retainBytes: number | null;
  /** Largest message body (after inflation) decoded; beyond it the message is cut, with a finding. */
  maxMessageBytes: number;
}

/** Copies the kept prefix so the model never pins the capture's read buffers in memory. */
function retain(bytes: Buffer, limit: number | null): Buffer {
  const kept = limit === null || bytes.length <= limit ? bytes : bytes.subarray(0, limit);
  return Buffer.from(kept);
}

interface WebSocketSide {
  parser: FrameParser;
  assembler: MessageAssembler;
  /** Decoding stopped after bytes were lost (resynchronization comes with the timeline work). */
  lost: boolean;
}

/**
 * Follows one TCP connection through HTTP and WebSocket and builds its ConnectionModel. It is the sink the TCP
 * stage feeds; it owns the connection's HTTP tracker and, after the 101, one frame parser and message
 * assembler per direction.
 */
export class ConnectionAnalyzer implements TcpConnectionSink {
  readonly model: ConnectionModel;
  private readonly http: HttpUpgradeTracker;
  private readonly frameIndex = new WeakMap<Frame, number>();
  /** Directions whose reassembly buffer overflowed (one finding each is enough). */
  private readonly overflowed = new Set<Direction>();
  private sides: Record<Direction, WebSocketSide> | null = null;
  private rules: FrameRules | null = null;

  constructor(
    info: TcpConnectionInfo,
    private readonly options: ConnectionOptions,
  ) {
    this.model = {
      id: info.id,
      client: info.client,
      server: info.server,
      start: info.firstTs,
      end: info.firstTs,
      packets: { client: 0, server: 0 },
      bytes: { client: 0, server: 0 },
      handshake: null,
      frames: [],
      messages: [],
      findings: [],
      isWebSocket: false,
    };
    this.http = new HttpUpgradeTracker({
      onRequest: (request) => this.onRequest(request),
      onResponse: (response, request) => this.onResponse(response, request),
      onSwitch: (response) => this.onSwitch(response),
      onWebSocketData: (chunk) => this.onWebSocketData(chunk),
      onWebSocketGap: (direction, bytesMissing, ts, packet) => this.onWebSocketGap(direction, bytesMissing, ts, packet),
      onOpaqueData: () => {},
      onProblem: (code, message, where) => this.report(code, message, where),
    });
  }

  onSegment(segment: Segment, direction: Direction): void {
    this.model.packets[direction]++;
    this.model.bytes[direction] += segment.payloadLength;
    this.model.end = segment.ts;
  }

  onChunk(chunk: StreamChunk): void {
    this.http.push(chunk);
  }

  onEvent(event: TcpEvent): void {
    if (event.overflow) this.reportOverflow(event);
    if (event.type === 'gap') this.http.gap(event.direction, event.bytesMissing ?? 0, event.ts, event.packet);
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
        side.assembler.finish();
      }
    }
    this.sides = null;
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
    if (!isHandshakeAttempt(this.model.handshake, request)) return;
    this.model.handshake = handshakeFromRequest(request, this.model.server);
    this.model.isWebSocket = true;
    this.model.findings.push(...requestFindings(request));
  }

  private onResponse(response: HttpResponseHead, request: HttpRequestHead | null): void {
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
    const side = (direction: Direction): WebSocketSide => ({
      parser: new FrameParser(direction, (frame) => this.onFrame(frame), { maxPayloadKeep: this.options.maxMessageBytes }),
      assembler: new MessageAssembler(direction, {
        deflate,
        maxMessageBytes: this.options.maxMessageBytes,
        onMessage: (message) => this.onMessage(message),
        onProblem: (code, message, frame) =>
          this.report(code, message, { ts: frame.ts, packet: frame.packet, frame: this.frameIndex.get(frame) }),
      }),
      lost: false,
    });
    this.sides = { client: side('client'), server: side('server') };
  }

  private onWebSocketData(chunk: StreamChunk): void {
    const side = this.sides?.[chunk.direction];
    if (!side || side.lost) return;
    side.parser.push(chunk.data, chunk.offset, chunk.ts, chunk.packet);
  }

  private onWebSocketGap(direction: Direction, bytesMissing: number, ts: number, packet: number): void {
    const side = this.sides?.[direction];
    if (!side || side.lost) return;
    side.lost = true;
    side.parser.reset();
    this.report(
      'websocket-gap',
      `${bytesMissing} bytes from the ${direction} were not captured; decoding of that direction stopped.`,
      { ts, packet },
    );
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
    if (this.rules) this.model.findings.push(...this.rules.check(frame, index));
    this.sides?.[frame.direction].assembler.push(frame);
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
  }
}
