import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as accessanalyzer from 'aws-cdk-lib/aws-accessanalyzer';
import * as config from 'aws-cdk-lib/aws-config';
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { GuardDutyProtection } from './guardduty-protection';
import { UnusedAccessAnalyzerOptions } from './unused-access-analyzer';
import { createUnusedAccessAnalyzer } from './private/unused-access-analyzer';
import { SecurityHub, SecurityHubProps } from './security-hub';
import { GUARDRAIL_RULES, RuleSpec, S3_KMS_RULE } from './private/rules';
import { detectorPlans } from './private/detector-properties';
import { protectRecorderRole } from './private/recorder-role';
import { validateProps } from './private/validate-props';
import { createConfigBucket } from './private/config-bucket';

/** How often GuardDuty publishes updates of existing findings to EventBridge and Security Hub. */
export enum FindingPublishingFrequency {
  /** Every 15 minutes. */
  FIFTEEN_MINUTES = 'FIFTEEN_MINUTES',
  /** Every hour. */
  ONE_HOUR = 'ONE_HOUR',
  /** Every 6 hours (the GuardDuty default). */
  SIX_HOURS = 'SIX_HOURS',
}

/** Properties of DetectiveControls. Every part is on by default and can be switched off. */
export interface DetectiveControlsProps {
  /**
   * Create an AWS Config configuration recorder and delivery channel.
   *
   * AWS allows one recorder per account and region: switch this off where one already exists
   * (for example under AWS Control Tower); the managed rules then use the existing recorder.
   * @default true
   */
  readonly enableConfigRecorder?: boolean;

  /**
   * Bucket the delivery channel writes configuration history and snapshots to.
   *
   * A bucket of this app gets the AWS Config bucket-policy statements added; an imported bucket
   * (for example a central bucket of the security account) must already allow delivery.
   * @default - a bucket is created: encrypted, TLS-only, versioned, all public access blocked, retained
   */
  readonly configDeliveryBucket?: s3.IBucket;

  /**
   * KMS key AWS Config encrypts delivered objects with (also the default encryption of the created bucket).
   * @default - SSE-S3 on the created bucket; the bucket's own default encryption on a given bucket
   */
  readonly configDeliveryKey?: kms.IKey;

  /**
   * Bucket the created Config bucket writes its S3 server access logs to (an `AccessLogBucket` of
   * @cdk-guardrails/s3-encryption, or any SSE-S3 bucket that admits log delivery). Ignored with
   * `configDeliveryBucket`.
   * @default - no server access logs
   */
  readonly configBucketAccessLogs?: s3.IBucket;

  /**
   * Lifecycle rules of the created Config bucket. Ignored with `configDeliveryBucket`.
   * @default - configuration history is audit evidence: current versions move to Glacier Instant Retrieval after 90 days and Deep Archive after 365, and expire after 3,653 days (the audit log class); noncurrent versions expire after 30 days; incomplete uploads are aborted after 7 days
   */
  readonly configBucketLifecycleRules?: s3.LifecycleRule[];

  /**
   * Key prefix of delivered objects in the bucket (AWS Config appends `AWSLogs/<account>/Config/...`).
   * @default - no prefix
   */
  readonly configDeliveryPrefix?: string;

  /**
   * Record global resources (IAM users, roles, policies) and deploy the rules that check global
   * resources (IAM policies, root MFA). Turn it on in one region only, to avoid duplicate
   * recording costs and duplicate findings.
   * @default true
   */
  readonly includeGlobalResources?: boolean;

  /**
   * What happens to the created delivery bucket when it is removed from the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Deploy the AWS Config managed rules for the project's guarantees (they need a recorder:
   * the one created here or an existing one).
   * @default true
   */
  readonly enableConfigRules?: boolean;

  /**
   * Also require SSE-KMS (not only some default encryption) on every S3 bucket
   * (managed rule S3_DEFAULT_ENCRYPTION_KMS). Turn on when the S3 encryption mode is SSE_KMS. With
   * the recorder and no `configDeliveryBucket`, requires `configDeliveryKey` (the created Config
   * bucket must pass the rule too).
   * @default false
   */
  readonly requireS3KmsEncryption?: boolean;

  /**
   * Longest rotation interval a secret may have (SECRETSMANAGER_ROTATION_ENABLED_CHECK
   * `maximumAllowedRotationFrequency`), whole days, 1 to 1000.
   * @default - any enabled rotation is compliant
   */
  readonly maxSecretRotationInterval?: Duration;

  /**
   * Managed rule identifiers (for example `IAM_POLICY_NO_STATEMENTS_WITH_FULL_ACCESS`) to leave out,
   * typically because AWS Config does not offer them in a region. Each must be one of the rules this
   * construct deploys.
   * @default - no rule is left out
   */
  readonly excludedRules?: string[];

  /**
   * How often periodic rules (KMS rotation, log group encryption, CloudTrail, root MFA) run.
   * @default config.MaximumExecutionFrequency.TWENTY_FOUR_HOURS
   */
  readonly periodicRuleFrequency?: config.MaximumExecutionFrequency;

  /**
   * Create a GuardDuty detector with S3 protection (and the plans of `guardDutyProtection`).
   *
   * AWS allows one detector per account and region: switch this off where GuardDuty is already on
   * (for example enabled by an organization's delegated administrator).
   * @default true
   */
  readonly enableGuardDuty?: boolean;

  /**
   * How often GuardDuty publishes updates of existing findings.
   * @default FindingPublishingFrequency.FIFTEEN_MINUTES
   */
  readonly findingPublishingFrequency?: FindingPublishingFrequency;

  /**
   * GuardDuty protection plans besides S3 protection, which is always on (AWS Control Tower
   * CT.GUARDDUTY.PR.1). Only with `enableGuardDuty`.
   * @default - EKS audit logs and EBS malware protection on; RDS, Lambda and Runtime Monitoring as GuardDuty sets them on a new detector (see GuardDutyProtection)
   * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty-features-activation-model.html
   */
  readonly guardDutyProtection?: GuardDutyProtection;

  /**
   * Enable AWS Security Hub (a `SecurityHub`: the hub, its standards, optionally a finding
   * aggregator). Off by default: AWS allows one hub per account and region, and an organization's
   * delegated administrator often enables it already.
   * @default false
   */
  readonly enableSecurityHub?: boolean;

  /**
   * The standards and the finding aggregation of Security Hub. Only with `enableSecurityHub`.
   * @default - AWS Foundational Security Best Practices and CIS AWS Foundations Benchmark v5.0.0, no aggregator
   */
  readonly securityHub?: SecurityHubProps;

  /**
   * Create an IAM Access Analyzer (external access analyzer).
   * @default true
   */
  readonly enableAccessAnalyzer?: boolean;

  /**
   * AWS Organizations id (`o-...`). When set, the analyzer is an ORGANIZATION analyzer, which must
   * be deployed in the management account or a delegated administrator account.
   * @default - an ACCOUNT analyzer
   */
  readonly organizationId?: string;

  /**
   * Name of the analyzer.
   * @default - generated by CloudFormation
   */
  readonly analyzerName?: string;

  /**
   * Also create an unused-access analyzer (independent of `enableAccessAnalyzer`, which is the
   * external-access analyzer). Create it in one region only: IAM is global, the analyzer is billed
   * per role and user analyzed.
   * @default - no unused-access analyzer
   */
  readonly unusedAccessAnalyzer?: UnusedAccessAnalyzerOptions;
}

/**
 * Detective controls for the guardrails: an AWS Config recorder and delivery channel, managed rules
 * that check the project's guarantees, a GuardDuty detector with S3 protection, an IAM Access
 * Analyzer and, when enabled, Security Hub. Each part can be switched off where the account already has it.
 */
export class DetectiveControls extends Construct {
  /** The configuration recorder (undefined when `enableConfigRecorder` is false). */
  public readonly configRecorder?: config.CfnConfigurationRecorder;

  /** The delivery channel (undefined when `enableConfigRecorder` is false). */
  public readonly deliveryChannel?: config.CfnDeliveryChannel;

  /** The bucket AWS Config delivers to (given or created; undefined without a recorder). */
  public readonly configBucket?: s3.IBucket;

  /** The role the recorder uses (undefined when `enableConfigRecorder` is false). */
  public readonly recorderRole?: iam.IRole;

  /** The managed rules (empty when `enableConfigRules` is false). */
  public readonly rules: config.ManagedRule[];

  /** The GuardDuty detector (undefined when `enableGuardDuty` is false). */
  public readonly detector?: guardduty.CfnDetector;

  /** Security Hub (undefined unless `enableSecurityHub` is true). */
  public readonly securityHub?: SecurityHub;

  /** The IAM Access Analyzer (undefined when `enableAccessAnalyzer` is false). */
  public readonly analyzer?: accessanalyzer.CfnAnalyzer;

  /** The unused-access analyzer (undefined without `unusedAccessAnalyzer`). */
  public readonly unusedAccessAnalyzer?: accessanalyzer.CfnAnalyzer;

  constructor(scope: Construct, id: string, props: DetectiveControlsProps = {}) {
    super(scope, id);
    validateProps(this, props);

    const enableRecorder = props.enableConfigRecorder ?? true;
    const includeGlobal = props.includeGlobalResources ?? true;

    if (enableRecorder) {
      const recorder = this.createRecorder(props, includeGlobal);
      this.configRecorder = recorder.recorder;
      this.deliveryChannel = recorder.channel;
      this.configBucket = recorder.bucket;
      this.recorderRole = recorder.role;
    }

    this.rules = (props.enableConfigRules ?? true) ? this.createRules(props, includeGlobal) : [];

    if (props.enableGuardDuty ?? true) {
      this.detector = new guardduty.CfnDetector(this, 'Detector', {
        enable: true,
        findingPublishingFrequency: props.findingPublishingFrequency ?? FindingPublishingFrequency.FIFTEEN_MINUTES,
        // DataSources (S3Logs always on, CT.GUARDDUTY.PR.1) or, for plans without a data source, Features: never both.
        ...detectorPlans(props.guardDutyProtection),
      });
    }

    if (props.enableSecurityHub === true) {
      this.securityHub = new SecurityHub(this, 'SecurityHub', props.securityHub);
    }

    if (props.enableAccessAnalyzer ?? true) {
      this.analyzer = new accessanalyzer.CfnAnalyzer(this, 'Analyzer', {
        type: props.organizationId !== undefined ? 'ORGANIZATION' : 'ACCOUNT',
        analyzerName: props.analyzerName,
      });
    }
    if (props.unusedAccessAnalyzer) {
      this.unusedAccessAnalyzer = createUnusedAccessAnalyzer(this, props.unusedAccessAnalyzer);
    }
  }

  /**
   * The bucket created here rejects PUTs without an encryption header (and, with a delivery key,
   * naming another key), like every bucket of the guardrails, but for AWS Config's own deliveries:
   * the recorder role (only AWS Config of this account can assume it, and nobody inside the boundary
   * can change, pass or assume it) and the config.amazonaws.com service principal, because AWS Config
   * is not documented to send the header. Default encryption encrypts what they deliver.
   */
  private enforceEncryptedUploads(bucket: s3.IBucket, recorderRole: iam.IRole, deliveryKey: kms.IKey | undefined): void {
    const exceptConfigDeliveries = {
      ArnNotEquals: { 'aws:PrincipalArn': recorderRole.roleArn },
      StringNotEqualsIfExists: { 'aws:PrincipalServiceName': 'config.amazonaws.com' },
    };
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyUnencryptedObjectUploads',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects('*')],
        conditions: { Null: { 's3:x-amz-server-side-encryption': 'true' }, ...exceptConfigDeliveries },
      }),
    );
    if (deliveryKey === undefined) return;
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyWrongKmsKey',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects('*')],
        conditions: {
          Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'false' },
          StringNotEquals: { 's3:x-amz-server-side-encryption-aws-kms-key-id': deliveryKey.keyArn },
          ...exceptConfigDeliveries,
        },
      }),
    );
  }

  private createRecorder(props: DetectiveControlsProps, includeGlobal: boolean) {
    const stack = Stack.of(this);
    const bucket = props.configDeliveryBucket ?? createConfigBucket(this, props);
    const prefix = props.configDeliveryPrefix;
    const deliveryPath = `${prefix ? `${prefix}/` : ''}AWSLogs/${stack.account}/Config/*`;

    // A dedicated role (trusting AWS Config of this account only) rather than the service-linked
    // role, so the stack works in an account where the service-linked role does not exist yet.
    const role = new iam.Role(this, 'RecorderRole', {
      assumedBy: new iam.ServicePrincipal('config.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': stack.account },
      }),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWS_ConfigRole')],
    });
    protectRecorderRole(role);
    bucket.grantPut(role, deliveryPath);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetBucketAcl', 's3:ListBucket'],
        resources: [bucket.bucketArn],
      }),
    );
    if (props.configDeliveryKey) {
      props.configDeliveryKey.grantEncrypt(role);
    }

    // Bucket policy statements from the AWS Config documentation (no-op on an imported bucket).
    const sourceAccount = { 'aws:SourceAccount': stack.account };
    const configService = new iam.ServicePrincipal('config.amazonaws.com');
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AWSConfigBucketPermissionsCheck',
        principals: [configService],
        actions: ['s3:GetBucketAcl', 's3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringEquals: sourceAccount },
      }),
    );
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AWSConfigBucketDelivery',
        principals: [configService],
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects(deliveryPath)],
        conditions: { StringEquals: { ...sourceAccount, 's3:x-amz-acl': 'bucket-owner-full-control' } },
      }),
    );
    if (props.configDeliveryBucket === undefined) this.enforceEncryptedUploads(bucket, role, props.configDeliveryKey);

    const recorder = new config.CfnConfigurationRecorder(this, 'Recorder', {
      roleArn: role.roleArn,
      recordingGroup: {
        allSupported: true,
        includeGlobalResourceTypes: includeGlobal,
      },
    });
    const channel = new config.CfnDeliveryChannel(this, 'DeliveryChannel', {
      s3BucketName: bucket.bucketName,
      s3KeyPrefix: prefix,
      s3KmsKeyArn: props.configDeliveryKey?.keyArn,
      configSnapshotDeliveryProperties: { deliveryFrequency: config.MaximumExecutionFrequency.TWENTY_FOUR_HOURS },
    });
    // AWS Config needs the recorder before the channel, and the role's policy before either writes.
    channel.node.addDependency(recorder);
    recorder.node.addDependency(role);
    channel.node.addDependency(role);
    if (Construct.isConstruct(bucket) && bucket.policy) {
      channel.node.addDependency(bucket.policy);
    }
    return { recorder, channel, bucket, role };
  }

  private createRules(props: DetectiveControlsProps, includeGlobal: boolean): config.ManagedRule[] {
    const excluded = new Set(props.excludedRules ?? []);
    const specs: RuleSpec[] = [
      ...GUARDRAIL_RULES.filter((spec) => includeGlobal || !spec.global),
      ...(props.requireS3KmsEncryption ? [S3_KMS_RULE] : []),
    ].filter((spec) => !excluded.has(spec.identifier));
    const rotationDays = props.maxSecretRotationInterval?.toDays();
    return specs.map((spec) => {
      const rule = new config.ManagedRule(this, spec.id, {
        identifier: spec.identifier,
        description: `Guardrail: ${spec.description}.`,
        ruleScope: spec.scope ? config.RuleScope.fromResources(spec.scope) : undefined,
        maximumExecutionFrequency: spec.scope ? undefined : (props.periodicRuleFrequency ?? config.MaximumExecutionFrequency.TWENTY_FOUR_HOURS),
        inputParameters:
          spec.identifier === config.ManagedRuleIdentifiers.SECRETSMANAGER_ROTATION_ENABLED_CHECK && rotationDays !== undefined
            ? { maximumAllowedRotationFrequency: rotationDays }
            : undefined,
      });
      // A rule can only be created once a recorder exists.
      if (this.configRecorder) {
        rule.node.addDependency(this.configRecorder);
      }
      if (this.deliveryChannel) {
        rule.node.addDependency(this.deliveryChannel);
      }
      return rule;
    });
  }
}
