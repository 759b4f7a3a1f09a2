import type { ConnectionModel, FrameModel } from '../analysis/index.js';
import { formatTable, payloadPreview } from '../report/index.js';

const RSV_NAMES: Array<[bit: number, name: string]> = [
  [4, 'RSV1'],
  [2, 'RSV2'],
  [1, 'RSV3'],
];

function info(frame: FrameModel): string {
  if (frame.close) {
    const reason = frame.close.reason ? ` ${payloadPreview(Buffer.from(frame.close.reason), 40)}` : '';
    return `code ${frame.close.code ?? 'none'}${reason}`;
  }
  return frame.payloadLength === 0 ? '' : payloadPreview(frame.payload, 60);
}

function flags(frame: FrameModel): string {
  const names = [frame.fin ? 'FIN' : '', ...RSV_NAMES.map(([bit, name]) => (frame.rsv & bit ? name : ''))];
  return names.filter(Boolean).join(',') || '-';
}

/**
 * One line per frame, like tshark's packet list: time since the first connection's start, connection, sender,
 * the packet that completed the frame, opcode, flags, mask, length and a safe preview of the payload.
 */
export function formatFrames(connections: ConnectionModel[]): string {
  const origin = connections.reduce((min, c) => Math.min(min, c.start), Infinity);
  const rows: string[][] = [];
  for (const connection of connections) {
    for (const frame of connection.frames) {
      rows.push([
        String(frame.packet),
        (frame.ts - origin).toFixed(6),
        String(connection.id),
        frame.direction === 'client' ? 'C→S' : 'S→C',
        frame.opcodeName,
        flags(frame),
        frame.masked ? 'yes' : 'no',
        String(frame.payloadLength),
        info(frame),
      ]);
    }
  }
  rows.sort((a, b) => Number(a[0]) - Number(b[0]));
  if (rows.length === 0) return '(no WebSocket frames)';
  const header = ['PACKET', 'TIME', 'CONN', 'DIR', 'OPCODE', 'FLAGS', 'MASK', 'LENGTH', 'INFO'];
  return formatTable(header, rows, new Set([0, 1, 2, 7]));
}
