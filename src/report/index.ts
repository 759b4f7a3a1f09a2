export * from './json.js';
export * from './payload.js';
export * from './terminal.js';
export * from './stream.js';
export * from './ndjson.js';
export * from './spool.js';
export * from './text-file.js';
