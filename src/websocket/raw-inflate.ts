import zlib from 'node:zlib';

/**
 * Synchronous raw-DEFLATE decompression that keeps its LZ77 window between calls.
 *
 * The pipeline is synchronous, and node:zlib has no public synchronous API that keeps state between
 * calls: the convenience functions (inflateRawSync) start afresh every time, and the stream's internal
 * `_processChunk(chunk, flush)` without a callback closes the native handle when it returns (checked
 * on Node 20: a second call throws). So this drives the same native handle `_processChunk` drives,
 * `_handle.writeSync(flush, in, inOff, inLen, out, outOff, outLen)`, whose results land in
 * `_writeState` ([availOutAfter, availInAfter]). Owning the loop also lets output stop at a byte limit
 * without producing the rest (a decompression bomb costs only the bytes kept).
 * Once zlib reports an error the stream destroys itself and closes the handle; writing to a closed
 * handle aborts the process, so after an error this object refuses all further work.
 */
interface NativeZlibHandle {
  writeSync(
    flush: number,
    input: Buffer,
    inOff: number,
    inLen: number,
    output: Buffer,
    outOff: number,
    outLen: number,
  ): void;
}

interface ZlibStreamInternals {
  _handle: NativeZlibHandle | null;
  _writeState: Uint32Array;
}

const { Z_SYNC_FLUSH } = zlib.constants;
/**
 * zlib writes output here and each piece is copied out right after the call, before anything else can run
 * (all of this is synchronous), so one buffer serves every inflater instead of 64 KiB per direction.
 */
const SCRATCH_BYTES = 64 * 1024;
const scratch = Buffer.allocUnsafe(SCRATCH_BYTES);

export interface InflateOutput {
  /** Copies of the produced bytes, in order. */
  chunks: Buffer[];
  produced: number;
  /** Output stopped at the limit while more was coming. */
  full: boolean;
  /** The DEFLATE stream reached its final block (BFINAL, RFC 1951 §3.2.3): later input is not read. */
  ended: boolean;
}

export class SyncInflateRaw {
  private readonly stream: zlib.InflateRaw;
  private readonly handle: NativeZlibHandle;
  private readonly state: Uint32Array;
  private failure: Error | null = null;
  private streamEnded = false;
  /** Started from a dictionary: reset() goes back to it, so the engine is no one else's to reuse. */
  readonly hasDictionary: boolean;

  /** `dictionary`: the window to start from (the output that preceded, for context takeover). */
  constructor(
    readonly windowBits: number,
    dictionary?: Buffer,
  ) {
    this.hasDictionary = dictionary !== undefined;
    // chunkSize: the stream's own output buffer is never used here, so keep it at zlib's minimum.
    this.stream = zlib.createInflateRaw({ windowBits, chunkSize: zlib.constants.Z_MIN_CHUNK, dictionary });
    // zlib errors also surface as an 'error' event on the next tick; they are read from `errored` instead.
    this.stream.on('error', () => {});
    const internals = this.stream as unknown as ZlibStreamInternals;
    if (typeof internals._handle?.writeSync !== 'function' || !(internals._writeState instanceof Uint32Array)) {
      throw new Error('node:zlib internals changed: InflateRaw has no _handle.writeSync/_writeState');
    }
    this.handle = internals._handle;
    this.state = internals._writeState;
  }

  /** The zlib error that broke the stream, if any (the stream is unusable from then on). */
  get error(): Error | null {
    return this.failure;
  }

  get ended(): boolean {
    return this.streamEnded;
  }

  /**
   * Inflates `input` with Z_SYNC_FLUSH, producing at most `limit` bytes. Returns null once the stream
   * has failed (see `error`).
   */
  write(input: Buffer, limit: number): InflateOutput | null {
    const result: InflateOutput = { chunks: [], produced: 0, full: false, ended: false };
    if (this.failure) return null;
    if (this.streamEnded) return { ...result, ended: true };
    let inOff = 0;
    let inLen = input.length;
    for (;;) {
      const room = limit - result.produced;
      // At the limit, one more byte of room tells whether output was still coming (that byte is dropped).
      const outLen = room > 0 ? Math.min(SCRATCH_BYTES, room) : 1;
      if (!this.step(input, inOff, inLen, outLen)) return null;
      const availOut = this.state[0];
      const availIn = this.state[1];
      const have = outLen - availOut;
      if (have > 0) {
        if (room === 0) {
          result.full = true;
          return result;
        }
        result.chunks.push(Buffer.from(scratch.subarray(0, have)));
        result.produced += have;
      }
      inOff += inLen - availIn;
      inLen = availIn;
      // Output space left over means zlib did all it could with the input: either it used all of it,
      // or the stream ended (Z_STREAM_END leaves the rest of the input unread).
      if (availOut > 0) {
        if (inLen > 0) {
          this.streamEnded = true;
          result.ended = true;
        }
        return result;
      }
    }
  }

  /** Back to an empty window (inflateReset), or to the dictionary given at construction. */
  reset(): void {
    if (this.failure) return;
    this.stream.reset();
    this.streamEnded = false;
  }

  close(): void {
    this.stream.close();
  }

  private step(input: Buffer, inOff: number, inLen: number, outLen: number): boolean {
    this.handle.writeSync(Z_SYNC_FLUSH, input, inOff, inLen, scratch, 0, outLen);
    if (this.stream.errored) {
      this.failure = this.stream.errored;
      return false;
    }
    return true;
  }
}

/**
 * Engines a direction let go of with nothing wrong with them, by window size, for the next direction to take
 * (inflateReset) instead of making a zlib stream: tens of microseconds, a native handle and its window each,
 * for every compressed connection. A few are kept; the rest are closed.
 */
const idleEngines = new Map<number, SyncInflateRaw[]>();
const MAX_IDLE_ENGINES = 8;

/** An engine with an empty window (or the given dictionary's), reused when one is idle. */
export function takeEngine(windowBits: number, dictionary?: Buffer): SyncInflateRaw {
  if (dictionary === undefined) {
    const engine = idleEngines.get(windowBits)?.pop();
    if (engine !== undefined) {
      engine.reset();
      return engine;
    }
  }
  return new SyncInflateRaw(windowBits, dictionary);
}

/** Hands back an engine its user is done with: kept for reuse when it is sound, else closed. */
export function releaseEngine(engine: SyncInflateRaw): void {
  // A failed stream has closed its handle (writing to it would abort the process); a dictionary is not shared.
  if (engine.error === null && !engine.hasDictionary) {
    let idle = idleEngines.get(engine.windowBits);
    if (idle === undefined) idleEngines.set(engine.windowBits, (idle = []));
    if (idle.length < MAX_IDLE_ENGINES) {
      idle.push(engine);
      return;
    }
  }
  engine.close();
}
