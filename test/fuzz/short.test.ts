/**
 * A short round of the fuzzer (scripts/fuzz.mjs) on the built CLI: about a minute of broken variants of every
 * fixture, with a fixed seed so a failure here reproduces with `node scripts/fuzz.mjs --seed 6455 --only N`.
 * Needs dist/ (npm test builds first). The long rounds are run by hand (README, "Fuzzing").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

test('one minute of fuzzing finds no crash, hang, stack trace, bad exit code or unsafe output', { timeout: 240_000 }, () => {
  const run = spawnSync(process.execPath, ['scripts/fuzz.mjs', '--seed', '6455', '--minutes', '1', '--count', '100000'], {
    encoding: 'utf8',
    timeout: 200_000,
  });
  const output = `${run.stdout}\n${run.stderr}`;
  assert.equal(run.status, 0, output);
  assert.match(run.stdout, /^fuzz: 0 failures$/m, output);
  const variants = Number(/^fuzz: (\d+) variants in/m.exec(run.stdout)?.[1]);
  assert.ok(variants >= 100, `only ${variants} variants ran:\n${output}`);
  // Every outcome is one of the exit codes a damaged or foreign file may get.
  const outcomes = [...run.stdout.matchAll(/^  (.+?) +(\d+)$/gm)].map((m) => m[1]);
  assert.ok(outcomes.every((o) => ['exit 0', 'exit 1', 'exit 3'].includes(o)), outcomes.join(', '));
});
