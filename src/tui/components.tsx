import { Box, Text, useStdout } from 'ink';
import { memo, useEffect, useState } from 'react';
import type { Line, Span } from './text.js';

/** One styled line, cut at the pane's edge (rows are pre-fitted; this only guards against wide characters). */
export const LineView = memo(function LineView({ line }: { line: Line }) {
  return (
    <Text wrap="truncate-end">
      {merge(line).map((span, i) => (
        <Text key={i} color={span.color} bold={span.bold} dimColor={span.dim} inverse={span.inverse}>
          {span.text}
        </Text>
      ))}
      {line.length === 0 ? ' ' : ''}
    </Text>
  );
});

/**
 * Joins neighbouring spans of the same style, so a sparkline or a hex row is a handful of Text nodes, and drops
 * the padding at the end of the line (Ink measures every character it draws; trailing blanks show nothing).
 */
function merge(line: Line): Span[] {
  const out: Span[] = [];
  for (const span of line) {
    const last = out[out.length - 1];
    if (last && last.color === span.color && last.bold === span.bold && last.dim === span.dim && last.inverse === span.inverse) {
      out[out.length - 1] = { ...last, text: last.text + span.text };
    } else {
      out.push(span);
    }
  }
  const last = out[out.length - 1];
  if (last && !last.inverse) out[out.length - 1] = { ...last, text: last.text.trimEnd() };
  return out;
}

/** A pane's title line: inverted when the pane has the focus. */
export function Title({ text, focused, width }: { text: string; focused: boolean; width: number }) {
  return (
    <Box width={width}>
      <Text wrap="truncate-end" inverse={focused} bold={focused} color={focused ? 'cyan' : 'gray'}>
        {text.padEnd(width)}
      </Text>
    </Box>
  );
}

/** Lines `top`..`top + rows` of a pane; only these are ever turned into elements. */
export function Lines({ lines, width, rows }: { lines: readonly Line[]; width: number; rows: number }) {
  return (
    <Box flexDirection="column" width={width} height={rows}>
      {lines.map((line, i) => (
        <LineView key={i} line={line} />
      ))}
    </Box>
  );
}

export interface TerminalSize {
  columns: number;
  rows: number;
}

function readSize(stdout: NodeJS.WriteStream): TerminalSize {
  return { columns: stdout.columns || 80, rows: stdout.rows || 24 };
}

/** The terminal's size, following resizes live. */
export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => readSize(stdout));
  useEffect(() => {
    const onResize = () => setSize((current) => {
      const next = readSize(stdout);
      return next.columns === current.columns && next.rows === current.rows ? current : next;
    });
    stdout.on('resize', onResize);
    // A resize between the first render and this subscription would otherwise be missed.
    onResize();
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}
