import type { StreamChunk } from '../tcp/types.js';

/**
 * The chunk with a copy of its bytes, for keeping past the call that brought it: its own bytes are a view into
 * the capture reader's 1 MiB chunk, which a kept view would keep alive whole.
 */
export function ownChunk(chunk: StreamChunk): StreamChunk {
  return { ...chunk, data: Buffer.from(chunk.data) };
}

/** The part of `chunk` from `from` on, with its stream offset moved along (no copy). */
export function sliceChunk(chunk: StreamChunk, from: number): StreamChunk {
  if (from === 0) return chunk;
  return { ...chunk, data: chunk.data.subarray(from), offset: chunk.offset + from };
}
