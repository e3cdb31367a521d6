/**
 * The exact principals the guardrails trust, derived from config (pure queries, no aws-cdk-lib).
 *
 * Every exemption in a boundary, an SCP, a key policy or a bucket policy names one of these ARNs:
 * never a tag a session can carry, never a role-name pattern an admin inside the boundary could
 * create (docs/threat-model.md). The role names come from `config.principals`; the CDK roles are
 * the ones `cdk bootstrap --qualifier <cdkQualifier>` creates in each account and region.
 */
import { GuardrailsConfig, IAM_EVENTS_REGION } from './schema';
import { workloadStackRegions } from './cross-field';
import {
  accountSettingsRoleName,
  auditReplicationRoleName,
  BOUNDARY_POLICY_NAMES,
  GUARDRAIL_NAME_PREFIX,
  logWriterRoleName,
  trailReaderRoleName,
} from './names';

/** The roles `cdk bootstrap` creates, by the kind in their name. */
export type CdkRoleKind = 'cfn-exec' | 'deploy' | 'file-publishing' | 'image-publishing' | 'lookup';

export function roleArn(accountId: string, roleName: string): string {
  return `arn:aws:iam::${accountId}:role/${roleName}`;
}

/** `arn:aws:iam::<account>:role/cdk-<qualifier>-<kind>-role-<account>-<region>`, as cdk bootstrap names it. */
export function cdkRoleArn(config: GuardrailsConfig, kind: CdkRoleKind, accountId: string, region: string): string {
  return roleArn(accountId, `cdk-${config.principals.cdkQualifier}-${kind}-role-${accountId}-${region}`);
}

/**
 * `arn:aws:iam::*:role/<roleName>`, for the SCPs only: the role of that name in every account they
 * govern. An SCP governs only the principals of the accounts it is attached to, and the
 * environment's SCP targets hold only its accounts (config `organizationPolicies.targets`), so the
 * '*' names the same roles as listing every account, in a list that does not grow with the accounts.
 * Each such exemption is also a protected name (`scpProtectedPrincipalArns`, the CDK qualifier's
 * roles, the settings roles): iam-least-privilege refuses to write one that no SCP protects.
 */
export function anyAccountRoleArn(roleName: string): string {
  return `arn:aws:iam::*:role/${roleName}`;
}

/** `arn:aws:iam::*:role/cdk-<qualifier>-<kind>-role-*-<region>`: the CDK role of that kind and region in every account (the name holds the account). */
export function cdkRolePattern(config: GuardrailsConfig, kind: CdkRoleKind, region: string): string {
  return anyAccountRoleArn(`cdk-${config.principals.cdkQualifier}-${kind}-role-*-${region}`);
}

/** The regions any account of the environment is bootstrapped in (`bootstrapRegions`), sorted. */
export function environmentBootstrapRegions(config: GuardrailsConfig): string[] {
  return [...new Set(environmentAccountIds(config).flatMap((a) => bootstrapRegions(config, a)))].sort();
}

/** Every account of the environment: the security account, then the workload accounts. */
export function environmentAccountIds(config: GuardrailsConfig): string[] {
  return [config.securityAccount.accountId, ...config.workloadAccounts.map((a) => a.accountId)];
}

/**
 * The regions an account is bootstrapped in: where its stacks deploy (the security account's
 * regions; a workload account's stack regions plus the audit replica region).
 */
export function bootstrapRegions(config: GuardrailsConfig, accountId: string): string[] {
  const regions = new Set<string>();
  if (accountId === config.securityAccount.accountId) config.securityAccount.regions.forEach((r) => regions.add(r));
  for (const account of config.workloadAccounts.filter((a) => a.accountId === accountId)) {
    workloadStackRegions(account).forEach((r) => regions.add(r));
    if (config.auditLogs.replicaRegion !== undefined) regions.add(config.auditLogs.replicaRegion);
  }
  return [...regions];
}

/**
 * The roles of the account settings function (`accountSettingsRoleName`) of every region the
 * environment's accounts are bootstrapped in and its StackSets deploy to, in every account the SCPs
 * govern (`anyAccountRoleArn`): the only principals besides the deployers that may change the
 * account baseline (SCP `protectAccountBaseline`, which also denies everyone else creating, changing,
 * passing or assuming these names). A region whose stack has no baseline leaves its name unused,
 * and still protected.
 */
export function accountSettingsRoleArns(config: GuardrailsConfig): string[] {
  const regions = new Set([...environmentBootstrapRegions(config), ...(config.stackSets?.regions ?? [])]);
  return [...regions].sort().map((r) => anyAccountRoleArn(accountSettingsRoleName(r)));
}

/**
 * Who may subscribe log groups to the evidence destination of `region` (CentralLogDestination
 * `evidenceSubscriberArnPatterns`), in every workload account (`anyAccountRoleArn`; the destination
 * policy still names the accounts or the organization): the CDK execution role of that region (the
 * caller of PutSubscriptionFilter, which CloudWatch Logs checks in account mode), the StackSet
 * execution role with stackSets (it deploys the baseline), and with an organization the sender role
 * of that region (CloudWatch Logs assumes it to check an organization-wide destination policy). Each
 * is a protected name: nobody inside the boundary creates, changes, passes or assumes a role that
 * matches (the CDK qualifier's roles, protectedPrincipalArns, the SCP's log writer roles).
 */
export function evidenceSubscriberArnPatterns(config: GuardrailsConfig, region: string): string[] {
  return [
    cdkRolePattern(config, 'cfn-exec', region),
    ...(config.stackSets !== undefined ? [anyAccountRoleArn(config.principals.stackSetExecutionRoleName)] : []),
    ...(config.organizationId !== undefined ? [anyAccountRoleArn(logWriterRoleName('sender', region))] : []),
  ];
}

/** The CloudFormation execution roles of an account (one per bootstrapped region): they deploy every guardrail. */
export function executionRoleArns(config: GuardrailsConfig, accountId: string): string[] {
  return bootstrapRegions(config, accountId).map((region) => cdkRoleArn(config, 'cfn-exec', accountId, region));
}

/**
 * Who administers the KMS keys of one account and region: the execution role of that region (it
 * creates and updates them), the key-admin role and the break-glass role. Not the account root:
 * the key policy names these ARNs instead of delegating administration to IAM policies, so no
 * other identity of the account (nor the root user) can disable, delete or re-policy the keys.
 */
export function keyAdministratorArns(config: GuardrailsConfig, accountId: string, region: string): string[] {
  const p = config.principals;
  return [cdkRoleArn(config, 'cfn-exec', accountId, region), roleArn(accountId, p.keyAdminRoleName), roleArn(accountId, p.breakGlassRoleName)];
}

/**
 * Who may change the guardrail log groups, rules, functions, streams, queues and buckets of an
 * account: the execution roles (deployments), the StackSet execution role (the
 * baseline), the log-admin role and the break-glass role.
 */
export function guardrailAdministratorArns(config: GuardrailsConfig, accountId: string): string[] {
  const p = config.principals;
  return [
    ...executionRoleArns(config, accountId),
    roleArn(accountId, p.stackSetExecutionRoleName),
    roleArn(accountId, p.logAdminRoleName),
    roleArn(accountId, p.breakGlassRoleName),
  ];
}

/**
 * `guardrailAdministratorArns` of every account, for the SCPs (`anyAccountRoleArn`): the execution
 * roles of every bootstrapped region, the StackSet execution role, the log-admin role and break-glass.
 */
export function scpGuardrailAdministratorArns(config: GuardrailsConfig): string[] {
  const p = config.principals;
  return [
    ...environmentBootstrapRegions(config).map((r) => cdkRolePattern(config, 'cfn-exec', r)),
    ...[p.stackSetExecutionRoleName, p.logAdminRoleName, p.breakGlassRoleName].map(anyAccountRoleArn),
  ];
}

/**
 * The named roles of an account that identities inside the boundary may not create, change, tag,
 * pass or assume: break-glass, key and log admins, the StackSet execution role, the Control Tower
 * roles, and (workload accounts) the cross-account roles from config. The CDK roles are protected
 * by their qualifier.
 */
export function protectedPrincipalArns(config: GuardrailsConfig, accountId: string): string[] {
  const p = config.principals;
  const names = [p.breakGlassRoleName, p.keyAdminRoleName, p.logAdminRoleName, p.stackSetExecutionRoleName, ...p.controlTowerRoleNames];
  if (config.workloadAccounts.some((a) => a.accountId === accountId)) {
    names.push(...config.iam.crossAccountRoles.map((r) => r.name));
  }
  // The pipeline roles that live in this account: they alone assume the CDK roles, so whoever could
  // edit their trust or policies would deploy anything.
  const pipelines = p.pipelineRoleArns.filter((arn) => arn.split(':')[4] === accountId);
  return [...new Set([...names.map((name) => roleArn(accountId, name)), ...pipelines])];
}

/**
 * `protectedPrincipalArns` of every account, for the SCPs: the named roles in every account they
 * govern (`anyAccountRoleArn`), and the pipeline roles by exact ARN. This protection is what makes
 * the same names safe as exemptions. Not the cross-account roles of config: their assumers
 * (`assumerRoleArns`) may assume them, which this protection's one exception list cannot say; the
 * workload app protects them with an SCP of their own (`protect-cross-account-roles`).
 */
export function scpProtectedPrincipalArns(config: GuardrailsConfig): string[] {
  const p = config.principals;
  const names = [p.breakGlassRoleName, p.keyAdminRoleName, p.logAdminRoleName, p.stackSetExecutionRoleName, ...p.controlTowerRoleNames];
  // The audit replication roles: only S3 assumes them (a service principal, which SCPs do not
  // govern), and they may act in the replica region (limitedRegionPrincipalArns).
  const replication = config.auditLogs.replicaRegion !== undefined ? [auditReplicationRolePattern()] : [];
  return [...new Set([...names.map(anyAccountRoleArn), ...replication, ...p.pipelineRoleArns])];
}

/**
 * The CloudFormation stacks that deploy the guardrails into an account, by name pattern: this
 * environment's security stacks (`<env>-security-*`) in the security account, its workload stacks
 * (`<env>-workload-*`, audit replica and StackSets stacks included) in a workload account. The
 * stacks named `guardrails-*` (the deployment boundary) are protected by the prefix. CloudFormation
 * updates and deletes them with the CDK execution role, whoever asks.
 */
export function guardrailStackNames(config: GuardrailsConfig, accountId: string): string[] {
  const names: string[] = [];
  if (accountId === config.securityAccount.accountId) names.push(`${config.environment}-security-*`);
  if (config.workloadAccounts.some((a) => a.accountId === accountId)) names.push(`${config.environment}-workload-*`);
  return names;
}

/**
 * Every guardrail stack of the environment, for the SCP: the apps' stacks, the CDK bootstrap stack
 * (`CDKToolkit`) and the StackSet instances (`StackSet-*`, Control Tower's included).
 */
export function scpGuardrailStackNames(config: GuardrailsConfig): string[] {
  return [`${config.environment}-security-*`, `${config.environment}-workload-*`, 'CDKToolkit', 'StackSet-*'];
}

/** Name of the StackSet that deploys the workload baseline of `environment` in `region`. */
export function workloadStackSetName(environment: string, region: string): string {
  return `${environment}-workload-guardrails-${region}`;
}

/**
 * Every guardrail StackSet of the environment, for the SCP (updating one rewrites the guardrail
 * stack of every target account): the workload baseline StackSets of every region.
 */
export function scpGuardrailStackSetNames(config: GuardrailsConfig): string[] {
  return [workloadStackSetName(config.environment, '*')];
}

/**
 * Who may change the guardrail stacks (SCP `protect-guardrail-resources`): the pipelines, the CDK
 * deploy roles (they create and execute the change sets), and in every account the StackSet
 * execution role, the Control Tower roles and break-glass. The execution roles are exempt by the SCP
 * itself (by their cdk-<qualifier>- name): CloudFormation creates nested stacks with them.
 */
export function stackDeployerArns(config: GuardrailsConfig): string[] {
  const p = config.principals;
  return [
    ...new Set([
      ...p.pipelineRoleArns,
      ...cdkDeployRoleArns(config),
      ...[p.stackSetExecutionRoleName, ...p.controlTowerRoleNames, p.breakGlassRoleName].map(anyAccountRoleArn),
    ]),
  ];
}

/**
 * The principals the organization's SCPs exempt, in every account they govern (`anyAccountRoleArn`,
 * so the documents do not grow with the accounts): the CDK execution roles of every bootstrapped
 * region, the StackSet execution role, the Control Tower roles and the break-glass role. Every one
 * is a protected name: nobody but the managers creates, changes, passes or assumes a role that
 * matches (docs/threat-model.md says why each one is trusted).
 */
export function scpExemptPrincipalArns(config: GuardrailsConfig): string[] {
  const p = config.principals;
  return [
    ...environmentBootstrapRegions(config).map((r) => cdkRolePattern(config, 'cfn-exec', r)),
    ...[p.stackSetExecutionRoleName, ...p.controlTowerRoleNames, p.breakGlassRoleName].map(anyAccountRoleArn),
  ];
}

/** The CDK deploy roles of every bootstrapped region, in every account the SCPs govern: they alone pass the execution roles to CloudFormation. */
export function cdkDeployRoleArns(config: GuardrailsConfig): string[] {
  return environmentBootstrapRegions(config).map((r) => cdkRolePattern(config, 'deploy', r));
}

/**
 * Every region the environment deploys to, for the region SCP: the security account's regions,
 * the workload regions, us-east-1 (IAM capture), the audit replica region and the StackSet regions.
 */
export function deployedRegions(config: GuardrailsConfig): string[] {
  return [
    ...new Set([
      ...config.securityAccount.regions,
      ...config.workloadAccounts.flatMap((a) => a.regions),
      IAM_EVENTS_REGION,
      ...(config.auditLogs.replicaRegion !== undefined ? [config.auditLogs.replicaRegion] : []),
      ...(config.stackSets?.regions ?? []),
    ]),
  ].sort();
}

/**
 * The regions the principals of each account of the environment may send requests to, for the
 * per-account region SCP (iam-least-privilege `ServiceControlPolicy.accountRegionRestriction`):
 * `regions`, where the account runs guardrail stacks that watch it (capture, detective controls and
 * shipping), and `limitedRegions`, where it runs a stack that watches nothing, so that only the
 * deployers and that stack's roles may act there (`limitedRegionPrincipalArns`; red6 R6-2).
 * - the security account: its regions (which include us-east-1 and every workload and StackSet
 *   region: cross-field rules), each with its detective controls;
 * - a workload account: its regions; limited, us-east-1 unless it is one of them (the IAM-capture
 *   stack: no Config, GuardDuty or security-class rule there) and the audit replica region (only the
 *   replica bucket and key; its trail bucket replicates there, as a role of the account);
 * - with `stackSets`, every workload account not in `excludedAccountIds` also gets the StackSet
 *   regions (the baseline runs there, no longer limited). Assumption: config cannot tell which
 *   accounts the targeted OUs hold, so a listed account is taken to be one of them;
 * - a delegated StackSets administrator of the environment also gets `adminRegion`, where its
 *   StackSets live, when the environment deploys there (`deployedRegions`; the environment-wide
 *   region statement denies any other region anyway).
 * Every region is one of `deployedRegions`. Accounts the StackSets reach but config does not list
 * are not here: the environment-wide statement holds them.
 */
export function accountRegions(config: GuardrailsConfig): Array<{ accountId: string; regions: string[]; limitedRegions: string[] }> {
  const stackSets = config.stackSets;
  const deployed = new Set(deployedRegions(config));
  return [...new Set(environmentAccountIds(config))].map((accountId) => {
    const regions = new Set<string>();
    if (accountId === config.securityAccount.accountId) config.securityAccount.regions.forEach((r) => regions.add(r));
    config.workloadAccounts.filter((a) => a.accountId === accountId).forEach((a) => a.regions.forEach((r) => regions.add(r)));
    if (stackSets !== undefined) {
      const workload = config.workloadAccounts.some((a) => a.accountId === accountId);
      if (workload && !(stackSets.excludedAccountIds ?? []).includes(accountId)) stackSets.regions.forEach((r) => regions.add(r));
      if (stackSets.callAs === 'DELEGATED_ADMIN' && stackSets.adminAccountId === accountId && deployed.has(stackSets.adminRegion)) {
        regions.add(stackSets.adminRegion);
      }
    }
    // What the account's stacks need beyond that: the us-east-1 capture and the audit replica.
    const limitedRegions = bootstrapRegions(config, accountId).filter((r) => !regions.has(r));
    return { accountId, regions: [...regions].sort(), limitedRegions: [...new Set(limitedRegions)].sort() };
  });
}

/**
 * Who may act in the accounts' `limitedRegions` (`accountRegions`) beside the SCP exemptions
 * (`scpExemptPrincipalArns`: the execution roles, the StackSet, Control Tower and break-glass roles),
 * in every account the SCPs govern: the pipeline roles, the cross-account roles that only read
 * (`READ_ONLY_AWS_MANAGED_POLICIES`: the security team checks these regions), and per limited region the roles that act
 * there (not the key and log administrators: outside the boundary, they would act there unwatched
 * with whatever their own policies allow; break-glass is exempt everywhere):
 * - the CDK roles of the region (`cdk-<qualifier>-*-<region>`: deploy, file and image publishing,
 *   lookup; a deployment uses them);
 * - in us-east-1 (the IAM capture stack): the account settings function's role and the log sender
 *   role of the region (`guardrails-log-writer-sender-us-east-1`);
 * - in the audit replica region: the replication roles (`guardrails-audit-replication-*`, named
 *   for their home region, writing there) and, with `auditLogs.readers`, the replica's reader role.
 * Each is a protected name (the CDK qualifier's roles, protectedPrincipalArns, the log writer and
 * account settings roles, `scpProtectedPrincipalArns` for the replication roles, and SCP statements of
 * their own for the trail reader (`trailReaderRoleArn`) and the cross-account roles), which the SCP
 * compiler checks. Assumption (not verified
 * against AWS, no account here): these are every principal a deployment and the stacks of these
 * regions use; a principal missing here is denied, so the failure is a failed deployment or a
 * stopped replication (the replication alarm), never an open region.
 */
export function limitedRegionPrincipalArns(config: GuardrailsConfig): string[] {
  const limited = [...new Set(accountRegions(config).flatMap((a) => a.limitedRegions))].sort();
  return [...new Set(limited.flatMap((region) => limitedRegionPrincipalArnsOf(config, region)))];
}

/** `limitedRegionPrincipalArns` of one limited region only (red7 R7-1: each region's roles act in that region alone). */
export function limitedRegionPrincipalArnsOf(config: GuardrailsConfig, region: string): string[] {
  const p = config.principals;
  // ... and the security team's read-only roles (config iam.crossAccountRoles whose only policies are
  // AWS's read-only ones; protected names): they check that these regions hold nothing else (red7 R7-4).
  const auditors = config.iam.crossAccountRoles
    .filter((r) => hasOnlyAwsManagedPolicies(r, READ_ONLY_AWS_MANAGED_POLICIES))
    .map((r) => anyAccountRoleArn(r.name));
  const arns = [...p.pipelineRoleArns, ...auditors, anyAccountRoleArn(`cdk-${p.cdkQualifier}-*-${region}`)];
  if (region === IAM_EVENTS_REGION) {
    arns.push(anyAccountRoleArn(accountSettingsRoleName(region)), anyAccountRoleArn(logWriterRoleName('sender', region)));
  }
  if (region === config.auditLogs.replicaRegion) {
    arns.push(auditReplicationRolePattern());
    if (config.auditLogs.readers !== undefined) arns.push(trailReaderRoleArn(region));
  }
  return [...new Set(arns)];
}

/**
 * The limited regions that hold every account the SCPs govern, listed or not (iam-least-privilege
 * `AccountRegionRestrictionOptions.organizationLimitedRegions`; red7 R7-1): each limited region of
 * an account (`accountRegions`) that is not a StackSet region, with its own principals
 * (`limitedRegionPrincipalArnsOf`) and the accounts whose guardrails run there (`fullAccountIds`:
 * the security account in us-east-1, a workload account with us-east-1 among its regions). One
 * statement a region, whatever the number of accounts, and the accounts config does not list (the
 * StackSet targets of the OUs) are held there too: the targets hold only the environment's
 * accounts (organizationPolicies.targets), and none of them runs guardrails there. A StackSet
 * region is full for the StackSet targets that config does not list, so where it is limited (for
 * an excluded account) the per-account statement holds it instead, with `limitedRegionPrincipalArns`
 * of those regions.
 */
export function organizationLimitedRegions(config: GuardrailsConfig): Array<{ region: string; principalArns: string[]; fullAccountIds: string[] }> {
  const accounts = accountRegions(config);
  const stackSetRegions = new Set(config.stackSets?.regions ?? []);
  const limited = [...new Set(accounts.flatMap((a) => a.limitedRegions))].filter((r) => !stackSetRegions.has(r)).sort();
  return limited.map((region) => ({
    region,
    principalArns: limitedRegionPrincipalArnsOf(config, region),
    fullAccountIds: accounts.filter((a) => a.regions.includes(region)).map((a) => a.accountId),
  }));
}

/** AWS managed policies that only read (`iam.crossAccountRoles` with only these may audit the limited regions). */
export const READ_ONLY_AWS_MANAGED_POLICIES: readonly string[] = ['SecurityAudit', 'ViewOnlyAccess', 'ReadOnlyAccess'];

/**
 * AWS managed policies that read configuration metadata only, not content (AWS: SecurityAudit,
 * "read security configuration metadata"; ViewOnlyAccess, list and describe): a cross-account role
 * with only these gets no permissions boundary, whose allow-list of the account's own resources
 * would refuse their reads on `*` (red8 R8-2). ReadOnlyAccess also reads content (objects, items,
 * log events), so it keeps the boundary.
 */
export const METADATA_READ_AWS_MANAGED_POLICIES: readonly string[] = ['SecurityAudit', 'ViewOnlyAccess'];

/** True if the cross-account role has AWS managed policies, and every one is among `policies`. */
export function hasOnlyAwsManagedPolicies(role: { readonly awsManagedPolicies: readonly string[] }, policies: readonly string[]): boolean {
  return role.awsManagedPolicies.length > 0 && role.awsManagedPolicies.every((m) => policies.includes(m));
}

/** The audit replication roles of every home region, in every account (`guardrails-audit-replication-*`). */
export function auditReplicationRolePattern(): string {
  return anyAccountRoleArn(auditReplicationRoleName('*'));
}

/** The trail reader role of `region` in every account (`guardrails-trail-reader-<region>`). */
export function trailReaderRoleArn(region: string): string {
  return anyAccountRoleArn(trailReaderRoleName(region));
}

/**
 * What the permissions boundary of one account protects, as the props of iam-least-privilege's
 * `PermissionsBoundary` (plain values: config depends on nothing of ours). The guardrail
 * administrators are not exempted inside the boundary: they live outside it (the named roles
 * must not carry GuardrailsPermissionsBoundary), the SCPs and resource policies exempt them by
 * ARN, and a managed policy has no room for every execution role twice (6,144 characters).
 */
export function boundaryProtections(
  config: GuardrailsConfig,
  accountId: string,
): {
  protectedPrincipalArns: string[];
  cdkBootstrapQualifier: string;
  protectedResourceNamePrefix: string;
  protectedStackNames: string[];
  protectedPolicyNames: string[];
  boundedRolePath?: string;
} {
  return {
    protectedPrincipalArns: protectedPrincipalArns(config, accountId),
    cdkBootstrapQualifier: config.principals.cdkQualifier,
    protectedResourceNamePrefix: GUARDRAIL_NAME_PREFIX,
    // CDKToolkit and the StackSet instances run without a service role (an update runs with the
    // caller's own, bounded, permissions): the SCP protects them, the boundary has no room.
    protectedStackNames: guardrailStackNames(config, accountId),
    protectedPolicyNames: [BOUNDARY_POLICY_NAMES.deployment],
    ...(config.principals.boundedRolePath !== undefined ? { boundedRolePath: config.principals.boundedRolePath } : {}),
  };
}
