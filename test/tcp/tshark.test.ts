// Wireshark as the reference: on real and crafted captures, every TCP packet must get the connection id
// tshark gives it (tcp.stream) and the same analysis label (tcp.analysis.*), packet by packet, and each
// direction of each connection must reassemble to the bytes tshark's Follow TCP Stream shows.
// fixtures/tcp/ holds captures made for this (see make_*.py and record_tcp.sh there); the other
// captures of fixtures/ are real recordings of WebSocket sessions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readCaptures } from '../../src/capture/index.js';
import { decodePacket } from '../../src/packet/index.js';
import { TcpTracker, type TcpEventType } from '../../src/tcp/index.js';

const root = join(import.meta.dirname, '..', '..');
const fixtures = join(root, 'fixtures');
// fixtures/gaps/ holds crafted WebSocket sessions with lost, reordered and overlapping segments and keep-alives.
const captures = [
  ...['tcp', 'gaps'].flatMap((folder) => readdirSync(join(fixtures, folder)).map((name) => join(fixtures, folder, name))),
  ...readdirSync(fixtures).map((name) => join(fixtures, name)),
].filter((path) => /\.pcap(ng)?(\.gz)?$/.test(path));

const tsharkMissing = spawnSync('tshark', ['--version']).error !== undefined;
const skip = tsharkMissing && 'tshark is not installed: the packet-by-packet comparison with Wireshark is skipped';

/** tcp.analysis fields, in the precedence our one-event-per-packet rule uses (see analysisEvent). */
const LABELS: [string, TcpEventType][] = [
  ['tcp.analysis.zero_window_probe', 'zero-window-probe'],
  ['tcp.analysis.keep_alive_ack', 'keepalive-ack'],
  ['tcp.analysis.keep_alive', 'keepalive'],
  ['tcp.analysis.retransmission', 'retransmission'],
  ['tcp.analysis.out_of_order', 'out-of-order'],
  ['tcp.analysis.duplicate_ack', 'dup-ack'],
  ['tcp.analysis.zero_window', 'zero-window'],
];
const LABEL_TYPES = new Set<string>(LABELS.map(([, type]) => type));

/** `frame -> "stream label"` as tshark sees it, for every TCP packet. */
function tsharkView(path: string): Map<number, string> {
  const run = spawnSync(
    'tshark',
    ['-r', path, '-T', 'fields', '-E', 'occurrence=f', '-e', 'frame.number', '-e', 'tcp.stream', ...LABELS.flatMap(([field]) => ['-e', field])],
    { encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  assert.equal(run.status, 0, run.stderr);
  const view = new Map<number, string>();
  for (const line of run.stdout.split('\n')) {
    if (line === '') continue;
    const [frame, stream, ...flags] = line.split('\t');
    if (stream === '') continue;
    const label = LABELS.find((_, i) => flags[i] !== '')?.[1] ?? '-';
    view.set(Number(frame), `${stream} ${label}`);
  }
  return view;
}

/** `"stream sender" -> hex of the bytes it sent`, from tshark's Follow TCP Stream of every stream. */
function tsharkFollow(path: string, streams: number): Map<string, string> {
  const follow = Array.from({ length: streams }, (_, id) => ['-z', `follow,tcp,raw,${id}`]).flat();
  const run = spawnSync('tshark', ['-r', path, '-q', ...follow], { encoding: 'utf8', maxBuffer: 256 << 20 });
  assert.equal(run.status, 0, run.stderr);
  const bytes = new Map<string, string>();
  for (const block of run.stdout.split('Follow: tcp,raw\n').slice(1)) {
    const [filter, node0, node1, ...data] = block.split('\n');
    const stream = filter.replace('Filter: tcp.stream eq ', '');
    const nodes = [node0, node1].map((node) => `${stream} ${node.replace(/^Node [01]: /, '').replace(/^\[(.*)\]/, '$1')}`);
    for (const line of data) {
      if (/^[0-9a-f]+$/.test(line)) bytes.set(nodes[0], (bytes.get(nodes[0]) ?? '') + line);
      else if (/^\t[0-9a-f]+$/.test(line)) bytes.set(nodes[1], (bytes.get(nodes[1]) ?? '') + line.slice(1));
    }
  }
  // Where segments were never captured (fixtures/gaps), Follow TCP Stream writes "[N bytes missing in capture
  // file]" and a NUL; our stream has a gap event there instead. Bytes the snaplen cut get no such text.
  for (const [key, hex] of bytes) bytes.set(key, hex.replace(MISSING_MARKER, ''));
  return bytes;
}

const MISSING_MARKER = new RegExp(
  `5b(?:3[0-9])+${Buffer.from(' bytes missing in capture file]').toString('hex')}00`,
  'g',
);

interface TrackerView {
  packets: Map<number, string>;
  bytes: Map<string, string>;
  /** Connection id -> its last packet before onEnd: packets after it reach no sink (late packets). */
  ended: Map<number, number>;
}

/** The same views from our tracker. */
async function trackerView(path: string): Promise<TrackerView> {
  const streams = new Map<number, number>();
  const labels = new Map<number, string>();
  const bytes = new Map<string, string>();
  const ended = new Map<number, number>();
  let lastPacket = 0;
  const tracker = new TcpTracker(({ id, client, server }) => ({
    onSegment: (segment) => streams.set(segment.packet, id),
    onChunk: (chunk) => {
      const { ip, port } = chunk.direction === 'client' ? client : server;
      const key = `${id} ${ip}:${port}`;
      bytes.set(key, (bytes.get(key) ?? '') + chunk.data.toString('hex'));
    },
    onEvent: (event) => {
      if (!LABEL_TYPES.has(event.type)) return;
      assert.equal(labels.has(event.packet), false, `packet ${event.packet} labelled twice`);
      labels.set(event.packet, event.type);
    },
    onEnd: () => ended.set(id, lastPacket),
  }));
  const result = await readCaptures([path], (packet) => {
    const decoded = decodePacket(packet);
    lastPacket = packet.number;
    if (decoded.kind === 'segment') tracker.push(decoded.segment);
  });
  assert.equal(result.error, null);
  tracker.finish();
  const packets = new Map<number, string>();
  for (const [packet, id] of streams) packets.set(packet, `${id} ${labels.get(packet) ?? '-'}`);
  return { packets, bytes, ended };
}

for (const path of captures) {
  test(`${relative(fixtures, path)}: connection ids and analysis labels as tshark has them`, { skip }, async () => {
    const expected = tsharkView(path);
    const actual = await trackerView(path);
    assert.ok(expected.size > 0);
    // Packets of a connection after it ended (both FINs acknowledged, or an RST) go to no sink: they
    // must be late ones; their labels are not compared.
    for (const [frame, value] of expected) {
      const stream = Number(value.split(' ')[0]);
      if (actual.packets.has(frame)) continue;
      assert.ok(frame > (actual.ended.get(stream) ?? Infinity), `frame ${frame} (tcp.stream ${stream}) reached no sink`);
      expected.delete(frame);
    }
    assert.deepEqual(actual.packets, expected);
    const streams = new Set([...expected.values()].map((v) => v.split(' ')[0])).size;
    assert.ok(actual.bytes.size > 0);
    assert.deepEqual(actual.bytes, tsharkFollow(path, streams));
  });
}
