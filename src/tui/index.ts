// tui/: the terminal UI (`wsdissect tui`). It reads the analysis model only; every capture string it shows
// goes through the report stage's terminal-safe helpers.
import { createElement } from 'react';
import { render } from 'ink';
import { analyzeCaptures, type AnalysisResult, type AnalyzeOptions } from '../analysis/index.js';
import { ExitCode } from '../cli/exit-codes.js';
import { sanitizeForTerminal } from '../report/index.js';
import { App } from './app.js';

export { App, AnalysisCancelled, type AppProps, type Progress } from './app.js';
export { Browser, type BrowserProps } from './browser.js';
export { KEYS } from './help.js';

/** Payload bytes kept per frame and message, so the detail pane can show (and export) real payloads. */
export const TUI_RETAIN_BYTES = 64 * 1024;

export interface TuiOptions {
  toolVersion: string;
  /** Limits and decoding options, as the other commands take them (payload retention is the UI's own; it keeps every connection). */
  analysis?: Omit<AnalyzeOptions, 'retainBytes' | 'onProgress' | 'onConnectionEnd'>;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  stderr: (text: string) => void;
}

// The alternate screen keeps the user's scrollback as it was once the UI quits.
const ENTER_ALTERNATE_SCREEN = '\u001b[?1049h';
const LEAVE_ALTERNATE_SCREEN = '\u001b[?1049l';

/**
 * Runs the UI until the user quits; resolves to the process exit code, the other commands' (README, "Exit
 * codes"). A capture that could not be read whole is shown in the UI, and once the UI is gone its message is
 * written to stderr as the other commands write it, so that it stays on the terminal with the exit code.
 */
export async function runTui(files: string[], options: TuiOptions): Promise<number> {
  const stdin = options.stdin ?? process.stdin;
  const stdout = options.stdout ?? process.stdout;
  if (!stdout.isTTY || !stdin.isTTY) {
    options.stderr(
      'wsdissect tui: needs an interactive terminal (stdin and stdout must be a TTY).\n' +
        'For text output use `wsdissect timeline <capture>` or `wsdissect report <capture>`.\n',
    );
    return ExitCode.USAGE;
  }
  let result: AnalysisResult | null = null;
  stdout.write(ENTER_ALTERNATE_SCREEN);
  try {
    const instance = render(
      createElement(App, {
        files,
        toolVersion: options.toolVersion,
        analyze: (onProgress) =>
          analyzeCaptures(files, {
            ...options.analysis,
            retainBytes: TUI_RETAIN_BYTES,
            onProgress: (bytesRead, totalBytes, found) => onProgress({ bytesRead, totalBytes, ...found }),
          }),
        onResult: (done) => (result = done),
      }),
      // Not incrementalRendering: Ink 6.8's line diffing left stale lines of the loading screen behind.
      { stdin, stdout, exitOnCtrlC: true },
    );
    await instance.waitUntilExit();
  } finally {
    stdout.write(LEAVE_ALTERNATE_SCREEN);
  }
  const error = (result as AnalysisResult | null)?.error;
  if (!error) return ExitCode.OK;
  // The message names the file and, for damage, the byte offset (capture/ writes it that way).
  options.stderr(`wsdissect: ${sanitizeForTerminal(error.message)}\n`);
  return error.kind === 'damaged' ? ExitCode.DAMAGED : ExitCode.NOT_A_CAPTURE;
}
