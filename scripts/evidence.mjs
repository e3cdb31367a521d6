#!/usr/bin/env node
// npm run evidence -- --env <name> [--framework <key>] [--cdk-out <dir>] [--fail-on-open]
//
// One page per framework (NIST SP 800-53 Rev. 5, PCI DSS 4.0.1, DORA, SOC 2) of what the last
// `npm run synth -- --env <name>` shows, control by control: satisfied, waived (with the first expiry
// and the owners), open (with why). Read from cdk.out/<env>/compliance-report.json, the templates it
// names, compliance/catalogue.json and config/<env>.json: no credentials, no network.
// Expects a prior `npm run build` (npm run synth runs it).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

if (!['packages/config/dist/index.js', 'packages/ops-tools/dist/index.js'].every((f) => existsSync(join(root, f)))) {
  console.error('evidence: packages are not built; run `npm run build` first (npm run synth does).');
  process.exit(1);
}
const { runEvidence, OpsError } = require(join(root, 'packages/ops-tools/dist/index.js'));
const { ConfigError } = require(join(root, 'packages/config/dist/index.js'));
try {
  const { output, exitCode } = runEvidence(process.argv.slice(2));
  process.stdout.write(output);
  process.exitCode = exitCode;
} catch (e) {
  if (e instanceof OpsError || e instanceof ConfigError) {
    console.error(e.message);
    process.exit(e.exitCode ?? 1);
  }
  throw e;
}
