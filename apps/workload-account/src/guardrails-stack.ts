import { addPrivateFunctionsNetwork, GuardrailStack, MINIMUM_TLS_VERSION, removalPolicyOf, requirePrivateFunctions } from '@cdk-guardrails/app-kit';
import {
  guardrailAdministratorArns, GuardrailsConfig, keyAdministratorArns, keyChoicesFor, privateNetworkFor, WorkloadAccountConfig, workloadTrailRegions,
} from '@cdk-guardrails/config';
import { KeyHierarchy, KeySource } from '@cdk-guardrails/kms-hierarchy';
import { Annotations, Aspects, Duration, RemovalPolicy, Stack, StackProps, Tags } from 'aws-cdk-lib';
import { BucketEncryptionGuard, EncryptedBucket, EncryptionMode, GuardMode, ProtectBucketConfiguration, ProtectLogObjects } from '@cdk-guardrails/s3-encryption';
import { LogClass, TrailScope } from '@cdk-guardrails/central-logging';
import { PermissionsBoundary } from '@cdk-guardrails/iam-least-privilege';
import { EncryptedBackupPlan, PrivateNetwork, VaultLock } from '@cdk-guardrails/resilience';
import * as backup from 'aws-cdk-lib/aws-backup';
import { Construct } from 'constructs';
import { WorkloadDetectiveControls } from './detective';
import { AccountIdentities, applyAccountBoundary } from './identities';
import { WorkloadSecrets } from './secrets';
import { WorkloadSecurityLogging } from './security-logging';

export interface WorkloadGuardrailsStackProps extends StackProps {
  readonly config: GuardrailsConfig;
  readonly account: WorkloadAccountConfig;
  readonly region: string;
  /**
   * Only capture and ship IAM changes: the us-east-1 stack of an account whose own regions do
   * not include us-east-1 (IAM events reach EventBridge only there).
   */
  readonly captureOnly: boolean;
  /**
   * The account's home stack (its first region), which owns the account-wide IAM resources
   * (the permissions boundary, groups, cross-account roles).
   * @default - this stack is the home stack
   */
  readonly homeStack?: Stack;
}

/**
 * No dark region: each account's home stack runs its multi-region trail (the management events of
 * every region, enabled or not, and the global service events), delivered and shipped in the home
 * region. Assumption (data residency): management events of every region are stored in the home
 * region, as with Control Tower's organization trail; keep an account's home region in the
 * jurisdiction its records must stay in. Object-level events (object keys can be personal data) stay
 * in their region: the other regions get a data-events-only trail for their restricted data bucket
 * (config auditLogs.s3DataEvents), or no trail at all.
 */
function trailScopeOf(config: GuardrailsConfig, props: WorkloadGuardrailsStackProps): TrailScope {
  if (props.homeStack === undefined) return TrailScope.ALL_REGIONS;
  return workloadTrailRegions(config, props.account).includes(props.region) ? TrailScope.DATA_EVENTS_ONLY : TrailScope.NONE;
}

/** Minimum TLS version the project's buckets accept (S3 supports 1.2 and 1.3). */

/**
 * The guardrails of one workload account in one region. Each region has its own keys and
 * secrets: a KMS key cannot be used outside its region.
 */
export class WorkloadGuardrailsStack extends GuardrailStack {
  public readonly keys: KeyHierarchy;
  public readonly dataBucket?: EncryptedBucket;
  /** Private subnets and endpoints of the rotation functions, in the network mode. */
  public readonly network?: PrivateNetwork;

  constructor(scope: Construct, id: string, props: WorkloadGuardrailsStackProps) {
    super(scope, id, { ...props, env: { account: props.account.accountId, region: props.region } });
    const { config } = props;
    const removalPolicy = removalPolicyOf(config);
    const choices = keyChoicesFor(config, props.account.accountId, props.region);
    const source = (arn: string | undefined) => arn ? KeySource.fromKeyArn(arn) : KeySource.create();
    this.keys = new KeyHierarchy(this, 'Keys', {
      dataKey: source(choices.data),
      secretsKey: source(choices.secrets),
      logsKey: source(choices.logs),
      rotationPeriod: Duration.days(config.kms.rotationPeriodDays),
      aliasPrefix: config.kms.aliasPrefix,
      removalPolicy,
      // Only the execution role of this region, the key admin and break-glass administer the keys.
      administratorArns: keyAdministratorArns(config, props.account.accountId, props.region),
      // AWS Backup encrypts the vault's recovery points with the data key.
      additionalDataKeyServices: config.backup.enabled ? ['backup'] : undefined,
    });

    // Every role in this stack gets the account's permissions boundary.
    applyAccountBoundary(this, config, props.homeStack);

    const securityLogging = new WorkloadSecurityLogging(this, 'SecurityLogging', {
      config,
      region: props.region,
      logsKey: this.keys.logsKey,
      minimumTlsVersion: MINIMUM_TLS_VERSION,
      removalPolicy,
      trailScope: trailScopeOf(config, props),
    });
    // The audit replica's reader (IAM is global): once per account, in its home stack.
    if (props.homeStack === undefined) securityLogging.addReplicaReader(config);

    // Buckets follow the environment's mode: SSE-S3, or SSE-KMS pinned to this region's data key.
    const encryption = config.s3.encryption === 'SSE_KMS' ? EncryptionMode.sseKms(this.keys.dataKey) : EncryptionMode.sseS3();
    // Every bucket in the stack (including ones other constructs create) gets the enforcing
    // settings and statements it lacks; the guard never weakens what a construct set.
    Aspects.of(this).add(new BucketEncryptionGuard({ mode: GuardMode.FIX, encryption, minimumTlsVersion: MINIMUM_TLS_VERSION }));
    // ... and a bucket policy that only the guardrail administrators may change (added after the
    // guard, which creates the policy of a bucket that has none).
    Aspects.of(this).add(new ProtectBucketConfiguration({ administratorArns: guardrailAdministratorArns(config, props.account.accountId) }));
    // Deliberate: the trail bucket and the AWS Config bucket are SSE-KMS with their own keys
    // whatever the data-bucket mode, and AWS services write to them.
    Annotations.of(this).acknowledgeWarning('@cdk-guardrails/s3-encryption:guardKeptUserEncryption',
      'the trail bucket (logs key) and the AWS Config bucket (data key) are SSE-KMS by design in every environment');
    Annotations.of(this).acknowledgeWarning('@cdk-guardrails/s3-encryption:guardServiceWriters',
      'CloudTrail and AWS Config deliver to these buckets; the trail bucket keeps its own enforcing statements (CloudTrail sends the SSE-KMS headers with the key ARN), the Config bucket is encrypted by default with the data key');
    // Every role of this stack is guardrail infrastructure (trail capture, log shipping, flow logs,
    // rotation functions, recorder, backup)...
    PermissionsBoundary.protectRoles(this);
    // ...and so is every security group (the network's, the hosted rotations'): SCP protect-tagged-guardrail-resources.
    Tags.of(this).add(PermissionsBoundary.PROTECTED_TAG_KEY, 'true', { includeResourceTypes: ['AWS::EC2::SecurityGroup'] });
    if (props.captureOnly) return;

    this.dataBucket = new EncryptedBucket(this, 'DataBucket', { encryption, removalPolicy, minimumTlsVersion: MINIMUM_TLS_VERSION });
    // Who read or wrote an object of the (restricted) data bucket: its S3 data events, in this region's trail.
    if (config.auditLogs.s3DataEvents) securityLogging.capture.recordS3DataEvents(this.dataBucket);

    // Network mode: the config loader made sure every account and region with functions has an entry.
    const networkEntry = privateNetworkFor(config, props.account.accountId, props.region);
    if (networkEntry) {
      this.useAvailabilityZones(networkEntry.vpc.availabilityZones);
      this.network = addPrivateFunctionsNetwork(this, 'Network', networkEntry, {
        flowLogsKey: this.keys.logsKey,
        flowLogRetention: config.logging.retentionDays.security,
        removalPolicy,
      });
      requirePrivateFunctions(this, this.network);
    }

    const secrets = new WorkloadSecrets(this, 'Secrets', {
      secretsKey: this.keys.secretsKey,
      logsKey: this.keys.logsKey,
      settings: config.secrets,
      environment: config.environment,
      databases: props.account.databases.filter((db) => db.region === props.region),
      apiKeys: props.account.apiKeys,
      serviceTokens: props.account.serviceTokens,
      removalPolicy,
      network: this.network,
      rotationLogRetention: config.logging.retentionDays.security,
      administratorArns: guardrailAdministratorArns(config, props.account.accountId),
    });

    const detective = new WorkloadDetectiveControls(this, 'DetectiveControls', {
      config,
      // Global resources (IAM, root MFA) are recorded once per account: in its first region.
      homeRegion: props.homeStack === undefined,
      deliveryKey: this.keys.dataKey,
      removalPolicy,
    });
    const recorderRole = detective.controls.recorderRole;
    // Evidence: only the delivering services (CloudTrail; AWS Config, with its recorder role) write
    // the trail and Config buckets' objects, only the guardrail administrators delete them.
    const administrators = guardrailAdministratorArns(config, props.account.accountId);
    if (securityLogging.trailBucket) new ProtectLogObjects({ administratorArns: administrators }).applyTo(securityLogging.trailBucket);
    if (detective.controls.configBucket) {
      new ProtectLogObjects({ administratorArns: administrators, writerArns: recorderRole ? [recorderRole.roleArn] : [] }).applyTo(detective.controls.configBucket);
    }
    // The recorder role: DetectiveControls exempts it from the boundary and tags it guardrails:protected.

    const identities = new AccountIdentities(this, 'Identities', {
      config,
      dataBucket: this.dataBucket,
      dataKey: config.s3.encryption === 'SSE_KMS' ? this.keys.dataKey : undefined,
      logsKey: this.keys.logsKey,
      removalPolicy,
      home: props.homeStack === undefined,
    });
    if (config.backup.enabled) this.addBackupPlan(config, removalPolicy);
    // ...but the workload identities, which bounded admins pass (under principals.boundedRolePath).
    Tags.of(identities).remove(PermissionsBoundary.PROTECTED_TAG_KEY, { includeResourceTypes: ['AWS::IAM::Role'], priority: 200 });

    // Application log groups opt in to central shipping with an explicit class.
    securityLogging.shipping.addLogGroup(identities.appLogGroup, { logClass: LogClass.APP });
    // The hosted database rotations log what they do to the credentials: security class.
    for (const group of secrets.rotationLogGroups) securityLogging.shipping.addLogGroup(group, { logClass: LogClass.SECURITY });

    if (props.account.databases.some((db) => db.region === props.region)) {
      // The databases' VPCs are described by ids from config (no lookups); this stack adds no
      // routes, so their route table ids are not needed.
      Annotations.of(this).acknowledgeWarning('@aws-cdk/aws-ec2:noSubnetRouteTableId',
        'imported database VPC: no routes or gateway endpoints are added to its route tables');
    }
  }

  /** Daily backups of the data bucket into a vault encrypted with the data key (optionally locked). */
  private addBackupPlan(config: WorkloadGuardrailsStackProps['config'], removalPolicy: RemovalPolicy): void {
    const { retentionDays, vaultLock } = config.backup;
    const plan = new EncryptedBackupPlan(this, 'Backup', {
      encryptionKey: this.keys.dataKey,
      backupVaultName: `${config.environment}-guardrails`,
      retention: Duration.days(retentionDays),
      vaultLock: vaultLock.mode === 'none' ? undefined : VaultLock[vaultLock.mode]({
        minRetention: Duration.days(vaultLock.minRetentionDays),
        maxRetention: vaultLock.maxRetentionDays ? Duration.days(vaultLock.maxRetentionDays) : undefined,
      }),
      resources: [backup.BackupResource.fromArn(this.dataBucket!.bucketArn)],
      removalPolicy,
    });
    // The AWS Backup role reads and restores through AWS managed policies, outside the boundary's services.
    PermissionsBoundary.exempt(plan.role, 'AWS Backup service role: backup and restore through the AWS managed AWSBackupServiceRolePolicy* policies');
    // Identities inside the boundary cannot change it (no tampering with the backups' access).
    PermissionsBoundary.protectRole(plan.role);
    Annotations.of(plan.role).acknowledgeWarning('@cdk-guardrails/iam-least-privilege:noPermissionsBoundary',
      'deliberate: the AWS Backup role is exempt from the boundary (AWS managed backup and restore policies)');
  }
}
