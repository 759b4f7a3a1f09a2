/**
 * `report --ndjson` writes records as connections end; reassembled, they are the JSON report, on every fixture
 * and in every payload mode.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureCaptures } from '../fixtures/captures.js';
import { wsdissect } from '../cli/run.js';

interface NdjsonRecord {
  type: string;
  connection?: number | null | Record<string, unknown>;
  [field: string]: unknown;
}

const LIST_OF: Record<string, string> = { frame: 'frames', message: 'messages', event: 'events', finding: 'findings' };

/** Builds the JSON report's document back from the records, checking their order on the way. */
function reassemble(records: NdjsonRecord[]): unknown {
  const [first, ...rest] = records;
  const last = rest.pop()!;
  assert.equal(first.type, 'capture');
  assert.equal(last.type, 'end');
  const connections = new Map<number, Record<string, unknown[]>>();
  const captureFindings: unknown[] = [];
  let current: number | null = null;
  for (const record of rest) {
    if (record.type === 'connection') {
      const connection = record.connection as { id: number };
      assert.ok(!connections.has(connection.id), `connection ${connection.id} written once`);
      connections.set(connection.id, { ...connection, frames: [], messages: [], events: [], findings: [] } as never);
      current = connection.id;
      continue;
    }
    const list = LIST_OF[record.type];
    assert.ok(list, `record type ${record.type}`);
    if (record.connection === null) {
      assert.equal(record.type, 'finding');
      captureFindings.push(record.finding);
      current = null;
      continue;
    }
    // A connection's items follow its own record, before any other connection's.
    assert.equal(record.connection, current);
    connections.get(current!)![list].push(record[record.type]);
  }
  const { type: _type, files, ...head } = first;
  const capture = last.capture as { files: unknown };
  assert.deepEqual(capture.files, files);
  return {
    ...head,
    capture,
    connections: [...connections.entries()].sort(([a], [b]) => a - b).map(([, c]) => c),
    findings: captureFindings,
  };
}

for (const capture of fixtureCaptures()) {
  test(`report --ndjson of ${capture} reassembles into the JSON report`, async () => {
    for (const payload of ['none', 'preview', 'full']) {
      for (const extra of [[], ['--all-tcp']]) {
        const args = [capture, '--payload', payload, ...extra];
        const json = await wsdissect('report', ...args);
        const ndjson = await wsdissect('report', '--ndjson', ...args);
        assert.equal(ndjson.code, json.code);
        assert.equal(ndjson.stderr, json.stderr);
        assert.ok(ndjson.stdout.endsWith('\n'));
        const lines = ndjson.stdout.slice(0, -1).split('\n');
        const records = lines.map((line) => JSON.parse(line) as NdjsonRecord);
        assert.deepEqual(reassemble(records), JSON.parse(json.stdout), args.join(' '));
      }
    }
  });
}

test('report --ndjson writes nothing for a file that is no capture, like the JSON report', async () => {
  const run = await wsdissect('report', '--ndjson', 'package.json');
  assert.equal(run.code, 3);
  assert.equal(run.stdout, '');
});
