// Several files merged by timestamp as mergecap does (wiretap/merge.c): always deliver the earliest next
// packet of all files; on equal timestamps the file given first goes first.
import { CaptureFile, Tally } from './file.js';
import { RecordPacket } from './packet.js';
import type { RecordSink } from './record.js';
import type { CaptureError, Packet } from './types.js';

/** One file's packets from its latest chunk, waiting their turn. */
export class MergeQueue {
  batch: Packet[] = [];
  next = 0;
  readonly delivered = new Tally();
  private file!: CaptureFile;

  private constructor(readonly order: number) {}

  static async open(
    path: string,
    order: number,
    chunkBytes: number,
    onRawBytes: (count: number) => void,
  ): Promise<MergeQueue | CaptureError> {
    const queue = new MergeQueue(order);
    const sink: RecordSink = (ts, linkType, bytes, start, end, originalLength) => {
      queue.batch.push(new RecordPacket(0, ts, linkType, bytes, start, end, originalLength));
    };
    const file = await CaptureFile.open(path, sink, chunkBytes, onRawBytes);
    if (!(file instanceof CaptureFile)) return file;
    queue.file = file;
    return queue;
  }

  get captureFile(): CaptureFile {
    return this.file;
  }

  /** Pulls chunks until a packet waits; false once the file is done (see `captureFile.error`). */
  async refill(): Promise<boolean> {
    this.batch = [];
    this.next = 0;
    // A pull that hits damage still leaves the packets before it in the batch.
    while (this.batch.length === 0 && (await this.file.pull()));
    return this.batch.length > 0;
  }
}

/**
 * Delivers the packets of all queues in timestamp order, numbered from 1. Like mergecap, it stops at the
 * first file that turns out damaged, once that file's packets before the damage have had their turn.
 */
export async function mergeByTime(
  queues: MergeQueue[],
  onPacket: (packet: Packet) => void,
): Promise<{ packets: number; error: CaptureError | null }> {
  const heap: MergeQueue[] = [];
  for (const queue of queues) {
    if (await queue.refill()) heap.push(queue);
    else if (queue.captureFile.error) return { packets: 0, error: queue.captureFile.error };
  }
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(heap, i);
  let packets = 0;
  while (heap.length > 0) {
    const first = heap[0];
    const packet = first.batch[first.next++];
    packet.number = ++packets;
    first.delivered.count(packet.linkType);
    onPacket(packet);
    if (first.next === first.batch.length && !(await first.refill())) {
      const error = first.captureFile.error;
      if (error) return { packets, error };
      const last = heap.pop() as MergeQueue;
      if (last === first) continue;
      heap[0] = last;
    }
    siftDown(heap, 0);
  }
  return { packets, error: null };
}

function precedes(a: MergeQueue, b: MergeQueue): boolean {
  const at = a.batch[a.next].ts;
  const bt = b.batch[b.next].ts;
  return at < bt || (at === bt && a.order < b.order);
}

function siftDown(heap: MergeQueue[], from: number): void {
  let i = from;
  for (;;) {
    const left = 2 * i + 1;
    if (left >= heap.length) return;
    const right = left + 1;
    const child = right < heap.length && precedes(heap[right], heap[left]) ? right : left;
    if (!precedes(heap[child], heap[i])) return;
    [heap[i], heap[child]] = [heap[child], heap[i]];
    i = child;
  }
}
