import type { StreamChunk } from '../tcp/types.js';

/** The part of `chunk` from `from` on, with its stream offset moved along (no copy). */
export function sliceChunk(chunk: StreamChunk, from: number): StreamChunk {
  if (from === 0) return chunk;
  return { ...chunk, data: chunk.data.subarray(from), offset: chunk.offset + from };
}
