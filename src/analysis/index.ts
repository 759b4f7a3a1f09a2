export {
  analyzeCaptures,
  DEFAULT_MAX_BUFFER_BYTES,
  DEFAULT_MAX_OPEN_CONNECTIONS,
  DEFAULT_MAX_MESSAGE_BYTES,
  type AnalyzeOptions,
  type AnalysisResult,
  type AnalyzedModel,
  type ConnectionEndHandler,
} from './analyze.js';
export { DEFAULT_IDLE_THRESHOLD_S } from './timeline.js';
export type * from './model.js';
export type { Endpoint } from '../packet/types.js';
export type { Direction } from '../tcp/types.js';
