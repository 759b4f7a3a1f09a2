import type { StreamChunk } from '../tcp/types.js';
import { ownChunk, sliceChunk } from './chunk.js';
import { LINE_PENDING, LINE_REJECTED, StartLineScanner, type StartLineKind } from './start-line.js';
import { CR, LF } from './syntax.js';

export type HeadRead =
  | { status: 'more' }
  /** `head` runs from the start line through the empty line; it ends at data[end - 1]. */
  | { status: 'complete'; head: Buffer; start: number; end: number; pieces: StreamChunk[] }
  /** The bytes from data[start] (after `pieces`) are no start line, or the head outgrew the limit. */
  | { status: 'not-http' | 'too-long'; start: number; pieces: StreamChunk[] };

const MORE: HeadRead = { status: 'more' };

/**
 * Finds message heads in one direction's bytes, however they are split into chunks. Earlier chunks' parts
 * of a head are kept as they came (`pieces`: copies, at most maxBytes of them, so that a head arriving slowly
 * pins no read buffer) so that they can be handed on raw when the bytes turn out not to be HTTP; they are
 * joined once, when the head is complete. Scanning resumes where it stopped, so a head arriving one byte at a
 * time costs linear time.
 */
export class HeadReader {
  private pieces: StreamChunk[] = [];
  private pieceBytes = 0;
  private readonly startLine: StartLineScanner;
  /** Bytes of the current field line seen so far, and its last byte, for finding the empty line. */
  private lineLength = 0;
  private lastByte = 0;

  constructor(
    kind: StartLineKind,
    /** Longest head accepted, start line through the empty line. */
    readonly maxBytes: number,
  ) {
    this.startLine = new StartLineScanner(kind);
  }

  /** Some bytes of a head were read and are waiting for the rest. */
  get inProgress(): boolean {
    return this.pieceBytes > 0;
  }

  /** The head being read has a valid start line (so it is HTTP, cut short if the stream ends here). */
  get startLineAccepted(): boolean {
    return this.startLine.status === 'accepted';
  }

  /**
   * Reads head bytes from chunk.data[from]. `afterMessage`: a message preceded this one, so empty lines
   * before the start line are skipped (RFC 9112 §2.2).
   */
  read(chunk: StreamChunk, from: number, afterMessage: boolean): HeadRead {
    const data = chunk.data;
    let start = from;
    if (afterMessage && this.pieceBytes === 0) {
      while (start < data.length && (data[start] === CR || data[start] === LF)) start++;
      if (start === data.length) return MORE;
    }
    // Never look past the limit: one byte beyond it is enough to know the head is too long.
    const stop = Math.min(data.length, start + this.maxBytes - this.pieceBytes + 1);
    let fieldsFrom = start;
    if (this.startLine.status === 'pending') {
      fieldsFrom = this.startLine.scan(data, start, stop);
      if (fieldsFrom === LINE_REJECTED) return this.reject('not-http', start);
    }
    const end = fieldsFrom === LINE_PENDING ? -1 : this.findEmptyLine(data, fieldsFrom, stop);
    const total = this.pieceBytes + (end === -1 ? stop : end) - start;
    if (total > this.maxBytes) return this.reject('too-long', start);
    if (end === -1) {
      this.pieces.push(ownChunk(sliceChunk(chunk, start)));
      this.pieceBytes += data.length - start;
      return MORE;
    }
    const tail = data.subarray(start, end);
    const head = this.pieces.length === 0 ? tail : Buffer.concat([...this.pieces.map((piece) => piece.data), tail], total);
    return { status: 'complete', head, start, end, pieces: this.takePieces() };
  }

  /** Gives up the head in progress: returns its pieces and starts afresh. */
  takePieces(): StreamChunk[] {
    const pieces = this.pieces;
    this.pieces = [];
    this.pieceBytes = 0;
    this.startLine.reset();
    this.lineLength = 0;
    this.lastByte = 0;
    return pieces;
  }

  private reject(status: 'not-http' | 'too-long', start: number): HeadRead {
    return { status, start, pieces: this.takePieces() };
  }

  /** RFC 9112 §2.1: the head ends at the first empty line (CRLF CRLF, or bare LFs, RFC 9112 §2.2). */
  private findEmptyLine(data: Buffer, from: number, stop: number): number {
    const view = stop < data.length ? data.subarray(0, stop) : data;
    let pos = from;
    while (pos < stop) {
      const lf = view.indexOf(LF, pos);
      if (lf === -1) {
        this.lineLength += stop - pos;
        this.lastByte = data[stop - 1];
        return -1;
      }
      const length = this.lineLength + (lf - pos);
      const before = lf > pos ? data[lf - 1] : this.lastByte;
      this.lineLength = 0;
      if (length === 0 || (length === 1 && before === CR)) return lf + 1;
      pos = lf + 1;
    }
    return -1;
  }
}
