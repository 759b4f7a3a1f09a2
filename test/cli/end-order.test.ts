import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EndOrder } from '../../src/cli/end-order.js';
import { LEAD_CHUNKS, Pace } from '../../src/cli/pace.js';

test('output goes out in the order connections ended, whether a worker sends it before or after that', () => {
  const out: string[] = [];
  const order = new EndOrder<string>(3, (piece) => out.push(piece));
  order.own((emit) => emit('a'));
  assert.deepEqual(out, ['a'], 'nothing waits before it: straight out');
  // Thread 1's connection ends; its output is not there yet, so thread 0's next one waits behind it.
  order.other(1);
  order.own((emit) => {
    emit('c1');
    emit('c2');
  });
  // Thread 2 ran ahead: its output arrives before the main thread sees that connection end.
  order.arrived(2, ['d'], true);
  assert.deepEqual(out, ['a']);
  assert.equal(order.holding, true);
  // Thread 1's output comes in two parts; the first goes out at once, being at the head of the line.
  order.arrived(1, ['b1'], false);
  assert.deepEqual(out, ['a', 'b1']);
  order.arrived(1, ['b2'], true);
  assert.deepEqual(out, ['a', 'b1', 'b2', 'c1', 'c2']);
  order.other(2);
  assert.deepEqual(out, ['a', 'b1', 'b2', 'c1', 'c2', 'd']);
  assert.equal(order.holding, false);
  order.finish();
});

test('a connection whose output never came, or came without its end being seen, is an error at the finish', () => {
  const missing = new EndOrder<string>(2, () => {});
  missing.other(1);
  assert.throws(() => missing.finish(), /disagree on which connections ended/);
  const unseen = new EndOrder<string>(2, () => {});
  unseen.arrived(1, ['x'], true);
  assert.throws(() => unseen.finish(), /disagree on which connections ended \(thread 1\)/);
});

test('a thread more than LEAD_CHUNKS ahead waits for the slowest until it catches up; a failure wakes it', async () => {
  const shared = Pace.shared(2);
  const main = new Pace(shared, 0);
  const worker = new Pace(shared, 1);
  for (let i = 0; i < LEAD_CHUNKS; i++) main.step();
  assert.equal(main.waitAsync(), undefined, 'LEAD_CHUNKS ahead is allowed');
  main.step();
  const waiting = main.waitAsync();
  assert.ok(waiting instanceof Promise);
  let resolved = false;
  void waiting.then(() => (resolved = true));
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(resolved, false, 'still waiting for the worker');
  worker.step();
  await waiting;
  // A thread that is done holds nobody back.
  for (let i = 0; i < 3 * LEAD_CHUNKS; i++) main.step();
  worker.done();
  assert.equal(main.waitAsync(), undefined);

  const again = new Pace(Pace.shared(2), 0);
  for (let i = 0; i <= LEAD_CHUNKS; i++) again.step();
  const stuck = again.waitAsync() as Promise<void>;
  again.abort();
  await assert.rejects(stuck, /another thread failed/);
});
