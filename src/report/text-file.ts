import { writeSync } from 'node:fs';

/** Text up to this many UTF-8 bytes is encoded into one reused buffer; longer text gets its own. */
const SCRATCH_BYTES = 4 << 20;
let scratch: Buffer | null = null;

/**
 * Writes `text` as UTF-8 to `fd` (at `position`, or at the file's offset when null) and returns the bytes
 * written. writeSync(fd, string) makes a new buffer on every call: on a large report that is hundreds of
 * megabytes of garbage, tens of them waiting for the next GC at any time; here one buffer serves every call.
 */
export function writeText(fd: number, text: string, position: number | null = null): number {
  scratch ??= Buffer.allocUnsafe(SCRATCH_BYTES);
  const bytes = Buffer.byteLength(text, 'utf8') <= SCRATCH_BYTES ? scratch.subarray(0, scratch.write(text, 'utf8')) : Buffer.from(text, 'utf8');
  for (let done = 0; done < bytes.length; ) {
    done += writeSync(fd, bytes, done, bytes.length - done, position === null ? null : position + done);
  }
  return bytes.length;
}
