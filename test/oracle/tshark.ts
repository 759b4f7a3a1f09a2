/**
 * tshark as an oracle: runs `tshark -T json -x -Y websocket` on a capture and returns every WebSocket frame
 * Wireshark's dissector found, normalized to the shape of wsdissect's FrameModel so tests can compare the
 * two field by field. See README.md beside this file for the fields used and the quirks of tshark 4.0.
 */
import { execFile, spawnSync } from 'node:child_process';

export interface OracleFrame {
  /** frame.number of the packet tshark shows the frame in (the last segment when the frame spans several). */
  packet: number;
  /** tcp.stream: tshark numbers connections in order of first packet, as wsdissect numbers its connections. */
  tcpStream: number;
  srcIp: string;
  srcPort: number;
  fin: boolean;
  /** RSV1 = 4, RSV2 = 2, RSV3 = 1 (RFC 6455 §5.2). */
  rsv: number;
  opcode: number;
  masked: boolean;
  /** The real payload length: the 16- or 64-bit extended length when the 7-bit field says 126 or 127. */
  payloadLength: number;
  /** Payload bytes as they are after unmasking (still compressed when RSV1 is set). */
  payload: Buffer;
  /** Status code of a Close frame (RFC 6455 §5.5.1); null for other frames and for a Close without body. */
  closeCode: number | null;
  /**
   * Text tshark shows for a text message: on its only frame, or on the frame that completes a fragmented
   * one (the whole message then). Inflated when the message is compressed (RFC 7692), except that tshark
   * 4.0 never inflates a fragmented compressed message: then it is left out rather than reported wrong.
   */
  text?: string;
}

let available: boolean | undefined;

export function tsharkAvailable(): boolean {
  available ??= spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
  return available;
}

/** tshark's JSON tree: objects of fields, where a repeated protocol or field becomes an array. */
type Tree = { [name: string]: unknown };

const isTree = (value: unknown): value is Tree => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A layer or field that occurs once is a value, several times an array: always get the list. */
function all(value: unknown): Tree[] {
  if (Array.isArray(value)) return value.filter(isTree);
  return isTree(value) ? [value] : [];
}

function text(tree: Tree | undefined, name: string): string | undefined {
  const value = tree?.[name];
  return typeof value === 'string' ? value : undefined;
}

function number(tree: Tree | undefined, name: string): number | undefined {
  const value = text(tree, name);
  return value === undefined ? undefined : Number(value);
}

function required(tree: Tree | undefined, name: string): string {
  const value = text(tree, name);
  if (value === undefined) throw new Error(`tshark output lacks ${name}`);
  return value;
}

/** With -x every field `f` has a sibling `f_raw`: [hex, offset, length, bitmask, type]. */
function rawBytes(tree: Tree, name: string): Buffer | undefined {
  const raw = tree[`${name}_raw`];
  return Array.isArray(raw) && typeof raw[0] === 'string' ? Buffer.from(raw[0], 'hex') : undefined;
}

/** Booleans print as "1"/"0" in tshark 4.0 JSON; later versions may print "True"/"False". */
const flag = (value: string): boolean => value === '1' || value === 'True';

/** What one websocket tree says about its frame; `shownText` becomes `text` once fragments are considered. */
type ParsedFrame = Omit<OracleFrame, 'packet' | 'tcpStream' | 'srcIp' | 'srcPort' | 'text'> & { shownText?: string };

function parseFrame(ws: Tree): ParsedFrame {
  const payloadTree = isTree(ws['websocket.payload']) ? ws['websocket.payload'] : undefined;
  const close = isTree(payloadTree?.['websocket.payload.close']) ? payloadTree['websocket.payload.close'] : undefined;
  return {
    fin: flag(required(ws, 'websocket.fin')),
    // websocket.rsv is already shifted down from the 0x70 bits of the first byte.
    rsv: Number.parseInt(required(ws, 'websocket.rsv'), 16),
    opcode: Number(required(ws, 'websocket.opcode')),
    masked: flag(required(ws, 'websocket.mask')),
    // websocket.payload_length is the 7-bit field itself (126 and 127 are markers, RFC 6455 §5.2).
    payloadLength:
      number(ws, 'websocket.payload_length_ext_64') ??
      number(ws, 'websocket.payload_length_ext_16') ??
      Number(required(ws, 'websocket.payload_length')),
    // websocket.payload_raw is unmasked in both cases: for a masked frame it points into tshark's
    // "Unmasked data" buffer (offset 0), for an unmasked one into the packet. Absent when the payload is empty.
    payload: rawBytes(ws, 'websocket.payload') ?? Buffer.alloc(0),
    closeCode: number(close, 'websocket.payload.close.status_code') ?? null,
    shownText: text(payloadTree, 'websocket.payload.text'),
  };
}

const OPCODE_CONTINUATION = 0;
const FIRST_CONTROL_OPCODE = 8;
const RSV1 = 4;

/** tshark's own error lines, without the root warning and the long lists some errors append. */
const complaint = (stderr: string): string =>
  stderr
    .split('\n')
    .filter((line) => line.startsWith('tshark:'))
    .join('; ');

export async function tsharkWebSocketFrames(
  file: string,
  options: { decodeAs?: string[] } = {},
): Promise<OracleFrame[]> {
  const args = ['-r', file, '-T', 'json', '--no-duplicate-keys', '-x', '-Y', 'websocket'];
  for (const rule of options.decodeAs ?? []) args.push('-d', rule);
  const json = await new Promise<string>((resolve, reject) => {
    execFile('tshark', args, { maxBuffer: 1 << 30, encoding: 'utf8' }, (error, stdout, stderr) => {
      // A damaged capture (fixtures/hostile/ has them on purpose): tshark prints the packets before the damage,
      // then exits 2 saying so; those packets are what wsdissect must agree on.
      const damaged = error?.code === 2 && /appears to (be damaged or corrupt|have been cut short)/.test(stderr);
      if (error && !damaged) reject(new Error(`tshark ${args.join(' ')}: ${complaint(stderr) || error.message}`));
      else resolve(stdout);
    });
  });

  const frames: OracleFrame[] = [];
  // RSV1 of the first frame of the fragmented message in progress, per direction (RFC 7692 §6.1: only
  // that frame carries it); tshark's text for the message is wrong when it was set.
  const openingRsv = new Map<string, number>();
  for (const packet of all(JSON.parse(json))) {
    const layers = all(packet['_source'])[0]?.['layers'];
    if (!isTree(layers)) continue;
    const ip = all(layers['ip'])[0];
    const ipv6 = all(layers['ipv6'])[0];
    const tcp = all(layers['tcp'])[0];
    const where = {
      packet: Number(required(all(layers['frame'])[0], 'frame.number')),
      tcpStream: Number(required(tcp, 'tcp.stream')),
      srcIp: ip ? required(ip, 'ip.src') : required(ipv6, 'ipv6.src'),
      srcPort: Number(required(tcp, 'tcp.srcport')),
    };
    const direction = `${where.tcpStream} ${where.srcIp} ${where.srcPort}`;
    for (const ws of all(layers['websocket'])) {
      const { shownText, ...frame } = parseFrame(ws);
      const opening = openingRsv.get(direction);
      const isData = frame.opcode < FIRST_CONTROL_OPCODE;
      if (isData && frame.opcode !== OPCODE_CONTINUATION && !frame.fin) openingRsv.set(direction, frame.rsv);
      if (frame.opcode === OPCODE_CONTINUATION && frame.fin) openingRsv.delete(direction);
      const notInflated = frame.opcode === OPCODE_CONTINUATION && opening !== undefined && (opening & RSV1) !== 0;
      const shown = shownText === undefined || notInflated ? {} : { text: shownText };
      frames.push({ ...where, ...frame, ...shown });
    }
  }
  return frames;
}
