// What the fuzzer holds every run of the CLI to, in-process or spawned: an allowed exit code, no stack trace,
// no raw control characters in text output or in messages, and messages that say what the exit code claims.

/**
 * What the CLI offers, from its help texts: the text commands (every command but the JSON report and the
 * interactive UI), whether `report` has --ndjson, whether `frames` takes --ws-port.
 */
export function capabilities(help, reportHelp, framesHelp) {
  return {
    text: [...help.matchAll(/^  ([a-z]+) /gm)].map((m) => m[1]).filter((c) => !['report', 'tui', 'help'].includes(c)),
    ndjson: reportHelp.includes('--ndjson'),
    wsPort: framesHelp.includes('--ws-port'),
  };
}

/**
 * The CLI runs made on each variant: the JSON report with every payload byte (and its NDJSON form), each text
 * command, and the frame list with --ws-port 80 (mid-stream decoding of whatever port 80 carries).
 */
export function commands(path, cli) {
  return [
    { name: 'report', argv: ['report', path, '--payload', 'full', '-o', '/dev/null'], text: false },
    ...(cli.ndjson ? [{ name: 'ndjson', argv: ['report', '--ndjson', path, '--payload', 'full', '-o', '/dev/null'], text: false }] : []),
    ...cli.text.map((name) => ({ name, argv: [name, path], text: true })),
    ...(cli.wsPort ? [{ name: 'frames --ws-port', argv: ['frames', path, '--ws-port', '80'], text: true }] : []),
  ];
}

export const ALLOWED_EXIT = new Set([0, 1, 3]);

/** What sanitizeForTerminal neutralizes (C0 controls, DEL, C1 controls, bidi controls, U+2028/9), newline aside. */
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
/** A V8 stack frame line, as Node prints them under an uncaught error. */
const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|\(native\)|<anonymous>\)?)$/m;

/**
 * The failure in one run, or null. `stdout` is only checked for text commands (the JSON report escapes by
 * itself); stderr is always checked.
 */
export function checkRun(command, path, { code, stdout, stderr }) {
  if (!ALLOWED_EXIT.has(code)) return { kind: code === 4 ? 'internal-error' : 'bad-exit', detail: `exit ${code}: ${firstLine(stderr)}` };
  if (STACK_FRAME.test(stderr)) return { kind: 'stack-trace', detail: firstLine(stderr) };
  if (command.text && UNSAFE.test(stdout)) return { kind: 'unsafe-output', detail: around(stdout) };
  if (UNSAFE.test(stderr)) return { kind: 'unsafe-output', detail: `stderr: ${around(stderr)}` };
  // Never lie: exit 1 names the file and the byte offset of the damage, exit 3 says why, exit 0 says nothing.
  if (code === 1 && !(stderr.includes(path) && /at byte \d+/.test(stderr))) return { kind: 'message', detail: `exit 1 without file and offset: ${firstLine(stderr)}` };
  if (code === 3 && !(stderr.includes(path) && /expected pcap, pcapng|cannot read/.test(stderr))) return { kind: 'message', detail: `exit 3 without reason: ${firstLine(stderr)}` };
  if (code === 0 && stderr !== '') return { kind: 'message', detail: `exit 0 with stderr: ${firstLine(stderr)}` };
  return null;
}

function firstLine(text) {
  return JSON.stringify(text.split('\n')[0].slice(0, 200));
}

function around(text) {
  const at = text.search(UNSAFE);
  return JSON.stringify(text.slice(Math.max(0, at - 40), at + 40));
}
