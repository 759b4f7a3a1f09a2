/** One captured packet as read from a capture file, before any protocol decoding. */
export interface Packet {
  /** 1-based, in file order (across several files: in merged time order), as Wireshark numbers them. */
  number: number;
  /** Seconds since the Unix epoch, with the file's resolution (microseconds survive a float64; nanoseconds may not). */
  ts: number;
  /** Link-layer header type (LINKTYPE_* value from the tcpdump registry). */
  linkType: number;
  /** The captured bytes. May be shorter than `originalLength` when the capture used a snaplen. */
  data: Buffer;
  /** Length of the packet on the wire. */
  originalLength: number;
}

export type CaptureFormat = 'pcap' | 'pcapng';

/** What a reader learned about the file once it has been read (or read up to the damage). */
export interface CaptureSummary {
  file: string;
  format: CaptureFormat;
  gzip: boolean;
  packets: number;
  linkTypes: number[];
  /** Bytes of the (decompressed) capture consumed. */
  bytesRead: number;
}

/**
 * Why a capture could not be read to the end.
 * - `not-capture`: the first bytes are no pcap/pcapng/gzip magic (exit code 3).
 * - `unreadable`: the file cannot be opened or read (exit code 3).
 * - `damaged`: the file was read up to `offset`, then found truncated or corrupt (exit code 1).
 */
export type CaptureErrorKind = 'not-capture' | 'unreadable' | 'damaged';

export class CaptureError extends Error {
  constructor(
    readonly kind: CaptureErrorKind,
    readonly file: string,
    /** Byte offset in the (decompressed) capture where the problem starts; null when unknown. */
    readonly offset: number | null,
    message: string,
  ) {
    super(message);
    this.name = 'CaptureError';
  }
}

/** What `readCaptures` hands back once it stops; it never rejects for bad input. */
export interface CaptureReadResult {
  /**
   * One per file, in the order given. Empty when a file could not be opened or is no capture: every file
   * is opened and identified before any packet is delivered.
   */
  summaries: CaptureSummary[];
  /** Packets delivered in total. */
  packets: number;
  /** Distinct link types of the packets delivered, sorted. */
  linkTypes: number[];
  /** Format of the first file ('pcap' when no file could be identified). */
  format: CaptureFormat;
  /** The first problem that stopped reading; packets before it were all delivered. */
  error: CaptureError | null;
}

export interface ReadCapturesOptions {
  /** Called after each chunk read, with bytes of the files on disk read so far and their total size. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}
