import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createElement } from 'react';
import { analyzeCaptures, type AnalysisResult } from '../../src/analysis/index.js';
import { AnalysisCancelled, App, runTui, type Progress } from '../../src/tui/index.js';
import { KEY, renderAt } from './render.js';

/** An analysis the test drives: it reports progress when told, and finishes with the real model of a fixture. */
function controlledAnalysis() {
  let report: ((p: Progress) => void) | null = null;
  let finish: (() => void) | null = null;
  const analyze = (onProgress: (p: Progress) => void) =>
    new Promise<AnalysisResult>((resolve, reject) => {
      report = (p) => {
        try {
          onProgress(p);
        } catch (error) {
          reject(error);
        }
      };
      finish = () => void analyzeCaptures(['fixtures/ws-close-client-1000.pcapng'], { retainBytes: 65536 }).then(resolve);
    });
  return { analyze, progress: (p: Progress) => report!(p), finish: () => finish!() };
}

test('while the capture is read: a progress bar, bytes read, packets and connections found; then the browser', async () => {
  const analysis = controlledAnalysis();
  let result: AnalysisResult | null = null;
  const ui = await renderAt(createElement(App, { files: ['big.pcap'], toolVersion: 't', analyze: analysis.analyze, onResult: (r) => (result = r) }));
  assert.match(ui.screen(), /wsdissect: reading big\.pcap\n░{30} 0%\nopening…\nq quits/);
  analysis.progress({ bytesRead: 5 * 1024 * 1024, totalBytes: 20 * 1024 * 1024, packets: 123456, connections: 42 });
  await ui.waitFor(/25%/);
  assert.match(ui.screen(), /█{8}░{22} 25%/);
  assert.match(ui.screen(), /5\.0 MiB of 20\.0 MiB read · 123,456 packets · 42 connections/);
  analysis.finish();
  await ui.waitFor(/WebSocket connections/);
  assert.ok(result, 'onResult got the analysis');
  assert.match(ui.screen(), /WebSocket connections 1\/1/);
  ui.unmount();
});

test('q while loading quits and stops the analysis at its next progress report', async () => {
  const analysis = controlledAnalysis();
  const ui = await renderAt(createElement(App, { files: ['big.pcap'], toolVersion: 't', analyze: analysis.analyze }));
  await ui.press('q');
  assert.equal(ui.stdin.listenerCount('readable'), 0, 'the app exited');
  let thrown: unknown = null;
  try {
    analysis.progress({ bytesRead: 1, totalBytes: 2, packets: 1, connections: 0 });
  } catch (error) {
    thrown = error;
  }
  // The progress callback throws AnalysisCancelled into the analysis, which rejects; the app ignores it.
  assert.equal(thrown, null);
  ui.unmount();
  assert.ok(new AnalysisCancelled() instanceof Error);
});

test('a file that is not a capture: the message, and q quits', async () => {
  const ui = await renderAt(createElement(App, { files: ['x'], toolVersion: 't', analyze: () => analyzeCaptures(['package.json'], { retainBytes: 0 }) }));
  await ui.waitFor(/not a capture file/);
  assert.match(ui.screen(), /^wsdissect: package\.json: not a capture file/);
  assert.match(ui.screen(), /\nq quits$/);
  await ui.press(KEY.enter, 'q');
  assert.equal(ui.stdin.listenerCount('readable'), 0);
  ui.unmount();
});

test('without a terminal, tui says to use timeline or report and exits 2', async () => {
  let stderr = '';
  const code = await runTui(['fixtures/ws-text.pcapng'], {
    toolVersion: 't',
    stdout: { isTTY: false } as NodeJS.WriteStream,
    stderr: (text) => (stderr += text),
  });
  assert.equal(code, 2);
  assert.equal(
    stderr,
    'wsdissect tui: needs an interactive terminal (stdin and stdout must be a TTY).\n' +
      'For text output use `wsdissect timeline <capture>` or `wsdissect report <capture>`.\n',
  );
});
