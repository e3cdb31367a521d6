#!/usr/bin/env node
// The floor of the synth benchmark: a plain aws-cdk-lib app with one empty stack per account and
// region of the benchmark config (BENCH_CONFIG_FILE), synthesized to CDK_OUTDIR. Whatever the
// guardrails apps cost beyond this is theirs.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { App, Stack } = require('aws-cdk-lib');

const config = JSON.parse(readFileSync(process.env.BENCH_CONFIG_FILE, 'utf8'));
const app = new App({ outdir: process.env.CDK_OUTDIR });
for (const account of config.workloadAccounts) {
  for (const region of account.regions) {
    new Stack(app, `${config.environment}-floor-${account.name}-${region}`, { env: { account: account.accountId, region } });
  }
}
app.synth();
