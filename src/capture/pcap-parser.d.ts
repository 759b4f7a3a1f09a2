// Types for pcap-parser 0.2.1 (it ships none), limited to what lib/pcap-parser.js actually uses and emits.
declare module 'pcap-parser' {
  import type { EventEmitter } from 'node:events';

  export interface GlobalHeader {
    magicNumber: number;
    majorVersion: number;
    minorVersion: number;
    gmtOffset: number;
    timestampAccuracy: number;
    snapshotLength: number;
    linkLayerType: number;
  }

  export interface PacketHeader {
    timestampSeconds: number;
    /** Named for microseconds; holds whatever the record's second timestamp field holds. */
    timestampMicroseconds: number;
    capturedLength: number;
    originalLength: number;
  }

  /**
   * The parser only calls pause(), resume() and on('data' | 'error' | 'end') on its input, and parses
   * synchronously inside each 'data' event.
   */
  export type ParserInput = EventEmitter & { pause(): unknown; resume(): unknown };

  export interface Parser extends EventEmitter {
    on(event: 'globalHeader', listener: (header: GlobalHeader) => void): this;
    on(event: 'packetHeader', listener: (header: PacketHeader) => void): this;
    on(event: 'packet', listener: (packet: { header: PacketHeader; data: Buffer }) => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
  }

  export function parse(input: string | ParserInput): Parser;
}
