import type { Direction } from '../tcp/types.js';
import type { FindingCode } from '../findings/index.js';
import { Opcode, type Frame, type Message } from './types.js';
import { Body } from './body.js';
import { Utf8Validator } from './utf8.js';
import type { DeflateParams } from './extensions.js';
import { DirectionInflater, type UnitResult } from './inflater.js';

/** Message bytes kept unless the caller says otherwise; beyond it the message is marked truncated. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

export interface MessageAssemblerOptions {
  /** The compression negotiated in the handshake, or null/absent for none. */
  deflate?: DeflateParams | null;
  maxMessageBytes?: number;
  onMessage: (message: Message) => void;
  /** A problem found while assembling, with the frame it was found at (codes from findings/table.ts). */
  onProblem: (code: FindingCode, message: string, frame: Frame) => void;
}

/** RSV1 marks compressed data (RFC 7692 §6). */
const RSV1 = 4;

/**
 * How a message's body is made: `raw` payloads as they are; `inflating` through the direction's inflater;
 * `stopped` inflation ended early (output limit, or a frame cut by the parser) and what came out is kept;
 * `failed` the data would not inflate, so the body falls back to the compressed bytes.
 */
type Decoding = 'raw' | 'inflating' | 'stopped' | 'failed';

/** The message being assembled from a text/binary frame and the continuation frames after it. */
interface OpenMessage {
  opcode: 1 | 2;
  frames: Frame[];
  wireLength: number;
  compressed: boolean;
  decoding: Decoding;
  body: Body;
  /** Text messages only, once body bytes arrive (an empty body has nothing to check). */
  utf8: Utf8Validator | null;
  /** The frame whose bytes made the UTF-8 check fail (for the report). */
  utf8FailedAt: Frame | null;
  /** A frame's payload was cut by the parser's keep limit, so the body misses bytes. */
  payloadCut: boolean;
}

/**
 * Turns one direction's data frames into messages (RFC 6455 §5.4): a text or binary frame starts a
 * message, continuation frames extend it, FIN ends it. Control frames may sit between fragments and are
 * not part of any message. Protocol problems are reported through `onProblem` and never stop assembly.
 */
export class MessageAssembler {
  private readonly maxMessageBytes: number;
  private readonly inflater: DirectionInflater | null = null;
  /** deflate-frame: each RSV1 frame is its own compressed unit (else the message is). */
  private readonly perFrame: boolean;
  private open: OpenMessage | null = null;

  constructor(
    private readonly direction: Direction,
    private readonly options: MessageAssemblerOptions,
  ) {
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    const deflate = options.deflate ?? null;
    this.perFrame = deflate?.perFrame ?? false;
    if (deflate) {
      // Each direction inflates with its sender's parameters (RFC 7692 §7.1.1, §7.1.2).
      const fromServer = direction === 'server';
      this.inflater = new DirectionInflater(
        fromServer ? deflate.serverMaxWindowBits : deflate.clientMaxWindowBits,
        !(fromServer ? deflate.serverNoContextTakeover : deflate.clientNoContextTakeover),
      );
    }
  }

  /** Feeds every frame of the direction, in order (control and reserved-opcode frames are passed over). */
  push(frame: Frame): void {
    switch (frame.opcode) {
      case Opcode.TEXT:
      case Opcode.BINARY:
        if (this.open) {
          this.problem(
            'message-interrupted',
            `A new ${frame.opcode === Opcode.TEXT ? 'text' : 'binary'} frame arrived while a fragmented message was open; that message is cut there.`,
            frame,
          );
          this.close(this.open, false);
        }
        this.open = this.start(frame);
        this.addPayload(this.open, frame);
        break;
      case Opcode.CONTINUATION:
        if (!this.open) {
          this.problem('continuation-without-message', 'A continuation frame arrived with no fragmented message open; it was ignored.', frame);
          return;
        }
        this.open.frames.push(frame);
        this.open.wireLength += frame.payloadLength;
        if (frame.payloadTruncated) this.open.payloadCut = true;
        this.addPayload(this.open, frame);
        break;
      default:
        return;
    }
    if (frame.fin && this.open) {
      this.close(this.open, true);
    }
  }

  /** The stream ended: a message still waiting for its FIN frame is delivered as truncated. */
  finish(): void {
    const open = this.open;
    if (open) {
      this.problem('message-incomplete', 'The stream ended before the last frame of a fragmented message.', open.frames[open.frames.length - 1]);
      this.close(open, false);
    }
    this.inflater?.release();
  }

  private start(first: Frame): OpenMessage {
    const opcode = first.opcode === Opcode.TEXT ? Opcode.TEXT : Opcode.BINARY;
    // permessage-deflate: RSV1 on the first frame says the whole message is one compressed unit.
    const compressed = !this.perFrame && (first.rsv & RSV1) !== 0;
    if (compressed && this.inflater) this.inflater.begin();
    return {
      opcode,
      frames: [first],
      wireLength: first.payloadLength,
      compressed,
      decoding: compressed && this.inflater ? 'inflating' : 'raw',
      body: new Body(this.maxMessageBytes),
      utf8: null,
      utf8FailedAt: null,
      payloadCut: first.payloadTruncated,
    };
  }

  /** Takes in the payload of a frame just added to the message. */
  private addPayload(open: OpenMessage, frame: Frame): void {
    if (this.perFrame && (frame.rsv & RSV1) !== 0) {
      open.compressed = true;
      if (this.inflater && open.decoding === 'raw') this.inflateFrame(open, frame, this.inflater);
      return;
    }
    if (open.decoding === 'raw') this.collect(open, frame, frame.payload);
    else if (open.decoding === 'inflating') this.inflatePiece(open, frame, this.inflater!, frame.fin);
  }

  /** deflate-frame: one frame is one compressed unit. */
  private inflateFrame(open: OpenMessage, frame: Frame, inflater: DirectionInflater): void {
    inflater.begin();
    open.decoding = 'inflating';
    this.inflatePiece(open, frame, inflater, true);
    if (open.decoding === 'inflating') open.decoding = 'raw';
  }

  /** Feeds one frame's payload to the current unit; `last`: the unit ends with this frame. */
  private inflatePiece(open: OpenMessage, frame: Frame, inflater: DirectionInflater, last: boolean): void {
    this.inflated(open, frame, inflater.write(frame.payload, open.body.room));
    if (open.decoding !== 'inflating') return;
    if (frame.payloadTruncated) {
      // Bytes of the unit were not kept: what follows in it can't be inflated.
      inflater.abandon();
      open.decoding = 'stopped';
    } else if (last) {
      this.inflated(open, frame, inflater.end(open.body.room));
    }
  }

  private inflated(open: OpenMessage, frame: Frame, result: UnitResult): void {
    if (result.error !== null) {
      open.decoding = 'failed';
      this.problem('inflate-failed', `A compressed message could not be inflated (${result.error}); its compressed bytes are kept.`, frame);
      return;
    }
    for (const chunk of result.output) this.collect(open, frame, chunk);
    if (result.full) {
      open.body.truncated = true;
      open.decoding = 'stopped';
      this.problem(
        'inflate-limit-reached',
        `A compressed message inflates to more than ${this.maxMessageBytes} bytes; inflation stopped there.`,
        frame,
      );
    }
  }

  /** Adds body bytes that came with `frame`, checking text incrementally. */
  private collect(open: OpenMessage, frame: Frame, bytes: Buffer): void {
    const kept = open.body.append(bytes);
    if (open.opcode !== Opcode.TEXT || kept.length === 0 || open.utf8FailedAt !== null) return;
    open.utf8 ??= new Utf8Validator();
    if (!open.utf8.push(kept)) open.utf8FailedAt = frame;
  }

  /** `complete`: the FIN frame arrived (else the message is cut short). */
  private close(open: OpenMessage, complete: boolean): void {
    this.open = null;
    const last = open.frames[open.frames.length - 1];
    // A unit left open (no FIN) never got its tail: the window it leaves is unknown.
    if (open.decoding === 'inflating' && !complete) this.inflater!.abandon();
    const body = open.decoding === 'failed' ? this.rawBody(open.frames) : open.body;
    const truncated = !complete || open.payloadCut || body.truncated;
    // Compressed bytes are not text: check UTF-8 only on bodies that are the message's own bytes.
    const bodyIsText = !open.compressed || (this.inflater !== null && open.decoding !== 'failed');
    if (open.utf8 && bodyIsText) {
      // A cut body may end inside a character; only a whole one must end on a character boundary.
      if (open.utf8FailedAt) {
        this.problem('text-invalid-utf8', `Text message is not valid UTF-8 (byte ${open.utf8.invalidAt} of the message).`, open.utf8FailedAt);
      } else if (!truncated && !open.utf8.complete) {
        this.problem('text-invalid-utf8', 'Text message ends in the middle of a UTF-8 sequence.', last);
      }
    }
    this.options.onMessage({
      direction: this.direction,
      ts: last.ts,
      packet: last.packet,
      opcode: open.opcode,
      frames: open.frames,
      wireLength: open.wireLength,
      compressed: open.compressed,
      data: body.toBuffer(),
      truncated,
    });
  }

  private rawBody(frames: Frame[]): Body {
    const body = new Body(this.maxMessageBytes);
    for (const frame of frames) body.append(frame.payload);
    return body;
  }

  private problem(code: FindingCode, message: string, frame: Frame): void {
    this.options.onProblem(code, message, frame);
  }
}
