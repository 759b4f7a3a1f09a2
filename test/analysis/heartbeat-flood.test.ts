/**
 * Ping/Pong matching under floods: 100,000 pings answered in order once matched in quadratic time (a 1.6 MB
 * capture ran for minutes). The indexed matcher must give exactly what the straightforward reading of
 * RFC 6455 §5.5.3 gives (the reference below), and do it in linear time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { TimelineEvent } from '../../src/analysis/index.js';
import { matchPongs, type ControlFrame } from '../../src/analysis/heartbeat.js';

type Direction = 'client' | 'server';

function control(type: 'ping' | 'pong', ts: number, direction: Direction, data: Buffer, frame: number): ControlFrame {
  const event: TimelineEvent = { ts, type, direction, packet: frame + 1, frame };
  return { event, payload: data };
}

/** The rule read plainly: a Pong answers the latest waiting Ping from the other side with equal data, and the earlier equal ones. */
function reference(controls: ControlFrame[]) {
  const waiting: Record<Direction, ControlFrame[]> = { client: [], server: [] };
  const rtt: Array<[number | undefined, number]> = [];
  let unsolicited = 0;
  for (const c of controls) {
    const direction = c.event.direction as Direction;
    if (c.event.type === 'ping') {
      waiting[direction].push(c);
      continue;
    }
    const other = direction === 'client' ? 'server' : 'client';
    const pings = waiting[other];
    const latest = pings.map((p) => p.payload.equals(c.payload)).lastIndexOf(true);
    if (latest === -1) {
      unsolicited++;
      continue;
    }
    rtt.push([c.event.frame, Math.round((c.event.ts - pings[latest].event.ts) * 1e6) / 1e3]);
    waiting[other] = pings.filter((p) => !p.payload.equals(c.payload));
  }
  const unanswered = [...waiting.client, ...waiting.server].map((c) => c.event).sort((a, b) => a.ts - b.ts);
  return { rtt, unanswered: unanswered.map((e) => e.frame), unsolicited };
}

test('property: the indexed matcher answers exactly as the plain reading of RFC 6455 §5.5.3', () => {
  const step = fc.record({
    type: fc.constantFrom<('ping' | 'pong')[]>('ping', 'pong'),
    direction: fc.constantFrom<Direction[]>('client', 'server'),
    data: fc.constantFrom('', 'a', 'b', '\u0000', 'ab'),
    dt: fc.constantFrom(0, 0.001, 0.5),
  });
  fc.assert(
    fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
      let ts = 1_700_000_000;
      const controls = steps.map((s, frame) => control(s.type, (ts += s.dt), s.direction, Buffer.from(s.data, 'latin1'), frame));
      const match = matchPongs(controls);
      const expected = reference(controls);
      assert.deepEqual([...match.rttMs].map(([event, ms]) => [event.frame, ms]), expected.rtt);
      assert.deepEqual(match.unanswered.map((e) => e.frame), expected.unanswered);
      assert.equal(match.unsolicited.length, expected.unsolicited);
    }),
    { numRuns: 500 },
  );
});

test('100,000 pings, then their pongs in order, are matched in well under a second', () => {
  const n = 100_000;
  const controls: ControlFrame[] = [];
  const data = (i: number) => Buffer.from(String(i));
  for (let i = 0; i < n; i++) controls.push(control('ping', 1 + i / 1e6, 'client', data(i), i));
  for (let i = 0; i < n; i++) controls.push(control('pong', 2 + i / 1e6, 'server', data(i), n + i));
  // Half of the pongs again: nothing waits for them any more.
  for (let i = 0; i < n / 2; i++) controls.push(control('pong', 3 + i / 1e6, 'server', data(i), 2 * n + i));
  const started = Date.now();
  const match = matchPongs(controls);
  assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
  assert.equal(match.rttMs.size, n);
  assert.equal(match.unanswered.length, 0);
  assert.equal(match.unsolicited.length, n / 2);
});
