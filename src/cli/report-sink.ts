import { closeSync, openSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { SafeJsonBytes, writeBytes } from '../report/index.js';
import type { Output } from './process-output.js';

/**
 * Where report text goes: `file`, or stdout (as bytes when the output takes them, else as text). Text is made
 * terminal-safe (terminalSafeJson) and encoded as it comes, and written in pieces of about PIECE_BYTES; bytes
 * from the report spool, terminal-safe already, are copied as they are. The file is created at the first
 * write, so a run that writes nothing (no capture) leaves none behind.
 */
export class ReportSink {
  private fd: number | null = null;
  private readonly text = new SafeJsonBytes((bytes) => this.emit(bytes));
  /** For text on stdout: bytes from the spool come in pieces that may split a character. */
  private readonly decoder = new StringDecoder('utf8');

  constructor(
    private readonly file: string | undefined,
    private readonly out: Pick<Output, 'stdout' | 'stdoutBytes'>,
  ) {}

  write(text: string): void {
    this.text.write(text);
  }

  /** UTF-8 bytes that are terminal-safe already; only valid during the call. */
  writeBytes(bytes: Buffer): void {
    this.text.flush();
    this.emit(bytes);
  }

  /** Writes what is pending and closes the file. */
  close(): void {
    try {
      this.text.flush();
    } finally {
      if (this.fd !== null) closeSync(this.fd);
      this.fd = null;
    }
  }

  private emit(bytes: Buffer): void {
    if (this.file === undefined) {
      if (this.out.stdoutBytes) this.out.stdoutBytes(bytes);
      else this.out.stdout(this.decoder.write(bytes));
      return;
    }
    this.fd ??= openSync(this.file, 'w');
    writeBytes(this.fd, bytes);
  }
}
