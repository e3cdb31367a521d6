import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as config from 'aws-cdk-lib/aws-config';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { GuardDutyProtection } from './guardduty-protection';
import { SecurityHubProps } from './security-hub';
import { UnusedAccessAnalyzerOptions } from './unused-access-analyzer';

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
   * Refused at synth: an alias, and a key of another account or region than the stack (when both are literal).
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
