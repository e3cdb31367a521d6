import { RemovalPolicy } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CentralLogShipping } from './central-log-shipping';

/**
 * Which events the capture's trail records, and from which regions.
 *
 * An account needs exactly one `ALL_REGIONS` trail: without it, activity in a region where no
 * trail runs (one the region SCP does not cover, or by a principal it exempts) is never recorded,
 * and EventBridge receives no "AWS API Call via CloudTrail" event from that region. Create it in
 * the account's home region and give its other regions `DATA_EVENTS_ONLY` (restricted buckets
 * there) or `NONE`.
 */
export enum TrailScope {
  /**
   * A multi-region trail in this region: the management events of every region, enabled and future
   * ones included, and the global service events (IAM, STS, CloudFront), delivered to this region's
   * bucket and audit log group; plus the data events of the buckets of this region given to
   * `recordS3DataEvents`. Management events of other regions are stored in this region.
   */
  ALL_REGIONS = 'ALL_REGIONS',
  /**
   * A single-region trail of this region's management events (global service events only in
   * us-east-1). Every region where no trail runs stays dark: only for accounts that record the
   * other regions with a trail of their own (an organization trail).
   */
  THIS_REGION = 'THIS_REGION',
  /**
   * A single-region trail that records only the data events of the buckets given to
   * `recordS3DataEvents` (at least one, or synth fails): object-level events, whose object keys can
   * hold personal data, stay in their region. The management events come from the account's
   * `ALL_REGIONS` trail.
   */
  DATA_EVENTS_ONLY = 'DATA_EVENTS_ONLY',
  /**
   * No trail and no audit log group here: the account's `ALL_REGIONS` trail records this region.
   * The EventBridge rules and the security log group are created as in every scope (they fire
   * because that trail records this region's management events).
   */
  NONE = 'NONE',
}

/** Properties of a SecurityEventCapture. */
export interface SecurityEventCaptureProps {
  /**
   * Which events the trail records and from which regions. The default records every region:
   * create one capture of this scope per account (synth fails on a second one in the same app).
   * @default TrailScope.ALL_REGIONS
   */
  readonly trailScope?: TrailScope;

  /**
   * The bucket CloudTrail writes log files to (create it with @cdk-guardrails/s3-encryption).
   * For a bucket in the same stack, the trail adds the bucket policy statements CloudTrail
   * needs. If the bucket policy pins a KMS key for PutObject, pin `logsKey`: CloudTrail
   * encrypts log files with the trail key. Required unless `trailScope` is `TrailScope.NONE`
   * (and refused with it).
   * @default - none: only valid with TrailScope.NONE
   */
  readonly trailBucket?: s3.IBucket;

  /**
   * The logs key: encrypts the trail's log files and both log groups.
   * Its key policy must allow `logs.<region>.amazonaws.com` (with
   * `kms:EncryptionContext:aws:logs:arn`). For a key created in the same stack, the construct
   * adds the CloudTrail statements (`kms:GenerateDataKey*` scoped with
   * `kms:EncryptionContext:aws:cloudtrail:arn` and `aws:SourceArn`, and `kms:DescribeKey`);
   * for an imported key, add them to its key policy yourself.
   *
   * Refused at synth: an alias, and a key of another account or region than the stack (when
   * both are literal).
   */
  readonly logsKey: kms.IKey;

  /**
   * Capture IAM role, policy and user changes. IAM events reach EventBridge only in us-east-1,
   * so the capture must run there (whatever the workload regions are); enabling it elsewhere
   * would capture nothing, and fails.
   * @default - true when the stack is in us-east-1, false otherwise
   */
  readonly captureIamChanges?: boolean;

  /**
   * Which management events the trail records (with `TrailScope.DATA_EVENTS_ONLY`: none, and any
   * other value is refused).
   * @default cloudtrail.ReadWriteType.ALL
   */
  readonly managementEvents?: cloudtrail.ReadWriteType;

  /**
   * Name of the trail (3 to 128 letters, digits, '._-'). With a name, the trail bucket accepts
   * CloudTrail deliveries for exactly this trail (`aws:SourceArn`, as the CloudTrail documentation
   * recommends) instead of any trail of the account: another trail, one a bounded admin creates,
   * cannot write files into it. Name every trail that delivers into a shared bucket.
   * @default - generated; the bucket accepts the deliveries of any trail of this account
   */
  readonly trailName?: string;

  /**
   * Name of the IAM role CloudTrail delivers to the audit log group with (1 to 64 letters, digits,
   * '+=,.@_-'; one per trail, and IAM names are global to the account: include the region). Name it
   * when an SCP lets only named writers write the audit log group (iam-least-privilege
   * `protectTaggedGuardrailResources` writerOnlyLogGroupPrefixes), under a name nobody inside the
   * boundary can create. Ignored with TrailScope.NONE.
   * @default - a name generated by CloudFormation
   */
  readonly trailLogsRoleName?: string;

  /**
   * Prefix of the trail's objects in the bucket.
   * @default - no prefix
   */
  readonly trailS3KeyPrefix?: string;

  /**
   * Name of the audit-class log group the trail writes to.
   * @default '/guardrails/audit/cloudtrail'
   */
  readonly auditLogGroupName?: string;

  /**
   * Name of the security-class log group the EventBridge rules write to.
   * @default '/guardrails/security/events'
   */
  readonly securityLogGroupName?: string;

  /**
   * Name of the EventBridge rule capturing S3 changes (1 to 64 letters, digits, '.', '_', '-').
   * Name it under a prefix the permissions boundary protects.
   * @default - a name generated by CloudFormation
   */
  readonly s3ChangesRuleName?: string;

  /**
   * Name of the EventBridge rule capturing IAM changes, in us-east-1 (1 to 64 letters, digits,
   * '.', '_', '-'). Ignored where IAM changes are not captured.
   * @default - a name generated by CloudFormation
   */
  readonly iamChangesRuleName?: string;

  /**
   * Local retention of the audit log group (the central copy keeps its own retention). The default
   * is the audit class's retention (10 years), which compliance-rules' GuardrailsChecks requires of a
   * log group named `.../audit/...`; a shorter one fails that check.
   * @default logs.RetentionDays.TEN_YEARS (DefaultLogClass.AUDIT of @cdk-guardrails/facts)
   */
  readonly auditLogRetention?: logs.RetentionDays;

  /**
   * Local retention of the security log group.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly securityLogRetention?: logs.RetentionDays;

  /**
   * Ship both log groups (audit and security class) with this shipping construct.
   * @default - not shipped; call `shipTo` later
   */
  readonly shipping?: CentralLogShipping;

  /**
   * Removal policy of the log groups.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}
