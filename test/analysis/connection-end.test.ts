import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeCaptures, type ConnectionModel } from '../../src/analysis/index.js';
import { fixtureCaptures } from '../fixtures/captures.js';

for (const capture of fixtureCaptures()) {
  test(`onConnectionEnd on ${capture}: each connection once, finished; the result is the overview without them`, async () => {
    const full = await analyzeCaptures([capture], { retainBytes: 256 });
    const ended: { connection: ConnectionModel; snapshot: string }[] = [];
    const streamed = await analyzeCaptures([capture], {
      retainBytes: 256,
      // Taken whole at the call: the model must be final here, not completed later.
      onConnectionEnd: (connection) => ended.push({ connection, snapshot: JSON.stringify(connection) }),
    });
    assert.deepEqual(streamed.error, full.error);
    assert.deepEqual(
      ended.map((e) => e.connection.id).sort((a, b) => a - b),
      full.model.connections.map((c) => c.id),
    );
    const byId = new Map(ended.map((e) => [e.connection.id, e]));
    for (const connection of full.model.connections) {
      const seen = byId.get(connection.id)!;
      assert.equal(seen.snapshot, JSON.stringify(connection), `connection ${connection.id}`);
      // The handed model is the caller's: the analysis took nothing back from it afterwards.
      assert.equal(JSON.stringify(seen.connection), seen.snapshot, `connection ${connection.id} kept whole`);
    }
    const { connections, ...overview } = full.model;
    assert.deepEqual(streamed.model, overview);
    assert.equal(overview.tcpConnections, connections.length);
    assert.equal(overview.webSocketConnections, connections.filter((c) => c.isWebSocket).length);
  });
}
