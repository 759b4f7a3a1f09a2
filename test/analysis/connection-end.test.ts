import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeCaptures, type ConnectionModel } from '../../src/analysis/index.js';
import { fixtureCaptures } from '../fixtures/captures.js';

/** The lists onConnectionEnd lets go of, and what stays. */
const DROPPED = ['frames', 'messages', 'events', 'findings'] as const;

function withoutLists(connection: ConnectionModel): Omit<ConnectionModel, (typeof DROPPED)[number]> {
  const { frames: _f, messages: _m, events: _e, findings: _x, ...rest } = connection;
  return rest;
}

for (const capture of fixtureCaptures()) {
  test(`onConnectionEnd on ${capture}: each connection once, finished, then only its lists dropped`, async () => {
    const full = await analyzeCaptures([capture], { retainBytes: 256 });
    const ended: { id: number; snapshot: string; lists: Pick<ConnectionModel, (typeof DROPPED)[number]> }[] = [];
    const streamed = await analyzeCaptures([capture], {
      retainBytes: 256,
      onConnectionEnd: (connection) => {
        // Taken whole at the call: the model must be final here, not completed later.
        ended.push({
          id: connection.id,
          snapshot: JSON.stringify(connection),
          lists: { frames: connection.frames, messages: connection.messages, events: connection.events, findings: connection.findings },
        });
      },
    });
    assert.deepEqual(streamed.error, full.error);
    assert.deepEqual(
      ended.map((e) => e.id).sort((a, b) => a - b),
      full.model.connections.map((c) => c.id),
    );
    const byId = new Map(ended.map((e) => [e.id, e]));
    for (const connection of full.model.connections) {
      const seen = byId.get(connection.id)!;
      assert.equal(seen.snapshot, JSON.stringify(connection), `connection ${connection.id}`);
      // The caller kept the arrays: they are still whole.
      assert.equal(JSON.stringify(seen.lists.frames), JSON.stringify(connection.frames));
    }
    for (const [i, connection] of streamed.model.connections.entries()) {
      for (const list of DROPPED) assert.deepEqual(connection[list], [], `connection ${connection.id} ${list}`);
      assert.deepEqual(withoutLists(connection), withoutLists(full.model.connections[i]));
    }
    assert.deepEqual(streamed.model.findings, full.model.findings);
  });
}
