export type { HeaderField, HttpRequestHead, HttpResponseHead, HttpSink, HttpTrackerOptions } from './types.js';
export { HttpUpgradeTracker } from './tracker.js';
export { computeAccept } from './accept.js';
export { firstHeaderValue, hasHeaderToken, headerTokens, headerValues } from './headers.js';
export { parseRequestHead, parseResponseHead, type HeadParse } from './head.js';
