import { MinimumTls } from '@cdk-guardrails/facts';
import { addAccessLogBucket, allowSseCOf, auditEvidenceLifecycleRules, GuardrailStack, removalPolicyOf } from '@cdk-guardrails/app-kit';
import {
  auditReplicaBucketName,
  auditReplicationRoleName,
  guardrailAdministratorArns,
  GuardrailsConfig,
  keyAdministratorArns,
  roleArn,
  WorkloadAccountConfig,
  workloadTrailRegions,
} from '@cdk-guardrails/config';
import { KeyPolicyStatements } from '@cdk-guardrails/kms-hierarchy';
import { AccessLogBucket, EncryptedBucket, EncryptionMode, ProtectBucketConfiguration, ProtectLogObjects } from '@cdk-guardrails/s3-encryption';
import { Aws, Duration, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface AuditReplicaStackProps extends StackProps {
  readonly config: GuardrailsConfig;
  readonly account: WorkloadAccountConfig;
  /** config.auditLogs.replicaRegion */
  readonly region: string;
}

/** Minimum TLS version of the replica bucket (as the workload buckets). */

/** What S3 needs to encrypt replicas (replication role) and decrypt them (readers, through S3). */
const S3_USE_ACTIONS = ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:Decrypt', 'kms:DescribeKey'];

/** Alias of the replica key, under the config's alias prefix. */
export function auditReplicaKeyAlias(config: GuardrailsConfig): string {
  return `alias/${config.kms.aliasPrefix}/audit-replica`;
}

/** ARN of the replica key's alias, which the source stacks (in other regions) give S3 as the replica key. */
export function auditReplicaKeyAliasArn(config: GuardrailsConfig, accountId: string, region: string): string {
  return `arn:aws:kms:${region}:${accountId}:${auditReplicaKeyAlias(config)}`;
}

/**
 * The replica side of the audit logs of one workload account (config.auditLogs.replicaRegion):
 * a KMS key of the replica region and the bucket that receives the replicas of every trail
 * bucket of the account (SSE-KMS with that key, versioned, Object Lock like the sources).
 * The account's workload stacks depend on this stack: S3 refuses a replication rule whose
 * destination bucket does not exist (or lacks versioning, or Object Lock when the source has it).
 */
export class AuditReplicaStack extends GuardrailStack {
  public readonly key: kms.Key;
  public readonly bucket: EncryptedBucket;
  /** The target of the replica bucket's server access logs. */
  public readonly accessLogBucket: AccessLogBucket;

  constructor(scope: Construct, id: string, props: AuditReplicaStackProps) {
    super(scope, id, { ...props, env: { account: props.account.accountId, region: props.region } });
    const { config } = props;
    const removalPolicy = removalPolicyOf(config);

    this.key = new kms.Key(this, 'AuditReplicaKey', {
      description: `Key of the audit-log replica bucket of workload account ${props.account.name} (${props.region})`,
      enableKeyRotation: true,
      rotationPeriod: Duration.days(config.kms.rotationPeriodDays),
      removalPolicy,
      // With a policy given, aws-cdk-lib adds no default statement (no kms:* for the account root).
      policy: new iam.PolicyDocument({
        statements: [
          // Administration only by the named key administrators (execution role of this region, key
          // admin, break-glass, root user), never delegated to the account's IAM identities at large.
          // A condition, not a Principal list: KMS refuses a key policy naming a role that does not
          // exist yet, and the admin roles may be created after this key (KeyHierarchy does the same).
          new iam.PolicyStatement({
            sid: 'KeyAdministration',
            principals: [new iam.AccountRootPrincipal()],
            // Key management only (no cryptographic use, no kms:CreateGrant), as the hierarchy's keys.
            actions: KeyPolicyStatements.administratorActions(),
            resources: ['*'],
            conditions: { ArnEquals: { 'aws:PrincipalArn': keyAdministratorArns(config, props.account.accountId, props.region) } },
          }),
          // The replication role of each trail bucket (an identity of this account, allowed by its
          // identity policy) encrypts replicas through S3 of this region; readers decrypt them the same way.
          new iam.PolicyStatement({
            sid: 'UseThroughS3OfThisAccount',
            principals: [new iam.AccountRootPrincipal()],
            actions: S3_USE_ACTIONS,
            resources: ['*'],
            conditions: {
              StringEquals: {
                'kms:ViaService': `s3.${props.region}.${Aws.URL_SUFFIX}`,
                'kms:CallerAccount': props.account.accountId,
              },
            },
          }),
          // No grant except those AWS services create for what they manage (CT.KMS.PR.3), as the hierarchy's keys.
          KeyPolicyStatements.denyGrantsExceptForAwsResources(),
        ],
      }),
    });
    this.key.addAlias(auditReplicaKeyAlias(config));

    // The replica region's own access-log bucket (this stack is the account's only one in that region).
    this.accessLogBucket = addAccessLogBucket(this, config, removalPolicy, guardrailAdministratorArns(config, props.account.accountId));
    this.bucket = new EncryptedBucket(this, 'AuditReplicaBucket', {
      bucketName: auditReplicaBucketName(config.environment, props.account.accountId, props.region),
      encryption: EncryptionMode.sseKms(this.key),
      removalPolicy,
      minimumTlsVersion: MinimumTls.VERSION,
      // S3 requires Object Lock on the destination when the source has it; same default retention.
      objectLockDefaultRetention: objectLockRetentionOf(config),
      allowSseC: allowSseCOf(config),
      serverAccessLogsBucket: this.accessLogBucket,
      lifecycleRules: auditEvidenceLifecycleRules(config),
      eventBridgeEnabled: true,
    });
    // Only the guardrail administrators may change the replica bucket's policy, versioning, lock or replication.
    new ProtectBucketConfiguration({ administratorArns: guardrailAdministratorArns(config, props.account.accountId) }).applyTo(this.bucket);
    // Nobody else writes or deletes a replica; only the trail buckets' replication roles (fixed names,
    // one per region of the account that runs a trail) replicate into it.
    new ProtectLogObjects({
      administratorArns: guardrailAdministratorArns(config, props.account.accountId),
      replicationWriterArns: workloadTrailRegions(config, props.account).map((region) => roleArn(props.account.accountId, auditReplicationRoleName(region))),
    }).applyTo(this.bucket);
  }
}

/** The default retention of the trail buckets and their replica, from config.auditLogs.objectLock. */
export function objectLockRetentionOf(config: GuardrailsConfig): s3.ObjectLockRetention | undefined {
  const lock = config.auditLogs.objectLock;
  return lock.mode === 'none' ? undefined : objectLockRetention(lock.mode, lock.retentionDays);
}

/** An Object Lock default retention of `days` days in compliance or governance mode. */
export function objectLockRetention(mode: 'compliance' | 'governance', days: number): s3.ObjectLockRetention {
  return mode === 'compliance' ? s3.ObjectLockRetention.compliance(Duration.days(days)) : s3.ObjectLockRetention.governance(Duration.days(days));
}
