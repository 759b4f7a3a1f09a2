import type { Direction } from '../tcp/types.js';
import type { FindingCode } from '../findings/index.js';
import { Opcode, type Frame, type Message } from './types.js';
import { Body } from './body.js';
import { Utf8Validator } from './utf8.js';

/** Message bytes kept unless the caller says otherwise; beyond it the message is marked truncated. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

export interface MessageAssemblerOptions {
  maxMessageBytes?: number;
  onMessage: (message: Message) => void;
  /** A problem found while assembling, with the frame it was found at (codes from findings/table.ts). */
  onProblem: (code: FindingCode, message: string, frame: Frame) => void;
}

/** The message being assembled from a text/binary frame and the continuation frames after it. */
interface OpenMessage {
  opcode: 1 | 2;
  frames: Frame[];
  wireLength: number;
  body: Body;
  /** Text messages only. */
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
  private open: OpenMessage | null = null;

  constructor(
    private readonly direction: Direction,
    private readonly options: MessageAssemblerOptions,
  ) {
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
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
        this.open = this.start(frame.opcode);
        this.append(this.open, frame);
        break;
      case Opcode.CONTINUATION:
        if (!this.open) {
          this.problem('continuation-without-message', 'A continuation frame arrived with no fragmented message open; it was ignored.', frame);
          return;
        }
        this.append(this.open, frame);
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
    if (!this.open) return;
    const open = this.open;
    this.problem('message-incomplete', 'The stream ended before the last frame of a fragmented message.', open.frames[open.frames.length - 1]);
    this.close(open, false);
  }

  private start(opcode: 1 | 2): OpenMessage {
    return {
      opcode,
      frames: [],
      wireLength: 0,
      body: new Body(this.maxMessageBytes),
      utf8: opcode === Opcode.TEXT ? new Utf8Validator() : null,
      utf8FailedAt: null,
      payloadCut: false,
    };
  }

  private append(open: OpenMessage, frame: Frame): void {
    open.frames.push(frame);
    open.wireLength += frame.payloadLength;
    if (frame.payloadTruncated) open.payloadCut = true;
    this.collect(open, frame, frame.payload);
  }

  /** Adds body bytes that came with `frame`, checking text incrementally. */
  private collect(open: OpenMessage, frame: Frame, bytes: Buffer): void {
    const kept = open.body.append(bytes);
    if (open.utf8 && open.utf8FailedAt === null && !open.utf8.push(kept)) open.utf8FailedAt = frame;
  }

  /** `complete`: the FIN frame arrived (else the message is cut short). */
  private close(open: OpenMessage, complete: boolean): void {
    this.open = null;
    const last = open.frames[open.frames.length - 1];
    const truncated = !complete || open.payloadCut || open.body.truncated;
    if (open.utf8) {
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
      compressed: false,
      data: open.body.toBuffer(),
      truncated,
    });
  }

  private problem(code: FindingCode, message: string, frame: Frame): void {
    this.options.onProblem(code, message, frame);
  }
}
