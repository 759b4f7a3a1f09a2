import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatProgress, ProgressLine } from '../../src/cli/progress.js';
import { wsdissect } from './run.js';

test('the progress line: bar, percent, megabytes, packets and connections', () => {
  assert.equal(
    formatProgress({ bytesRead: 74_200_000, totalBytes: 200_400_000, packets: 101_234, connections: 713 }),
    '[#########---------------]  37%  74.2/200.4 MB  101,234 packets  713 connections',
  );
  assert.equal(
    formatProgress({ bytesRead: 10, totalBytes: 10, packets: 1, connections: 1 }),
    '[########################] 100%  0.0/0.0 MB  1 packet  1 connection',
  );
});

test('the progress line is redrawn in place at most every 100 ms, always at 100%, and erased at the end', () => {
  const written: string[] = [];
  let now = 1000;
  const line = new ProgressLine((text) => written.push(text), () => now);
  const at = (bytesRead: number) => ({ bytesRead, totalBytes: 100, packets: bytesRead, connections: 1 });
  line.update(at(10));
  now += 50;
  line.update(at(20)); // too soon
  now += 60;
  line.update(at(30));
  line.update(at(100)); // the end is always shown
  line.clear();
  assert.deepEqual(
    written.map((text) => text.replace(/\[[#-]+\] +/, '')),
    ['\r10%  0.0/0.0 MB  10 packets  1 connection\u001b[K', '\r30%  0.0/0.0 MB  30 packets  1 connection\u001b[K', '\r100%  0.0/0.0 MB  100 packets  1 connection\u001b[K', '\r\u001b[K'],
  );
});

test('nothing of the progress line reaches an output that is not the process terminal', async () => {
  const run = await wsdissect('summary', 'fixtures/ws-text.pcapng');
  assert.equal(run.stderr, '');
});
