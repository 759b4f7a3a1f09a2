export { TcpTracker } from './tracker.js';
export type {
  Direction,
  StreamChunk,
  TcpConnectionInfo,
  TcpConnectionSink,
  TcpEvent,
  TcpEventType,
  TcpTrackerOptions,
} from './types.js';
