import type { Endpoint } from '../packet/types.js';
import type { Direction, TcpEventType } from '../tcp/types.js';
import type { HeaderField, HttpRequestHead, HttpResponseHead } from '../http/types.js';
import type { OpcodeName } from '../websocket/types.js';
import type { Finding } from '../findings/index.js';
import type { CaptureFormat } from '../capture/types.js';

/**
 * The analysis model: what report/, cli/ and tui/ read. Nothing downstream of analysis/ sees bytes
 * other than the payloads kept here (already unmasked, and cut to the retention limit).
 */

export interface HandshakeModel {
  request: HttpRequestHead;
  response: HttpResponseHead | null;
  key: string | null;
  accept: string | null;
  /** null when there is no key or no response to check. */
  acceptValid: boolean | null;
  subprotocol: string | null;
  extensions: string[];
  /** ws:// URL built from Host and the request target, as a user would type it. */
  url: string;
}

export interface FrameModel {
  index: number;
  ts: number;
  /** The packet that completed the frame. */
  packet: number;
  direction: Direction;
  fin: boolean;
  rsv: number;
  opcode: number;
  opcodeName: OpcodeName;
  masked: boolean;
  maskKey: string | null;
  payloadLength: number;
  headerLength: number;
  lengthEncoding: 7 | 16 | 64;
  /** Unmasked payload bytes kept (first `retainBytes` unless --payload full). */
  payload: Buffer;
  /** True when `payload` is shorter than the frame's payload. */
  payloadTruncated: boolean;
  close?: { code: number | null; reason: string };
  packets: number[];
}

export interface MessageModel {
  index: number;
  ts: number;
  direction: Direction;
  opcode: 1 | 2;
  /** Indexes of the frames (FrameModel.index) that made the message. */
  frames: number[];
  /** Message length (inflated length when compressed and inflation worked). */
  length: number;
  compressed: boolean;
  /** Message body kept (first `retainBytes` unless --payload full). */
  data: Buffer;
  truncated: boolean;
  /** The whole body is a JSON object or array (payload-view.ts). */
  json: boolean;
}

export interface ConnectionModel {
  id: number;
  client: Endpoint;
  server: Endpoint;
  start: number;
  end: number;
  /** Packets and payload bytes seen per direction. */
  packets: { client: number; server: number };
  bytes: { client: number; server: number };
  handshake: HandshakeModel | null;
  frames: FrameModel[];
  messages: MessageModel[];
  findings: Finding[];
  /** True when the connection carried a WebSocket upgrade attempt or WebSocket frames. */
  isWebSocket: boolean;
  /** TCP, HTTP and WebSocket events in one list, ordered by time, then packet. */
  events: TimelineEvent[];
  /** How the connection ended. */
  close: CloseModel;
  /** Whether heartbeats (Ping/Pong, TCP keep-alives) flowed. */
  heartbeat: HeartbeatModel;
}

/**
 * What the analysis knows of the whole capture once it is read. An analysis that hands each connection over as
 * it ends (AnalyzeOptions.onConnectionEnd) gives only this: keeping a million ended connections would make
 * memory grow with the capture.
 */
export interface CaptureOverview {
  files: string[];
  format: CaptureFormat;
  packets: number;
  linkTypes: number[];
  /** Every TCP connection read, WebSocket or not (like Wireshark's tcp.stream count). */
  tcpConnections: number;
  /** The TCP connections that carried a WebSocket upgrade attempt or WebSocket frames. */
  webSocketConnections: number;
  findings: Finding[];
}

/** The whole analysis: the overview and every TCP connection's model, in id order. */
export interface CaptureModel extends CaptureOverview {
  connections: ConnectionModel[];
}

export type { HeaderField };

/**
 * The connection's timeline (one ordered list joining TCP, HTTP and WebSocket events), and the answers built
 * from it: how the connection closed, and whether heartbeats flowed. Report schema: docs/report.schema.json.
 */
/** TCP stage events keep their names; HTTP, WebSocket and derived (idle) events join them. */
export type TimelineEventType =
  | TcpEventType
  | 'http-request'
  | 'http-response'
  | 'ws-open'
  | 'ws-frame'
  | 'ws-message'
  | 'ping'
  | 'pong'
  | 'ws-close'
  | 'idle';

export interface TimelineEvent {
  ts: number;
  type: TimelineEventType;
  /** The sender; null for events that belong to no side (idle). */
  direction: Direction | null;
  /** The packet the event comes from; null for derived events (idle). */
  packet: number | null;
  /** ws-frame, ping, pong, ws-close: FrameModel.index. */
  frame?: number;
  /** ws-message: MessageModel.index. */
  message?: number;
  /** http-request: method and target; http-response: status. */
  method?: string;
  target?: string;
  status?: number;
  /** ws-frame, ws-message, ping, pong: payload (message: body) length. */
  length?: number;
  /** gap: bytes never captured. */
  bytesMissing?: number;
  /** pong that answers a ping: time since that ping. */
  rttMs?: number;
  /** ws-close: the close code and reason. */
  code?: number | null;
  reason?: string;
  /** idle: how long nothing but keepalives flowed. */
  idleS?: number;
}

export interface CloseModel {
  initiator: Direction | null;
  clientCode: number | null;
  serverCode: number | null;
  reason: string;
  /** RFC 6455 §7.1.4: both close frames, then the TCP connection ends with FIN. */
  clean: boolean;
  closeToReplyMs: number | null;
  closeToTcpEndMs: number | null;
  tcpEnd: 'fin' | 'rst' | 'open';
  tcpEndBy: Direction | null;
}

export interface HeartbeatModel {
  pings: number;
  pongs: number;
  unanswered: number;
  rttMs: { min: number; median: number; max: number } | null;
  pingIntervalS: { median: number; max: number } | null;
  keepalives: number;
  keepaliveIntervalS: { median: number; max: number } | null;
  /** Longest time with no payload in either direction. */
  longestIdleS: number;
}
