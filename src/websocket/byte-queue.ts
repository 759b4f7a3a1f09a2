/**
 * In-order bytes of one direction, held as the chunks they arrived in (the shape of the `ws` receiver's
 * buffer list): reading never joins everything, and each read notes which packets supplied the bytes.
 * The chunk being read is held in fields, and only chunks waiting behind it in a list: bytes read in the push
 * that brought them (nearly all of them) cost no allocation, and neither do reads, which hand out positions
 * in the current chunk rather than views of it.
 */
interface Chunk {
  data: Buffer;
  ts: number;
  packet: number;
}

const EMPTY = Buffer.alloc(0);
/** No packets read yet (never added to: the first packet read replaces it). */
const NO_PACKETS: readonly number[] = [];

export class ByteQueue {
  /** The chunk being read: its bytes (read from `head` on), timestamp and packet. */
  private data: Buffer = EMPTY;
  private head = 0;
  private ts = 0;
  private packet = 0;
  /** Chunks pushed while the current one still had unread bytes, oldest first. */
  private waiting: Chunk[] = [];
  private buffered = 0;
  /** Stream offset of the next unread byte. */
  position = 0;
  /** Packets that supplied the bytes read since the last takePackets(); a packet appears once. */
  private packets = NO_PACKETS;
  /** Timestamp and number of the packet that supplied the last byte read. */
  lastTs = 0;
  lastPacket = 0;

  /** Bytes pushed and not read yet. */
  get length(): number {
    return this.buffered;
  }

  /** The current chunk's buffer: its unread bytes are current[currentStart .. currentStart + currentLength). */
  get current(): Buffer {
    return this.data;
  }

  get currentStart(): number {
    return this.head;
  }

  /** Unread bytes in the current chunk (all of them are also counted in `length`). */
  get currentLength(): number {
    return this.data.length - this.head;
  }

  /** `offset` is the stream offset of data[0]; it only matters when the queue is empty (new start or after a gap). */
  push(data: Buffer, offset: number, ts: number, packet: number): void {
    if (data.length === 0) return;
    if (this.buffered === 0) {
      this.position = offset;
      this.data = data;
      this.head = 0;
      this.ts = ts;
      this.packet = packet;
    } else {
      this.waiting.push({ data, ts, packet });
    }
    this.buffered += data.length;
  }

  /**
   * Reads `length` bytes starting at stream offset `offset` without their being pushed: for a caller that
   * needs nothing of them but their count. The queue must be empty.
   */
  pass(length: number, offset: number, ts: number, packet: number): void {
    if (length === 0) return;
    this.note(ts, packet);
    this.position = offset + length;
  }

  /** The unread byte `i` places ahead (i < length), without reading it. */
  byteAt(i: number): number {
    let at = this.head + i;
    if (at < this.data.length) return this.data[at];
    at -= this.data.length;
    for (const chunk of this.waiting) {
      if (at < chunk.data.length) return chunk.data[at];
      at -= chunk.data.length;
    }
    throw new RangeError('ByteQueue.byteAt past the buffered bytes');
  }

  /** Copies the next `n` unread bytes (n <= length) to target[0..n) without reading them. */
  peekInto(target: Buffer, n: number): void {
    let filled = this.data.copy(target, 0, this.head, Math.min(this.data.length, this.head + n));
    for (let i = 0; filled < n; i++) {
      const data = this.waiting[i].data;
      filled += data.copy(target, filled, 0, Math.min(data.length, n - filled));
    }
  }

  /** Reads `n` bytes (n <= length) without looking at them: they may span chunks. */
  skip(n: number): void {
    let left = n;
    while (left > 0 && this.buffered > 0) {
      const take = Math.min(left, this.data.length - this.head);
      this.consume(take);
      left -= take;
    }
  }

  /**
   * Replaces the unread bytes' views with copies (one per chunk, so each still names its packet). The pushed
   * buffers are views into the capture reader's 1 MiB chunks: a few header bytes left waiting for the next
   * packet would otherwise keep a whole chunk alive for as long as the connection stays quiet.
   */
  own(): void {
    if (this.buffered === 0) return;
    this.data = Buffer.from(this.data.subarray(this.head));
    this.head = 0;
    for (const chunk of this.waiting) chunk.data = Buffer.from(chunk.data);
  }

  /** The packets that supplied the bytes read since the last call, in order; the next read starts a new list. */
  takePackets(): number[] {
    const packets = this.packets as number[];
    this.packets = NO_PACKETS;
    return packets;
  }

  clear(): void {
    this.data = EMPTY;
    this.head = 0;
    this.waiting = [];
    this.buffered = 0;
    this.packets = NO_PACKETS;
  }

  /** Notes that a packet supplied the bytes being read. */
  private note(ts: number, packet: number): void {
    // Pushes arrive in stream order and a packet's bytes are contiguous, so comparing with the last
    // entry is enough to list each packet once.
    const packets = this.packets;
    if (packets.length === 0) this.packets = [packet];
    else if (packets[packets.length - 1] !== packet) (packets as number[]).push(packet);
    this.lastTs = ts;
    this.lastPacket = packet;
  }

  /** Reads `n` bytes of the current chunk (1 <= n <= currentLength). */
  private consume(n: number): void {
    this.note(this.ts, this.packet);
    this.buffered -= n;
    this.position += n;
    this.head += n;
    if (this.head < this.data.length) return;
    const next = this.waiting.shift();
    if (next === undefined) {
      this.data = EMPTY;
      this.head = 0;
      return;
    }
    this.data = next.data;
    this.head = 0;
    this.ts = next.ts;
    this.packet = next.packet;
  }
}
