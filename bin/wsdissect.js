#!/usr/bin/env node
// Runs the built CLI (npm's `prepare` builds dist/ on install).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv);
