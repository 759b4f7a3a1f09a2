import { Opcode, type OpcodeName } from './types.js';

/** RFC 6455 §5.2 / §11.8: 0x3-0x7 and 0xB-0xF are reserved. */
export function opcodeName(opcode: number): OpcodeName {
  switch (opcode) {
    case Opcode.CONTINUATION:
      return 'continuation';
    case Opcode.TEXT:
      return 'text';
    case Opcode.BINARY:
      return 'binary';
    case Opcode.CLOSE:
      return 'close';
    case Opcode.PING:
      return 'ping';
    case Opcode.PONG:
      return 'pong';
    default:
      return 'reserved';
  }
}

/** Control frames have the high bit of the opcode set (RFC 6455 §5.5). */
export function isControlOpcode(opcode: number): boolean {
  return (opcode & 0x8) !== 0;
}
