// The accounts and regions of one environment, from its validated config (@cdk-guardrails/config):
// who is who (for messages and profiles) and where each account is deployed and bootstrapped.
import { join } from 'node:path';
import { ConfigError, GuardrailsConfig, loadConfig, workloadStackRegions } from '@cdk-guardrails/config';
import { OpsError } from './ops-error';
import { ROOT } from './repository';

/** A workload account as the scripts name it. */
export interface WorkloadAccountName {
  readonly name: string;
  readonly accountId: string;
}

/** The accounts of an environment, enough to name them and to pick their credentials. */
export interface AccountNames {
  readonly security: string;
  readonly workloads: readonly WorkloadAccountName[];
}

/** A workload account with its configured regions. */
export interface WorkloadAccountRegions extends WorkloadAccountName {
  readonly regions: readonly string[];
}

/** What the scripts need of a config: its accounts, their regions, the audit replica region and the CDK qualifier. */
export interface ConfigAccounts extends AccountNames {
  readonly environment: string;
  readonly securityRegions: readonly string[];
  readonly workloads: readonly WorkloadAccountRegions[];
  /** config.auditLogs.replicaRegion, where each workload account's audit replica stack lives. */
  readonly auditReplicaRegion?: string;
  /** config.principals.cdkQualifier (required there, and never CDK's default). */
  readonly cdkQualifier: string;
}

/** One account with the regions it is deployed (or bootstrapped) in, and what it is: "the security account", "workload account "payments"". */
export interface AccountTarget {
  readonly accountId: string;
  readonly role: string;
  readonly regions: readonly string[];
}

/**
 * Loads and validates config/<env>.json (schema and cross-field rules, as synth does) and returns
 * its accounts. Throws OpsError with the config's own message (file, field, value, what is allowed).
 */
export function readConfigAccounts(env: string, configDir = join(ROOT, 'config')): ConfigAccounts {
  let config: GuardrailsConfig;
  try {
    config = loadConfig(env, { configDir });
  } catch (e) {
    if (e instanceof ConfigError) throw new OpsError(e.message);
    throw e;
  }
  return {
    environment: config.environment,
    security: config.securityAccount.accountId,
    securityRegions: [...config.securityAccount.regions],
    workloads: config.workloadAccounts.map((a) => ({ name: a.name, accountId: a.accountId, regions: [...a.regions] })),
    auditReplicaRegion: config.auditLogs.replicaRegion,
    cdkQualifier: config.principals.cdkQualifier,
  };
}

/** A readable name of an account from config: "111111111111 (the security account)", "222222222222 (workload account "payments")". */
export function describeAccount(accountId: string, accounts: AccountNames): string {
  const names: string[] = [];
  if (accounts.security === accountId) names.push('the security account');
  for (const w of accounts.workloads) if (w.accountId === accountId) names.push(`workload account "${w.name}"`);
  return `${accountId} (${names.join(', ') || 'not named in config'})`;
}

/**
 * Every account and region of the guardrails stacks, each account once (the key locations of
 * @cdk-guardrails/config: a workload account's stack regions come from workloadStackRegions). The
 * audit replica region comes on top: bootstrapTargets.
 */
export function deployTargets(accounts: ConfigAccounts): AccountTarget[] {
  const targets: AccountTarget[] = [{ accountId: accounts.security, role: 'the security account', regions: [...accounts.securityRegions] }];
  for (const w of accounts.workloads) {
    targets.push({ accountId: w.accountId, role: `workload account "${w.name}"`, regions: workloadStackRegions({ regions: [...w.regions] }) });
  }
  return targets;
}

/**
 * Every account and region the environment deploys to: deployTargets, plus the audit replica
 * region (config.auditLogs.replicaRegion) in each workload account, where its replica stack lives.
 */
export function bootstrapTargets(accounts: ConfigAccounts): AccountTarget[] {
  const replica = accounts.auditReplicaRegion;
  const workloadIds = new Set(accounts.workloads.map((w) => w.accountId));
  return deployTargets(accounts).map((t) =>
    replica && workloadIds.has(t.accountId) && !t.regions.includes(replica) ? { ...t, regions: [...t.regions, replica] } : t,
  );
}
