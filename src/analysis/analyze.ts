import { readCaptures } from '../capture/index.js';
import type { CaptureError } from '../capture/types.js';
import { decodePacket } from '../packet/index.js';
import type { SkipReason } from '../packet/types.js';
import { TcpTracker } from '../tcp/index.js';
import { finding, type Finding, type FindingCode } from '../findings/index.js';
import { ConnectionAnalyzer } from './connection.js';
import type { CaptureModel, ConnectionModel } from './model.js';

export interface AnalyzeOptions {
  /** Payload bytes kept per frame and message in the model; null keeps all of them. */
  retainBytes: number | null;
  /** Largest message body decoded (default 64 MiB). */
  maxMessageBytes?: number;
  /** Out-of-order TCP bytes held per connection direction before the hole is declared a gap (default 16 MiB). */
  maxBufferBytes?: number;
  /** Most TCP connections followed at once (default 100,000): past it the oldest open one is let go, with a finding. */
  maxOpenConnections?: number;
  /** Quiet periods longer than this many seconds become idle events in the timeline (default 30). */
  idleThresholdS?: number;
  /** WebSocket runs on this port: that side is the server, and connections without a handshake are decoded as WebSocket. */
  wsPort?: number;
  /**
   * Pass over data frames' payloads: they are not unmasked, kept, inflated or checked. Frames, messages (their
   * count, opcodes, directions, frames), events, close and heartbeat come out the same, at a fraction of the
   * work; message lengths, `json`, payloads and the findings about payload contents (invalid UTF-8, inflation
   * failures) do not. For output that shows none of those (summary).
   */
  skipDataPayloads?: boolean;
  /**
   * Called once for each TCP connection as soon as it is over (both FINs, an RST, or the end of the capture),
   * in the order connections end, with its finished model. Afterwards the model keeps only the connection's
   * own fields (endpoints, times, counts, handshake, close, heartbeat, isWebSocket) and drops its frames,
   * messages, events and findings, so that memory does not grow with the capture: a caller that needs them
   * writes them out here, or keeps the arrays.
   */
  onConnectionEnd?: (connection: ConnectionModel) => void;
  /** Called as the files are read; `found` counts packets read and TCP connections seen so far. */
  onProgress?: (bytesRead: number, totalBytes: number, found: { packets: number; connections: number }) => void;
}

export interface AnalysisResult {
  model: CaptureModel;
  /** What stopped reading early; the model holds everything read before it. */
  error: CaptureError | null;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_BUFFER_BYTES = 16 * 1024 * 1024;
/** Open connections followed at once: about 5 KB each, so ~0.5 GB at the limit (a SYN flood stays bounded). */
export const DEFAULT_MAX_OPEN_CONNECTIONS = 100_000;

/** Skipped packets that deserve a capture-level finding; the others (not TCP, not IP) are simply not ours. */
const SKIP_FINDINGS: Partial<Record<SkipReason, FindingCode>> = {
  'ip-fragment': 'ip-fragment-skipped',
  'unsupported-link-type': 'unsupported-link-type',
};

interface SkipCount {
  count: number;
  firstPacket: number;
  ts: number;
}

function captureFindings(skips: Map<FindingCode, SkipCount>, snaplenCut: SkipCount | null, error: CaptureError | null): Finding[] {
  const findings: Finding[] = [];
  for (const [code, { count, firstPacket, ts }] of skips) {
    findings.push(finding(code, `${count} packet${count === 1 ? '' : 's'} skipped (first: packet ${firstPacket}).`, { ts, packet: firstPacket }));
  }
  if (snaplenCut) {
    const { count, firstPacket, ts } = snaplenCut;
    findings.push(finding('packet-cut-by-snaplen', `${count} TCP segment${count === 1 ? ' was' : 's were'} captured short (first: packet ${firstPacket}).`, { ts, packet: firstPacket }));
  }
  // The message already names the file and the byte offset.
  if (error?.kind === 'damaged') findings.push(finding('capture-damaged', error.message));
  return findings;
}

function countSkip(counts: Map<FindingCode, SkipCount>, code: FindingCode, packet: number, ts: number): void {
  const entry = counts.get(code);
  if (entry) entry.count++;
  else counts.set(code, { count: 1, firstPacket: packet, ts });
}

/** Hands an ended connection to `onConnectionEnd`, then lets go of its per-frame lists. */
function afterEnd(onConnectionEnd: (connection: ConnectionModel) => void): (connection: ConnectionModel) => void {
  return (connection) => {
    onConnectionEnd(connection);
    connection.frames = [];
    connection.messages = [];
    connection.events = [];
    connection.findings = [];
  };
}

/** Reads the captures once, start to end, and builds the analysis model of every TCP connection in them. */
export async function analyzeCaptures(files: string[], options: AnalyzeOptions): Promise<AnalysisResult> {
  const connections: ConnectionModel[] = [];
  const connectionOptions = {
    retainBytes: options.retainBytes,
    maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    idleThresholdS: options.idleThresholdS,
    wsPort: options.wsPort,
    skipDataPayloads: options.skipDataPayloads,
    onEnd: options.onConnectionEnd && afterEnd(options.onConnectionEnd),
  };
  const tracker = new TcpTracker(
    (info) => {
      const analyzer = new ConnectionAnalyzer(info, connectionOptions);
      connections.push(analyzer.model);
      return analyzer;
    },
    { maxBufferBytes: options.maxBufferBytes ?? DEFAULT_MAX_BUFFER_BYTES, maxOpenConnections: options.maxOpenConnections ?? DEFAULT_MAX_OPEN_CONNECTIONS },
  );
  const skips = new Map<FindingCode, SkipCount>();
  let snaplenCut: SkipCount | null = null;
  let packets = 0;
  const { onProgress } = options;

  const read = await readCaptures(
    files,
    (packet) => {
      packets = packet.number;
      const decoded = decodePacket(packet);
      if (decoded.kind === 'skipped') {
        const code = SKIP_FINDINGS[decoded.reason];
        if (code) countSkip(skips, code, packet.number, packet.ts);
        return;
      }
      const { segment } = decoded;
      if (segment.payload.length < segment.payloadLength) {
        if (snaplenCut) snaplenCut.count++;
        else snaplenCut = { count: 1, firstPacket: segment.packet, ts: segment.ts };
      }
      tracker.push(segment);
    },
    { onProgress: onProgress && ((bytesRead, totalBytes) => onProgress(bytesRead, totalBytes, { packets, connections: connections.length })) },
  );
  tracker.finish();
  connections.sort((a, b) => a.id - b.id);

  return {
    model: {
      files,
      format: read.format,
      packets: read.packets,
      linkTypes: read.linkTypes,
      connections,
      findings: captureFindings(skips, snaplenCut, read.error),
    },
    error: read.error,
  };
}
