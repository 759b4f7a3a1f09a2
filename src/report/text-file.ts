import { writeSync } from 'node:fs';
import { hasTerminalUnsafeUtf8, terminalSafeJson } from './terminal.js';

/** Bytes gathered before they are handed on: few writes, and the buffer stays small. */
export const PIECE_BYTES = 64 << 10;

/** Writes all of `bytes` to `fd`, at `position` (or at the file's offset when null). */
export function writeBytes(fd: number, bytes: Uint8Array, position: number | null = null): void {
  for (let done = 0; done < bytes.length; ) {
    done += writeSync(fd, bytes, done, bytes.length - done, position === null ? null : position + done);
  }
}

/** A UTF-16 code unit is at most 3 UTF-8 bytes (a surrogate pair, 2 units, is 4). */
const MAX_BYTES_PER_CHAR = 3;

/** `bytes` (whole characters) as terminalSafeJson has them: themselves, or an escaped copy. */
function terminalSafeBytes(bytes: Buffer, ascii: boolean): Buffer {
  if (!hasTerminalUnsafeUtf8(bytes, ascii)) return bytes;
  return Buffer.from(terminalSafeJson(bytes.toString('utf8')), 'utf8');
}

/**
 * JSON text encoded as UTF-8 straight into one reused buffer and made terminal-safe there (terminalSafeJson),
 * handed to `emit` when the buffer is full. Encoding each text where it goes replaces joining the texts into
 * one string, counting its bytes and encoding it again, and looking for unsafe characters in the bytes
 * replaces a regular expression over the text: the report's writing spent more time on those than on making
 * the JSON. The bytes handed to `emit` are only valid until it returns.
 */
export class SafeJsonBytes {
  private readonly buffer: Buffer;
  private used = 0;
  /** The buffer's bytes before this are terminal-safe; those after, since `nonAscii` was reset, not yet known. */
  private checked = 0;
  private nonAscii = false;
  private emitted = 0;

  constructor(
    private readonly emit: (bytes: Buffer) => void,
    size = PIECE_BYTES,
  ) {
    this.buffer = Buffer.allocUnsafe(Math.max(size, MAX_BYTES_PER_CHAR * 2));
  }

  /** Bytes so far, made terminal-safe: those handed on and those held. */
  get length(): number {
    this.makeSafe();
    return this.emitted + this.used;
  }

  write(text: string): void {
    if (text.length * MAX_BYTES_PER_CHAR > this.buffer.length - this.used) {
      this.flush();
      if (text.length * MAX_BYTES_PER_CHAR > this.buffer.length) {
        const bytes = Buffer.from(text, 'utf8');
        this.hand(terminalSafeBytes(bytes, bytes.length === text.length));
        return;
      }
    }
    const bytes = this.buffer.write(text, this.used);
    this.used += bytes;
    if (bytes !== text.length) this.nonAscii = true;
  }

  /** Hands on what is held. */
  flush(): void {
    this.makeSafe();
    if (this.used === 0) return;
    const bytes = this.buffer.subarray(0, this.used);
    this.used = 0;
    this.checked = 0;
    this.hand(bytes);
  }

  private hand(bytes: Buffer): void {
    this.emitted += bytes.length;
    this.emit(bytes);
  }

  /** Escapes what needs it in the bytes written since the last check (they are whole texts, whole characters). */
  private makeSafe(): void {
    if (this.checked === this.used) return;
    const fresh = this.buffer.subarray(this.checked, this.used);
    const safe = terminalSafeBytes(fresh, !this.nonAscii);
    this.nonAscii = false;
    if (safe !== fresh) {
      if (this.checked + safe.length <= this.buffer.length) {
        this.used = this.checked + safe.copy(this.buffer, this.checked);
      } else {
        // Longer escaped than the buffer holds: what came before, then the escaped bytes on their own.
        const before = this.buffer.subarray(0, this.checked);
        this.used = 0;
        if (before.length > 0) this.hand(before);
        this.hand(safe);
      }
    }
    this.checked = this.used;
  }
}
