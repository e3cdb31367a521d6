#!/usr/bin/env node
// npm run deploy -- --env <name> [options]   (npm run deploy -- --help for the options)
// What it does, in order, and why: scripts/ops/run.mjs and docs/operations.md.
import { run } from './ops/run.mjs';

process.exitCode = await run('deploy', process.argv.slice(2));
