// capture/: capture files -> Packet. Classic pcap and pcapng (our own readers, parsing records in place
// in the chunks read), either of them gzip-compressed; several files are merged by timestamp.
import { CaptureFile, Tally } from './file.js';
import { MergeQueue, mergeByTime } from './merge.js';
import { RecordPacket } from './packet.js';
import {
  CaptureError,
  type CaptureReadResult,
  type CaptureSummary,
  type Packet,
  type ReadCapturesOptions,
} from './types.js';

export * from './types.js';
export { RecordPacket } from './packet.js';

const CHUNK_BYTES = 1 << 20;
/**
 * Merging keeps two chunks of every file in memory (the one parsed and the one read ahead): their sum stays
 * near this, no chunk below 64 KiB.
 */
const MERGE_MEMORY_BYTES = 64 << 20;
const MIN_CHUNK_BYTES = 64 << 10;

/**
 * Reads `files` and delivers their packets synchronously to `onPacket`, numbered from 1: in file order
 * for one file, merged by timestamp (mergecap's order) for several. `data` is a view into the chunk
 * read, whose buffer is reused for later chunks: copy it to keep it beyond the callback (a view kept
 * would show other packets' bytes). Never rejects for bad input: problems go into `error`; an exception
 * thrown by `onPacket` rejects.
 */
export async function readCaptures(
  files: string[],
  onPacket: (packet: Packet) => void,
  options: ReadCapturesOptions = {},
): Promise<CaptureReadResult> {
  const progress = progressReporter(options);
  if (files.length === 1) return readOne(files[0], onPacket, progress);
  if (files.length === 0) return failed(new CaptureError('unreadable', '', null, 'no capture file given'));
  const chunkBytes = Math.max(MIN_CHUNK_BYTES, Math.min(CHUNK_BYTES, Math.floor(MERGE_MEMORY_BYTES / 2 / files.length)));
  const queues: MergeQueue[] = [];
  try {
    // Every file is opened and identified before any packet goes out, as mergecap does.
    for (const [order, path] of files.entries()) {
      const queue = await MergeQueue.open(path, order, chunkBytes, progress.onRawBytes);
      if (queue instanceof CaptureError) return failed(queue);
      queues.push(queue);
    }
    progress.start(queues.map((queue) => queue.captureFile));
    const { packets, error } = await mergeByTime(queues, onPacket);
    return result(
      queues.map((queue) => queue.captureFile.summary(queue.delivered)),
      packets,
      error,
    );
  } finally {
    for (const queue of queues) queue.captureFile.close();
  }
}

/** One file, the common case: packets go straight from the format reader to `onPacket`. */
async function readOne(
  path: string,
  onPacket: (packet: Packet) => void,
  progress: Progress,
): Promise<CaptureReadResult> {
  const delivered = new Tally();
  const file = await CaptureFile.open(
    path,
    (ts, linkType, bytes, start, end, originalLength) => {
      delivered.count(linkType);
      onPacket(new RecordPacket(delivered.packets, ts, linkType, bytes, start, end, originalLength));
    },
    CHUNK_BYTES,
    progress.onRawBytes,
  );
  if (file instanceof CaptureError) return failed(file);
  try {
    progress.start([file]);
    while (await file.pull());
    return result([file.summary(delivered)], delivered.packets, file.error);
  } finally {
    file.close();
  }
}

interface Progress {
  onRawBytes: (count: number) => void;
  /** The total is known once every file is open: from then on each chunk is reported. */
  start: (files: CaptureFile[]) => void;
}

function progressReporter({ onProgress }: ReadCapturesOptions): Progress {
  let bytesRead = 0;
  let totalBytes = -1;
  return {
    onRawBytes(count) {
      bytesRead += count;
      if (onProgress && totalBytes >= 0) onProgress(bytesRead, totalBytes);
    },
    start(files) {
      totalBytes = files.reduce((sum, file) => sum + file.size, 0);
      onProgress?.(bytesRead, totalBytes);
    },
  };
}

function result(summaries: CaptureSummary[], packets: number, error: CaptureError | null): CaptureReadResult {
  const linkTypes = [...new Set(summaries.flatMap((summary) => summary.linkTypes))].sort((a, b) => a - b);
  return { summaries, packets, linkTypes, format: summaries[0].format, error };
}

function failed(error: CaptureError): CaptureReadResult {
  return { summaries: [], packets: 0, linkTypes: [], format: 'pcap', error };
}
