#!/usr/bin/env node
// npm run destroy -- --env <name> [options]   (npm run destroy -- --help for the options)
// What it does, in order, and why: scripts/ops/run.mjs and docs/operations.md.
import { run } from './ops/run.mjs';

process.exitCode = await run('destroy', process.argv.slice(2));
