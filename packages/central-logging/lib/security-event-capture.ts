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
import { LOG_GROUP_NAME, ROLE_NAME, RULE_NAME, TRAIL_NAME, validateName } from './private/resource-names';

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
 * - a CloudTrail trail (log file validation, KMS-encrypted) writing to the trail bucket and to an
 *   encrypted audit-class log group: by default a multi-region trail recording the management
 *   events of every region and the global service events (see {@link TrailScope});
 * - EventBridge rules writing S3 bucket-policy, encryption and public-access changes, and (in
 *   us-east-1 only) IAM role, policy and user changes, to an encrypted security-class log group.
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
  /** Rule capturing S3 policy, encryption and public-access changes. */
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
    validateName('SecurityEventCapture', 's3ChangesRuleName', props.s3ChangesRuleName, RULE_NAME);
    validateName('SecurityEventCapture', 'iamChangesRuleName', props.iamChangesRuleName, RULE_NAME);
    validateName('SecurityEventCapture', 'auditLogGroupName', props.auditLogGroupName, LOG_GROUP_NAME);
    validateName('SecurityEventCapture', 'securityLogGroupName', props.securityLogGroupName, LOG_GROUP_NAME);
    validateName('SecurityEventCapture', 'trailLogsRoleName', props.trailLogsRoleName, ROLE_NAME);
    validateName('SecurityEventCapture', 'trailName', props.trailName, TRAIL_NAME);
    if (props.s3ChangesRuleName !== undefined && props.s3ChangesRuleName === props.iamChangesRuleName) {
      throw new Error(`SecurityEventCapture: iamChangesRuleName: received ${JSON.stringify(props.iamChangesRuleName)}; expected a name other than s3ChangesRuleName (rule names are unique per event bus)`);
    }
    this.capturesIamChanges = decideIamCapture(this, stack.region, props.captureIamChanges);
    this.trailScope = props.trailScope ?? TrailScope.ALL_REGIONS;
    this.managementEventsReadWrite = decideManagementEvents(this.trailScope, props.managementEvents);

    const securityLogGroup = new logs.LogGroup(this, 'SecurityLogGroup', {
      logGroupName: props.securityLogGroupName ?? '/guardrails/security/events',
      retention: props.securityLogRetention ?? logs.RetentionDays.THREE_MONTHS,
      encryptionKey: props.logsKey,
      removalPolicy,
    });
    this.securityLogGroup = securityLogGroup;

    // --- CloudTrail ---
    if (this.trailScope === TrailScope.NONE) {
      if (props.trailBucket !== undefined) {
        throw new Error(`SecurityEventCapture: trailBucket: received a bucket with trailScope NONE; expected no bucket (this scope creates no trail: the account's ALL_REGIONS trail records this region)`);
      }
    } else {
      if (props.trailBucket === undefined) {
        throw new Error(`SecurityEventCapture: trailBucket: received undefined with trailScope ${this.trailScope}; expected the bucket CloudTrail delivers its log files to (only TrailScope.NONE creates no trail)`);
      }
      // CloudTrail encrypts its log files with logsKey: a bucket whose default key is another one (and
      // whose policy, as the project's EncryptedBucket writes it, refuses any other key) would refuse
      // every delivery, silently at synth and loudly only in the trail's status.
      const bucketKey = props.trailBucket.encryptionKey;
      if (bucketKey !== undefined && bucketKey !== props.logsKey && !sameKeyArn(bucketKey, props.logsKey)) {
        throw new Error(`SecurityEventCapture: trailBucket: received a bucket encrypted with ${keyLabel(bucketKey)}; expected a bucket encrypted with logsKey (${keyLabel(props.logsKey)}): CloudTrail writes its log files with logsKey, and a bucket pinned to another key refuses them. Create the trail bucket with EncryptionMode.sseKms(logsKey), or pass its key as logsKey`);
      }
      if (this.trailScope === TrailScope.ALL_REGIONS) registerAllRegionsTrail(this);
      if (this.trailScope === TrailScope.DATA_EVENTS_ONLY) {
        this.node.addValidation({
          validate: () => this.dataEventBuckets.length > 0 ? [] : [
            'trailScope DATA_EVENTS_ONLY: no bucket was given to recordS3DataEvents, so the trail would record nothing; give it the restricted buckets of this region, or use TrailScope.NONE',
          ],
        });
      }
      this.auditLogGroup = new logs.LogGroup(this, 'AuditLogGroup', {
        logGroupName: props.auditLogGroupName ?? '/guardrails/audit/cloudtrail',
        retention: props.auditLogRetention ?? logs.RetentionDays.ONE_YEAR,
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
        ruleName: props.iamChangesRuleName,
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
      if (logsRole === undefined) throw new Error(`${this.node.path}: trailLogsRoleName: aws-cdk-lib's Trail has no LogsRole child any more; update SecurityEventCapture`);
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
      throw new Error(`${this.node.path}: recordS3DataEvents: this capture has trailScope NONE (no trail); expected a capture with a trail in the bucket's region (TrailScope.DATA_EVENTS_ONLY records only data events)`);
    }
    if (!Token.isUnresolved(bucket.env.region) && !Token.isUnresolved(stack.region) && bucket.env.region !== stack.region) {
      throw new Error(`${this.node.path}: recordS3DataEvents: received a bucket of ${bucket.env.region}; expected a bucket of this trail's region ${stack.region} (object-level events stay in their region: record it with a DATA_EVENTS_ONLY capture in ${bucket.env.region})`);
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

function decideManagementEvents(scope: TrailScope, requested: cloudtrail.ReadWriteType | undefined): cloudtrail.ReadWriteType {
  if (scope !== TrailScope.DATA_EVENTS_ONLY) return requested ?? cloudtrail.ReadWriteType.ALL;
  if (requested !== undefined && requested !== cloudtrail.ReadWriteType.NONE) {
    throw new Error(`SecurityEventCapture: managementEvents: received ${requested} with trailScope DATA_EVENTS_ONLY; expected NONE or unset (the account's ALL_REGIONS trail records the management events: a second copy is charged)`);
  }
  return cloudtrail.ReadWriteType.NONE;
}

/** The ALL_REGIONS captures of each app, by account: a second one would record every management event twice. */
const allRegionsTrails = new WeakMap<object, Map<string, string>>();

function registerAllRegionsTrail(capture: Construct): void {
  const account = Stack.of(capture).account;
  if (Token.isUnresolved(account)) return;
  const root = capture.node.root;
  let byAccount = allRegionsTrails.get(root);
  if (byAccount === undefined) {
    byAccount = new Map();
    allRegionsTrails.set(root, byAccount);
  }
  const existing = byAccount.get(account);
  if (existing !== undefined) {
    throw new Error(`${capture.node.path}: trailScope: received ALL_REGIONS for account ${account}, which already has a multi-region trail (${existing}); expected one per account: give this capture TrailScope.DATA_EVENTS_ONLY or TrailScope.NONE (every region's management events are recorded twice otherwise, and the second copy is charged)`);
  }
  byAccount.set(account, capture.node.path);
}

/** Per trail bucket: the named trails that deliver into it, and the captures whose trail has no name. */
interface TrailDeliveries {
  readonly namedTrailArns: string[];
  readonly unnamedCaptures: string[];
}
const trailDeliveries = new WeakMap<object, TrailDeliveries>();

/**
 * aws-cdk-lib's bucket statements let cloudtrail.amazonaws.com write under AWSLogs/<account>/
 * without saying for which trail. With a trail name, only that trail (and the other named trails of
 * the same bucket) may deliver (`aws:SourceArn`, built from the name: the trail's own ARN attribute
 * would make a cycle, the trail depending on the bucket policy); without one, only this account's
 * trails (`aws:SourceAccount`): a trail of another account, the confused deputy, never may.
 */
function restrictTrailDeliveries(capture: Construct, bucket: s3.IBucket, trailName: string | undefined): void {
  const stack = Stack.of(capture);
  let entry = trailDeliveries.get(bucket);
  const first = entry === undefined;
  if (entry === undefined) {
    entry = { namedTrailArns: [], unnamedCaptures: [] };
    trailDeliveries.set(bucket, entry);
  }
  const deliveries = entry;
  if (trailName === undefined) {
    deliveries.unnamedCaptures.push(capture.node.path);
  } else {
    deliveries.namedTrailArns.push(stack.formatArn({ service: 'cloudtrail', resource: 'trail', resourceName: trailName }));
  }
  if (!first) return;
  const denyDeliveriesUnless = (sid: string, key: string, allowed: string | string[]) => bucket.addToResourcePolicy(new iam.PolicyStatement({
    sid,
    effect: iam.Effect.DENY,
    principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
    actions: ['s3:PutObject'],
    resources: [bucket.arnForObjects('*')],
    conditions: { StringNotEquals: { [key]: allowed } },
  }));
  denyDeliveriesUnless('DenyCloudTrailDeliveryForOtherAccounts', 'aws:SourceAccount', stack.account);
  // Every capture of a bucket names its trail, or none does (validated below).
  if (trailName !== undefined) {
    denyDeliveriesUnless('DenyCloudTrailDeliveryForOtherTrails', 'aws:SourceArn', Lazy.list({ produce: () => deliveries.namedTrailArns }));
  }
  capture.node.addValidation({
    validate: () => deliveries.namedTrailArns.length > 0 && deliveries.unnamedCaptures.length > 0
      ? [`trailName: the trail of ${deliveries.unnamedCaptures.join(', ')} has no name, and another trail delivering into the same bucket has one: the bucket would refuse the unnamed trail's log files; name every trail of a shared bucket`]
      : [],
  });
}

/** Two keys given by resolved ARNs that name the same key. */
function sameKeyArn(a: kms.IKey, b: kms.IKey): boolean {
  return !Token.isUnresolved(a.keyArn) && !Token.isUnresolved(b.keyArn) && a.keyArn === b.keyArn;
}

function keyLabel(key: kms.IKey): string {
  return Token.isUnresolved(key.keyArn) ? key.node.path : key.keyArn;
}
