import { Annotations, ArnFormat, Aws, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CentralLogShipping } from './central-log-shipping';
import { LogClass } from './log-class';

/** The only region where IAM (a global service) delivers its CloudTrail events to EventBridge. */
const IAM_EVENTS_REGION = 'us-east-1';

/** IAM API calls captured as security events: role, policy, user, group and credential changes. */
const IAM_CHANGE_EVENT_NAMES: string[] = [
  // roles
  'CreateRole', 'DeleteRole', 'UpdateRole', 'UpdateRoleDescription', 'UpdateAssumeRolePolicy',
  'AttachRolePolicy', 'DetachRolePolicy', 'PutRolePolicy', 'DeleteRolePolicy',
  'PutRolePermissionsBoundary', 'DeleteRolePermissionsBoundary',
  // managed policies
  'CreatePolicy', 'DeletePolicy', 'CreatePolicyVersion', 'DeletePolicyVersion', 'SetDefaultPolicyVersion',
  // users and groups
  'CreateUser', 'DeleteUser', 'UpdateUser', 'AttachUserPolicy', 'DetachUserPolicy', 'PutUserPolicy', 'DeleteUserPolicy',
  'PutUserPermissionsBoundary', 'DeleteUserPermissionsBoundary', 'AddUserToGroup', 'RemoveUserFromGroup',
  'CreateGroup', 'DeleteGroup', 'AttachGroupPolicy', 'DetachGroupPolicy', 'PutGroupPolicy', 'DeleteGroupPolicy',
  // credentials
  'CreateAccessKey', 'UpdateAccessKey', 'DeleteAccessKey', 'CreateLoginProfile', 'UpdateLoginProfile', 'DeleteLoginProfile',
  'EnableMFADevice', 'DeactivateMFADevice',
];

/** S3 API calls captured as security events: bucket policy, encryption and public-access changes. */
const S3_CHANGE_EVENT_NAMES: string[] = [
  'PutBucketPolicy', 'DeleteBucketPolicy',
  'PutBucketEncryption', 'DeleteBucketEncryption',
  'PutBucketPublicAccessBlock', 'DeleteBucketPublicAccessBlock',
  'PutAccountPublicAccessBlock', 'DeleteAccountPublicAccessBlock',
  'PutBucketAcl', 'PutBucketOwnershipControls', 'DeleteBucketOwnershipControls',
];

/** Properties of a SecurityEventCapture. */
export interface SecurityEventCaptureProps {
  /**
   * The bucket CloudTrail writes log files to (create it with @cdk-guardrails/s3-encryption).
   * For a bucket in the same stack, the trail adds the bucket policy statements CloudTrail
   * needs. If the bucket policy pins a KMS key for PutObject, pin `logsKey`: CloudTrail
   * encrypts log files with the trail key.
   */
  readonly trailBucket: s3.IBucket;

  /**
   * The logs key: encrypts the trail's log files and both log groups.
   * Its key policy must allow `logs.<region>.amazonaws.com` (with
   * `kms:EncryptionContext:aws:logs:arn`). For a key created in the same stack, the construct
   * adds the CloudTrail statements (`kms:GenerateDataKey*` scoped with
   * `kms:EncryptionContext:aws:cloudtrail:arn` and `aws:SourceArn`, and `kms:DescribeKey`);
   * for an imported key, add them to its key policy yourself.
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
   * Which management events the trail records.
   * @default cloudtrail.ReadWriteType.ALL
   */
  readonly managementEvents?: cloudtrail.ReadWriteType;

  /**
   * Name of the trail.
   * @default - generated
   */
  readonly trailName?: string;

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
   * Local retention of the audit log group (the central copy keeps its own retention).
   * @default logs.RetentionDays.ONE_YEAR
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

/**
 * The workload-account side of central logging, for one region:
 *
 * - a CloudTrail trail (management events, log file validation, KMS-encrypted) writing to the
 *   trail bucket and to an encrypted audit-class log group;
 * - EventBridge rules writing S3 bucket-policy, encryption and public-access changes, and (in
 *   us-east-1 only) IAM role, policy and user changes, to an encrypted security-class log group.
 *
 * The trail is single-region (one per workload region, so each region ships to its own
 * destination); in us-east-1 it also records global service events (IAM).
 */
export class SecurityEventCapture extends Construct {
  /** The only region where IAM delivers its CloudTrail events to EventBridge. */
  public static readonly IAM_EVENTS_REGION: string = IAM_EVENTS_REGION;
  /** IAM API calls captured as security events. */
  public static readonly IAM_CHANGE_EVENT_NAMES: string[] = IAM_CHANGE_EVENT_NAMES;
  /** S3 API calls captured as security events. */
  public static readonly S3_CHANGE_EVENT_NAMES: string[] = S3_CHANGE_EVENT_NAMES;

  /** The trail. */
  public readonly trail: cloudtrail.Trail;
  /** Audit-class log group (CloudTrail). */
  public readonly auditLogGroup: logs.ILogGroup;
  /** Security-class log group (EventBridge rules). */
  public readonly securityLogGroup: logs.ILogGroup;
  /** Rule capturing S3 policy, encryption and public-access changes. */
  public readonly s3ChangesRule: events.Rule;
  /** Rule capturing IAM changes (us-east-1 only). */
  public readonly iamChangesRule?: events.Rule;
  /** Whether IAM changes are captured here. */
  public readonly capturesIamChanges: boolean;

  constructor(scope: Construct, id: string, props: SecurityEventCaptureProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.capturesIamChanges = decideIamCapture(this, stack.region, props.captureIamChanges);

    this.auditLogGroup = new logs.LogGroup(this, 'AuditLogGroup', {
      logGroupName: props.auditLogGroupName ?? '/guardrails/audit/cloudtrail',
      retention: props.auditLogRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: props.logsKey,
      removalPolicy,
    });
    const securityLogGroup = new logs.LogGroup(this, 'SecurityLogGroup', {
      logGroupName: props.securityLogGroupName ?? '/guardrails/security/events',
      retention: props.securityLogRetention ?? logs.RetentionDays.THREE_MONTHS,
      encryptionKey: props.logsKey,
      removalPolicy,
    });
    this.securityLogGroup = securityLogGroup;

    // --- CloudTrail ---
    this.addCloudTrailKeyStatements(props.logsKey);
    this.trail = new cloudtrail.Trail(this, 'Trail', {
      trailName: props.trailName,
      bucket: props.trailBucket,
      s3KeyPrefix: props.trailS3KeyPrefix,
      encryptionKey: props.logsKey,
      enableFileValidation: true,
      isMultiRegionTrail: false,
      // Global service events (IAM, STS, ...) are recorded in us-east-1: only that region's
      // trail includes them, so they are not duplicated in every region.
      includeGlobalServiceEvents: this.capturesIamChanges,
      managementEvents: props.managementEvents ?? cloudtrail.ReadWriteType.ALL,
      sendToCloudWatchLogs: true,
      cloudWatchLogGroup: this.auditLogGroup,
    });

    // --- EventBridge rules -> security log group ---
    const target: events.IRuleTarget = {
      bind: () => ({
        arn: stack.formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: securityLogGroup.logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      }),
    };
    this.s3ChangesRule = new events.Rule(this, 'S3ChangesRule', {
      description: 'S3 bucket policy, encryption and public-access changes (CloudTrail) to the security log group',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['AWS API Call via CloudTrail'],
        detail: { eventSource: ['s3.amazonaws.com'], eventName: S3_CHANGE_EVENT_NAMES },
      },
      targets: [target],
    });
    if (this.capturesIamChanges) {
      this.iamChangesRule = new events.Rule(this, 'IamChangesRule', {
        description: 'IAM role, policy, user and credential changes (CloudTrail, us-east-1 only) to the security log group',
        eventPattern: {
          source: ['aws.iam'],
          detailType: ['AWS API Call via CloudTrail'],
          detail: { eventSource: ['iam.amazonaws.com'], eventName: IAM_CHANGE_EVENT_NAMES },
        },
        targets: [target],
      });
    }
    // EventBridge writes to CloudWatch Logs through the log group's resource policy. A native
    // AWS::Logs::ResourcePolicy (no custom-resource Lambda), scoped to this one log group.
    // To tighten later: add an aws:SourceArn condition on the rule ARNs once verified that
    // EventBridge sets it for CloudWatch Logs deliveries (AWS documents it for SNS and SQS).
    new logs.ResourcePolicy(this, 'EventsWriteSecurityLogGroup', {
      policyStatements: [
        new iam.PolicyStatement({
          sid: 'EventBridgeWritesSecurityEvents',
          principals: [new iam.ServicePrincipal('events.amazonaws.com')],
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [securityLogGroup.logGroupArn],
        }),
      ],
    });

    if (props.shipping) this.shipTo(props.shipping);
  }

  /** Ship the audit log group (class audit) and the security log group (class security). */
  public shipTo(shipping: CentralLogShipping): void {
    shipping.addLogGroup(this.auditLogGroup, { logClass: LogClass.AUDIT });
    shipping.addLogGroup(this.securityLogGroup, { logClass: LogClass.SECURITY });
  }

  private addCloudTrailKeyStatements(key: kms.IKey): void {
    const stack = Stack.of(this);
    const trailArnPattern = `arn:${Aws.PARTITION}:cloudtrail:${stack.region}:${stack.account}:trail/*`;
    const principal = new iam.ServicePrincipal('cloudtrail.amazonaws.com');
    const added = key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailEncryptsLogFiles',
        principals: [principal],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringLike: {
            'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${Aws.PARTITION}:cloudtrail:*:${stack.account}:trail/*`,
            'aws:SourceArn': trailArnPattern,
          },
        },
      }),
      /* allowNoOp */ true,
    );
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailDescribesKey',
        principals: [principal],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
        conditions: { StringLike: { 'aws:SourceArn': trailArnPattern } },
      }),
      true,
    );
    if (!added.statementAdded) {
      Annotations.of(this).addWarningV2(
        '@cdk-guardrails/central-logging:importedTrailKey',
        'logsKey is imported: its key policy must allow cloudtrail.amazonaws.com kms:GenerateDataKey* (kms:EncryptionContext:aws:cloudtrail:arn) and kms:DescribeKey, or the trail cannot encrypt its log files.',
      );
    }
  }
}

function decideIamCapture(scope: Construct, region: string, requested: boolean | undefined): boolean {
  if (Token.isUnresolved(region)) {
    if (requested === undefined) {
      Annotations.of(scope).addWarningV2(
        '@cdk-guardrails/central-logging:iamCaptureRegionUnknown',
        `The stack region is not known at synth time, so IAM-change capture is off. IAM events reach EventBridge only in ${IAM_EVENTS_REGION}: give the stack an explicit region, or set captureIamChanges.`,
      );
      return false;
    }
    return requested;
  }
  if (requested === true && region !== IAM_EVENTS_REGION) {
    throw new Error(
      `SecurityEventCapture: captureIamChanges is true in ${region}, but IAM events reach EventBridge only in ${IAM_EVENTS_REGION}; the rule would never fire. Capture IAM changes in a ${IAM_EVENTS_REGION} stack of this account instead.`,
    );
  }
  return requested ?? region === IAM_EVENTS_REGION;
}
