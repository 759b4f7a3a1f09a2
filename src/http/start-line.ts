import { CR, DEL, HTAB, LF, SP, TCHAR, isDigit } from './syntax.js';

export type StartLineKind = 'request' | 'response';

/** scan() results besides the index past the line. */
export const LINE_PENDING = -1;
export const LINE_REJECTED = -2;

/**
 * Methods longer than this are taken as a sign the stream is not HTTP: no method in use comes close, and
 * a stream of another protocol must be recognised within its first bytes, not after 64 KiB of buffering.
 */
const MAX_METHOD_LENGTH = 32;

/**
 * HTTP-version = HTTP-name "/" DIGIT "." DIGIT (RFC 9112 §2.3), '#' standing for the DIGIT. Only major
 * version 1 is HTTP/1: "PRI * HTTP/2.0" opens an HTTP/2 connection (RFC 9113 §3.4), not a request.
 */
const VERSION_PATTERN = Buffer.from('HTTP/1.#', 'latin1');
const VERSION_LENGTH = VERSION_PATTERN.length;
const HASH = 0x23;

const METHOD = 0;
const TARGET = 1;
const REQUEST_VERSION = 2;
const RESPONSE_VERSION = 3;
const STATUS = 4;
const AFTER_STATUS = 5;
const REASON = 6;
const LINE_FEED = 7;

/** A byte of the version where VERSION_PATTERN has `expected` ('#': any digit). */
function versionFits(byte: number, expected: number): boolean {
  return expected === HASH ? isDigit(byte) : byte === expected;
}

/**
 * Checks a start line byte by byte as it arrives, so a stream that is not HTTP is recognised at its first
 * wrong byte and a line split over many chunks is never rescanned.
 *   request-line = method SP request-target SP HTTP-version   (RFC 9112 §3)
 *   status-line  = HTTP-version SP status-code SP [ reason-phrase ]   (RFC 9112 §4)
 * Lines may end in CRLF or a bare LF (RFC 9112 §2.2). A status line without the SP after the code is
 * tolerated, as HTTP clients do.
 */
export class StartLineScanner {
  status: 'pending' | 'accepted' | 'rejected' = 'pending';
  /** Length of the line without its line ending, once accepted. */
  length = 0;
  /** Request: index of the SP after the method. */
  methodEnd = 0;
  /** Request: index of the SP before the version. */
  targetEnd = 0;
  /** Response: index where the reason phrase starts (equal to `length` when there is none). */
  reasonStart = 0;
  private state: number;
  /** Position in the line of the next byte. */
  private index = 0;
  /** Bytes matched so far of the version or the status code. */
  private matched = 0;

  constructor(private readonly kind: StartLineKind) {
    this.state = kind === 'request' ? METHOD : RESPONSE_VERSION;
  }

  /** Back to the start of a line, for the next message. */
  reset(): void {
    this.status = 'pending';
    this.length = 0;
    this.methodEnd = 0;
    this.targetEnd = 0;
    this.reasonStart = 0;
    this.state = this.kind === 'request' ? METHOD : RESPONSE_VERSION;
    this.index = 0;
    this.matched = 0;
  }

  /** Scans data[from, to): the index just past the line's LF once accepted, else LINE_PENDING or LINE_REJECTED. */
  scan(data: Buffer, from: number, to: number): number {
    let i = from;
    while (i < to) {
      const runEnd = this.runEnd(data, i, to);
      this.index += runEnd - i;
      i = runEnd;
      if (i === to) break;
      if (!this.step(data[i])) {
        this.status = 'rejected';
        return LINE_REJECTED;
      }
      this.index++;
      i++;
      if (this.status === 'accepted') return i;
    }
    return LINE_PENDING;
  }

  /**
   * Where the run of bytes from data[from] that step() would take one by one without ending a field ends:
   * method, target and reason bytes, and the version and status bytes that match, taken in one loop. The
   * byte after the run (a delimiter, or one that does not fit) is left to step().
   */
  private runEnd(data: Buffer, from: number, to: number): number {
    let i = from;
    switch (this.state) {
      case METHOD: {
        const limit = Math.min(to, from + MAX_METHOD_LENGTH - this.index);
        while (i < limit && TCHAR[data[i]] === 1) i++;
        return i;
      }
      case TARGET:
        while (i < to && data[i] > SP && data[i] !== DEL) i++;
        return i;
      case REQUEST_VERSION:
      case RESPONSE_VERSION:
        while (i < to && this.matched < VERSION_LENGTH && versionFits(data[i], VERSION_PATTERN[this.matched])) {
          this.matched++;
          i++;
        }
        return i;
      case STATUS:
        while (i < to && this.matched < 2 && isDigit(data[i])) {
          this.matched++;
          i++;
        }
        return i;
      case REASON:
        while (i < to && (data[i] === HTAB || (data[i] >= SP && data[i] !== DEL))) i++;
        return i;
      default:
        return i;
    }
  }

  /** Takes one byte; false when the line cannot be a start line. */
  private step(byte: number): boolean {
    switch (this.state) {
      case METHOD:
        if (TCHAR[byte] === 1) return this.index < MAX_METHOD_LENGTH;
        if (byte !== SP || this.index === 0) return false;
        this.methodEnd = this.index;
        this.state = TARGET;
        return true;
      case TARGET:
        if (byte === SP) {
          if (this.index === this.methodEnd + 1) return false;
          this.targetEnd = this.index;
          this.state = REQUEST_VERSION;
          return true;
        }
        // Raw non-ASCII bytes are tolerated (obs-text seen in the wild); whitespace and controls are not.
        return byte > SP && byte !== DEL;
      case REQUEST_VERSION:
        if (this.matched < VERSION_LENGTH) return this.versionByte(byte);
        return this.lineEnd(byte);
      case RESPONSE_VERSION:
        if (this.matched < VERSION_LENGTH) return this.versionByte(byte);
        if (byte !== SP) return false;
        this.matched = 0;
        this.state = STATUS;
        return true;
      case STATUS:
        if (!isDigit(byte)) return false;
        if (++this.matched === 3) this.state = AFTER_STATUS;
        return true;
      case AFTER_STATUS:
        if (byte === SP) {
          this.reasonStart = this.index + 1;
          this.state = REASON;
          return true;
        }
        this.reasonStart = this.index;
        return this.lineEnd(byte);
      case REASON:
        // reason-phrase = 1*( HTAB / SP / VCHAR / obs-text )
        if (byte === HTAB || (byte >= SP && byte !== DEL)) return true;
        return this.lineEnd(byte);
      case LINE_FEED:
        if (byte !== LF) return false;
        this.status = 'accepted';
        return true;
      default:
        return false;
    }
  }

  private versionByte(byte: number): boolean {
    return versionFits(byte, VERSION_PATTERN[this.matched++]);
  }

  private lineEnd(byte: number): boolean {
    if (byte !== CR && byte !== LF) return false;
    this.length = this.index;
    if (byte === LF) this.status = 'accepted';
    else this.state = LINE_FEED;
    return true;
  }
}
