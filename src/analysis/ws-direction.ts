// One direction's WebSocket decoding: frame parser and message assembler, and what keeps them going when the
// stream does not start at a frame boundary (bytes lost in a gap, a capture that began after the upgrade).
import type { Direction, StreamChunk } from '../tcp/types.js';
import { FrameParser, MessageAssembler, PERMESSAGE_DEFLATE_DEFAULTS, type DeflateParams } from '../websocket/index.js';
import { FrameResync, type FrameResyncOptions } from '../websocket/resync.js';
import type { Frame, FrameCounter, Message } from '../websocket/types.js';
import type { FindingCode } from '../findings/index.js';

type Where = { ts?: number; packet?: number; frame?: number };

export interface WebSocketDirectionOptions {
  direction: Direction;
  /** Compression negotiated in the handshake; mid-stream, permessage-deflate's defaults are assumed. */
  deflate: DeflateParams | null;
  maxMessageBytes: number;
  /** Numbers the frames (Frame.index); a connection shares one between its directions. Default: the direction's own. */
  counter?: FrameCounter;
  /** Data frames' payloads are passed over (AnalyzeOptions.skipDataPayloads): not kept, inflated or checked. */
  skipDataPayloads?: boolean;
  onFrame(frame: Frame): void;
  onMessage(message: Message): void;
  /** Message assembly problems, with the frame they were found at. */
  onProblem(code: FindingCode, message: string, frame: Frame): void;
  report(code: FindingCode, message: string, where: Where): void;
}

/**
 * How the direction's bytes are read: `decoding` frames in sync; `searching` for the next frame start
 * after a gap; `detecting` whether a stream picked up mid-way carries WebSocket frames at all; `not-websocket`
 * detection found none within its search limit.
 */
type State = 'decoding' | 'searching' | 'detecting' | 'not-websocket';

/** Bytes of a direction searched for frames before a stream picked up mid-way is judged not WebSocket. */
export const MID_STREAM_SEARCH_BYTES = 64 * 1024;


/** Bytes lost in gaps since decoding was last in sync, reported once decoding resumes (or the stream ends). */
interface Lost {
  bytes: number;
  ts: number;
  packet: number;
  /** Stream offset just after the (last) gap. */
  resumeFrom: number;
}

export class WebSocketDirection {
  readonly parser: FrameParser;
  private current: MessageAssembler;
  private state: State;
  private resync: FrameResync | null = null;
  private lostBytes: Lost | null = null;
  /** While searching after a gap: where a frame is known to start (the end of the frame the gap cut), if past the gap. */
  private knownStart: number | null = null;
  /** Stream offset of the next byte expected (after the last chunk or gap). */
  private next = 0;
  private readonly rsv1Allowed: boolean;
  /** Mid-stream detection: how many bytes it may search, or null for no limit (--ws-port). */
  private readonly searchLimit: number | null;

  private constructor(
    private readonly options: WebSocketDirectionOptions,
    state: State,
    searchLimit: number | null,
  ) {
    this.state = state;
    this.searchLimit = searchLimit;
    this.rsv1Allowed = options.deflate !== null;
    this.parser = new FrameParser(options.direction, options.onFrame, {
      maxPayloadKeep: options.maxMessageBytes,
      controlPayloadsOnly: options.skipDataPayloads,
      counter: options.counter,
    });
    this.current = this.newAssembler();
    if (state === 'detecting') this.resync = new FrameResync(this.resyncOptions(null));
  }

  /** After the 101: the stream starts at a frame. */
  static afterUpgrade(options: WebSocketDirectionOptions): WebSocketDirection {
    return new WebSocketDirection(options, 'decoding', null);
  }

  /**
   * A stream whose start was not seen as HTTP: decoded from the first frame chain found, within the first
   * MID_STREAM_SEARCH_BYTES unless `forced` (the user named the WebSocket port).
   */
  static midStream(options: Omit<WebSocketDirectionOptions, 'deflate'>, forced: boolean): WebSocketDirection {
    // Mid-stream the handshake is unknown: permessage-deflate's defaults are assumed (RFC 7692 §7.1).
    return new WebSocketDirection({ ...options, deflate: PERMESSAGE_DEFLATE_DEFAULTS }, 'detecting', forced ? null : MID_STREAM_SEARCH_BYTES);
  }

  get assembler(): MessageAssembler {
    return this.current;
  }

  /** True while bytes are not decoded (looking for a frame start, or not WebSocket). */
  get lost(): boolean {
    return this.state !== 'decoding';
  }

  push(chunk: StreamChunk): void {
    this.next = chunk.offset + chunk.data.length;
    if (this.state === 'decoding') {
      this.parser.push(chunk.data, chunk.offset, chunk.ts, chunk.packet);
      return;
    }
    if (this.resync === null) return;
    const result = this.resync.push(chunk);
    if (result.kind === 'gave-up') {
      this.state = 'not-websocket';
      this.resync = null;
    } else if (result.kind === 'found') {
      this.resumed(result.offset, result.chunks[0]);
      for (const piece of result.chunks) this.parser.push(piece.data, piece.offset, piece.ts, piece.packet);
    }
  }

  /** Bytes of this direction that the capture lost. */
  gap(bytesMissing: number, ts: number, packet: number): void {
    const gapEnd = this.next + bytesMissing;
    this.next = gapEnd;
    if (this.state === 'not-websocket') return;
    if (this.state === 'detecting') {
      // Not WebSocket yet: the search starts over after the hole.
      this.resync = new FrameResync(this.resyncOptions(null));
      return;
    }
    // A frame whose header was read ends at a known offset: if that is past the hole, the next frame starts there.
    const header = this.parser.pendingHeader;
    const frameEnd = header ? header.streamOffset + header.headerLength + header.payloadLength : null;
    const known = this.state === 'searching' ? this.knownStart : frameEnd;
    this.knownStart = known !== null && known >= gapEnd ? known : null;
    if (this.lostBytes) {
      this.lostBytes.bytes += bytesMissing;
      this.lostBytes.resumeFrom = gapEnd;
    } else {
      this.lostBytes = { bytes: bytesMissing, ts, packet, resumeFrom: gapEnd };
    }
    this.parser.reset();
    this.retireAssembler();
    this.state = 'searching';
    this.resync = new FrameResync(this.resyncOptions(this.knownStart));
  }

  /** The stream ended: a gap never recovered from is reported, an open message delivered as cut. */
  end(): void {
    const lost = this.lostBytes;
    if (lost) {
      const undecoded = this.next - lost.resumeFrom;
      this.options.report(
        'websocket-gap',
        `${lost.bytes} bytes from the ${this.options.direction} were not captured; no frame start was found in the ${undecoded} bytes after the gap, so they were not decoded.`,
        { ts: lost.ts, packet: lost.packet },
      );
      this.lostBytes = null;
    }
    this.current.finish();
  }

  private resyncOptions(frameStartsAt: number | null): FrameResyncOptions {
    return {
      direction: this.options.direction,
      rsv1Allowed: this.rsv1Allowed,
      frameStartsAt,
      ...(this.searchLimit === null || this.state !== 'detecting' ? {} : { searchLimitBytes: this.searchLimit }),
    };
  }

  private resumed(offset: number, first: StreamChunk | undefined): void {
    const wasDetecting = this.state === 'detecting';
    this.state = 'decoding';
    this.resync = null;
    this.knownStart = null;
    const where = first ? { ts: first.ts, packet: first.packet } : {};
    if (wasDetecting) {
      const skipped = offset === 0 ? 'at the first byte' : `${offset} bytes into the stream`;
      this.options.report(
        'websocket-mid-stream',
        `The capture holds no opening handshake for the ${this.options.direction}'s bytes; they were decoded as WebSocket frames starting ${skipped}${first ? ` (packet ${first.packet})` : ''}.`,
        where,
      );
      return;
    }
    const lost = this.lostBytes;
    if (!lost) return;
    this.lostBytes = null;
    const skipped = offset - lost.resumeFrom;
    const after = skipped === 0 ? 'right after the gap' : `${skipped} bytes after the gap`;
    this.options.report(
      'websocket-gap',
      `${lost.bytes} bytes from the ${this.options.direction} were not captured; frames in them are lost. Decoding resumed at the next frame header, ${after}${first ? ` (packet ${first.packet})` : ''}.`,
      { ts: lost.ts, packet: lost.packet },
    );
  }

  private newAssembler(): MessageAssembler {
    const { direction, deflate, maxMessageBytes, onMessage, onProblem, skipDataPayloads } = this.options;
    const assembler: MessageAssembler = new MessageAssembler(direction, {
      // Without the payloads there is nothing to inflate.
      deflate: skipDataPayloads ? null : deflate,
      maxMessageBytes,
      onMessage,
      // A message the gap cut is delivered as truncated; the gap finding says why, not "the stream ended".
      onProblem: (code, message, frame) => {
        if (code === 'message-incomplete' && assembler !== this.current) return;
        onProblem(code, message, frame);
      },
    });
    return assembler;
  }

  /**
   * After a gap the message being assembled lost frames, and a compression window lost what the gap held: a
   * fresh assembler starts with an empty window, so messages that refer back into it fail to inflate
   * (reported) instead of inflating to wrong bytes.
   */
  private retireAssembler(): void {
    const retired = this.current;
    this.current = this.newAssembler();
    retired.finish();
  }
}
