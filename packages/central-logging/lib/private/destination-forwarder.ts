/** The forwarder of a CentralLogDestination: its log group, role, function, event source and queue and stream grants. */
import * as fs from 'fs';
import * as path from 'path';
import { Annotations, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CentralLogDestinationProps } from '../central-log-destination-props';
import { LogClass } from '../log-class';
import { ALL_LOG_CLASSES } from './names';
import { markNeverShip } from './recursion-guard';
import { deadLetterAdministrationStatement, deadLetterSenderStatement, streamReaderStatement } from './stream-policy';

/** The built forwarder bundle; `scope` (the destination) leads the error when it is missing. */
function forwarderAssetDir(scope: Construct): string {
  const dir = path.join(__dirname, '..', '..', 'lambda', 'forwarder');
  if (!fs.existsSync(path.join(dir, 'index.js'))) {
    throw new Error(`${scope.node.path}: the forwarder is not built (${dir}/index.js is missing). Run \`npm run build:lambda\` in packages/central-logging.`);
  }
  return dir;
}

export interface ForwarderParts {
  readonly destinationName: string;
  readonly prefix: string;
  readonly removalPolicy: RemovalPolicy;
  readonly retention: Record<LogClass, logs.RetentionDays>;
  readonly groups: Record<LogClass, logs.LogGroup>;
  readonly stream: kinesis.Stream;
  /** The evidence destination's stream: a second event source, the only one audit and security records may come from. */
  readonly evidenceStream?: kinesis.Stream;
  readonly deadLetterQueue: sqs.Queue;
  readonly rulesJson: string;
  /** The sender accounts the forwarder admits (the destination's own included), when every sender is known. */
  readonly senderAccounts?: string[];
}

/**
 * The forwarder in `scope` (ids ForwarderLogGroup, ForwarderRole, Forwarder): an own role instead of
 * the default one with AWSLambdaBasicExecutionRole (logs on every log group of the account), its own
 * log group (never shipped: log recursion), the central groups and the dead-letter queue as its only
 * writes, and the queue and stream policies that let only it send dead letters and read records.
 */
export function buildForwarder(
  scope: Construct,
  props: CentralLogDestinationProps,
  p: ForwarderParts,
): { fn: lambda.Function; forwarderLogGroup: logs.LogGroup } {
  const stack = Stack.of(scope);
  const forwarderLogGroup = new logs.LogGroup(scope, 'ForwarderLogGroup', {
    logGroupName: props.forwarderLogGroupName,
    retention: props.forwarderLogRetention ?? logs.RetentionDays.ONE_YEAR,
    encryptionKey: props.logsKey,
    removalPolicy: p.removalPolicy,
  });
  markNeverShip(
    forwarderLogGroup,
    "it is the forwarder's own log group: subscribing it would feed the forwarder its own output (log recursion)",
    props.forwarderLogGroupName,
  );

  // An own role instead of the default one with the AWS managed AWSLambdaBasicExecutionRole
  // (logs:CreateLogGroup/CreateLogStream/PutLogEvents on every log group of the account):
  // the forwarder writes its own logs only to its pre-created log group.
  const forwarderRole = new iam.Role(scope, 'ForwarderRole', {
    roleName: props.forwarderRoleName,
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `Central log forwarder of ${p.destinationName}: reads the stream, writes the central log groups, its own log group and the dead-letter queue`,
  });
  forwarderLogGroup.grantWrite(forwarderRole);

  const fn = new lambda.Function(scope, 'Forwarder', {
    functionName: props.forwarderFunctionName,
    role: forwarderRole,
    description: `Forwards CloudWatch Logs subscription data from ${p.destinationName} to the central log groups`,
    // The latest Node.js runtime of this aws-cdk-lib (cdk-nag AwsSolutions-L1); the handler is built for node20 and up.
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(forwarderAssetDir(scope)),
    memorySize: 512,
    timeout: Duration.minutes(5),
    logGroup: forwarderLogGroup,
    vpc: props.vpc,
    vpcSubnets: props.vpcSubnets,
    securityGroups: props.securityGroups,
    environment: {
      CENTRAL_LOG_GROUPS: stack.toJsonString(
        Object.fromEntries(ALL_LOG_CLASSES.map((cls) => [cls, { logGroupName: `${p.prefix}/${cls}`, retentionDays: p.retention[cls] }])),
      ),
      DEAD_LETTER_QUEUE_URL: p.deadLetterQueue.queueUrl,
      // The receiving side decides the class (short keys: a function's environment holds 4 KB).
      CLASSIFICATION_RULES: p.rulesJson,
      ...(p.senderAccounts !== undefined ? { SENDER_ACCOUNTS: stack.toJsonString(p.senderAccounts) } : {}),
      // Audit and security records are written only when they arrive through this stream.
      ...(p.evidenceStream !== undefined ? { EVIDENCE_STREAM_ARN: p.evidenceStream.streamArn } : {}),
    },
  });
  for (const cls of ALL_LOG_CLASSES) p.groups[cls].grantWrite(fn);
  const dlq = p.deadLetterQueue;
  dlq.grantSendMessages(fn);
  // --- Dead-letter queue policy: only the forwarder sends; only administrators drain or change it ---
  dlq.addToResourcePolicy(deadLetterSenderStatement(dlq.queueArn, forwarderRole.roleArn));
  if (props.administratorArns !== undefined) {
    dlq.addToResourcePolicy(deadLetterAdministrationStatement(dlq.queueArn, props.administratorArns));
  }
  // --- Stream policies: only the forwarder (and the administrators) read the records ---
  for (const stream of [p.stream, ...(p.evidenceStream ? [p.evidenceStream] : [])]) {
    stream.addToResourcePolicy(streamReaderStatement(stream.streamArn, [forwarderRole.roleArn, ...(props.administratorArns ?? [])]));
    addKinesisSource(fn, stream, props, dlq);
  }
  if (props.forwarderRetryAttempts !== undefined) {
    Annotations.of(scope).addWarningV2(
      '@cdk-guardrails/central-logging:finiteForwarderRetries',
      `forwarderRetryAttempts is ${props.forwarderRetryAttempts}: a batch still failing after that many retries is given up on, and only its shard and sequence numbers reach the dead-letter queue; its records are lost when they expire from the stream unless an operator replays them. Leave it unset to retry until the batch is written.`,
    );
  }
  return { fn, forwarderLogGroup };
}

/** One Kinesis event source of the forwarder (the mapping's id is derived from the stream's path). */
function addKinesisSource(fn: lambda.Function, stream: kinesis.Stream, props: CentralLogDestinationProps, dlq: sqs.IQueue): void {
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
}
