import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeCaptures, type ConnectionModel } from '../../src/analysis/index.js';
import { fixtureCaptures } from '../fixtures/captures.js';

/** What skipDataPayloads promises to leave as it is: everything but payloads, message lengths and `json`. */
function structure(connection: ConnectionModel) {
  const { frames, messages, events, findings: _findings, ...rest } = connection;
  return {
    ...rest,
    frames: frames.map(({ payload: _p, payloadTruncated: _t, ...frame }) => frame),
    messages: messages.map(({ data: _d, truncated: _t, length: _l, json: _j, ...message }) => message),
    events: events.map((event) => (event.type === 'ws-message' ? { ...event, length: undefined } : event)),
  };
}

for (const capture of fixtureCaptures()) {
  test(`skipDataPayloads on ${capture}: same frames, messages, events, close and heartbeat`, async () => {
    const full = await analyzeCaptures([capture], { retainBytes: null });
    const skipped = await analyzeCaptures([capture], { retainBytes: null, skipDataPayloads: true });
    assert.deepEqual(skipped.error, full.error);
    assert.equal(skipped.model.connections.length, full.model.connections.length);
    skipped.model.connections.forEach((connection, i) => {
      assert.deepEqual(structure(connection), structure(full.model.connections[i]), `connection ${connection.id}`);
      // Control frames keep their payloads (close codes, ping data).
      for (const frame of connection.frames.filter((f) => f.opcode >= 8)) {
        assert.deepEqual(frame.payload, full.model.connections[i].frames[frame.index].payload);
      }
    });
    assert.deepEqual(skipped.model.findings, full.model.findings);
  });
}
