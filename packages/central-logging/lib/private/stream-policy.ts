import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/** The calls that put records into a stream. */
export const STREAM_WRITE_ACTIONS: readonly string[] = ['kinesis:PutRecord', 'kinesis:PutRecords'];

/**
 * Calls that delete the stream, change its shards, record size, retention, encryption, resource
 * policy or tags: every such action whose resource type is `stream` in the IAM dataset. Not
 * listed, because a statement on the stream ARN cannot match them: `UpdateShardCount` and
 * `UpdateStreamMode` (no resource-level permissions) and `DeregisterStreamConsumer` (consumer
 * ARNs). Reads are not listed here: STREAM_READ_ACTIONS has a statement of its own (its exempt
 * principals are the forwarder's role and the administrators).
 */
export const STREAM_CONFIGURATION_ACTIONS: readonly string[] = [
  'kinesis:DeleteStream',
  'kinesis:MergeShards',
  'kinesis:SplitShard',
  'kinesis:UpdateMaxRecordSize',
  'kinesis:UpdateStreamWarmThroughput',
  'kinesis:StartStreamEncryption',
  'kinesis:StopStreamEncryption',
  'kinesis:DecreaseStreamRetentionPeriod',
  'kinesis:IncreaseStreamRetentionPeriod',
  'kinesis:PutResourcePolicy',
  'kinesis:DeleteResourcePolicy',
  'kinesis:AddTagsToStream',
  'kinesis:RemoveTagsFromStream',
  'kinesis:TagResource',
  'kinesis:UntagResource',
];

/**
 * Deny putting records to every principal but the role CloudWatch Logs assumes for the
 * destination. Without it, any principal of the account whose identity policy allows
 * `kinesis:PutRecord` (an administrator inside the permissions boundary) could write records that
 * claim to come from any workload account and log group: the forwarder trusts the payload.
 *
 * `ArnNotEquals aws:PrincipalArn`: for a role session the key is the role's ARN, which nobody but
 * CloudWatch Logs can assume (trust policy). A missing key (a service principal calling directly)
 * makes the condition true: denied.
 */
export function streamWriterStatement(streamArn: string, writerRoleArn: string): iam.PolicyStatement {
  return denyAllBut('DenyPutRecordsExceptDestinationRole', STREAM_WRITE_ACTIONS, streamArn, writerRoleArn);
}

/**
 * A resource-policy Deny of `actions` on `resource` to every principal whose `aws:PrincipalArn` is
 * not `exempt` (one exact ARN, or a list of them: duplicates dropped).
 */
function denyAllBut(sid: string, actions: readonly string[], resource: string, exempt: string | readonly string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid,
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: [...actions],
    resources: [resource],
    conditions: { ArnNotEquals: { 'aws:PrincipalArn': typeof exempt === 'string' ? exempt : [...new Set(exempt)] } },
  });
}

/**
 * Reading the stream's records: shard iterators and records (the shared read throughput of a
 * shard, 5 reads and 2 MB a second, which the forwarder's event source mapping needs), and
 * registering an enhanced fan-out consumer (the way to SubscribeToShard, whose resource is the
 * consumer, not the stream; a stream takes at most 20). Describe and list calls stay open: they
 * cost no read throughput.
 */
export const STREAM_READ_ACTIONS: readonly string[] = ['kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:RegisterStreamConsumer'];

/**
 * Deny reading the records to every principal but the forwarder's role (its event source mapping
 * polls with that role) and the administrators. Anyone else polling hard enough takes the shards'
 * read throughput: the forwarder is throttled, falls behind, and records expire with the stream's
 * retention, unforwarded and not dead-lettered. The records are every workload's audit and security
 * logs, too: nobody else needs to read them here (the central log groups hold them).
 */
export function streamReaderStatement(streamArn: string, readerArns: readonly string[]): iam.PolicyStatement {
  return denyAllBut('DenyReadsExceptForwarder', STREAM_READ_ACTIONS, streamArn, readerArns);
}

/** Deny the configuration changes to every principal but `administratorArns` (exact ARNs). */
export function streamConfigurationStatement(streamArn: string, administratorArns: readonly string[]): iam.PolicyStatement {
  return denyAllBut('DenyStreamConfigurationChangesExceptAdministrators', STREAM_CONFIGURATION_ACTIONS, streamArn, administratorArns);
}

/**
 * An exemption rests on exact principal ARNs: `ArnNotEquals` honours '*' and '?', so a pattern
 * would exempt every role a bounded administrator can create under a matching name.
 */
export function validateAdministratorArns(construct: string, prop: string, arns: readonly string[] | undefined): void {
  if (arns === undefined) return;
  if (arns.length === 0) {
    throw new Error(
      `${construct}: ${prop}: received []; expected at least one exact principal ARN. Include the CloudFormation execution role, or later deployments cannot update the stream (leave ${prop} unset to add no configuration statement)`,
    );
  }
  for (const arn of arns) {
    if (Token.isUnresolved(arn)) continue;
    if (!/^arn:aws[a-z-]*:iam::\d{12}:(root|role\/[\w+=,.@/-]+|user\/[\w+=,.@/-]+)$/.test(arn)) {
      throw new Error(
        `${construct}: ${prop}: received ${JSON.stringify(arn)}; expected an exact IAM principal ARN (arn:<partition>:iam::<account>:role/<name>, user/<name> or root), without '*' or '?'`,
      );
    }
  }
}

/**
 * What only the administrators may do to the dead-letter queue: read, delete or hide its messages
 * (it is the durable failure storage of the audit pipeline: drained records are lost records),
 * purge or delete it, change its attributes (the queue policy is one of them) or permissions.
 */
export const DEAD_LETTER_ADMIN_ACTIONS: readonly string[] = [
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:PurgeQueue',
  'sqs:DeleteQueue',
  'sqs:SetQueueAttributes',
  'sqs:AddPermission',
  'sqs:RemovePermission',
  'sqs:TagQueue',
  'sqs:UntagQueue',
];

/**
 * Deny sending to the dead-letter queue to every principal but the forwarder's role: the Lambda
 * service sends a failed batch's description there with the function's execution role, and the
 * handler its poison records. Anyone else could flood it (false alarms that bury real ones) or
 * plant records an operator would replay into the central log groups.
 */
export function deadLetterSenderStatement(queueArn: string, forwarderRoleArn: string): iam.PolicyStatement {
  return denyAllBut('DenySendExceptForwarder', ['sqs:SendMessage'], queueArn, forwarderRoleArn);
}

/** Deny DEAD_LETTER_ADMIN_ACTIONS to every principal but `administratorArns` (exact ARNs). */
export function deadLetterAdministrationStatement(queueArn: string, administratorArns: readonly string[]): iam.PolicyStatement {
  return denyAllBut('DenyDeadLetterChangesExceptAdministrators', DEAD_LETTER_ADMIN_ACTIONS, queueArn, administratorArns);
}
