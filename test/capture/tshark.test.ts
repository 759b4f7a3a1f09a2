// Cross-check against Wireshark on a real loopback capture (36 packets of three HTTP exchanges),
// recorded with dumpcap (pcapng, nanosecond if_tsresol) and converted with editcap to pcap (-F pcap and
// -F nsecpcap) and gzip. See data/README.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Packet } from '../../src/capture/index.js';
import { read } from './build.js';

const data = join(import.meta.dirname, 'data');
const files = ['loopback-http.pcapng', 'loopback-http.pcap', 'loopback-http-ns.pcap', 'loopback-http.pcapng.gz'];
const tsharkMissing = spawnSync('tshark', ['--version']).error !== undefined;
const skip = tsharkMissing && 'tshark is not installed (CI installs it): Wireshark cross-check skipped';
const editcapMissing = spawnSync('editcap', ['--version']).error !== undefined;

function tsharkFrames(path: string): string[][] {
  const run = spawnSync(
    'tshark',
    ['-r', path, '-T', 'fields', '-e', 'frame.number', '-e', 'frame.time_epoch', '-e', 'frame.cap_len', '-e', 'frame.len'],
    { encoding: 'utf8' },
  );
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.trim().split('\n').map((line) => line.split('\t'));
}

function fields(packets: Packet[]): string[][] {
  return packets.map((p) => [String(p.number), String(p.ts), String(p.data.length), String(p.originalLength)]);
}

for (const name of files) {
  test(`${name}: numbers, timestamps and lengths as tshark reads them`, { skip }, async () => {
    const path = join(data, name);
    const { result, packets } = await read([path]);
    assert.equal(result.error, null);
    assert.equal(result.packets, 36);
    assert.deepEqual(result.linkTypes, [1]);
    // tshark prints nanoseconds; as a float64 they are the nearest double, which is what we compute.
    const expected = tsharkFrames(path).map(([number, epoch, capLen, len]) => [number, String(parseFloat(epoch)), capLen, len]);
    assert.deepEqual(fields(packets), expected);
  });
}

test('every format of the real capture yields the same bytes, framed as Ethernet + IPv4', async () => {
  const reads = await Promise.all(files.map((name) => read([join(data, name)])));
  const [first, ...others] = reads.map(({ packets }) => packets);
  for (const other of others) assert.deepEqual(other.map((p) => p.data), first.map((p) => p.data));
  for (const p of first) {
    assert.equal(p.data.readUInt16BE(12), 0x0800, `packet ${p.number} ethertype`);
    assert.equal(p.data.readUInt16BE(16), p.data.length - 14, `packet ${p.number} IPv4 total length`);
  }
});

test('the capture split like a ring buffer (editcap -c 10) and given out of order merges back to the original', {
  skip: editcapMissing && 'editcap is not installed (CI installs it with tshark): ring-buffer merge check skipped',
}, async () => {
  const original = join(data, 'loopback-http.pcapng');
  const directory = mkdtempSync(join(tmpdir(), 'wsdissect-ring-'));
  const split = spawnSync('editcap', ['-c', '10', original, join(directory, 'ring.pcapng')], { encoding: 'utf8' });
  assert.equal(split.status, 0, split.stderr);
  const parts = readdirSync(directory).sort().reverse().map((name) => join(directory, name));
  assert.equal(parts.length, 4);
  const merged = await read(parts);
  const whole = await read([original]);
  assert.equal(merged.result.error, null);
  assert.deepEqual(merged.result.summaries.map((s) => s.packets), [6, 10, 10, 10]);
  assert.deepEqual(fields(merged.packets), fields(whole.packets));
  assert.deepEqual(merged.packets.map((p) => p.data), whole.packets.map((p) => p.data));
});
