import { PolicySizeLimit } from '@cdk-guardrails/facts';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  DEFAULT_CDK_BOOTSTRAP_QUALIFIER,
  DEFAULT_RESOURCE_NAME_PREFIX,
  exceptPrincipals,
  guardrailResourceStatement,
  guardrailStackPatterns,
  guardrailStackStatement,
  guardrailStackSetPatterns,
  stackSetAdministrationStatement,
  PROTECTED_TAG_KEY,
  protectedSessionTagStatement,
  guardDutyAgentTagStatement,
  protectedTagKeyStatement,
} from './private/guardrail-statements';
import {
  GLOBAL_SERVICE_ACTIONS,
  PROTECTED_ROLE_ACTIONS,
  ROLE_MUTATION_ACTIONS,
  TAGGED_GUARDRAIL_RESOURCE_TAMPER_ACTIONS,
  IDENTITY_TAGGING_ACTIONS,
  LOG_SUBSCRIPTION_TAMPER_ACTIONS,
  LONG_TERM_CREDENTIAL_ACTIONS,
  SECURITY_FINDING_TAMPER_ACTIONS,
  DEFAULT_EVENT_BUS_TAMPER_ACTIONS,
  SECURITY_SERVICE_TAMPER_ACTIONS,
  SESSION_TAGGING_ACTIONS,
} from './private/perms';
import {
  AccountBaselineProtectionOptions,
  AccountRegionRestrictionOptions,
  ForeignKmsKeysOptions,
  GuardrailPrincipalsProtectionOptions,
  GuardrailResourcesProtectionOptions,
  ImdsV2Options,
  LongTermCredentialsOptions,
  RegionRestrictionOptions,
  SecurityServicesProtectionOptions,
  ServiceControlPolicyProps,
  TaggedGuardrailResourcesProtectionOptions,
  UnencryptedResourceCreationOptions,
  UnencryptedS3WritesOptions,
} from './service-control-policy-options';
import { guardrailPrincipalsStatements } from './private/scp-principal-statements';
import { logWriterRoleStatement } from './private/scp-statements';
import {
  accountBaselineStatements,
  exemptPrincipalArns,
  foreignKmsKeyStatements,
  guardrailLogWriterStatement,
  imdsV2Statements,
  unencryptedResourceStatements,
  unencryptedS3WriteStatements,
  validatedKeyAccounts,
  writePolicyFiles,
} from './private/scp-statements';
import {
  validateCdkBootstrapQualifier,
  validateNonEmpty,
  validateResourceNamePrefix,
  validateScpPrincipalArns,
  validateStackNamePatterns,
} from './private/validate';
import { organizationPolicyJson } from './private/organization-policy';
import { checkPatternExemptionsProtected, snapshotPolicies } from './private/exemption-protection';
import { propError } from '../private/errors';

/** Error prefixes of the builders that have no construct (see ../private/errors.ts). */
const REGION = 'ServiceControlPolicy.regionRestriction';
const CTOR = 'new ServiceControlPolicy';

/**
 * A service control policy document generated in code, checked against the AWS Organizations
 * size limit (5,120 characters) and written as a JSON file at synth time. This library does not
 * create or attach SCPs (that needs the management account and an organization that config
 * names); see the README for how to attach the files.
 *
 * The size counts every character of the JSON as sent: the Organizations API (CLI, SDK) keeps
 * whitespace and counts it (only the console strips it), so the document is emitted and
 * measured minified.
 */
export class ServiceControlPolicy {
  /** AWS Organizations limit for an SCP document, in characters (whitespace included). */
  public static readonly MAX_CHARACTERS: number = PolicySizeLimit.SERVICE_CONTROL_POLICY.maximum;

  /** Actions of global services that the region restriction never denies. */
  public static readonly GLOBAL_SERVICE_ACTIONS: string[] = [...GLOBAL_SERVICE_ACTIONS];

  /**
   * What the SCPs deny on a protected role to all but its managers (`DenyLogWriterRoleChanges`):
   * creating it, changing, tagging or deleting it and its policies, passing it and assuming it. A
   * Deny of these on every role an exemption pattern matches is what the compiler accepts as its
   * protection; use them for a statement of your own.
   */
  public static readonly PROTECTED_ROLE_ACTIONS: string[] = [...PROTECTED_ROLE_ACTIONS];

  /**
   * Deny every action outside the allowed regions (`aws:RequestedRegion`), except the actions of
   * global services (IAM, Organizations, STS, CloudFront, Route 53, support, billing ...), whose
   * single endpoint sits in us-east-1; and Secrets Manager and KMS replicas outside `replicaRegions`
   * (the allowed regions by default), which a request to an allowed region would create elsewhere.
   * (ECR's registry replication carries no region a policy can test: not covered.)
   */
  public static regionRestriction(options: RegionRestrictionOptions): ServiceControlPolicy {
    if (!options.allowedRegions || options.allowedRegions.length === 0) {
      throw propError(REGION, 'allowedRegions', 'an empty list', "at least one region such as 'eu-west-1'");
    }
    for (const r of options.allowedRegions) {
      if (!/^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/.test(r)) {
        throw propError(REGION, 'allowedRegions', `'${r}'`, "a region name such as 'eu-west-1'");
      }
    }
    const exempt = [...GLOBAL_SERVICE_ACTIONS, ...(options.additionalExemptActions ?? [])];
    const replicaRegions = [...new Set(options.replicaRegions ?? options.allowedRegions)].sort();
    if (replicaRegions.length === 0) throw propError(REGION, 'replicaRegions', 'an empty list', 'at least one of allowedRegions');
    const notAllowed = replicaRegions.find((r) => !options.allowedRegions.includes(r));
    if (notAllowed !== undefined) throw propError(REGION, 'replicaRegions', `'${notAllowed}'`, `one of allowedRegions (${options.allowedRegions.join(', ')})`);
    const exemptPrincipals = exceptPrincipals(exemptPrincipalArns(REGION, options));
    return new ServiceControlPolicy({
      name: options.name ?? 'region-restriction',
      description: `Deny requests outside ${options.allowedRegions.join(', ')} (global services exempt)`,
      statements: [
        new iam.PolicyStatement({
          sid: 'DenyOutsideAllowedRegions',
          effect: iam.Effect.DENY,
          notActions: exempt,
          resources: ['*'],
          conditions: {
            StringNotEquals: { 'aws:RequestedRegion': [...options.allowedRegions] },
            ...exemptPrincipals,
          },
        }),
        // ... and the replicas a service creates elsewhere on a request to an allowed region, for
        // everyone (a data-residency rule: widen replicaRegions rather than exempt a principal).
        new iam.PolicyStatement({
          sid: 'DenySecretReplicasOutsideRegions',
          effect: iam.Effect.DENY,
          actions: ['secretsmanager:CreateSecret', 'secretsmanager:ReplicateSecretToRegions'],
          resources: ['*'],
          conditions: { 'ForAnyValue:StringNotEquals': { 'secretsmanager:AddReplicaRegions': replicaRegions } },
        }),
        new iam.PolicyStatement({
          sid: 'DenyKeyReplicasOutsideRegions',
          effect: iam.Effect.DENY,
          actions: ['kms:ReplicateKey'],
          resources: ['*'],
          conditions: { StringNotEquals: { 'kms:ReplicaRegion': replicaRegions } },
        }),
      ],
    });
  }

  /**
   * Deny the principals of each account every action outside that account's own regions
   * (`aws:PrincipalAccount`, `aws:RequestedRegion`), except the actions of global services and
   * `exemptPrincipalArns`: for an organization whose accounts run their guardrails (trail, event
   * rules, GuardDuty, Config) in different regions, so that no account acts where its own
   * guardrails do not watch, although `regionRestriction` allows every region of the organization.
   * Accounts with the same regions share a statement (as many as fit one document); the statements
   * are packed into as many documents as they need (15 characters an account, plus about 1,000 a
   * distinct set of regions and statement). An account not listed is not restricted by it.
   *
   * An account's `limitedRegions` are let through by that statement and held by another: there only
   * `limitedRegionPrincipalArns` and `exemptPrincipalArns` may act (global services exempt), for
   * regions where the account runs a stack that watches nothing (an IAM capture, an audit replica).
   * `organizationLimitedRegions` do the same for every account the SCP governs, one statement and
   * one list of principals a region, whatever the number of accounts (prefer them where no account
   * that is not listed runs its guardrails in the region).
   */
  public static accountRegionRestriction(options: AccountRegionRestrictionOptions): ServiceControlPolicy[] {
    const owner = 'ServiceControlPolicy.accountRegionRestriction';
    const accounts = options.accounts ?? [];
    if (accounts.length === 0) throw propError(owner, 'accounts', 'an empty list', 'at least one account with its regions');
    const byRegions = new Map<string, string[]>();
    const byLimited = new Map<string, string[]>();
    const seen = new Set<string>();
    const checkRegions = (field: string, regions: readonly string[]) => {
      for (const r of regions) {
        if (!/^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/.test(r)) throw propError(owner, field, `'${r}'`, "a region name such as 'eu-west-1'");
      }
    };
    const organizationRegions = options.organizationRegions;
    if (organizationRegions !== undefined) checkRegions('organizationRegions', organizationRegions);
    // Regions limited for every governed account but those whose guardrails run there (red7 R7-1).
    const orgLimited = options.organizationLimitedRegions ?? [];
    const fullIn = new Map<string, Set<string>>();
    orgLimited.forEach((l, j) => {
      checkRegions(`organizationLimitedRegions[${j}].region`, [l.region]);
      if (fullIn.has(l.region)) throw propError(owner, `organizationLimitedRegions[${j}].region`, `'${l.region}' again`, 'each region once');
      validateScpPrincipalArns(owner, `organizationLimitedRegions[${j}].principalArns`, l.principalArns ?? []);
      (l.fullAccountIds ?? []).forEach((id, k) => {
        if (!/^\d{12}$/.test(id)) throw propError(owner, `organizationLimitedRegions[${j}].fullAccountIds[${k}]`, `'${id}'`, 'a 12-digit account id');
      });
      fullIn.set(l.region, new Set(l.fullAccountIds ?? []));
    });
    accounts.forEach((a, i) => {
      if (!/^\d{12}$/.test(a.accountId ?? '')) throw propError(owner, `accounts[${i}].accountId`, `'${a.accountId}'`, 'a 12-digit account id');
      if (seen.has(a.accountId)) throw propError(owner, `accounts[${i}].accountId`, `'${a.accountId}'`, 'each account once');
      seen.add(a.accountId);
      if (!a.regions || a.regions.length === 0) throw propError(owner, `accounts[${i}].regions`, 'an empty list', "at least one region such as 'eu-west-1'");
      checkRegions(`accounts[${i}].regions`, a.regions);
      const limited = [...new Set(a.limitedRegions ?? [])].sort();
      checkRegions(`accounts[${i}].limitedRegions`, limited);
      const both = limited.find((r) => a.regions.includes(r));
      if (both !== undefined) {
        throw propError(owner, `accounts[${i}].limitedRegions`, `'${both}', also in regions`, "regions that are not among the account's regions");
      }
      orgLimited.forEach((l, j) => {
        if (a.regions.includes(l.region)) {
          fullIn.get(l.region)!.add(a.accountId);
        } else if ((l.fullAccountIds ?? []).includes(a.accountId)) {
          // A listed account is held outside its regions: full here it would be open in the region.
          throw propError(
            owner,
            `organizationLimitedRegions[${j}].fullAccountIds`,
            `'${a.accountId}', which accounts[${i}].regions does not list ${l.region} for`,
            'accounts that are not listed in accounts (a listed account is full where its regions include the region, automatically)',
          );
        }
      });
      // The outside-regions statement lets the limited regions through: their own statements hold them.
      const reachable = new Set([...a.regions, ...limited]);
      const key = [...reachable].sort().join(',');
      // ... and is not needed where the organization's region restriction says the same.
      const covered = organizationRegions !== undefined && organizationRegions.every((r) => reachable.has(r));
      if (!covered) byRegions.set(key, [...(byRegions.get(key) ?? []), a.accountId]);
      // ... the organization's limited regions by their own statement, the others by one per set of accounts.
      const own = limited.filter((r) => !fullIn.has(r));
      if (own.length > 0) byLimited.set(own.join(','), [...(byLimited.get(own.join(',')) ?? []), a.accountId]);
    });
    const exemptActions = [...GLOBAL_SERVICE_ACTIONS, ...(options.additionalExemptActions ?? [])];
    const exempt = exemptPrincipalArns(owner, options);
    const limitedPrincipals = options.limitedRegionPrincipalArns ?? [];
    validateScpPrincipalArns(owner, 'limitedRegionPrincipalArns', limitedPrincipals);
    if (byLimited.size > 0 && limitedPrincipals.length === 0 && exempt.length === 0) {
      throw propError(
        owner,
        'limitedRegionPrincipalArns',
        'none (and no exemptPrincipalArns)',
        'the principals that deploy and run the stacks of the limited regions',
        'Otherwise nobody, not even the deployer, may act in them.',
      );
    }
    const statement = (sid: string, ids: string[], regions: string[], limited: boolean) =>
      new iam.PolicyStatement({
        sid,
        effect: iam.Effect.DENY,
        notActions: exemptActions,
        resources: ['*'],
        conditions: {
          StringEquals: limited ? { 'aws:PrincipalAccount': ids, 'aws:RequestedRegion': regions } : { 'aws:PrincipalAccount': ids },
          ...(limited ? {} : { StringNotEquals: { 'aws:RequestedRegion': regions } }),
          ...exceptPrincipals(limited ? [...exempt, ...limitedPrincipals] : exempt),
        },
      });
    const statements: iam.PolicyStatement[] = [];
    const add = (groups: Map<string, string[]>, sidPrefix: string, limited: boolean) => {
      for (const [key, ids] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
        const regions = key.split(',');
        // As many accounts a statement as fit one document ("123456789012", = 15 characters each).
        const base = JSON.stringify(statement(`${sidPrefix}999`, [], regions, limited).toStatementJson()).length;
        const perStatement = Math.max(1, Math.floor((DOCUMENT_BUDGET - base - 1) / 15));
        const sorted = [...ids].sort();
        for (let start = 0; start < sorted.length; start += perStatement) {
          statements.push(statement(`${sidPrefix}${statements.length + 1}`, sorted.slice(start, start + perStatement), regions, limited));
        }
      }
    };
    add(byRegions, 'DenyOutsideAccountRegions', false);
    // ... and in its limited regions, everyone but the deployers and the roles of their stacks (red6 R6-2).
    add(byLimited, 'DenyInLimitedAccountRegions', true);
    // ... and in the organization's limited regions, every account but those whose guardrails run
    // there, except only that region's principals (one statement a region: red7 R7-1), in a policy
    // of their own (`<name>-limited-regions`): they hold the accounts `accounts` does not list too,
    // so a compiler can keep them where every account of the organization gets them.
    const perAccount = statements.length;
    [...orgLimited]
      .sort((a, b) => a.region.localeCompare(b.region))
      .forEach((l, j) => {
        const principals = l.principalArns ?? [];
        if (principals.length === 0 && exempt.length === 0) {
          throw propError(
            owner,
            `organizationLimitedRegions[${j}].principalArns`,
            'none (and no exemptPrincipalArns)',
            'the principals that deploy and run the stacks of the region',
            'Otherwise nobody, not even the deployer, may act in it.',
          );
        }
        const full = [...fullIn.get(l.region)!].sort();
        statements.push(
          new iam.PolicyStatement({
            sid: `DenyInLimitedRegion${statements.length + 1}`,
            effect: iam.Effect.DENY,
            notActions: exemptActions,
            resources: ['*'],
            conditions: {
              StringEquals: { 'aws:RequestedRegion': [l.region] },
              ...(full.length > 0 ? { StringNotEquals: { 'aws:PrincipalAccount': full } } : {}),
              ...exceptPrincipals([...exempt, ...principals]),
            },
          }),
        );
        // ... and the replicas Secrets Manager and KMS create there on a request to another region
        // (aws:RequestedRegion is that other region; red7 R7-2), for everyone of those accounts, the
        // exemptions included, as `regionRestriction` does for `replicaRegions`: nothing of theirs
        // watches the replica there. (An ECR registry replication has no region key: not held.)
        const notFull = full.length > 0 ? { StringNotEquals: { 'aws:PrincipalAccount': full } } : {};
        if (l.denyReplicas === false) return;
        statements.push(
          new iam.PolicyStatement({
            sid: `DenySecretReplicasInLimitedRegion${statements.length + 1}`,
            effect: iam.Effect.DENY,
            actions: ['secretsmanager:CreateSecret', 'secretsmanager:ReplicateSecretToRegions'],
            resources: ['*'],
            conditions: { 'ForAnyValue:StringEquals': { 'secretsmanager:AddReplicaRegions': [l.region] }, ...notFull },
          }),
          new iam.PolicyStatement({
            sid: `DenyKeyReplicasInLimitedRegion${statements.length + 2}`,
            effect: iam.Effect.DENY,
            actions: ['kms:ReplicateKey'],
            resources: ['*'],
            conditions: { StringEquals: { 'kms:ReplicaRegion': [l.region] }, ...notFull },
          }),
        );
      });
    // Every account covered by organizationRegions, none limited: nothing to deny beyond them.
    const name = options.name ?? 'account-region-restriction';
    return [
      ...(perAccount > 0
        ? packedPolicies(
            name,
            byLimited.size > 0
              ? "Deny each account's principals requests outside its own regions, and in its limited regions but to the named roles (global services exempt)"
              : "Deny each account's principals requests outside its own regions (global services exempt)",
            statements.slice(0, perAccount),
          )
        : []),
      ...(statements.length > perAccount
        ? packedPolicies(
            `${name}-limited-regions`,
            "Deny every account's principals requests in the organization's limited regions but to each region's named roles, where the account's guardrails do not run (global services exempt)",
            statements.slice(perAccount),
          )
        : []),
    ];
  }

  /**
   * Deny disabling or changing the security services (CloudTrail, GuardDuty, Config, IAM Access
   * Analyzer, Security Hub), the log subscriptions and destinations, and leaving the organization;
   * and deny setting the `guardrails:protected` tag key, on an IAM identity or resource (except for
   * `exemptPrincipalArns`: the CloudFormation execution role tags the guardrail roles) or on a
   * session (session and transitive tags: nobody is exempt).
   */
  public static protectSecurityServices(options: SecurityServicesProtectionOptions = {}): ServiceControlPolicy {
    const exempt = exemptPrincipalArns('ServiceControlPolicy.protectSecurityServices', options);
    return new ServiceControlPolicy({
      name: options.name ?? 'protect-security-services',
      description: 'Deny disabling or changing security services, log subscriptions, the protected tag, and leaving the organization',
      statements: [
        new iam.PolicyStatement({
          sid: 'DenySecurityServiceTampering',
          effect: iam.Effect.DENY,
          actions: [...SECURITY_SERVICE_TAMPER_ACTIONS, ...LOG_SUBSCRIPTION_TAMPER_ACTIONS, ...SECURITY_FINDING_TAMPER_ACTIONS],
          resources: ['*'],
          conditions: exceptPrincipals(exempt),
        }),
        protectedTagKeyStatement('DenyProtectedTagOnIdentities', IDENTITY_TAGGING_ACTIONS, exempt),
        protectedTagKeyStatement('DenyProtectedSessionTagKey', SESSION_TAGGING_ACTIONS, []),
        protectedSessionTagStatement(),
        ...(options.protectGuardDutyAgentTag ? [guardDutyAgentTagStatement(exempt)] : []),
        new iam.PolicyStatement({
          sid: 'DenyLeavingOrganization',
          effect: iam.Effect.DENY,
          actions: ['organizations:LeaveOrganization'],
          resources: ['*'],
        }),
      ],
    });
  }

  /**
   * Deny taking over the guardrail roles and the CDK bootstrap roles in the member accounts:
   * - creating a role with a protected name, changing, tagging, untagging or updating the trust
   *   policy of a protected role or of any `cdk-<qualifier>-*` role: only `managerPrincipalArns`;
   * - passing or assuming a protected role: only `managerPrincipalArns`;
   * - assuming a CDK bootstrap role: only `pipelinePrincipalArns`;
   * - passing a CDK bootstrap role (the execution role, to CloudFormation): only `cdkDeployRoleArns`
   *   and `managerPrincipalArns`.
   *
   * SCPs govern the IAM users and roles of the member accounts only. This design assumes that humans
   * reach the break-glass and administrator roles through SAML or IAM Identity Center federation
   * (`AssumeRoleWithSAML` is not made by a member-account principal) or from the management account,
   * which SCPs do not govern; a principal of a member account that must assume a protected role has
   * to be a manager. AWS service principals (CloudFormation assuming the execution role) and
   * service-linked roles are not governed either.
   */
  public static protectGuardrailPrincipals(options: GuardrailPrincipalsProtectionOptions): ServiceControlPolicy {
    const statements = guardrailPrincipalsStatements('ServiceControlPolicy.protectGuardrailPrincipals', options);
    return new ServiceControlPolicy({
      name: options.name ?? 'protect-guardrail-principals',
      description: 'Deny taking over the guardrail roles and the CDK bootstrap roles',
      statements,
    });
  }

  /**
   * Deny changing guardrail infrastructure tagged `guardrails:protected=true` in the member
   * accounts to every principal but `administratorArns`: IAM roles (changing, deleting, untagging,
   * passing; not assuming), Lambda functions (their code, configuration and concurrency), the AWS
   * Backup plans and vaults (deleting or rewriting plans, selections
   * and vault policies, locks and notifications), the private network (deleting the flow
   * log; deleting or modifying endpoints, security group rules, routes, route table and NACL
   * associations, subnets, the VPC) and the event source mappings that feed the guardrail
   * functions (updating, re-pointing or deleting them), and re-tagging or untagging any of them;
   * and, by name, re-keying the default event bus (which carries the events the guardrail rules
   * capture), archiving it or replaying its events.
   * Tag them with `Tags.of(construct).add('guardrails:protected', 'true')` (whoever tags another
   * resource so only protects it from itself).
   */
  public static protectTaggedGuardrailResources(options: TaggedGuardrailResourcesProtectionOptions): ServiceControlPolicy {
    const owner = 'ServiceControlPolicy.protectTaggedGuardrailResources';
    validateNonEmpty(
      owner,
      'administratorArns',
      options.administratorArns,
      'at least one exact IAM role or user ARN (the CloudFormation execution roles that deploy the guardrail network)',
    );
    validateScpPrincipalArns(owner, 'administratorArns', options.administratorArns);
    const logStatement = guardrailLogWriterStatement(owner, options);
    return new ServiceControlPolicy({
      name: options.name ?? 'protect-tagged-guardrail-resources',
      description:
        'Deny changing the guardrail roles, functions, backups, network and event source mappings (tagged guardrails:protected) and the default event bus',
      statements: [
        new iam.PolicyStatement({
          sid: 'DenyTaggedGuardrailResourceChanges',
          effect: iam.Effect.DENY,
          // ...and the tagged roles (red14 R14-1): the boundary protects them by this tag, but the SCPs
          // named only roles of fixed names, and CloudFormation names the Config recorder, backup, flow
          // log and Logs destination roles itself. Changing, deleting, untagging and passing; not
          // assuming (the tagged trail readers are assumed by the auditors).
          actions: [...TAGGED_GUARDRAIL_RESOURCE_TAMPER_ACTIONS, ...ROLE_MUTATION_ACTIONS],
          resources: ['*'],
          conditions: {
            StringEquals: { [`aws:ResourceTag/${PROTECTED_TAG_KEY}`]: 'true' },
            ...exceptPrincipals(options.administratorArns),
          },
        }),
        new iam.PolicyStatement({
          // The default event bus takes no tag through CloudFormation: protected by its name.
          sid: 'DenyDefaultEventBusChanges',
          effect: iam.Effect.DENY,
          actions: [...DEFAULT_EVENT_BUS_TAMPER_ACTIONS],
          // Both ARN forms the EventBridge actions authorize the bus as (see DEFAULT_EVENT_BUS_TAMPER_ACTIONS).
          resources: ['arn:*:events:*:*:event-bus/default', 'arn:*:events:*:*:event-busv2/default/*'],
          conditions: exceptPrincipals(options.administratorArns),
        }),
        ...(logStatement ? [logStatement, logWriterRoleStatement(options.logWriterRoleNames ?? [], options.administratorArns)] : []),
      ],
    });
  }

  /**
   * Deny destroying or reconfiguring the guardrail resources in the member accounts (log groups
   * `/<prefix>/...`, Lambda functions and their event source mappings, EventBridge rules, Kinesis
   * streams, SQS queues and CloudWatch alarms `<prefix>-...`) to every principal but
   * `administratorArns`. Writing to them stays allowed (`logs:PutLogEvents`, `kinesis:PutRecords`,
   * `sqs:SendMessage`; not invoking a function: only AWS services invoke them). The same statement as
   * the permissions boundary's.
   * With `stackDeployerArns`, also changing the guardrail stacks and the CDK bootstrap assets the next
   * deployment runs (see those options).
   */
  public static protectGuardrailResources(options: GuardrailResourcesProtectionOptions): ServiceControlPolicy {
    const owner = 'ServiceControlPolicy.protectGuardrailResources';
    validateNonEmpty(
      owner,
      'administratorArns',
      options.administratorArns,
      'at least one exact IAM role or user ARN (the CloudFormation execution roles that deploy the guardrail resources)',
    );
    validateScpPrincipalArns(owner, 'administratorArns', options.administratorArns);
    const prefix = options.namePrefix ?? DEFAULT_RESOURCE_NAME_PREFIX;
    validateResourceNamePrefix(owner, 'namePrefix', prefix);
    const deployers = options.stackDeployerArns ?? [];
    validateScpPrincipalArns(owner, 'stackDeployerArns', deployers);
    const stackNames = options.stackNames ?? [];
    validateStackNamePatterns(owner, 'stackNames', stackNames);
    const stackSetNames = options.stackSetNames ?? [];
    validateStackNamePatterns(owner, 'stackSetNames', stackSetNames);
    for (const [prop, names] of [
      ['stackNames', stackNames],
      ['stackSetNames', stackSetNames],
    ] as const) {
      if (names.length > 0 && deployers.length === 0) {
        throw propError(
          owner,
          prop,
          `${JSON.stringify(names)} without stackDeployerArns`,
          'the exact ARNs of the principals that deploy those stacks (CDK deploy roles, pipelines, StackSet execution role, break-glass) ' +
            `in stackDeployerArns, or no ${prop}`,
        );
      }
    }
    const stackSetAdmins = options.stackSetAdministratorAccountIds ?? [];
    stackSetAdmins.forEach((id, i) => {
      if (!/^\d{12}$/.test(id)) throw propError(owner, `stackSetAdministratorAccountIds[${i}]`, `'${id}'`, 'a 12-digit AWS account id');
    });
    if (stackSetAdmins.length > 0 && deployers.length === 0) {
      throw propError(
        owner,
        'stackSetAdministratorAccountIds',
        `${JSON.stringify(stackSetAdmins)} without stackDeployerArns`,
        'the exact ARNs of the principals that deploy the StackSets in stackDeployerArns, or no stackSetAdministratorAccountIds',
      );
    }
    const qualifier = options.cdkBootstrapQualifier;
    if (deployers.length > 0 && (qualifier === undefined || qualifier.toLowerCase() === DEFAULT_CDK_BOOTSTRAP_QUALIFIER)) {
      throw propError(
        owner,
        'cdkBootstrapQualifier',
        qualifier === undefined ? 'nothing, with stackDeployerArns' : `'${qualifier}', CDK's default qualifier`,
        "the qualifier of your own CDK bootstrap (cdk bootstrap --qualifier <q>), not 'hnb659fds'",
        'The SCP exempts the publishing and execution roles of the qualifier in every account it governs, and a role of the default ' +
          'qualifier exists in any account a team bootstrapped with a plain `cdk bootstrap`.',
      );
    }
    if (qualifier !== undefined) validateCdkBootstrapQualifier(owner, 'cdkBootstrapQualifier', qualifier);
    const statements = [guardrailResourceStatement(options.administratorArns, prefix)];
    if (deployers.length > 0 && qualifier !== undefined)
      statements.push(
        guardrailStackStatement(deployers, [...guardrailStackPatterns(prefix, stackNames), ...guardrailStackSetPatterns(prefix, stackSetNames)], qualifier),
      );
    if (stackSetAdmins.length > 0) statements.push(stackSetAdministrationStatement(deployers, [...new Set(stackSetAdmins)]));
    return new ServiceControlPolicy({
      name: options.name ?? 'protect-guardrail-resources',
      description: `Deny destroying or reconfiguring the ${prefix} log groups, functions, rules, streams, queues, alarms${deployers.length > 0 ? ', stacks and CDK assets' : ''}`,
      statements,
    });
  }

  /**
   * Deny creating IAM access keys anywhere in the accounts: service identities are roles, humans
   * sign in through federation or the console with MFA.
   */
  public static denyLongTermCredentials(options: LongTermCredentialsOptions = {}): ServiceControlPolicy {
    return new ServiceControlPolicy({
      name: options.name ?? 'deny-long-term-credentials',
      description: 'Deny creating IAM access keys (service identities are roles only)',
      statements: [
        new iam.PolicyStatement({
          sid: 'DenyAccessKeyCreation',
          effect: iam.Effect.DENY,
          actions: [...LONG_TERM_CREDENTIAL_ACTIONS],
          resources: ['*'],
          conditions: exceptPrincipals(exemptPrincipalArns('ServiceControlPolicy.denyLongTermCredentials', options)),
        }),
      ],
    });
  }

  /**
   * Deny S3 writes over plain HTTP, (by default) without a server-side encryption header and
   * (by default) with a customer-provided key (SSE-C); optionally require SSE-KMS.
   */
  public static denyUnencryptedS3Writes(options: UnencryptedS3WritesOptions = {}): ServiceControlPolicy {
    const owner = 'ServiceControlPolicy.denyUnencryptedS3Writes';
    const statements = unencryptedS3WriteStatements(owner, options);
    const size = JSON.stringify({ Version: '2012-10-17', Statement: statements.map((st) => st.toStatementJson()) }).length;
    if (size > ServiceControlPolicy.MAX_CHARACTERS && options.kmsKeyAccountIds !== undefined) {
      throw propError(
        owner,
        'kmsKeyAccountIds',
        `${new Set(options.kmsKeyAccountIds).size} accounts, an SCP of ${size} characters`,
        `a list that fits one SCP of ${ServiceControlPolicy.MAX_CHARACTERS} characters`,
        'Use ServiceControlPolicy.denyForeignKmsKeys, which spreads the same deny over as many SCPs as it needs, and no kmsKeyAccountIds here.',
      );
    }
    return new ServiceControlPolicy({
      name: options.name ?? 'deny-unencrypted-s3-writes',
      description: 'Deny S3 writes without TLS or without server-side encryption',
      statements,
    });
  }

  /**
   * Deny S3 PUTs that name a KMS key of any account but `kmsKeyAccountIds` (the statement
   * `kmsKeyAccountIds` of `denyUnencryptedS3Writes` adds, for any number of accounts): the deny is
   * split by account-id prefix into statements, and those into as many SCPs as they need (each at
   * most 5,120 characters), which `OrganizationPolicyCompiler` packs with the others. Together they
   * deny exactly what one list would: a key ARN of another account, a key id, an alias.
   */
  public static denyForeignKmsKeys(options: ForeignKmsKeysOptions): ServiceControlPolicy[] {
    const owner = 'ServiceControlPolicy.denyForeignKmsKeys';
    const statements = foreignKmsKeyStatements(validatedKeyAccounts(owner, options.kmsKeyAccountIds ?? [], 'at least one'));
    return packedPolicies(options.name ?? 'deny-foreign-kms-keys', 'Deny S3 writes that name a KMS key of a foreign account', statements);
  }

  /**
   * Deny creating unencrypted resources where AWS offers a condition key for it: EBS volumes
   * (`ec2:Encrypted`, also on RunInstances), turning off EBS encryption by default, RDS instances
   * and clusters (`rds:StorageEncrypted`), EFS file systems (`elasticfilesystem:Encrypted`) and
   * ElastiCache replication groups (`elasticache:AtRestEncryptionEnabled`).
   *
   * `Bool ... false` only matches when the request states "not encrypted"; a request that omits
   * the parameter is governed by the service default (EBS: the account's encryption-by-default
   * setting, which this SCP stops anyone from turning off).
   */
  public static denyUnencryptedResourceCreation(options: UnencryptedResourceCreationOptions = {}): ServiceControlPolicy {
    return new ServiceControlPolicy({
      name: options.name ?? 'deny-unencrypted-resources',
      description: 'Deny creating unencrypted EBS, RDS, EFS and ElastiCache resources',
      statements: unencryptedResourceStatements(),
    });
  }

  /**
   * Require IMDSv2 for new instances (deny `ec2:RunInstances` unless `ec2:MetadataHttpTokens` is
   * `required`) and deny changing an instance's metadata options (`ec2:ModifyInstanceMetadataOptions`,
   * which could turn IMDSv1 back on) to every principal but `exemptPrincipalArns`.
   */
  public static requireImdsV2(options: ImdsV2Options = {}): ServiceControlPolicy {
    const exempt = exemptPrincipalArns('ServiceControlPolicy.requireImdsV2', options);
    return new ServiceControlPolicy({
      name: options.name ?? 'require-imdsv2',
      description: 'Deny instances without IMDSv2',
      statements: imdsV2Statements(exempt),
    });
  }

  /**
   * Deny undoing the account baseline to every principal but `exemptPrincipalArns` (the deployers)
   * and `settingsRoleArns` (the roles of the function that applies the settings): switching the account's S3 Block Public
   * Access off (`s3:PutAccountPublicAccessBlock`, which also authorizes deleting it), turning EBS
   * encryption by default off, and moving or resetting the default EBS encryption key. The same
   * actions the permissions boundary denies, held here for principals outside any boundary. With
   * `settingsRoleArns`, also deny creating, changing, passing or assuming those roles to every
   * principal but `exemptPrincipalArns`: an exempt role anyone could pass is no guardrail.
   */
  public static protectAccountBaseline(options: AccountBaselineProtectionOptions = {}): ServiceControlPolicy {
    const owner = 'ServiceControlPolicy.protectAccountBaseline';
    const exempt = exemptPrincipalArns(owner, options);
    const settingsRoles = options.settingsRoleArns ?? [];
    validateScpPrincipalArns(owner, 'settingsRoleArns', settingsRoles);
    return new ServiceControlPolicy({
      name: options.name ?? 'protect-account-baseline',
      description: 'Deny undoing the account baseline (S3 Block Public Access, EBS default key)',
      statements: accountBaselineStatements(exempt, settingsRoles),
    });
  }

  /**
   * Write each policy as `<directory>/<name>.json` (minified, exactly the checked content) and
   * return the paths. Call it after `app.synth()`, for example with
   * `path.join(assembly.directory, 'scp')`.
   */
  public static writeFiles(directory: string, policies: ServiceControlPolicy[]): string[] {
    // Each document read once: what is checked is what is written (a subclass's toJson() could differ between calls).
    const documents = snapshotPolicies(policies);
    checkPatternExemptionsProtected('ServiceControlPolicy.writeFiles', documents);
    return writePolicyFiles('ServiceControlPolicy.writeFiles', directory, documents);
  }

  /**
   * Throw unless every exemption pattern of `policies` is protected by one of their statements (the
   * check `writeFiles` and `OrganizationPolicyCompiler` run): for a set of SCPs attached together by
   * tooling of your own from `toJson()`, which checks nothing on its own. Pass every SCP that governs
   * the same accounts.
   */
  public static checkExemptionsProtected(policies: ServiceControlPolicy[]): void {
    checkPatternExemptionsProtected('ServiceControlPolicy.checkExemptionsProtected', snapshotPolicies(policies));
  }

  /** Name of the SCP (also its file name). */
  public readonly name: string;

  /** Description to use when creating the SCP. */
  public readonly description?: string;

  /** Characters of the minified document (what Organizations counts). */
  public readonly sizeInCharacters: number;

  private readonly json: string;

  constructor(props: ServiceControlPolicyProps) {
    const json = organizationPolicyJson(CTOR, 'SCP', props.name, props.statements, ServiceControlPolicy.MAX_CHARACTERS);
    this.name = props.name;
    this.description = props.description;
    this.sizeInCharacters = json.length;
    this.json = json;
  }

  /** The policy as minified JSON: the exact content to send to AWS Organizations. */
  public toJson(): string {
    return this.json;
  }
}

/** What the statements of one SCP document may hold (its limit less the document's own characters). */
const DOCUMENT_BUDGET = PolicySizeLimit.SERVICE_CONTROL_POLICY.maximum - JSON.stringify({ Version: '2012-10-17', Statement: [] }).length;

/** The statements packed in order into as few documents as fit the SCP limit: `name`, `name-2` ... */
function packedPolicies(name: string, description: string, statements: iam.PolicyStatement[]): ServiceControlPolicy[] {
  const budget = DOCUMENT_BUDGET;
  const groups: iam.PolicyStatement[][] = [[]];
  let used = 0;
  for (const st of statements) {
    const size = JSON.stringify(st.toStatementJson()).length + 1;
    if (used + size > budget && groups[groups.length - 1].length > 0) {
      groups.push([]);
      used = 0;
    }
    groups[groups.length - 1].push(st);
    used += size;
  }
  return groups.map((g, i) => new ServiceControlPolicy({ name: i === 0 ? name : `${name}-${i + 1}`, description, statements: g }));
}
