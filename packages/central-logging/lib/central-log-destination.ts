import * as fs from 'fs';
import * as path from 'path';
import { Annotations, ArnFormat, Aws, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import { LogClass, LogClassRule } from './log-class';
import {
  DESTINATION_POLICY_MAX_BYTES,
  destinationPolicyBytes,
  destinationPolicyDocument,
  PLACEHOLDER_ACCOUNT,
  PLACEHOLDER_PARTITION,
  PLACEHOLDER_REGION,
} from './private/destination-policy';
import { ALL_LOG_CLASSES, isAccountId } from './private/names';
import { DEFAULT_CENTRAL_PREFIX, markNeverShip } from './private/recursion-guard';
import { ALARM_NAME, FUNCTION_NAME, LOG_GROUP_NAME, QUEUE_NAME, ROLE_NAME, STREAM_NAME, validateName } from './private/resource-names';
import {
  deadLetterAdministrationStatement, deadLetterSenderStatement, streamConfigurationStatement, streamReaderStatement, streamWriterStatement, validateAdministratorArns,
} from './private/stream-policy';

/** IAM: default maximum size of a role trust policy, in characters. */
const TRUST_POLICY_MAX_CHARS = 2048;

/**
 * Who may subscribe log groups to the destination: a list of accounts, or an organization.
 */
export class LogSenders {
  /**
   * Allow exactly these accounts (12-digit ids). The destination policy names each one, so it
   * grows with the list: about 300 accounts fit under the 5,120-byte policy limit, and about 40
   * (depending on the length of the region name) fit in the trust policy of the role CloudWatch
   * Logs assumes (2,048 characters). Above that, use `fromOrganization`; synth fails with that
   * advice when a limit would be exceeded.
   */
  public static fromAccounts(accountIds: string[]): LogSenders {
    return new LogSenders(accountIds, undefined, undefined);
  }

  /**
   * Allow every account of an AWS Organization (`aws:PrincipalOrgID`). Each sender must then
   * pass an IAM role in its subscription filters (`CentralLogShipping` with
   * `useSenderRole: true`). Only use an organization that your configuration names.
   */
  public static fromOrganization(organizationId: string): LogSenders {
    return new LogSenders(undefined, organizationId, undefined);
  }

  /**
   * Allow exactly these accounts, and only while they belong to the organization (the accounts
   * are the principals of the destination policy, `aws:PrincipalOrgID` its condition), plus,
   * optionally, every account under these organizational units (`aws:PrincipalOrgPaths`), for
   * accounts that join an OU later (StackSet targets). Prefer it to `fromOrganization`: a sandbox
   * account of the organization cannot subscribe, and the forwarder drops records of an account
   * that is not listed (when no OU is given). Each sender passes an IAM role in its filters, as
   * with `fromOrganization`.
   *
   * @param organizationId the organization id (o-...)
   * @param accountIds the sender accounts (12-digit ids), at least one
   * @param organizationalUnitIds OUs whose accounts may also subscribe (ou-... or the root r-...)
   */
  public static fromOrganizationAccounts(organizationId: string, accountIds: string[], organizationalUnitIds?: string[]): LogSenders {
    return new LogSenders(accountIds, organizationId, organizationalUnitIds);
  }

  /** The sender accounts, in account mode (and in organization mode with accounts). */
  public readonly accountIds?: string[];
  /** The organization id, in organization mode. */
  public readonly organizationId?: string;
  /** Organizational units whose accounts may also subscribe (`aws:PrincipalOrgPaths`). */
  public readonly organizationalUnitIds?: string[];

  private constructor(accountIds: string[] | undefined, organizationId: string | undefined, organizationalUnitIds: string[] | undefined) {
    this.accountIds = accountIds;
    this.organizationId = organizationId;
    this.organizationalUnitIds = organizationalUnitIds;
  }
}

/**
 * Capacity of the Kinesis stream behind the destination.
 */
export class DestinationStreamCapacity {
  /** On-demand: scales with the traffic, no shard management. */
  public static onDemand(): DestinationStreamCapacity {
    return new DestinationStreamCapacity(kinesis.StreamMode.ON_DEMAND, undefined);
  }

  /**
   * A fixed number of shards (each 1 MB/s or 1,000 records/s in).
   * @param shardCount at least 1
   */
  public static provisioned(shardCount: number): DestinationStreamCapacity {
    return new DestinationStreamCapacity(kinesis.StreamMode.PROVISIONED, shardCount);
  }

  /** The stream mode. */
  public readonly mode: kinesis.StreamMode;
  /** Shards, in provisioned mode. */
  public readonly shardCount?: number;

  private constructor(mode: kinesis.StreamMode, shardCount: number | undefined) {
    this.mode = mode;
    this.shardCount = shardCount;
  }
}

/** Retention of the central log group of each class. */
export interface CentralLogRetention {
  /**
   * Audit class (CloudTrail).
   * @default logs.RetentionDays.TEN_YEARS
   */
  readonly audit?: logs.RetentionDays;
  /**
   * Security class (IAM and S3 policy changes).
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly security?: logs.RetentionDays;
  /**
   * App class (application log groups that opted in).
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly app?: logs.RetentionDays;
}

/** Properties of a CentralLogDestination. */
export interface CentralLogDestinationProps {
  /**
   * Who may subscribe: the workload accounts, or the organization when the configuration
   * names one.
   */
  readonly senders: LogSenders;

  /**
   * The logs key of this account and region. Encrypts the central log groups, the
   * forwarder's log group, the Kinesis stream and the dead-letter queue.
   *
   * Its key policy must allow `logs.<region>.amazonaws.com` (scoped with
   * `kms:EncryptionContext:aws:logs:arn`) and this account's principals through
   * `kms:ViaService` kinesis and sqs; the construct grants its roles in IAM only.
   */
  readonly logsKey: kms.IKey;

  /**
   * Name of the CloudWatch Logs destination. Workload accounts derive its ARN from this name
   * with `CentralLogDestination.arnFor`.
   * @default 'guardrails-central-logs'
   */
  readonly destinationName?: string;

  /**
   * Prefix of the central log group names: `<prefix>/audit`, `<prefix>/security`, `<prefix>/app`.
   * @default '/guardrails/central'
   */
  readonly logGroupNamePrefix?: string;

  /**
   * Name of the Kinesis stream behind the destination (1 to 128 letters, digits, '_', '.', '-').
   * Name it under a prefix the permissions boundary protects.
   * @default - a name generated by CloudFormation
   */
  readonly streamName?: string;

  /**
   * Name of the forwarder Lambda function (1 to 64 letters, digits, '-', '_').
   * @default - a name generated by CloudFormation
   */
  readonly forwarderFunctionName?: string;

  /**
   * Name of the forwarder's IAM role (1 to 64 letters, digits, '+=,.@_-'): the one principal that
   * writes the central log groups. Name it when an SCP lets only named writers write them
   * (iam-least-privilege `protectTaggedGuardrailResources` writerOnlyLogGroupPrefixes), under a name
   * nobody inside the boundary can create.
   * @default - a name generated by CloudFormation
   */
  readonly forwarderRoleName?: string;

  /**
   * Name of the forwarder's own log group (1 to 512 letters, digits, '.', '_', '-', '/', '#').
   * The forwarder writes to it through its logging configuration, whatever the function name; it
   * is never shipped (log recursion), also when imported by this name elsewhere in the app.
   * @default - a name generated by CloudFormation
   */
  readonly forwarderLogGroupName?: string;

  /**
   * Name of the dead-letter queue (a standard queue: 1 to 80 letters, digits, '-', '_').
   * @default - a name generated by CloudFormation
   */
  readonly deadLetterQueueName?: string;

  /**
   * Name of the alarm on the dead-letter queue (letters, digits, '.', '_', '-'; at most 255).
   * Name it under a protected prefix (iam-least-privilege's `protectedResourceNamePrefix`) so
   * that nothing inside the permissions boundary can delete it, disable its actions or set its state.
   * @default - a name generated by CloudFormation
   */
  readonly deadLetterAlarmName?: string;

  /**
   * How far the forwarder may fall behind the stream before an alarm: the age of the oldest record
   * it read (Lambda's `IteratorAge`, maximum over 5 minutes). Audit delivery is late for everyone
   * when one sender saturates the stream, when the forwarder is throttled or fails and retries,
   * or when records pile up faster than it writes them. Records older than the stream's retention
   * (24 hours) are lost: keep this well below it. At least 1 minute, at most 12 hours.
   *
   * @default Duration.minutes(15)
   */
  readonly maxDeliveryDelay?: Duration;

  /**
   * Name of the delivery-delay alarm (see `maxDeliveryDelay`). Name it under a protected prefix
   * like `deadLetterAlarmName`.
   * @default - a name generated by CloudFormation
   */
  readonly deliveryDelayAlarmName?: string;

  /**
   * Name of the alarm on write throttling of the stream (`WriteProvisionedThroughputExceeded` in
   * two of three 5-minute periods): CloudWatch Logs is putting more into the stream than it takes,
   * so every sender's delivery waits. Name it under a protected prefix like `deadLetterAlarmName`.
   * @default - a name generated by CloudFormation
   */
  readonly streamThrottleAlarmName?: string;

  /**
   * Principals that may change the configuration of the stream and administer the dead-letter
   * queue: exact IAM ARNs (roles, users or the account root; no wildcards), matched with
   * `ArnNotEquals aws:PrincipalArn`. When set, the stream policy denies deleting the stream,
   * changing its shards, retention, encryption, record size, resource policy or tags to every other
   * principal, and the queue policy denies receiving, deleting or hiding dead-letter messages,
   * purging or deleting the queue, and changing its attributes, policy, permissions or tags.
   * Include the CloudFormation execution role (it deploys both policies) and whoever drains the
   * dead-letter queue (a log administrator, break-glass): a resource policy denies the account root too.
   * @default - no administration statements: the stream policy only limits who may put records, the
   *   queue policy who may send
   */
  readonly administratorArns?: string[];

  /**
   * How the receiving side classifies each payload: by its source account and log group (both set
   * by CloudWatch Logs), never by the subscription filter name the sender chose. A payload no rule
   * matches goes to the dead-letter queue (`unclassified-log-group`). Every log group a sender
   * ships must match a rule, or its records land there.
   *
   * @default CentralLogDestination.DEFAULT_CLASSIFICATION_RULES: '/guardrails/audit/' audit;
   *   '/guardrails/security/', '/guardrails/lambda/', '/aws/lambda/guardrails-' security;
   *   '/guardrails/app/' app
   */
  readonly classificationRules?: LogClassRule[];

  /**
   * Retention per class.
   * @default - audit 10 years, security 90 days, app 30 days
   */
  readonly retention?: CentralLogRetention;

  /**
   * Capacity of the Kinesis stream.
   * @default DestinationStreamCapacity.onDemand()
   */
  readonly streamCapacity?: DestinationStreamCapacity;

  /**
   * How long Kinesis keeps records: how long a batch that keeps failing (the logs key disabled,
   * CloudWatch Logs refusing) waits for the fault to be fixed, retried, before it expires. With a
   * finite `forwarderRetryAttempts`, records given up on are listed in the dead-letter queue by
   * shard and sequence number and can be replayed from the stream during this period.
   * @default Duration.days(7)
   */
  readonly streamRetention?: Duration;

  /**
   * Records per forwarder invocation (1 to 10,000).
   * @default 100
   */
  readonly forwarderBatchSize?: number;

  /**
   * Times Lambda retries a failing batch (after bisecting it) before it gives up on it and sends
   * only the record range (shard, sequence numbers; not the records) to the dead-letter queue
   * (0 to 10,000). A finite number loses records the forwarder could not write in time unless an
   * operator replays them from the stream: leave it unset.
   *
   * @default - retry until the batch succeeds or its records expire from the stream
   *   (`streamRetention`). A record the forwarder can never write (undecodable, unclassified,
   *   rejected) is dead-lettered whole by the handler, so only faults that can be fixed (throttling,
   *   a disabled key, an outage) keep a batch retrying, and the delivery-delay alarm fires within
   *   `maxDeliveryDelay`.
   */
  readonly forwarderRetryAttempts?: number;

  /**
   * Concurrent batches per shard (1 to 10).
   * @default 1
   */
  readonly forwarderParallelizationFactor?: number;

  /**
   * Retention of the forwarder's own log group.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly forwarderLogRetention?: logs.RetentionDays;

  /**
   * Removal policy of the stateful resources (log groups, stream, queue).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * VPC to run the forwarder in, for example the private subnets of
   * `@cdk-guardrails/resilience`'s `PrivateNetwork`. The forwarder calls CloudWatch Logs and SQS
   * (and KMS through them): the subnets need a route to both, such as `logs` and `sqs` interface
   * endpoints. Its Kinesis event source is polled by Lambda outside the VPC.
   * @default - the forwarder runs outside any VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Subnets of the forwarder in `vpc`.
   * @default - the VPC's private subnets (CDK's default selection)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups of the forwarder in `vpc`.
   * @default - a new security group with all outbound traffic allowed
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
}

/**
 * The security-account side of central logging, for one region: a CloudWatch Logs
 * destination that workload accounts subscribe to, a KMS-encrypted Kinesis stream behind it
 * (whose resource policy lets only the destination role put records), and a forwarder Lambda
 * that writes every event into a central log group per class (one log stream per source
 * account, region and log group), with partial-batch failure reporting and an encrypted
 * dead-letter queue.
 *
 * A destination receives only from log groups in its own region: create one per workload
 * region.
 */
export class CentralLogDestination extends Construct {
  /**
   * The classification rules used when none are given, for the log group names of this project:
   * SecurityEventCapture's `/guardrails/audit/cloudtrail` (audit) and `/guardrails/security/events`
   * (security), the rotation functions' `/guardrails/lambda/...` and `/aws/lambda/guardrails-...`
   * (security), and application log groups under `/guardrails/app/` (app).
   */
  public static readonly DEFAULT_CLASSIFICATION_RULES: LogClassRule[] = [
    { logGroupNamePrefix: '/guardrails/audit/', logClass: LogClass.AUDIT },
    { logGroupNamePrefix: '/guardrails/security/', logClass: LogClass.SECURITY },
    { logGroupNamePrefix: '/guardrails/lambda/', logClass: LogClass.SECURITY },
    { logGroupNamePrefix: '/aws/lambda/guardrails-', logClass: LogClass.SECURITY },
    { logGroupNamePrefix: '/guardrails/app/', logClass: LogClass.APP },
  ];

  /**
   * The ARN of a destination, as a workload account computes it from configuration
   * (CloudFormation cannot reference across accounts).
   *
   * @param account the security account id
   * @param region the region of the destination (= the region of the subscribed log groups)
   * @param destinationName the destination name
   * @param partition the AWS partition; default 'aws'
   */
  public static arnFor(account: string, region: string, destinationName: string = DEFAULT_DESTINATION_NAME, partition: string = 'aws'): string {
    return `arn:${partition}:logs:${region}:${account}:destination:${destinationName}`;
  }

  /** ARN of the CloudWatch Logs destination. */
  public readonly destinationArn: string;
  /** Name of the CloudWatch Logs destination. */
  public readonly destinationName: string;
  /** The Kinesis stream behind the destination. */
  public readonly stream: kinesis.IStream;
  /**
   * The stream's resource policy: only the destination role may put records; with
   * `administratorArns`, only they may change the stream's configuration.
   */
  public readonly streamPolicy: kinesis.ResourcePolicy;
  /** The role CloudWatch Logs assumes to put records into the stream. */
  public readonly destinationRole: iam.IRole;
  /** The forwarder Lambda. */
  public readonly forwarder: lambda.IFunction;
  /** The forwarder's own log group: never subscribe it to a destination. */
  public readonly forwarderLogGroup: logs.ILogGroup;
  /**
   * Encrypted dead-letter queue: poison records, rejected events, exhausted batches. Its policy lets
   * only the forwarder send and, with `administratorArns`, only them drain or change it.
   */
  public readonly deadLetterQueue: sqs.IQueue;
  /** Alarm when the dead-letter queue holds any message (no actions attached). */
  public readonly deadLetterAlarm: cloudwatch.Alarm;

  /** Alarm when the forwarder falls behind the stream by more than `maxDeliveryDelay` (no actions attached). */
  public readonly deliveryDelayAlarm: cloudwatch.Alarm;

  /** Alarm when writes into the stream are throttled (no actions attached). */
  public readonly streamThrottleAlarm: cloudwatch.Alarm;
  /** Central log group of the audit class. */
  public readonly auditLogGroup: logs.ILogGroup;
  /** Central log group of the security class. */
  public readonly securityLogGroup: logs.ILogGroup;
  /** Central log group of the app class. */
  public readonly appLogGroup: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: CentralLogDestinationProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const destinationName = props.destinationName ?? DEFAULT_DESTINATION_NAME;
    const prefix = props.logGroupNamePrefix ?? DEFAULT_CENTRAL_PREFIX;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const capacity = props.streamCapacity ?? DestinationStreamCapacity.onDemand();
    validateProps(props, destinationName, prefix, capacity);
    const rules = props.classificationRules ?? CentralLogDestination.DEFAULT_CLASSIFICATION_RULES;
    validateClassificationRules(rules);
    const rulesJson = JSON.stringify(rules.map((r) => ({ p: r.logGroupNamePrefix, c: r.logClass, ...(r.accountIds ? { a: r.accountIds } : {}) })));
    if (rulesJson.length > MAX_RULES_JSON) {
      throw new Error(`CentralLogDestination: classificationRules: received ${rules.length} rules (${rulesJson.length} characters as the forwarder reads them); `
        + `at most ${MAX_RULES_JSON} fit in the forwarder's environment (4 KB in all). Use fewer, shorter prefixes, or rules for every sender instead of per-account ones`);
    }
    this.destinationName = destinationName;

    const senderAccounts = props.senders.accountIds ? [...props.senders.accountIds] : undefined;
    const organizationId = props.senders.organizationId;
    const organizationalUnitIds = props.senders.organizationalUnitIds;
    // The forwarder checks the source account only when the destination knows every sender.
    const knownSenders = senderAccounts !== undefined && (organizationalUnitIds ?? []).length === 0;

    // --- Kinesis stream (KMS) ---
    const stream = new kinesis.Stream(this, 'Stream', {
      streamName: props.streamName,
      encryption: kinesis.StreamEncryption.KMS,
      encryptionKey: props.logsKey,
      streamMode: capacity.mode,
      shardCount: capacity.shardCount,
      retentionPeriod: props.streamRetention ?? Duration.days(7),
      removalPolicy,
    });
    this.stream = stream;

    // --- Role CloudWatch Logs assumes to write into the stream ---
    // aws:SourceArn limits which accounts' log deliveries can use the role (confused deputy).
    // Organization mode cannot list the accounts, so it allows this region's CloudWatch Logs
    // in any account; the destination policy (aws:PrincipalOrgID) still decides who may
    // subscribe, and only subscriptions to this destination ever use this role.
    const sourceArnPattern = (account: string) => `arn:${Aws.PARTITION}:logs:${stack.region}:${account}:*`;
    const sourceArns = knownSenders
      ? [...new Set([stack.account, ...senderAccounts!])].map(sourceArnPattern)
      : [sourceArnPattern('*')];
    // --- The destination and its access policy ---
    const destinationArn = stack.formatArn({
      service: 'logs',
      resource: 'destination',
      resourceName: destinationName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    // Size policies with the real region and its partition when known, else with placeholders
    // at least as long as any real value.
    const sizingRegion = Token.isUnresolved(stack.region) ? PLACEHOLDER_REGION : stack.region;
    const sizingPartition = (!Token.isUnresolved(stack.region) && RegionInfo.get(stack.region).partition) || PLACEHOLDER_PARTITION;
    const sizingArn = CentralLogDestination.arnFor(
      Token.isUnresolved(stack.account) ? PLACEHOLDER_ACCOUNT : stack.account,
      sizingRegion,
      destinationName,
      sizingPartition,
    );
    const policyBytes = destinationPolicyBytes({ destinationArn: sizingArn, senderAccounts, organizationId, organizationalUnitIds });
    if (policyBytes > DESTINATION_POLICY_MAX_BYTES) {
      throw new Error(
        `CentralLogDestination: the destination policy would be about ${policyBytes} bytes with ${senderAccounts?.length ?? 0} sender accounts, above the CloudWatch Logs limit of ${DESTINATION_POLICY_MAX_BYTES} bytes. ` +
          'Set organizationId in config to use aws:PrincipalOrgID (LogSenders.fromOrganization), which keeps the policy small whatever the number of accounts.',
      );
    }
    if (knownSenders) {
      const trustChars = JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Action: 'sts:AssumeRole', Condition: { StringLike: { 'aws:SourceArn': sourceArns.map(() => `arn:${sizingPartition}:logs:${sizingRegion}:${PLACEHOLDER_ACCOUNT}:*`) } }, Effect: 'Allow', Principal: { Service: 'logs.amazonaws.com' } }],
      }).length;
      if (trustChars > TRUST_POLICY_MAX_CHARS) {
        throw new Error(
          `CentralLogDestination: senders lists ${senderAccounts.length} accounts; the trust policy of the role CloudWatch Logs assumes would be about ${trustChars} characters, above the IAM limit of ${TRUST_POLICY_MAX_CHARS}. Use LogSenders.fromOrganization (set organizationId in config to use aws:PrincipalOrgID).`,
        );
      }
    }
    const role = new iam.Role(this, 'DestinationRole', {
      assumedBy: new iam.ServicePrincipal('logs.amazonaws.com', {
        conditions: { StringLike: { 'aws:SourceArn': sourceArns } },
      }),
      description: `CloudWatch Logs puts subscription data from the destination ${destinationName} into its Kinesis stream`,
    });
    stream.grantWrite(role);
    this.destinationRole = role;

    // --- Stream policy: nobody but the destination role writes; only administrators reconfigure ---
    const writer = stream.addToResourcePolicy(streamWriterStatement(stream.streamArn, role.roleArn));
    if (props.administratorArns !== undefined) {
      stream.addToResourcePolicy(streamConfigurationStatement(stream.streamArn, props.administratorArns));
    }
    this.streamPolicy = writer.policyDependable as kinesis.ResourcePolicy;

    const destination = new logs.CfnDestination(this, 'Resource', {
      destinationName,
      roleArn: role.roleArn,
      targetArn: stream.streamArn,
      destinationPolicy: stack.toJsonString(destinationPolicyDocument({ destinationArn, senderAccounts, organizationId, organizationalUnitIds })),
    });
    // CloudWatch Logs sends a test record when it creates the destination: the role and its
    // policy must exist first.
    destination.node.addDependency(role);
    this.destinationArn = destination.attrArn;

    // --- Central log groups, one per class ---
    const retention: Record<LogClass, logs.RetentionDays> = {
      [LogClass.AUDIT]: props.retention?.audit ?? logs.RetentionDays.TEN_YEARS,
      [LogClass.SECURITY]: props.retention?.security ?? logs.RetentionDays.THREE_MONTHS,
      [LogClass.APP]: props.retention?.app ?? logs.RetentionDays.ONE_MONTH,
    };
    const groups = {} as Record<LogClass, logs.LogGroup>;
    for (const cls of ALL_LOG_CLASSES) {
      const group = new logs.LogGroup(this, `${capitalize(cls)}LogGroup`, {
        logGroupName: `${prefix}/${cls}`,
        retention: retention[cls],
        encryptionKey: props.logsKey,
        removalPolicy,
      });
      markNeverShip(group, `it is the central ${cls} log group, written by the forwarder`, `${prefix}/${cls}`);
      groups[cls] = group;
    }
    this.auditLogGroup = groups[LogClass.AUDIT];
    this.securityLogGroup = groups[LogClass.SECURITY];
    this.appLogGroup = groups[LogClass.APP];

    // --- Dead-letter queue (encrypted, TLS only) ---
    const dlq = new sqs.Queue(this, 'DeadLetterQueue', {
      queueName: props.deadLetterQueueName,
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.logsKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy,
    });
    this.deadLetterQueue = dlq;
    this.deadLetterAlarm = dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }).createAlarm(this, 'DeadLetterAlarm', {
      alarmName: props.deadLetterAlarmName,
      alarmDescription: `Central log forwarder dead-letter queue is not empty: records need attention (${destinationName})`,
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    // --- Forwarder ---
    const forwarderLogGroup = new logs.LogGroup(this, 'ForwarderLogGroup', {
      logGroupName: props.forwarderLogGroupName,
      retention: props.forwarderLogRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: props.logsKey,
      removalPolicy,
    });
    markNeverShip(
      forwarderLogGroup,
      "it is the forwarder's own log group: subscribing it would feed the forwarder its own output (log recursion)",
      props.forwarderLogGroupName,
    );
    this.forwarderLogGroup = forwarderLogGroup;

    // An own role instead of the default one with the AWS managed AWSLambdaBasicExecutionRole
    // (logs:CreateLogGroup/CreateLogStream/PutLogEvents on every log group of the account):
    // the forwarder writes its own logs only to its pre-created log group.
    const forwarderRole = new iam.Role(this, 'ForwarderRole', {
      roleName: props.forwarderRoleName,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Central log forwarder of ${destinationName}: reads the stream, writes the central log groups, its own log group and the dead-letter queue`,
    });
    forwarderLogGroup.grantWrite(forwarderRole);

    const fn = new lambda.Function(this, 'Forwarder', {
      functionName: props.forwarderFunctionName,
      role: forwarderRole,
      description: `Forwards CloudWatch Logs subscription data from ${destinationName} to the central log groups`,
      // The latest Node.js runtime of this aws-cdk-lib (cdk-nag AwsSolutions-L1); the handler is built for node20 and up.
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(forwarderAssetDir()),
      memorySize: 512,
      timeout: Duration.minutes(5),
      logGroup: forwarderLogGroup,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: props.securityGroups,
      environment: {
        CENTRAL_LOG_GROUPS: stack.toJsonString(
          Object.fromEntries(
            ALL_LOG_CLASSES.map((cls) => [cls, { logGroupName: `${prefix}/${cls}`, retentionDays: retention[cls] }]),
          ),
        ),
        DEAD_LETTER_QUEUE_URL: dlq.queueUrl,
        // The receiving side decides the class (short keys: a function's environment holds 4 KB).
        CLASSIFICATION_RULES: rulesJson,
        ...(knownSenders ? { SENDER_ACCOUNTS: stack.toJsonString([...new Set([stack.account, ...senderAccounts!])]) } : {}),
      },
    });
    for (const cls of ALL_LOG_CLASSES) groups[cls].grantWrite(fn);
    dlq.grantSendMessages(fn);
    // --- Dead-letter queue policy: only the forwarder sends; only administrators drain or change it ---
    dlq.addToResourcePolicy(deadLetterSenderStatement(dlq.queueArn, forwarderRole.roleArn));
    if (props.administratorArns !== undefined) {
      dlq.addToResourcePolicy(deadLetterAdministrationStatement(dlq.queueArn, props.administratorArns));
    }
    // --- Stream policy: only the forwarder (and the administrators) read the records ---
    stream.addToResourcePolicy(streamReaderStatement(stream.streamArn, [forwarderRole.roleArn, ...(props.administratorArns ?? [])]));
    fn.addEventSource(
      new KinesisEventSource(stream, {
        // TRIM_HORIZON: a new or re-created mapping starts from the oldest record, never skips.
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: props.forwarderBatchSize ?? 100,
        maxBatchingWindow: Duration.seconds(1),
        parallelizationFactor: props.forwarderParallelizationFactor ?? 1,
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        // Unset: Lambda retries until success or expiry (MaximumRetryAttempts and MaximumRecordAge -1).
        retryAttempts: props.forwarderRetryAttempts,
        onFailure: new SqsDlq(dlq),
      }),
    );
    this.forwarder = fn;
    if (props.forwarderRetryAttempts !== undefined) {
      Annotations.of(this).addWarningV2('@cdk-guardrails/central-logging:finiteForwarderRetries',
        `forwarderRetryAttempts is ${props.forwarderRetryAttempts}: a batch still failing after that many retries is given up on, and only its shard and sequence numbers reach the dead-letter queue; its records are lost when they expire from the stream unless an operator replays them. Leave it unset to retry until the batch is written.`);
    }

    // --- Delivery delay and stream saturation: every sender shares the stream ---
    const maxDelay = props.maxDeliveryDelay ?? Duration.minutes(15);
    this.deliveryDelayAlarm = fn.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(5) }).createAlarm(this, 'DeliveryDelayAlarm', {
      alarmName: props.deliveryDelayAlarmName,
      alarmDescription: `Central log forwarder is more than ${maxDelay.toHumanString()} behind the stream: audit delivery is late for every sender (${destinationName}); records older than the stream's retention are lost`,
      threshold: maxDelay.toMilliseconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // No data: nothing was read (no traffic). A stopped mapping is guarded by the boundary and the SCP.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.streamThrottleAlarm = stream.metricWriteProvisionedThroughputExceeded({ statistic: 'Sum', period: Duration.minutes(5) }).createAlarm(this, 'StreamThrottleAlarm', {
      alarmName: props.streamThrottleAlarmName,
      alarmDescription: `Writes into the central stream are throttled: a sender's volume exceeds its capacity and every sender's delivery waits (${destinationName})`,
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}

const DEFAULT_DESTINATION_NAME = 'guardrails-central-logs';

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function validateClassificationRules(rules: LogClassRule[]): void {
  const fail = (msg: string): never => {
    throw new Error(`CentralLogDestination: classificationRules${msg}`);
  };
  if (rules.length === 0) fail(': received an empty list; expected at least one rule, or none at all for the defaults (every payload would be dead-lettered)');
  const seen = new Set<string>();
  rules.forEach((rule, i) => {
    const p = rule.logGroupNamePrefix;
    if (Token.isUnresolved(p) || typeof p !== 'string' || !/^[\w\-./#]{1,512}$/.test(p)) {
      fail(`[${i}].logGroupNamePrefix: received ${JSON.stringify(p)}; expected 1 to 512 letters, digits or '_-./#' (the start of log group names)`);
    }
    if (!Object.values(LogClass).includes(rule.logClass)) fail(`[${i}].logClass: received ${JSON.stringify(rule.logClass)}; expected LogClass.AUDIT, SECURITY or APP`);
    (rule.accountIds ?? []).forEach((a, j) => {
      if (Token.isUnresolved(a) || !isAccountId(a)) fail(`[${i}].accountIds[${j}]: received ${JSON.stringify(a)}; expected a 12-digit account id`);
    });
    if (rule.accountIds !== undefined && rule.accountIds.length === 0) fail(`[${i}].accountIds: received an empty list; expected account ids, or no accountIds for every sender`);
    for (const key of (rule.accountIds ?? ['*']).map((a) => `${a} ${p}`)) {
      if (seen.has(key)) fail(`[${i}]: the prefix ${JSON.stringify(p)} is classified twice for ${key.split(' ')[0] === '*' ? 'every sender' : `account ${key.split(' ')[0]}`}`);
      seen.add(key);
    }
  });
}

/** The forwarder's environment holds 4 KB in all: the rules get at most half of it. */
const MAX_RULES_JSON = 2048;

function forwarderAssetDir(): string {
  const dir = path.join(__dirname, '..', 'lambda', 'forwarder');
  if (!fs.existsSync(path.join(dir, 'index.js'))) {
    throw new Error(`CentralLogDestination: the forwarder is not built (${dir}/index.js is missing). Run \`npm run build:lambda\` in packages/central-logging.`);
  }
  return dir;
}

function validateProps(props: CentralLogDestinationProps, destinationName: string, prefix: string, capacity: DestinationStreamCapacity): void {
  const fail = (msg: string) => {
    throw new Error(`CentralLogDestination: ${msg}`);
  };
  if (!Token.isUnresolved(destinationName) && !/^[^:*]{1,512}$/.test(destinationName)) {
    fail(`destinationName must be 1 to 512 characters without ':' or '*', received ${JSON.stringify(destinationName)}`);
  }
  if (!Token.isUnresolved(prefix) && !/^\/[\w\-./#]+[^/]$/.test(prefix)) {
    fail(`logGroupNamePrefix must start with '/', not end with '/', and use only letters, digits, '_-./#', received ${JSON.stringify(prefix)}`);
  }
  const accounts = props.senders.accountIds;
  if (accounts) {
    if (accounts.length === 0) fail('senders lists no accounts: pass LogSenders.fromAccounts([...]) with at least one workload account id, or LogSenders.fromOrganization(id)');
    const seen = new Set<string>();
    for (const a of accounts) {
      if (Token.isUnresolved(a)) continue;
      if (!isAccountId(a)) fail(`senders: ${JSON.stringify(a)} is not a 12-digit AWS account id`);
      if (seen.has(a)) fail(`senders lists account ${a} twice`);
      seen.add(a);
    }
  }
  const org = props.senders.organizationId;
  if (org !== undefined && !Token.isUnresolved(org) && !/^o-[a-z0-9]{10,32}$/.test(org)) {
    fail(`senders: organization id must look like o-xxxxxxxxxx (10 to 32 lowercase letters or digits), received ${JSON.stringify(org)}`);
  }
  (props.senders.organizationalUnitIds ?? []).forEach((ou, i) => {
    if (!Token.isUnresolved(ou) && !/^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/.test(ou)) {
      fail(`senders: organizationalUnitIds[${i}] must be an organizational unit id (ou-xxxx-xxxxxxxx) or the root id (r-xxxx), received ${JSON.stringify(ou)}`);
    }
  });
  if (capacity.shardCount !== undefined && (!Number.isInteger(capacity.shardCount) || capacity.shardCount < 1)) {
    fail(`streamCapacity: shardCount must be an integer of at least 1, received ${capacity.shardCount}`);
  }
  if (props.vpc === undefined && (props.vpcSubnets !== undefined || props.securityGroups !== undefined)) {
    fail('vpcSubnets and securityGroups place the forwarder in a VPC: set vpc as well (received vpcSubnets or securityGroups without vpc)');
  }
  validateName('CentralLogDestination', 'streamName', props.streamName, STREAM_NAME);
  validateName('CentralLogDestination', 'forwarderFunctionName', props.forwarderFunctionName, FUNCTION_NAME);
  validateName('CentralLogDestination', 'forwarderRoleName', props.forwarderRoleName, ROLE_NAME);
  validateName('CentralLogDestination', 'forwarderLogGroupName', props.forwarderLogGroupName, LOG_GROUP_NAME);
  validateName('CentralLogDestination', 'deadLetterQueueName', props.deadLetterQueueName, QUEUE_NAME);
  validateName('CentralLogDestination', 'deadLetterAlarmName', props.deadLetterAlarmName, ALARM_NAME);
  validateName('CentralLogDestination', 'deliveryDelayAlarmName', props.deliveryDelayAlarmName, ALARM_NAME);
  validateName('CentralLogDestination', 'streamThrottleAlarmName', props.streamThrottleAlarmName, ALARM_NAME);
  if (props.maxDeliveryDelay !== undefined) {
    const minutes = props.maxDeliveryDelay.toMinutes({ integral: false });
    if (!(minutes >= 1 && minutes <= 720)) {
      throw new Error(`CentralLogDestination: maxDeliveryDelay: received ${props.maxDeliveryDelay.toHumanString()}; expected 1 minute to 12 hours (records older than the stream's 24-hour retention are lost, so the alarm must fire well before)`);
    }
  }
  validateAdministratorArns('CentralLogDestination', 'administratorArns', props.administratorArns);
  const centralNames = ALL_LOG_CLASSES.map((cls) => `${prefix}/${cls}`);
  if (props.forwarderLogGroupName !== undefined && centralNames.includes(props.forwarderLogGroupName)) {
    fail(`forwarderLogGroupName: received ${JSON.stringify(props.forwarderLogGroupName)}; expected a name other than the central log groups (${centralNames.join(', ')})`);
  }
  checkRange('forwarderBatchSize', props.forwarderBatchSize, 1, 10_000);
  checkRange('forwarderRetryAttempts', props.forwarderRetryAttempts, 0, 10_000);
  checkRange('forwarderParallelizationFactor', props.forwarderParallelizationFactor, 1, 10);
  const retentionHours = props.streamRetention?.toHours();
  if (retentionHours !== undefined && (retentionHours < 24 || retentionHours > 8760)) {
    fail(`streamRetention must be between 24 hours and 365 days, received ${retentionHours} hours`);
  }
}

function checkRange(name: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`CentralLogDestination: ${name} must be an integer from ${min} to ${max}, received ${value}`);
  }
}
