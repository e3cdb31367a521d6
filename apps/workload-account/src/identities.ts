import {
  accountRegions,
  anyAccountRoleArn,
  assumerRoleArnsOf,
  accountSettingsRoleArns,
  boundaryProtections,
  cdkDeployRoleArns,
  deployedRegions,
  environmentAccountIds,
  GUARDRAIL_NAME_PREFIX,
  GuardrailsConfig,
  hasOnlyAwsManagedPolicies,
  limitedRegionPrincipalArnsOf,
  METADATA_READ_AWS_MANAGED_POLICIES,
  organizationLimitedRegions,
  trailReaderRoleArn,
  scpGuardrailAdministratorArns,
  scpProtectedPrincipalArns,
  scpExemptPrincipalArns,
  BOUNDARY_POLICY_NAMES,
  HUMAN_ACCESS_NAMES,
  scpGuardrailStackNames,
  scpGuardrailStackSetNames,
  stackDeployerArns,
  LOG_WRITER_ROLE_PATTERN,
  WRITER_ONLY_LOG_GROUP_PREFIXES,
} from '@cdk-guardrails/config';
import {
  ConsoleMfaPolicy,
  CrossAccountRole,
  CompiledOrganizationPolicy,
  LogsWriterRole,
  OrganizationPolicyCompiler,
  PermissionsBoundary,
  ResourceControlPolicy,
  S3ReadOnlyRole,
  SensitiveActionsMfaPolicy,
  ServiceControlPolicy,
  SourceIpRestrictionPolicy,
} from '@cdk-guardrails/iam-least-privilege';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { baselineBoundaryName } from './baseline-boundary';

/**
 * The account's permissions boundary on every role of a stack. IAM is global: the boundary
 * policy is created once per account, in its home stack (the first region); the account's
 * other stacks reference it by its fixed name and deploy after the home stack.
 */
export function applyAccountBoundary(stack: Stack, config: GuardrailsConfig, homeStack: Stack | undefined): void {
  if (homeStack === undefined) {
    const boundary = new PermissionsBoundary(stack, 'PermissionsBoundary', {
      // The sender role of an organization-wide destination writes to the security account's Logs
      // destination: CloudWatch Logs is the only service allowed on that account's resources.
      resourceAccountIds: [config.securityAccount.accountId],
      resourceAccountServices: ['logs'],
      // applyTags puts this key on every resource the apps create.
      requiredTagKeys: ['guardrails:environment'],
      // Named principals, CDK roles and guardrail resources nobody inside the boundary may touch.
      ...boundaryProtections(config, stack.account),
    });
    boundary.applyTo(stack);
  } else {
    iam.PermissionsBoundary.of(stack).apply(PermissionsBoundary.fromDefaultName(stack, 'PermissionsBoundary'));
    stack.addStackDependency(homeStack);
  }
}

export interface AccountIdentitiesProps {
  readonly config: GuardrailsConfig;
  readonly dataBucket: s3.IBucket;
  /** The data key, when buckets are SSE-KMS (readers then need kms:Decrypt through S3). */
  readonly dataKey?: kms.IKey;
  readonly logsKey: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
  /** Global IAM resources (groups, managed policies, cross-account roles) are created once, in the home stack. */
  readonly home: boolean;
}

/**
 * The IAM examples and human guardrails of one workload account in one region:
 * a logs-writer role for an application log group (shipped to the central app class by the
 * caller), an S3 read-only role scoped to the data bucket, and, in the home region only, the
 * operators group with the MFA and source-IP policies and the cross-account roles from config.
 */
export class AccountIdentities extends Construct {
  public readonly appLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: AccountIdentitiesProps) {
    super(scope, id);
    const { config } = props;

    this.appLogGroup = new logs.LogGroup(this, 'AppLogGroup', {
      logGroupName: `/guardrails/app/${Stack.of(this).stackName}`,
      encryptionKey: props.logsKey,
      retention: config.logging.retentionDays.app as logs.RetentionDays,
      removalPolicy: props.removalPolicy,
    });
    // Writes only to the pre-created group: no logs:CreateLogGroup on a wildcard (see LogsWriterRole).
    // The workload roles: under principals.boundedRolePath when set, so bounded admins may pass them.
    const path = props.config.principals.boundedRolePath;
    new LogsWriterRole(this, 'AppLogsWriter', {
      path,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      logGroups: [this.appLogGroup],
    });
    new S3ReadOnlyRole(this, 'DataReader', {
      path,
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      buckets: [props.dataBucket],
      encryptionKeys: props.dataKey ? [props.dataKey] : undefined,
    });

    if (!props.home) return;
    // Named: the SCP protect-guardrail-principals lets nobody but the managers detach, rewrite or
    // delete them (HUMAN_ACCESS_NAMES).
    const operators = new iam.Group(this, 'Operators', { groupName: HUMAN_ACCESS_NAMES.operatorsGroup });
    operators.addManagedPolicy(new ConsoleMfaPolicy(this, 'ConsoleMfa', { managedPolicyName: HUMAN_ACCESS_NAMES.consoleMfaPolicy }));
    operators.addManagedPolicy(
      new SensitiveActionsMfaPolicy(this, 'SensitiveActionsMfa', {
        maxMfaAge: Duration.hours(1),
        managedPolicyName: HUMAN_ACCESS_NAMES.sensitiveActionsMfaPolicy,
      }),
    );
    if (config.network.allowedSourceIpRanges.length > 0) {
      operators.addManagedPolicy(
        new SourceIpRestrictionPolicy(this, 'SourceIpRestriction', {
          allowedCidrs: config.network.allowedSourceIpRanges,
          managedPolicyName: HUMAN_ACCESS_NAMES.sourceIpRestrictionPolicy,
        }),
      );
    }
    for (const spec of config.iam.crossAccountRoles) {
      const role = new CrossAccountRole(this, `CrossAccount-${spec.name}`, {
        roleName: spec.name,
        trustedAccountIds: spec.trustedAccountIds,
        externalId: spec.externalId,
        requireMfa: spec.requireMfa,
        maxSessionDuration: Duration.hours(spec.maxSessionHours),
        roleChaining: spec.roleChaining,
        // Only the configured roles of the trusted accounts (red7 R7-5): the SCP protect-cross-account-roles
        // excepts the same roles, and only from assuming it.
        trustedPrincipalArns: spec.assumerRoleArns,
        // A role that reads configuration metadata only (SecurityAudit, ViewOnlyAccess) has no boundary:
        // its reads on '*' are what the boundary's allow-list of the account's own resources refuses, and
        // it would audit nothing (red8 R8-2). Nobody but the deployers changes it (its name is protected
        // by the boundary and the SCP protect-cross-account-roles), so its policies stay read-only.
        withoutPermissionsBoundaryReason: hasOnlyAwsManagedPolicies(spec, METADATA_READ_AWS_MANAGED_POLICIES)
          ? `config iam.crossAccountRoles "${spec.name}" has only AWS's metadata-read policies (${spec.awsManagedPolicies.join(', ')}), whose reads on '*' the permissions boundary refuses; its name is protected (only the deployers change it)`
          : undefined,
      });
      for (const name of spec.awsManagedPolicies) role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName(name));
    }
  }
}

/**
 * The organization's SCP documents for this environment, written as JSON files (cdk.out/<env>/scp/
 * <scp-target-n>.json at synth): the statements of `serviceControlPolicies` packed into the fewest
 * documents of 5,120 characters that fit the free slots of config organizationPolicies.targets
 * (synth fails naming the target that overflows). They are documents only: nothing is attached;
 * the iam-least-privilege README and docs/data-perimeter.md say how to attach them.
 */
export function writeServiceControlPolicies(config: GuardrailsConfig, directory: string): string[] {
  return OrganizationPolicyCompiler.writeFiles(directory, compiledServiceControlPolicies(config));
}

/** `serviceControlPolicies` packed for the configured targets. */
export function compiledServiceControlPolicies(config: GuardrailsConfig): CompiledOrganizationPolicy[] {
  const targets = config.organizationPolicies.targets.map((t) => ({ name: t.name, slotsUsed: t.scpSlotsUsed }));
  const policies = serviceControlPolicies(config);
  // The statements that hold the accounts config does not list (the StackSet targets of the OUs),
  // which may get the first target's documents only (an OU, then the listed accounts): the
  // environment's regions and the limited regions (red9 R9-5). Synth fails naming the first target
  // if they do not fit there.
  const firstTargetPolicyNames = FIRST_TARGET_POLICY_NAMES.filter((n) => policies.some((p) => p.name === n));
  return OrganizationPolicyCompiler.compileServiceControlPolicies(policies, { targets, firstTargetPolicyNames });
}

/** The SCPs that must reach every account of the first target (`compiledServiceControlPolicies`). */
const FIRST_TARGET_POLICY_NAMES = ['region-restriction', 'account-region-restriction-limited-regions'];

/**
 * The RCPs of the data perimeter, only with config organizationId (never assumed; none without):
 * the identity perimeter (principals outside the organization and organizationPolicies.trustedAccountIds
 * denied on S3, KMS, STS, SQS, Secrets Manager and CloudWatch Logs), confused-deputy protection for
 * AWS service principals, and TLS required.
 */
export function resourceControlPolicies(config: GuardrailsConfig): ResourceControlPolicy[] {
  const organizationId = config.organizationId;
  if (organizationId === undefined) return [];
  return [
    ResourceControlPolicy.identityPerimeter({ organizationId, trustedAccountIds: config.organizationPolicies.trustedAccountIds }),
    ResourceControlPolicy.confusedDeputyProtection({ organizationId }),
    ResourceControlPolicy.requireSecureTransport(),
  ];
}

/** `resourceControlPolicies` packed for the configured targets; none without organizationId. */
export function compiledResourceControlPolicies(config: GuardrailsConfig): CompiledOrganizationPolicy[] {
  const policies = resourceControlPolicies(config);
  if (policies.length === 0) return [];
  const targets = config.organizationPolicies.targets.map((t) => ({ name: t.name, slotsUsed: t.rcpSlotsUsed }));
  return OrganizationPolicyCompiler.compileResourceControlPolicies(policies, { targets });
}

/** The RCP documents (cdk.out/<env>/rcp/*.json), written only with organizationId. */
export function writeResourceControlPolicies(config: GuardrailsConfig, directory: string): string[] {
  const compiled = compiledResourceControlPolicies(config);
  return compiled.length === 0 ? [] : OrganizationPolicyCompiler.writeFiles(directory, compiled);
}

export function serviceControlPolicies(config: GuardrailsConfig): ServiceControlPolicy[] {
  // Exemptions are role names from config in every account the SCPs govern (execution roles per
  // bootstrapped region, StackSet execution role, Control Tower roles, break-glass), so the documents
  // do not grow with the accounts; each name is also protected (protect-guardrail-principals, the CDK
  // qualifier's roles, the settings roles), which the compiler checks: no bounded admin can create a
  // role that matches. docs/threat-model.md lists why each one is trusted.
  const exempt = { exemptPrincipalArns: scpExemptPrincipalArns(config) };
  const accounts = environmentAccountIds(config);
  const managers = [...config.principals.pipelineRoleArns, ...scpExemptPrincipalArns(config)];
  const baselineBoundaries = (config.stackSets?.regions ?? []).map(baselineBoundaryName);
  const baselineOn = config.accountBaseline.ebsEncryptionByDefault || config.accountBaseline.s3BlockPublicAccess;
  const environmentRegions = deployedRegions(config);
  // ... and the Secrets Manager and KMS replicas there (red7 R7-2) where region-restriction's
  // replicaRegions allow the region (us-east-1, a region of the security account's).
  const organizationLimited = organizationLimitedRegions(config).map((l) => ({ ...l, denyReplicas: replicaRegions(config).includes(l.region) }));
  const restrictedAccounts = accountRegions(config).filter((a) => a.limitedRegions.length > 0 || !environmentRegions.every((r) => a.regions.includes(r)));
  return [
    // Every region the environment deploys to, the audit replica and StackSet regions included.
    // ... and Secrets Manager and KMS replicas only where some account runs its guardrails (not the
    // audit replica region, where nothing watches them; red7 R7-2).
    ServiceControlPolicy.regionRestriction({ allowedRegions: deployedRegions(config), replicaRegions: replicaRegions(config), ...exempt }),
    // ... and each account of config only where its own guardrails run (red5 A16; config
    // `accountRegions`): the security account in its regions; a workload account in the regions of
    // its stacks and, with stackSets, the StackSet regions. Elsewhere no security-class rule,
    // GuardDuty or Config of the account would see what it does. In its limited regions (us-east-1
    // for the IAM capture unless it is one of its regions, the audit replica region), where it runs a
    // stack that watches nothing, only the deployers and that stack's roles may act (red6 R6-2); the
    // multi-region trail records the calls anyway. One statement a limited region holds every account
    // but those whose guardrails run there, listed or not (the StackSet targets of the OUs too), with
    // that region's roles only (`organizationLimitedRegions`; red7 R7-1); a limited region that is a
    // StackSet region (full for the targets config does not list) is held per account instead, with
    // the roles of those regions. Accounts config does not list keep the environment's other regions,
    // and so does an account whose regions are all of the environment's (nothing to add: no statement,
    // so the documents grow only with the others).
    ...(restrictedAccounts.length > 0
      ? ServiceControlPolicy.accountRegionRestriction({
          accounts: restrictedAccounts,
          ...exempt,
          organizationLimitedRegions: organizationLimited,
          limitedRegionPrincipalArns: [
            ...new Set(
              [...new Set(restrictedAccounts.flatMap((a) => a.limitedRegions))]
                .filter((r) => !organizationLimited.some((l) => l.region === r))
                .flatMap((r) => limitedRegionPrincipalArnsOf(config, r)),
            ),
          ],
          // An account that may reach every region of the environment needs only the limited statements.
          organizationRegions: environmentRegions,
        })
      : []),
    // ... and the roles other accounts assume, which may act there too (the replica's reader, the
    // read-only cross-account roles): only their configured assumers assume them.
    ...crossAccountRoleProtection(config, managers),
    // ... with GuardDuty's exclusion tag where config lets GuardDuty manage its Runtime Monitoring agent
    // (whoever tags an instance or cluster GuardDutyManaged=false gets no agent there).
    ServiceControlPolicy.protectSecurityServices({ ...exempt, protectGuardDutyAgentTag: guardDutyAgentManagementOn(config) }),
    ServiceControlPolicy.protectGuardrailPrincipals({
      protectedPrincipalArns: scpProtectedPrincipalArns(config),
      managerPrincipalArns: managers,
      pipelinePrincipalArns: config.principals.pipelineRoleArns,
      cdkDeployRoleArns: cdkDeployRoleArns(config),
      cdkBootstrapQualifier: config.principals.cdkQualifier,
      // Every role under the bounded path carries the workload boundary, whoever creates it (red13 R13-3).
      ...(config.principals.boundedRolePath !== undefined
        ? {
            boundedRolePath: config.principals.boundedRolePath,
            // ... the accounts' boundary, or in a StackSet target account the baseline's of its region.
            boundedRoleBoundaryNames: [BOUNDARY_POLICY_NAMES.permissions, ...baselineBoundaries],
          }
        : {}),
      // Both boundaries (whoever can edit one can lift it) and the operators' MFA and source-range
      // policies and their group (whoever can detach or rewrite them lifts MFA for every human).
      protectedPolicyNames: [
        BOUNDARY_POLICY_NAMES.permissions,
        // ... and the StackSet baseline's per-region boundaries, which DenyUnboundedRolesUnderPath trusts as well.
        ...baselineBoundaries,
        BOUNDARY_POLICY_NAMES.deployment,
        HUMAN_ACCESS_NAMES.consoleMfaPolicy,
        HUMAN_ACCESS_NAMES.sensitiveActionsMfaPolicy,
        HUMAN_ACCESS_NAMES.sourceIpRestrictionPolicy,
      ],
      protectedGroupNames: [HUMAN_ACCESS_NAMES.operatorsGroup],
    }),
    ServiceControlPolicy.protectGuardrailResources({
      administratorArns: scpGuardrailAdministratorArns(config),
      namePrefix: GUARDRAIL_NAME_PREFIX,
      // CloudFormation updates a guardrail stack with its execution role whoever asks: only the
      // deployers may change the stacks (the apps' stacks, CDKToolkit, StackSet instances).
      stackDeployerArns: stackDeployerArns(config),
      stackNames: scpGuardrailStackNames(config),
      // ...and the StackSets, which rewrite the guardrail stacks of every target account at once.
      stackSetNames: scpGuardrailStackSetNames(config),
      // ...and, in a delegated StackSets administrator account, any StackSet: a service-managed one
      // runs in every target account as the StackSets execution role, which these SCPs exempt. (The
      // management account, callAs SELF, is never governed by SCPs.)
      stackSetAdministratorAccountIds: config.stackSets?.callAs === 'DELEGATED_ADMIN' ? [config.stackSets.adminAccountId] : undefined,
      // ...and what the next deployment runs: the CDK bootstrap assets (only the publishing roles upload).
      cdkBootstrapQualifier: config.principals.cdkQualifier,
    }),
    // The private functions' network (tagged guardrails:protected): its flow log, endpoints, routes and
    // security groups, changed only by the execution roles, the StackSet role and break-glass.
    // ... and the evidence log groups (CloudTrail's, the security events, the central copies): only
    // their named writer roles put records into them (no forged audit record).
    ServiceControlPolicy.protectTaggedGuardrailResources({
      administratorArns: scpExemptPrincipalArns(config),
      writerOnlyLogGroupPrefixes: [...WRITER_ONLY_LOG_GROUP_PREFIXES],
      logWriterRoleNames: [LOG_WRITER_ROLE_PATTERN],
    }),
    // Objects may be encrypted only with keys of the environment's accounts (never a foreign key).
    // ... and never with a customer-provided key (SSE-C: ransomware re-encrypts with a key only it holds).
    ServiceControlPolicy.denyUnencryptedS3Writes({
      requireKms: config.s3.encryption === 'SSE_KMS',
      denySseC: config.organizationPolicies.denySseC,
    }),
    // ... in SCPs of their own: the one list that grows with the accounts (split by account-id prefix
    // beyond about 60 accounts, the same deny).
    ...ServiceControlPolicy.denyForeignKmsKeys({ kmsKeyAccountIds: accounts }),
    ServiceControlPolicy.denyUnencryptedResourceCreation(),
    ServiceControlPolicy.denyLongTermCredentials(exempt),
    ...(config.organizationPolicies.requireImdsV2 ? [ServiceControlPolicy.requireImdsV2(exempt)] : []),
    // The account baseline, for principals outside the boundary too: only the settings function's
    // roles (exact name per account and region, which only the deployers may create, pass or
    // assume) and the deployers may change it.
    ...(baselineOn ? [ServiceControlPolicy.protectAccountBaseline({ ...exempt, settingsRoleArns: accountSettingsRoleArns(config) })] : []),
  ];
}

/**
 * The roles that principals of other accounts assume, which may act in the limited regions
 * (`limitedRegionPrincipalArnsOf`) or read the audit log files: the trail readers
 * (`guardrails-trail-reader-*`, with `auditLogs.readers`) and the cross-account roles of config
 * (`iam.crossAccountRoles`, e.g. the security team's read-only `GuardrailsSecurityAudit`); and their
 * configured assumers (`auditLogs.readers`, each role's `assumerRoleArns`: roles of the security
 * account).
 * - `DenyCrossAccountRoleChanges` (the protection the compiler checks for these exemption names):
 *   nobody but the managers and the assumers creates, changes, passes or assumes one of the roles.
 *   Without the assumers' exception nobody of the security account, which the SCPs govern, could
 *   assume them (red7 R7-5). One exception list for all of them (an SCP has 5,120 characters): each
 *   role's trust policy names its own assumers exactly.
 * - `DenyAssumerRoleChanges`: nobody but the managers creates, changes or passes one of the roles or
 *   one of the assumers, so the assumers may only assume (not create a role of these names in their
 *   own account), and nobody takes over an assumer to assume the roles as it (red8 R8-1). Anyone may
 *   still assume an assumer, as its own trust policy allows (humans do). The deployers (the security
 *   account's pipeline or execution role) or break-glass create and change the assumers; an IAM
 *   Identity Center role (`aws-reserved/sso.amazonaws.com/...`) is changed by Identity Center's
 *   service-linked role, which SCPs do not govern. The entry roles (`iam.assumerEntryRoleArns`) are
 *   protected the same way.
 * - `DenyAssumerAssumption`: nobody but the entry roles assumes an assumer (red9 R9-2), whatever the
 *   assumer's own trust policy admits (often the account root: every admin of the security account),
 *   and nobody assumes an entry role (red11 R11-2: they are reached by federation only); each under
 *   any path, whatever path a RoleArn claims (red11 R11-4).
 *   `DenyAssumerRoleChanges` also keeps everyone but the deployers from changing the SAML and OIDC
 *   providers of the assumers' accounts (red11 R11-1), through which one signs in to an entry role.
 *   Who may sign in with an entry role is then the identity provider's decision (Identity Center
 *   assignments), outside what SCPs govern.
 */
/** Creating, replacing, deleting and tagging SAML and OIDC providers (not reading them). */
const IDENTITY_PROVIDER_CHANGE_ACTIONS = ['iam:Create*Provider', 'iam:Delete*Provider', 'iam:Update*Provider*', 'iam:*Tag*Provider', 'iam:*ClientID*'];

/** A role ARN with its path replaced by `/` + `*` + `/` (`role/<path>/<name>` becomes `role/` then `*` then `/<name>`): the role of that name under any path but `/`. */
function roleUnderAnyPath(roleArn: string): string {
  return roleArn.replace(/:role\/(?:.*\/)?([^/]+)$/, ':role/*/$1');
}

/** The SAML and OIDC providers of the accounts of `roleArns`. */
function identityProvidersOf(roleArns: readonly string[]): string[] {
  const accounts = [...new Set(roleArns.map((arn) => arn.split(':')[4]))];
  return accounts.flatMap((a) => [`arn:aws:iam::${a}:saml-provider/*`, `arn:aws:iam::${a}:oidc-provider/*`]);
}

function crossAccountRoleProtection(config: GuardrailsConfig, managers: readonly string[]): ServiceControlPolicy[] {
  const readers = config.auditLogs.replicaRegion !== undefined ? config.auditLogs.readers?.principalArns : undefined;
  const roles = [...(readers !== undefined ? [trailReaderRoleArn('*')] : []), ...config.iam.crossAccountRoles.map((r) => anyAccountRoleArn(r.name))];
  if (roles.length === 0) return [];
  const assumers = assumerRoleArnsOf(config);
  const entries = config.iam.assumerEntryRoleArns ?? [];
  const deployers = { ArnNotEquals: { 'aws:PrincipalARN': [...new Set(managers)] } };
  return [
    new ServiceControlPolicy({
      name: 'protect-cross-account-roles',
      description:
        'Deny taking over the roles other accounts assume, and their assumers, but to the deployers; only the assumers and the deployers assume the roles',
      statements: [
        new iam.PolicyStatement({
          sid: 'DenyCrossAccountRoleChanges',
          effect: iam.Effect.DENY,
          actions: [...ServiceControlPolicy.PROTECTED_ROLE_ACTIONS],
          resources: roles,
          conditions: { ArnNotEquals: { 'aws:PrincipalARN': [...new Set([...managers, ...assumers])] } },
        }),
        ...(assumers.length > 0
          ? [
              new iam.PolicyStatement({
                sid: 'DenyAssumerRoleChanges',
                effect: iam.Effect.DENY,
                // ... and the identity providers of the assumers' accounts (red11 R11-1): whoever rewrote a
                // SAML provider's metadata (or deleted and re-created it: same ARN) would sign in to an entry
                // role with sts:AssumeRoleWithSAML, which no SCP governs. Role actions never target a provider
                // ARN nor provider actions a role ARN, so both ride on one exception list. Identity Center's
                // own provider (AWSSSO_*) is kept by its service-linked role, which SCPs do not govern.
                actions: [...ServiceControlPolicy.PROTECTED_ROLE_ACTIONS.filter((a) => !a.startsWith('sts:')), ...IDENTITY_PROVIDER_CHANGE_ACTIONS],
                resources: [...roles, ...assumers, ...entries, ...identityProvidersOf(assumers)],
                conditions: deployers,
              }),
            ]
          : []),
        // red9 R9-2: who becomes an assumer is no longer left to its own trust policy alone. Only
        // sts:AssumeRole: the entry roles of IAM Identity Center or a SAML provider are reached with
        // sts:AssumeRoleWithSAML, which no principal of the account calls; the assumers are assumed
        // from them with sts:AssumeRole, the action an admin of the account would call too.
        ...(assumers.length > 0 && entries.length > 0
          ? [
              new iam.PolicyStatement({
                sid: 'DenyAssumerAssumption',
                effect: iam.Effect.DENY,
                actions: ['sts:AssumeRole'],
                // The entry roles too (red11 R11-2): they are signed in to by federation
                // (AssumeRoleWithSAML), never assumed by a principal of the account, so a plain IAM entry
                // role that trusts the account root does not move the finding one step up. Each also under
                // any other path (red11 R11-4): a role name is unique in its account whatever the path, so
                // `role/*/<name>` is that role however a RoleArn writes a path. (No wildcard before the
                // first `/`: IAM matches the resource type literally.) The exception stays exact: an entry
                // role's own ARN.
                resources: [...new Set([...assumers, ...entries].flatMap((arn) => [arn, roleUnderAnyPath(arn)]))],
                conditions: { ArnNotEquals: { 'aws:PrincipalARN': [...new Set(entries)] } },
              }),
            ]
          : []),
      ],
    }),
  ];
}

/**
 * Where Secrets Manager and KMS may create replicas: the regions where an account of config runs
 * guardrails that watch it (`accountRegions` regions) and the StackSet regions; not a region that
 * is only ever limited (the audit replica region).
 */
export function replicaRegions(config: GuardrailsConfig): string[] {
  return [...new Set([...accountRegions(config).flatMap((a) => a.regions), ...(config.stackSets?.regions ?? [])])].sort();
}

/** True if config lets GuardDuty manage its Runtime Monitoring agent anywhere (security account or workload accounts). */
export function guardDutyAgentManagementOn(config: GuardrailsConfig): boolean {
  return [config.securityAccount.detectiveControls.guardDutyProtection, config.detectiveControls.guardDutyProtection].some(
    (plans) => plans.eksAgentManagement || plans.ecsFargateAgentManagement || plans.ec2AgentManagement,
  );
}
