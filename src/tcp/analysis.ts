// Wireshark's TCP sequence analysis (tcp.analysis.*), as packet-tcp.c's tcp_analyze_sequence_number does
// it in Wireshark 4.0 with default preferences, so that the packets labelled here are the ones tshark
// labels. Sequence numbers are compared as Wireshark does: raw 32-bit values, 0 meaning "not seen yet".
import { TcpFlag, type Segment } from '../packet/types.js';
import type { TcpEventType } from './types.js';

/** Wireshark's TCP_A_* analysis flags, those that are reported or that steer later decisions. */
export const Analysis = {
  RETRANSMISSION: 0x0001,
  KEEP_ALIVE: 0x0008,
  DUPLICATE_ACK: 0x0010,
  ZERO_WINDOW: 0x0020,
  ZERO_WINDOW_PROBE: 0x0040,
  ZERO_WINDOW_PROBE_ACK: 0x0080,
  KEEP_ALIVE_ACK: 0x0100,
  OUT_OF_ORDER: 0x0200,
  FAST_RETRANSMISSION: 0x0400,
  SPURIOUS_RETRANSMISSION: 0x4000,
} as const;

const ANY_RETRANSMISSION = Analysis.RETRANSMISSION | Analysis.FAST_RETRANSMISSION | Analysis.SPURIOUS_RETRANSMISSION;
const SYN_FIN = TcpFlag.SYN | TcpFlag.FIN;
const SYN_FIN_RST = TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST;

/** Fast retransmission: within 20 ms of the duplicate ACKs it answers (packet-tcp.c). */
const FAST_RETRANSMISSION_MICROS = 20_000;
/** Out-of-order threshold when the handshake gave no initial RTT (packet-tcp.c). */
const DEFAULT_OUT_OF_ORDER_MICROS = 3_000;

/** One direction's state, Wireshark's tcp_flow_t / tcp_analyze_seq_flow_info_t fields that matter here. */
interface Flow {
  /** Highest sequence number seen plus length (SYN and FIN count one); 0 until known. */
  nextseq: number;
  nextseqTime: number;
  lastack: number;
  lastackTime: number;
  /** Highest contiguous sequence number seen, for the "ACKed unseen segment" bookkeeping. */
  maxseqtobeacked: number;
  /** Raw window of the last segment; Wireshark starts it at G_MAXUINT32 so that no first segment matches. */
  window: number;
  /** Analysis flags of this direction's last segment. */
  lastSegmentFlags: number;
  /** Duplicate ACKs in a row; -1 after an ACK of unseen data. */
  dupacknum: number;
}

const newFlow = (): Flow => ({
  nextseq: 0,
  nextseqTime: 0,
  lastack: 0,
  lastackTime: 0,
  maxseqtobeacked: 0,
  window: 0xffff_ffff,
  lastSegmentFlags: 0,
  dupacknum: 0,
});

/** RFC 9293 §3.4 sequence comparison modulo 2^32 (packet-tcp.c GT_SEQ / LT_SEQ / LE_SEQ). */
const seqDiff = (a: number, b: number): number => (a - b) | 0;

/**
 * Timestamps in whole microseconds: float seconds are exact to a fraction of a microsecond, and Wireshark
 * compares exact time differences, which a µs-resolution capture gives exactly this way.
 */
const micros = (ts: number): number => Math.round(ts * 1e6);

/** The analysis of one connection; `side` 0/1 names the direction of a segment, as in Connection. */
export class SequenceAnalysis {
  private readonly flows: [Flow, Flow] = [newFlow(), newFlow()];
  /** Time of the latest SYN, and the handshake's RTT (SYN to first ACK); 0 when not known. */
  private synTime = 0;
  private firstRtt = 0;

  /**
   * Analyses one segment and returns its Wireshark analysis flags. `repeatedSyn` says it is a SYN whose
   * ISN equals the base sequence number its sender already has (a retry after an RST, Wireshark issue 17616).
   */
  analyze(side: 0 | 1, segment: Segment, repeatedSyn: boolean): number {
    const fwd = this.flows[side];
    const rev = this.flows[side === 0 ? 1 : 0];
    const { seq, ack, flags, window } = segment;
    const seglen = segment.payloadLength;
    const now = micros(segment.ts);
    const plain = (flags & SYN_FIN_RST) === 0;
    if (repeatedSyn) fwd.nextseq = fwd.maxseqtobeacked;

    let ta = 0;
    forward: {
      // Zero window probe: the next byte, alone, into a closed window. The rarest condition first: each
      // comparison the optimizer meets before it ever ran costs a deoptimization.
      if (rev.window === 0 && seglen === 1 && seq === fwd.nextseq) {
        ta |= Analysis.ZERO_WINDOW_PROBE;
        break forward;
      }
      if (window === 0 && plain) ta |= Analysis.ZERO_WINDOW;
      // Keep-alive: 0 or 1 byte one before the next sequence number (Windows sends 1 garbage byte).
      if (seglen <= 1 && seq === ((fwd.nextseq - 1) >>> 0) && plain) ta |= Analysis.KEEP_ALIVE;
      const repeatsAck = seglen === 0 && plain && seq === fwd.nextseq && ack === fwd.lastack && window === fwd.window;
      if (repeatsAck && window !== 0 && rev.lastSegmentFlags & Analysis.KEEP_ALIVE) {
        ta |= Analysis.KEEP_ALIVE_ACK;
        break forward;
      }
      if (repeatsAck && window === 0 && rev.lastSegmentFlags & Analysis.ZERO_WINDOW_PROBE) {
        ta |= Analysis.ZERO_WINDOW_PROBE_ACK;
        break forward;
      }
      if (repeatsAck && window !== 0) {
        fwd.dupacknum = fwd.dupacknum === -1 ? 1 : fwd.dupacknum + 1;
        ta |= Analysis.DUPLICATE_ACK;
      }
    }
    if (ack !== fwd.lastack) fwd.dupacknum = 0;

    // An ACK beyond what the other direction was seen sending ("ACKed unseen segment"): only its
    // bookkeeping matters here, as it steers the duplicate-ACK count behind fast retransmissions.
    if (rev.maxseqtobeacked !== 0 && seqDiff(ack, rev.maxseqtobeacked) > 0 && flags & TcpFlag.ACK) {
      if (rev.maxseqtobeacked > rev.nextseq) rev.maxseqtobeacked = rev.nextseq;
      else rev.dupacknum = -1;
    }

    if ((seglen > 0 || flags & SYN_FIN) && !(ta & Analysis.KEEP_ALIVE)) {
      ta |= this.resent(fwd, rev, segment, now);
    }

    const nextseq = (seq + seglen + (flags & SYN_FIN ? 1 : 0)) >>> 0;
    // A zero window probe does not advance the sequence space.
    if (!(ta & Analysis.ZERO_WINDOW_PROBE)) {
      if (seqDiff(nextseq, fwd.nextseq) > 0 || fwd.nextseq === 0) {
        fwd.nextseq = nextseq;
        fwd.nextseqTime = now;
      }
      if (seq === fwd.maxseqtobeacked || fwd.maxseqtobeacked === 0) fwd.maxseqtobeacked = fwd.nextseq;
    }
    fwd.window = window;
    fwd.lastack = ack;
    fwd.lastackTime = now;
    fwd.lastSegmentFlags = ta;

    // dissect_tcp, after the analysis: the handshake's RTT is the out-of-order threshold.
    if ((flags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.SYN) this.synTime = now;
    if ((flags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.ACK && this.synTime !== 0 && this.firstRtt === 0) {
      this.firstRtt = now - this.synTime;
    }
    return ta;
  }

  /** A segment that does not advance the sequence space: which kind of resend it is, if any. */
  private resent(fwd: Flow, rev: Flow, segment: Segment, now: number): number {
    const { seq, flags } = segment;
    const seglen = segment.payloadLength;
    // More than one byte starting one before nextseq adds new data (after a probe): not a resend.
    const notAdvanced =
      fwd.nextseq !== 0 && seqDiff(seq, fwd.nextseq) < 0 && !(seglen > 1 && ((fwd.nextseq - 1) >>> 0) === seq);
    // Spurious: all of it was already acknowledged.
    if (seglen > 0 && rev.lastack !== 0 && seqDiff((seq + seglen) >>> 0, rev.lastack) <= 0) {
      return Analysis.SPURIOUS_RETRANSMISSION;
    }
    if (!notAdvanced) return 0;
    // Fast retransmission takes precedence over out-of-order (preference tcp.fastrt_supersedes_ooo).
    const sinceAck = now - rev.lastackTime;
    if (rev.dupacknum >= 2 && rev.lastack === seq && sinceAck >= 0 && sinceAck < FAST_RETRANSMISSION_MICROS) {
      return Analysis.FAST_RETRANSMISSION;
    }
    const sinceNext = now - fwd.nextseqTime;
    const threshold = this.firstRtt !== 0 ? this.firstRtt : DEFAULT_OUT_OF_ORDER_MICROS;
    const end = (seq + seglen + (flags & SYN_FIN ? 1 : 0)) >>> 0;
    if (sinceNext >= 0 && sinceNext < threshold && fwd.nextseq !== end) return Analysis.OUT_OF_ORDER;
    return Analysis.RETRANSMISSION;
  }
}

/**
 * The one event for a packet's analysis flags. Wireshark's rules already exclude each other within
 * the sequence-number group (probe, keep-alive ACK, keep-alive, resend kinds, duplicate ACK); a zero
 * window, which describes the receive window rather than the sequence numbers, is reported only when
 * nothing else is.
 */
export function analysisEvent(flags: number): TcpEventType | null {
  if (flags & Analysis.ZERO_WINDOW_PROBE) return 'zero-window-probe';
  if (flags & Analysis.KEEP_ALIVE_ACK) return 'keepalive-ack';
  if (flags & Analysis.KEEP_ALIVE) return 'keepalive';
  if (flags & ANY_RETRANSMISSION) return 'retransmission';
  if (flags & Analysis.OUT_OF_ORDER) return 'out-of-order';
  if (flags & Analysis.DUPLICATE_ACK) return 'dup-ack';
  if (flags & Analysis.ZERO_WINDOW) return 'zero-window';
  return null;
}
