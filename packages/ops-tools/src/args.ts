// The command lines of npm run deploy / diff / destroy: their usage text and the parser that
// checks every argument before anything else runs.
import { resolve, join } from 'node:path';
import { ACCOUNT_ID, CONFIG_SCHEMA, PRODUCTION_ENVIRONMENTS } from '@cdk-guardrails/config';
import { OpsError } from './ops-error';
import { APPS, ROOT } from './repository';

/** The commands the scripts run (scripts/deploy.mjs, diff.mjs, destroy.mjs). */
export type OpsCommand = 'deploy' | 'diff' | 'destroy';

/** The CDK CLI's --require-approval levels. */
export type ApprovalLevel = 'never' | 'any-change' | 'broadening';

const APPROVAL_LEVELS: readonly ApprovalLevel[] = ['never', 'any-change', 'broadening'];

/** The options of one run, as parseArgs returns them. */
export interface OpsOptions {
  readonly command: OpsCommand;
  /** The environment (config/<env>.json); '' only when `help` is set. */
  readonly env: string;
  /** The apps to act on, in deployment order. */
  readonly apps: readonly string[];
  /** AWS profile for every account without a more specific one. */
  readonly profile?: string;
  /** AWS profile by account id, "security" or workload account name. */
  readonly accountProfiles: Readonly<Record<string, string>>;
  /** Credentials are for this account, which every target bootstrap trusts. */
  readonly deployerAccount?: string;
  /** deploy only: always set by parseArgs for deploy. */
  readonly requireApproval?: ApprovalLevel;
  /** deploy only: stacks deployed in parallel per account; always set by parseArgs for deploy. */
  readonly concurrency?: number;
  /** Build and synthesize before acting (deploy and diff, unless --no-synth or --cdk-out). */
  readonly synth: boolean;
  /** The folder holding <env>/<app>/ assemblies. */
  readonly cdkOut: string;
  readonly stsTimeoutMs: number;
  readonly dryRun: boolean;
  readonly printBootstrap: boolean;
  /** diff only: exit 1 when there are differences. */
  readonly fail: boolean;
  /** destroy only: the environment's name typed again. */
  readonly confirm?: string;
  readonly help: boolean;
}

export const USAGE: Readonly<Record<OpsCommand, string>> = {
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

const ALLOWED: Readonly<Record<OpsCommand, readonly string[]>> = {
  deploy: [
    '--env',
    '--app',
    '--profile',
    '--account-profile',
    '--deployer-account',
    '--require-approval',
    '--concurrency',
    '--no-synth',
    '--cdk-out',
    '--sts-timeout',
    '--dry-run',
    '--print-bootstrap',
    '--help',
  ],
  diff: ['--env', '--app', '--profile', '--account-profile', '--deployer-account', '--no-synth', '--cdk-out', '--sts-timeout', '--dry-run', '--fail', '--help'],
  destroy: ['--env', '--app', '--profile', '--account-profile', '--deployer-account', '--cdk-out', '--sts-timeout', '--dry-run', '--confirm', '--help'],
};

function isCommand(command: string): command is OpsCommand {
  return Object.prototype.hasOwnProperty.call(USAGE, command);
}

/** Parses the options of one command. Throws OpsError (exit code 2) naming the bad argument. */
export function parseArgs(command: OpsCommand, argv: readonly string[]): OpsOptions {
  if (!isCommand(command)) throw new Error(`unknown command ${String(command)}`);
  let env: string | undefined;
  let apps: readonly string[] = [...APPS];
  let profile: string | undefined;
  const accountProfiles: Record<string, string> = {};
  let deployerAccount: string | undefined;
  let requireApproval: ApprovalLevel | undefined;
  let concurrency: number | undefined;
  let synth = command !== 'destroy';
  let cdkOut = join(ROOT, 'cdk.out');
  let stsTimeoutMs = 8000;
  let dryRun = false;
  let printBootstrap = false;
  let fail = false;
  let confirm: string | undefined;
  let help = false;

  const usage = (msg: string) => new OpsError(`${command}: ${msg}\n\n${USAGE[command]}`, 2);
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let inline: string | undefined;
    if (arg.startsWith('--') && arg.includes('=')) {
      inline = arg.slice(arg.indexOf('=') + 1);
      arg = arg.slice(0, arg.indexOf('='));
    }
    if (!ALLOWED[command].includes(arg)) throw usage(`unknown argument "${argv[i]}"`);
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw usage(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '--env':
        env = value();
        break;
      case '--app': {
        const app = value();
        if (!APPS.includes(app)) throw usage(`--app: received "${app}"; expected one of ${APPS.join(', ')}`);
        apps = [app];
        break;
      }
      case '--profile':
        profile = value();
        break;
      case '--account-profile': {
        const v = value();
        const m = /^([^=\s]+)=(\S+)$/.exec(v);
        if (!m) throw usage(`--account-profile: received "${v}"; expected <account id | security | workload name>=<profile>`);
        accountProfiles[m[1]] = m[2];
        break;
      }
      case '--deployer-account': {
        const v = value();
        if (!ACCOUNT_ID.safeParse(v).success) throw usage(`--deployer-account: received "${v}"; expected a 12-digit account id`);
        deployerAccount = v;
        break;
      }
      case '--require-approval': {
        const v = value();
        const level = APPROVAL_LEVELS.find((l) => l === v);
        if (!level) throw usage(`--require-approval: received "${v}"; expected one of ${APPROVAL_LEVELS.join(', ')}`);
        requireApproval = level;
        break;
      }
      case '--concurrency': {
        const v = value();
        if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 20) throw usage(`--concurrency: received "${v}"; expected a whole number from 1 to 20`);
        concurrency = Number(v);
        break;
      }
      case '--sts-timeout': {
        const v = value();
        if (!/^\d+$/.test(v) || Number(v) < 100 || Number(v) > 60000) throw usage(`--sts-timeout: received "${v}"; expected milliseconds from 100 to 60000`);
        stsTimeoutMs = Number(v);
        break;
      }
      case '--no-synth':
        synth = false;
        break;
      case '--cdk-out':
        cdkOut = resolve(value());
        synth = false;
        break;
      case '--dry-run':
        dryRun = true;
        break;
      case '--print-bootstrap':
        printBootstrap = true;
        break;
      case '--fail':
        fail = true;
        break;
      case '--confirm':
        confirm = value();
        break;
      case '--help':
        help = true;
        break;
    }
  }
  const options = (checkedEnv: string): OpsOptions => ({
    command,
    env: checkedEnv,
    apps,
    profile,
    accountProfiles,
    deployerAccount,
    requireApproval,
    concurrency,
    synth,
    cdkOut,
    stsTimeoutMs,
    dryRun,
    printBootstrap,
    fail,
    confirm,
    help,
  });
  if (help) return options(env ?? '');
  if (!env) throw usage('--env is required (the environment to act on, e.g. --env dev); nothing defaults to an environment here');
  // The config schema's rule for an environment name (config/<env>.json names the same environment).
  if (!CONFIG_SCHEMA.shape.environment.safeParse(env).success) {
    throw usage(`--env: received "${env}"; expected an environment name such as dev, staging or prod`);
  }
  if (command === 'destroy' && confirm !== env) {
    throw usage(`destroy needs --confirm ${env} (the environment's name typed again)${confirm === undefined ? '' : `; received --confirm ${confirm}`}`);
  }
  if (command === 'deploy') {
    if (PRODUCTION_ENVIRONMENTS.includes(env) && requireApproval === 'never') {
      throw usage(
        `--require-approval never is refused for the production environment "${env}": IAM and security-group changes that broaden access need a human's approval (use broadening or any-change)`,
      );
    }
    requireApproval = requireApproval ?? 'broadening';
    // The CDK CLI can ask for approval only with a terminal and one stack at a time: with
    // concurrency above 1 it fails any change that needs approval ("ConcurrencyConflict").
    if (requireApproval !== 'never' && concurrency !== undefined && concurrency > 1) {
      throw usage(
        `--concurrency ${concurrency} with --require-approval ${requireApproval}: the CDK CLI cannot ask for approval while it deploys stacks in parallel. Use --concurrency 1, or --require-approval never (not for production)`,
      );
    }
    concurrency = concurrency ?? (requireApproval === 'never' ? 3 : 1);
  }
  return options(env);
}
