import type { CloseModel, ConnectionModel, FrameModel, HeartbeatModel, MessageModel, TimelineEvent } from '../../src/analysis/index.js';

/** A frame with every field set; tests override what they look at. */
export function frame(index: number, fields: Partial<FrameModel> = {}): FrameModel {
  const payload = fields.payload ?? Buffer.alloc(0);
  return {
    index,
    ts: 1000 + index,
    packet: 10 + index,
    direction: 'client',
    fin: true,
    rsv: 0,
    opcode: 1,
    opcodeName: 'text',
    masked: true,
    maskKey: '01020304',
    payloadLength: payload.length,
    headerLength: 6,
    lengthEncoding: 7,
    payload,
    payloadTruncated: false,
    packets: [10 + index],
    ...fields,
  };
}

export function message(index: number, fields: Partial<MessageModel> = {}): MessageModel {
  const data = fields.data ?? Buffer.alloc(0);
  return { index, ts: 1000 + index, direction: 'client', opcode: 1, frames: [index], length: data.length, compressed: false, data, truncated: false, json: false, ...fields };
}

export function event(type: TimelineEvent['type'], ts: number, fields: Partial<TimelineEvent> = {}): TimelineEvent {
  return { ts, type, direction: 'client', packet: null, ...fields };
}

export const CLEAN_CLOSE: CloseModel = {
  initiator: 'client',
  clientCode: 1000,
  serverCode: 1000,
  reason: 'bye',
  clean: true,
  closeToReplyMs: 1.5,
  closeToTcpEndMs: 2.5,
  tcpEnd: 'fin',
  tcpEndBy: 'server',
};

export const NO_HEARTBEAT: HeartbeatModel = {
  pings: 0,
  pongs: 0,
  unanswered: 0,
  rttMs: null,
  pingIntervalS: null,
  keepalives: 0,
  keepaliveIntervalS: null,
  longestIdleS: 0,
};

/** A connection model built from the parts a test cares about. */
export function connection(parts: Partial<ConnectionModel> = {}): ConnectionModel {
  return {
    id: 7,
    client: { ip: '10.0.0.1', port: 50000 },
    server: { ip: '10.0.0.2', port: 80 },
    start: 1000,
    end: 1010,
    packets: { client: 3, server: 2 },
    bytes: { client: 300, server: 200 },
    handshake: null,
    frames: [],
    messages: [],
    findings: [],
    isWebSocket: true,
    events: [],
    close: CLEAN_CLOSE,
    heartbeat: NO_HEARTBEAT,
    ...parts,
  };
}
