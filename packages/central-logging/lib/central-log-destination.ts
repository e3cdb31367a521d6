import { DefaultLogClass } from '@cdk-guardrails/facts';
import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CentralLogDestinationProps, DestinationStreamCapacity } from './central-log-destination-props';
import { LogClass, LogClassRule } from './log-class';
import { deadLetterAlarm, deliveryAlarms, evidenceDeliveryAlarms } from './private/destination-alarms';
import { buildChannel, Channel } from './private/destination-channel';
import { buildForwarder } from './private/destination-forwarder';
import { destinationArnOf } from './private/destination-policy';
import {
  checkSenderPolicySizes,
  classificationRulesJson,
  evidenceDestinationNameOf,
  validateClassificationRules,
  validateProps,
} from './private/destination-validation';
import { requireKeyOfStack } from './private/errors';
import { ALL_LOG_CLASSES } from './private/names';
import { DEFAULT_CENTRAL_PREFIX, markNeverShip } from './private/recursion-guard';

/**
 * The security-account side of central logging, for one region: a CloudWatch Logs
 * destination that workload accounts subscribe to, a KMS-encrypted Kinesis stream behind it
 * (whose resource policy lets only the destination role put records), and a forwarder Lambda
 * that writes every event into a central log group per class (one log stream per source
 * account, region and log group), with partial-batch failure reporting and an encrypted
 * dead-letter queue.
 *
 * With `evidenceSubscriberArnPatterns`, a second destination and stream carry the audit and
 * security classes, and only the named principals of the senders may subscribe to it: a sender
 * that floods the first stream delays app-class records only.
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
    return destinationArnOf(account, region, destinationName, partition);
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

  /**
   * Alarm when the forwarder's invocations are throttled (`Throttles` in two of three 5-minute
   * periods): the account's Lambda concurrency is taken by other functions, and every stream's
   * delivery waits (no actions attached).
   */
  public readonly forwarderThrottleAlarm: cloudwatch.Alarm;
  /** ARN of the evidence destination (audit and security classes), with `evidenceSubscriberArnPatterns`. */
  public readonly evidenceDestinationArn?: string;
  /** Name of the evidence destination, with `evidenceSubscriberArnPatterns`. */
  public readonly evidenceDestinationName?: string;
  /** The Kinesis stream behind the evidence destination, with `evidenceSubscriberArnPatterns`. */
  public readonly evidenceStream?: kinesis.IStream;
  /** The evidence stream's resource policy (the same statements as `streamPolicy`), with `evidenceSubscriberArnPatterns`. */
  public readonly evidenceStreamPolicy?: kinesis.ResourcePolicy;
  /** The role CloudWatch Logs assumes to put records into the evidence stream, with `evidenceSubscriberArnPatterns`. */
  public readonly evidenceDestinationRole?: iam.IRole;
  /** Alarm when the forwarder falls behind the evidence stream by more than `maxDeliveryDelay` (no actions attached). */
  public readonly evidenceDeliveryDelayAlarm?: cloudwatch.Alarm;
  /** Alarm when writes into the evidence stream are throttled (no actions attached). */
  public readonly evidenceStreamThrottleAlarm?: cloudwatch.Alarm;
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
    validateProps(this.node.path, props, destinationName, prefix, capacity);
    requireKeyOfStack(this, 'logsKey', props.logsKey);
    const rules = props.classificationRules ?? CentralLogDestination.DEFAULT_CLASSIFICATION_RULES;
    validateClassificationRules(this.node.path, rules);
    const rulesJson = classificationRulesJson(this.node.path, rules);
    this.destinationName = destinationName;

    const senderAccounts = props.senders.accountIds ? [...props.senders.accountIds] : undefined;
    const organizationId = props.senders.organizationId;
    const organizationalUnitIds = props.senders.organizationalUnitIds;
    // The forwarder checks the source account only when the destination knows every sender.
    const knownSenders = senderAccounts !== undefined && (organizationalUnitIds ?? []).length === 0;

    // --- Role CloudWatch Logs assumes to write into the stream ---
    // aws:SourceArn limits which accounts' log deliveries can use the role (confused deputy).
    // Organization mode cannot list the accounts, so it allows this region's CloudWatch Logs
    // in any account; the destination policy (aws:PrincipalOrgID) still decides who may
    // subscribe, and only subscriptions to this destination ever use this role.
    const sourceArnPattern = (account: string) => `arn:${Aws.PARTITION}:logs:${stack.region}:${account}:*`;
    const sourceArns = knownSenders ? [...new Set([stack.account, ...senderAccounts])].map(sourceArnPattern) : [sourceArnPattern('*')];
    const senderSet = { senderAccounts, organizationId, organizationalUnitIds, knownSenders };
    checkSenderPolicySizes(this.node.path, stack, destinationName, senderSet, sourceArns.length);
    const channelCommon = { capacity, removalPolicy, sourceArns, senderAccounts, organizationId, organizationalUnitIds };

    // --- The destination every sender may subscribe to: its stream, stream policy and role ---
    const open = buildChannel(this, props, {
      ...channelCommon,
      ids: { stream: 'Stream', role: 'DestinationRole', destination: 'Resource' },
      destinationName,
      streamName: props.streamName,
    });
    this.stream = open.stream;
    this.destinationRole = open.role;
    this.streamPolicy = open.streamPolicy;
    this.destinationArn = open.destination.attrArn;

    // --- The evidence destination: audit and security classes, only the named subscribers ---
    const evidenceName = evidenceDestinationNameOf(props, destinationName);
    let evidence: Channel | undefined;
    if (evidenceName !== undefined) {
      checkSenderPolicySizes(this.node.path, stack, evidenceName, senderSet, sourceArns.length, props.evidenceSubscriberArnPatterns);
      evidence = buildChannel(this, props, {
        ...channelCommon,
        ids: { stream: 'EvidenceStream', role: 'EvidenceDestinationRole', destination: 'EvidenceDestination' },
        destinationName: evidenceName,
        streamName: props.evidenceStreamName,
        subscriberArnPatterns: [...props.evidenceSubscriberArnPatterns!],
      });
      this.evidenceDestinationName = evidenceName;
      this.evidenceDestinationArn = evidence.destination.attrArn;
      this.evidenceStream = evidence.stream;
      this.evidenceStreamPolicy = evidence.streamPolicy;
      this.evidenceDestinationRole = evidence.role;
    }

    // --- Central log groups, one per class ---
    const retention: Record<LogClass, logs.RetentionDays> = {
      [LogClass.AUDIT]: props.retention?.audit ?? DefaultLogClass.AUDIT.retentionDays,
      [LogClass.SECURITY]: props.retention?.security ?? DefaultLogClass.SECURITY.retentionDays,
      [LogClass.APP]: props.retention?.app ?? DefaultLogClass.APP.retentionDays,
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
    this.deadLetterAlarm = deadLetterAlarm(this, props, dlq, destinationName);

    // --- Forwarder, and the alarms on its delivery ---
    const forwarder = buildForwarder(this, props, {
      destinationName,
      prefix,
      removalPolicy,
      retention,
      groups,
      stream: open.stream,
      evidenceStream: evidence?.stream,
      deadLetterQueue: dlq,
      rulesJson,
      senderAccounts: knownSenders ? [...new Set([stack.account, ...senderAccounts])] : undefined,
    });
    this.forwarderLogGroup = forwarder.forwarderLogGroup;
    this.forwarder = forwarder.fn;
    const alarms = deliveryAlarms(this, props, forwarder.fn, open.stream, destinationName);
    this.deliveryDelayAlarm = alarms.deliveryDelay;
    this.streamThrottleAlarm = alarms.streamThrottle;
    this.forwarderThrottleAlarm = alarms.forwarderThrottle;
    if (evidence !== undefined && evidenceName !== undefined) {
      const evidenceAlarms = evidenceDeliveryAlarms(this, props, evidence.stream, evidenceName);
      this.evidenceDeliveryDelayAlarm = evidenceAlarms.deliveryDelay;
      this.evidenceStreamThrottleAlarm = evidenceAlarms.streamThrottle;
    }
  }
}

const DEFAULT_DESTINATION_NAME = 'guardrails-central-logs';

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
