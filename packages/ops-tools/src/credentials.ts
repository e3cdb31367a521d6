// Credentials per account: which AWS profile acts on which account, and the STS check that runs
// before any build or CDK CLI process (no credentials, expired ones or the wrong account fail here).
import type { OpsOptions } from './args';
import type { DeploymentGroup } from './assembly';
import { AccountNames, describeAccount } from './config-accounts';
import { OpsError } from './ops-error';

/** The AWS profile for an account: --account-profile by id, by "security" or by workload name, else --profile, else none (ambient credentials). */
export function profileFor(accountId: string, opts: Pick<OpsOptions, 'accountProfiles' | 'profile'>, accounts: AccountNames): string | undefined {
  const keys = [accountId];
  if (accounts.security === accountId) keys.push('security');
  for (const w of accounts.workloads) if (w.accountId === accountId) keys.push(w.name);
  for (const k of keys) if (opts.accountProfiles[k]) return opts.accountProfiles[k];
  return opts.profile;
}

/** Unknown --account-profile keys are mistakes (a typo would silently use other credentials). */
export function checkAccountProfileKeys(opts: Pick<OpsOptions, 'accountProfiles' | 'env'>, accounts: AccountNames): void {
  const known = new Set([accounts.security, 'security', ...accounts.workloads.flatMap((w) => [w.accountId, w.name])]);
  const unknown = Object.keys(opts.accountProfiles).filter((k) => !known.has(k));
  if (unknown.length > 0) {
    throw new OpsError(
      `--account-profile: ${unknown.map((k) => `"${k}"`).join(', ')} is not an account of config/${opts.env}.json; use an account id, "security" or one of: ${accounts.workloads.map((w) => w.name).join(', ')}`,
      2,
    );
  }
}

/** What callerAccountProblem compares. */
export interface CallerCheck {
  readonly callerAccount: string;
  readonly callerArn: string;
  readonly group: Pick<DeploymentGroup, 'app' | 'account' | 'stacks'>;
  readonly accounts: AccountNames;
  readonly opts: Pick<OpsOptions, 'command' | 'env' | 'deployerAccount'>;
  /** The profile the credentials came from; none for the ambient credentials. */
  readonly profile?: string;
}

/**
 * Decides whether credentials for `callerAccount` may act on the group's account. Returns null
 * when they may, else a message saying which account to assume and how.
 */
export function callerAccountProblem({ callerAccount, callerArn, group, accounts, opts, profile }: CallerCheck): string | null {
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
    lines.push(
      `If account ${group.account} was bootstrapped with --trust ${callerAccount}, pass --deployer-account ${callerAccount} to let the CDK CLI assume its deploy roles.`,
    );
  }
  return lines.join('\n');
}

/** Whom a set of credentials belongs to. */
export interface CallerIdentity {
  readonly account: string;
  readonly arn: string;
}

/** Input of callerIdentity. */
export interface CallerIdentityRequest {
  /** @default the default credential chain */
  readonly profile?: string;
  /** @default AWS_REGION, AWS_DEFAULT_REGION, else us-east-1 (STS answers GetCallerIdentity in every region) */
  readonly region?: string;
  readonly timeoutMs: number;
}

/**
 * GetCallerIdentity with a short timeout, before any CDK CLI process starts. Throws OpsError
 * saying what is missing. Without credentials the SDK fails while resolving credentials, before
 * it sends any request.
 */
export async function callerIdentity({ profile, region, timeoutMs }: CallerIdentityRequest): Promise<CallerIdentity> {
  // The SDK's notice that releases after January 2027 need Node 22 says nothing about this call.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // Loaded here, not at the top: --help, --dry-run and --print-bootstrap never load the SDK.
  const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  const client = new STSClient({
    region: region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(profile ? { profile } : {}),
    maxAttempts: 1,
    requestHandler: { connectionTimeout: Math.min(timeoutMs, 3000), requestTimeout: timeoutMs },
  });
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(
        new OpsError(
          `no answer from AWS STS within ${timeoutMs} ms${profile ? ` (profile "${profile}")` : ''}: check network access to sts.amazonaws.com, a proxy, or an SSO login that waits for a browser (aws sso login --profile <p> first)`,
        ),
      );
    }, timeoutMs);
  });
  try {
    const out = await Promise.race([client.send(new GetCallerIdentityCommand({}), { abortSignal: abort.signal }), timeout]);
    if (!out.Account || !out.Arn) throw new OpsError(`AWS STS answered GetCallerIdentity without an account or ARN${profile ? ` (profile "${profile}")` : ''}`);
    return { account: out.Account, arn: out.Arn };
  } catch (e) {
    if (e instanceof OpsError) throw e;
    throw new OpsError(credentialsMessage(e, profile));
  } finally {
    clearTimeout(timer);
    client.destroy();
  }
}

/** The message for credentials that could not be used: where they were looked for, the SDK's error, and what to do. */
export function credentialsMessage(e: unknown, profile?: string): string {
  const err = e as { name?: string; message?: string } | undefined;
  const name = err?.name ?? 'Error';
  const text = err?.message ?? String(e);
  const where = profile ? `profile "${profile}"` : 'the default credential chain (AWS_ACCESS_KEY_ID / AWS_PROFILE / ~/.aws / SSO / instance role)';
  const hint = /expired|ExpiredToken|token.*(invalid|refresh)|sso/i.test(`${name} ${text}`)
    ? `Your session looks expired: aws sso login${profile ? ` --profile ${profile}` : ''} (or refresh your credentials), then try again.`
    : /Could not load credentials|CredentialsProviderError|not found|could not resolve/i.test(`${name} ${text}`)
      ? 'No AWS credentials: export AWS_PROFILE=<profile> (aws configure sso / aws sso login), or pass --profile / --account-profile. See docs/operations.md#credentials.'
      : 'See docs/operations.md#credentials.';
  return `no usable AWS credentials from ${where}: ${name}: ${text}\n${hint}`;
}
