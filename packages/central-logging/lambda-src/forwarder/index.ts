/**
 * Lambda entry point of the central log forwarder (Kinesis event source with
 * ReportBatchItemFailures). The logic lives in ./core so it can be tested with fakes.
 * Built ahead of time by scripts/build-lambdas.mjs into lambda/forwarder/index.js.
 */
import { CloudWatchLogsClient, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { configFromEnvironment, DeadLetterPort, ForwarderResult, KinesisRecordIn, LogsPort, processRecords } from './core';

export * from './core';

// maxAttempts 1: the forwarder owns retries (backoff with jitter, bounded by the invocation's
// remaining time), so the SDK's own retries must not multiply them.
const logsClient = new CloudWatchLogsClient({ maxAttempts: 1 });
const sqsClient = new SQSClient({ maxAttempts: 1 });

let cached: ReturnType<typeof configFromEnvironment> | undefined;

export const sdkLogsPort: LogsPort = {
  async putLogEvents(input) {
    const res = await logsClient.send(new PutLogEventsCommand(input));
    return { rejectedLogEventsInfo: res.rejectedLogEventsInfo };
  },
  async createLogStream(input) {
    await logsClient.send(new CreateLogStreamCommand(input));
  },
};

export function sqsDeadLetterPort(queueUrl: string): DeadLetterPort {
  return {
    async sendBatch(bodies) {
      const res = await sqsClient.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: bodies.map((body, i) => ({ Id: String(i), MessageBody: body })),
        }),
      );
      return { failedIndexes: (res.Failed ?? []).map((f) => Number(f.Id)) };
    },
  };
}

interface KinesisEvent {
  readonly Records: KinesisRecordIn[];
}

interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

export async function handler(event: KinesisEvent, context?: LambdaContext): Promise<Pick<ForwarderResult, 'batchItemFailures'>> {
  cached ??= configFromEnvironment(process.env);
  const result = await processRecords(event.Records ?? [], cached.config, {
    logs: sdkLogsPort,
    deadLetter: sqsDeadLetterPort(cached.deadLetterQueueUrl),
    remainingTimeMs: context ? () => context.getRemainingTimeInMillis() : undefined,
    log: (message, fields) => console.log(JSON.stringify({ level: 'WARN', message, ...fields })),
  });
  // One summary line per invocation; never the log data itself (this log group is not shipped).
  console.log(JSON.stringify({ level: 'INFO', message: 'forwarded', ...result.stats }));
  return { batchItemFailures: result.batchItemFailures };
}
