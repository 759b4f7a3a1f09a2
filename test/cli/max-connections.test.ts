/**
 * A flood of half-open connections (a SYN flood, a scan) stays within --max-connections: the oldest open ones
 * are let go, each with a connection-evicted finding, and the run ends normally.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ipv4, tcp } from '../packet/build.js';
import { pcapHeader, pcapRecord, writeTemp } from '../capture/build.js';
import { wsdissect } from './run.js';

const LE = { littleEndian: true };
const RAW_IPV4 = 228;
const SYN = 0x02;

async function synFlood(count: number): Promise<string> {
  const records = Array.from({ length: count }, (_, i) =>
    pcapRecord(LE, 1_700_000_000, i, ipv4(tcp({ srcPort: 20000 + i, dstPort: 80, seq: 7, flags: SYN }))),
  );
  return writeTemp('syn-flood.pcap', Buffer.concat([pcapHeader({ ...LE, linkType: RAW_IPV4 }), ...records]));
}

test('--max-connections lets the oldest open connections go, each with a finding', async () => {
  const file = await synFlood(50);
  const run = await wsdissect('report', file, '--all-tcp', '--payload', 'none', '--max-connections', '10');
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout) as { connections: { id: number; findings: { code: string }[] }[] };
  assert.equal(report.connections.length, 50);
  const evicted = report.connections.filter((c) => c.findings.some((f) => f.code === 'connection-evicted')).map((c) => c.id);
  assert.deepEqual(evicted, Array.from({ length: 40 }, (_, i) => i), 'the 40 oldest, in order');
});

test('--max-connections takes a whole number of 1 or more', async () => {
  const file = await synFlood(1);
  for (const bad of ['0', '-3', '1.5', 'many']) {
    const run = await wsdissect('summary', file, '--max-connections', bad);
    assert.equal(run.code, 2, bad);
  }
});
