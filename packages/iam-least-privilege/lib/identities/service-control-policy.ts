import * as fs from 'fs';
import * as path from 'path';
import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  cdkBootstrapRolePattern,
  DEFAULT_CDK_BOOTSTRAP_QUALIFIER,
  DEFAULT_RESOURCE_NAME_PREFIX,
  exceptPrincipals,
  guardrailResourceStatement,
  guardrailStackPatterns,
  guardrailStackStatement,
  guardrailStackSetPatterns,
  PROTECTED_TAG_KEY,
  protectedSessionTagStatement,
  protectedTagKeyStatement,
} from './private/guardrail-statements';
import {
  GLOBAL_SERVICE_ACTIONS,
  GROUP_POLICY_ACTIONS,
  TAGGED_GUARDRAIL_RESOURCE_TAMPER_ACTIONS,
  IDENTITY_TAGGING_ACTIONS,
  LOG_SUBSCRIPTION_TAMPER_ACTIONS,
  LONG_TERM_CREDENTIAL_ACTIONS,
  POLICY_EDIT_ACTIONS,
  ROLE_MANAGEMENT_ACTIONS,
  ROLE_USE_ACTIONS,
  SECURITY_FINDING_TAMPER_ACTIONS,
  DEFAULT_EVENT_BUS_TAMPER_ACTIONS,
  SECURITY_SERVICE_TAMPER_ACTIONS,
  SESSION_TAGGING_ACTIONS,
} from './private/perms';
import {
  validateCdkBootstrapQualifier, validateExactPrincipalArns, validateIamNames, validateNonEmpty, validateResourceNamePrefix, validateStackNamePatterns,
} from './private/validate';

/**
 * Properties of a {@link ServiceControlPolicy}.
 */
export interface ServiceControlPolicyProps {
  /** Name of the SCP (also the file name): letters, digits, '-' and '_'. */
  readonly name: string;

  /**
   * Description to use when creating the SCP in AWS Organizations.
   *
   * @default - no description
   */
  readonly description?: string;

  /** The statements. They must be plain strings: an SCP lives outside CloudFormation. */
  readonly statements: iam.PolicyStatement[];
}

/**
 * Options shared by the SCPs that deny a change: principals allowed to make it anyway.
 */
export interface ScpExemptionOptions {
  /**
   * Exact ARNs of the IAM roles or users the deny does not apply to (`ArnNotEquals
   * aws:PrincipalARN`), for example the CloudFormation execution role of each account and region
   * that deploys the guardrail stacks:
   * 'arn:aws:iam::111122223333:role/cdk-hnb659fds-cfn-exec-role-111122223333-eu-west-1'.
   *
   * Wildcards are refused: a pattern such as 'arn:aws:iam::*:role/cdk-*-cfn-exec-role-*' is a
   * name an administrator of a member account could give a role of its own.
   *
   * @default - no exemption: nobody in the account can make the change, including the deploy role
   */
  readonly exemptPrincipalArns?: string[];
}

/**
 * Options of {@link ServiceControlPolicy.regionRestriction}.
 */
export interface RegionRestrictionOptions extends ScpExemptionOptions {
  /** The regions requests may target (for example ['eu-west-1', 'eu-central-1']). At least one. */
  readonly allowedRegions: string[];

  /**
   * Actions exempt from the restriction in addition to the global services' actions
   * (`ServiceControlPolicy.GLOBAL_SERVICE_ACTIONS`).
   *
   * @default - only the global services' actions
   */
  readonly additionalExemptActions?: string[];

  /**
   * Name of the SCP.
   *
   * @default 'region-restriction'
   */
  readonly name?: string;
}

/**
 * Options of {@link ServiceControlPolicy.protectSecurityServices}.
 */
export interface SecurityServicesProtectionOptions extends ScpExemptionOptions {
  /**
   * Name of the SCP.
   *
   * @default 'protect-security-services'
   */
  readonly name?: string;
}

/**
 * Options of {@link ServiceControlPolicy.protectGuardrailPrincipals}.
 */
export interface GuardrailPrincipalsProtectionOptions {
  /**
   * Exact ARNs of the guardrail roles (break-glass, key and log administrators, StackSet execution
   * role, Control Tower roles, cross-account roles): only `managerPrincipalArns` may create a role
   * with that name, change, tag, untag, update the trust of, pass or assume them.
   */
  readonly protectedPrincipalArns: string[];

  /**
   * Exact ARNs of the principals that create and change the protected roles and the CDK bootstrap
   * roles: typically the CloudFormation execution roles that deploy the stacks creating them, and
   * the role that bootstraps CDK (unless bootstrapping runs through service-managed StackSets,
   * whose service-linked role SCPs do not govern). At least one.
   */
  readonly managerPrincipalArns: string[];

  /**
   * Exact ARNs of the pipeline principals that assume the CDK bootstrap roles (deploy, file and
   * image publishing, lookup roles). An empty list: nobody in the accounts can assume them.
   */
  readonly pipelinePrincipalArns: string[];

  /**
   * Exact ARNs of the CDK deploy roles (`cdk-<qualifier>-deploy-role-<account>-<region>`), which
   * pass the CloudFormation execution role to CloudFormation. Besides the managers, only they may
   * pass a CDK bootstrap role. An empty list: only the managers can.
   */
  readonly cdkDeployRoleArns: string[];

  /**
   * Names of customer managed policies that only the managers, deploy roles and pipelines may
   * edit (new or default versions), delete, tag or untag in any account: the permissions
   * boundaries, such as 'GuardrailsPermissionsBoundary' and the CDK execution role's
   * 'GuardrailsDeploymentBoundary'. Whoever can edit a boundary can lift it.
   *
   * @default - no policy is protected by this SCP
   */
  readonly protectedPolicyNames?: string[];

  /**
   * Names of IAM groups whose policies only the managers, deploy roles and pipelines may detach,
   * delete, put or replace, and which only they may delete, in any account: for example the group
   * that holds the humans to MFA. Removing users from the group stays allowed (it takes the group's
   * permissions away with its conditions).
   *
   * @default - no group is protected by this SCP
   */
  readonly protectedGroupNames?: string[];

  /**
   * Qualifier of the CDK bootstrap roles (`cdk-<qualifier>-*`).
   *
   * @default 'hnb659fds'
   */
  readonly cdkBootstrapQualifier?: string;

  /**
   * Name of the SCP.
   *
   * @default 'protect-guardrail-principals'
   */
  readonly name?: string;
}

/**
 * Options of {@link ServiceControlPolicy.protectGuardrailResources}.
 */
export interface GuardrailResourcesProtectionOptions {
  /**
   * Exact ARNs of the principals that may still change the guardrail resources: the
   * CloudFormation execution roles that deploy them and the named log administrators. At least one.
   * Protect the roles among them with `protectGuardrailPrincipals` too, or whoever can change their
   * trust policy inherits the exemption.
   */
  readonly administratorArns: string[];

  /**
   * Name prefix of the guardrail resources: log groups `/<prefix>/...`, Lambda functions,
   * EventBridge rules, Kinesis streams and SQS queues `<prefix>-...`.
   *
   * @default 'guardrails'
   */
  readonly namePrefix?: string;

  /**
   * Exact ARNs of the principals that deploy the guardrail stacks: the CDK deploy roles (they
   * create and execute the change sets), the pipelines, the StackSet execution role (it creates
   * the StackSet instances), Control Tower's roles and break-glass. With at least one, the SCP
   * also denies every other principal changing the stacks named `<namePrefix>-*` and
   * `stackNames` (update, delete, change sets, rollbacks, stack policy, termination protection);
   * reading them stays allowed. The CloudFormation execution roles need not be listed unless
   * the templates hold nested stacks.
   *
   * @default - none: the SCP does not protect the stacks (a CloudFormation update runs with the
   *   stack's execution role, so whoever may update a guardrail stack has that role's permissions;
   *   protect them here or in the permissions boundary)
   */
  readonly stackDeployerArns?: string[];

  /**
   * Names of the guardrail stacks besides `<namePrefix>-*`: exact names or patterns with '*', such
   * as 'prod-workload-*', 'CDKToolkit' or 'StackSet-*'. Used only with `stackDeployerArns`.
   *
   * @default - only the stacks named `<namePrefix>-*`
   */
  readonly stackNames?: string[];

  /**
   * Names of the StackSets that deploy the guardrails besides `<namePrefix>-*`: exact names or
   * patterns with '*', such as 'prod-workload-guardrails-*'. Updating a StackSet or its instances
   * (UpdateStackSet, DeleteStackSet, Create/Update/DeleteStackInstances, StopStackSetOperation)
   * rewrites or removes the guardrail stack of every target account at once, from the StackSet
   * administrator account (the management account or a delegated administrator, which this SCP
   * covers). Used only with `stackDeployerArns`.
   *
   * @default - only the StackSets named `<namePrefix>-*`
   */
  readonly stackSetNames?: string[];

  /**
   * Qualifier of the CDK bootstrap (`cdk bootstrap --qualifier`). With `stackDeployerArns`, the SCP
   * also denies every principal but the deployers and the CDK publishing roles
   * (`cdk-<qualifier>-{file,image}-publishing-role-*`) writing, deleting, re-policing or
   * reconfiguring the bootstrap's assets: the bucket `cdk-<qualifier>-assets-*` and its objects, the
   * parameter `/cdk-bootstrap/<qualifier>/version` and the repository
   * `cdk-<qualifier>-container-assets-*` (reading them stays allowed). Whoever could overwrite an
   * asset or a template there would choose what the next deployment runs with the execution role.
   * Assumes the bootstrap's default names (no `--toolkit-bucket-name`).
   *
   * @default 'hnb659fds' (the default qualifier)
   */
  readonly cdkBootstrapQualifier?: string;

  /**
   * Name of the SCP.
   *
   * @default 'protect-guardrail-resources'
   */
  readonly name?: string;
}

/**
 * Options of {@link ServiceControlPolicy.protectTaggedGuardrailResources}.
 */
export interface TaggedGuardrailResourcesProtectionOptions {
  /**
   * Exact ARNs of the principals that may still change the tagged guardrail resources: the
   * CloudFormation execution roles that deploy them and break-glass. At least one.
   */
  readonly administratorArns: string[];

  /**
   * Name prefixes of the log groups whose records only named writers may write
   * (`logs:CreateLogStream`, `logs:PutLogEvents`), such as '/guardrails/audit/': a principal of the
   * account writing there forges records that are shipped and kept like the real ones. Every
   * principal but the roles `logWriterRoleNames` is denied, `administratorArns` included (deploying
   * and administering the log groups needs no record written by hand; a smaller document). AWS services
   * that write through a log group resource policy (EventBridge) are not affected: SCPs do not apply
   * to service principals.
   *
   * @default - none: writing to the guardrail log groups stays allowed to every principal
   */
  readonly writerOnlyLogGroupPrefixes?: string[];

  /**
   * Names (or patterns with '*') of the roles, in any account the SCP is attached to, that write the
   * `writerOnlyLogGroupPrefixes` log groups: the role CloudTrail delivers to CloudWatch Logs with,
   * the central forwarder's role. Name them so that nobody inside the boundary can create a role of
   * that name (a role path such as `PermissionsBoundary` boundedRolePath puts bounded roles'
   * ARNs elsewhere) nor change, pass or assume one (the `guardrails:protected` tag). A '*' also
   * matches a role path ('/'): a role at path `/guardrails-log-writer-x/` matches
   * `guardrails-log-writer-*` too, so nobody but the writers' managers may create roles at any path
   * that starts like a writer name.
   * Required with `writerOnlyLogGroupPrefixes`.
   *
   * @default - none
   */
  readonly logWriterRoleNames?: string[];

  /**
   * Name of the SCP.
   *
   * @default 'protect-tagged-guardrail-resources'
   */
  readonly name?: string;
}

/**
 * Options of {@link ServiceControlPolicy.denyLongTermCredentials}.
 */
export interface LongTermCredentialsOptions extends ScpExemptionOptions {
  /**
   * Name of the SCP.
   *
   * @default 'deny-long-term-credentials'
   */
  readonly name?: string;
}

/**
 * Options of {@link ServiceControlPolicy.denyUnencryptedS3Writes}.
 */
export interface UnencryptedS3WritesOptions {
  /**
   * Deny `s3:PutObject` requests that carry no `x-amz-server-side-encryption` header.
   *
   * Since 2023-01-05 S3 encrypts every new object (SSE-S3) even without the header, so this is a
   * statement of intent rather than the only protection; clients that rely on bucket default
   * encryption (no header) must be changed to send it before the SCP is attached.
   *
   * @default true
   */
  readonly requireEncryptionHeader?: boolean;

  /**
   * Accept only SSE-KMS (`aws:kms`, `aws:kms:dsse`) in the header, not SSE-S3 (`AES256`).
   *
   * @default false
   */
  readonly requireKms?: boolean;

  /**
   * Accept a KMS key named in the request (`x-amz-server-side-encryption-aws-kms-key-id`) only
   * when it belongs to one of these accounts (12-digit ids): an object encrypted with another
   * account's key is held hostage by whoever owns that key (ransomware by foreign key). Requests
   * that name no key (the bucket's default key) are unaffected. S3 gives the key to the condition
   * as the caller wrote it: name keys by ARN, as S3's own documentation requires for key policies
   * on this header (a key id or an alias is refused too).
   *
   * @default - any key is accepted
   */
  readonly kmsKeyAccountIds?: string[];

  /**
   * Name of the SCP.
   *
   * @default 'deny-unencrypted-s3-writes'
   */
  readonly name?: string;
}

/**
 * Options of {@link ServiceControlPolicy.denyUnencryptedResourceCreation}.
 */
export interface UnencryptedResourceCreationOptions {
  /**
   * Name of the SCP.
   *
   * @default 'deny-unencrypted-resources'
   */
  readonly name?: string;
}

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
  public static readonly MAX_CHARACTERS: number = 5120;

  /** Actions of global services that the region restriction never denies. */
  public static readonly GLOBAL_SERVICE_ACTIONS: string[] = [...GLOBAL_SERVICE_ACTIONS];

  /**
   * Deny every action outside the allowed regions (`aws:RequestedRegion`), except the actions of
   * global services (IAM, Organizations, STS, CloudFront, Route 53, support, billing ...), whose
   * single endpoint sits in us-east-1.
   */
  public static regionRestriction(options: RegionRestrictionOptions): ServiceControlPolicy {
    if (!options.allowedRegions || options.allowedRegions.length === 0) {
      throw new Error('allowedRegions: received an empty list; expected at least one region such as \'eu-west-1\'');
    }
    for (const r of options.allowedRegions) {
      if (!/^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/.test(r)) {
        throw new Error(`allowedRegions: received '${r}'; expected a region name such as 'eu-west-1'`);
      }
    }
    const exempt = [...GLOBAL_SERVICE_ACTIONS, ...(options.additionalExemptActions ?? [])];
    return new ServiceControlPolicy({
      name: options.name ?? 'region-restriction',
      description: `Deny requests outside ${options.allowedRegions.join(', ')} (global services exempt)`,
      statements: [new iam.PolicyStatement({
        sid: 'DenyOutsideAllowedRegions',
        effect: iam.Effect.DENY,
        notActions: exempt,
        resources: ['*'],
        conditions: {
          StringNotEquals: { 'aws:RequestedRegion': [...options.allowedRegions] },
          ...exceptPrincipals(exemptPrincipalArns(options)),
        },
      })],
    });
  }

  /**
   * Deny disabling or changing the security services (CloudTrail, GuardDuty, Config, IAM Access
   * Analyzer, Security Hub), the log subscriptions and destinations, and leaving the organization;
   * and deny setting the `guardrails:protected` tag key, on an IAM identity or resource (except for
   * `exemptPrincipalArns`: the CloudFormation execution role tags the guardrail roles) or on a
   * session (session and transitive tags: nobody is exempt).
   */
  public static protectSecurityServices(options: SecurityServicesProtectionOptions = {}): ServiceControlPolicy {
    const exempt = exemptPrincipalArns(options);
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
    validateExactPrincipalArns('protectedPrincipalArns', options.protectedPrincipalArns ?? [], { rolesOnly: true });
    validateNonEmpty('managerPrincipalArns', options.managerPrincipalArns,
      'at least one exact IAM role or user ARN (without a manager, nobody can create or update the protected roles and the CDK bootstrap roles)');
    validateExactPrincipalArns('managerPrincipalArns', options.managerPrincipalArns);
    validateExactPrincipalArns('pipelinePrincipalArns', options.pipelinePrincipalArns ?? []);
    validateExactPrincipalArns('cdkDeployRoleArns', options.cdkDeployRoleArns ?? [], { rolesOnly: true });
    const qualifier = options.cdkBootstrapQualifier ?? DEFAULT_CDK_BOOTSTRAP_QUALIFIER;
    validateCdkBootstrapQualifier('cdkBootstrapQualifier', qualifier);
    const cdkRoles = cdkBootstrapRolePattern(qualifier);
    const protectedArns = [...new Set(options.protectedPrincipalArns ?? [])];
    const managers = options.managerPrincipalArns;

    // One exception list, written once: an SCP has 5,120 characters and every account adds its
    // execution and deploy roles per region. The pipelines, deploy roles and managers may change,
    // pass or assume these roles; of them, only the pipelines may assume the CDK roles.
    const trusted = [...managers, ...(options.cdkDeployRoleArns ?? []), ...(options.pipelinePrincipalArns ?? [])];
    const policyNames = options.protectedPolicyNames ?? [];
    validateIamNames('protectedPolicyNames', policyNames, 'a managed policy name', 'GuardrailsPermissionsBoundary');
    const groupNames = options.protectedGroupNames ?? [];
    validateIamNames('protectedGroupNames', groupNames, 'an IAM group name', 'GuardrailsOperators');
    const statements = [
      new iam.PolicyStatement({
        sid: 'DenyGuardrailRoleChanges',
        effect: iam.Effect.DENY,
        // The boundary policies ride on the same statement (one exception list, written once): the
        // role actions never target a policy ARN, the policy edits never a role ARN.
        actions: [...new Set([
          ...ROLE_MANAGEMENT_ACTIONS, ...ROLE_USE_ACTIONS,
          ...(policyNames.length > 0 ? POLICY_EDIT_ACTIONS : []),
          ...(groupNames.length > 0 ? GROUP_POLICY_ACTIONS : []),
        ])],
        resources: [
          ...protectedArns, cdkRoles,
          ...[...new Set(policyNames)].map((n) => `arn:*:iam::*:policy/${n}`),
          ...[...new Set(groupNames)].map((n) => `arn:*:iam::*:group/${n}`),
        ],
        conditions: exceptPrincipals(trusted),
      }),
      new iam.PolicyStatement({
        sid: 'DenyCdkRoleAssumption',
        effect: iam.Effect.DENY,
        actions: ['sts:AssumeRole*'],
        resources: [cdkRoles],
        conditions: exceptPrincipals(options.pipelinePrincipalArns ?? []),
      }),
    ];
    return new ServiceControlPolicy({
      name: options.name ?? 'protect-guardrail-principals',
      description: 'Deny taking over the guardrail roles and the CDK bootstrap roles',
      statements,
    });
  }

  /**
   * Deny changing guardrail infrastructure tagged `guardrails:protected=true` in the member
   * accounts to every principal but `administratorArns`: the private network (deleting the flow
   * log; deleting or modifying endpoints, security group rules, routes, route table and NACL
   * associations, subnets, the VPC) and the event source mappings that feed the guardrail
   * functions (updating, re-pointing or deleting them), and re-tagging or untagging any of them;
   * and, by name, re-keying the default event bus (which carries the events the guardrail rules
   * capture), archiving it or replaying its events.
   * Tag them with `Tags.of(construct).add('guardrails:protected', 'true')` (whoever tags another
   * resource so only protects it from itself).
   */
  public static protectTaggedGuardrailResources(options: TaggedGuardrailResourcesProtectionOptions): ServiceControlPolicy {
    validateNonEmpty('administratorArns', options.administratorArns,
      'at least one exact IAM role or user ARN (the CloudFormation execution roles that deploy the guardrail network)');
    validateExactPrincipalArns('administratorArns', options.administratorArns);
    const logStatement = guardrailLogWriterStatement(options);
    return new ServiceControlPolicy({
      name: options.name ?? 'protect-tagged-guardrail-resources',
      description: 'Deny changing the guardrail network and event source mappings (tagged guardrails:protected) and the default event bus',
      statements: [new iam.PolicyStatement({
        sid: 'DenyTaggedGuardrailResourceChanges',
        effect: iam.Effect.DENY,
        actions: [...TAGGED_GUARDRAIL_RESOURCE_TAMPER_ACTIONS],
        resources: ['*'],
        conditions: {
          StringEquals: { [`aws:ResourceTag/${PROTECTED_TAG_KEY}`]: 'true' },
          ...exceptPrincipals(options.administratorArns),
        },
      }), new iam.PolicyStatement({
        // The default event bus takes no tag through CloudFormation: protected by its name.
        sid: 'DenyDefaultEventBusChanges',
        effect: iam.Effect.DENY,
        actions: [...DEFAULT_EVENT_BUS_TAMPER_ACTIONS],
        resources: ['arn:*:events:*:*:event-bus/default'],
        conditions: exceptPrincipals(options.administratorArns),
      }), ...(logStatement ? [logStatement] : [])],
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
    validateNonEmpty('administratorArns', options.administratorArns,
      'at least one exact IAM role or user ARN (the CloudFormation execution roles that deploy the guardrail resources)');
    validateExactPrincipalArns('administratorArns', options.administratorArns);
    const prefix = options.namePrefix ?? DEFAULT_RESOURCE_NAME_PREFIX;
    validateResourceNamePrefix('namePrefix', prefix);
    const deployers = options.stackDeployerArns ?? [];
    validateExactPrincipalArns('stackDeployerArns', deployers);
    const stackNames = options.stackNames ?? [];
    validateStackNamePatterns('stackNames', stackNames);
    const stackSetNames = options.stackSetNames ?? [];
    validateStackNamePatterns('stackSetNames', stackSetNames);
    for (const [prop, names] of [['stackNames', stackNames], ['stackSetNames', stackSetNames]] as const) {
      if (names.length > 0 && deployers.length === 0) {
        throw new Error(`${prop}: received ${JSON.stringify(names)} without stackDeployerArns; expected the exact ARNs of the principals `
          + `that deploy those stacks (CDK deploy roles, pipelines, StackSet execution role, break-glass) in stackDeployerArns, or no ${prop}`);
      }
    }
    const qualifier = options.cdkBootstrapQualifier ?? DEFAULT_CDK_BOOTSTRAP_QUALIFIER;
    validateCdkBootstrapQualifier('cdkBootstrapQualifier', qualifier);
    const statements = [guardrailResourceStatement(options.administratorArns, prefix)];
    if (deployers.length > 0) statements.push(guardrailStackStatement(deployers, [...guardrailStackPatterns(prefix, stackNames), ...guardrailStackSetPatterns(prefix, stackSetNames)], qualifier));
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
      statements: [new iam.PolicyStatement({
        sid: 'DenyAccessKeyCreation',
        effect: iam.Effect.DENY,
        actions: [...LONG_TERM_CREDENTIAL_ACTIONS],
        resources: ['*'],
        conditions: exceptPrincipals(exemptPrincipalArns(options)),
      })],
    });
  }

  /**
   * Deny S3 writes over plain HTTP and (by default) without a server-side encryption header;
   * optionally require SSE-KMS.
   */
  public static denyUnencryptedS3Writes(options: UnencryptedS3WritesOptions = {}): ServiceControlPolicy {
    const statements = [
      new iam.PolicyStatement({
        sid: 'DenyS3WritesWithoutTls',
        effect: iam.Effect.DENY,
        actions: ['s3:PutObject'],
        resources: ['*'],
        conditions: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    ];
    if (options.requireEncryptionHeader ?? true) {
      statements.push(new iam.PolicyStatement({
        sid: 'DenyS3PutWithoutEncryptionHeader',
        effect: iam.Effect.DENY,
        actions: ['s3:PutObject'],
        resources: ['*'],
        conditions: { Null: { 's3:x-amz-server-side-encryption': 'true' } },
      }));
    }
    if (options.requireKms) {
      statements.push(new iam.PolicyStatement({
        sid: 'DenyS3PutWithoutKms',
        effect: iam.Effect.DENY,
        actions: ['s3:PutObject'],
        resources: ['*'],
        conditions: { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption': ['aws:kms', 'aws:kms:dsse'] } },
      }));
    }
    const keyAccounts = options.kmsKeyAccountIds;
    if (keyAccounts !== undefined) {
      if (keyAccounts.length === 0) {
        throw new Error('kmsKeyAccountIds: received an empty list; expected the 12-digit ids of the accounts whose KMS keys may encrypt objects, or no kmsKeyAccountIds at all');
      }
      keyAccounts.forEach((id, i) => {
        if (Token.isUnresolved(id) || !/^\d{12}$/.test(id)) {
          throw new Error(`kmsKeyAccountIds[${i}]: received ${JSON.stringify(id)}; expected a 12-digit AWS account id (SCPs are documents: no CDK token)`);
        }
      });
      statements.push(new iam.PolicyStatement({
        sid: 'DenyS3PutWithForeignKmsKey',
        effect: iam.Effect.DENY,
        actions: ['s3:PutObject'],
        resources: ['*'],
        conditions: {
          StringNotLike: { 's3:x-amz-server-side-encryption-aws-kms-key-id': [...new Set(keyAccounts)].map((id) => `arn:*:kms:*:${id}:key/*`) },
          Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'false' },
        },
      }));
    }
    return new ServiceControlPolicy({
      name: options.name ?? 'deny-unencrypted-s3-writes',
      description: 'Deny S3 writes without TLS or without server-side encryption',
      statements,
    });
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
      statements: [
        new iam.PolicyStatement({
          sid: 'DenyUnencryptedEbsVolumes',
          effect: iam.Effect.DENY,
          actions: ['ec2:CreateVolume'],
          resources: ['*'],
          conditions: { Bool: { 'ec2:Encrypted': 'false' } },
        }),
        new iam.PolicyStatement({
          sid: 'DenyInstancesWithUnencryptedVolumes',
          effect: iam.Effect.DENY,
          actions: ['ec2:RunInstances'],
          resources: ['arn:*:ec2:*:*:volume/*'],
          conditions: { Bool: { 'ec2:Encrypted': 'false' } },
        }),
        new iam.PolicyStatement({
          sid: 'DenyDisablingEbsEncryptionByDefault',
          effect: iam.Effect.DENY,
          actions: ['ec2:DisableEbsEncryptionByDefault'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'DenyUnencryptedRds',
          effect: iam.Effect.DENY,
          // Only the cluster calls carry rds:StorageEncrypted (Service Authorization Reference):
          // CreateDBInstance, restores from snapshots and read replicas do not, so an SCP cannot
          // require encryption for them (test/identities/scp-condition-keys.test.ts). Detect them
          // with the AWS Config rule rds-storage-encrypted, or prevent them at deploy time with a
          // proactive control (Control Tower CT.RDS.PR.16).
          actions: ['rds:CreateDBCluster', 'rds:RestoreDBClusterFromS3'],
          resources: ['*'],
          conditions: { Bool: { 'rds:StorageEncrypted': 'false' } },
        }),
        new iam.PolicyStatement({
          sid: 'DenyUnencryptedEfs',
          effect: iam.Effect.DENY,
          actions: ['elasticfilesystem:CreateFileSystem'],
          resources: ['*'],
          conditions: { Bool: { 'elasticfilesystem:Encrypted': 'false' } },
        }),
        new iam.PolicyStatement({
          sid: 'DenyUnencryptedElastiCache',
          effect: iam.Effect.DENY,
          actions: ['elasticache:CreateReplicationGroup'],
          resources: ['*'],
          conditions: { Bool: { 'elasticache:AtRestEncryptionEnabled': 'false' } },
        }),
      ],
    });
  }

  /**
   * Write each policy as `<directory>/<name>.json` (minified, exactly the checked content) and
   * return the paths. Call it after `app.synth()`, for example with
   * `path.join(assembly.directory, 'scp')`.
   */
  public static writeFiles(directory: string, policies: ServiceControlPolicy[]): string[] {
    const names = policies.map((p) => p.name);
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate) {
      throw new Error(`policies: the name '${duplicate}' is used twice; each SCP needs its own name (it is the file name)`);
    }
    fs.mkdirSync(directory, { recursive: true });
    return policies.map((p) => {
      const file = path.join(directory, `${p.name}.json`);
      fs.writeFileSync(file, p.toJson());
      return file;
    });
  }

  /** Name of the SCP (also its file name). */
  public readonly name: string;

  /** Description to use when creating the SCP. */
  public readonly description?: string;

  /** Characters of the minified document (what Organizations counts). */
  public readonly sizeInCharacters: number;

  private readonly json: string;

  constructor(props: ServiceControlPolicyProps) {
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(props.name)) {
      throw new Error(`name: received '${props.name}'; expected 1-128 letters, digits, '-' or '_' (it becomes a file name)`);
    }
    if (!props.statements || props.statements.length === 0) {
      throw new Error(`statements: received an empty list for SCP '${props.name}'; expected at least one statement`);
    }
    const document = {
      Version: '2012-10-17',
      Statement: props.statements.map((s) => s.toStatementJson()),
    };
    const json = JSON.stringify(document);
    if (Token.isUnresolved(json)) {
      throw new Error(`statements: SCP '${props.name}' contains a CDK token (a reference or pseudo parameter); SCPs live outside CloudFormation, use plain strings`);
    }
    if (json.length > ServiceControlPolicy.MAX_CHARACTERS) {
      throw new Error(`SCP '${props.name}' is ${json.length} characters minified; the AWS Organizations limit is ${ServiceControlPolicy.MAX_CHARACTERS}. Split it or drop statements.`);
    }
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

/** The validated exact exemptions of a deny-change SCP. */
function exemptPrincipalArns(options: ScpExemptionOptions): string[] {
  const arns = options.exemptPrincipalArns ?? [];
  validateExactPrincipalArns('exemptPrincipalArns', arns);
  return arns;
}

/**
 * `DenyGuardrailLogForgery`: only the named writer roles create streams in, or put events into, the
 * log groups of `writerOnlyLogGroupPrefixes`.
 */
function guardrailLogWriterStatement(options: TaggedGuardrailResourcesProtectionOptions): iam.PolicyStatement | undefined {
  const prefixes = options.writerOnlyLogGroupPrefixes ?? [];
  const writers = options.logWriterRoleNames ?? [];
  if (prefixes.length === 0) {
    if (writers.length > 0) {
      throw new Error(`logWriterRoleNames: received ${JSON.stringify(writers)} without writerOnlyLogGroupPrefixes; expected the log group name prefixes they write (such as '/guardrails/audit/'), or no logWriterRoleNames`);
    }
    return undefined;
  }
  prefixes.forEach((p, i) => {
    if (!/^\/[\w./#-]{0,510}\/$/.test(p)) {
      throw new Error(`writerOnlyLogGroupPrefixes[${i}]: received '${p}'; expected a log group name prefix that starts and ends with '/' (letters, digits, '_-./#'), such as '/guardrails/audit/'`);
    }
  });
  validateNonEmpty('logWriterRoleNames', writers,
    'the names of the roles that write those log groups (the CloudTrail logs role, the central forwarder\'s role), or no writerOnlyLogGroupPrefixes: without a writer nothing could log there');
  writers.forEach((n, i) => {
    if (!/^[\w+=,.@*-]{1,64}$/.test(n) || /^[*]+$/.test(n)) {
      throw new Error(`logWriterRoleNames[${i}]: received '${n}'; expected a role name or a name pattern with '*' (1 to 64 of letters, digits, '+=,.@_-'; no path, not only '*')`);
    }
  });
  return new iam.PolicyStatement({
    sid: 'DenyGuardrailLogForgery',
    effect: iam.Effect.DENY,
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    resources: prefixes.map((p) => `arn:*:logs:*:*:log-group:${p}*`),
    conditions: { ArnNotLike: { 'aws:PrincipalARN': writers.map((n) => `arn:*:iam::*:role/${n}`) } },
  });
}
