const EMPTY = Buffer.alloc(0);

/** A message body collected in pieces, kept up to a byte limit; what goes beyond is only noted. */
export class Body {
  /** The first piece, and the pieces after it (most bodies are one piece: no list is made for them). */
  private first: Buffer = EMPTY;
  private rest: Buffer[] | null = null;
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
      if (this.length === 0) this.first = kept;
      else (this.rest ??= []).push(kept);
      this.length += kept.length;
    }
    return kept;
  }

  toBuffer(): Buffer {
    if (this.rest === null) return this.first;
    return Buffer.concat([this.first, ...this.rest], this.length);
  }
}
