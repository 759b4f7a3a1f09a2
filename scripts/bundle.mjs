#!/usr/bin/env node
// Joins the compiled CLI (dist/cli/main.js and the ~60 modules it imports) into one file, dist/cli/bundle.js,
// which bin/wsdissect.js runs. Node 20 loads each ES module separately (resolve, read, compile, link): one
// file instead of sixty takes ~25 ms off every start (--version 105 -> 80 ms), and start-up is a fair part
// of a run when the whole analysis of a 200 MB capture takes a few hundred milliseconds.
// commander goes in too (loading it through the CommonJS loader took another ~6 ms); ink and react stay imports,
// and so does the UI, which main.ts loads only for `tui`.
// The bundle sits beside main.js so that its relative URLs (../../package.json, ../tui/index.js) still hold.
import { build } from 'esbuild';

await build({
  entryPoints: [new URL('../dist/cli/main.js', import.meta.url).pathname],
  outfile: new URL('../dist/cli/bundle.js', import.meta.url).pathname,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // commander is CommonJS: inside an ES module bundle its require('node:events') needs a require of its own.
  external: ['ink', 'react', '../tui/index.js'],
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  sourcemap: true,
  logLevel: 'warning',
});
