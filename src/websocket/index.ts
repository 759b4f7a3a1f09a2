export { FrameParser, DEFAULT_MAX_PAYLOAD_KEEP, type FrameParserOptions } from './frame-parser.js';
export { parseClosePayload } from './close.js';
export { opcodeName, isControlOpcode } from './opcode.js';
export * from './types.js';
