export { FrameParser, DEFAULT_MAX_PAYLOAD_KEEP, type FrameParserOptions } from './frame-parser.js';
export { MessageAssembler, DEFAULT_MAX_MESSAGE_BYTES, type MessageAssemblerOptions } from './message-assembler.js';
export {
  parseExtensionHeader,
  negotiateDeflate,
  PERMESSAGE_DEFLATE_DEFAULTS,
  type ExtensionOffer,
  type ExtensionParam,
  type DeflateParams,
} from './extensions.js';
export { parseClosePayload } from './close.js';
export { opcodeName, isControlOpcode } from './opcode.js';
export * from './types.js';
