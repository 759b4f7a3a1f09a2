/**
 * Text output of large connections: 200,000 frames (Math.max(...column) overflowed the call stack there) and
 * 60,000 findings on one packet (each one copied the list of those before it: quadratic).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeCaptures, type ConnectionModel } from '../../src/analysis/index.js';
import type { Finding } from '../../src/findings/index.js';
import { formatFrames } from '../../src/cli/frames.js';
import { formatTimeline } from '../../src/cli/timeline.js';
import { formatTable } from '../../src/report/index.js';

async function oneConnection(): Promise<ConnectionModel> {
  const { model } = await analyzeCaptures(['fixtures/ws-text.pcapng'], { retainBytes: 240 });
  return model.connections[0];
}

test('formatTable lays out 200,000 rows', () => {
  const rows = Array.from({ length: 200_000 }, (_, i) => [String(i), 'x'.repeat(i % 7)]);
  const lines = formatTable(['N', 'X'], rows, new Set([0])).split('\n');
  assert.equal(lines.length, 200_001);
  assert.equal(lines[1], '     0  ');
  assert.equal(lines[200_000], '199999  xx');
});

test('frames lists 200,000 frames of one connection', async () => {
  const connection = await oneConnection();
  const frames = Array.from({ length: 200_000 }, (_, i) => ({ ...connection.frames[0], index: i, packet: 1000 + i }));
  const lines = formatFrames([{ ...connection, frames }]).split('\n');
  assert.equal(lines.length, 200_001);
  assert.match(lines[200_000], /^200999 /);
});

test('timeline places 60,000 findings of one packet after its events, in linear time', async () => {
  const connection = await oneConnection();
  const at = connection.events[5];
  const findings: Finding[] = Array.from({ length: 60_000 }, (_, i) => ({
    code: 'reserved-bits-set',
    severity: 'error',
    message: `finding ${i}`,
    ts: at.ts,
    packet: at.packet ?? undefined,
  }));
  const started = Date.now();
  const lines = formatTimeline([{ ...connection, findings }], { color: false, types: null }).split('\n');
  assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
  const marked = lines.filter((line) => / ! {2}reserved-bits-set /.test(line));
  assert.equal(marked.length, 60_000);
  assert.match(marked[0], /error: finding 0$/);
  assert.match(marked[59_999], /error: finding 59999$/);
});
