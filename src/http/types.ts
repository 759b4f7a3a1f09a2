import type { Direction, StreamChunk } from '../tcp/types.js';
import type { FindingCode } from '../findings/table.js';

/** One header as it appeared, order and spelling kept. */
export type HeaderField = [name: string, value: string];

export interface HttpRequestHead {
  ts: number;
  packet: number;
  method: string;
  target: string;
  version: string;
  headers: HeaderField[];
}

export interface HttpResponseHead {
  ts: number;
  packet: number;
  version: string;
  status: number;
  reason: string;
  headers: HeaderField[];
}

/** What the HTTP stage hands downstream for one connection. Calls arrive in capture order. */
export interface HttpSink {
  onRequest(request: HttpRequestHead): void;
  /** `request` is the request this response answers, or null when the capture holds none. */
  onResponse(response: HttpResponseHead, request: HttpRequestHead | null): void;
  /** The 101 switched this connection to WebSocket: every later byte of both directions goes to onWebSocketData. */
  onSwitch(response: HttpResponseHead): void;
  onWebSocketData(chunk: StreamChunk): void;
  /** Bytes of the WebSocket stream that the capture lost (after the switch, gaps are passed on, not judged). */
  onWebSocketGap?(direction: Direction, bytesMissing: number, ts: number, packet: number): void;
  /** A direction's bytes are not HTTP (capture started mid-stream, or another protocol); data handed on raw. */
  onOpaqueData(chunk: StreamChunk): void;
  /** Malformed heads, bodies cut by gaps etc., as finding codes from src/findings/table.ts. */
  onProblem(code: FindingCode, message: string, where: { ts: number; packet: number }): void;
}

export interface HttpTrackerOptions {
  /** Longest message head (start line, fields, empty line) parsed; a longer one ends HTTP parsing of its direction. Default 64 KiB. */
  maxHeadBytes?: number;
  /** Most client bytes held between an upgrade (or CONNECT) request and its answer. Default 1 MiB. */
  maxEarlyDataBytes?: number;
}
