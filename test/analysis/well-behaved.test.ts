/**
 * The captures at the top of fixtures/ are real sessions of real stacks (fixtures/README.md): whatever they
 * show (refusals, resets, killed servers), none breaks RFC 6455, so none may produce an error finding.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { analyzeCaptures } from '../../src/analysis/index.js';

const captures = readdirSync('fixtures').filter((name) => /\.(pcap|pcapng)(\.gz)?$/.test(name));

test('there are real sessions to check', () => {
  assert.ok(captures.length >= 25, `${captures.length} captures`);
});

for (const name of captures) {
  test(`${name}: no error findings`, async () => {
    const { model } = await analyzeCaptures([`fixtures/${name}`], { retainBytes: 0 });
    const errors = [...model.findings, ...model.connections.flatMap((c) => c.findings)].filter((f) => f.severity === 'error');
    assert.deepEqual(errors, []);
  });
}

test('Chromium sets RSV1 on data messages with permessage-deflate negotiated: legal (RFC 7692 §6.1)', async () => {
  const { model } = await analyzeCaptures(['fixtures/chromium-echo-deflate.pcapng'], { retainBytes: 0 });
  const ws = model.connections.find((c) => c.frames.length > 0)!;
  const compressed = ws.frames.filter((f) => f.rsv === 4);
  assert.ok(compressed.length >= 6, `${compressed.length} frames with RSV1`);
  assert.deepEqual(ws.findings, []);
});
