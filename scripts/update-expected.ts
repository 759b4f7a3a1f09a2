// Regenerates every fixture's expected report (fixtures/**/NAME.expected.json) with the built CLI.
// Review the diff before committing: these files are what the tests hold wsdissect to.
// Usage: npm run fixtures:expected [-- substring...]
import { spawnSync } from 'node:child_process';
import { expectedReportPath, fixtureCaptures } from '../test/fixtures/captures.js';

const filters = process.argv.slice(2);
let failed = 0;
for (const capture of fixtureCaptures()) {
  if (filters.length && !filters.some((f) => capture.includes(f))) continue;
  const out = expectedReportPath(capture);
  const run = spawnSync(process.execPath, ['bin/wsdissect.js', 'report', capture, '--payload', 'preview', '-o', out], {
    stdio: 'inherit',
  });
  // Exit 1 (damaged capture) still writes the report: damaged fixtures have expected reports too.
  if (run.status !== 0 && run.status !== 1) failed++;
  console.log(`${run.status === 0 ? 'ok    ' : `exit ${run.status}`} ${out}`);
}
process.exit(failed ? 1 : 0);
