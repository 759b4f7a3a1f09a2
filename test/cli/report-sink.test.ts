import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReportSink } from '../../src/cli/report-sink.js';
import { wsdissect } from './run.js';

test('report text on stdout is terminal-safe, DEL in otherwise ASCII text too', () => {
  let stdout = '';
  const sink = new ReportSink(undefined, { stdout: (text) => (stdout += text) });
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
    const sink = new ReportSink(file, { stdout: () => assert.fail('nothing goes to stdout') });
    assert.equal(existsSync(file), false);
    sink.write('[');
    sink.writeBytes(Buffer.from('"€ already safe"'));
    sink.write(', "\u2028"]');
    sink.close();
    assert.equal(readFileSync(file, 'utf8'), '["€ already safe", "\\u2028"]');

    // On stdout as text, a character split between two pieces of bytes comes out whole.
    let stdout = '';
    const split = new ReportSink(undefined, { stdout: (text) => (stdout += text) });
    const euro = Buffer.from('"€"');
    split.writeBytes(euro.subarray(0, 2));
    split.writeBytes(euro.subarray(2));
    split.close();
    assert.equal(stdout, '"€"');

    // An output that takes bytes gets them, text encoded and made safe, bytes as they are.
    const pieces: Buffer[] = [];
    const bytes = new ReportSink(undefined, { stdout: () => assert.fail('bytes, not text'), stdoutBytes: (piece) => pieces.push(Buffer.from(piece)) });
    bytes.write('["\u2066", ');
    bytes.writeBytes(euro.subarray(0, 2));
    bytes.writeBytes(euro.subarray(2));
    bytes.write(']');
    bytes.close();
    // The text before the bytes goes out first, then each piece of bytes as it came.
    assert.deepEqual(pieces.map((piece) => piece.length), [Buffer.byteLength('["\\u2066", '), 2, 3, 1]);
    assert.equal(Buffer.concat(pieces).toString(), '["\\u2066", "€"]');
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
