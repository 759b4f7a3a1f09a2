import type { ConnectionModel } from '../analysis/index.js';
import type { Span } from './text.js';

const LEVELS = '▁▂▃▄▅▆▇█';
const IDLE = '·';

/** Messages per time bucket across the connection's life (start..end in `width` equal slices). */
export function messageBuckets(connection: ConnectionModel, width: number): Uint32Array {
  const buckets = new Uint32Array(Math.max(1, width));
  for (const message of connection.messages) buckets[bucketOf(connection, message.ts, buckets.length)]++;
  return buckets;
}

export function bucketOf(connection: ConnectionModel, ts: number, width: number): number {
  const span = connection.end - connection.start;
  if (span <= 0) return 0;
  return Math.max(0, Math.min(width - 1, Math.floor(((ts - connection.start) / span) * width)));
}

/** When the first Close frame was sent, if one was. Searched from the end: the close comes last. */
export function closeTime(connection: ConnectionModel): number | null {
  const { frames } = connection;
  let found: number | null = null;
  for (let i = frames.length - 1; i >= 0; i--) {
    if (frames[i].close) found = frames[i].ts;
    else if (found !== null) break;
  }
  return found;
}

/**
 * The activity strip: one cell per bucket, block height by message count (log scale, so a single message in
 * a busy connection still shows), `·` where nothing was sent, the close in red, the cursor's time inverted.
 */
export function sparkline(buckets: Uint32Array, closeBucket: number | null, cursorBucket: number | null): Span[] {
  let max = 0;
  for (const count of buckets) max = Math.max(max, count);
  const scale = Math.log1p(max);
  const spans: Span[] = [];
  buckets.forEach((count, i) => {
    const char = count === 0 ? IDLE : LEVELS[Math.min(LEVELS.length - 1, Math.floor((Math.log1p(count) / scale) * (LEVELS.length - 1)))];
    const color = i === closeBucket ? 'red' : count === 0 ? 'gray' : 'green';
    spans.push({ text: char, color, inverse: i === cursorBucket });
  });
  return spans;
}
