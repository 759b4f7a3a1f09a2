import type { ConnectionModel, FrameModel, HandshakeModel, HeaderField, MessageModel, TimelineEvent } from '../analysis/index.js';
import { FINDINGS, type Finding } from '../findings/index.js';
import { formatAbsoluteTime, formatDuration, formatEndpoint, sanitizeForTerminal } from '../report/index.js';
import { closeCodeMeaning } from './close-codes.js';
import { connectionEnding } from './connections.js';
import { eventFrame, eventLook, FOLDABLE, eventMessage, eventPreview, SEVERITY_COLOR } from './events.js';
import { hexLines, jsonLines, textLines, type PayloadView } from './payload-view.js';
import { hangingWrap, plain, type Line, type Span } from './text.js';

export interface DetailOptions {
  width: number;
  payloadView: PayloadView;
  /** JSON view: show every container instead of folding the deep ones. */
  jsonExpanded: boolean;
}

const LENGTH_ENCODING: Record<FrameModel['lengthEncoding'], string> = {
  7: '7-bit',
  16: '16-bit extended (126)',
  64: '64-bit extended (127)',
};

function heading(text: string): Line {
  return [{ text, bold: true }];
}

function field(name: string, value: string, color?: string): Span[] {
  return [{ text: `${name} `, color: 'gray' }, { text: value, color }, { text: '  ' }];
}

/** Wraps a line of plain text to the pane, keeping a style on every piece. */
function wrapped(text: string, width: number, style: Omit<Span, 'text'> = {}, indent = ''): Line[] {
  return hangingWrap(text, width, indent).map((piece) => plain(piece, style));
}

function when(connection: ConnectionModel, ts: number): Line {
  return [...field('time', `+${(ts - connection.start).toFixed(6)} s`), { text: formatAbsoluteTime(ts), color: 'gray' }];
}

function direction(connection: ConnectionModel, event: TimelineEvent): string {
  if (event.direction === null) return '';
  const [from, to] = event.direction === 'client' ? [connection.client, connection.server] : [connection.server, connection.client];
  return `${event.direction} ${formatEndpoint(from)} → ${formatEndpoint(to)}`;
}

/** RFC 6455 §5.2: every header field of the frame, as decoded. */
function frameLines(frame: FrameModel): Line[] {
  const rsv = (bit: number) => String((frame.rsv >> (3 - bit)) & 1);
  const lines: Line[] = [
    [
      ...field('FIN', frame.fin ? '1' : '0'),
      ...field('RSV1', rsv(1)),
      ...field('RSV2', rsv(2)),
      ...field('RSV3', rsv(3)),
      ...field('opcode', `0x${frame.opcode.toString(16)} ${frame.opcodeName}`),
    ],
    [...field('MASK', frame.masked ? '1' : '0'), ...field('masking key', frame.maskKey === null ? '-' : `0x${frame.maskKey}`)],
    [...field('payload length', String(frame.payloadLength)), ...field('encoding', LENGTH_ENCODING[frame.lengthEncoding]), ...field('header', `${frame.headerLength} bytes`)],
    [...field('packets', frame.packets.join(', ')), ...field('completed by', `packet ${frame.packet}`)],
  ];
  if (frame.close) {
    const { code, reason } = frame.close;
    lines.push([
      ...field('close code', code === null ? 'none (1005 no status received)' : `${code} ${closeCodeMeaning(code)}`, 'red'),
      ...field('reason', reason ? `"${sanitizeForTerminal(reason)}"` : '-'),
    ]);
  }
  return lines;
}

function messageLines(message: MessageModel): Line[] {
  return [
    [
      ...field('message', `#${message.index} ${message.opcode === 1 ? 'text' : 'binary'}`),
      ...field('length', String(message.length)),
      ...field('compressed', message.compressed ? 'yes (permessage-deflate)' : 'no'),
    ],
    [...field('frames', message.frames.map((i) => `#${i}`).join(', '))],
  ];
}

function payloadLines(bytes: Buffer, truncated: boolean, total: number, options: DetailOptions): Line[] {
  const kept = truncated ? `, first ${bytes.length} kept` : '';
  const lines: Line[] = [[{ text: `Payload: ${total} bytes${kept}`, bold: true }, { text: `  [${options.payloadView}]  p: text/json/hex`, color: 'gray' }]];
  if (bytes.length === 0) return [...lines, plain('(empty)', { color: 'gray' })];
  if (options.payloadView === 'hex') return [...lines, ...hexLines(bytes, options.width)];
  if (options.payloadView === 'json') {
    const json = jsonLines(bytes, truncated, options.jsonExpanded, options.width);
    if (typeof json !== 'string') {
      return [...lines, plain(options.jsonExpanded ? 'z: fold deep levels' : 'z: expand folded levels', { color: 'gray' }), ...json];
    }
    lines.push(plain(json, { color: 'yellow' }));
  }
  return [...lines, ...textLines(bytes, truncated, options.width)];
}

export function findingLines(findings: readonly Finding[], width: number): Line[] {
  if (findings.length === 0) return [];
  const lines: Line[] = [heading(`Findings (${findings.length})`)];
  for (const f of findings) {
    const definition = FINDINGS[f.code];
    lines.push([{ text: f.severity, color: SEVERITY_COLOR[f.severity], bold: true }, { text: ` ${f.code}` }]);
    lines.push(...wrapped(sanitizeForTerminal(f.message), width, {}, '  '));
    const reference = 'reference' in definition ? ` (${definition.reference})` : '';
    lines.push(...wrapped(definition.meaning + reference, width, { color: 'gray' }, '  '));
  }
  return lines;
}

function headLines(startLine: string, headers: readonly HeaderField[], width: number): Line[] {
  const lines = wrapped(sanitizeForTerminal(startLine), width, { bold: true });
  for (const [name, value] of headers) {
    const safeName = sanitizeForTerminal(name);
    const [first, ...rest] = hangingWrap(`${safeName}: ${sanitizeForTerminal(value)}`, width);
    lines.push([{ text: first.slice(0, safeName.length), color: 'cyan' }, { text: first.slice(safeName.length) }], ...rest.map((piece) => plain(piece)));
  }
  return lines;
}

/** RFC 6455 §4.2.2 / §4.1: the Accept value must be base64(SHA-1(key + GUID)); analysis already checked it. */
function acceptCheck(handshake: HandshakeModel): { text: string; color: string } {
  if (handshake.acceptValid === true) return { text: 'Sec-WebSocket-Accept ✓ matches base64(SHA-1(Sec-WebSocket-Key + GUID)) (RFC 6455 §4.2.2)', color: 'green' };
  if (handshake.acceptValid === false) return { text: 'Sec-WebSocket-Accept ✗ does not match the key (RFC 6455 §4.1)', color: 'red' };
  if (!handshake.response) return { text: 'No response to the upgrade request in the capture.', color: 'yellow' };
  if (handshake.response.status !== 101) return { text: `Upgrade refused: ${handshake.response.status}.`, color: 'yellow' };
  return { text: handshake.accept === null ? 'Sec-WebSocket-Accept missing.' : 'No Sec-WebSocket-Key to check the Accept against.', color: 'yellow' };
}

export function handshakeLines(connection: ConnectionModel, width: number): Line[] {
  const { handshake } = connection;
  if (!handshake) return [plain('No HTTP upgrade in the capture (it began mid-connection, or this is not WebSocket).', { color: 'gray' })];
  const { request, response } = handshake;
  const lines: Line[] = [heading('Request'), ...headLines(`${request.method} ${request.target} ${request.version}`, request.headers, width)];
  if (response) lines.push([], heading('Response'), ...headLines(`${response.version} ${response.status} ${response.reason}`, response.headers, width));
  const check = acceptCheck(handshake);
  lines.push(...wrapped(check.text, width, { color: check.color }));
  return lines;
}

function rangeText(range: { min?: number; median: number; max: number } | null, unit: string): string {
  if (!range) return '-';
  const min = range.min === undefined ? '' : `${range.min.toFixed(1)} / `;
  return `${min}${range.median.toFixed(1)} / ${range.max.toFixed(1)} ${unit}`;
}

/** The connection as a whole: endpoints, URL, how it ended, heartbeats, handshake, every finding. */
export function connectionLines(connection: ConnectionModel, width: number): Line[] {
  const { handshake, close, heartbeat } = connection;
  const ending = connectionEnding(connection);
  const lines: Line[] = [
    [...field('client', formatEndpoint(connection.client)), ...field('server', formatEndpoint(connection.server))],
    ...wrapped(`URL ${sanitizeForTerminal(handshake?.url ?? '-')}`, width),
    [...field('subprotocol', sanitizeForTerminal(handshake?.subprotocol ?? '-')), ...field('extensions', sanitizeForTerminal(handshake?.extensions.join(', ') || '-'))],
    [...field('start', formatAbsoluteTime(connection.start)), ...field('duration', formatDuration(connection.end - connection.start))],
    [...field('packets c/s', `${connection.packets.client}/${connection.packets.server}`), ...field('bytes c/s', `${connection.bytes.client}/${connection.bytes.server}`)],
    [...field('frames', String(connection.frames.length)), ...field('messages', String(connection.messages.length))],
    [{ text: 'ended ', color: 'gray' }, { text: ending.label, color: ending.color, bold: true }],
    ...wrapped(ending.explanation, width, {}, '  '),
  ];
  if (close.closeToReplyMs !== null || close.closeToTcpEndMs !== null) {
    lines.push([
      ...field('close→reply', close.closeToReplyMs === null ? '-' : `${close.closeToReplyMs.toFixed(1)} ms`),
      ...field('close→TCP end', close.closeToTcpEndMs === null ? '-' : `${close.closeToTcpEndMs.toFixed(1)} ms`),
    ]);
  }
  // Findings before the heartbeat and handshake blocks: they are what a reader looks for first.
  const findings = findingLines(connection.findings, width);
  if (findings.length > 0) lines.push([], ...findings);
  lines.push(
    [],
    [...field('pings', String(heartbeat.pings)), ...field('pongs', String(heartbeat.pongs)), ...field('unanswered', String(heartbeat.unanswered), heartbeat.unanswered > 0 ? 'yellow' : undefined)],
    [...field('RTT min/median/max', rangeText(heartbeat.rttMs, 'ms'))],
    [...field('ping interval median/max', rangeText(heartbeat.pingIntervalS, 's'))],
    [...field('keepalives', String(heartbeat.keepalives)), ...field('interval median/max', rangeText(heartbeat.keepaliveIntervalS, 's'))],
    [...field('longest idle', formatDuration(heartbeat.longestIdleS))],
    [],
    ...handshakeLines(connection, width),
  );
  return lines;
}

/** Everything about one timeline event: what it is, the frame or message fields, the payload, its findings. */
export function eventLines(connection: ConnectionModel, event: TimelineEvent, findings: readonly Finding[], options: DetailOptions): Line[] {
  const look = eventLook(connection, event);
  const lines: Line[] = [
    [{ text: look.label, color: look.color, bold: true }, { text: `  ${direction(connection, event)}` }],
    [...when(connection, event.ts)],
  ];
  if (event.packet !== null) lines.push([...field('packet', String(event.packet))]);
  const frame = eventFrame(connection, event);
  const message = eventMessage(connection, event);
  if (event.rttMs !== undefined) lines.push([...field('round trip', `${event.rttMs.toFixed(3)} ms since the ping`, 'cyan')]);
  if (frame) {
    lines.push([], heading(`Frame #${frame.index}`), ...frameLines(frame));
  } else if (message) {
    lines.push([], ...messageLines(message));
    // A message sent as one frame: its frame's header is part of what this row stands for.
    const only = message.frames.length === 1 ? connection.frames[message.frames[0]] : undefined;
    if (only) lines.push([], heading(`Frame #${only.index}`), ...frameLines(only));
  } else if (event.type === 'http-request' || event.type === 'http-response' || event.type === 'ws-open') {
    lines.push([], ...handshakeLines(connection, options.width));
  } else {
    const preview = eventPreview(connection, event, options.width);
    if (preview) lines.push(...wrapped(preview, options.width));
  }
  lines.push(...findingLines(findings, options.width));
  if (frame?.close && options.payloadView !== 'hex') {
    // RFC 6455 §5.5.1: a close payload is a 2-byte code (shown above), then the UTF-8 reason.
    const reason = frame.payload.subarray(Math.min(2, frame.payload.length));
    lines.push([], heading('Close reason'), ...(reason.length === 0 ? [plain('(none)', { color: 'gray' })] : textLines(reason, frame.payloadTruncated, options.width)));
  } else if (frame) lines.push([], ...payloadLines(frame.payload, frame.payloadTruncated, frame.payloadLength, options));
  else if (message) lines.push([], ...payloadLines(message.data, message.truncated, message.length, options));
  return lines;
}

/** A folded run of TCP chatter: how many, of what, over how long. */
export function foldLines(connection: ConnectionModel, events: readonly TimelineEvent[], first: number, last: number, count: number): Line[] {
  const kinds = new Map<string, number>();
  for (let i = first; i <= last; i++) {
    // A filtered view folds across the events it hides; count only the folded ones.
    if (!FOLDABLE.has(events[i].type)) continue;
    const label = eventLook(connection, events[i]).label;
    kinds.set(label, (kinds.get(label) ?? 0) + 1);
  }
  const span = events[last].ts - events[first].ts;
  return [
    heading(`${count} events folded over ${formatDuration(span)}`),
    ...[...kinds].map(([label, n]) => plain(`  ${n} × ${label}`, { color: 'yellow' })),
    plain('Enter or z unfolds.', { color: 'gray' }),
  ];
}
