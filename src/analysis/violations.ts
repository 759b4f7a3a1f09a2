import type { Direction } from '../tcp/types.js';
import { isControlOpcode, opcodeName, parseClosePayload, type DeflateParams } from '../websocket/index.js';
import { Opcode, type Frame, type FrameHeader } from '../websocket/types.js';
import { finding, type Finding, type FindingCode } from '../findings/index.js';

/** A broken rule, before it is placed (packet, ts, frame) as a Finding. */
export interface Violation {
  code: FindingCode;
  message: string;
}

/** What the handshake settled that decides which frames are legal. */
export interface FrameRulesOptions {
  /** The compression the 101 accepted: RSV1 is then legal where RFC 7692 §6.1 (or deflate-frame) puts it. */
  deflate: DeflateParams | null;
  /** The 101 accepted other extensions: their use of RSV bits is unknown, so RSV bits are not judged. */
  otherExtensions: boolean;
  /** When the 101 response arrived; a client frame completed before it was sent too early (RFC 6455 §4.1). */
  upgradeTs: number;
}

/** The part of the options the header rules read. */
type ExtensionRules = Pick<FrameRulesOptions, 'deflate' | 'otherExtensions'>;

const NONE: readonly Finding[] = [];
const RSV1 = 4;
const RSV2 = 2;
const RSV3 = 1;
/** RFC 6455 §5.5: "All control frames MUST have a payload length of 125 bytes or less". */
const MAX_CONTROL_PAYLOAD = 125;

function isDataOpcode(opcode: number): boolean {
  return opcode === Opcode.CONTINUATION || opcode === Opcode.TEXT || opcode === Opcode.BINARY;
}

const RSV_NAMES = [[RSV1, 'RSV1'], [RSV2, 'RSV2'], [RSV3, 'RSV3']] as const;

/** ['RSV2', 'RSV3'] for rsv = 3. */
function rsvNames(rsv: number): string[] {
  return RSV_NAMES.filter(([bit]) => (rsv & bit) !== 0).map(([, name]) => name);
}

/**
 * RSV bits on one frame (RFC 6455 §5.2: non-zero only when an extension defines them). RSV1 is
 * permessage-deflate's "compressed" bit, set on the first frame of a data message only (RFC 7692 §6.1);
 * deflate-frame sets it on any compressed data frame, continuations included.
 */
function collectRsv(header: FrameHeader, options: ExtensionRules, out: Violation[]): void {
  const kind = opcodeName(header.opcode);
  if (header.rsv === 0 || options.otherExtensions || kind === 'reserved') return;
  const { deflate } = options;
  const unexplained = deflate ? header.rsv & ~RSV1 : header.rsv;
  if (unexplained !== 0) {
    const names = rsvNames(unexplained);
    out.push({
      code: 'reserved-bits-set',
      message: `${names.join(' and ')} set on a ${kind} frame; no negotiated extension defines ${names.length > 1 ? 'them' : 'it'}.`,
    });
  }
  if (deflate && (header.rsv & RSV1) !== 0) {
    if (isControlOpcode(header.opcode)) {
      out.push({ code: 'rsv1-misplaced', message: `RSV1 set on a ${kind} frame; control frames are never compressed.` });
    } else if (header.opcode === Opcode.CONTINUATION && !deflate.perFrame) {
      out.push({
        code: 'rsv1-misplaced',
        message: `RSV1 set on a continuation frame; ${deflate.extension} marks only the first frame of a message.`,
      });
    }
  }
}

/**
 * Rules a frame's header alone decides (RFC 6455 §5.1, §5.2, §5.5; RFC 7692 §6.1), added to `out`. Runs on
 * every frame: nothing is built unless a rule is broken.
 */
function collectHeader(header: FrameHeader, options: ExtensionRules, out: Violation[]): void {
  const kind = opcodeName(header.opcode);
  // RFC 6455 §5.1: clients mask every frame, servers none.
  if (header.direction === 'client' && !header.masked) {
    out.push({ code: 'client-frame-unmasked', message: `A ${kind} frame from the client is not masked.` });
  } else if (header.direction === 'server' && header.masked) {
    out.push({ code: 'server-frame-masked', message: `A ${kind} frame from the server is masked.` });
  }
  collectRsv(header, options, out);
  if (kind === 'reserved') {
    out.push({ code: 'reserved-opcode', message: `Opcode 0x${header.opcode.toString(16)} is reserved.` });
  } else if (isControlOpcode(header.opcode)) {
    if (header.payloadLength > MAX_CONTROL_PAYLOAD) {
      out.push({ code: 'control-frame-too-long', message: `A ${kind} frame has a ${header.payloadLength}-byte payload (at most 125).` });
    }
    if (!header.fin) out.push({ code: 'control-frame-fragmented', message: `A ${kind} frame has FIN clear.` });
  }
  if (header.lengthTopBitSet) {
    out.push({ code: 'length-top-bit-set', message: `The 64-bit payload length of a ${kind} frame has its most significant bit set.` });
  }
  if (header.lengthNotMinimal) {
    out.push({
      code: 'length-not-minimal',
      message: `A ${kind} frame's payload length ${header.payloadLength} is sent in ${header.lengthEncoding} bits; ${header.payloadLength < 126 ? '7' : '16'} would do.`,
    });
  }
}

export function headerViolations(header: FrameHeader, options: ExtensionRules): Violation[] {
  const out: Violation[] = [];
  collectHeader(header, options, out);
  return out;
}

/**
 * Why a close code must not be on the wire, or null when it may be. RFC 6455 §7.4.1 defines 1000-1003 and
 * 1007-1011, reserves 1004, and forbids sending 1005, 1006 and 1015; §7.4.2 leaves 1000-2999 to the IANA
 * registry, which later assigned 1012-1014 (and nothing above); 3000-3999 are registered by applications and
 * 4000-4999 private.
 */
export function closeCodeProblem(code: number): string | null {
  if (code < 1000) return `${code} is below 1000; those codes are not used`;
  if (code === 1004) return '1004 is reserved';
  if (code === 1005 || code === 1006 || code === 1015) return `${code} only reports a closure locally and must never be sent`;
  if (code <= 1014) return null;
  if (code <= 2999) return `${code} is not assigned in the IANA registry`;
  if (code <= 4999) return null;
  return `${code} is above 4999, outside every range`;
}

/** A close frame's body: empty, or a code and a UTF-8 reason (RFC 6455 §5.5.1). */
export function closeViolations(payload: Buffer): Violation[] {
  const out: Violation[] = [];
  collectClose(payload, out);
  return out;
}

function collectClose(payload: Buffer, out: Violation[]): void {
  const close = parseClosePayload(payload);
  if (close.malformed) {
    out.push({ code: 'close-payload-one-byte', message: 'A close frame has a 1-byte payload.' });
    return;
  }
  const problem = close.code === null ? null : closeCodeProblem(close.code);
  if (problem !== null) out.push({ code: 'close-code-invalid', message: `Close code ${problem}.` });
  if (!close.reasonValidUtf8) out.push({ code: 'close-reason-invalid-utf8', message: 'The close reason is not valid UTF-8.' });
}

/**
 * The frame rules of one WebSocket connection: fed every frame of both directions in capture order, it
 * returns the rules each frame breaks, placed at that frame. It keeps the little it needs from earlier
 * frames: whether each side has sent its close frame.
 * Message-level rules (continuation without a message, a message interrupted, text that is not UTF-8)
 * belong to the message assembler, which reports them as it assembles.
 */
export class FrameRules {
  private readonly closeSent: Record<Direction, boolean> = { client: false, server: false };

  /** Reused for every frame: most break no rule, and then nothing is allocated. */
  private readonly scratch: Violation[] = [];

  constructor(private readonly options: FrameRulesOptions) {}

  check(frame: Frame, index: number): readonly Finding[] {
    const out = this.scratch;
    out.length = 0;
    collectHeader(frame, this.options, out);
    this.collectSequence(frame, out);
    if (frame.opcode === Opcode.CLOSE) collectClose(frame.payload, out);
    if (out.length === 0) return NONE;
    const where = { ts: frame.ts, packet: frame.packet, frame: index };
    return out.map((v) => finding(v.code, v.message, where));
  }

  /** A frame whose header arrived but whose payload never did: only its header can be judged. */
  checkUnfinished(header: FrameHeader, where: { ts: number }): Finding[] {
    return headerViolations(header, this.options).map((v) => finding(v.code, `${v.message} (The frame never completed.)`, where));
  }

  private collectSequence(frame: Frame, out: Violation[]): void {
    const { direction } = frame;
    if (direction === 'client' && frame.ts < this.options.upgradeTs) {
      out.push({ code: 'frame-before-upgrade', message: `The client sent a ${opcodeName(frame.opcode)} frame before the 101 response.` });
    }
    if (this.closeSent[direction] && isDataOpcode(frame.opcode)) {
      out.push({ code: 'data-after-close', message: `The ${direction} sent a ${opcodeName(frame.opcode)} frame after its close frame.` });
    }
    // Pongs are matched to pings by their data in heartbeat.ts (matchPongs), which reports unsolicited ones.
    if (frame.opcode === Opcode.CLOSE) this.closeSent[direction] = true;
  }
}
