import { sanitizeForTerminal, writeBytes } from '../report/index.js';
import { ExitCode } from './exit-codes.js';

/** Where a command's text goes; tests pass their own. */
export interface Output {
  stdout(text: string): void;
  /** UTF-8 bytes for stdout, written before the call returns (they are only valid during it). */
  stdoutBytes?(bytes: Uint8Array): void;
  stderr(text: string): void;
}

/** Set once stdout's reader has gone away (`wsdissect report x | head`): the rest of the output goes nowhere. */
let stdoutClosed = false;

/**
 * A failed write to stdout: a reader that went away is a normal end, anything else (a full disk) exit 3. A
 * reader at the other end of a socket (a parent process's stdio) that goes away with bytes still unread resets
 * the connection instead of closing it.
 */
function stdoutFailed(error: NodeJS.ErrnoException): void {
  if (error.code === 'EPIPE' || error.code === 'ECONNRESET') {
    stdoutClosed = true;
    return;
  }
  process.stderr.write(`wsdissect: cannot write the output: ${sanitizeForTerminal(error.message)}\n`);
  process.exit(ExitCode.NOT_A_CAPTURE);
}

/**
 * process.stdout, watched for failed writes. Made on first use: node creates the stream when it is first
 * asked for, a few milliseconds that `report -o FILE` does not need to spend.
 */
let watchedStdout: NodeJS.WriteStream | null = null;

function stdout(): NodeJS.WriteStream {
  if (watchedStdout === null) {
    watchedStdout = process.stdout;
    watchedStdout.on('error', stdoutFailed);
  }
  return watchedStdout;
}

/** Whether a write to file descriptor 1 waits until it is done; null until asked. */
let stdoutBlocks: boolean | null = null;

/**
 * Node writes to a file and to a terminal synchronously, but to a pipe asynchronously: what the reader has not
 * taken yet waits in memory, and a report written faster than `| jq` reads it (or written while the capture
 * is read, which gives the event loop few turns) piled up whole there (300 MB for the 78 MB report of the
 * bench capture). A pipe made blocking, as node makes a terminal, is written at the reader's pace instead.
 */
function stdoutWritesBlock(): boolean {
  if (stdoutBlocks === null) {
    // A file has no handle (node writes it with writeSync); a terminal's or a pipe's can be set blocking.
    const handle = (stdout() as unknown as { _handle?: { setBlocking?: (blocking: boolean) => number } })._handle;
    stdoutBlocks = handle === undefined || handle.setBlocking?.(true) === 0;
  }
  return stdoutBlocks;
}

/**
 * The process's stdout and stderr. Node reports a failed write to them as an 'error' event, which would end the
 * process with a stack trace: see stdoutFailed.
 */
export const processOutput: Output = {
  stdout: (text) => {
    if (!stdoutClosed) stdout().write(text);
  },
  stdoutBytes: (bytes) => {
    if (stdoutClosed) return;
    if (!stdoutWritesBlock()) {
      stdout().write(Buffer.from(bytes));
      return;
    }
    try {
      writeBytes(1, bytes);
    } catch (error) {
      stdoutFailed(error as NodeJS.ErrnoException);
    }
  },
  stderr: (text) => process.stderr.write(text),
};
