// Wireshark as the reference: on real and crafted captures, every TCP packet must get the connection id
// tshark gives it (tcp.stream) and the same analysis label (tcp.analysis.*), packet by packet.
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
const captures = [
  ...readdirSync(join(fixtures, 'tcp')).map((name) => join(fixtures, 'tcp', name)),
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

/** The same view from our tracker. */
async function trackerView(path: string): Promise<Map<number, string>> {
  const streams = new Map<number, number>();
  const labels = new Map<number, string>();
  const tracker = new TcpTracker(({ id }) => ({
    onSegment: (segment) => streams.set(segment.packet, id),
    onChunk: () => {},
    onEvent: (event) => {
      if (!LABEL_TYPES.has(event.type)) return;
      assert.equal(labels.has(event.packet), false, `packet ${event.packet} labelled twice`);
      labels.set(event.packet, event.type);
    },
    onEnd: () => {},
  }));
  const result = await readCaptures([path], (packet) => {
    const decoded = decodePacket(packet);
    if (decoded.kind === 'segment') tracker.push(decoded.segment);
  });
  assert.equal(result.error, null);
  tracker.finish();
  const view = new Map<number, string>();
  for (const [packet, id] of streams) view.set(packet, `${id} ${labels.get(packet) ?? '-'}`);
  return view;
}

for (const path of captures) {
  test(`${relative(fixtures, path)}: connection ids and analysis labels as tshark has them`, { skip }, async () => {
    const expected = tsharkView(path);
    const actual = await trackerView(path);
    assert.ok(expected.size > 0);
    assert.deepEqual(actual, expected);
  });
}
