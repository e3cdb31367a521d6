/**
 * The prod configuration and the names the red-team tests share (red8 onwards): the config, its home,
 * us-east-1 and audit replica regions, the ledger and security accounts, an account of the targeted
 * OUs that config does not list, and the SCP documents as the semantic tests evaluate them.
 */
import { join } from 'node:path';
import { loadConfig } from '@cdk-guardrails/config';
import { scpDocumentsOf } from './prod-templates';

export const CONFIG_DIR = join(__dirname, '..', '..', '..', '..', 'config');
export const PROD = loadConfig('prod', { configDir: CONFIG_DIR });
export const HOME = 'eu-west-1';
export const EAST = 'us-east-1';
export const REPLICA = PROD.auditLogs.replicaRegion!;
export const LEDGER = PROD.workloadAccounts.find((a) => a.name === 'ledger')!.accountId;
export const SECURITY = PROD.securityAccount.accountId;
/** An account of the targeted OUs that config does not list. */
export const UNLISTED = '999999999999';
/** FullAWSAccess and every SCP prod generates. */
export const PROD_SCPS = scpDocumentsOf(PROD);

/** prod's workload StackSets, administered by the security account as delegated administrator (red9, red10, red13). */
export const PROD_STACK_SETS = {
  organizationalUnitIds: ['ou-ab12-cdef3456'],
  regions: [HOME],
  adminAccountId: SECURITY,
  adminRegion: HOME,
  callAs: 'DELEGATED_ADMIN' as const,
  excludedAccountIds: [],
  maxConcurrentPercentage: 25,
  failureTolerancePercentage: 0,
};
