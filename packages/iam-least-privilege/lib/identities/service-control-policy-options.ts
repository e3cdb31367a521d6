import * as iam from 'aws-cdk-lib/aws-iam';

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
   * ARNs of the IAM roles or users the deny does not apply to (`ArnNotEquals
   * aws:PrincipalARN`), for example the CloudFormation execution role of each account and region
   * that deploys the guardrail stacks:
   * 'arn:aws:iam::111122223333:role/cdk-grdprod-cfn-exec-role-111122223333-eu-west-1'.
   *
   * Exact ARNs, or role ARN patterns: '*' for the account ('arn:aws:iam::*:role/break-glass': an
   * SCP governs only the principals of the accounts it is attached to, so this is that role in each
   * of them, and the list no longer grows with the accounts) and '*' or '?' in the name after its
   * first character ('arn:aws:iam::*:role/cdk-grdprod-cfn-exec-role-*-eu-west-1'). A pattern is
   * a name an administrator of a member account could give a role of its own, so
   * `ServiceControlPolicy.writeFiles` and `OrganizationPolicyCompiler` refuse one that no policy
   * written with it protects: a Deny of creating, re-trusting, extending, passing and assuming every
   * role it matches (`protectGuardrailPrincipals` `protectedPrincipalArns` or the CDK qualifier's
   * roles, `protectAccountBaseline` `settingsRoleArns`). Users are exact only. A pattern of every
   * account that matches a role of CDK's default qualifier (`cdk-hnb659fds-*`) is refused: such roles
   * exist wherever a team ran a plain `cdk bootstrap`, before the SCP could protect the name.
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
   * The regions where Secrets Manager and KMS may create replicas (`secretsmanager:AddReplicaRegions`
   * of CreateSecret and ReplicateSecretToRegions, `kms:ReplicaRegion` of ReplicateKey). The
   * request itself goes to an allowed region, so without this statement a secret or a multi-region
   * key is copied into any region the service offers. Each must be one of `allowedRegions`. No
   * principal is exempt (`exemptPrincipalArns` included): a replica elsewhere is data outside the
   * allowed regions whoever makes it.
   *
   * @default - `allowedRegions`
   */
  readonly replicaRegions?: string[];

  /**
   * Name of the SCP.
   *
   * @default 'region-restriction'
   */
  readonly name?: string;
}

/**
 * The regions one account may act in, for {@link ServiceControlPolicy.accountRegionRestriction}.
 */
export interface AccountRegions {
  /** The account id (12 digits). */
  readonly accountId: string;

  /**
   * The regions requests of the account's principals may target, beside the global services (for
   * example the regions where the account's guardrails run). At least one.
   */
  readonly regions: string[];

  /**
   * Regions where the account runs only a part of its guardrails that watches nothing there (an
   * IAM-capture stack in us-east-1, the replica of its audit trail), so that only
   * `limitedRegionPrincipalArns` (the deployers and the roles of those stacks) and
   * `exemptPrincipalArns` may send requests there, beside the global services' actions: nobody else
   * acts where no Config recorder, GuardDuty detector or event rule of the account would see it.
   * Each must differ from `regions`.
   *
   * @default - none: the account's principals may target only `regions`
   */
  readonly limitedRegions?: string[];
}

/**
 * A region where only a few principals may act in every account the SCP governs, but for the
 * accounts whose guardrails run there, for {@link AccountRegionRestrictionOptions.organizationLimitedRegions}.
 */
export interface LimitedRegion {
  /** The region, such as 'us-east-1'. */
  readonly region: string;

  /**
   * The principals that may send requests to this region beside `exemptPrincipalArns` (for
   * example the CDK roles of this region and the roles its stacks create). Exact ARNs or role ARN
   * patterns, as `exemptPrincipalArns`, and a pattern must be protected the same way. At least one,
   * unless `exemptPrincipalArns` is set.
   *
   * @default - only `exemptPrincipalArns`
   */
  readonly principalArns?: string[];

  /**
   * Accounts for which this region is a full region, beside the accounts of `accounts` that list
   * it among their `regions` (which are added automatically): for example an account the SCP
   * restricts nowhere else. Their principals are not held by this region's statement.
   *
   * @default - only the accounts of `accounts` that list the region among their `regions`
   */
  readonly fullAccountIds?: string[];

  /**
   * Also deny the accounts that are not full here, the exemptions included, the replicas Secrets
   * Manager (`secretsmanager:AddReplicaRegions`) and KMS (`kms:ReplicaRegion`) create in this region
   * on a request to another region, which the region statement does not see. Turn it off where
   * `regionRestriction`'s `replicaRegions` leave the region out already.
   *
   * @default true
   */
  readonly denyReplicas?: boolean;
}

/**
 * Options of {@link ServiceControlPolicy.accountRegionRestriction}.
 */
export interface AccountRegionRestrictionOptions extends ScpExemptionOptions {
  /** Each account and its regions. At least one account; each account once. */
  readonly accounts: AccountRegions[];

  /**
   * Actions exempt from the restriction in addition to the global services' actions
   * (`ServiceControlPolicy.GLOBAL_SERVICE_ACTIONS`).
   *
   * @default - only the global services' actions
   */
  readonly additionalExemptActions?: string[];

  /**
   * The principals that may also send requests to an account's `limitedRegions` (beside
   * `exemptPrincipalArns`, which are exempt everywhere): for example the CDK deploy, publishing and
   * lookup roles and the roles the stacks of those regions create (a log sender, a replication
   * role, a reader). Exact ARNs or role ARN patterns, as `exemptPrincipalArns`, and a pattern must
   * be protected the same way (`ServiceControlPolicy.writeFiles` and `OrganizationPolicyCompiler`
   * refuse one that no policy written with it protects).
   *
   * @default - only `exemptPrincipalArns`
   */
  readonly limitedRegionPrincipalArns?: string[];

  /**
   * Regions limited for every account the SCP governs (listed in `accounts` or not), but their
   * `fullAccountIds` and the listed accounts that have them among their `regions`: in each, one
   * statement that does not grow with the accounts lets only `exemptPrincipalArns` and the region's
   * own `principalArns` act (global services exempt), and it also holds the accounts `accounts`
   * does not list. For regions where the organization runs only stacks that watch nothing (an IAM
   * capture in us-east-1, an audit replica). A listed account still reaches such a region only if
   * its `regions` or `limitedRegions` name it (its outside-regions statement denies it otherwise);
   * there `limitedRegionPrincipalArns` do not apply. Do not use it for a region where accounts that
   * are not listed run their guardrails (a StackSet region): their principals would be held there.
   *
   * @default - none
   */
  readonly organizationLimitedRegions?: LimitedRegion[];

  /**
   * The regions `regionRestriction` already allows every account (its `allowedRegions`, with the
   * same `exemptPrincipalArns`): an account whose `regions` and `limitedRegions` together hold all
   * of them needs no statement for the regions outside its own (that one denies them already), so
   * none is written for it, and the documents grow only with the accounts that need one.
   *
   * @default - a statement for the regions outside its own for every account
   */
  readonly organizationRegions?: string[];

  /**
   * Name of the SCP; the second and further documents get `-2`, `-3` ...
   *
   * @default 'account-region-restriction'
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

  /**
   * Also deny setting or removing the tag key `GuardDutyManaged` (any case) on EC2 instances, EKS
   * clusters and ECS clusters, creating them with it included, and giving it to the launchers that
   * tag instances as a service-linked role (Auto Scaling groups, EC2 Fleet, Spot Fleet), but for
   * `exemptPrincipalArns`. GuardDuty Runtime Monitoring with automated agent management deploys no
   * agent to a resource tagged `GuardDutyManaged=false`, so whoever can set the tag blinds it there;
   * GuardDuty's documentation recommends this SCP. Turn it on wherever automated agent management
   * is on. Not covered: a launch template's instance tags, which no condition key sees.
   *
   * @default false
   */
  readonly protectGuardDutyAgentTag?: boolean;
}

/**
 * Options of {@link ServiceControlPolicy.protectGuardrailPrincipals}.
 */
export interface GuardrailPrincipalsProtectionOptions {
  /**
   * ARNs of the guardrail roles (break-glass, key and log administrators, StackSet execution
   * role, Control Tower roles, cross-account roles): only `managerPrincipalArns` may create a role
   * with that name, change, tag, untag, update the trust of, pass or assume them. Exact, or role
   * ARN patterns such as 'arn:aws:iam::*:role/break-glass' (every role the pattern matches is
   * protected; this is what makes the same pattern safe as an exemption).
   */
  readonly protectedPrincipalArns: string[];

  /**
   * ARNs of the principals that create and change the protected roles and the CDK bootstrap
   * roles: typically the CloudFormation execution roles that deploy the stacks creating them, and
   * the role that bootstraps CDK (unless bootstrapping runs through service-managed StackSets,
   * whose service-linked role SCPs do not govern). At least one. Exact, or role ARN patterns as in `ScpExemptionOptions.exemptPrincipalArns`.
   */
  readonly managerPrincipalArns: string[];

  /**
   * ARNs of the pipeline principals that assume the CDK bootstrap roles (deploy, file and
   * image publishing, lookup roles). An empty list: nobody in the accounts can assume them. Exact, or role ARN patterns as in `ScpExemptionOptions.exemptPrincipalArns`.
   */
  readonly pipelinePrincipalArns: string[];

  /**
   * ARNs of the CDK deploy roles (`cdk-<qualifier>-deploy-role-<account>-<region>`), which
   * pass the CloudFormation execution role to CloudFormation. Besides the managers, only they may
   * pass a CDK bootstrap role. An empty list: only the managers can. Exact, or role ARN patterns as in `ScpExemptionOptions.exemptPrincipalArns`.
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
   * Qualifier of the CDK bootstrap roles (`cdk-<qualifier>-*`) whose changes, passing and
   * assumption the SCP restricts: the qualifier the accounts are bootstrapped with (`--qualifier`).
   * Required: an SCP has no stack to read it from, and a default would protect the roles of a
   * bootstrap the accounts may not use (red10 R10-4). CDK's default `hnb659fds` is accepted here
   * (it protects those roles; it exempts nothing).
   */
  readonly cdkBootstrapQualifier: string;

  /**
   * The `boundedRolePath` of the accounts' permissions boundary (such as '/bounded/'): creating a role
   * under that path, or putting a permissions boundary on one, is denied to every principal unless
   * the request's boundary is one of `boundedRoleBoundaryNames` (`DenyUnboundedRolesUnderPath`). The boundary
   * trusts every role under the path to carry it; without this statement a principal outside the
   * boundary (an administrator, another app's execution role) could put an unbounded role there,
   * which bounded identities may then pass and assume (red13 R13-3).
   *
   * @default - no statement (roles under the path are trusted, not checked)
   */
  readonly boundedRolePath?: string;

  /**
   * Names of the managed policies a role under `boundedRolePath` may carry as its permissions
   * boundary (each account has one of them, for example the StackSet baseline's per-region
   * boundaries). Exact names: a pattern would admit a policy anyone can create.
   *
   * @default ['GuardrailsPermissionsBoundary']
   */
  readonly boundedRoleBoundaryNames?: string[];

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
   * ARNs of the principals that may still change the guardrail resources: the
   * CloudFormation execution roles that deploy them and the named log administrators. At least one. Exact, or role ARN patterns as in `ScpExemptionOptions.exemptPrincipalArns`.
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
   * the templates hold nested stacks. Exact, or role ARN patterns as in `ScpExemptionOptions.exemptPrincipalArns`.
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
   * Member accounts that administer service-managed StackSets as a delegated administrator
   * (`CallAs: DELEGATED_ADMIN`). The instances of every service-managed StackSet of the organization
   * run in their target accounts as the one StackSets execution role, `stacksets-exec-<id>`, which the
   * guardrail SCPs exempt so that the guardrail StackSet can deploy. So in these accounts the SCP
   * denies every principal but the `stackDeployerArns` creating or changing any StackSet, whatever
   * its name (`CreateStackSet`, `UpdateStackSet`, `CreateStackInstances`, `UpdateStackInstances`,
   * `ImportStacksToStackSet`): no condition key tells a service-managed StackSet from a self-managed
   * one, so there self-managed StackSets are the deployers' too. SCPs never govern the management
   * account; listing it changes nothing. Used only with `stackDeployerArns`.
   *
   * @default - none: a principal of a delegated administrator account who may create StackSets runs
   *   whatever template it likes as the exempt StackSets execution role in every target account
   */
  readonly stackSetAdministratorAccountIds?: string[];

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
   * Required with `stackDeployerArns`, and not CDK's default qualifier `hnb659fds`: the publishing
   * and execution roles are exempted by name in every account the SCP governs, and a role of the
   * default qualifier exists in any account a team bootstrapped with a plain `cdk bootstrap`.
   *
   * @default - none: required with `stackDeployerArns`, unused without
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
   * ARNs of the principals that may still change the tagged guardrail resources: the
   * CloudFormation execution roles that deploy them and break-glass. At least one. Exact, or role ARN patterns as in `ScpExemptionOptions.exemptPrincipalArns`.
   */
  readonly administratorArns: string[];

  /**
   * Name prefixes of the log groups whose records only named writers may write
   * (`logs:CreateLogStream`, `logs:PutLogEvents`) or rewrite on their way out
   * (`logs:PutDataProtectionPolicy` masks them, `logs:PutTransformer` rewrites them, before the
   * subscription filters ship them), such as '/guardrails/audit/': a principal of the
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
   * Deny `s3:PutObject` (uploads, multipart uploads, copies) with a customer-provided key (SSE-C:
   * `s3:x-amz-server-side-encryption-customer-algorithm` present): the caller keeps the only
   * key, as ransomware that re-encrypts a bucket's objects does.
   *
   * @default true
   */
  readonly denySseC?: boolean;

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
   * on this header (a key id or an alias is refused too). Beyond about 60 accounts the deny is
   * split by account-id prefix (same effect); when it no longer fits this SCP, use
   * `ServiceControlPolicy.denyForeignKmsKeys`, which spreads it over as many SCPs as it needs.
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
 * Options of {@link ServiceControlPolicy.denyForeignKmsKeys}.
 */
export interface ForeignKmsKeysOptions {
  /**
   * The 12-digit ids of the accounts whose KMS keys may encrypt objects, as
   * `UnencryptedS3WritesOptions.kmsKeyAccountIds`: a key named in an S3 PUT must be a key ARN of one
   * of them. Any number: the statements are split by account-id prefix into as many SCPs as they
   * need, which together deny exactly what one list would.
   */
  readonly kmsKeyAccountIds: string[];

  /**
   * Name of the SCPs; the second and later get `-2`, `-3` ...
   *
   * @default 'deny-foreign-kms-keys'
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
 * Options of {@link ServiceControlPolicy.requireImdsV2}.
 */
export interface ImdsV2Options extends ScpExemptionOptions {
  /**
   * Name of the SCP.
   *
   * @default 'require-imdsv2'
   */
  readonly name?: string;
}

/**
 * Options of {@link ServiceControlPolicy.protectAccountBaseline}.
 */
export interface AccountBaselineProtectionOptions extends ScpExemptionOptions {
  /**
   * ARNs of the roles of the function that applies the account settings (for example the
   * `AwsCustomResource` provider's role of `EbsEncryptionByDefault` and `AccountPublicAccessBlock`,
   * given a fixed name per account and region). They may change the baseline; nobody but
   * `exemptPrincipalArns` may create, change, pass or assume them. Exact, or role ARN patterns
   * ('arn:aws:iam::*:role/guardrails-account-settings-eu-west-1'): the deny on the roles protects
   * every role the pattern matches.
   *
   * @default - none: only `exemptPrincipalArns` may change the baseline
   */
  readonly settingsRoleArns?: string[];

  /**
   * Name of the SCP.
   *
   * @default 'protect-account-baseline'
   */
  readonly name?: string;
}
