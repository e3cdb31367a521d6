// The command lines the scripts run or print: the AWS CDK CLI call of each deployment group, and
// the bootstrap commands of each account (run by the operator, with that account's credentials).
import { join } from 'node:path';
import { BOUNDARY_POLICY_NAMES, DEPLOYMENT_BOUNDARY_STACK_NAME, DEPLOYMENT_BOUNDARY_TEMPLATE } from '@cdk-guardrails/config';
import type { OpsCommand, OpsOptions } from './args';
import type { DeploymentGroup } from './assembly';
import { AccountTarget, bootstrapTargets, ConfigAccounts } from './config-accounts';
import { profileFor } from './credentials';
import { ROOT } from './repository';

/** Where synth writes the deployment boundary's template, under cdk.out/<env>/ (config's name). */
const DEPLOYMENT_BOUNDARY_TEMPLATE_PATH = `${DEPLOYMENT_BOUNDARY_TEMPLATE.directory}/${DEPLOYMENT_BOUNDARY_TEMPLATE.file}`;

/** The execution policy of the CDK bootstrap unless one is named (what `cdk bootstrap` itself defaults to). */
const DEFAULT_EXECUTION_POLICY = 'arn:aws:iam::aws:policy/AdministratorAccess';

/** Input of cdkArgs. */
export interface CdkCall {
  readonly command: OpsCommand;
  readonly env: string;
  readonly group: Pick<DeploymentGroup, 'app' | 'stacks'>;
  /** @default none: the ambient credentials */
  readonly profile?: string;
  readonly opts: Pick<OpsOptions, 'requireApproval' | 'concurrency' | 'fail'>;
  /** deploy only: where the CLI writes the stacks' outputs. */
  readonly outputsFile?: string;
  /** @default <repository>/cdk.out */
  readonly cdkOut?: string;
}

/** Arguments of one AWS CDK CLI call for a group. `outputsFile` only for deploy. */
export function cdkArgs({ command, env, group, profile, opts, outputsFile, cdkOut = join(ROOT, 'cdk.out') }: CdkCall): string[] {
  const args = [command, '--app', join(cdkOut, env, group.app), '--no-notices'];
  if (profile) args.push('--profile', profile);
  if (command === 'deploy') {
    if (opts.requireApproval === undefined || opts.concurrency === undefined || outputsFile === undefined) {
      throw new Error('cdkArgs: deploy needs requireApproval and concurrency (from parseArgs) and an outputsFile');
    }
    args.push('--require-approval', opts.requireApproval, '--concurrency', String(opts.concurrency), '--outputs-file', outputsFile, '--progress', 'events');
  }
  if (command === 'diff' && opts.fail) args.push('--fail');
  if (command === 'destroy') args.push('--force');
  // The group lists every stack of this app in this account; --exclusively keeps the CLI from
  // pulling in a dependency that lives elsewhere (it would use these credentials for it).
  args.push('--exclusively', ...group.stacks);
  return args;
}

/** The two bootstrap commands of one account. */
export interface BootstrapCommand extends AccountTarget {
  /** `aws cloudformation deploy` of the deployment boundary, in the account's first region. */
  readonly boundaryCommand: string;
  /** `cdk bootstrap` of every region of the account, with that boundary on the execution role. */
  readonly command: string;
}

/**
 * The bootstrap of each account (all its regions in one call), run with that account's
 * credentials, in two commands:
 * 1. `aws cloudformation deploy` of the deployment boundary (cdk.out/<env>/bootstrap/, written by
 *    synth): the permissions boundary of the CDK CloudFormation execution roles;
 * 2. `cdk bootstrap` with that boundary on the execution role (--custom-permissions-boundary) and the
 *    config's qualifier. With a deployer account, every target trusts it, and the execution policy
 *    must then be named (the CLI refuses --trust without --cloudformation-execution-policies).
 */
export function bootstrapCommands(
  accounts: ConfigAccounts,
  opts: Pick<OpsOptions, 'accountProfiles' | 'profile' | 'deployerAccount'>,
  executionPolicy = DEFAULT_EXECUTION_POLICY,
): BootstrapCommand[] {
  const qualifier = accounts.cdkQualifier;
  return bootstrapTargets(accounts).map((t) => {
    const profile = profileFor(t.accountId, opts, accounts);
    const boundary = [
      'aws cloudformation deploy',
      `--template-file cdk.out/${accounts.environment}/${DEPLOYMENT_BOUNDARY_TEMPLATE_PATH}`,
      `--stack-name ${DEPLOYMENT_BOUNDARY_STACK_NAME}`,
      '--capabilities CAPABILITY_NAMED_IAM',
      `--region ${t.regions[0]}`,
    ];
    const parts = ['npx cdk bootstrap', ...t.regions.map((r) => `aws://${t.accountId}/${r}`)];
    if (profile) {
      boundary.push(`--profile ${profile}`);
      parts.push(`--profile ${profile}`);
    }
    if (opts.deployerAccount && opts.deployerAccount !== t.accountId) parts.push(`--trust ${opts.deployerAccount}`);
    parts.push(`--qualifier ${qualifier}`, `--custom-permissions-boundary ${BOUNDARY_POLICY_NAMES.deployment}`);
    parts.push(`--cloudformation-execution-policies ${executionPolicy}`);
    return { ...t, boundaryCommand: boundary.join(' '), command: parts.join(' ') };
  });
}
