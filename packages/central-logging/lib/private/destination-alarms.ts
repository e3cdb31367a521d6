/** The alarms of a CentralLogDestination: dead letters, delivery delay, stream and forwarder throttling. */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CentralLogDestinationProps } from '../central-log-destination-props';

/** The dead-letter queue is not empty (id DeadLetterAlarm). */
export function deadLetterAlarm(scope: Construct, props: CentralLogDestinationProps, dlq: sqs.IQueue, destinationName: string): cloudwatch.Alarm {
  return dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }).createAlarm(scope, 'DeadLetterAlarm', {
    alarmName: props.deadLetterAlarmName,
    alarmDescription: `Central log forwarder dead-letter queue is not empty: records need attention (${destinationName})`,
    threshold: 0,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}

/** Delivery delay and stream saturation: every sender shares the stream (ids DeliveryDelayAlarm, StreamThrottleAlarm, ForwarderThrottleAlarm). */
export function deliveryAlarms(
  scope: Construct,
  props: CentralLogDestinationProps,
  fn: lambda.IFunction,
  stream: kinesis.Stream,
  destinationName: string,
): { deliveryDelay: cloudwatch.Alarm; streamThrottle: cloudwatch.Alarm; forwarderThrottle: cloudwatch.Alarm } {
  const maxDelay = props.maxDeliveryDelay ?? Duration.minutes(15);
  const deliveryDelay = fn.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(5) }).createAlarm(scope, 'DeliveryDelayAlarm', {
    alarmName: props.deliveryDelayAlarmName,
    alarmDescription: `Central log forwarder is more than ${maxDelay.toHumanString()} behind the stream: audit delivery is late for every sender (${destinationName}); records older than the stream's retention are lost`,
    threshold: maxDelay.toMilliseconds(),
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    // No data: nothing was read (no traffic). A stopped mapping is guarded by the boundary and the SCP.
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  const streamThrottle = throttleAlarm(
    scope,
    'StreamThrottleAlarm',
    stream,
    props.streamThrottleAlarmName,
    `Writes into the central stream are throttled: a sender's volume exceeds its capacity and every sender's delivery waits (${destinationName})`,
  );
  // The forwarder shares the account's Lambda concurrency: functions of others that take it (reserved
  // or busy) leave its invocations throttled. Then the delay alarms may see nothing: the stream's
  // reads and the forwarder's IteratorAge stop while the mapping waits, and no data is not breaching
  // (red14 R14-4). Throttled invocations are counted in `Throttles`.
  const forwarderThrottle = fn.metricThrottles({ statistic: 'Sum', period: Duration.minutes(5) }).createAlarm(scope, 'ForwarderThrottleAlarm', {
    alarmName: props.forwarderThrottleAlarmName,
    alarmDescription: `Central log forwarder invocations are throttled (the account's Lambda concurrency is taken): every stream's delivery waits (${destinationName}); records older than the stream's retention are lost`,
    threshold: 0,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    // No data: no invocation was throttled.
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  return { deliveryDelay, streamThrottle, forwarderThrottle };
}

/**
 * The same two alarms for the evidence stream (ids EvidenceDeliveryDelayAlarm, EvidenceStreamThrottleAlarm).
 * The forwarder's `IteratorAge` is one metric for both of its event sources, so the delay is the
 * stream's own `GetRecords.IteratorAgeMilliseconds`: only the forwarder (and the administrators) may
 * read the stream, so its reads are the forwarder's.
 */
export function evidenceDeliveryAlarms(
  scope: Construct,
  props: CentralLogDestinationProps,
  stream: kinesis.Stream,
  destinationName: string,
): { deliveryDelay: cloudwatch.Alarm; streamThrottle: cloudwatch.Alarm } {
  const maxDelay = props.maxDeliveryDelay ?? Duration.minutes(15);
  const deliveryDelay = stream
    .metricGetRecordsIteratorAgeMilliseconds({ statistic: 'Maximum', period: Duration.minutes(5) })
    .createAlarm(scope, 'EvidenceDeliveryDelayAlarm', {
      alarmName: props.evidenceDeliveryDelayAlarmName,
      alarmDescription: `Central log forwarder is more than ${maxDelay.toHumanString()} behind the evidence stream: audit and security delivery is late (${destinationName}); records older than the stream's retention are lost`,
      threshold: maxDelay.toMilliseconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  const streamThrottle = throttleAlarm(
    scope,
    'EvidenceStreamThrottleAlarm',
    stream,
    props.evidenceStreamThrottleAlarmName,
    `Writes into the evidence stream are throttled: the senders' audit and security volume exceeds its capacity (${destinationName})`,
  );
  return { deliveryDelay, streamThrottle };
}

/** Throttled writes into `stream` in two of three 5-minute periods. */
function throttleAlarm(scope: Construct, id: string, stream: kinesis.Stream, alarmName: string | undefined, alarmDescription: string): cloudwatch.Alarm {
  return stream.metricWriteProvisionedThroughputExceeded({ statistic: 'Sum', period: Duration.minutes(5) }).createAlarm(scope, id, {
    alarmName,
    alarmDescription,
    threshold: 0,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}
