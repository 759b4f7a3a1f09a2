import { CR, HTAB, LF, SP } from './syntax.js';
import type { BodyFraming } from './framing.js';

/** feed() results besides an end index. */
export const NEED_MORE = -1;
export const MALFORMED = -2;

/** Where a capture gap leaves a body: still inside it, exactly at its end, or at an unknown place. */
export type GapOutcome = 'inside' | 'ends-body' | 'lost';

/** Skips over one message body; bodies are never kept, only delimited. */
export interface BodyReader {
  /** The body runs until the connection closes (RFC 9112 §6.3 item 8), so the end of the stream completes it. */
  readonly untilClose: boolean;
  /** Why the body is malformed, once feed() returned MALFORMED. */
  readonly error: string | null;
  /** Reads from data[from]: the index just past the body's end, NEED_MORE, or MALFORMED. */
  feed(data: Buffer, from: number): number;
  /** Accounts for `bytes` the capture lost at the current position. */
  skip(bytes: number): GapOutcome;
}

export function openBody(framing: Exclude<BodyFraming, { kind: 'none' } | { kind: 'invalid' }>): BodyReader {
  switch (framing.kind) {
    case 'length':
      return new LengthBody(framing.length);
    case 'chunked':
      return new ChunkedBody();
    case 'until-close':
      return new UntilCloseBody();
  }
}

class LengthBody implements BodyReader {
  readonly untilClose = false;
  readonly error = null;

  constructor(private remaining: number) {}

  feed(data: Buffer, from: number): number {
    const take = Math.min(this.remaining, data.length - from);
    this.remaining -= take;
    return this.remaining === 0 ? from + take : NEED_MORE;
  }

  skip(bytes: number): GapOutcome {
    if (bytes > this.remaining) return 'lost';
    this.remaining -= bytes;
    return this.remaining === 0 ? 'ends-body' : 'inside';
  }
}

class UntilCloseBody implements BodyReader {
  readonly untilClose = true;
  readonly error = null;

  feed(): number {
    return NEED_MORE;
  }

  skip(): GapOutcome {
    return 'inside';
  }
}

// States of the chunked coding, RFC 9112 §7.1:
//   chunked-body = *chunk last-chunk trailer-section CRLF
//   chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
const SIZE_FIRST = 0;
const SIZE = 1;
const EXTENSION = 2;
const SIZE_LF = 3;
const DATA = 4;
const DATA_CR = 5;
const DATA_LF = 6;
const TRAILER_START = 7;
const TRAILER_LINE = 8;
const TRAILER_LF = 9;

/** Above this a further hex digit would take the size past 2^53. */
const MAX_SIZE_BEFORE_DIGIT = Math.floor((Number.MAX_SAFE_INTEGER - 15) / 16);
const SEMICOLON = 0x3b;

class ChunkedBody implements BodyReader {
  readonly untilClose = false;
  error: string | null = null;
  private state = SIZE_FIRST;
  private size = 0;
  private remaining = 0;

  feed(data: Buffer, from: number): number {
    let i = from;
    while (i < data.length) {
      switch (this.state) {
        case SIZE_FIRST:
        case SIZE: {
          const byte = data[i++];
          const digit = hexValue(byte);
          if (digit !== -1) {
            if (this.size > MAX_SIZE_BEFORE_DIGIT) return this.fail('a chunk size is too large');
            this.size = this.size * 16 + digit;
            this.state = SIZE;
          } else if (this.state === SIZE_FIRST) {
            return this.fail('a chunk does not start with a hexadecimal size (RFC 9112 §7.1)');
          } else if (byte === CR) {
            this.state = SIZE_LF;
          } else if (byte === LF) {
            this.sizeLineEnded();
          } else if (byte === SEMICOLON || byte === SP || byte === HTAB) {
            this.state = EXTENSION;
          } else {
            return this.fail('a chunk size is followed by neither an extension nor CRLF (RFC 9112 §7.1)');
          }
          break;
        }
        case SIZE_LF:
          if (data[i++] !== LF) return this.fail('a chunk size line ends in CR without LF');
          this.sizeLineEnded();
          break;
        case EXTENSION:
        case TRAILER_LINE: {
          // chunk-ext and trailer fields are not interpreted: skip to the end of the line.
          const lf = data.indexOf(LF, i);
          if (lf === -1) return NEED_MORE;
          i = lf + 1;
          if (this.state === EXTENSION) this.sizeLineEnded();
          else this.state = TRAILER_START;
          break;
        }
        case DATA: {
          // The chunk size is only counted down against bytes that arrived; it never sizes anything.
          const take = Math.min(this.remaining, data.length - i);
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = DATA_CR;
          break;
        }
        case DATA_CR: {
          const byte = data[i++];
          if (byte === CR) this.state = DATA_LF;
          else if (byte === LF) this.state = SIZE_FIRST;
          else return this.fail('chunk data is longer than its chunk size (RFC 9112 §7.1)');
          break;
        }
        case DATA_LF:
          if (data[i++] !== LF) return this.fail('chunk data is not followed by CRLF (RFC 9112 §7.1)');
          this.state = SIZE_FIRST;
          break;
        case TRAILER_START: {
          const byte = data[i++];
          if (byte === LF) return i; // the empty line ends the body
          this.state = byte === CR ? TRAILER_LF : TRAILER_LINE;
          break;
        }
        case TRAILER_LF:
          if (data[i++] !== LF) return this.fail('the chunked body does not end with CRLF (RFC 9112 §7.1)');
          return i;
      }
    }
    return NEED_MORE;
  }

  skip(bytes: number): GapOutcome {
    // Only inside chunk data does the reader know how many bytes are still to come.
    if (this.state !== DATA || bytes > this.remaining) return 'lost';
    this.remaining -= bytes;
    if (this.remaining === 0) this.state = DATA_CR;
    return 'inside';
  }

  private sizeLineEnded(): void {
    if (this.size === 0) {
      this.state = TRAILER_START; // last-chunk: the trailer section follows
    } else {
      this.remaining = this.size;
      this.size = 0;
      this.state = DATA;
    }
  }

  private fail(reason: string): number {
    this.error = reason;
    return MALFORMED;
  }
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}
