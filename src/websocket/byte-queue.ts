/**
 * In-order bytes of one direction, held as the chunks they arrived in (the shape of the `ws` receiver's
 * buffer list): reading never joins everything, and each read notes which packets supplied the bytes.
 */
interface Chunk {
  data: Buffer;
  ts: number;
  packet: number;
}

export class ByteQueue {
  private chunks: Chunk[] = [];
  /** Read position inside chunks[0]. */
  private head = 0;
  private buffered = 0;
  /** Stream offset of the next unread byte. */
  position = 0;
  /** Packets that supplied the bytes read since the caller last replaced this array; a packet appears once. */
  packets: number[] = [];
  /** Timestamp and number of the packet that supplied the last byte read. */
  lastTs = 0;
  lastPacket = 0;

  /** Bytes pushed and not read yet. */
  get length(): number {
    return this.buffered;
  }

  /** `offset` is the stream offset of data[0]; it only matters when the queue is empty (new start or after a gap). */
  push(data: Buffer, offset: number, ts: number, packet: number): void {
    if (data.length === 0) return;
    if (this.buffered === 0) this.position = offset;
    this.chunks.push({ data, ts, packet });
    this.buffered += data.length;
  }

  /** Exactly `n` bytes (n <= length): a view when they lie in one chunk, else a copy (used for header fields, n <= 8). */
  read(n: number): Buffer {
    const first = this.chunks[0];
    if (first.data.length - this.head >= n) return this.readSome(n);
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) filled += this.readSome(n - filled).copy(out, filled);
    return out;
  }

  /** Up to `max` bytes (max >= 1, length >= 1) from the first chunk only, as a view of the pushed buffer. */
  readSome(max: number): Buffer {
    const chunk = this.chunks[0];
    const data = chunk.data;
    const end = Math.min(data.length, this.head + max);
    // A whole chunk is handed on as it is: making a view costs more than anything else here.
    const out = this.head === 0 && end === data.length ? data : data.subarray(this.head, end);
    // Pushes arrive in stream order and a packet's bytes are contiguous, so comparing with the last
    // entry is enough to list each packet once.
    if (this.packets.length === 0 || this.packets[this.packets.length - 1] !== chunk.packet) {
      this.packets.push(chunk.packet);
    }
    this.lastTs = chunk.ts;
    this.lastPacket = chunk.packet;
    this.buffered -= out.length;
    this.position += out.length;
    if (end === data.length) {
      this.chunks.shift();
      this.head = 0;
    } else {
      this.head = end;
    }
    return out;
  }

  /**
   * Replaces the unread bytes' views with copies (one per chunk, so each still names its packet). The pushed
   * buffers are views into the capture reader's 1 MiB chunks: a few header bytes left waiting for the next
   * packet would otherwise keep a whole chunk alive for as long as the connection stays quiet.
   */
  own(): void {
    if (this.buffered === 0) return;
    this.chunks = this.chunks.map((chunk, i) => ({ ...chunk, data: Buffer.from(i === 0 ? chunk.data.subarray(this.head) : chunk.data) }));
    this.head = 0;
  }

  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.buffered = 0;
    this.packets = [];
  }
}
