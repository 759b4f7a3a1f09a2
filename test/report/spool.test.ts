import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { analyzeCaptures, type ConnectionModel } from '../../src/analysis/index.js';
import { buildReport, ReportSpool, SpoolWriter, terminalSafeJson, writeJson, type ReportOptions } from '../../src/report/index.js';
import { fixtureCaptures } from '../fixtures/captures.js';

function text(value: unknown): string {
  const pieces: string[] = [];
  writeJson(value, (piece) => pieces.push(piece));
  return pieces.join('');
}

/**
 * The spooled report of `capture`, its connections written by `writers` writers of the spool (connection id
 * modulo the count picks one, as threads share connections out), in pieces of `pieceBytes`.
 */
async function spooledReport(capture: string, retainBytes: number | null, options: ReportOptions, writers = 1, pieceBytes?: number): Promise<string> {
  const spool = new ReportSpool(options, pieceBytes);
  try {
    const files = Array.from({ length: writers }, (_, file) => new SpoolWriter(spool.directory, file, options, pieceBytes));
    const onConnectionEnd = (c: ConnectionModel) => {
      const entry = files[c.id % writers].connection(c);
      if (entry !== null) spool.add(entry);
    };
    const spooled = await analyzeCaptures([capture], { retainBytes, onConnectionEnd });
    for (const writer of files) writer.finish();
    return text(spool.document(spooled.model));
  } finally {
    spool.close();
  }
}

for (const capture of fixtureCaptures()) {
  test(`the spooled report of ${capture} is the whole model's report made terminal-safe, byte for byte`, async () => {
    for (const payload of ['none', 'preview', 'full'] as const) {
      for (const allTcp of [false, true]) {
        const retainBytes = payload === 'full' ? null : payload === 'preview' ? 256 : 0;
        const options = { payload, toolVersion: 'test', allTcp };
        const full = await analyzeCaptures([capture], { retainBytes });
        const expected = terminalSafeJson(text(buildReport(full.model, options)));
        assert.equal(await spooledReport(capture, retainBytes, options), expected, `${payload} allTcp=${allTcp}`);
      }
    }
  });
}

test('connections spooled by several writers (one per thread) come back in id order', async () => {
  const capture = 'fixtures/http-mixed-ws.pcapng';
  const options = { payload: 'preview', toolVersion: 'test', allTcp: true } as const;
  const full = await analyzeCaptures([capture], { retainBytes: 256 });
  assert.ok(full.model.connections.length >= 3, 'the fixture has connections for every writer');
  const expected = terminalSafeJson(text(buildReport(full.model, options)));
  assert.equal(await spooledReport(capture, 256, options, 3), expected);
});

test('the spool reads back text split anywhere, inside multi-byte characters too, and leaves no file behind', async () => {
  // ws-text: UTF-8 text of two-, three- and four-byte characters; 7-byte pieces split some of them.
  const capture = 'fixtures/ws-text.pcapng';
  const options = { payload: 'full', toolVersion: 'test', allTcp: false } as const;
  const full = await analyzeCaptures([capture], { retainBytes: null });
  const expected = text(buildReport(full.model, options));
  assert.ok(Buffer.byteLength(expected) > expected.length, 'the report holds multi-byte characters');
  for (const pieceBytes of [1, 7, 4096]) {
    const spool = new ReportSpool(options, pieceBytes);
    assert.ok(existsSync(spool.directory));
    const writer = new SpoolWriter(spool.directory, 0, options, pieceBytes);
    const spooled = await analyzeCaptures([capture], {
      retainBytes: null,
      onConnectionEnd: (c) => {
        const entry = writer.connection(c);
        if (entry !== null) spool.add(entry);
      },
    });
    writer.finish();
    assert.equal(text(spool.document(spooled.model)), expected, `pieces of ${pieceBytes} bytes`);
    spool.close();
    assert.equal(existsSync(spool.directory), false);
  }
});
