import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReportSink } from '../../src/cli/report-sink.js';
import { wsdissect } from './run.js';

test('report text on stdout is terminal-safe, DEL in otherwise ASCII text too', () => {
  let stdout = '';
  const sink = new ReportSink(undefined, (text) => (stdout += text));
  // An all-ASCII piece with DEL once went out raw: only pieces with non-ASCII text were escaped.
  sink.write('{"text": "ascii \x7f"');
  sink.write(', "bidi": "\u202e€"}');
  sink.close();
  assert.equal(stdout, '{"text": "ascii \\u007f", "bidi": "\\u202e€"}');
});

test('bytes from the spool go out as they are, after the text before them; the file is made at the first write', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wsdissect-sink-'));
  try {
    const file = join(dir, 'report.json');
    const sink = new ReportSink(file, () => assert.fail('nothing goes to stdout'));
    assert.equal(existsSync(file), false);
    sink.write('[');
    sink.writeBytes(Buffer.from('"€ already safe"'));
    sink.write(', "\u2028"]');
    sink.close();
    assert.equal(readFileSync(file, 'utf8'), '["€ already safe", "\\u2028"]');

    // On stdout, a character split between two pieces of bytes comes out whole.
    let stdout = '';
    const split = new ReportSink(undefined, (text) => (stdout += text));
    const euro = Buffer.from('"€"');
    split.writeBytes(euro.subarray(0, 2));
    split.writeBytes(euro.subarray(2));
    split.close();
    assert.equal(stdout, '"€"');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('report -o leaves no file behind for a file that is no capture, with --ndjson too', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wsdissect-sink-'));
  try {
    for (const extra of [[], ['--ndjson']]) {
      const file = join(dir, 'report.json');
      const run = await wsdissect('report', 'package.json', '-o', file, ...extra);
      assert.equal(run.code, 3);
      assert.equal(existsSync(file), false, extra.join(' '));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
