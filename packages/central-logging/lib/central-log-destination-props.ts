import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { LogClassRule } from './log-class';

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
   *
   * Refused at synth: an alias, and a key of another account or region than the stack (when
   * both are literal).
   */
  readonly logsKey: kms.IKey;

  /**
   * Name of the CloudWatch Logs destination. Workload accounts derive its ARN from this name
   * with `CentralLogDestination.arnFor`.
   * @default 'guardrails-central-logs'
   */
  readonly destinationName?: string;

  /**
   * Who may subscribe log groups to the evidence destination: IAM principal ARN patterns, matched
   * with `ArnLike aws:PrincipalArn` (`*` and `?` allowed in the name, `*` for the account), still
   * only principals of `senders`. When set, the construct creates a second destination
   * (`evidenceDestinationName`) with a Kinesis stream of its own, for the audit and security classes
   * only, and the forwarder dead-letters audit- and security-class records that arrive through the
   * first destination's stream (`evidence-class-on-open-stream`): a sender that floods the first
   * stream delays only app-class records.
   *
   * Name principals nobody inside the permissions boundary can create, change, pass or assume: in
   * account mode the principal of `PutSubscriptionFilter` is the caller (the CloudFormation execution
   * role, `arn:aws:iam::*:role/cdk-<qualifier>-cfn-exec-role-*-<region>`); in organization mode
   * CloudWatch Logs assumes the role passed in the subscription filter (the sender role) to check the
   * destination policy. Senders point their audit and security log groups at the evidence destination
   * with `CentralLogShipping`'s `evidenceDestinationArn`.
   *
   * @default - one destination and one stream for every class: a flood from any sender delays every
   *   class
   * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CreateSubscriptionFilter-IAMrole.html
   */
  readonly evidenceSubscriberArnPatterns?: string[];

  /**
   * Name of the evidence destination (only with `evidenceSubscriberArnPatterns`; 1 to 512
   * characters without ':' or '*'). Workload accounts derive its ARN with
   * `CentralLogDestination.arnFor`.
   * @default - `<destinationName>-evidence`
   */
  readonly evidenceDestinationName?: string;

  /**
   * Name of the evidence destination's Kinesis stream (only with `evidenceSubscriberArnPatterns`;
   * 1 to 128 letters, digits, '_', '.', '-'). Name it under a prefix the permissions boundary protects.
   * @default - a name generated by CloudFormation
   */
  readonly evidenceStreamName?: string;

  /**
   * Name of the alarm on the evidence stream's delivery delay (its `GetRecords.IteratorAgeMilliseconds`
   * above `maxDeliveryDelay`; only with `evidenceSubscriberArnPatterns`). Name it under a protected
   * prefix like `deadLetterAlarmName`.
   * @default - a name generated by CloudFormation
   */
  readonly evidenceDeliveryDelayAlarmName?: string;

  /**
   * Name of the alarm on write throttling of the evidence stream (only with
   * `evidenceSubscriberArnPatterns`). Name it under a protected prefix like `deadLetterAlarmName`.
   * @default - a name generated by CloudFormation
   */
  readonly evidenceStreamThrottleAlarmName?: string;

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
   * Name of the alarm on throttled forwarder invocations (`Throttles` in two of three 5-minute
   * periods): functions of others hold the account's Lambda concurrency, so the forwarder waits and
   * the delay alarms may see no data. Name it under a protected prefix like `deadLetterAlarmName`.
   * @default - a name generated by CloudFormation
   */
  readonly forwarderThrottleAlarmName?: string;

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
