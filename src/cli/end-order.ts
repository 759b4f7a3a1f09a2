/** One connection's output: its pieces so far, and whether they are all there. */
interface Slot<P> {
  pieces: P[];
  complete: boolean;
}

/** A worker's connections, in the order they ended, from the oldest one whose output is not all taken yet. */
interface WorkerSlots<P> {
  /** Ended connections of the worker before `slots[0]`, in the order they ended. */
  base: number;
  slots: Slot<P>[];
  /** How many of its connections the main thread saw end. */
  seen: number;
  /** How many of its connections' outputs arrived whole. */
  arrived: number;
}

/**
 * Connections' output in the order the connections ended, as one thread alone writes it, while several threads
 * analyse them (parallel.ts). Every thread reads every packet, so the main thread sees each connection end,
 * in order, whichever thread analyses it: its own connections' output is made there and then, another
 * thread's arrives later, in pieces (or earlier, when that thread runs ahead). Output goes to `take` as soon as
 * everything before it went; what must wait is held, and the threads keep pace (pace.ts), so that is little.
 */
export class EndOrder<P> {
  /** Ended connections whose output is not all taken yet, in the order they ended (few: the threads keep pace). */
  private readonly waiting: Slot<P>[] = [];
  private readonly workers: WorkerSlots<P>[];

  constructor(
    threads: number,
    private readonly take: (piece: P) => void,
  ) {
    this.workers = Array.from({ length: threads }, () => ({ base: 0, slots: [], seen: 0, arrived: 0 }));
  }

  /** Whether output is still held: ended connections whose output has not all arrived, or must wait for one. */
  get holding(): boolean {
    return this.waiting.length > 0;
  }

  /** A connection of the main thread ended: `make` hands its output to `emit`. */
  own(make: (emit: (piece: P) => void) => void): void {
    if (!this.holding) {
      make(this.take);
      return;
    }
    const slot: Slot<P> = { pieces: [], complete: true };
    make((piece) => slot.pieces.push(piece));
    this.waiting.push(slot);
  }

  /** A connection that `thread` analyses ended. */
  other(thread: number): void {
    const worker = this.workers[thread];
    this.waiting.push(this.slotOf(worker, worker.seen));
    worker.seen++;
    this.forgetDone(worker);
    this.flush();
  }

  /** Output from `thread` of the oldest of its connections not all arrived; `complete` when this is the last of it. */
  arrived(thread: number, pieces: P[], complete: boolean): void {
    const worker = this.workers[thread];
    const slot = this.slotOf(worker, worker.arrived);
    for (const piece of pieces) slot.pieces.push(piece);
    if (complete) {
      slot.complete = true;
      worker.arrived++;
      this.forgetDone(worker);
    }
    this.flush();
  }

  /** Every thread is done: each connection's output must have come, and gone out. */
  finish(): void {
    const unmatched = this.workers.findIndex((worker) => worker.arrived !== worker.seen);
    if (this.holding || unmatched >= 0) {
      throw new Error(`parallel analysis: the threads disagree on which connections ended (thread ${unmatched})`);
    }
  }

  /** The worker's slot for its `index`th ended connection, made by whichever of other() and arrived() comes first. */
  private slotOf(worker: WorkerSlots<P>, index: number): Slot<P> {
    while (worker.base + worker.slots.length <= index) worker.slots.push({ pieces: [], complete: false });
    return worker.slots[index - worker.base];
  }

  /** A slot whose output arrived whole and which is in line needs no more finding: the worker lets go of it. */
  private forgetDone(worker: WorkerSlots<P>): void {
    while (worker.slots.length > 0 && worker.slots[0].complete && worker.base < worker.seen) {
      worker.slots.shift();
      worker.base++;
    }
  }

  /** Hands on what is at the head of the line, up to the first connection whose output is not all there. */
  private flush(): void {
    while (this.waiting.length > 0) {
      const slot = this.waiting[0];
      for (const piece of slot.pieces) this.take(piece);
      slot.pieces.length = 0;
      if (!slot.complete) return;
      this.waiting.shift();
    }
  }
}
