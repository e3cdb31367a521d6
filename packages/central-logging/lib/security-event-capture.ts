import { DefaultLogClass } from '@cdk-guardrails/facts';
import { Annotations, ArnFormat, Aws, Lazy, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CentralLogShipping } from './central-log-shipping';
import { LogClass } from './log-class';
import { requireKeyOfStack } from './private/errors';
import { LOG_GROUP_NAME, ROLE_NAME, RULE_NAME, TRAIL_NAME, validateName } from './private/resource-names';

import { SecurityEventCaptureProps, TrailScope } from './security-event-capture-props';
import {
  decideIamCapture,
  decideManagementEvents,
  IAM_EVENTS_REGION,
  keyLabel,
  registerAllRegionsTrail,
  restrictTrailDeliveries,
  sameKeyArn,
} from './private/trail-helpers';

/**
 * IAM API calls captured as security events: role, policy, user, group and credential changes, role and
 * user tags, instance profiles, OIDC and SAML identity providers. CloudTrail names an IAM event after
 * its API operation. The pattern must stay within EventBridge's default event pattern quota of 2,048
 * characters (tested).
 */
const IAM_CHANGE_EVENT_NAMES: string[] = [
  // roles
  'CreateRole',
  'DeleteRole',
  'UpdateRole',
  'UpdateRoleDescription',
  'UpdateAssumeRolePolicy',
  'AttachRolePolicy',
  'DetachRolePolicy',
  'PutRolePolicy',
  'DeleteRolePolicy',
  'PutRolePermissionsBoundary',
  'DeleteRolePermissionsBoundary',
  // managed policies
  'CreatePolicy',
  'DeletePolicy',
  'CreatePolicyVersion',
  'DeletePolicyVersion',
  'SetDefaultPolicyVersion',
  // users and groups
  'CreateUser',
  'DeleteUser',
  'UpdateUser',
  'AttachUserPolicy',
  'DetachUserPolicy',
  'PutUserPolicy',
  'DeleteUserPolicy',
  'PutUserPermissionsBoundary',
  'DeleteUserPermissionsBoundary',
  'AddUserToGroup',
  'RemoveUserFromGroup',
  'CreateGroup',
  'DeleteGroup',
  'AttachGroupPolicy',
  'DetachGroupPolicy',
  'PutGroupPolicy',
  'DeleteGroupPolicy',
  // credentials
  'CreateAccessKey',
  'UpdateAccessKey',
  'DeleteAccessKey',
  'CreateLoginProfile',
  'UpdateLoginProfile',
  'DeleteLoginProfile',
  'EnableMFADevice',
  'DeactivateMFADevice',
  // tags: ABAC and the guardrails' own tag conditions (guardrails:protected, session tags) read them
  'TagRole',
  'UntagRole',
  'TagUser',
  'UntagUser',
  // instance profiles: how a role is handed to EC2
  'CreateInstanceProfile',
  'DeleteInstanceProfile',
  'AddRoleToInstanceProfile',
  'RemoveRoleFromInstanceProfile',
  // identity providers: who outside the account may assume its roles
  'CreateOpenIDConnectProvider',
  'DeleteOpenIDConnectProvider',
  'UpdateOpenIDConnectProviderThumbprint',
  'AddClientIDToOpenIDConnectProvider',
  'RemoveClientIDFromOpenIDConnectProvider',
  'CreateSAMLProvider',
  'UpdateSAMLProvider',
  'DeleteSAMLProvider',
];

/**
 * S3 API calls captured as security events: bucket policy, encryption and public-access changes, and
 * the bucket's versioning, lifecycle, replication, Object Lock, access logging and deletion.
 */
const S3_CHANGE_EVENT_NAMES: string[] = [
  'PutBucketPolicy',
  'DeleteBucketPolicy',
  'PutBucketEncryption',
  'DeleteBucketEncryption',
  'PutBucketPublicAccessBlock',
  'DeleteBucketPublicAccessBlock',
  'PutAccountPublicAccessBlock',
  'DeleteAccountPublicAccessBlock',
  'PutBucketAcl',
  'PutBucketOwnershipControls',
  'DeleteBucketOwnershipControls',
  // what keeps a bucket's objects: versioning, lifecycle, replication, Object Lock, access logging
  // and the bucket itself. CloudTrail's names, which differ from the API's for two of them:
  // PutBucketLifecycleConfiguration is `PutBucketLifecycle`, PutObjectLockConfiguration is
  // `PutBucketObjectLockConfiguration` (the S3 user guide, "Amazon S3 CloudTrail events",
  // bucket-level actions tracked by CloudTrail logging)
  'PutBucketVersioning',
  'PutBucketLifecycle',
  'DeleteBucketLifecycle',
  'PutBucketReplication',
  'DeleteBucketReplication',
  'PutBucketObjectLockConfiguration',
  'PutBucketLogging',
  'DeleteBucket',
];

/**
 * The workload-account side of central logging, for one region:
 *
 * - a CloudTrail trail (log file validation, KMS-encrypted) writing to the trail bucket and to an
 *   encrypted audit-class log group: by default a multi-region trail recording the management
 *   events of every region and the global service events (see {@link TrailScope});
 * - EventBridge rules writing S3 bucket-policy, encryption, public-access, versioning, lifecycle,
 *   replication, Object Lock and logging changes and bucket deletions, and (in us-east-1 only) IAM
 *   role, policy, user, credential, tag, instance profile and identity provider changes, to an
 *   encrypted security-class log group.
 */
export class SecurityEventCapture extends Construct {
  /** The only region where IAM delivers its CloudTrail events to EventBridge. */
  public static readonly IAM_EVENTS_REGION: string = IAM_EVENTS_REGION;
  /** IAM API calls captured as security events. */
  public static readonly IAM_CHANGE_EVENT_NAMES: string[] = IAM_CHANGE_EVENT_NAMES;
  /** S3 API calls captured as security events. */
  public static readonly S3_CHANGE_EVENT_NAMES: string[] = S3_CHANGE_EVENT_NAMES;

  /** The trail (none with TrailScope.NONE). */
  public readonly trail?: cloudtrail.Trail;
  /** Audit-class log group the trail writes to (none with TrailScope.NONE). */
  public readonly auditLogGroup?: logs.ILogGroup;
  /** Which events the trail records, and from which regions. */
  public readonly trailScope: TrailScope;
  /** Security-class log group (EventBridge rules). */
  public readonly securityLogGroup: logs.ILogGroup;
  /** Rule capturing S3 bucket policy, encryption, public-access, retention and logging changes and bucket deletions. */
  public readonly s3ChangesRule: events.Rule;
  /** Rule capturing IAM changes (us-east-1 only). */
  public readonly iamChangesRule?: events.Rule;
  /** Whether IAM changes are captured here. */
  public readonly capturesIamChanges: boolean;

  /** Buckets whose object reads and writes the trail records (recordS3DataEvents). */
  private readonly dataEventBuckets: s3.IBucket[] = [];
  private readonly managementEventsReadWrite: cloudtrail.ReadWriteType;

  constructor(scope: Construct, id: string, props: SecurityEventCaptureProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    validateName(this.node.path, 's3ChangesRuleName', props.s3ChangesRuleName, RULE_NAME);
    validateName(this.node.path, 'iamChangesRuleName', props.iamChangesRuleName, RULE_NAME);
    validateName(this.node.path, 'auditLogGroupName', props.auditLogGroupName, LOG_GROUP_NAME);
    validateName(this.node.path, 'securityLogGroupName', props.securityLogGroupName, LOG_GROUP_NAME);
    validateName(this.node.path, 'trailLogsRoleName', props.trailLogsRoleName, ROLE_NAME);
    validateName(this.node.path, 'trailName', props.trailName, TRAIL_NAME);
    requireKeyOfStack(this, 'logsKey', props.logsKey);
    if (props.s3ChangesRuleName !== undefined && props.s3ChangesRuleName === props.iamChangesRuleName) {
      throw new Error(
        `${this.node.path}: iamChangesRuleName: received ${JSON.stringify(props.iamChangesRuleName)}; expected a name other than s3ChangesRuleName (rule names are unique per event bus)`,
      );
    }
    this.capturesIamChanges = decideIamCapture(this, stack.region, props.captureIamChanges);
    this.trailScope = props.trailScope ?? TrailScope.ALL_REGIONS;
    this.managementEventsReadWrite = decideManagementEvents(this.node.path, this.trailScope, props.managementEvents);

    const securityLogGroup = new logs.LogGroup(this, 'SecurityLogGroup', {
      logGroupName: props.securityLogGroupName ?? '/guardrails/security/events',
      retention: props.securityLogRetention ?? DefaultLogClass.SECURITY.retentionDays,
      encryptionKey: props.logsKey,
      removalPolicy,
    });
    this.securityLogGroup = securityLogGroup;

    // --- CloudTrail ---
    if (this.trailScope === TrailScope.NONE) {
      if (props.trailBucket !== undefined) {
        throw new Error(
          `${this.node.path}: trailBucket: received a bucket with trailScope NONE; expected no bucket (this scope creates no trail: the account's ALL_REGIONS trail records this region)`,
        );
      }
    } else {
      if (props.trailBucket === undefined) {
        throw new Error(
          `${this.node.path}: trailBucket: received undefined with trailScope ${this.trailScope}; expected the bucket CloudTrail delivers its log files to (only TrailScope.NONE creates no trail)`,
        );
      }
      // CloudTrail encrypts its log files with logsKey: a bucket whose default key is another one (and
      // whose policy, as the project's EncryptedBucket writes it, refuses any other key) would refuse
      // every delivery, silently at synth and loudly only in the trail's status.
      const bucketKey = props.trailBucket.encryptionKey;
      if (bucketKey !== undefined && bucketKey !== props.logsKey && !sameKeyArn(bucketKey, props.logsKey)) {
        throw new Error(
          `${this.node.path}: trailBucket: received a bucket encrypted with ${keyLabel(bucketKey)}; expected a bucket encrypted with logsKey (${keyLabel(props.logsKey)}): CloudTrail writes its log files with logsKey, and a bucket pinned to another key refuses them. Create the trail bucket with EncryptionMode.sseKms(logsKey), or pass its key as logsKey`,
        );
      }
      if (this.trailScope === TrailScope.ALL_REGIONS) registerAllRegionsTrail(this);
      if (this.trailScope === TrailScope.DATA_EVENTS_ONLY) {
        this.node.addValidation({
          validate: () =>
            this.dataEventBuckets.length > 0
              ? []
              : [
                  'trailScope DATA_EVENTS_ONLY: no bucket was given to recordS3DataEvents, so the trail would record nothing; give it the restricted buckets of this region, or use TrailScope.NONE',
                ],
        });
      }
      this.auditLogGroup = new logs.LogGroup(this, 'AuditLogGroup', {
        logGroupName: props.auditLogGroupName ?? '/guardrails/audit/cloudtrail',
        retention: props.auditLogRetention ?? DefaultLogClass.AUDIT.retentionDays,
        encryptionKey: props.logsKey,
        removalPolicy,
      });
      this.trail = this.createTrail(props, props.trailBucket, this.auditLogGroup);
    }

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
      ruleName: props.s3ChangesRuleName,
      description:
        'S3 bucket policy, encryption, public-access, versioning, lifecycle, replication, Object Lock, logging changes and bucket deletions (CloudTrail) to the security log group',
      // Only this account's own calls: any event on the default bus matches a pattern that does
      // not name the account, and a workload admin can bring other accounts' real CloudTrail
      // events there (a bus resource policy, or a rule of its own bus targeting the default bus);
      // they would be shipped and filed as this account's security records.
      eventPattern: {
        account: [stack.account],
        source: ['aws.s3'],
        detailType: ['AWS API Call via CloudTrail'],
        detail: { eventSource: ['s3.amazonaws.com'], eventName: S3_CHANGE_EVENT_NAMES },
      },
      targets: [target],
    });
    if (this.capturesIamChanges) {
      this.iamChangesRule = new events.Rule(this, 'IamChangesRule', {
        ruleName: props.iamChangesRuleName,
        description:
          'IAM role, policy, user, credential, tag, instance profile and identity provider changes (CloudTrail, us-east-1 only) to the security log group',
        eventPattern: {
          account: [stack.account],
          source: ['aws.iam'],
          detailType: ['AWS API Call via CloudTrail'],
          detail: { eventSource: ['iam.amazonaws.com'], eventName: IAM_CHANGE_EVENT_NAMES },
        },
        targets: [target],
      });
    }
    // EventBridge writes to CloudWatch Logs through the log group's resource policy. A native
    // AWS::Logs::ResourcePolicy (no custom-resource Lambda), scoped to this one log group, and
    // writing only for this construct's rules: without aws:SourceArn, any rule of the account (one a
    // workload admin creates, on the default bus or its own, matching events it puts itself) could
    // write records of its choosing into the security log group, which is shipped as class
    // security. EventBridge sets aws:SourceArn (the rule) on PutLogEvents but not on
    // CreateLogStream (aws-samples/serverless-patterns eventbridge-cloudwatch, the fix of pull
    // request 618), so creating a stream stays unconditioned: an empty stream carries no record.
    const ruleArns = [this.s3ChangesRule.ruleArn, ...(this.iamChangesRule ? [this.iamChangesRule.ruleArn] : [])];
    new logs.ResourcePolicy(this, 'EventsWriteSecurityLogGroup', {
      policyStatements: [
        new iam.PolicyStatement({
          sid: 'EventBridgeCreatesStreams',
          principals: [new iam.ServicePrincipal('events.amazonaws.com')],
          actions: ['logs:CreateLogStream'],
          resources: [securityLogGroup.logGroupArn],
        }),
        new iam.PolicyStatement({
          sid: 'EventBridgeWritesSecurityEvents',
          principals: [new iam.ServicePrincipal('events.amazonaws.com')],
          actions: ['logs:PutLogEvents'],
          resources: [securityLogGroup.logGroupArn],
          conditions: { ArnEquals: { 'aws:SourceArn': ruleArns } },
        }),
      ],
    });

    if (props.shipping) this.shipTo(props.shipping);
  }

  private createTrail(props: SecurityEventCaptureProps, trailBucket: s3.IBucket, auditLogGroup: logs.ILogGroup): cloudtrail.Trail {
    this.addCloudTrailKeyStatements(props.logsKey);
    const allRegions = this.trailScope === TrailScope.ALL_REGIONS;
    const trail = new cloudtrail.Trail(this, 'Trail', {
      trailName: props.trailName,
      bucket: trailBucket,
      s3KeyPrefix: props.trailS3KeyPrefix,
      encryptionKey: props.logsKey,
      enableFileValidation: true,
      isMultiRegionTrail: allRegions,
      // Global service events (IAM, STS, ...) are recorded once: by the multi-region trail, or by a
      // single-region trail in us-east-1 (where they are delivered), never by a data-events-only one.
      includeGlobalServiceEvents: allRegions || (this.trailScope === TrailScope.THIS_REGION && this.capturesIamChanges),
      // DATA_EVENTS_ONLY: no basic selector at all (aws-cdk-lib refuses NONE without one); the
      // advanced selectors of recordS3DataEvents, data events only, replace it (validated above).
      managementEvents: this.trailScope === TrailScope.DATA_EVENTS_ONLY ? undefined : this.managementEventsReadWrite,
      sendToCloudWatchLogs: true,
      cloudWatchLogGroup: auditLogGroup,
    });

    if (props.trailLogsRoleName !== undefined) {
      // aws-cdk-lib creates the role CloudTrail writes to CloudWatch Logs with, without a name option.
      const logsRole = trail.node.tryFindChild('LogsRole') as iam.Role | undefined;
      if (logsRole === undefined)
        throw new Error(`${this.node.path}: trailLogsRoleName: aws-cdk-lib's Trail has no LogsRole child any more; update SecurityEventCapture`);
      (logsRole.node.defaultChild as iam.CfnRole).roleName = props.trailLogsRoleName;
    }

    restrictTrailDeliveries(this, trailBucket, props.trailName);
    return trail;
  }

  /**
   * Record who read or wrote the objects of `bucket` (S3 data events: GetObject, PutObject,
   * DeleteObject, ...) in this trail, for buckets that hold restricted data. The trail then uses
   * advanced event selectors: every management event as before, and the data events of exactly
   * these buckets' objects (`resources.ARN` starts with the bucket ARN and '/'), which bounds the
   * cost: CloudTrail charges data events per 100,000 delivered. The bucket must be in this trail's
   * region, also for an `ALL_REGIONS` trail: object-level events stay in their region (record the
   * buckets of another region with a `DATA_EVENTS_ONLY` capture there). Fails with `TrailScope.NONE`.
   */
  public recordS3DataEvents(bucket: s3.IBucket): void {
    const stack = Stack.of(this);
    if (this.trail === undefined) {
      throw new Error(
        `${this.node.path}: trailScope: received NONE (no trail) with a call of recordS3DataEvents; expected a capture with a trail in the bucket's region (TrailScope.DATA_EVENTS_ONLY records only data events)`,
      );
    }
    if (!Token.isUnresolved(bucket.env.region) && !Token.isUnresolved(stack.region) && bucket.env.region !== stack.region) {
      throw new Error(
        `${this.node.path}: recordS3DataEvents(bucket): received a bucket of ${bucket.env.region}; expected a bucket of this trail's region ${stack.region} (object-level events stay in their region: record it with a DATA_EVENTS_ONLY capture in ${bucket.env.region})`,
      );
    }
    if (this.dataEventBuckets.length === 0) {
      const cfn = this.trail.node.defaultChild as cloudtrail.CfnTrail;
      // Basic and advanced selectors cannot be mixed: the management events move to a selector of their own.
      cfn.addPropertyDeletionOverride('EventSelectors');
      cfn.advancedEventSelectors = Lazy.any({ produce: () => this.advancedEventSelectors() });
    }
    this.dataEventBuckets.push(bucket);
  }

  private advancedEventSelectors(): cloudtrail.CfnTrail.AdvancedEventSelectorProperty[] {
    const readWrite = this.managementEventsReadWrite;
    const managementFields: cloudtrail.CfnTrail.AdvancedFieldSelectorProperty[] = [{ field: 'eventCategory', equalTo: ['Management'] }];
    if (readWrite === cloudtrail.ReadWriteType.WRITE_ONLY) managementFields.push({ field: 'readOnly', equalTo: ['false'] });
    if (readWrite === cloudtrail.ReadWriteType.READ_ONLY) managementFields.push({ field: 'readOnly', equalTo: ['true'] });
    return [
      ...(readWrite === cloudtrail.ReadWriteType.NONE ? [] : [{ name: 'Management events', fieldSelectors: managementFields }]),
      {
        name: 'S3 object reads and writes of the restricted buckets',
        fieldSelectors: [
          { field: 'eventCategory', equalTo: ['Data'] },
          { field: 'resources.type', equalTo: ['AWS::S3::Object'] },
          { field: 'resources.ARN', startsWith: this.dataEventBuckets.map((b) => `${b.bucketArn}/`) },
        ],
      },
    ];
  }

  /** Ship the audit log group (class audit, where there is a trail) and the security log group (class security). */
  public shipTo(shipping: CentralLogShipping): void {
    if (this.auditLogGroup) shipping.addLogGroup(this.auditLogGroup, { logClass: LogClass.AUDIT });
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
