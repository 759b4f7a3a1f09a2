import type { CaptureModel } from '../../src/analysis/index.js';
import { analyzeCaptures } from '../../src/analysis/index.js';
import { TUI_RETAIN_BYTES } from '../../src/tui/index.js';

/** The model `wsdissect tui` builds for a fixture capture. */
export async function analyzeFixture(name: string): Promise<CaptureModel> {
  const { model, error } = await analyzeCaptures([`fixtures/${name}`], { retainBytes: TUI_RETAIN_BYTES });
  if (error) throw error;
  return model;
}
