/** What the queue needs of a connection: whether it is over. */
export interface Ending {
  readonly isEnded: boolean;
}

/**
 * Open connections in the order they began, so that the oldest one can be let go when too many are open.
 *
 * Connections end in any order; removing each from the middle of a list is what made this slow before: a
 * Set's first item, after many deletions, is found by walking every deleted slot before it, each time (a
 * SYN flood spent 46 of 80 s there). Here an ended connection is only skipped when it reaches the front, and
 * the list is compacted in place once ended ones are the greater part of it, so that every operation costs
 * amortized O(1) and the list never holds more than twice the open connections (plus a constant).
 */
export class StartOrder<T extends Ending> {
  /**
   * Connections from `head` on, in start order, ended ones not yet dropped. Never replaced, only compacted
   * in place: replacing it made V8 deoptimize the code that took it for a constant (tracker.ts, `closed`).
   */
  private readonly queue: (T | undefined)[] = [];
  private head = 0;
  private openCount = 0;

  /** How many of the connections added have not ended (as told by `ended`, `oldest` or `drain`). */
  get size(): number {
    return this.openCount;
  }

  /** How many entries the queue holds, open or not yet dropped: what it costs in memory. */
  get length(): number {
    return this.queue.length - this.head;
  }

  /** A connection that just began, open. */
  add(item: T): void {
    this.openCount++;
    // More dropped than open: compacting now costs at most twice the entries added since the last time.
    if (this.queue.length > 2 * this.openCount + 1024) this.compact();
    this.queue.push(item);
  }

  /** One that was added has ended (its isEnded is true now): it no longer counts, and is dropped in passing. */
  ended(): void {
    this.openCount--;
  }

  /** The oldest connection still open, taken out of the queue (the caller ends it); undefined when none is. */
  takeOldest(): T | undefined {
    while (this.head < this.queue.length) {
      const item = this.queue[this.head] as T;
      // Passed over for good: the slot lets go of it now rather than at the next compaction.
      this.queue[this.head++] = undefined;
      if (!item.isEnded) {
        this.openCount--;
        return item;
      }
    }
    return undefined;
  }

  /** Every connection still open, in start order; the queue is left empty. */
  drain(): T[] {
    const open: T[] = [];
    for (let at = this.head; at < this.queue.length; at++) {
      const item = this.queue[at] as T;
      if (!item.isEnded) open.push(item);
    }
    this.queue.length = 0;
    this.head = 0;
    this.openCount = 0;
    return open;
  }

  /** Drops the ended connections, keeping the order of the others. */
  private compact(): void {
    let kept = 0;
    for (let at = this.head; at < this.queue.length; at++) {
      const item = this.queue[at] as T;
      if (!item.isEnded) this.queue[kept++] = item;
    }
    this.queue.length = kept;
    this.head = 0;
  }
}
