#!/usr/bin/env node
// npm run diff -- --env <name> [options]   (npm run diff -- --help for the options)
// What it does, in order, and why: scripts/ops/run.mjs and docs/operations.md.
import { run } from './ops/run.mjs';

process.exitCode = await run('diff', process.argv.slice(2));
