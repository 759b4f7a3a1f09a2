/** The queue of open connections in start order (tracker.ts evicts its oldest): linear work, bounded length. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StartOrder } from '../../src/tcp/start-order.js';

/** A connection stand-in whose isEnded reads are counted: the queue's work. */
class Item {
  static reads = 0;
  /** What isEnded says, for the test to read without counting. */
  over = false;
  constructor(readonly id: number) {}
  get isEnded(): boolean {
    Item.reads++;
    return this.over;
  }
  end(): void {
    this.over = true;
  }
}

test('the oldest open connection is taken first, ended ones skipped', () => {
  const order = new StartOrder<Item>();
  const items = [0, 1, 2, 3, 4].map((id) => new Item(id));
  for (const item of items) order.add(item);
  items[0].end();
  items[2].end();
  order.ended();
  order.ended();
  assert.equal(order.size, 3);
  assert.equal(order.takeOldest()?.id, 1);
  assert.equal(order.size, 2);
  assert.deepEqual(order.drain().map((item) => item.id), [3, 4]);
  assert.equal(order.size, 0);
  assert.equal(order.takeOldest(), undefined);
});

test('a flood that ends most connections out of order stays linear in work and bounded in length', () => {
  // 200,000 connections, at most 1,000 open: every new one past the limit evicts the oldest, and two of every
  // three end by themselves soon after they began (refused), in no particular order.
  const order = new StartOrder<Item>();
  const open: Item[] = [];
  const total = 200_000;
  let longest = 0;
  Item.reads = 0;
  for (let id = 0; id < total; id++) {
    if (order.size >= 1_000) (order.takeOldest() as Item).end();
    const item = new Item(id);
    order.add(item);
    open.push(item);
    if (id % 3 !== 0 && open.length > 5) {
      // End one of the recent ones that is still open, not the newest.
      const victim = open.splice(open.length - 1 - (id % 5), 1)[0];
      if (!victim.over) {
        victim.end();
        order.ended();
      }
    }
    if (open.length > 4_000) open.splice(0, 2_000);
    longest = Math.max(longest, order.length);
  }
  // An entry is read when it reaches the front and by each compaction it survives; a compaction drops at
  // least half of what it reads: a few reads per connection (here 1.5), where rescanning would be thousands.
  assert.ok(Item.reads <= 2 * total, `${Item.reads} reads for ${total} connections`);
  assert.ok(longest <= 2 * 1_000 + 1_025, `the queue held ${longest} entries for at most 1,000 open`);
});
