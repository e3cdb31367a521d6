/** The forwarder's inputs, ports, configuration and results. */
import { LogClassName } from './limits';

/** One Kinesis record as Lambda delivers it (only the fields we use). */
export interface KinesisRecordIn {
  readonly kinesis: {
    readonly data: string;
    readonly sequenceNumber: string;
    readonly partitionKey?: string;
    readonly approximateArrivalTimestamp?: number;
  };
  readonly eventSourceARN?: string;
  readonly awsRegion?: string;
  readonly eventID?: string;
}

/** Event shape in a CloudWatch Logs subscription payload. */
export interface SubscriptionLogEvent {
  readonly id: string;
  readonly timestamp: number;
  readonly message: string;
}

/** A decoded CloudWatch Logs subscription payload. */
export interface SubscriptionPayload {
  readonly messageType: 'DATA_MESSAGE' | 'CONTROL_MESSAGE';
  readonly owner: string;
  readonly logGroup: string;
  readonly logStream: string;
  readonly subscriptionFilters: string[];
  readonly logEvents: SubscriptionLogEvent[];
}

export interface InputLogEvent {
  readonly timestamp: number;
  readonly message: string;
}

export interface RejectedLogEventsInfo {
  readonly tooNewLogEventStartIndex?: number;
  readonly tooOldLogEventEndIndex?: number;
  readonly expiredLogEventEndIndex?: number;
}

/** The part of the CloudWatch Logs API the forwarder needs. */
export interface LogsPort {
  putLogEvents(input: { logGroupName: string; logStreamName: string; logEvents: InputLogEvent[] }): Promise<{
    rejectedLogEventsInfo?: RejectedLogEventsInfo;
  }>;
  createLogStream(input: { logGroupName: string; logStreamName: string }): Promise<void>;
}

/** The dead-letter queue: sends up to 10 bodies, returns the indexes that failed. */
export interface DeadLetterPort {
  sendBatch(bodies: string[]): Promise<{ failedIndexes: number[] }>;
}

/** Where one class goes. */
export interface ClassTarget {
  readonly logGroupName: string;
  /** Retention of the central log group, used to pre-reject events PutLogEvents would refuse. */
  readonly retentionDays?: number;
}

/**
 * One classification rule of the receiving side: log groups whose name starts with
 * `logGroupNamePrefix` (of `accountIds`, or of any sender) belong to `logClass`.
 */
export interface ClassificationRule {
  readonly logGroupNamePrefix: string;
  readonly logClass: LogClassName;
  readonly accountIds?: readonly string[];
}

export interface ForwarderConfig {
  /** Central log group per class. */
  readonly targets: Record<LogClassName, ClassTarget>;
  /**
   * How the receiving side decides the class of a payload: from its source account (`owner`,
   * set by CloudWatch Logs) and log group, never from the subscription filter name the sender
   * chose. No matching rule: the records are dead-lettered (`unclassified-log-group`).
   */
  readonly classificationRules: readonly ClassificationRule[];
  /**
   * The accounts allowed to send. A payload of any other account is dead-lettered
   * (`unknown-sender`).
   * @default - every account the destination policy admits
   */
  readonly senderAccounts?: readonly string[];
  /**
   * ARN of the evidence destination's stream. When set, audit- and security-class records are written
   * only when they arrive through it (the record's `eventSourceARN`); from any other stream they are
   * dead-lettered (`evidence-class-on-open-stream`).
   * @default - every stream carries every class
   */
  readonly evidenceStreamArn?: string;
  /** @default DEFAULT_MAX_EVENT_BYTES */
  readonly maxEventBytes?: number;
  /** Attempts per PutLogEvents/CreateLogStream call on throttling or 5xx. @default 8 */
  readonly maxAttempts?: number;
  /** First backoff delay. @default 100 */
  readonly baseDelayMs?: number;
  /** Largest backoff delay. @default 5000 */
  readonly maxDelayMs?: number;
  /** Log streams written in parallel (each stream's batches stay sequential). @default 4 */
  readonly concurrency?: number;
}

export interface ForwarderDeps {
  readonly logs: LogsPort;
  readonly deadLetter: DeadLetterPort;
  /** Injectable clock and sleep so tests neither wait nor depend on the date. */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** Milliseconds left in the invocation; retries stop when less than `minRemainingMs` is left. */
  readonly remainingTimeMs?: () => number;
  readonly minRemainingMs?: number;
  /** Structured logger (console in Lambda; silent in tests and the benchmark). */
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
}

export interface BatchItemFailure {
  readonly itemIdentifier: string;
}

export interface ForwarderStats {
  records: number;
  /** Events written without the provenance key: the wrapped message would have exceeded the event size limit. */
  provenanceOmitted: number;
  controlMessages: number;
  eventsIn: number;
  eventsDelivered: number;
  eventsDeadLettered: number;
  poisonRecords: number;
  /** Audit- and security-class events that arrived through a stream other than the evidence stream (dead-lettered). */
  evidenceOnOpenStream: number;
  failedRecords: number;
  putLogEventsCalls: number;
  createLogStreamCalls: number;
  retries: number;
  deadLetterMessages: number;
}

export interface ForwarderResult {
  readonly batchItemFailures: BatchItemFailure[];
  readonly stats: ForwarderStats;
}

/** Dead-letter reasons (the `reason` field of each message). */
export type DeadLetterReason =
  | 'undecodable-record'
  | 'unclassified-subscription'
  | 'unclassified-log-group'
  | 'unknown-sender'
  | 'evidence-class-on-open-stream'
  | 'malformed-event'
  | 'oversize-event'
  | 'too-old-event'
  | 'too-new-event'
  | 'rejected-by-putlogevents'
  | 'invalid-event';
