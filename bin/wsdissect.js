#!/usr/bin/env node
// Runs the built CLI, bundled into one file (npm's `prepare` builds dist/ on install; scripts/bundle.mjs says why).
import { main } from '../dist/cli/bundle.js';

process.exitCode = await main(process.argv);
