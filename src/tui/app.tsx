import { Box, Text, useApp, useInput } from 'ink';
import { useEffect, useRef, useState } from 'react';
import type { AnalysisResult } from '../analysis/index.js';
import { sanitizeForTerminal } from '../report/index.js';
import { Browser } from './browser.js';
import { useTerminalSize } from './components.js';
import { formatCount, formatSize } from './text.js';

export interface Progress {
  bytesRead: number;
  totalBytes: number;
  packets: number;
  connections: number;
}

export type ProgressListener = (progress: Progress) => void;

export interface AppProps {
  files: string[];
  toolVersion: string;
  /** Runs the analysis; `onProgress` may throw to stop it (q while loading). */
  analyze: (onProgress: ProgressListener) => Promise<AnalysisResult>;
  onResult?: (result: AnalysisResult) => void;
}

/** Thrown from the progress callback to stop reading when the user quits while the capture loads. */
export class AnalysisCancelled extends Error {
  constructor() {
    super('analysis cancelled');
  }
}

const BAR_WIDTH = 30;

function Loading({ files, progress }: { files: string[]; progress: Progress | null }) {
  const { columns } = useTerminalSize();
  const fraction = progress && progress.totalBytes > 0 ? Math.min(1, progress.bytesRead / progress.totalBytes) : 0;
  const filled = Math.round(fraction * BAR_WIDTH);
  return (
    <Box flexDirection="column" width={columns}>
      <Text bold wrap="truncate-end">
        wsdissect: reading {files.map((f) => sanitizeForTerminal(f)).join(', ')}
      </Text>
      <Text>
        <Text color="cyan">{'█'.repeat(filled)}</Text>
        <Text color="gray">{'░'.repeat(BAR_WIDTH - filled)}</Text> {Math.floor(fraction * 100)}%
      </Text>
      <Text>
        {progress ? `${formatSize(progress.bytesRead)} of ${formatSize(progress.totalBytes)} read · ${formatCount(progress.packets)} packets · ${formatCount(progress.connections)} connections` : 'opening…'}
      </Text>
      <Text color="gray">q quits</Text>
    </Box>
  );
}

function Failed({ message }: { message: string }) {
  const { exit } = useApp();
  useInput((input) => {
    if (input === 'q') exit();
  });
  return (
    <Box flexDirection="column">
      <Text color="red">wsdissect: {message}</Text>
      <Text color="gray">q quits</Text>
    </Box>
  );
}

/** Loading screen while the capture is analyzed, then the browser (or why the capture could not be read). */
export function App({ files, toolVersion, analyze, onResult }: AppProps) {
  const { exit } = useApp();
  const [progress, setProgress] = useState<Progress | null>(null);
  const [result, setResult] = useState<AnalysisResult | null>(null);
  const cancelled = useRef(false);

  useEffect(() => {
    analyze((p) => {
      if (cancelled.current) throw new AnalysisCancelled();
      setProgress(p);
    }).then(
      (done) => {
        onResult?.(done);
        setResult(done);
      },
      (error: unknown) => {
        if (!(error instanceof AnalysisCancelled)) exit(error instanceof Error ? error : new Error(String(error)));
      },
    );
  }, []);

  // Active for the App's whole life: if it stopped when the browser takes over, raw mode would be off for a
  // moment and keys typed then would wait in the terminal's line buffer.
  useInput((input) => {
    if (result !== null || input !== 'q') return;
    cancelled.current = true;
    exit();
  });

  if (!result) return <Loading files={files} progress={progress} />;
  const { error } = result;
  if (!error) return <Browser model={result.model} toolVersion={toolVersion} />;
  // The message names the file and, for damage, the byte offset (capture/ writes it that way).
  const message = sanitizeForTerminal(error.message);
  if (error.kind !== 'damaged') return <Failed message={message} />;
  // A damaged capture still shows everything read before the damage.
  return <Browser model={result.model} toolVersion={toolVersion} initialState={{ status: `capture damaged, read up to there: ${message}` }} />;
}
