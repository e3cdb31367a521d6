#!/usr/bin/env node
// npm run synth [-- --env dev|staging|prod]
//
// Synthesizes both apps for one environment with the AWS CDK CLI (pinned in the root
// devDependencies) into cdk.out/<env>/<app>/, then prints the stacks in deployment order:
// the security account first (central keys and log destinations), then the workloads.
// Expects a prior `npm run build` (the npm script runs it).
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function parseArgs(argv) {
  let env = 'dev';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--env') env = argv[++i];
    else if (arg.startsWith('--env=')) env = arg.slice('--env='.length);
    else {
      console.error(`synth: unknown argument "${arg}". Usage: npm run synth [-- --env <name>]`);
      process.exit(2);
    }
  }
  if (!env) {
    console.error('synth: --env needs a value, e.g. --env prod');
    process.exit(2);
  }
  return { env };
}

function main() {
  // The apps in deployment order, and the stacks of one cloud assembly in dependency order with
  // their account and region: the operator tools (packages/ops-tools), built by npm run build.
  const { APPS, stacksInOrder, writeEvidenceFiles, OpsError } = require(join(root, 'packages/ops-tools/dist/index.js'));

  const { env } = parseArgs(process.argv.slice(2));

  // Validate the config before starting the CLI: a bad config fails here, naming the file and field.
  const { loadConfig, ConfigError } = require(join(root, 'packages/config/dist/index.js'));
  try {
    loadConfig(env, { configDir: join(root, 'config') });
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }

  const cdk = join(root, 'node_modules', '.bin', 'cdk');
  const envDir = join(root, 'cdk.out', env);
  // Outputs of the whole environment are rewritten by this run: a failed app leaves no stale section.
  for (const stale of [
    'compliance-report.json',
    'compliance-report.txt',
    'compliance-report.sarif',
    'oscal-component.json',
    'scp',
    'rcp',
    'bootstrap',
    'deploy-order.json',
    'policy-validation.json',
  ]) {
    rmSync(join(envDir, stale), { recursive: true, force: true });
  }
  const order = [];
  for (const app of APPS) {
    const outdir = join(root, 'cdk.out', env, app);
    rmSync(outdir, { recursive: true, force: true });
    const result = spawnSync(cdk, ['synth', '--context', `env=${env}`, '--output', outdir, '--quiet', '--no-notices'], {
      cwd: join(root, 'apps', app),
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true', GUARDRAILS_CONFIG_DIR: join(root, 'config') },
    });
    if (result.status !== 0) {
      console.error(`synth: ${app} failed for environment ${env} (exit ${result.status ?? result.signal})`);
      process.exit(result.status || 1);
    }
    order.push(...stacksInOrder(outdir, app));
  }

  mkdirSync(envDir, { recursive: true });
  writeFileSync(join(envDir, 'deploy-order.json'), JSON.stringify(order, null, 2) + '\n');
  // The SARIF log is checked against its schema; the OSCAL component definition (each control of the
  // catalogue's frameworks, its implementation in this environment and its status) is written and
  // checked against the vendored OSCAL schema. An invalid file fails synth.
  let oscalFile;
  try {
    oscalFile = writeEvidenceFiles(env, join(root, 'cdk.out'), join(root, 'config'));
  } catch (e) {
    if (e instanceof OpsError) {
      console.error(`synth: ${e.message}`);
      process.exit(1);
    }
    throw e;
  }

  const headers = ['#', 'app', 'account', 'region', 'stack'];
  const rows = order.map((s, i) => [String(i + 1), s.app, s.account, s.region, s.stack]);
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells) => ('  ' + cells.map((cell, c) => cell.padEnd(widths[c])).join('  ')).trimEnd();
  console.log(`\nSynthesized environment "${env}" into ${relative(process.cwd(), envDir) || envDir}/<app>/`);
  console.log('Stacks in deployment order (security account first):');
  console.log(line(headers));
  for (const row of rows) console.log(line(row));
  const byLocation = new Map();
  for (const s of order) byLocation.set(`${s.account} ${s.region}`, (byLocation.get(`${s.account} ${s.region}`) ?? 0) + 1);
  console.log(`${order.length} stacks in ${byLocation.size} account-region pairs.`);
  console.log(`Compliance report: ${relative(process.cwd(), join(envDir, 'compliance-report.txt'))} (and .json, .sarif for code scanning)`);
  console.log(`OSCAL component definition: ${relative(process.cwd(), oscalFile)} (summary: npm run evidence -- --env ${env})`);
  if (existsSync(join(envDir, 'scp'))) console.log(`SCP documents: ${relative(process.cwd(), join(envDir, 'scp'))}/`);
  if (existsSync(join(envDir, 'rcp'))) console.log(`RCP documents: ${relative(process.cwd(), join(envDir, 'rcp'))}/`);
  if (existsSync(join(envDir, 'bootstrap')))
    console.log(`Execution-role boundary (deploy before cdk bootstrap): ${relative(process.cwd(), join(envDir, 'bootstrap'))}/`);
}

if (!['packages/config/dist/index.js', 'packages/ops-tools/dist/index.js'].every((f) => existsSync(join(root, f)))) {
  console.error('synth: packages are not built; run `npm run build` first (npm run synth does).');
  process.exit(1);
}
main();
