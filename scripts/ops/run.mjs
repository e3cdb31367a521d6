// Shared runner of scripts/deploy.mjs, diff.mjs and destroy.mjs. The pure parts are the operator
// tools, packages/ops-tools (@cdk-guardrails/ops-tools), loaded by ./tools.mjs.
//
//   0. load the operator tools, compiling config and ops-tools first when their dist/ is missing or
//      older than their sources (a few seconds of tsc, not the big build);
//   1. parse and check the arguments (no default environment), then read and validate the config;
//   2. check the credentials of every account the command touches with STS GetCallerIdentity
//      (short timeout), before any build or CDK CLI process: no credentials, expired ones or the
//      wrong account fail here with what to assume;
//   3. deploy / diff: build and synthesize the environment (npm run synth), unless --no-synth;
//   4. read cdk.out/<env>/deploy-order.json and run the AWS CDK CLI (pinned, node_modules/.bin/cdk)
//      once per app and account, on the synthesized assembly (--app cdk.out/<env>/<app>): the
//      security account first; destroy in the reverse order;
//   5. deploy: merge the CLI's outputs files into cfn-outputs/flat-outputs.json after each call.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadOpsTools, ToolsBuildError } from './tools.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const CLI_ENV = { CDK_DISABLE_VERSION_CHECK: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true' };

/** The AWS CDK CLI pinned in the root devDependencies; GUARDRAILS_CDK_CLI names a wrapper instead (and lets tests record the calls). */
const CDK_CLI = process.env.GUARDRAILS_CDK_CLI ?? join(ROOT, 'node_modules', '.bin', 'cdk');
/** Where outputs are written; GUARDRAILS_OUTPUTS_DIR moves them (tests must not overwrite a developer's outputs). */
const OUTPUTS_DIR = process.env.GUARDRAILS_OUTPUTS_DIR ?? join(ROOT, 'cfn-outputs');

export async function run(command, argv) {
  let ops;
  try {
    ops = loadOpsTools();
  } catch (e) {
    if (e instanceof ToolsBuildError) {
      console.error(`${command}: ${e.message}`);
      return 1;
    }
    throw e;
  }
  try {
    return await runUnchecked(ops, command, argv);
  } catch (e) {
    if (e instanceof ops.OpsError) {
      console.error(e.message);
      return e.exitCode;
    }
    throw e;
  }
}

async function runUnchecked(ops, command, argv) {
  const opts = ops.parseArgs(command, argv);
  if (opts.help) {
    console.log(ops.USAGE[command]);
    return 0;
  }
  // Validated as synth validates it (schema and cross-field rules, including "environment" = file name).
  const accounts = ops.readConfigAccounts(opts.env);
  ops.checkAccountProfileKeys(opts, accounts);
  if (opts.printBootstrap) {
    console.log(`# Bootstrap every account and region of "${opts.env}" once, each with that account's own credentials.`);
    console.log('# Review the execution policy and its boundary: together they are what CloudFormation may do in the account (docs/operations.md#bootstrap).');
    console.log(`# The boundary template is written by npm run synth -- --env ${opts.env}; deploy it before the bootstrap that names it.`);
    for (const b of ops.bootstrapCommands(accounts, opts)) console.log(`\n# ${b.accountId}, ${b.role}\n${b.boundaryCommand}\n${b.command}`);
    return 0;
  }

  // The accounts this run touches, from config (the assembly may not exist yet).
  const targetAccounts = [];
  if (opts.apps.includes('security-account')) targetAccounts.push(accounts.security);
  if (opts.apps.includes('workload-account')) targetAccounts.push(...accounts.workloads.map((w) => w.accountId));
  const uniqueAccounts = [...new Set(targetAccounts)];

  if (!opts.dryRun) {
    console.log(`${command} ${opts.env}: checking credentials of ${uniqueAccounts.length} account(s) before anything else`);
    for (const account of uniqueAccounts) {
      const profile = ops.profileFor(account, opts, accounts);
      const who = await ops.callerIdentity({ profile, timeoutMs: opts.stsTimeoutMs });
      const problem = ops.callerAccountProblem({
        callerAccount: who.account,
        callerArn: who.arn,
        group: { app: appOf(account, accounts), account, stacks: [] },
        accounts,
        opts,
        profile,
      });
      if (problem) throw new ops.OpsError(problem);
      console.log(`  ${ops.describeAccount(account, accounts)}: ${profile ? `profile ${profile}` : 'current credentials'} -> ${who.arn}`);
    }
  }

  if (opts.synth && !opts.dryRun) {
    console.log(`\n${command} ${opts.env}: building and synthesizing (npm run synth -- --env ${opts.env})`);
    const synth = spawnSync('npm', ['run', 'synth', '--', '--env', opts.env], { cwd: ROOT, stdio: 'inherit' });
    if (synth.status !== 0)
      throw new ops.OpsError(`${command}: synth failed (exit ${synth.status ?? synth.signal}); nothing was ${command === 'diff' ? 'compared' : 'deployed'}`);
  }

  const order = ops.readDeployOrder(opts.env, opts.cdkOut);
  let groups = ops.planGroups(order, opts.apps);
  if (command === 'destroy') groups = ops.destroyGroups(groups);
  for (const g of groups) {
    if (!uniqueAccounts.includes(g.account)) {
      throw new ops.OpsError(
        `the assembly has ${g.app} stacks in account ${g.account}, which config/${opts.env}.json does not name: run npm run synth -- --env ${opts.env} again`,
      );
    }
  }

  console.log(`\n${command} ${opts.env}: ${groups.length} CDK CLI call(s), in this order:`);
  groups.forEach((g, i) => {
    const profile = ops.profileFor(g.account, opts, accounts);
    console.log(
      `  ${i + 1}. ${g.app} in ${ops.describeAccount(g.account, accounts)} [${g.regions.join(', ')}]${profile ? ` with profile ${profile}` : ''}: ${g.stacks.join(', ')}`,
    );
  });

  const cdk = CDK_CLI;
  const stackNames = order.map((e) => e.stack);
  let differences = false;
  for (const [i, g] of groups.entries()) {
    const profile = ops.profileFor(g.account, opts, accounts);
    const outputsFile = command === 'deploy' ? ops.rawOutputsFile(opts.env, g, OUTPUTS_DIR) : undefined;
    const args = ops.cdkArgs({ command, env: opts.env, group: g, profile, opts, outputsFile, cdkOut: opts.cdkOut });
    console.log(`\n[${i + 1}/${groups.length}] ${relative(process.cwd(), cdk) || cdk} ${args.join(' ')}`);
    if (opts.dryRun) continue;
    if (outputsFile) mkdirSync(dirname(outputsFile), { recursive: true });
    const result = spawnSync(cdk, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...CLI_ENV } });
    if (command === 'deploy') writeFlatOutputs(ops, opts.env, stackNames);
    if (result.status !== 0) {
      if (command === 'diff' && opts.fail && result.status === 1) {
        differences = true;
        continue;
      }
      throw new ops.OpsError(failureMessage(command, opts, g, groups.slice(i + 1), result));
    }
  }
  if (opts.dryRun) {
    console.log('\n--dry-run: credentials not checked, nothing synthesized or changed.');
    return 0;
  }
  if (command === 'deploy') {
    console.log(
      `\nDeployed ${opts.env}. Outputs: ${relative(process.cwd(), join(OUTPUTS_DIR, 'flat-outputs.json'))}. Verify: npm run test:integration (docs/operations.md#verify).`,
    );
  }
  if (differences) {
    console.error(`\ndiff ${opts.env}: differences found (--fail)`);
    return 1;
  }
  return 0;
}

function appOf(account, accounts) {
  return account === accounts.security ? 'security-account' : 'workload-account';
}

function writeFlatOutputs(ops, env, stackNames) {
  const flat = ops.collectFlatOutputs(env, stackNames, OUTPUTS_DIR);
  mkdirSync(OUTPUTS_DIR, { recursive: true });
  writeFileSync(join(OUTPUTS_DIR, 'flat-outputs.json'), JSON.stringify(flat, null, 2) + '\n');
}

function failureMessage(command, opts, group, notRun, result) {
  const lines = [`\n${command} ${opts.env}: the CDK CLI failed for ${group.app} in account ${group.account} (exit ${result.status ?? result.signal}).`];
  if (notRun.length > 0) lines.push(`Not run: ${notRun.map((g) => `${g.app} in ${g.account}`).join(', ')}.`);
  if (command === 'deploy') {
    lines.push(
      'CloudFormation rolled the failed stack back to its last good state (the default; this script never passes --no-rollback).',
      'Stacks deployed before the failure stay at their new version. See docs/operations.md#rollback.',
    );
    if (opts.requireApproval !== 'never') {
      lines.push(
        `If the CLI refused because approval was needed and no terminal was attached (--require-approval ${opts.requireApproval}), review npm run diff -- --env ${opts.env} and run deploy from a terminal.`,
      );
    }
  }
  if (command === 'destroy') {
    lines.push('Termination protection (on where removalPolicy is "retain") stops deletion: see docs/operations.md#destroy.');
  }
  return lines.join('\n');
}
