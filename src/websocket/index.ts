export { FrameParser, DEFAULT_MAX_PAYLOAD_KEEP, type FrameParserOptions } from './frame-parser.js';
export { MessageAssembler, DEFAULT_MAX_MESSAGE_BYTES, type MessageAssemblerOptions } from './message-assembler.js';
export {
  parseExtensionHeader,
  negotiateDeflate,
  type ExtensionOffer,
  type ExtensionParam,
  type DeflateParams,
} from './extensions.js';
export { DirectionInflater, inflateWindowBits, type UnitResult } from './inflater.js';
export { parseClosePayload } from './close.js';
export { opcodeName, isControlOpcode } from './opcode.js';
export { Utf8Validator } from './utf8.js';
export * from './types.js';
