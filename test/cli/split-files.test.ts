/**
 * A capture rotated into several files (as dumpcap's ring buffer or `editcap -c` leaves it) is read as one:
 * `wsdissect summary a b c` decodes a connection split across the three files exactly as the unsplit file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wsdissect } from './run.js';

const editcapMissing = spawnSync('editcap', ['--version']).error !== undefined;
// One WebSocket connection: upgrade, 21 frames with compressed messages (context takeover), close handshake.
const CAPTURE = 'fixtures/ws-deflate-takeover.pcapng';

test('a connection split across three rotated files decodes as one, whatever order the files are given in', {
  skip: editcapMissing && 'editcap is not installed (CI installs it with tshark)',
}, async (t) => {
  const directory = mkdtempSync(join(tmpdir(), 'wsdissect-split-'));
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  const whole = await wsdissect('report', CAPTURE, '--payload', 'full');
  assert.equal(whole.code, 0);
  const report = JSON.parse(whole.stdout);
  const perFile = Math.ceil(report.capture.packets / 3);
  const split = spawnSync('editcap', ['-c', String(perFile), CAPTURE, join(directory, 'part.pcapng')], { encoding: 'utf8' });
  assert.equal(split.status, 0, split.stderr);
  // editcap numbers the files in order: part_00000_…, part_00001_…, part_00002_…
  const parts = readdirSync(directory).sort().map((name) => join(directory, name));
  assert.equal(parts.length, 3);
  // The connection really is split: each file holds part of it.
  for (const part of parts) assert.ok((await wsdissect('summary', part, '--all-tcp')).stdout.includes(' 0  127.0.0.1:'));

  for (const order of [parts, [parts[1], parts[2], parts[0]]]) {
    const summary = await wsdissect('summary', ...order);
    const wholeSummary = await wsdissect('summary', CAPTURE);
    assert.equal(summary.code, 0);
    // Only the title's file list differs.
    const [title, ...rows] = summary.stdout.split('\n');
    const [wholeTitle, ...wholeRows] = wholeSummary.stdout.split('\n');
    assert.equal(title.slice(title.indexOf(': pcapng')), wholeTitle.slice(wholeTitle.indexOf(': pcapng')));
    assert.deepEqual(rows, wholeRows);
    assert.match(rows.join('\n'), /11\/10 +9\/9 +1000\/1000/);

    const splitReport = JSON.parse((await wsdissect('report', ...order, '--payload', 'full')).stdout);
    assert.deepEqual(splitReport.capture.files, order);
    assert.deepEqual({ ...splitReport, capture: { ...splitReport.capture, files: [] } }, { ...report, capture: { ...report.capture, files: [] } });
  }
});
