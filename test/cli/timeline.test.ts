import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeCaptures } from '../../src/analysis/index.js';
import { formatTimeline } from '../../src/cli/timeline.js';
import { UNSAFE_FOR_TERMINAL, wsdissect } from './run.js';

test('timeline: one line per event, relative and delta time, packet, direction arrow, details', async () => {
  const run = await wsdissect('timeline', 'fixtures/ws-close-client-1000.pcapng');
  assert.equal(run.code, 0);
  const lines = run.stdout.trimEnd().split('\n');
  assert.match(lines[0], /^Connection 0: client 127\.0\.0\.1:\d+ → server 127\.0\.0\.1:18001 {2}ws:\/\/127\.0\.0\.1:18001\/chat {2}\[close 1000\/1000 fin\]$/);
  assert.match(lines[1], /^ {4}0\.000000 {4}\+0\.000000 {6}#1 {2}→ {2}tcp-syn$/);
  assert.ok(lines.some((l) => /#\d+ {2}← {2}ws-open {11}ws:\/\/127\.0\.0\.1:18001\/chat$/.test(l)));
  assert.ok(lines.some((l) => /→ {2}ws-close {10}1000 {2}bye$/.test(l)));
  assert.ok(lines.some((l) => /← {2}ws-close {10}1000 {2}bye$/.test(l)));
  // Times never run backwards, and each delta is the difference from the line before.
  const times = lines.slice(1).map((l) => Number(l.trim().split(/ +/)[0]));
  const deltas = lines.slice(1).map((l) => Number(l.trim().split(/ +/)[1]));
  for (let i = 1; i < times.length; i++) {
    assert.ok(times[i] >= times[i - 1]);
    assert.ok(Math.abs(times[i] - times[i - 1] - deltas[i]) < 2e-6);
  }
  assert.doesNotMatch(run.stdout, /\x1b\[/); // not a terminal: no colour
});

test('timeline --types keeps only those events; findings are marked where they happened', async () => {
  const run = await wsdissect('timeline', 'fixtures/ws-client-rst.pcapng', '--types', 'tcp-rst,finding');
  const lines = run.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 4);
  assert.match(lines[1], /#10 {2}→ {2}tcp-rst$/);
  assert.match(lines[2], /#10 {2}! {2}tcp-reset {9}warning: The client reset the TCP connection \(RST\)\.$/);
  assert.match(lines[3], /#10 {2}! {2}abnormal-closure {2}warning: .*browsers report code 1006\.$/);
  const bad = await wsdissect('timeline', 'fixtures/ws-client-rst.pcapng', '--types', 'tcp-rst,bogus');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown event type bogus; known: tcp-syn, /);
});

test('timeline --conn picks a connection; a gap, its finding and idle periods show', async () => {
  const run = await wsdissect('timeline', 'fixtures/gaps/windows-keepalive.pcap', '--conn', '0', '--idle-threshold', '40');
  assert.match(run.stdout, /\n {4}0\.005600 {4}\+0\.000000 {10}· {2}idle {14}45\.001 s without payload either way\n/);
  const short = await wsdissect('timeline', 'fixtures/gaps/windows-keepalive.pcap', '--idle-threshold', '50', '--types', 'idle');
  assert.equal(short.stdout.trimEnd().split('\n').length, 2);
  assert.equal(short.stdout.trimEnd().split('\n')[1], '  (no events)');
  const gap = await wsdissect('timeline', 'fixtures/gaps/hole-inside-frame.pcap', '--types', 'gap,finding');
  assert.match(gap.stdout, /#12 {2}← {2}gap {15}1000 bytes never captured\n.*#12 {2}! {2}websocket-gap {5}warning: 1000 bytes from the server/);
});

test('timeline colours on request: TCP grey, keep-alives yellow, ping/pong cyan, text green, close red', async () => {
  const { model } = await analyzeCaptures(['fixtures/ws-heartbeat.pcapng'], { retainBytes: 64 });
  const text = formatTimeline(model.connections, { color: true, types: null });
  assert.match(text, /\x1b\[90mtcp-syn {10}\x1b\[0m/);
  assert.match(text, /\x1b\[36mping {13}\x1b\[0m/);
  assert.match(text, /\x1b\[32mws-frame {9}\x1b\[0m frame \d+ text/);
  assert.match(text, /\x1b\[31mws-close {9}\x1b\[0m/);
  const keepalive = await analyzeCaptures(['fixtures/ws-keepalive-idle.pcapng'], { retainBytes: 64 });
  assert.match(formatTimeline(keepalive.model.connections, { color: true, types: null }), /\x1b\[33mkeepalive {8}\x1b\[0m/);
  assert.doesNotMatch(formatTimeline(model.connections, { color: false, types: null }), /\x1b/);
});

test('timeline output of hostile captures stays terminal-safe', async () => {
  const run = await wsdissect('timeline', 'fixtures/hostile/escape-sequences.pcap');
  assert.equal(run.code, 0);
  assert.doesNotMatch(run.stdout, UNSAFE_FOR_TERMINAL);
});

test('summary: ENDED says how each connection ended', async () => {
  const run = await wsdissect('summary', 'fixtures/ws-client-rst.pcapng', 'fixtures/ws-server-killed.pcapng', 'fixtures/ws-refused-403.pcapng', 'fixtures/gaps/close-unanswered.pcap');
  const ended = run.stdout
    .split('\n')
    .filter((l) => /^ *\d+ /.test(l))
    .map((l) => /\s((?:close|rst|fin|open)\S*(?: \S+)*?)\s{2,}\S+( ms| s)?$/.exec(l)?.[1]);
  // Connections are numbered in capture time order across the files: the crafted capture is the oldest.
  assert.deepEqual(ended, ['close 1001/- open', 'rst by client', 'fin (no close) 1006', 'fin by client']);
});
