/**
 * `summary` makes each row as its connection ends and lets the analysis drop the connection's frames and
 * events (flat memory). What it prints must be exactly what the full model gives.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeCaptures, DEFAULT_IDLE_THRESHOLD_S } from '../../src/analysis/index.js';
import { formatSummary } from '../../src/cli/summary.js';
import { fixtureCaptures } from '../fixtures/captures.js';
import { wsdissect } from './run.js';

for (const capture of fixtureCaptures()) {
  test(`summary of ${capture} is the full model's summary, with and without --all-tcp`, async () => {
    const { model } = await analyzeCaptures([capture], { retainBytes: null, idleThresholdS: DEFAULT_IDLE_THRESHOLD_S });
    for (const allTcp of [false, true]) {
      const listed = allTcp ? model.connections : model.connections.filter((c) => c.isWebSocket);
      const run = await wsdissect('summary', capture, ...(allTcp ? ['--all-tcp'] : []));
      assert.equal(run.stdout, formatSummary(model, listed) + '\n');
    }
  });
}
