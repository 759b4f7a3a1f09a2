#!/bin/sh
':' //; exec node --v8-pool-size=0 "$0" "$@"
// Runs the built CLI, bundled into one file (npm's `prepare` builds dist/ on install; scripts/bundle.mjs says why).
//
// The two lines above are read by /bin/sh when this file is run as a command (wsdissect, npx wsdissect): they
// start node on this same file with --v8-pool-size=0. To JavaScript they are a string and a comment. The flag
// sizes V8's worker pool to the machine (one thread less than its cores) instead of Node's fixed 4: on a 2-core
// machine up to four optimizing compiles could run at once beside the analysis and take turns with it on the cores;
// with one worker `summary` of the 200 MB bench capture takes 9-15% less wall time, `report` 8-9% less (README,
// Performance). A flag of this kind can only be given when node starts. `node bin/wsdissect.js` (the tests, and
// systems without /bin/sh such as Windows) runs the same CLI with Node's default pool.
import { main } from '../dist/cli/bundle.js';

process.exitCode = await main(process.argv);
