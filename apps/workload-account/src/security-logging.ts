import {
  auditReplicaBucketName,
  auditReplicationRoleName,
  evidenceDestinationName,
  GuardrailsConfig,
  logWriterRoleName,
  securityEventCaptureNames,
  trailReaderRoleName,
} from '@cdk-guardrails/config';
import { allowSseCOf, auditEvidenceLifecycleRules } from '@cdk-guardrails/app-kit';
import { CentralLogDestination, CentralLogShipping, SecurityEventCapture, TrailScope } from '@cdk-guardrails/central-logging';
import { PermissionsBoundary } from '@cdk-guardrails/iam-least-privilege';
import { EncryptedBucket, EncryptionMode } from '@cdk-guardrails/s3-encryption';
import { Annotations, Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { auditReplicaKeyAlias, auditReplicaKeyAliasArn, objectLockRetentionOf } from './audit-replica-stack';

export interface WorkloadSecurityLoggingProps {
  readonly config: GuardrailsConfig;
  readonly region: string;
  readonly logsKey: kms.IKey;
  readonly minimumTlsVersion: number;
  readonly removalPolicy: RemovalPolicy;
  /**
   * The account's multi-region trail in its home region (ALL_REGIONS); elsewhere a data-events-only
   * trail for the restricted buckets (DATA_EVENTS_ONLY) or none at all (NONE: no trail bucket either).
   */
  readonly trailScope: TrailScope;
  /**
   * Where the trail bucket writes its server access logs (the access-log bucket of this account and region).
   *
   * @default - no server access logs
   */
  readonly accessLogBucket?: s3.IBucket;
  /**
   * Add what config sets up per account: the audit replica (config auditLogs.replicaRegion, whose
   * bucket the per-account app deploys first) and the trail readers (auditLogs.readers). Off in a
   * StackSet template, which deploys to accounts unknown at synth.
   */
  readonly accountResources: boolean;
}

/**
 * Capture and shipping in one workload region: a trail to an SSE-KMS bucket (always the logs
 * key, whatever the data-bucket mode: CloudTrail writes with that key) and to the audit log
 * group, in the home region the account's multi-region trail (every region's management events,
 * no dark region), elsewhere only where restricted buckets need their data events; EventBridge rules for S3 policy changes (and IAM changes in us-east-1) to the security
 * log group; both subscribed to the security account's destination in this region. The
 * destination ARN comes from config: CloudFormation cannot reference another account's stack.
 *
 * Audit-log durability (config.auditLogs): the trail bucket gets the Object Lock default retention
 * from config, and, with a replica region, replicates every log file to the account's replica
 * bucket there (AuditReplicaStack, deployed first), encrypted with the replica key (named by its
 * alias ARN: the key is created in the other region's stack).
 */
export class WorkloadSecurityLogging extends Construct {
  public readonly capture: SecurityEventCapture;
  public readonly shipping: CentralLogShipping;
  /** The bucket the trail of this region delivers its log files to (none without a trail here). */
  public readonly trailBucket?: EncryptedBucket;
  /** The role the security account's auditors read the trail log files with (config auditLogs.readers). */
  public readonly trailReaderRole?: iam.Role;
  /** The role they read the audit replica with (home region only, with a replica region): see addReplicaReader. */
  public replicaReaderRole?: iam.Role;

  constructor(scope: Construct, id: string, props: WorkloadSecurityLoggingProps) {
    super(scope, id);
    const { config } = props;
    const accountId = Stack.of(this).account;
    const replicaRegion = props.accountResources ? config.auditLogs.replicaRegion : undefined;
    if (props.trailScope !== TrailScope.NONE) {
      const trailBucket = new EncryptedBucket(this, 'TrailBucket', {
        encryption: EncryptionMode.sseKms(props.logsKey),
        removalPolicy: props.removalPolicy,
        minimumTlsVersion: props.minimumTlsVersion,
        objectLockDefaultRetention: objectLockRetentionOf(config),
        allowSseC: allowSseCOf(config),
        // CloudTrail's digest files (log file validation) are SSE-S3 whatever the trail's key.
        sseS3DeliverySourceArns: [`arn:${Aws.PARTITION}:cloudtrail:${props.region}:${accountId}:trail/*`],
        serverAccessLogsBucket: props.accessLogBucket,
        lifecycleRules: auditEvidenceLifecycleRules(config),
        eventBridgeEnabled: true,
        replication:
          replicaRegion === undefined
            ? undefined
            : {
                destinationBucketArn: `arn:aws:s3:::${auditReplicaBucketName(config.environment, accountId, replicaRegion)}`,
                // A fixed name: the replica bucket's policy lets only these roles replicate into it.
                role: new iam.Role(this, 'TrailReplicationRole', {
                  roleName: auditReplicationRoleName(props.region),
                  assumedBy: new iam.ServicePrincipal('s3.amazonaws.com'),
                  description: 'S3 replicates the trail bucket of this region to the audit replica bucket',
                }),
                destinationKmsKeyArn: auditReplicaKeyAliasArn(config, accountId, replicaRegion),
              },
      });
      this.trailBucket = trailBucket;
      if (trailBucket.replicationRole !== undefined) {
        this.allowReplicationToDecrypt(trailBucket.replicationRole, props.logsKey);
        // The logs key policy names this role's exact ARN: nobody inside the boundary may delete and
        // re-create it (and so obtain that grant), change its trust or pass it.
        PermissionsBoundary.protectRole(trailBucket.replicationRole);
      }
      if (props.accountResources && config.auditLogs.readers !== undefined) {
        this.trailReaderRole = this.addTrailReader(config.auditLogs.readers, config.securityAccount.accountId, props.region, trailBucket, props.logsKey);
      }
    }
    this.shipping = new CentralLogShipping(this, 'Shipping', {
      destinationArn: CentralLogDestination.arnFor(config.securityAccount.accountId, props.region, config.securityAccount.destinationName),
      // Audit and security classes to the destination only the deployers (or the sender role) may
      // subscribe to: a flood of the open one delays app records only (red-team A14).
      evidenceDestinationArn: CentralLogDestination.arnFor(
        config.securityAccount.accountId,
        props.region,
        evidenceDestinationName(config.securityAccount.destinationName),
      ),
      // An organization-wide destination policy (aws:PrincipalOrgID) needs a sender role; named, because
      // its policy writes the shipped groups, which the SCP lets only the named log writers write.
      useSenderRole: config.organizationId !== undefined,
      senderRoleName: config.organizationId !== undefined ? logWriterRoleName('sender', props.region) : undefined,
    });
    this.capture = new SecurityEventCapture(this, 'Capture', {
      trailScope: props.trailScope,
      trailBucket: this.trailBucket,
      logsKey: props.logsKey,
      shipping: this.shipping,
      // Local copies keep the class retention too; the central copies are the ones queried.
      auditLogRetention: config.logging.retentionDays.audit,
      securityLogRetention: config.logging.retentionDays.security,
      removalPolicy: props.removalPolicy,
      // Protected names (boundary, SCPs), the named trail its bucket accepts, the SCP's log writer.
      ...securityEventCaptureNames(props.region),
    });
  }

  /**
   * Forensics: the trail log files are readable by nobody else (the logs key lets the account's
   * principals use it only through Kinesis and SQS). A role of fixed name that only the listed roles
   * of the security account may assume (with MFA unless config says otherwise) reads them: the
   * objects and their versions, kms:Decrypt through S3 of this region (its own policy and a key
   * policy statement naming it), and what `aws cloudtrail validate-logs` needs (the trail, its
   * public keys; the digest files are SSE-S3). It writes nothing: the bucket policy
   * (ProtectLogObjects) would deny it anyway. It carries the account boundary and the protected tag
   * like every role of the stack, so nobody inside the boundary can change, pass or assume it.
   */
  private addTrailReader(
    readers: NonNullable<GuardrailsConfig['auditLogs']['readers']>,
    securityAccountId: string,
    region: string,
    trailBucket: EncryptedBucket,
    logsKey: kms.IKey,
  ): iam.Role {
    const role = readerRole(
      this,
      'TrailReaderRole',
      readers,
      securityAccountId,
      region,
      `Auditors of the security account read the trail log files of ${region} (read only)`,
    );
    // Named actions (not grantRead's Get*/List*): the log and digest files and their versions.
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadTrailLogFiles',
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [trailBucket.arnForObjects('*')],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ListTrailLogFiles',
        actions: ['s3:ListBucket', 's3:ListBucketVersions', 's3:GetBucketLocation'],
        resources: [trailBucket.bucketArn],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DecryptTrailLogsThroughS3',
        actions: ['kms:Decrypt'],
        resources: [logsKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${region}.${Aws.URL_SUFFIX}` } },
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadTrails',
        actions: ['cloudtrail:GetTrail'],
        resources: [`arn:${Aws.PARTITION}:cloudtrail:${region}:${Stack.of(this).account}:trail/*`],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ValidateLogFiles',
        // Both authorize no resource (IAM accepts only '*'): what `aws cloudtrail validate-logs` calls.
        actions: ['cloudtrail:DescribeTrails', 'cloudtrail:ListPublicKeys'],
        resources: ['*'],
      }),
    );
    const added = logsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'TrailReaderDecryptsTrailLogs',
        principals: [new iam.ArnPrincipal(role.roleArn)],
        actions: ['kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${region}.${Aws.URL_SUFFIX}` } },
      }),
      /* allowNoOp */ true,
    );
    if (!added.statementAdded) {
      Annotations.of(this).addWarningV2(
        '@cdk-guardrails/workload-account:importedLogsKeyTrailReader',
        `the logs key is imported: its key policy must let ${trailReaderRoleName(region)} kms:Decrypt through S3 (kms:ViaService s3.<region>.amazonaws.com), or the auditors cannot read the log files`,
      );
    }
    return role;
  }

  /**
   * The audit replica (config auditLogs.replicaRegion) is read the same way: a reader role for the
   * replica region, created here in the account's home stack (IAM is global, and the replica stack
   * deploys before the account's boundary exists). It reads the replica bucket's objects, by its fixed
   * name, and decrypts them through S3 of the replica region with the key the replica alias names
   * (the replica key serves the account's principals through S3 already); it writes nothing.
   */
  public addReplicaReader(config: GuardrailsConfig): void {
    const readers = config.auditLogs.readers;
    const replicaRegion = config.auditLogs.replicaRegion;
    if (readers === undefined || replicaRegion === undefined) return;
    const accountId = Stack.of(this).account;
    const bucketArn = `arn:${Aws.PARTITION}:s3:::${auditReplicaBucketName(config.environment, accountId, replicaRegion)}`;
    const role = readerRole(
      this,
      'ReplicaReaderRole',
      readers,
      config.securityAccount.accountId,
      replicaRegion,
      `Auditors of the security account read the audit replica in ${replicaRegion} (read only)`,
    );
    role.addToPolicy(new iam.PolicyStatement({ sid: 'ReadReplicaFiles', actions: ['s3:GetObject', 's3:GetObjectVersion'], resources: [`${bucketArn}/*`] }));
    role.addToPolicy(
      new iam.PolicyStatement({ sid: 'ListReplicaFiles', actions: ['s3:ListBucket', 's3:ListBucketVersions', 's3:GetBucketLocation'], resources: [bucketArn] }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DecryptReplicaThroughS3',
        actions: ['kms:Decrypt'],
        // The replica key is created in the replica stack: named by its alias, as the replication role does.
        resources: [`arn:${Aws.PARTITION}:kms:${replicaRegion}:${accountId}:key/*`],
        conditions: {
          StringEquals: { 'kms:ViaService': `s3.${replicaRegion}.${Aws.URL_SUFFIX}` },
          'ForAnyValue:StringEquals': { 'kms:ResourceAliases': auditReplicaKeyAlias(config) },
        },
      }),
    );
    this.replicaReaderRole = role;
  }

  /**
   * The logs key lets principals of the account use it only through Kinesis and SQS: the
   * replication role reads the log files through S3, so the key policy names that role, for
   * kms:Decrypt through S3 of this region (the role's identity policy, from EncryptedBucket,
   * limits it to this bucket's objects).
   */
  private allowReplicationToDecrypt(role: iam.IRole, logsKey: kms.IKey): void {
    const added = logsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AuditReplicationDecryptsTrailLogs',
        principals: [new iam.ArnPrincipal(role.roleArn)],
        actions: ['kms:Decrypt'],
        resources: ['*'],
        // The role's own policy limits the encryption context to this bucket; naming the bucket here
        // would make the key depend on the bucket, which depends on the key (a cycle).
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.${Aws.URL_SUFFIX}` } },
      }),
      /* allowNoOp */ true,
    );
    if (!added.statementAdded) {
      Annotations.of(this).addWarningV2(
        '@cdk-guardrails/workload-account:importedLogsKeyReplication',
        "the logs key is imported: its key policy must let the trail bucket's replication role kms:Decrypt through S3 (kms:ViaService s3.<region>.amazonaws.com), or no log file is replicated",
      );
    }
  }
}

/**
 * A reader role of fixed name that only the configured roles of the security account may assume
 * (the account narrowed by aws:PrincipalArn, so the trust stays valid if such a role is re-created;
 * the external id; MFA unless config says otherwise), for one hour.
 */
function readerRole(
  scope: Construct,
  id: string,
  readers: NonNullable<GuardrailsConfig['auditLogs']['readers']>,
  securityAccountId: string,
  region: string,
  description: string,
): iam.Role {
  return new iam.Role(scope, id, {
    roleName: trailReaderRoleName(region),
    assumedBy: new iam.AccountPrincipal(securityAccountId).withConditions({
      ArnEquals: { 'aws:PrincipalArn': readers.principalArns },
      StringEquals: { 'sts:ExternalId': readers.externalId },
      ...(readers.requireMfa ? { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } : {}),
    }),
    maxSessionDuration: Duration.hours(1),
    description,
  });
}
