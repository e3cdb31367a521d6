/**
 * The guardrails every workload account gets in every region, composed once: the key hierarchy,
 * the account boundary on every role, trail and security-event capture shipped to the security
 * account, the bucket guard with its protection, the data bucket, detective controls, and the
 * protection of the evidence buckets. Both deployments build on it:
 *
 * - `WorkloadGuardrailsStack` (guardrails-stack.ts): one stack per account and region, deployed with
 *   `cdk deploy`; adds what is configured per account (private network, rotating secrets, IAM
 *   identities, backup, audit replica and its readers).
 * - `WorkloadBaselineStack` (stackset.ts): the template every account of the targeted OUs gets
 *   from a service-managed StackSet, the account left to `AWS::AccountId`.
 *
 * What differs between them is passed in, not re-composed: who administers the keys and the
 * buckets, which boundary the roles get, the trail scope, and whether account-specific config
 * applies (imported keys, the audit replica, trail readers).
 */
import { MinimumTls } from '@cdk-guardrails/facts';
import { addAccessLogBucket, addAccountBaseline, allowSseCOf, dataKeyServicesForBaseline, GuardrailStack, removalPolicyOf } from '@cdk-guardrails/app-kit';
import { GuardrailsConfig, keyChoicesFor } from '@cdk-guardrails/config';
import { TrailScope } from '@cdk-guardrails/central-logging';
import { PermissionsBoundary } from '@cdk-guardrails/iam-least-privilege';
import { KeyHierarchy, KeySource } from '@cdk-guardrails/kms-hierarchy';
import {
  AccessLogBucket,
  BucketEncryptionGuard,
  EncryptedBucket,
  EncryptionMode,
  GuardMode,
  ProtectBucketConfiguration,
  ProtectLogObjects,
} from '@cdk-guardrails/s3-encryption';
import { Aspects, Duration, RemovalPolicy, StackProps, Tags, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { WorkloadDetectiveControls } from './detective';
import { WorkloadSecurityLogging } from './security-logging';

/** How long a replaced or deleted version of a data bucket object is kept before it expires. */
export const DATA_NONCURRENT_DAYS = 90;

export interface WorkloadRegionalBaselineProps extends StackProps {
  readonly config: GuardrailsConfig;
  /** The region of this stack (also in `env`). */
  readonly region: string;
  /**
   * The account's home region: global resources (IAM, root MFA) are recorded by AWS Config here,
   * once per account.
   */
  readonly homeRegion: boolean;
  /** Which trail this region runs (the home region the account's multi-region trail). */
  readonly trailScope: TrailScope;
  /**
   * Only capture and ship security events (a us-east-1 stack for IAM events in an account that
   * does not otherwise use us-east-1): no data bucket and no detective controls.
   */
  readonly captureOnly: boolean;
  /**
   * The template is deployed by StackSets to accounts unknown at synth: every key is created
   * (config names imported keys per account), and the audit replica and trail readers (per-account
   * resources deployed by the per-account app) are left out.
   */
  readonly stackSetInstance: boolean;
  /** Who administers the three keys: the deploying role, the key admin and break-glass of this account. */
  readonly keyAdministratorArns: string[];
  /**
   * Who may change the buckets' configuration and delete the evidence (trail and Config buckets'
   * objects): the deploying roles, the log admin and break-glass of this account.
   */
  readonly guardrailAdministratorArns: string[];
  /** Puts the account's permissions boundary on every role of the stack (called before any role exists). */
  readonly applyBoundary: (stack: WorkloadRegionalBaseline) => void;
}

/** The regional guardrails of one workload account; see the file comment. */
export class WorkloadRegionalBaseline extends GuardrailStack {
  public readonly keys: KeyHierarchy;
  public readonly securityLogging: WorkloadSecurityLogging;
  /** The encrypted data bucket (not in capture-only stacks). */
  public readonly dataBucket?: EncryptedBucket;
  /** The target of the server access logs of this stack's buckets (none in a capture-only stack without a trail). */
  public readonly accessLogBucket?: AccessLogBucket;
  /** AWS Config, GuardDuty and Access Analyzer (not in capture-only stacks). */
  public readonly detective?: WorkloadDetectiveControls;
  protected readonly removal: RemovalPolicy;

  constructor(scope: Construct, id: string, props: WorkloadRegionalBaselineProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = removalPolicyOf(config);
    this.removal = removalPolicy;
    // Imported keys are named per account in config: a StackSet instance (account unknown) creates its own.
    const choices = props.stackSetInstance || Token.isUnresolved(this.account) ? {} : keyChoicesFor(config, this.account, props.region);
    const source = (arn: string | undefined) => (arn ? KeySource.fromKeyArn(arn) : KeySource.create());
    this.keys = new KeyHierarchy(this, 'Keys', {
      dataKey: source(choices.data),
      secretsKey: source(choices.secrets),
      logsKey: source(choices.logs),
      rotationPeriod: Duration.days(config.kms.rotationPeriodDays),
      aliasPrefix: config.kms.aliasPrefix,
      removalPolicy,
      // Only the deploying role of this region, the key admin and break-glass administer the keys.
      administratorArns: props.keyAdministratorArns,
      // AWS Backup encrypts the vault's recovery points with the data key; EC2 the EBS volumes (account baseline).
      additionalDataKeyServices: dataKeyServices([
        ...(props.stackSetInstance || !config.backup.enabled ? [] : ['backup']),
        ...dataKeyServicesForBaseline(config),
      ]),
    });
    // The account baseline (config accountBaseline): EBS encryption by default with this region's data
    // key; S3 Block Public Access of the account, a global setting, owned by the home region's stack.
    // In StackSet instances too: the settings function's code is inline (no asset, which a StackSet
    // template cannot carry). The SSE-C block of the buckets (below) needs no function.
    addAccountBaseline(this, config, { dataKey: this.keys.dataKey, logsKey: this.keys.logsKey }, props.homeRegion);

    // Every role in this stack gets the account's permissions boundary.
    props.applyBoundary(this);

    // One access-log bucket per account and region, for the buckets of this stack (trail, data,
    // Config): CT.S3.PR.2. A capture-only stack without a trail has no bucket to log.
    if (!props.captureOnly || props.trailScope !== TrailScope.NONE) {
      this.accessLogBucket = addAccessLogBucket(this, config, removalPolicy, props.guardrailAdministratorArns);
    }
    this.securityLogging = new WorkloadSecurityLogging(this, 'SecurityLogging', {
      accessLogBucket: this.accessLogBucket,
      config,
      region: props.region,
      logsKey: this.keys.logsKey,
      minimumTlsVersion: MinimumTls.VERSION,
      removalPolicy,
      trailScope: props.trailScope,
      accountResources: !props.stackSetInstance,
    });

    // Buckets follow the environment's mode: SSE-S3, or SSE-KMS pinned to this region's data key.
    const encryption = config.s3.encryption === 'SSE_KMS' ? EncryptionMode.sseKms(this.keys.dataKey) : EncryptionMode.sseS3();
    // Every bucket in the stack (including ones other constructs create) gets the enforcing
    // settings and statements it lacks; the guard never weakens what a construct set.
    Aspects.of(this).add(new BucketEncryptionGuard({ mode: GuardMode.FIX, encryption, minimumTlsVersion: MinimumTls.VERSION }));
    // ... and a bucket policy that only the guardrail administrators may change (added after the
    // guard, which creates the policy of a bucket that has none).
    Aspects.of(this).add(new ProtectBucketConfiguration({ administratorArns: props.guardrailAdministratorArns }));
    // Every role of this stack is guardrail infrastructure (trail capture, log shipping, flow logs,
    // rotation functions, recorder, backup)...
    PermissionsBoundary.protectRoles(this);
    // ...and so is every security group (the network's, the hosted rotations'): SCP protect-tagged-guardrail-resources
    // (the functions: GuardrailStack).
    Tags.of(this).add(PermissionsBoundary.PROTECTED_TAG_KEY, 'true', { includeResourceTypes: ['AWS::EC2::SecurityGroup'] });
    if (props.captureOnly) return;

    this.dataBucket = new EncryptedBucket(this, 'DataBucket', {
      encryption,
      removalPolicy,
      minimumTlsVersion: MinimumTls.VERSION,
      serverAccessLogsBucket: this.accessLogBucket,
      eventBridgeEnabled: true,
      allowSseC: allowSseCOf(config),
      // Object Lock without a default retention: the workload locks objects one by one (config s3.dataBucketObjectLock).
      objectLockEnabled: config.s3.dataBucketObjectLock ? true : undefined,
      // Workload data: what is current stays; a replaced or deleted version is kept DATA_NONCURRENT_DAYS
      // days to recover from a mistake (or ransomware), then expires; incomplete uploads after 7 days.
      lifecycleRules: [
        { id: 'NoncurrentVersions', noncurrentVersionExpiration: Duration.days(DATA_NONCURRENT_DAYS), abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
    });
    // Who read or wrote an object of the (restricted) data bucket: its S3 data events, in this region's trail.
    if (config.auditLogs.s3DataEvents) this.securityLogging.capture.recordS3DataEvents(this.dataBucket);

    this.detective = new WorkloadDetectiveControls(this, 'DetectiveControls', {
      config,
      homeRegion: props.homeRegion,
      deliveryKey: this.keys.dataKey,
      removalPolicy,
      accessLogBucket: this.accessLogBucket,
    });
    const recorderRole = this.detective.controls.recorderRole;
    // Evidence: only the delivering services (CloudTrail; AWS Config, with its recorder role) write
    // the trail and Config buckets' objects, only the guardrail administrators delete them.
    const administrators = props.guardrailAdministratorArns;
    if (this.securityLogging.trailBucket) new ProtectLogObjects({ administratorArns: administrators }).applyTo(this.securityLogging.trailBucket);
    if (this.detective.controls.configBucket) {
      new ProtectLogObjects({ administratorArns: administrators, writerArns: recorderRole ? [recorderRole.roleArn] : [] }).applyTo(
        this.detective.controls.configBucket,
      );
    }
    // The recorder role: DetectiveControls exempts it from the boundary and tags it guardrails:protected.
  }
}

/** The data key's extra services, or undefined when there are none (the key policy's default). */
function dataKeyServices(services: string[]): string[] | undefined {
  return services.length > 0 ? services : undefined;
}
