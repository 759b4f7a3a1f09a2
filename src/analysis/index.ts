export { analyzeCaptures, type AnalyzeOptions, type AnalysisResult } from './analyze.js';
export type * from './model.js';
export type { Endpoint } from '../packet/types.js';
export type { Direction } from '../tcp/types.js';
