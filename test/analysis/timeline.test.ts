import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Segment } from '../../src/packet/types.js';
import type { TimelineEvent, TimelineEventType } from '../../src/analysis/index.js';
import { orderEvents, timelineEvent, TimelineRecorder } from '../../src/analysis/timeline.js';
import { closeFindings, closeModel } from '../../src/analysis/close.js';
import { heartbeatFindings, intervalStats, matchPongs, QuietTracker } from '../../src/analysis/heartbeat.js';

function ev(type: TimelineEventType, ts: number, direction: 'client' | 'server' | null, packet: number | null, extra: Partial<TimelineEvent> = {}): TimelineEvent {
  return Object.assign(timelineEvent(ts, type, direction, packet), extra);
}

describe('orderEvents', () => {
  it('orders by time, then packet, then what a packet says first; derived events after their instant', () => {
    const events = [
      ev('tcp-fin', 2, 'server', 7),
      ev('idle', 1, null, null, { idleS: 40 }),
      ev('ws-message', 1, 'server', 5, { message: 0 }),
      ev('ws-close', 2, 'server', 7, { frame: 1 }),
      ev('ws-frame', 1, 'server', 5, { frame: 0 }),
      ev('keepalive', 1, 'client', 4),
    ];
    assert.deepEqual(
      orderEvents(events).map((e) => `${e.type}@${e.packet}`),
      ['keepalive@4', 'ws-frame@5', 'ws-message@5', 'idle@null', 'ws-close@7', 'tcp-fin@7'],
    );
  });

  it('keeps the recorded order of events that compare equal (frames of one packet)', () => {
    const events = [ev('ws-frame', 1, 'server', 5, { frame: 0 }), ev('ws-frame', 1, 'server', 5, { frame: 1 })];
    assert.deepEqual(orderEvents(events).map((e) => e.frame), [0, 1]);
  });
});

const ping = (ts: number, direction: 'client' | 'server', data: string, frame: number) => ({
  event: ev('ping', ts, direction, frame + 10, { frame }),
  payload: Buffer.from(data),
});
const pong = (ts: number, direction: 'client' | 'server', data: string, frame: number) => ({
  event: ev('pong', ts, direction, frame + 10, { frame }),
  payload: Buffer.from(data),
});

describe('matchPongs (RFC 6455 §5.5.3)', () => {
  it('a Pong answers the latest Ping from the other side with the same data', () => {
    const controls = [ping(1, 'server', 'a', 0), ping(2, 'server', 'b', 1), pong(2.5, 'client', 'a', 2), pong(2.75, 'client', 'b', 3)];
    const match = matchPongs(controls);
    assert.deepEqual([...match.rttMs.entries()].map(([e, rtt]) => [e.frame, rtt]), [[2, 1500], [3, 750]]);
    assert.deepEqual(match.unanswered, []);
    assert.deepEqual(match.unsolicited, []);
  });

  it('answering the most recent of several equal Pings answers the earlier ones too', () => {
    const controls = [ping(1, 'client', '', 0), ping(2, 'client', '', 1), pong(2.001, 'server', '', 2)];
    const match = matchPongs(controls);
    assert.deepEqual([...match.rttMs.values()], [1]);
    assert.deepEqual(match.unanswered, []);
  });

  it('counts unsolicited Pongs and keeps Pings with other data unanswered', () => {
    const controls = [pong(0.5, 'server', 'beat', 0), ping(1, 'client', 'x', 1), pong(1.1, 'server', 'y', 2), pong(1.2, 'client', 'x', 3)];
    const match = matchPongs(controls);
    // 'beat', 'y', and the client's own 'x' (a Pong answers the other side)
    assert.deepEqual(match.unsolicited.map((e) => e.frame), [0, 2, 3]);
    assert.deepEqual(match.unanswered.map((e) => e.frame), [1]);
    const findings = heartbeatFindings(match, []);
    assert.deepEqual(
      findings.map((f) => [f.code, f.severity, f.frame]),
      [['pong-unsolicited', 'info', 0], ['pong-unsolicited', 'info', 2], ['pong-unsolicited', 'info', 3], ['ping-unanswered', 'warning', 1]],
    );
  });
});

describe('QuietTracker and intervalStats', () => {
  it('keeps quiet periods over the threshold, and the longest one, including the stretch before the end', () => {
    const quiet = new QuietTracker(100, 30);
    for (const ts of [100.5, 101, 141, 142]) quiet.activity(ts);
    assert.equal(quiet.finish(192), 50);
    assert.deepEqual(quiet.periods, [{ ts: 101, idleS: 40 }, { ts: 142, idleS: 50 }]);
  });

  it('measures intervals per sender, as median and max', () => {
    const events = [1, 2, 4, 7].map((ts) => ev('ping', ts, 'server', ts)).concat([ev('ping', 3, 'client', 30), ev('ping', 13, 'client', 31)]);
    assert.deepEqual(intervalStats(events.sort((a, b) => a.ts - b.ts)), { median: 2.5, max: 10 });
    assert.equal(intervalStats([ev('ping', 1, 'client', 1)]), null);
  });
});

describe('closeModel and closeFindings', () => {
  const open = ev('ws-open', 0.1, 'server', 3, { status: 101 });

  it('a clean close: both Close frames, then FIN (RFC 6455 §7.1.4)', () => {
    const events = [
      open,
      ev('ws-close', 1, 'client', 10, { frame: 0, code: 1000, reason: 'bye' }),
      ev('ws-close', 1.0005, 'server', 11, { frame: 1, code: 1000, reason: 'bye' }),
      ev('tcp-fin', 1.002, 'server', 12),
      ev('tcp-fin', 1.003, 'client', 13),
    ];
    const close = closeModel(events);
    assert.deepEqual(close, {
      initiator: 'client',
      clientCode: 1000,
      serverCode: 1000,
      reason: 'bye',
      clean: true,
      closeToReplyMs: 0.5,
      closeToTcpEndMs: 2,
      tcpEnd: 'fin',
      tcpEndBy: 'server',
    });
    assert.deepEqual(closeFindings(close, events), []);
  });

  it('an RST without Close frames: reset and abnormal closure (1006), at the RST', () => {
    const events = [open, ev('tcp-rst', 2, 'client', 20)];
    const close = closeModel(events);
    assert.deepEqual([close.tcpEnd, close.tcpEndBy, close.clean, close.initiator], ['rst', 'client', false, null]);
    assert.deepEqual(
      closeFindings(close, events).map((f) => [f.code, f.packet]),
      [['tcp-reset', 20], ['abnormal-closure', 20]],
    );
  });

  it('a Close never answered and a TCP connection left open', () => {
    const events = [open, ev('ws-close', 3, 'server', 30, { frame: 4, code: 1001, reason: 'going away' })];
    const close = closeModel(events);
    assert.deepEqual([close.initiator, close.serverCode, close.clientCode, close.tcpEnd, close.closeToReplyMs], ['server', 1001, null, 'open', null]);
    assert.deepEqual(
      closeFindings(close, events).map((f) => [f.code, f.frame]),
      [['close-not-answered', 4], ['close-without-tcp-teardown', 4]],
    );
  });

  it('says nothing about connections that never became WebSocket (a refused upgrade)', () => {
    const events = [ev('http-response', 1, 'server', 4, { status: 403 }), ev('tcp-fin', 2, 'client', 5)];
    assert.deepEqual(closeFindings(closeModel(events), events), []);
  });
});

function segment(ts: number, packet: number, payloadLength: number): Segment {
  return { ts, packet, payloadLength } as Segment;
}

describe('TimelineRecorder', () => {
  it('a keep-alive byte is no activity; unanswered probes at the end become a finding', () => {
    const recorder = new TimelineRecorder(0, 30);
    recorder.segment(segment(1, 1, 10), 'client');
    recorder.segment(segment(41, 2, 1), 'client'); // a Windows keep-alive: one garbage byte
    recorder.tcpEvent({ type: 'keepalive', direction: 'client', ts: 41, packet: 2 });
    recorder.segment(segment(41.1, 3, 0), 'server'); // its ACK
    recorder.tcpEvent({ type: 'keepalive-ack', direction: 'server', ts: 41.1, packet: 3 });
    recorder.segment(segment(51, 4, 0), 'client');
    recorder.tcpEvent({ type: 'keepalive', direction: 'client', ts: 51, packet: 4 });
    recorder.segment(segment(61, 5, 0), 'client');
    recorder.tcpEvent({ type: 'keepalive', direction: 'client', ts: 61, packet: 5 });
    const result = recorder.finish(61);
    assert.deepEqual(
      result.events.filter((e) => e.type === 'idle'),
      [ev('idle', 1, null, null, { idleS: 60 })],
    );
    assert.equal(result.heartbeat.longestIdleS, 60);
    assert.equal(result.heartbeat.keepalives, 3);
    assert.deepEqual(result.heartbeat.keepaliveIntervalS, { median: 10, max: 10 });
    assert.deepEqual(
      result.findings.map((f) => [f.code, f.packet, f.message]),
      [['keepalive-unanswered', 4, '2 TCP keep-alive probes from the client got no answer: the server sent nothing after the first.']],
    );
  });

  it('heartbeat block from recorded frames: pongs get their rtt', () => {
    const recorder = new TimelineRecorder(0);
    const frame = (index: number, ts: number, direction: 'client' | 'server', opcode: number) =>
      ({ index, ts, packet: index + 1, direction, opcode, payloadLength: 2 }) as never;
    recorder.frame(frame(0, 1, 'server', 9), Buffer.from('hi'));
    recorder.frame(frame(1, 1.002, 'client', 10), Buffer.from('hi'));
    recorder.frame(frame(2, 2, 'server', 9), Buffer.from('hi'));
    const result = recorder.finish(3);
    assert.deepEqual(result.events.find((e) => e.type === 'pong')?.rttMs, 2);
    assert.deepEqual(result.heartbeat, {
      pings: 2,
      pongs: 1,
      unanswered: 1,
      rttMs: { min: 2, median: 2, max: 2 },
      pingIntervalS: { median: 1, max: 1 },
      keepalives: 0,
      keepaliveIntervalS: null,
      longestIdleS: 3, // no payload was recorded at all
    });
    assert.deepEqual(result.findings.map((f) => [f.code, f.frame]), [['ping-unanswered', 2]]);
  });
});
