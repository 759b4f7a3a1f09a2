// Threads reading the same captures side by side (parallel.ts) keep within a few chunks of each other: the main
// thread buffers the output of connections that ended in it until the thread that analysed them sends it, and
// that buffer must stay small however long the capture.

/** How many chunks (1 MiB of capture each) a thread may run ahead of the slowest one still reading. */
export const LEAD_CHUNKS = 16;

/** A thread's count once it has read everything: it holds nobody back any more. */
const DONE = 0x7fffffff;

/** How long a blocked worker sleeps between looks at the abort flag (ms). */
const WAKE_MS = 100;

/**
 * One thread's view of the shared counters: cell t counts the chunks thread t has read, the cell after the
 * threads' is the abort flag (set when one of them failed, so that none waits for it forever).
 */
export class Pace {
  private readonly counts: Int32Array;
  private readonly abortAt: number;

  constructor(
    shared: SharedArrayBuffer,
    private readonly thread: number,
  ) {
    this.counts = new Int32Array(shared);
    this.abortAt = this.counts.length - 1;
  }

  /** Counters for `threads` threads. */
  static shared(threads: number): SharedArrayBuffer {
    return new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * (threads + 1));
  }

  get aborted(): boolean {
    return Atomics.load(this.counts, this.abortAt) !== 0;
  }

  /** Tells every thread to stop: the run failed. */
  abort(): void {
    Atomics.store(this.counts, this.abortAt, 1);
    for (let t = 0; t < this.abortAt; t++) Atomics.notify(this.counts, t);
  }

  /** This thread read one more chunk. */
  step(): void {
    Atomics.add(this.counts, this.thread, 1);
    Atomics.notify(this.counts, this.thread);
  }

  /** This thread read everything. */
  done(): void {
    Atomics.store(this.counts, this.thread, DONE);
    Atomics.notify(this.counts, this.thread);
  }

  /** The slowest other thread this one is too far ahead of, with its count then; null when none. */
  private laggard(): { thread: number; count: number } | null {
    const own = Atomics.load(this.counts, this.thread);
    for (let t = 0; t < this.abortAt; t++) {
      const count = Atomics.load(this.counts, t);
      if (t !== this.thread && own - count > LEAD_CHUNKS) return { thread: t, count };
    }
    return null;
  }

  /** Blocks until no thread is too far behind this one (worker threads, which have nothing else to do). */
  waitBlocking(): void {
    for (let behind = this.laggard(); behind !== null && !this.aborted; behind = this.laggard()) {
      Atomics.wait(this.counts, behind.thread, behind.count, WAKE_MS);
    }
    if (this.aborted) throw new Error('aborted: another thread failed');
  }

  /**
   * Resolves once no thread is too far behind this one; undefined when none is (the main thread, whose event
   * loop keeps taking the workers' messages meanwhile).
   */
  waitAsync(): Promise<void> | undefined {
    if (this.laggard() === null) return undefined;
    return (async () => {
      for (let behind = this.laggard(); behind !== null && !this.aborted; behind = this.laggard()) {
        const wait = Atomics.waitAsync(this.counts, behind.thread, behind.count, WAKE_MS);
        if (wait.async) await wait.value;
      }
      if (this.aborted) throw new Error('aborted: another thread failed');
    })();
  }
}
