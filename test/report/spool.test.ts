import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { analyzeCaptures } from '../../src/analysis/index.js';
import { buildReport, ReportSpool, terminalSafeJson, writeJson } from '../../src/report/index.js';
import { fixtureCaptures } from '../fixtures/captures.js';

function text(value: unknown): string {
  const pieces: string[] = [];
  writeJson(value, (piece) => pieces.push(piece));
  return pieces.join('');
}

for (const capture of fixtureCaptures()) {
  test(`the spooled report of ${capture} is the whole model's report made terminal-safe, byte for byte`, async () => {
    for (const payload of ['none', 'preview', 'full'] as const) {
      for (const allTcp of [false, true]) {
        const retainBytes = payload === 'full' ? null : payload === 'preview' ? 256 : 0;
        const options = { payload, toolVersion: 'test', allTcp };
        const full = await analyzeCaptures([capture], { retainBytes });
        const spool = new ReportSpool(options);
        try {
          const spooled = await analyzeCaptures([capture], { retainBytes, onConnectionEnd: (c) => spool.connection(c) });
          const expected = terminalSafeJson(text(buildReport(full.model, options)));
          assert.equal(text(spool.document(spooled.model)), expected, `${payload} allTcp=${allTcp}`);
        } finally {
          spool.close();
        }
      }
    }
  });
}

test('the spool reads back text split anywhere, inside multi-byte characters too, and leaves no file behind', async () => {
  // ws-text: UTF-8 text of two-, three- and four-byte characters; 7-byte pieces split some of them.
  const capture = 'fixtures/ws-text.pcapng';
  const options = { payload: 'full', toolVersion: 'test', allTcp: false } as const;
  const full = await analyzeCaptures([capture], { retainBytes: null });
  const expected = text(buildReport(full.model, options));
  assert.ok(Buffer.byteLength(expected) > expected.length, 'the report holds multi-byte characters');
  for (const pieceBytes of [1, 7, 4096]) {
    const spool = new ReportSpool(options, pieceBytes);
    const directory = (spool as unknown as { directory: string }).directory;
    assert.ok(existsSync(directory));
    const spooled = await analyzeCaptures([capture], { retainBytes: null, onConnectionEnd: (c) => spool.connection(c) });
    assert.equal(text(spool.document(spooled.model)), expected, `pieces of ${pieceBytes} bytes`);
    spool.close();
    assert.equal(existsSync(directory), false);
  }
});
