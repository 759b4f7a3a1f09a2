import { readCaptures } from '../capture/index.js';
import type { CaptureError } from '../capture/types.js';
import { decodePacket } from '../packet/index.js';
import type { SkipReason } from '../packet/types.js';
import { TcpTracker } from '../tcp/index.js';
import { finding, type Finding, type FindingCode } from '../findings/index.js';
import { ConnectionAnalyzer } from './connection.js';
import type { CaptureModel, CaptureOverview, ConnectionModel } from './model.js';

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
   * in the order connections end, with its finished model, which the analysis then forgets: the result is a
   * CaptureOverview without the connections, so that memory does not grow with the capture (a million ended
   * connections). A caller that needs a connection later writes it out here, or keeps what it needs.
   */
  onConnectionEnd?: ConnectionEndHandler;
  /** Called as the files are read; `found` counts packets read and TCP connections seen so far. */
  onProgress?: (bytesRead: number, totalBytes: number, found: { packets: number; connections: number }) => void;
}

export type ConnectionEndHandler = (connection: ConnectionModel) => void;

/**
 * What an analysis with options O gives: the connections handed to onConnectionEnd are not kept. Options whose
 * type may hold an onConnectionEnd (AnalyzeOptions itself) give the overview, so no caller reads a list of
 * connections that was never kept.
 */
export type AnalyzedModel<O extends AnalyzeOptions> = 'onConnectionEnd' extends keyof O
  ? O['onConnectionEnd'] extends undefined
    ? CaptureModel
    : CaptureOverview
  : CaptureModel;

export interface AnalysisResult<Model extends CaptureOverview = CaptureModel> {
  model: Model;
  /** What stopped reading early; the model holds everything read before it. */
  error: CaptureError | null;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_BUFFER_BYTES = 16 * 1024 * 1024;
/**
 * Open connections followed at once, so that a SYN flood stays bounded: a bare SYN costs about 4.7 KB of heap
 * while open (TCP stage 1.7 KB, analysis 3 KB), ~0.5 GB live at the limit, and V8 promotes that state before it
 * ends, so peak RSS is several times more (2.6 GB for 1,000,000 SYNs).
 */
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

/**
 * Reads the captures once, start to end, and builds the analysis model of every TCP connection in them: kept in
 * the result (CaptureModel), or handed to `onConnectionEnd` as each ends and then forgotten (CaptureOverview).
 */
export async function analyzeCaptures<O extends AnalyzeOptions>(files: string[], options: O): Promise<AnalysisResult<AnalyzedModel<O>>> {
  const { onConnectionEnd } = options;
  /** Every connection's model, unless they are handed over as they end. */
  const connections: ConnectionModel[] | null = onConnectionEnd ? null : [];
  let tcpConnections = 0;
  let webSocketConnections = 0;
  const connectionOptions = {
    retainBytes: options.retainBytes,
    maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    idleThresholdS: options.idleThresholdS,
    wsPort: options.wsPort,
    skipDataPayloads: options.skipDataPayloads,
    onEnd: (connection: ConnectionModel) => {
      // Counted once the connection is over: it may turn out to be WebSocket at its last byte.
      if (connection.isWebSocket) webSocketConnections++;
      onConnectionEnd?.(connection);
    },
  };
  const tracker = new TcpTracker(
    (info) => {
      tcpConnections++;
      const analyzer = new ConnectionAnalyzer(info, connectionOptions);
      connections?.push(analyzer.model);
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
    { onProgress: onProgress && ((bytesRead, totalBytes) => onProgress(bytesRead, totalBytes, { packets, connections: tcpConnections })) },
  );
  tracker.finish();

  const overview: CaptureOverview = {
    files,
    format: read.format,
    packets: read.packets,
    linkTypes: read.linkTypes,
    tcpConnections,
    webSocketConnections,
    findings: captureFindings(skips, snaplenCut, read.error),
  };
  const model = connections === null ? overview : { ...overview, connections: connections.sort((a, b) => a.id - b.id) };
  // The model's type follows from the options: a CaptureModel exactly when no onConnectionEnd took the connections.
  return { model: model as AnalyzedModel<O>, error: read.error };
}
