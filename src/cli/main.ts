import { readFileSync } from 'node:fs';
import { getHeapSpaceStatistics, getHeapStatistics, setFlagsFromString } from 'node:v8';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import {
  analyzeCaptures,
  DEFAULT_IDLE_THRESHOLD_S,
  DEFAULT_MAX_BUFFER_BYTES,
  DEFAULT_MAX_OPEN_CONNECTIONS,
  DEFAULT_MAX_MESSAGE_BYTES,
  type AnalysisResult,
  type AnalyzedModel,
  type AnalyzeOptions,
  type ConnectionModel,
} from '../analysis/index.js';
import {
  NdjsonReport,
  PREVIEW_BYTES,
  ReportSpool,
  sanitizeForTerminal,
  writeJson,
  type PayloadMode,
  type SpooledDocument,
} from '../report/index.js';
import { ExitCode } from './exit-codes.js';
import { formatFrames } from './frames.js';
import { processOutput, type Output } from './process-output.js';
import { ProgressLine } from './progress.js';
import { ReportSink } from './report-sink.js';
import { formatSummaryRows, summaryRow } from './summary.js';
import { FINDING_TYPE, formatTimeline, TIMELINE_EVENT_TYPES } from './timeline.js';

const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
export const VERSION = packageJson.version;

export type { Output };

/** Write errors that mean a file or the output cannot be used, not a bug: reported in one line, exit 3. */
const FILE_ERRORS = new Set(['ENOENT', 'EACCES', 'EISDIR', 'ENOTDIR', 'EPERM', 'EROFS', 'ENOSPC', 'EFBIG', 'EDQUOT', 'EIO']);

const BYTE_UNITS: Record<string, number> = { '': 1, k: 1 << 10, m: 1 << 20, g: 1 << 30 };

/** A byte count: digits with an optional binary unit (64M = 64 MiB). */
function parseBytes(value: string): number {
  const match = /^(\d+)\s*([kmg]?)(?:i?b)?$/i.exec(value.trim());
  const bytes = match ? Number(match[1]) * BYTE_UNITS[match[2].toLowerCase()] : NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 1) throw new InvalidArgumentError('expected a byte count such as 16777216, 16M or 512K');
  return bytes;
}

/**
 * A kept payload must still fit in one string as base64 (V8 strings stop near 2^29 characters) for the report
 * with every payload byte.
 */
const MAX_MESSAGE_BYTES_CEILING = 256 << 20;

function parseMessageBytes(value: string): number {
  const bytes = parseBytes(value);
  if (bytes > MAX_MESSAGE_BYTES_CEILING) throw new InvalidArgumentError('at most 256M');
  return bytes;
}

/** The memory limits every analysing command takes (README, "Limits"), and how connections are decoded. */
interface LimitOptions {
  maxBuffer: number;
  maxConnections: number;
  maxMessageBytes: number;
  wsPort?: number;
  idleThreshold?: number;
}

function parseConnectionCount(value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1) throw new InvalidArgumentError('expected a whole number of connections, 1 or more');
  return count;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || port < 1 || port > 65535) throw new InvalidArgumentError('expected a TCP port (1-65535)');
  return port;
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds < 0) throw new InvalidArgumentError('expected a number of seconds (0 or more)');
  return seconds;
}

/** `--idle-threshold`, for the commands that show the timeline or its idle periods. */
function idleThresholdOption(): Option {
  return new Option('--idle-threshold <seconds>', 'quiet periods (no payload either way) longer than this become idle events')
    .argParser(parseSeconds)
    .default(DEFAULT_IDLE_THRESHOLD_S);
}

/** --types: a comma-separated list of event types (and "finding"). */
function parseTypes(value: string): Set<string> {
  const known = new Set<string>([...TIMELINE_EVENT_TYPES, FINDING_TYPE]);
  const types = value.split(',').map((t) => t.trim()).filter(Boolean);
  const unknown = types.filter((t) => !known.has(t));
  if (types.length === 0 || unknown.length > 0) {
    throw new InvalidArgumentError(`unknown event type ${unknown.join(', ') || '(none given)'}; known: ${[...known].join(', ')}`);
  }
  return new Set(types);
}

/** NO_COLOR (no-color.org): present and not empty turns colour off; so does output that is not a terminal. */
function colourWanted(out: Output): boolean {
  return out === processOutput && process.stdout.isTTY === true && !process.env.NO_COLOR;
}

function limitOptions(): Option[] {
  return [
    new Option('--max-buffer <bytes>', 'out-of-order TCP bytes held per connection direction before the hole is given up as a gap')
      .argParser(parseBytes)
      .default(DEFAULT_MAX_BUFFER_BYTES, '16M'),
    new Option('--max-connections <count>', 'TCP connections followed at once; past it the oldest open one is let go, with a finding')
      .argParser(parseConnectionCount)
      .default(DEFAULT_MAX_OPEN_CONNECTIONS, '100000'),
    new Option('--max-message-bytes <bytes>', 'largest message or frame payload decoded and inflated (at most 256M); the rest is counted, not kept')
      .argParser(parseMessageBytes)
      .default(DEFAULT_MAX_MESSAGE_BYTES, '64M'),
    new Option(
      '--ws-port <port>',
      'WebSocket runs on this TCP port: that side is the server, and connections whose handshake was not captured are decoded as WebSocket',
    ).argParser(parsePort),
  ];
}

/** Options without onConnectionEnd: analyzeCaptures keeps every connection unless a command adds one. */
function analyzeOptions(retainBytes: number | null, limits: LimitOptions) {
  return {
    retainBytes,
    maxBufferBytes: limits.maxBuffer,
    maxOpenConnections: limits.maxConnections,
    maxMessageBytes: limits.maxMessageBytes,
    wsPort: limits.wsPort,
    idleThresholdS: limits.idleThreshold,
  } satisfies AnalyzeOptions;
}

function withLimits(command: Command): Command {
  for (const option of limitOptions()) command.addOption(option);
  return command;
}

/**
 * Commander's own messages echo what was typed (an unknown command, a bad option value): shown line by line
 * with the same neutralizing as capture text, so a file name full of escape sequences stays inert.
 */
function safeLines(text: string): string {
  return text.split('\n').map(sanitizeForTerminal).join('\n');
}

/**
 * Writes the report to `file` or stdout piece by piece: with every payload byte it can be larger than one
 * string may be, and it is never held whole.
 */
function writeReport(report: SpooledDocument, file: string | undefined, out: Output): void {
  const sink = new ReportSink(file, out);
  try {
    writeJson(
      report,
      (text) => sink.write(text),
      (bytes) => sink.writeBytes(bytes),
    );
    sink.write('\n');
  } finally {
    sink.close();
  }
}

/** V8's new space (both semi-spaces) is held at this size once it has grown to it: see holdYoungGeneration. */
const NEW_SPACE_BYTES = 8 << 20;

/**
 * The analysing commands allocate a lot that dies young, and V8 answers by growing the new space to its limit
 * (32 MB), adding 20-30 MB to peak RSS. Never letting it grow (1 MB semi-spaces) saves that memory but can cost
 * CPU in scavenges (it cost 10% before the analysis kept less alive); held at NEW_SPACE_BYTES it costs none
 * (CPU time, peak RSS; averages of 5 runs on the 200 MB bench capture, of 2 on the 2 GB one, interleaved):
 *
 *                       grows freely       never grows        held at 8 MB
 *   report      200 MB  1.78 s  113 MB     1.89 s   83 MB     1.78 s   91 MB
 *               2 GB                       11.4 s  102 MB     10.8 s  120 MB
 *   --ndjson    200 MB  1.57 s  110 MB     1.57 s   82 MB     1.57 s   93 MB
 *               2 GB                       10.3 s  104 MB     10.0 s  115 MB
 *   summary     200 MB  0.83 s   92 MB     0.84 s   68 MB     0.83 s   73 MB
 *
 * (Held at 16 MB it reached 160 MB at 2 GB.) V8 reads the growth factor at every growth decision, so the
 * returned check, called as the captures are read, stops the growth once the new space is that large.
 * Only in the process's own run, never in a caller of main() such as the test runner.
 */
function holdYoungGeneration(): () => void {
  let held = false;
  return () => {
    if (held) return;
    const newSpace = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
    if (newSpace !== undefined && newSpace.space_size < NEW_SPACE_BYTES) return;
    setFlagsFromString('--semi-space-growth-factor=1');
    held = true;
  };
}

/** Below this heap size (all spaces, committed) the old generation's growth is bounded: see boundOldGeneration. */
const SMALL_HEAP_BYTES = 64 << 20;

/**
 * After each full GC V8 lets the old generation grow to up to 4x what survived before it runs the next one.
 * summary and report keep 7-10 MB alive, but an open connection's state outlives the new space and dies in the
 * old generation, which fills with that garbage up to the limit (30-40 MB), holding Buffers (malloc) too: a
 * 200 MB capture ends about when the first limit is reached, a 2 GB one reaches it ~28 times, and its peak RSS
 * grew 1.3x. --heap-growing-percent=100 lets the old generation grow by what survived, V8 still allowing 8 MB at
 * least (limit ~20 MB). Measured interleaved on a loaded 2-core VM, medians of 17 runs (wall of 7):
 *
 *                        wall before/after    CPU before/after     peak RSS before/after
 *   summary     200 MB   0.77 s   0.79 s       1.05 s   1.02 s       71 MB   71 MB
 *               2 GB     3.09 s   3.19 s       3.86 s   3.79 s       94 MB   77 MB
 *   --ndjson    200 MB   1.46 s   1.29 s       1.70 s   1.79 s       84 MB   79 MB
 *               2 GB     9.62 s  10.80 s      10.82 s  11.33 s      107 MB   87 MB
 *   report      200 MB   1.55 s   1.48 s       1.91 s   1.92 s       87 MB   79 MB
 *               2 GB    10.76 s  11.61 s      11.61 s  12.77 s      111 MB   90 MB
 *
 * The price is full GCs (~20 ms of CPU each, mostly concurrent marking): summary 1 at 200 MB either way, 8 -> 19
 * at 2 GB; report and --ndjson 1 -> 3 at 200 MB (+40 ms, under the runs' spread), 28 -> 78 at 2 GB (+0.95 s).
 * A bigger factor buys back little: 2.5 leaves 54 of those 78, and report reaches 96 MB at 2 GB.
 * A big analysis would pay much more for a fixed factor (1M SYNs, ~0.5 GB alive: CPU +40% with 2, 3x with
 * 1.1), so the bound holds only while the heap is below SMALL_HEAP_BYTES, and only for the commands that
 * forget each connection as it ends; past it V8 picks the factor again. Neither changes how large the heap may
 * grow. Only in the process's own run, never in a caller of main() such as the test runner.
 */
function boundOldGeneration(): () => void {
  let bounded: boolean | null = null;
  return () => {
    const small = getHeapStatistics().total_heap_size < SMALL_HEAP_BYTES;
    if (small === bounded) return;
    // 0 is V8's default: the factor follows how fast the GC is next to the program (1.1 to 4).
    setFlagsFromString(small ? '--heap-growing-percent=100' : '--heap-growing-percent=0');
    bounded = small;
  };
}

function parseConnectionId(value: string): number {
  const id = Number(value);
  if (!Number.isInteger(id) || id < 0) throw new InvalidArgumentError('expected a connection id (0, 1, 2, ...)');
  return id;
}

/** Runs the analysis and turns reading problems into messages and the exit code they call for. */
async function analyze<O extends AnalyzeOptions>(files: string[], options: O, out: Output): Promise<{ result: AnalysisResult<AnalyzedModel<O>>; exitCode: number }> {
  const progress = out === processOutput && process.stderr.isTTY === true ? new ProgressLine((text) => out.stderr(text)) : null;
  const youngGeneration = out === processOutput ? holdYoungGeneration() : null;
  // Only where each connection is forgotten as it ends (summary, report): frames and timeline keep every one,
  // and a heap that grows with the capture would only pay for more full GCs.
  const oldGeneration = out === processOutput && options.onConnectionEnd !== undefined ? boundOldGeneration() : null;
  // Called after each piece of a capture file is read.
  const onProgress: AnalyzeOptions['onProgress'] =
    progress === null && youngGeneration === null
      ? undefined
      : (bytesRead, totalBytes, found) => {
          youngGeneration?.();
          oldGeneration?.();
          progress?.update({ bytesRead, totalBytes, ...found });
        };
  let result: AnalysisResult<AnalyzedModel<O>>;
  try {
    result = await analyzeCaptures<O>(files, { ...options, onProgress });
  } finally {
    progress?.clear();
  }
  const { error } = result;
  if (!error) return { result, exitCode: ExitCode.OK };
  // The message names the file and, for damage, the byte offset (capture/ writes it that way).
  out.stderr(`wsdissect: ${sanitizeForTerminal(error.message)}\n`);
  return { result, exitCode: error.kind === 'damaged' ? ExitCode.DAMAGED : ExitCode.NOT_A_CAPTURE };
}

function buildProgram(out: Output, setExitCode: (code: number) => void): Command {
  const program = new Command('wsdissect')
    .description('Analyze WebSocket traffic in pcap/pcapng captures (gzip-compressed too).')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (text) => out.stdout(safeLines(text)), writeErr: (text) => out.stderr(safeLines(text)) })
    .exitOverride();

  const allTcp = new Option('--all-tcp', 'list every TCP connection, not only WebSocket ones');

  withLimits(program.command('summary', { isDefault: true }))
    .description('one line per WebSocket connection: endpoints, URL, status, frames, messages, close codes, duration')
    .argument('<captures...>', 'capture files (pcap, pcapng, optionally gzip-compressed)')
    .addOption(allTcp)
    .addOption(idleThresholdOption())
    .action(async (files: string[], opts: LimitOptions & { allTcp?: boolean }) => {
      // Each row is made as its connection ends; the analysis then drops the connection's frames and events.
      const rows: { id: number; row: string[] }[] = [];
      const onConnectionEnd = (c: ConnectionModel) => {
        if (opts.allTcp || c.isWebSocket) rows.push({ id: c.id, row: summaryRow(c) });
      };
      // The summary shows no payload, message length or finding about payload contents: skip that work.
      const options = { ...analyzeOptions(0, opts), skipDataPayloads: true, onConnectionEnd };
      const { result, exitCode } = await analyze(files, options, out);
      rows.sort((a, b) => a.id - b.id);
      if (exitCode !== ExitCode.NOT_A_CAPTURE) out.stdout(formatSummaryRows(result.model, rows.map((r) => r.row)) + '\n');
      setExitCode(exitCode);
    });

  withLimits(program.command('frames'))
    .description('one line per WebSocket frame, like a packet list')
    .argument('<captures...>', 'capture files')
    .option('--conn <id>', 'only this connection', parseConnectionId)
    .action(async (files: string[], opts: LimitOptions & { conn?: number }) => {
      const { result, exitCode } = await analyze(files, analyzeOptions(240, opts), out);
      const connections = result.model.connections.filter((c) => (opts.conn === undefined ? c.isWebSocket : c.id === opts.conn));
      if (exitCode !== ExitCode.NOT_A_CAPTURE) out.stdout(formatFrames(connections) + '\n');
      setExitCode(exitCode);
    });

  withLimits(program.command('timeline'))
    .description('one line per event of each WebSocket connection: TCP, HTTP, frames, messages, pings, close, gaps, idle periods, findings')
    .argument('<captures...>', 'capture files')
    .option('--conn <id>', 'only this connection', parseConnectionId)
    .option('--types <list>', `only these event types, comma-separated (${[...TIMELINE_EVENT_TYPES, FINDING_TYPE].join(', ')})`, parseTypes)
    .addOption(idleThresholdOption())
    .action(async (files: string[], opts: LimitOptions & { conn?: number; types?: Set<string> }) => {
      const { result, exitCode } = await analyze(files, analyzeOptions(240, opts), out);
      const connections = result.model.connections.filter((c) => (opts.conn === undefined ? c.isWebSocket : c.id === opts.conn));
      if (exitCode !== ExitCode.NOT_A_CAPTURE) {
        out.stdout(formatTimeline(connections, { color: colourWanted(out), types: opts.types ?? null }) + '\n');
      }
      setExitCode(exitCode);
    });

  withLimits(program.command('report'))
    .description('the JSON report (docs/report.schema.json)')
    .argument('<captures...>', 'capture files')
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(
      new Option('--payload <mode>', 'payload bytes in the report').choices(['none', 'preview', 'full']).default('preview'),
    )
    .addOption(allTcp)
    .addOption(idleThresholdOption())
    .option('--ndjson', 'one JSON record per line, written while the capture is read, in flat memory (docs/ndjson.md)')
    .action(async (files: string[], opts: LimitOptions & { output?: string; payload: PayloadMode; allTcp?: boolean; ndjson?: boolean }) => {
      const retainBytes = opts.payload === 'full' ? null : opts.payload === 'preview' ? PREVIEW_BYTES : 0;
      const reportOptions = { payload: opts.payload, toolVersion: VERSION, allTcp: Boolean(opts.allTcp) };
      if (opts.ndjson) {
        const sink = new ReportSink(opts.output, out);
        try {
          const ndjson = new NdjsonReport((text) => sink.write(text), reportOptions, files);
          const onConnectionEnd = (connection: ConnectionModel) => ndjson.connection(connection);
          const { result, exitCode } = await analyze(files, { ...analyzeOptions(retainBytes, opts), onConnectionEnd }, out);
          if (exitCode !== ExitCode.NOT_A_CAPTURE) ndjson.finish(result.model);
          setExitCode(exitCode);
        } finally {
          sink.close();
        }
        return;
      }
      // Connections are made into JSON as they end and kept on disk until the report can be written in id order.
      const spool = new ReportSpool(reportOptions);
      try {
        const onConnectionEnd = (connection: ConnectionModel) => spool.connection(connection);
        const { result, exitCode } = await analyze(files, { ...analyzeOptions(retainBytes, opts), onConnectionEnd }, out);
        if (exitCode !== ExitCode.NOT_A_CAPTURE) writeReport(spool.document(result.model), opts.output, out);
        setExitCode(exitCode);
      } finally {
        spool.close();
      }
    });

  withLimits(program.command('tui'))
    .description('browse the captures in the terminal: connections, timeline, frame and handshake detail (needs a TTY)')
    .argument('<captures...>', 'capture files')
    .addOption(idleThresholdOption())
    .action(async (files: string[], opts: LimitOptions) => {
      // Loaded only for this command; React's development build is several times slower than production.
      process.env.NODE_ENV ??= 'production';
      const { runTui } = await import('../tui/index.js');
      setExitCode(await runTui(files, { toolVersion: VERSION, analysis: analyzeOptions(null, opts), stderr: out.stderr }));
    });

  return program;
}

/** Runs the CLI; resolves to the exit code. Never throws: a bug is reported in one line, without a stack. */
export async function main(argv: string[], out: Output = processOutput): Promise<number> {
  let exitCode: number = ExitCode.OK;
  const program = buildProgram(out, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return error.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
    }
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code !== undefined && FILE_ERRORS.has(code)) {
      out.stderr(`wsdissect: ${sanitizeForTerminal(message)}\n`);
      return ExitCode.NOT_A_CAPTURE;
    }
    out.stderr(`wsdissect: internal error: ${sanitizeForTerminal(message)} (please report this with the capture)\n`);
    return ExitCode.INTERNAL;
  }
}
