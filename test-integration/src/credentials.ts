import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DeployedStack } from './outputs';

// The SDK's notice that releases after January 2027 need Node 22 says nothing about these tests.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** How the suites reach one account: a named profile, or the default credential chain. */
export type AccountAccess = { readonly ok: true; readonly profile?: string; readonly arn: string } | { readonly ok: false; readonly reason: string };

/**
 * GUARDRAILS_ACCOUNT_PROFILES="security=sec-admin,payments=payments-admin,333333333333=other":
 * keys are account ids, "security", or workload account names (config workloadAccounts[].name).
 * Accounts without an entry use the default credential chain (AWS_PROFILE, env keys, SSO, role)
 * when it resolves to that account.
 */
export function parseAccountProfiles(value: string | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  if (!value || value.trim() === '') return result;
  for (const part of value
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const m = /^([^=\s]+)=(\S+)$/.exec(part);
    if (!m) throw new Error(`GUARDRAILS_ACCOUNT_PROFILES: "${part}" is not <account id | security | workload name>=<profile>`);
    result[m[1]] = m[2];
  }
  return result;
}

/** The profile for an account, by id, by "security" (security-* stacks) or by workload name (WorkloadAccountName output). */
export function profileForAccount(accountId: string, stacks: DeployedStack[], profiles: Record<string, string>): string | undefined {
  const keys = [accountId];
  for (const s of stacks.filter((st) => st.accountId === accountId)) {
    if (s.role.startsWith('security-')) keys.push('security');
    if (s.outputs.WorkloadAccountName) keys.push(s.outputs.WorkloadAccountName);
  }
  for (const k of keys) if (profiles[k]) return profiles[k];
  return undefined;
}

/** STS GetCallerIdentity with a short timeout; without credentials the SDK fails before sending anything. */
export async function callerIdentity(profile: string | undefined, timeoutMs = 8000): Promise<{ account: string; arn: string }> {
  const client = new STSClient({
    region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(profile ? { profile } : {}),
    maxAttempts: 1,
    requestHandler: { connectionTimeout: Math.min(timeoutMs, 3000), requestTimeout: timeoutMs },
  });
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const out = await client.send(new GetCallerIdentityCommand({}), { abortSignal: abort.signal });
    return { account: out.Account!, arn: out.Arn! };
  } finally {
    clearTimeout(timer);
    client.destroy();
  }
}

/** Resolves access to every account of the deployed stacks. Never throws: failures become skip reasons. */
export async function resolveAccess(stacks: DeployedStack[], profiles: Record<string, string>): Promise<Record<string, AccountAccess>> {
  const result: Record<string, AccountAccess> = {};
  let defaultIdentity: { account: string; arn: string } | Error | undefined;
  for (const accountId of [...new Set(stacks.map((s) => s.accountId))]) {
    const profile = profileForAccount(accountId, stacks, profiles);
    try {
      let who: { account: string; arn: string };
      if (profile) {
        who = await callerIdentity(profile);
      } else {
        if (defaultIdentity === undefined) defaultIdentity = await callerIdentity(undefined).catch((e: Error) => e);
        if (defaultIdentity instanceof Error) throw defaultIdentity;
        who = defaultIdentity;
      }
      result[accountId] =
        who.account === accountId
          ? { ok: true, profile, arn: who.arn }
          : {
              ok: false,
              reason: `no credentials for account ${accountId}: ${profile ? `profile ${profile}` : 'the default credentials'} resolve to ${who.account} (${who.arn}); set GUARDRAILS_ACCOUNT_PROFILES="${accountId}=<profile of that account>"`,
            };
    } catch (e) {
      const err = e as Error;
      result[accountId] = {
        ok: false,
        reason: `no credentials for account ${accountId} (${profile ? `profile ${profile}` : 'default credential chain'}): ${err.name}: ${err.message}`,
      };
    }
  }
  return result;
}
