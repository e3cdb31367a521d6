/** One Logs destination and what stands behind it: its Kinesis stream, stream policy and destination role. */
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { CentralLogDestinationProps, DestinationStreamCapacity } from '../central-log-destination-props';
import { destinationPolicyDocument } from './destination-policy';
import { streamConfigurationStatement, streamWriterStatement } from './stream-policy';

/** The construct ids of one channel's resources (the first destination keeps the ids it always had). */
export interface ChannelIds {
  readonly stream: string;
  readonly role: string;
  readonly destination: string;
}

export interface ChannelOptions {
  readonly ids: ChannelIds;
  readonly destinationName: string;
  readonly streamName?: string;
  readonly capacity: DestinationStreamCapacity;
  readonly removalPolicy: RemovalPolicy;
  /** The `aws:SourceArn` patterns the destination role trusts CloudWatch Logs for. */
  readonly sourceArns: string[];
  readonly senderAccounts?: string[];
  readonly organizationId?: string;
  readonly organizationalUnitIds?: string[];
  /** Only these principals of the senders may subscribe (the evidence destination). */
  readonly subscriberArnPatterns?: string[];
}

export interface Channel {
  readonly stream: kinesis.Stream;
  readonly streamPolicy: kinesis.ResourcePolicy;
  readonly role: iam.Role;
  readonly destination: logs.CfnDestination;
}

/**
 * A KMS-encrypted stream whose policy lets only the destination role put records (and, with
 * `administratorArns`, only them reconfigure it), the role CloudWatch Logs assumes to write it
 * (trusted for `sourceArns` only), and the destination with its access policy.
 */
export function buildChannel(scope: Construct, props: CentralLogDestinationProps, o: ChannelOptions): Channel {
  const stack = Stack.of(scope);
  const stream = new kinesis.Stream(scope, o.ids.stream, {
    streamName: o.streamName,
    encryption: kinesis.StreamEncryption.KMS,
    encryptionKey: props.logsKey,
    streamMode: o.capacity.mode,
    shardCount: o.capacity.shardCount,
    retentionPeriod: props.streamRetention ?? Duration.days(7),
    removalPolicy: o.removalPolicy,
  });

  // aws:SourceArn limits which accounts' log deliveries can use the role (confused deputy).
  const role = new iam.Role(scope, o.ids.role, {
    assumedBy: new iam.ServicePrincipal('logs.amazonaws.com', {
      conditions: { StringLike: { 'aws:SourceArn': o.sourceArns } },
    }),
    description: `CloudWatch Logs puts subscription data from the destination ${o.destinationName} into its Kinesis stream`,
  });
  stream.grantWrite(role);

  // --- Stream policy: nobody but the destination role writes; only administrators reconfigure ---
  const writer = stream.addToResourcePolicy(streamWriterStatement(stream.streamArn, role.roleArn));
  if (props.administratorArns !== undefined) {
    stream.addToResourcePolicy(streamConfigurationStatement(stream.streamArn, props.administratorArns));
  }

  const destinationArn = stack.formatArn({
    service: 'logs',
    resource: 'destination',
    resourceName: o.destinationName,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  const destination = new logs.CfnDestination(scope, o.ids.destination, {
    destinationName: o.destinationName,
    roleArn: role.roleArn,
    targetArn: stream.streamArn,
    destinationPolicy: stack.toJsonString(
      destinationPolicyDocument({
        destinationArn,
        senderAccounts: o.senderAccounts,
        organizationId: o.organizationId,
        organizationalUnitIds: o.organizationalUnitIds,
        subscriberArnPatterns: o.subscriberArnPatterns,
      }),
    ),
  });
  // CloudWatch Logs sends a test record when it creates the destination: the role and its
  // policy must exist first.
  destination.node.addDependency(role);
  return { stream, streamPolicy: writer.policyDependable as kinesis.ResourcePolicy, role, destination };
}
