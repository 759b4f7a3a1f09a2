/**
 * How real captures end and whether their heartbeats flowed, checked by hand against what each fixture is
 * known to hold (fixtures/README.md). Every fixture's whole close and heartbeat blocks are also in its
 * expected report.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeCaptures, type ConnectionModel } from '../../src/analysis/index.js';

async function webSocket(capture: string): Promise<ConnectionModel> {
  const { model } = await analyzeCaptures([capture], { retainBytes: 64 });
  const connections = model.connections.filter((c) => c.isWebSocket);
  assert.equal(connections.length, 1);
  return connections[0];
}

const codes = (c: ConnectionModel) => c.findings.map((f) => f.code);

test('ws-client-rst: the client resets, no Close frame either way', async () => {
  const c = await webSocket('fixtures/ws-client-rst.pcapng');
  assert.deepEqual([c.close.tcpEnd, c.close.tcpEndBy, c.close.initiator, c.close.clean], ['rst', 'client', null, false]);
  assert.deepEqual(codes(c), ['tcp-reset', 'abnormal-closure']);
  const rst = c.events.find((e) => e.type === 'tcp-rst');
  assert.deepEqual(c.findings.map((f) => f.packet), [rst?.packet, rst?.packet]);
});

test('ws-server-killed: the kernel FINs for the dead server, with no Close frame: abnormal closure (1006)', async () => {
  const c = await webSocket('fixtures/ws-server-killed.pcapng');
  assert.deepEqual([c.close.tcpEnd, c.close.tcpEndBy, c.close.initiator, c.close.clientCode, c.close.serverCode], ['fin', 'server', null, null, null]);
  assert.equal(c.events.filter((e) => e.type === 'ws-close').length, 0);
  assert.deepEqual(codes(c), ['abnormal-closure']);
  assert.match(c.findings[0].message, /^The server closed \(FIN\) the TCP connection without a Close frame/);
});

test('ws-heartbeat: 10 server pings and 1 client ping, every one answered', async () => {
  const c = await webSocket('fixtures/ws-heartbeat.pcapng');
  assert.deepEqual(c.heartbeat, {
    pings: 11,
    pongs: 11,
    unanswered: 0,
    rttMs: { min: 0.133, median: 0.158, max: 0.525 },
    pingIntervalS: { median: 0.20208, max: 0.204041 },
    keepalives: 0,
    keepaliveIntervalS: null,
    longestIdleS: 0.203908,
  });
  const pongs = c.events.filter((e) => e.type === 'pong');
  assert.equal(pongs.length, 11);
  assert.ok(pongs.every((e) => e.rttMs !== undefined && e.rttMs > 0));
  // The client's ping "client heartbeat" is answered by the server, the other way round.
  const clientPing = c.events.find((e) => e.type === 'ping' && e.direction === 'client');
  const answer = c.events.find((e) => e.type === 'pong' && e.direction === 'server');
  assert.ok(clientPing && answer && answer.ts > clientPing.ts);
  assert.deepEqual(c.close, {
    initiator: 'client',
    clientCode: 1000,
    serverCode: 1000,
    reason: 'bye',
    clean: true,
    closeToReplyMs: 0.281,
    closeToTcpEndMs: 4.847,
    tcpEnd: 'fin',
    tcpEndBy: 'server',
  });
});

test('ws-keepalive-idle: 5 TCP keep-alives about 1 s apart, each ACKed, during 6 s without payload', async () => {
  const c = await webSocket('fixtures/ws-keepalive-idle.pcapng');
  assert.equal(c.heartbeat.keepalives, 5);
  assert.deepEqual(c.heartbeat.keepaliveIntervalS, { median: 1.023996, max: 1.024005 });
  assert.equal(c.heartbeat.longestIdleS, 6.005252);
  assert.equal(c.events.filter((e) => e.type === 'keepalive-ack').length, 5);
  // 6 s is under the default 30 s threshold; a lower one makes it an idle event.
  assert.equal(c.events.filter((e) => e.type === 'idle').length, 0);
  const { model } = await analyzeCaptures(['fixtures/ws-keepalive-idle.pcapng'], { retainBytes: 0, idleThresholdS: 5 });
  assert.deepEqual(
    model.connections[0].events.filter((e) => e.type === 'idle').map((e) => e.idleS),
    [6.005252],
  );
  assert.deepEqual(codes(c), []);
});

test('python-aiohttp-heartbeat: empty pings both ways, all answered; the client closes 1000 "bye"', async () => {
  const c = await webSocket('fixtures/python-aiohttp-heartbeat.pcapng');
  assert.deepEqual(
    [c.heartbeat.pings, c.heartbeat.pongs, c.heartbeat.unanswered, c.heartbeat.rttMs],
    [8, 8, 0, { min: 0.243, median: 0.267, max: 0.306 }],
  );
  assert.deepEqual(
    ['client', 'server'].map((d) => c.events.filter((e) => e.type === 'ping' && e.direction === d).length),
    [4, 4],
  );
  // aiohttp's server answers the Close with the bare code 1000 (no reason): the reason is the initiator's.
  assert.deepEqual([c.close.initiator, c.close.clientCode, c.close.serverCode, c.close.reason, c.close.clean], ['client', 1000, 1000, 'bye', true]);
});
