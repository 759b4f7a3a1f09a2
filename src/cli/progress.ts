/**
 * A progress line on stderr while a long capture is read (only when stderr is a terminal): bytes read of the
 * total, packets and connections so far. It is redrawn in place at most every PROGRESS_INTERVAL_MS and erased
 * when reading ends, so nothing of it stays in the terminal or reaches a file.
 */

const PROGRESS_INTERVAL_MS = 100;
const BAR_CELLS = 24;
const MB = 1e6;

export interface ProgressFigures {
  bytesRead: number;
  totalBytes: number;
  packets: number;
  connections: number;
}

/** `[#########---------------]  37%  74.2/200.4 MB  101,234 packets  713 connections` */
export function formatProgress({ bytesRead, totalBytes, packets, connections }: ProgressFigures): string {
  const fraction = totalBytes > 0 ? Math.min(1, bytesRead / totalBytes) : 1;
  const filled = Math.round(fraction * BAR_CELLS);
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const sizes = `${(bytesRead / MB).toFixed(1)}/${(totalBytes / MB).toFixed(1)} MB`;
  const count = (n: number, noun: string) => `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_CELLS - filled)}] ${percent}  ${sizes}  ${count(packets, 'packet')}  ${count(connections, 'connection')}`;
}

/** CR, the line, and "erase to end of line" (ECMA-48 EL): redraws in place without leaving the old text. */
const REDRAW = (line: string) => `\r${line}\u001b[K`;

export class ProgressLine {
  private lastDraw = -Infinity;
  private drawn = false;

  constructor(
    private readonly write: (text: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  update(figures: ProgressFigures): void {
    const now = this.now();
    if (now - this.lastDraw < PROGRESS_INTERVAL_MS && figures.bytesRead < figures.totalBytes) return;
    this.lastDraw = now;
    this.drawn = true;
    this.write(REDRAW(formatProgress(figures)));
  }

  /** Reading is over: the line goes away. */
  clear(): void {
    if (this.drawn) this.write(REDRAW(''));
    this.drawn = false;
  }
}
