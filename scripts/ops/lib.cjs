// Pure parts of scripts/deploy.mjs, diff.mjs and destroy.mjs: argument parsing, the deployment
// plan read from the synthesized assembly, credentials per account, the AWS CDK CLI argument
// lists, and flattening of stack outputs. CommonJS so that the scripts (ESM) and the unit tests
// (jest, test-integration/test/unit) share one implementation.
'use strict';

const { existsSync, readFileSync, readdirSync } = require('node:fs');
const { join } = require('node:path');
const { createRequire } = require('node:module');

const ROOT = join(__dirname, '..', '..');

/** Apps in deployment order: the security account (central keys and log destinations) first. */
const APPS = ['security-account', 'workload-account'];

/**
 * Environments held to the production rules. Mirrors PRODUCTION_ENVIRONMENTS in
 * packages/config/src/cross-field.ts (a unit test checks they agree); copied so that the
 * credential check can run before anything is built.
 */
const PRODUCTION_ENVIRONMENTS = ['prod'];

const APPROVAL_LEVELS = ['never', 'any-change', 'broadening'];

/** Raised for anything the operator must fix; the scripts print the message and exit 1 (2 for usage). */
class OpsError extends Error {
  constructor(message, exitCode = 1) {
    super(message);
    this.name = 'OpsError';
    this.exitCode = exitCode;
  }
}

const USAGE = {
  deploy: `Usage: npm run deploy -- --env <name> [options]
  --env <name>                 environment (config/<name>.json); required
  --app <app>                  only security-account or workload-account (default: both, security first)
  --profile <p>                AWS profile for every account without a more specific one
  --account-profile <k>=<p>    AWS profile for one account; <k> is an account id, "security" or a workload account name (repeatable)
  --deployer-account <id>      credentials are for this account, which every target bootstrap trusts (cdk bootstrap --trust <id>)
  --require-approval <level>   never | any-change | broadening (default broadening; "never" is refused for production)
  --concurrency <n>            stacks deployed in parallel per account (default 1 while approval can be asked, 3 with never)
  --no-synth                   deploy the assembly already in cdk.out/<env>/ (default: build and synthesize it first)
  --cdk-out <dir>              use the assembly synthesized into <dir>/<env>/ (e.g. a CI artifact); implies --no-synth
  --sts-timeout <ms>           credential check timeout (default 8000)
  --dry-run                    print the plan and the cdk commands; no credentials check, nothing deployed
  --print-bootstrap            print the cdk bootstrap command of every account and region of the environment, and exit`,
  diff: `Usage: npm run diff -- --env <name> [options]
  --env <name>                 environment (config/<name>.json); required
  --app, --profile, --account-profile, --deployer-account, --no-synth, --cdk-out, --sts-timeout, --dry-run: as for deploy
  --fail                       exit 1 when there are differences (for CI)`,
  destroy: `Usage: npm run destroy -- --env <name> --confirm <name> [options]
  --env <name>                 environment (config/<name>.json); required
  --confirm <name>             the environment's name again (nothing is deleted without it)
  --app, --profile, --account-profile, --deployer-account, --cdk-out, --sts-timeout, --dry-run: as for deploy
  Destroys the stacks of the synthesized assembly (npm run synth -- --env <name> first): the
  workload stacks first, then the security account's. Retained resources (keys, log groups,
  buckets, secrets with removalPolicy "retain") stay; see docs/operations.md#destroy.`,
};

/** Parses the options of one command. Throws OpsError (exit code 2) naming the bad argument. */
function parseArgs(command, argv) {
  if (!USAGE[command]) throw new Error(`unknown command ${command}`);
  const opts = {
    command,
    env: undefined,
    apps: [...APPS],
    profile: undefined,
    accountProfiles: {},
    deployerAccount: undefined,
    requireApproval: undefined,
    concurrency: undefined,
    synth: command !== 'destroy',
    cdkOut: join(ROOT, 'cdk.out'),
    stsTimeoutMs: 8000,
    dryRun: false,
    printBootstrap: false,
    fail: false,
    confirm: undefined,
    help: false,
  };
  const usage = (msg) => new OpsError(`${command}: ${msg}\n\n${USAGE[command]}`, 2);
  const allowed = {
    deploy: ['--env', '--app', '--profile', '--account-profile', '--deployer-account', '--require-approval', '--concurrency', '--no-synth', '--cdk-out', '--sts-timeout', '--dry-run', '--print-bootstrap', '--help'],
    diff: ['--env', '--app', '--profile', '--account-profile', '--deployer-account', '--no-synth', '--cdk-out', '--sts-timeout', '--dry-run', '--fail', '--help'],
    destroy: ['--env', '--app', '--profile', '--account-profile', '--deployer-account', '--cdk-out', '--sts-timeout', '--dry-run', '--confirm', '--help'],
  }[command];
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let inline;
    if (arg.startsWith('--') && arg.includes('=')) {
      inline = arg.slice(arg.indexOf('=') + 1);
      arg = arg.slice(0, arg.indexOf('='));
    }
    if (!allowed.includes(arg)) throw usage(`unknown argument "${argv[i]}"`);
    const value = () => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw usage(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '--env': opts.env = value(); break;
      case '--app': {
        const app = value();
        if (!APPS.includes(app)) throw usage(`--app: received "${app}"; expected one of ${APPS.join(', ')}`);
        opts.apps = [app];
        break;
      }
      case '--profile': opts.profile = value(); break;
      case '--account-profile': {
        const v = value();
        const m = /^([^=\s]+)=(\S+)$/.exec(v);
        if (!m) throw usage(`--account-profile: received "${v}"; expected <account id | security | workload name>=<profile>`);
        opts.accountProfiles[m[1]] = m[2];
        break;
      }
      case '--deployer-account': {
        const v = value();
        if (!/^\d{12}$/.test(v)) throw usage(`--deployer-account: received "${v}"; expected a 12-digit account id`);
        opts.deployerAccount = v;
        break;
      }
      case '--require-approval': {
        const v = value();
        if (!APPROVAL_LEVELS.includes(v)) throw usage(`--require-approval: received "${v}"; expected one of ${APPROVAL_LEVELS.join(', ')}`);
        opts.requireApproval = v;
        break;
      }
      case '--concurrency': {
        const v = value();
        if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 20) throw usage(`--concurrency: received "${v}"; expected a whole number from 1 to 20`);
        opts.concurrency = Number(v);
        break;
      }
      case '--sts-timeout': {
        const v = value();
        if (!/^\d+$/.test(v) || Number(v) < 100 || Number(v) > 60000) throw usage(`--sts-timeout: received "${v}"; expected milliseconds from 100 to 60000`);
        opts.stsTimeoutMs = Number(v);
        break;
      }
      case '--no-synth': opts.synth = false; break;
      case '--cdk-out':
        opts.cdkOut = require('node:path').resolve(value());
        opts.synth = false;
        break;
      case '--dry-run': opts.dryRun = true; break;
      case '--print-bootstrap': opts.printBootstrap = true; break;
      case '--fail': opts.fail = true; break;
      case '--confirm': opts.confirm = value(); break;
      case '--help': opts.help = true; break;
    }
  }
  if (opts.help) return opts;
  if (!opts.env) throw usage('--env is required (the environment to act on, e.g. --env dev); nothing defaults to an environment here');
  if (!/^[a-z][a-z0-9-]{0,15}$/.test(opts.env)) throw usage(`--env: received "${opts.env}"; expected an environment name such as dev, staging or prod`);
  if (command === 'destroy' && opts.confirm !== opts.env) {
    throw usage(`destroy needs --confirm ${opts.env} (the environment's name typed again)${opts.confirm === undefined ? '' : `; received --confirm ${opts.confirm}`}`);
  }
  if (command === 'deploy') {
    const prod = PRODUCTION_ENVIRONMENTS.includes(opts.env);
    if (prod && opts.requireApproval === 'never') {
      throw usage(`--require-approval never is refused for the production environment "${opts.env}": IAM and security-group changes that broaden access need a human's approval (use broadening or any-change)`);
    }
    opts.requireApproval = opts.requireApproval ?? 'broadening';
    // The CDK CLI can ask for approval only with a terminal and one stack at a time: with
    // concurrency above 1 it fails any change that needs approval ("ConcurrencyConflict").
    if (opts.requireApproval !== 'never' && opts.concurrency !== undefined && opts.concurrency > 1) {
      throw usage(`--concurrency ${opts.concurrency} with --require-approval ${opts.requireApproval}: the CDK CLI cannot ask for approval while it deploys stacks in parallel. Use --concurrency 1, or --require-approval never (not for production)`);
    }
    opts.concurrency = opts.concurrency ?? (opts.requireApproval === 'never' ? 3 : 1);
  }
  return opts;
}

/** The accounts a config names, read from the raw JSON (no build needed): { security, workloads: [{ name, accountId }] }. */
function readConfigAccounts(env, configDir = join(ROOT, 'config')) {
  const file = join(configDir, `${env}.json`);
  if (!existsSync(file)) {
    const known = existsSync(configDir) ? readdirSync(configDir).filter((f) => /^[a-z][a-z0-9-]*\.json$/.test(f) && f !== 'config.schema.json').map((f) => f.slice(0, -5)) : [];
    throw new OpsError(`no config for environment "${env}": ${file} does not exist (environments: ${known.join(', ') || 'none'})`);
  }
  let json;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new OpsError(`${file} is not valid JSON: ${e.message}`);
  }
  const security = json?.securityAccount?.accountId;
  const securityRegions = Array.isArray(json?.securityAccount?.regions) ? json.securityAccount.regions : [];
  const workloads = Array.isArray(json?.workloadAccounts)
    ? json.workloadAccounts.map((a) => ({ name: a?.name, accountId: a?.accountId, regions: Array.isArray(a?.regions) ? a.regions : [] }))
    : [];
  if (typeof security !== 'string' || workloads.some((w) => typeof w.accountId !== 'string')) {
    throw new OpsError(`${file}: securityAccount.accountId and workloadAccounts[].accountId are required (run npm run synth -- --env ${env} for the full validation)`);
  }
  // Region of the audit-log replica stacks (one per workload account), when config.auditLogs.replicaRegion is set.
  const auditReplicaRegion = typeof json?.auditLogs?.replicaRegion === 'string' ? json.auditLogs.replicaRegion : undefined;
  // The CDK bootstrap qualifier (config.principals.cdkQualifier; CDK's default when absent).
  const cdkQualifier = typeof json?.principals?.cdkQualifier === 'string' ? json.principals.cdkQualifier : 'hnb659fds';
  return { environment: json.environment, security, securityRegions, workloads, auditReplicaRegion, cdkQualifier };
}

/**
 * Where IAM change capture runs: every workload account has a stack there. Mirrors
 * IAM_EVENTS_REGION / workloadStackRegions of packages/config (a unit test checks they agree).
 */
const IAM_EVENTS_REGION = 'us-east-1';

/**
 * Every account and region of the guardrails stacks, each once: [{ accountId, role, regions }]
 * (the key locations of packages/config). The audit replica region comes on top: bootstrapTargets.
 */
function deployTargets(accounts) {
  const targets = [{ accountId: accounts.security, role: 'the security account', regions: [...accounts.securityRegions] }];
  for (const w of accounts.workloads) {
    const regions = w.regions.includes(IAM_EVENTS_REGION) ? [...w.regions] : [...w.regions, IAM_EVENTS_REGION];
    targets.push({ accountId: w.accountId, role: `workload account "${w.name}"`, regions });
  }
  return targets;
}

/**
 * Every account and region the environment deploys to: deployTargets, plus the audit replica
 * region (config.auditLogs.replicaRegion) in each workload account, where its replica stack lives.
 */
function bootstrapTargets(accounts) {
  const replica = accounts.auditReplicaRegion;
  const workloadIds = new Set(accounts.workloads.map((w) => w.accountId));
  return deployTargets(accounts).map((t) => (replica && workloadIds.has(t.accountId) && !t.regions.includes(replica) ? { ...t, regions: [...t.regions, replica] } : t));
}

/**
 * The stacks of one synthesized cloud assembly (its manifest.json) in dependency order, each after
 * the stacks it depends on, with their account and region: [{ app, stack, account, region }].
 * scripts/synth.mjs writes deploy-order.json from it.
 */
function stacksInOrder(outdir, app) {
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
  const artifacts = manifest.artifacts ?? {};
  const stacks = Object.entries(artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack');
  const names = new Set(stacks.map(([id]) => id));
  const ordered = [];
  const done = new Set();
  const visit = (id) => {
    if (done.has(id)) return;
    done.add(id);
    for (const dep of artifacts[id].dependencies ?? []) if (names.has(dep)) visit(dep);
    const [, account, region] = /^aws:\/\/([^/]+)\/(.+)$/.exec(artifacts[id].environment) ?? [];
    ordered.push({ app, stack: artifacts[id].properties?.stackName ?? id, account, region });
  };
  for (const [id] of stacks) visit(id);
  return ordered;
}

/** Name of the execution roles' boundary (apps/workload-account/src/deployment-boundary.ts writes its template at synth). */
const DEPLOYMENT_BOUNDARY_NAME = 'GuardrailsDeploymentBoundary';

/**
 * The bootstrap of each account (all its regions in one call), run with that account's
 * credentials, in two commands:
 * 1. `aws cloudformation deploy` of the deployment boundary (cdk.out/<env>/bootstrap/, written by
 *    synth): the permissions boundary of the CDK CloudFormation execution roles;
 * 2. `cdk bootstrap` with that boundary on the execution role (--custom-permissions-boundary) and the
 *    config's qualifier. With a deployer account, every target trusts it, and the execution policy
 *    must then be named (the CLI refuses --trust without --cloudformation-execution-policies).
 */
function bootstrapCommands(accounts, opts, executionPolicy = 'arn:aws:iam::aws:policy/AdministratorAccess') {
  const qualifier = accounts.cdkQualifier ?? 'hnb659fds';
  return bootstrapTargets(accounts).map((t) => {
    const profile = profileFor(t.accountId, opts, accounts);
    const boundary = ['aws cloudformation deploy',
      `--template-file cdk.out/${accounts.environment}/bootstrap/deployment-boundary.template.json`,
      '--stack-name guardrails-deployment-boundary', '--capabilities CAPABILITY_NAMED_IAM', `--region ${t.regions[0]}`];
    const parts = ['npx cdk bootstrap', ...t.regions.map((r) => `aws://${t.accountId}/${r}`)];
    if (profile) {
      boundary.push(`--profile ${profile}`);
      parts.push(`--profile ${profile}`);
    }
    if (opts.deployerAccount && opts.deployerAccount !== t.accountId) parts.push(`--trust ${opts.deployerAccount}`);
    parts.push(`--qualifier ${qualifier}`, `--custom-permissions-boundary ${DEPLOYMENT_BOUNDARY_NAME}`);
    parts.push(`--cloudformation-execution-policies ${executionPolicy}`);
    return { ...t, boundaryCommand: boundary.join(' '), command: parts.join(' ') };
  });
}

/**
 * The stacks of the synthesized assembly in deployment order (cdk.out/<env>/deploy-order.json,
 * written by scripts/synth.mjs), each checked against its app's manifest so that deploy acts on
 * exactly what synth printed. Returns [{ app, stack, artifactId, account, region }].
 */
function readDeployOrder(env, cdkOut = join(ROOT, 'cdk.out')) {
  const file = join(cdkOut, env, 'deploy-order.json');
  if (!existsSync(file)) {
    throw new OpsError(`no synthesized assembly for "${env}": ${file} is missing. Run: npm run synth -- --env ${env}`);
  }
  const order = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(order) || order.length === 0) throw new OpsError(`${file} lists no stacks; run npm run synth -- --env ${env} again`);
  const manifests = new Map();
  return order.map((entry, i) => {
    if (!APPS.includes(entry.app)) throw new OpsError(`${file}[${i}]: unknown app "${entry.app}"`);
    if (!manifests.has(entry.app)) {
      const manifestFile = join(cdkOut, env, entry.app, 'manifest.json');
      if (!existsSync(manifestFile)) throw new OpsError(`${manifestFile} is missing; run npm run synth -- --env ${env} again`);
      manifests.set(entry.app, JSON.parse(readFileSync(manifestFile, 'utf8')).artifacts ?? {});
    }
    const artifacts = manifests.get(entry.app);
    const found = Object.entries(artifacts).find(([id, a]) => a.type === 'aws:cloudformation:stack' && (a.properties?.stackName ?? id) === entry.stack);
    if (!found) {
      throw new OpsError(`${file} names stack ${entry.stack}, which is not in cdk.out/${env}/${entry.app}: the assembly is stale or mixed; run npm run synth -- --env ${env} again`);
    }
    const [artifactId, artifact] = found;
    const [, account, region] = /^aws:\/\/([^/]+)\/(.+)$/.exec(artifact.environment) ?? [];
    if (account !== entry.account || region !== entry.region) {
      throw new OpsError(`${file}: stack ${entry.stack} is for ${entry.account}/${entry.region} but the assembly says ${account}/${region}; run npm run synth -- --env ${env} again`);
    }
    if (!/^\d{12}$/.test(account)) {
      throw new OpsError(`stack ${entry.stack} has no concrete account (${artifact.environment}); every stack must name its account`);
    }
    return { app: entry.app, stack: entry.stack, artifactId, account, region };
  });
}

/**
 * Deployment groups: one per app and account, apps in APPS order (security first), accounts in
 * the order they first appear, stacks in deploy order. One CDK CLI call per group, because one
 * call uses one set of credentials.
 */
function planGroups(order, apps = APPS) {
  const groups = [];
  for (const app of APPS.filter((a) => apps.includes(a))) {
    for (const entry of order.filter((e) => e.app === app)) {
      let group = groups.find((g) => g.app === app && g.account === entry.account);
      if (!group) {
        group = { app, account: entry.account, stacks: [], regions: [] };
        groups.push(group);
      }
      group.stacks.push(entry.artifactId);
      if (!group.regions.includes(entry.region)) group.regions.push(entry.region);
    }
  }
  return groups;
}

/** Destroy order: the reverse of deployment (workloads first, then the security account; dependents before dependencies). */
function destroyGroups(groups) {
  return [...groups].reverse().map((g) => ({ ...g, stacks: [...g.stacks].reverse() }));
}

/** A readable name of an account from config: "security account", "workload account payments". */
function describeAccount(accountId, accounts) {
  const names = [];
  if (accounts.security === accountId) names.push('the security account');
  for (const w of accounts.workloads) if (w.accountId === accountId) names.push(`workload account "${w.name}"`);
  return `${accountId} (${names.join(', ') || 'not named in config'})`;
}

/** The AWS profile for an account: --account-profile by id, by "security" or by workload name, else --profile, else none (ambient credentials). */
function profileFor(accountId, opts, accounts) {
  const keys = [accountId];
  if (accounts.security === accountId) keys.push('security');
  for (const w of accounts.workloads) if (w.accountId === accountId) keys.push(w.name);
  for (const k of keys) if (opts.accountProfiles[k]) return opts.accountProfiles[k];
  return opts.profile;
}

/** Unknown --account-profile keys are mistakes (a typo would silently use other credentials). */
function checkAccountProfileKeys(opts, accounts) {
  const known = new Set([accounts.security, 'security', ...accounts.workloads.flatMap((w) => [w.accountId, w.name])]);
  const unknown = Object.keys(opts.accountProfiles).filter((k) => !known.has(k));
  if (unknown.length > 0) {
    throw new OpsError(`--account-profile: ${unknown.map((k) => `"${k}"`).join(', ')} is not an account of config/${opts.env}.json; use an account id, "security" or one of: ${accounts.workloads.map((w) => w.name).join(', ')}`, 2);
  }
}

/**
 * Decides whether credentials for `callerAccount` may act on the group's account. Returns null
 * when they may, else a message saying which account to assume and how.
 */
function callerAccountProblem({ callerAccount, callerArn, group, accounts, opts, profile }) {
  if (callerAccount === group.account) return null;
  if (opts.deployerAccount && callerAccount === opts.deployerAccount) return null;
  const via = profile ? `profile "${profile}"` : 'the current credentials (no --profile)';
  const target = describeAccount(group.account, accounts);
  const lines = [
    `${opts.command}: ${via} resolve to account ${callerAccount} (${callerArn}), but the ${group.app} stacks of "${opts.env}"${group.stacks.length > 0 ? ` (${group.stacks.join(', ')})` : ''} are in account ${target}.`,
    `Assume a role in ${group.account}, for example:`,
    `  npm run ${opts.command} -- --env ${opts.env} --account-profile ${group.account}=<profile of account ${group.account}>`,
    `  (or export AWS_PROFILE=<profile of account ${group.account}> when this run touches only that account, e.g. with --app ${group.app})`,
  ];
  if (opts.deployerAccount) {
    lines.push(`--deployer-account ${opts.deployerAccount} was given, but these credentials are for ${callerAccount}, not ${opts.deployerAccount}.`);
  } else {
    lines.push(`If account ${group.account} was bootstrapped with --trust ${callerAccount}, pass --deployer-account ${callerAccount} to let the CDK CLI assume its deploy roles.`);
  }
  return lines.join('\n');
}

/** Loads the STS client from the integration-tests workspace, which declares the AWS SDK dependencies. */
function loadSts() {
  const req = createRequire(join(ROOT, 'test-integration', 'package.json'));
  return req('@aws-sdk/client-sts');
}

/**
 * GetCallerIdentity with a short timeout, before any CDK CLI process starts. Resolves
 * { account, arn } or throws OpsError saying what is missing. Without credentials the SDK fails
 * while resolving credentials, before it sends any request.
 */
async function callerIdentity({ profile, region, timeoutMs }) {
  // The SDK's notice that releases after January 2027 need Node 22 says nothing about this call.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { STSClient, GetCallerIdentityCommand } = loadSts();
  const client = new STSClient({
    region: region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(profile ? { profile } : {}),
    maxAttempts: 1,
    requestHandler: { connectionTimeout: Math.min(timeoutMs, 3000), requestTimeout: timeoutMs },
  });
  const abort = new AbortController();
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(new OpsError(`no answer from AWS STS within ${timeoutMs} ms${profile ? ` (profile "${profile}")` : ''}: check network access to sts.amazonaws.com, a proxy, or an SSO login that waits for a browser (aws sso login --profile <p> first)`));
    }, timeoutMs);
  });
  try {
    const out = await Promise.race([client.send(new GetCallerIdentityCommand({}), { abortSignal: abort.signal }), timeout]);
    return { account: out.Account, arn: out.Arn };
  } catch (e) {
    if (e instanceof OpsError) throw e;
    throw new OpsError(credentialsMessage(e, profile));
  } finally {
    clearTimeout(timer);
    client.destroy();
  }
}

function credentialsMessage(e, profile) {
  const name = e?.name ?? 'Error';
  const text = e?.message ?? String(e);
  const where = profile ? `profile "${profile}"` : 'the default credential chain (AWS_ACCESS_KEY_ID / AWS_PROFILE / ~/.aws / SSO / instance role)';
  const hint = /expired|ExpiredToken|token.*(invalid|refresh)|sso/i.test(`${name} ${text}`)
    ? `Your session looks expired: aws sso login${profile ? ` --profile ${profile}` : ''} (or refresh your credentials), then try again.`
    : /Could not load credentials|CredentialsProviderError|not found|could not resolve/i.test(`${name} ${text}`)
      ? `No AWS credentials: export AWS_PROFILE=<profile> (aws configure sso / aws sso login), or pass --profile / --account-profile. See docs/operations.md#credentials.`
      : 'See docs/operations.md#credentials.';
  return `no usable AWS credentials from ${where}: ${name}: ${text}\n${hint}`;
}

/** Arguments of one AWS CDK CLI call for a group. `outputsFile` only for deploy. */
function cdkArgs({ command, env, group, profile, opts, outputsFile, cdkOut = join(ROOT, 'cdk.out') }) {
  const args = [command, '--app', join(cdkOut, env, group.app), '--no-notices'];
  if (profile) args.push('--profile', profile);
  if (command === 'deploy') {
    args.push('--require-approval', opts.requireApproval, '--concurrency', String(opts.concurrency), '--outputs-file', outputsFile, '--progress', 'events');
  }
  if (command === 'diff' && opts.fail) args.push('--fail');
  if (command === 'destroy') args.push('--force');
  // The group lists every stack of this app in this account; --exclusively keeps the CLI from
  // pulling in a dependency that lives elsewhere (it would use these credentials for it).
  args.push('--exclusively', ...group.stacks);
  return args;
}

/**
 * Merges the CLI's outputs files ({ "<StackName>": { "<OutputKey>": value } }) into the flat
 * shape { "<StackName>.<OutputKey>": value }. Only stacks in `stackNames` (the current
 * assembly) are kept; keys are sorted so the file diffs cleanly.
 */
function flattenOutputs(nestedList, stackNames) {
  const keep = stackNames ? new Set(stackNames) : undefined;
  const flat = {};
  for (const nested of nestedList) {
    for (const [stack, outputs] of Object.entries(nested ?? {})) {
      if (keep && !keep.has(stack)) continue;
      if (outputs === null || typeof outputs !== 'object') continue;
      for (const [key, value] of Object.entries(outputs)) {
        flat[`${stack}.${key}`] = String(value);
      }
    }
  }
  return Object.fromEntries(Object.entries(flat).sort(([a], [b]) => a.localeCompare(b)));
}

/** Name of the CLI's outputs file of one group, under cfn-outputs/raw/<env>/. */
function rawOutputsFile(env, group, dir = join(ROOT, 'cfn-outputs')) {
  return join(dir, 'raw', env, `${group.app}-${group.account}.json`);
}

/** The environment's flat outputs from every raw file written for it. */
function collectFlatOutputs(env, stackNames, dir = join(ROOT, 'cfn-outputs')) {
  const rawDir = join(dir, 'raw', env);
  if (!existsSync(rawDir)) return {};
  const nested = readdirSync(rawDir).filter((f) => f.endsWith('.json')).sort()
    .map((f) => JSON.parse(readFileSync(join(rawDir, f), 'utf8')));
  return flattenOutputs(nested, stackNames);
}

module.exports = {
  ROOT, APPS, PRODUCTION_ENVIRONMENTS, USAGE, OpsError,
  IAM_EVENTS_REGION, parseArgs, readConfigAccounts, deployTargets, bootstrapTargets, bootstrapCommands, stacksInOrder, readDeployOrder, planGroups, destroyGroups, describeAccount,
  profileFor, checkAccountProfileKeys, callerAccountProblem, callerIdentity, cdkArgs,
  flattenOutputs, rawOutputsFile, collectFlatOutputs,
};
