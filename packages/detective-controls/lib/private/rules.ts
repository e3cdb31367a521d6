import * as config from 'aws-cdk-lib/aws-config';

/** One AWS Config managed rule of the guardrail catalogue. */
export interface RuleSpec {
  /** Construct id of the rule. */
  readonly id: string;
  /** Managed rule identifier. */
  readonly identifier: string;
  /** Resource types that trigger a change-triggered rule; undefined for periodic rules. */
  readonly scope?: config.ResourceType[];
  /** Which guarantee of the project the rule checks. */
  readonly description: string;
  /** Evaluates a global resource (IAM, root user): deploy it in one region only. */
  readonly global?: boolean;
}

/**
 * Managed rules for the project's guarantees. Change-triggered rules get a scope so they are
 * evaluated only when a resource of that type changes; periodic rules run at the configured frequency.
 * @see https://docs.aws.amazon.com/config/latest/developerguide/managed-rules-by-aws-config.html
 */
export const GUARDRAIL_RULES: RuleSpec[] = [
  {
    id: 'S3BucketServerSideEncryptionEnabled',
    identifier: config.ManagedRuleIdentifiers.S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED,
    scope: [config.ResourceType.S3_BUCKET],
    description: 'S3 buckets have default encryption',
  },
  {
    id: 'S3BucketSslRequestsOnly',
    identifier: config.ManagedRuleIdentifiers.S3_BUCKET_SSL_REQUESTS_ONLY,
    scope: [config.ResourceType.S3_BUCKET],
    description: 'S3 bucket policies deny requests without TLS',
  },
  {
    id: 'S3BucketLevelPublicAccessProhibited',
    identifier: config.ManagedRuleIdentifiers.S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED,
    scope: [config.ResourceType.S3_BUCKET],
    description: 'S3 buckets block public access',
  },
  {
    id: 'KmsKeyRotationEnabled',
    identifier: config.ManagedRuleIdentifiers.CMK_BACKING_KEY_ROTATION_ENABLED,
    description: 'customer managed KMS keys rotate automatically',
  },
  {
    id: 'CloudWatchLogGroupEncrypted',
    identifier: config.ManagedRuleIdentifiers.CLOUDWATCH_LOG_GROUP_ENCRYPTED,
    description: 'CloudWatch log groups are encrypted with a KMS key',
  },
  {
    id: 'SecretsManagerRotationEnabled',
    identifier: config.ManagedRuleIdentifiers.SECRETSMANAGER_ROTATION_ENABLED_CHECK,
    scope: [config.ResourceType.SECRETS_MANAGER_SECRET],
    description: 'Secrets Manager secrets have rotation enabled',
  },
  {
    id: 'SecretsManagerScheduledRotationSuccess',
    identifier: config.ManagedRuleIdentifiers.SECRETSMANAGER_SCHEDULED_ROTATION_SUCCESS_CHECK,
    scope: [config.ResourceType.SECRETS_MANAGER_SECRET],
    description: 'Secrets Manager rotations succeed on schedule',
  },
  // Encryption at rest that no SCP can refuse, because the create calls carry no encryption
  // condition key (iam-least-privilege scp-condition-keys.test.ts): detected here instead.
  {
    id: 'RdsStorageEncrypted',
    identifier: config.ManagedRuleIdentifiers.RDS_STORAGE_ENCRYPTED,
    scope: [config.ResourceType.RDS_DB_INSTANCE],
    description: 'RDS DB instances are encrypted at rest (CreateDBInstance, restores and read replicas carry no SCP condition key)',
  },
  {
    id: 'RdsSnapshotEncrypted',
    identifier: config.ManagedRuleIdentifiers.RDS_SNAPSHOT_ENCRYPTED,
    scope: [config.ResourceType.RDS_DB_SNAPSHOT, config.ResourceType.RDS_DB_CLUSTER_SNAPSHOT],
    description: "RDS snapshots are encrypted (a restore inherits the snapshot's encryption)",
  },
  {
    id: 'ElastiCacheReplicationGroupEncryptedAtRest',
    identifier: 'ELASTICACHE_REPL_GRP_ENCRYPTED_AT_REST',
    description: 'ElastiCache replication groups are encrypted at rest (CreateCacheCluster carries no SCP condition key)',
  },
  {
    id: 'RedshiftClusterKmsEnabled',
    identifier: config.ManagedRuleIdentifiers.REDSHIFT_CLUSTER_KMS_ENABLED,
    scope: [config.ResourceType.REDSHIFT_CLUSTER],
    description: 'Redshift clusters are encrypted with a KMS key',
  },
  {
    id: 'OpenSearchEncryptedAtRest',
    identifier: config.ManagedRuleIdentifiers.OPENSEARCH_ENCRYPTED_AT_REST,
    description: 'OpenSearch domains are encrypted at rest',
  },
  {
    id: 'CloudTrailEnabled',
    identifier: config.ManagedRuleIdentifiers.CLOUD_TRAIL_ENABLED,
    description: 'a CloudTrail trail is on',
  },
  {
    id: 'CloudTrailLogFileValidationEnabled',
    identifier: config.ManagedRuleIdentifiers.CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED,
    description: 'CloudTrail log file validation is on',
  },
  {
    id: 'CloudTrailEncryptionEnabled',
    identifier: config.ManagedRuleIdentifiers.CLOUD_TRAIL_ENCRYPTION_ENABLED,
    description: 'CloudTrail logs are encrypted with a KMS key',
  },
  {
    id: 'IamPolicyNoAdminAccess',
    identifier: config.ManagedRuleIdentifiers.IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS,
    scope: [config.ResourceType.IAM_POLICY],
    description: 'no customer managed IAM policy allows "*" on "*"',
    global: true,
  },
  {
    id: 'IamPolicyNoFullServiceAccess',
    identifier: config.ManagedRuleIdentifiers.IAM_POLICY_NO_STATEMENTS_WITH_FULL_ACCESS,
    scope: [config.ResourceType.IAM_POLICY],
    description: 'no customer managed IAM policy allows "<service>:*"',
    global: true,
  },
  {
    id: 'RootAccountMfaEnabled',
    identifier: config.ManagedRuleIdentifiers.ROOT_ACCOUNT_MFA_ENABLED,
    description: 'the root user has MFA',
    global: true,
  },
];

/** Added when S3 buckets must use SSE-KMS (not SSE-S3). */
export const S3_KMS_RULE: RuleSpec = {
  id: 'S3DefaultEncryptionKms',
  identifier: config.ManagedRuleIdentifiers.S3_DEFAULT_ENCRYPTION_KMS,
  scope: [config.ResourceType.S3_BUCKET],
  description: 'S3 buckets default to SSE-KMS',
};
