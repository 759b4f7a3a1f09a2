import type { CaptureModel, ConnectionModel, FrameModel, MessageModel } from '../analysis/index.js';
import type { Finding } from '../findings/index.js';
import { completeUtf8Prefix, encodePayload, PREVIEW_BYTES, type EncodedPayload, type PayloadMode } from './payload.js';
import { lazyArray } from './stream.js';

/** Version of the JSON report's shape (docs/report.schema.json). Bump only on incompatible changes. */
export const SCHEMA_VERSION = 1;

export interface ReportOptions {
  payload: PayloadMode;
  toolVersion: string;
  /** List every TCP connection, not only those with WebSocket traffic or an upgrade attempt. */
  allTcp: boolean;
}

type FrameJson = Omit<FrameModel, 'payload' | 'payloadTruncated' | 'lengthEncoding'> & { payload?: EncodedPayload };

interface MessageJson extends Omit<MessageModel, 'data' | 'truncated'> {
  text?: string;
  data?: string;
  truncated?: boolean;
}

function previewLimit(mode: PayloadMode): number | null {
  return mode === 'preview' ? PREVIEW_BYTES : null;
}

/**
 * Written out field by field, in the report's order: a rest pattern (`{ payload, ...header } = frame`) costs
 * several times the literal, and the report makes one of these per frame.
 */
function frameJson(frame: FrameModel, mode: PayloadMode): FrameJson {
  const json: FrameJson = {
    index: frame.index,
    ts: frame.ts,
    packet: frame.packet,
    direction: frame.direction,
    fin: frame.fin,
    rsv: frame.rsv,
    opcode: frame.opcode,
    opcodeName: frame.opcodeName,
    masked: frame.masked,
    maskKey: frame.maskKey,
    payloadLength: frame.payloadLength,
    headerLength: frame.headerLength,
    packets: frame.packets,
  };
  if (mode !== 'none') json.payload = encodePayload(frame.payload, frame.payloadTruncated, previewLimit(mode));
  if (frame.close) json.close = frame.close;
  return json;
}

function messageJson(message: MessageModel, mode: PayloadMode): MessageJson {
  const { data, truncated } = message;
  // Field by field, like frameJson.
  const json: MessageJson = {
    index: message.index,
    ts: message.ts,
    direction: message.direction,
    opcode: message.opcode,
    frames: message.frames,
    length: message.length,
    compressed: message.compressed,
    json: message.json,
  };
  if (mode === 'none') return json;
  const limit = previewLimit(mode);
  const shown = limit !== null && data.length > limit ? data.subarray(0, limit) : data;
  const cut = truncated || shown.length < data.length;
  if (message.opcode === 1) {
    // A text message that is not valid UTF-8 is a finding of its own; the report still shows it, lossily decoded.
    json.text = (cut ? completeUtf8Prefix(shown) : shown).toString('utf8');
  } else {
    json.data = shown.toString('base64');
  }
  json.truncated = cut;
  return json;
}

/**
 * Items of a connection's lists stringified together (LazyArray.batch): events and findings are small, and so
 * are frames and messages unless they carry every payload byte.
 */
const SMALL_ITEM_BATCH = 64;

export function connectionJson(connection: ConnectionModel, mode: PayloadMode) {
  const { handshake } = connection;
  const payloadBatch = mode === 'full' ? 1 : SMALL_ITEM_BATCH;
  return {
    id: connection.id,
    client: connection.client,
    server: connection.server,
    start: connection.start,
    end: connection.end,
    packets: connection.packets,
    bytes: connection.bytes,
    handshake: handshake && {
      request: handshake.request,
      response: handshake.response,
      url: handshake.url,
      key: handshake.key,
      accept: handshake.accept,
      acceptValid: handshake.acceptValid,
      subprotocol: handshake.subprotocol,
      extensions: handshake.extensions,
    },
    // Lazy: a report with every payload byte is written item by item (stream.ts).
    frames: lazyArray(connection.frames, (frame) => frameJson(frame, mode), payloadBatch),
    messages: lazyArray(connection.messages, (message) => messageJson(message, mode), payloadBatch),
    events: lazyArray(connection.events, (event) => event, SMALL_ITEM_BATCH),
    close: connection.close,
    heartbeat: connection.heartbeat,
    findings: lazyArray(connection.findings satisfies Finding[], (finding) => finding, SMALL_ITEM_BATCH),
  };
}

export type ConnectionJson = ReturnType<typeof connectionJson>;

export interface ReportDocument {
  schemaVersion: typeof SCHEMA_VERSION;
  tool: { name: 'wsdissect'; version: string };
  capture: { files: string[]; format: string; packets: number; linkTypes: number[] };
  connections: ConnectionJson[];
  findings: Finding[];
}

/** Turns the analysis model into the report document (plain data, ready for JSON.stringify). */
export function buildReport(model: CaptureModel, options: ReportOptions): ReportDocument {
  const listed = options.allTcp ? model.connections : model.connections.filter((c) => c.isWebSocket);
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'wsdissect', version: options.toolVersion },
    capture: { files: model.files, format: model.format, packets: model.packets, linkTypes: model.linkTypes },
    connections: listed.map((connection) => connectionJson(connection, options.payload)),
    findings: model.findings,
  };
}
