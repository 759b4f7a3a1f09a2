/** A message body collected in pieces, kept up to a byte limit; what goes beyond is only noted. */
export class Body {
  private chunks: Buffer[] = [];
  length = 0;
  /** Bytes were offered beyond the limit. */
  truncated = false;

  constructor(readonly limit: number) {}

  get room(): number {
    return this.limit - this.length;
  }

  /** Keeps what fits of `bytes` (a view, not copied: callers hand over buffers they own); returns that part. */
  append(bytes: Buffer): Buffer {
    const kept = bytes.length <= this.room ? bytes : bytes.subarray(0, this.room);
    if (kept.length < bytes.length) this.truncated = true;
    if (kept.length > 0) {
      this.chunks.push(kept);
      this.length += kept.length;
    }
    return kept;
  }

  toBuffer(): Buffer {
    if (this.chunks.length === 1) return this.chunks[0];
    return Buffer.concat(this.chunks, this.length);
  }
}
