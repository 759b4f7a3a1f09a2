import { readFileSync, writeFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { analyzeCaptures, type AnalysisResult, type AnalyzeOptions } from '../analysis/index.js';
import { buildReport, PREVIEW_BYTES, sanitizeForTerminal, type PayloadMode } from '../report/index.js';
import { ExitCode } from './exit-codes.js';
import { formatFrames } from './frames.js';
import { formatSummary } from './summary.js';

const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
export const VERSION = packageJson.version;

/** Where a command's text goes; tests pass their own. */
export interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
}

const processOutput: Output = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

function parseConnectionId(value: string): number {
  const id = Number(value);
  if (!Number.isInteger(id) || id < 0) throw new InvalidArgumentError('expected a connection id (0, 1, 2, ...)');
  return id;
}

/** Runs the analysis and turns reading problems into messages and the exit code they call for. */
async function analyze(files: string[], options: AnalyzeOptions, out: Output): Promise<{ result: AnalysisResult; exitCode: number }> {
  const result = await analyzeCaptures(files, options);
  const { error } = result;
  if (!error) return { result, exitCode: ExitCode.OK };
  const where = error.offset === null ? '' : ` at byte ${error.offset}`;
  out.stderr(`wsdissect: ${sanitizeForTerminal(error.file)}${where}: ${sanitizeForTerminal(error.message)}\n`);
  return { result, exitCode: error.kind === 'damaged' ? ExitCode.DAMAGED : ExitCode.NOT_A_CAPTURE };
}

function buildProgram(out: Output, setExitCode: (code: number) => void): Command {
  const program = new Command('wsdissect')
    .description('Analyze WebSocket traffic in pcap/pcapng captures (gzip-compressed too).')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: out.stdout, writeErr: out.stderr })
    .exitOverride();

  const allTcp = new Option('--all-tcp', 'list every TCP connection, not only WebSocket ones');

  program
    .command('summary', { isDefault: true })
    .description('one line per WebSocket connection: endpoints, URL, status, frames, messages, close codes, duration')
    .argument('<captures...>', 'capture files (pcap, pcapng, optionally gzip-compressed)')
    .addOption(allTcp)
    .action(async (files: string[], opts: { allTcp?: boolean }) => {
      const { result, exitCode } = await analyze(files, { retainBytes: 0 }, out);
      const listed = opts.allTcp ? result.model.connections : result.model.connections.filter((c) => c.isWebSocket);
      if (exitCode !== ExitCode.NOT_A_CAPTURE) out.stdout(formatSummary(result.model, listed) + '\n');
      setExitCode(exitCode);
    });

  program
    .command('frames')
    .description('one line per WebSocket frame, like a packet list')
    .argument('<captures...>', 'capture files')
    .option('--conn <id>', 'only this connection', parseConnectionId)
    .action(async (files: string[], opts: { conn?: number }) => {
      const { result, exitCode } = await analyze(files, { retainBytes: 240 }, out);
      const connections = result.model.connections.filter((c) => (opts.conn === undefined ? c.isWebSocket : c.id === opts.conn));
      if (exitCode !== ExitCode.NOT_A_CAPTURE) out.stdout(formatFrames(connections) + '\n');
      setExitCode(exitCode);
    });

  program
    .command('report')
    .description('the JSON report (docs/report.schema.json)')
    .argument('<captures...>', 'capture files')
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(
      new Option('--payload <mode>', 'payload bytes in the report').choices(['none', 'preview', 'full']).default('preview'),
    )
    .addOption(allTcp)
    .action(async (files: string[], opts: { output?: string; payload: PayloadMode; allTcp?: boolean }) => {
      const retainBytes = opts.payload === 'full' ? null : opts.payload === 'preview' ? PREVIEW_BYTES : 0;
      const { result, exitCode } = await analyze(files, { retainBytes }, out);
      if (exitCode !== ExitCode.NOT_A_CAPTURE) {
        const report = buildReport(result.model, { payload: opts.payload, toolVersion: VERSION, allTcp: Boolean(opts.allTcp) });
        const json = JSON.stringify(report, null, 2) + '\n';
        if (opts.output) writeFileSync(opts.output, json);
        else out.stdout(json);
      }
      setExitCode(exitCode);
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
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
      out.stderr(`wsdissect: ${sanitizeForTerminal(message)}\n`);
      return ExitCode.NOT_A_CAPTURE;
    }
    out.stderr(`wsdissect: internal error: ${sanitizeForTerminal(message)} (please report this with the capture)\n`);
    return ExitCode.INTERNAL;
  }
}
