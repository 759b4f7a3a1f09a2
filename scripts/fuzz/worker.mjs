// The fuzzer's in-process runner: a child process that runs the built CLI's main() on each variant it is
// sent, as `wsdissect` would run it, and answers with what the checks found. The parent times every job
// and watches this process's memory, so a hang or a blow-up here is still seen (and this process killed).
import { commands, checkRun } from './check.mjs';

const { main } = await import(new URL('../../dist/cli/main.js', import.meta.url).href);
const GC_ABOVE_BYTES = 256 << 20;

async function runOne(path, cli) {
  const failures = [];
  const codes = {};
  for (const command of commands(path, cli)) {
    let stdout = '';
    let stderr = '';
    const code = await main(['node', 'wsdissect', ...command.argv], {
      stdout: (text) => void (stdout += text),
      stderr: (text) => void (stderr += text),
    });
    codes[command.name] = code;
    const failure = checkRun(command, path, { code, stdout, stderr });
    if (failure) failures.push({ command: command.name, ...failure });
  }
  return { codes, failures };
}

process.on('message', async ({ id, path, cli }) => {
  const outcome = await runOne(path, cli);
  if (globalThis.gc && process.memoryUsage().rss > GC_ABOVE_BYTES) globalThis.gc();
  process.send({ id, ...outcome });
});
process.send({ ready: true });
