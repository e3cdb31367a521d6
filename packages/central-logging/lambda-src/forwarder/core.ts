/**
 * Core of the central log forwarder: pure functions over two small ports (a CloudWatch Logs
 * sink and a dead-letter sink), so unit tests and the benchmark drive it with in-memory fakes.
 *
 * Input: Kinesis records, each one a gzipped CloudWatch Logs subscription payload.
 * Output: PutLogEvents calls into one central log group per class, one log stream per
 * `<sourceAccount>/<region>/<sourceLogGroup>`, and a list of Kinesis records that must be
 * retried (ReportBatchItemFailures).
 *
 * The rule is "never drop a record": every event ends up in a central log group, in the
 * dead-letter queue (with the reason), or its Kinesis record is reported as failed so Lambda
 * retries it. Duplicates are possible (at-least-once); losses are not.
 */
import { gunzipSync } from 'node:zlib';

/** PutLogEvents: maximum batch size, counting UTF-8 message bytes plus 26 bytes per event. */
export const MAX_BATCH_BYTES = 1_048_576;
/** PutLogEvents: bytes counted per event on top of its message. */
export const EVENT_OVERHEAD_BYTES = 26;
/** PutLogEvents: maximum number of events in one call. */
export const MAX_BATCH_EVENTS = 10_000;
/** PutLogEvents: a batch may not span more than 24 hours (kept strictly below). */
export const MAX_BATCH_SPAN_MS = 24 * 60 * 60 * 1000 - 1;
/**
 * Largest message we send as one log event. CloudWatch Logs documented 256 KiB per event
 * (the limit was raised later); we keep the conservative figure so no region rejects the
 * batch, and route anything larger to the dead-letter queue whole instead of truncating it.
 */
export const DEFAULT_MAX_EVENT_BYTES = 262_144 - EVENT_OVERHEAD_BYTES;
/** PutLogEvents rejects events older than 14 days (or the retention period, if shorter). */
export const MAX_EVENT_AGE_MS = 14 * 24 * 60 * 60 * 1000;
/** PutLogEvents rejects events more than 2 hours in the future. */
export const MAX_EVENT_FUTURE_MS = 2 * 60 * 60 * 1000;
/** Log stream names: at most 512 characters, no ':' or '*'. */
export const MAX_LOG_STREAM_NAME_LENGTH = 512;
/** SQS message and SendMessageBatch payload limit (256 KiB); we stay below it with margin. */
export const MAX_DLQ_BATCH_BYTES = 250_000;
/** Characters of base64 payload per dead-letter message (ASCII, so bytes = characters). */
export const DLQ_CHUNK_CHARS = 180_000;
/** SendMessageBatch: at most 10 entries. */
export const MAX_DLQ_BATCH_ENTRIES = 10;

/** The three log classes; each maps to one central log group. */
export type LogClassName = 'audit' | 'security' | 'app';
export const LOG_CLASSES: readonly LogClassName[] = ['audit', 'security', 'app'];

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
  | 'malformed-event'
  | 'oversize-event'
  | 'too-old-event'
  | 'too-new-event'
  | 'rejected-by-putlogevents'
  | 'invalid-event';

interface PendingEvent {
  readonly recordIndex: number;
  readonly order: number;
  readonly timestamp: number;
  readonly message: string;
  readonly bytes: number;
  readonly id?: string;
}

interface Target {
  readonly logGroupName: string;
  readonly logStreamName: string;
  readonly source: { owner: string; region: string; logGroup: string; logClass: LogClassName };
  readonly events: PendingEvent[];
}

interface DeadLetterItem {
  readonly recordIndex: number;
  readonly reason: DeadLetterReason;
  readonly detail: string;
  readonly meta: Record<string, unknown>;
  /** 'kinesis-record-base64' (the raw record data) or 'log-events-json' ({timestamp, message}[]). */
  readonly payloadKind: 'kinesis-record-data' | 'log-events';
  readonly payload: string;
}

class RetriesExhaustedError extends Error {
  public readonly name = 'RetriesExhaustedError';
}

/**
 * The class of a log group of `owner`, decided by the receiving side: the rule with the longest
 * matching prefix wins, and of two rules with the same prefix the one naming the account.
 * Returns the class and the rule that decided it (its provenance), or undefined.
 */
export function classify(owner: string, logGroup: string, rules: readonly ClassificationRule[]): { logClass: LogClassName; rule: ClassificationRule } | undefined {
  let best: ClassificationRule | undefined;
  for (const rule of rules) {
    if (!logGroup.startsWith(rule.logGroupNamePrefix)) continue;
    if (rule.accountIds !== undefined && !rule.accountIds.includes(owner)) continue;
    const better = best === undefined
      || rule.logGroupNamePrefix.length > best.logGroupNamePrefix.length
      || (rule.logGroupNamePrefix.length === best.logGroupNamePrefix.length && rule.accountIds !== undefined && best.accountIds === undefined);
    if (better) best = rule;
  }
  return best === undefined ? undefined : { logClass: best.logClass, rule: best };
}

/** The top-level key of the provenance the forwarder adds to every central record. */
export const PROVENANCE_KEY = 'guardrailsProvenance';

/** Where a payload came from and how the receiving side classed it. */
export interface ProvenanceSource {
  readonly account: string;
  readonly region: string;
  readonly logGroup: string;
  readonly logStream: string;
  readonly logClass: LogClassName;
  readonly rule: ClassificationRule;
}

/**
 * The provenance object of a payload as JSON without its closing brace (each event appends its id):
 * source account, region, log group and log stream (set by CloudWatch Logs and Kinesis), the class
 * decided and the rule that decided it.
 */
export function provenancePrefix(source: ProvenanceSource): string {
  const json = JSON.stringify({
    account: source.account,
    region: source.region,
    logGroup: source.logGroup,
    logStream: source.logStream,
    logClass: source.logClass,
    classifiedBy: { logGroupNamePrefix: source.rule.logGroupNamePrefix, ...(source.rule.accountIds ? { accountIds: source.rule.accountIds } : {}) },
  });
  return json.slice(0, -1);
}

/**
 * The central record of one event: the source message with the provenance as its first top-level
 * key. A JSON object keeps its own text (its other keys, their order and number precision: the
 * provenance is spliced in, the message is never re-serialized), so Logs Insights queries on its
 * fields work as before. Anything else (plain text, arrays), and an object that already has a
 * top-level `guardrailsProvenance` (a sender could forge one), is kept whole as the string `message`.
 * `claimsProvenance`: the source message is an object with a provenance key of its own.
 *
 * Cost: a message is parsed only when it contains the key's name or a JSON `\u` escape (which could
 * spell it); otherwise one that starts with '{' and ends with '}' is taken for an object without
 * parsing (a line that only looks like one stays as invalid as it was, with the provenance in its
 * text). `objectShaped`: it starts with '{' and ends with '}'.
 */
export function withProvenance(message: string, prefix: string, eventId: string | undefined, messageBytes?: number): { message: string; bytes: number; claimsProvenance: boolean; objectShaped: boolean } {
  const provenance = `${prefix}${eventId !== undefined ? `,"eventId":${JSON.stringify(String(eventId))}` : ''}}`;
  const start = firstNonSpace(message);
  const objectShaped = start >= 0 && message.charCodeAt(start) === 0x7b /* { */ && message.charCodeAt(lastNonSpace(message)) === 0x7d /* } */;
  const whole = (claimsProvenance: boolean) => {
    const wrapped = `{"${PROVENANCE_KEY}":${provenance},"message":${JSON.stringify(message)}}`;
    return { message: wrapped, bytes: Buffer.byteLength(wrapped, 'utf8'), claimsProvenance, objectShaped };
  };
  if (!objectShaped) return whole(false);
  // Parse whenever the key could be there: spelled out, or with JSON escapes ("guardrails\u0050rovenance"
  // decodes to the same key, and a last-wins reader would take the sender's).
  if (message.includes(PROVENANCE_KEY) || message.includes('\\u')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      return whole(false);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return whole(false);
    if (Object.prototype.hasOwnProperty.call(parsed, PROVENANCE_KEY)) return whole(true);
  }
  const rest = message.slice(start + 1);
  const head = `{"${PROVENANCE_KEY}":${provenance}${message.charCodeAt(firstNonSpace(rest) + start + 1) === 0x7d ? '' : ','}`;
  // The leading blanks and '{' dropped are one byte each: no second pass over the message.
  const bytes = Buffer.byteLength(head, 'utf8') + (messageBytes ?? Buffer.byteLength(message, 'utf8')) - (start + 1);
  return { message: head + rest, bytes, claimsProvenance: false, objectShaped };
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

function firstNonSpace(s: string): number {
  for (let i = 0; i < s.length; i++) if (!isSpace(s.charCodeAt(i))) return i;
  return -1;
}

function lastNonSpace(s: string): number {
  for (let i = s.length - 1; i >= 0; i--) if (!isSpace(s.charCodeAt(i))) return i;
  return -1;
}

/** `<account>/<region>/<logGroup>`, with ':' and '*' replaced (not allowed in stream names). */
export function centralLogStreamName(owner: string, region: string, logGroup: string): string {
  const raw = `${owner}/${region}/${logGroup}`.replace(/[:*]/g, '_');
  if (raw.length <= MAX_LOG_STREAM_NAME_LENGTH) return raw;
  // Keep the name unique when it must be shortened: a stable hash of the full name as suffix.
  const suffix = `~${fnv1a(raw)}`;
  return raw.slice(0, MAX_LOG_STREAM_NAME_LENGTH - suffix.length) + suffix;
}

function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** Decode one Kinesis record: base64 -> gzip -> JSON, validating the subscription payload shape. */
export function decodeRecord(data: string): SubscriptionPayload {
  const buf = Buffer.from(data, 'base64');
  if (buf.length < 2 || buf[0] !== 0x1f || buf[1] !== 0x8b) {
    throw new Error('record data is not gzip (CloudWatch Logs subscription payloads always are)');
  }
  const json = JSON.parse(gunzipSync(buf).toString('utf8'));
  if (json === null || typeof json !== 'object') throw new Error('payload is not a JSON object');
  if (json.messageType === 'CONTROL_MESSAGE') return json as SubscriptionPayload;
  if (json.messageType !== 'DATA_MESSAGE') throw new Error(`unknown messageType ${JSON.stringify(json.messageType)}`);
  for (const field of ['owner', 'logGroup', 'logStream']) {
    if (typeof json[field] !== 'string' || json[field] === '') throw new Error(`payload field ${field} is missing or not a string`);
  }
  if (!Array.isArray(json.subscriptionFilters)) throw new Error('payload field subscriptionFilters is not an array');
  if (!Array.isArray(json.logEvents)) throw new Error('payload field logEvents is not an array');
  return json as SubscriptionPayload;
}

/**
 * Split events (already sorted by timestamp) into PutLogEvents batches: at most
 * MAX_BATCH_EVENTS events, MAX_BATCH_BYTES bytes (message bytes + 26 per event), and a
 * span below 24 hours. Exported for tests.
 */
export function splitIntoBatches<T extends { timestamp: number; bytes: number }>(events: readonly T[]): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const e of events) {
    const size = e.bytes + EVENT_OVERHEAD_BYTES;
    if (
      current.length > 0 &&
      (current.length >= MAX_BATCH_EVENTS || bytes + size > MAX_BATCH_BYTES || e.timestamp - current[0].timestamp > MAX_BATCH_SPAN_MS)
    ) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(e);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

const RETRYABLE_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ServiceUnavailableException',
  'ServiceUnavailable',
  'InternalFailure',
  'InternalServerError',
  'InternalServerException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'OperationAbortedException', // concurrent CreateLogStream on the same name
]);
const RETRYABLE_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNREFUSED', 'EAI_AGAIN']);

/** Throttling, 5xx and transient network errors are retried; anything else is not. */
export function isRetryable(err: unknown): boolean {
  const e = err as { name?: string; code?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  if (!e || typeof e !== 'object') return false;
  if (e.name && RETRYABLE_NAMES.has(e.name)) return true;
  if (e.code && RETRYABLE_CODES.has(e.code)) return true;
  if (e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  return status === 429 || (typeof status === 'number' && status >= 500);
}

function errorName(err: unknown): string {
  return (err as { name?: string })?.name ?? 'Error';
}

function errorText(err: unknown): string {
  const e = err as { name?: string; message?: string };
  return `${e?.name ?? 'Error'}: ${e?.message ?? String(err)}`;
}

/**
 * Process one Lambda invocation's Kinesis records. Never throws for a per-record problem:
 * poison records and rejected events go to the dead-letter port; records whose events could
 * not be delivered (throttling beyond the retry budget, dead-letter queue unavailable) come
 * back in `batchItemFailures` so Lambda retries them.
 */
export async function processRecords(
  records: readonly KinesisRecordIn[],
  config: ForwarderConfig,
  deps: ForwarderDeps,
): Promise<ForwarderResult> {
  const now = deps.now ?? Date.now;
  const maxEventBytes = config.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  const stats: ForwarderStats = {
    records: records.length,
    provenanceOmitted: 0,
    controlMessages: 0,
    eventsIn: 0,
    eventsDelivered: 0,
    eventsDeadLettered: 0,
    poisonRecords: 0,
    failedRecords: 0,
    putLogEventsCalls: 0,
    createLogStreamCalls: 0,
    retries: 0,
    deadLetterMessages: 0,
  };
  const failed = new Set<number>();
  const deadLetters: DeadLetterItem[] = [];
  const targets = new Map<string, Target>();
  const startedAt = now();
  let order = 0;

  records.forEach((record, recordIndex) => {
    const recordMeta = {
      sequenceNumber: record.kinesis.sequenceNumber,
      partitionKey: record.kinesis.partitionKey,
      eventSourceArn: record.eventSourceARN,
      region: record.awsRegion,
    };
    let payload: SubscriptionPayload;
    try {
      payload = decodeRecord(record.kinesis.data);
    } catch (err) {
      stats.poisonRecords++;
      deadLetters.push({
        recordIndex,
        reason: 'undecodable-record',
        detail: errorText(err),
        meta: recordMeta,
        payloadKind: 'kinesis-record-data',
        payload: record.kinesis.data,
      });
      return;
    }
    if (payload.messageType === 'CONTROL_MESSAGE') {
      // CloudWatch Logs sends these to check that the destination is reachable: not log data.
      stats.controlMessages++;
      return;
    }
    stats.eventsIn += payload.logEvents.length;
    const region = record.awsRegion ?? regionFromArn(record.eventSourceARN) ?? 'unknown-region';
    const sourceMeta = { ...recordMeta, owner: payload.owner, logGroup: payload.logGroup, logStream: payload.logStream, subscriptionFilters: payload.subscriptionFilters };
    if (config.senderAccounts !== undefined && !config.senderAccounts.includes(payload.owner)) {
      // A source the destination does not list: keep it for a human, never file it.
      stats.eventsDeadLettered += payload.logEvents.length;
      deadLetters.push({
        recordIndex,
        reason: 'unknown-sender',
        detail: `source account ${payload.owner} is not one of the ${config.senderAccounts.length} sender accounts of this destination`,
        meta: sourceMeta,
        payloadKind: 'kinesis-record-data',
        payload: record.kinesis.data,
      });
      return;
    }
    // The receiving side decides the class from the source account and log group (CloudWatch
    // Logs sets both); the subscription filter names are the sender's and are not trusted.
    const decision = classify(payload.owner, payload.logGroup, config.classificationRules);
    if (!decision) {
      // No class means no retention decision: keep it for a human, do not guess.
      stats.eventsDeadLettered += payload.logEvents.length;
      deadLetters.push({
        recordIndex,
        reason: 'unclassified-log-group',
        detail: `no classification rule matches log group ${payload.logGroup} of account ${payload.owner}`,
        meta: sourceMeta,
        payloadKind: 'kinesis-record-data',
        payload: record.kinesis.data,
      });
      return;
    }
    const logClass = decision.logClass;
    const target = config.targets[logClass];
    const retentionMs = target.retentionDays ? target.retentionDays * 24 * 60 * 60 * 1000 : Infinity;
    const oldest = startedAt - Math.min(MAX_EVENT_AGE_MS, retentionMs);
    const newest = startedAt + MAX_EVENT_FUTURE_MS;
    const logStreamName = centralLogStreamName(payload.owner, region, payload.logGroup);
    const key = `${target.logGroupName}\u0000${logStreamName}`;
    let t = targets.get(key);
    if (!t) {
      t = { logGroupName: target.logGroupName, logStreamName, source: { owner: payload.owner, region, logGroup: payload.logGroup, logClass }, events: [] };
      targets.set(key, t);
    }
    const rejected = new Map<DeadLetterReason, { detail: string; events: unknown[] }>();
    const reject = (reason: DeadLetterReason, detail: string, ev: unknown) => {
      let r = rejected.get(reason);
      if (!r) rejected.set(reason, (r = { detail, events: [] }));
      r.events.push(ev);
    };
    // Provenance, from what CloudWatch Logs and Kinesis set (never from the sender's message).
    const provenance = provenancePrefix({
      account: payload.owner, region, logGroup: payload.logGroup, logStream: payload.logStream, logClass, rule: decision.rule,
    });
    for (const ev of payload.logEvents) {
      if (!ev || typeof ev.message !== 'string' || typeof ev.timestamp !== 'number' || !Number.isFinite(ev.timestamp)) {
        reject('malformed-event', 'event without a string message and a numeric timestamp', ev);
        continue;
      }
      const originalBytes = Buffer.byteLength(ev.message, 'utf8');
      const wrapped = withProvenance(ev.message, provenance, ev.id, originalBytes);
      let message = wrapped.message;
      let bytes = wrapped.bytes;
      if (bytes > maxEventBytes && originalBytes <= maxEventBytes && !wrapped.objectShaped) {
        // Too large to wrap, small enough as it is, and no JSON object whose fields a reader could
        // take for provenance: write it unchanged (its central log stream still names the source
        // account, region and log group), counted.
        message = ev.message;
        bytes = originalBytes;
        stats.provenanceOmitted++;
      }
      if (bytes > maxEventBytes) {
        // An object too large to carry the provenance is never written without it (it could hold a
        // forged one, spelled out or escaped): dead-lettered whole.
        reject('oversize-event', wrapped.objectShaped && originalBytes <= maxEventBytes
          ? `event message is a JSON object too large to carry its ${PROVENANCE_KEY} within ${maxEventBytes} bytes`
          : `event message is larger than ${maxEventBytes} bytes`, ev);
      } else if (ev.timestamp < oldest) {
        reject('too-old-event', 'older than 14 days or the central retention: PutLogEvents would reject it', ev);
      } else if (ev.timestamp > newest) {
        reject('too-new-event', 'more than 2 hours in the future: PutLogEvents would reject it', ev);
      } else {
        t.events.push({ recordIndex, order: order++, timestamp: ev.timestamp, message, bytes, id: ev.id });
      }
    }
    for (const [reason, r] of rejected) {
      stats.eventsDeadLettered += r.events.length;
      deadLetters.push({
        recordIndex,
        reason,
        detail: r.detail,
        meta: { ...sourceMeta, logClass, classifiedBy: decision.rule, centralLogGroup: target.logGroupName, centralLogStream: logStreamName },
        payloadKind: 'log-events',
        payload: JSON.stringify(r.events),
      });
    }
  });

  const ctx: PutContext = { config, deps, stats, failed, deadLetters };
  // Log streams are independent: write several at once (bounded), each stream's batches in order.
  const queue = [...targets.values()].filter((t) => t.events.length > 0);
  const worker = async () => {
    for (let t = queue.shift(); t; t = queue.shift()) {
      // Chronological order is required within a batch; the sort is stable on arrival order.
      t.events.sort((a, b) => a.timestamp - b.timestamp || a.order - b.order);
      for (const batch of splitIntoBatches(t.events)) {
        await putBatch(ctx, t, batch);
      }
    }
  };
  const concurrency = Math.max(1, config.concurrency ?? 4);
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));

  await sendDeadLetters(ctx);

  stats.failedRecords = failed.size;
  const batchItemFailures = [...failed]
    .sort((a, b) => a - b)
    .map((i) => ({ itemIdentifier: records[i].kinesis.sequenceNumber }));
  return { batchItemFailures, stats };
}

interface PutContext {
  readonly config: ForwarderConfig;
  readonly deps: ForwarderDeps;
  readonly stats: ForwarderStats;
  readonly failed: Set<number>;
  readonly deadLetters: DeadLetterItem[];
}

async function putBatch(ctx: PutContext, t: Target, batch: PendingEvent[]): Promise<void> {
  const { deps, stats } = ctx;
  const logEvents = batch.map((e) => ({ timestamp: e.timestamp, message: e.message }));
  let response: { rejectedLogEventsInfo?: RejectedLogEventsInfo };
  try {
    response = await withRetries(ctx, async () => {
      stats.putLogEventsCalls++;
      try {
        return await deps.logs.putLogEvents({ logGroupName: t.logGroupName, logStreamName: t.logStreamName, logEvents });
      } catch (err) {
        if (errorName(err) !== 'ResourceNotFoundException') throw err;
        // Streams are created on demand, the first time a source account/region/log group shows up.
        await createStream(ctx, t);
        stats.putLogEventsCalls++;
        return deps.logs.putLogEvents({ logGroupName: t.logGroupName, logStreamName: t.logStreamName, logEvents });
      }
    });
  } catch (err) {
    if (errorName(err) !== 'InvalidParameterException') {
      // Throttling beyond the retry budget, a missing central log group, access denied...:
      // nothing is wrong with the data, so let Kinesis deliver these records again.
      for (const e of batch) ctx.failed.add(e.recordIndex);
      deps.log?.('putLogEvents failed, records will be retried', { error: errorText(err), logGroup: t.logGroupName, logStream: t.logStreamName, events: batch.length });
      return;
    }
    // InvalidParameterException is about the data: bisect to isolate the bad event(s)
    // so the rest of the batch is delivered and only the culprit goes to the dead-letter queue.
    if (batch.length > 1) {
      const mid = Math.ceil(batch.length / 2);
      await putBatch(ctx, t, batch.slice(0, mid));
      await putBatch(ctx, t, batch.slice(mid));
      return;
    }
    addEventDeadLetters(ctx, t, batch, 'invalid-event', errorText(err));
    return;
  }
  const rejected = rejectedIndexes(response.rejectedLogEventsInfo, batch.length);
  if (rejected.size > 0) {
    const rejectedEvents = batch.filter((_e, i) => rejected.has(i));
    addEventDeadLetters(ctx, t, rejectedEvents, 'rejected-by-putlogevents', JSON.stringify(response.rejectedLogEventsInfo));
  }
  stats.eventsDelivered += batch.length - rejected.size;
}

/**
 * Indexes of the events PutLogEvents refused. tooOld/expired are exclusive end indexes and
 * tooNew an inclusive start index (API reference). AWS does not say whether the expired index
 * is inclusive: we include it, so the worst case is a duplicate in the DLQ, never a loss.
 */
export function rejectedIndexes(info: RejectedLogEventsInfo | undefined, count: number): Set<number> {
  const out = new Set<number>();
  if (!info) return out;
  const oldEnd = Math.min(count, Math.max(info.tooOldLogEventEndIndex ?? 0, info.expiredLogEventEndIndex !== undefined ? info.expiredLogEventEndIndex + 1 : 0));
  for (let i = 0; i < oldEnd; i++) out.add(i);
  if (info.tooNewLogEventStartIndex !== undefined) {
    for (let i = Math.max(0, info.tooNewLogEventStartIndex); i < count; i++) out.add(i);
  }
  return out;
}

async function createStream(ctx: PutContext, t: Target): Promise<void> {
  try {
    ctx.stats.createLogStreamCalls++;
    await ctx.deps.logs.createLogStream({ logGroupName: t.logGroupName, logStreamName: t.logStreamName });
  } catch (err) {
    // Another invocation (another shard) created it first: fine.
    if (errorName(err) !== 'ResourceAlreadyExistsException') throw err;
  }
}

async function withRetries<T>(ctx: PutContext, fn: () => Promise<T>): Promise<T> {
  const { config, deps } = ctx;
  const maxAttempts = config.maxAttempts ?? 8;
  const base = config.baseDelayMs ?? 100;
  const cap = config.maxDelayMs ?? 5000;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = deps.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isRetryable(err)) throw err;
      if (attempt >= maxAttempts) throw new RetriesExhaustedError(`gave up after ${attempt} attempts: ${errorText(err)}`);
      // Exponential backoff with full jitter.
      const delay = Math.floor(random() * Math.min(cap, base * 2 ** (attempt - 1)));
      if (deps.remainingTimeMs && deps.remainingTimeMs() - delay < (deps.minRemainingMs ?? 10_000)) {
        throw new RetriesExhaustedError(`not enough invocation time left to retry: ${errorText(err)}`);
      }
      ctx.stats.retries++;
      await sleep(delay);
    }
  }
}

function addEventDeadLetters(ctx: PutContext, t: Target, events: PendingEvent[], reason: DeadLetterReason, detail: string): void {
  // One dead-letter item per source record, so a DLQ failure marks exactly the right records.
  const byRecord = new Map<number, PendingEvent[]>();
  for (const e of events) {
    const list = byRecord.get(e.recordIndex) ?? [];
    list.push(e);
    byRecord.set(e.recordIndex, list);
  }
  for (const [recordIndex, list] of byRecord) {
    ctx.stats.eventsDeadLettered += list.length;
    ctx.deadLetters.push({
      recordIndex,
      reason,
      detail,
      meta: { ...t.source, centralLogGroup: t.logGroupName, centralLogStream: t.logStreamName },
      payloadKind: 'log-events',
      payload: JSON.stringify(list.map((e) => ({ id: e.id, timestamp: e.timestamp, message: e.message }))),
    });
  }
}

/**
 * Dead-letter message bodies for one item. The payload is base64 (ASCII, so its byte size is
 * known and SQS accepts every character) and split into parts below the SQS message limit;
 * parts share a correlationId and are numbered. Exported for tests and operators.
 */
export function deadLetterBodies(item: {
  reason: string;
  detail: string;
  meta: Record<string, unknown>;
  payloadKind: string;
  payload: string;
}, correlationId: string): string[] {
  const b64 = item.payloadKind === 'kinesis-record-data' ? item.payload : Buffer.from(item.payload, 'utf8').toString('base64');
  const parts = Math.max(1, Math.ceil(b64.length / DLQ_CHUNK_CHARS));
  const bodies: string[] = [];
  for (let part = 1; part <= parts; part++) {
    bodies.push(
      JSON.stringify({
        version: 1,
        correlationId,
        part,
        parts,
        reason: item.reason,
        detail: item.detail.slice(0, 2000),
        source: item.meta,
        // kinesis-record-data: the record's data as Kinesis delivered it (base64 of gzip JSON);
        // log-events: base64 of a UTF-8 JSON array of {id, timestamp, message}.
        payloadKind: item.payloadKind,
        payloadBase64: b64.slice((part - 1) * DLQ_CHUNK_CHARS, part * DLQ_CHUNK_CHARS),
      }),
    );
  }
  return bodies;
}

async function sendDeadLetters(ctx: PutContext): Promise<void> {
  const entries: { recordIndex: number; body: string }[] = [];
  ctx.deadLetters.forEach((item, i) => {
    const seq = String(item.meta.sequenceNumber ?? i);
    for (const body of deadLetterBodies(item, `${seq}-${i}`)) entries.push({ recordIndex: item.recordIndex, body });
  });
  let batch: typeof entries = [];
  let bytes = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const current = batch;
    batch = [];
    bytes = 0;
    let failedIndexes: number[];
    try {
      const res = await withRetries(ctx, () => ctx.deps.deadLetter.sendBatch(current.map((e) => e.body)));
      failedIndexes = res.failedIndexes;
    } catch (err) {
      ctx.deps.log?.('dead-letter send failed, records will be retried', { error: errorText(err), messages: current.length });
      failedIndexes = current.map((_e, i) => i);
    }
    for (const i of failedIndexes) ctx.failed.add(current[i].recordIndex);
    ctx.stats.deadLetterMessages += current.length - failedIndexes.length;
  };
  for (const e of entries) {
    const size = Buffer.byteLength(e.body, 'utf8');
    if (batch.length >= MAX_DLQ_BATCH_ENTRIES || bytes + size > MAX_DLQ_BATCH_BYTES) await flush();
    batch.push(e);
    bytes += size;
  }
  await flush();
}

function regionFromArn(arn: string | undefined): string | undefined {
  const parts = arn?.split(':');
  return parts && parts.length > 3 && parts[3] ? parts[3] : undefined;
}

/** Read the forwarder configuration from the Lambda environment (set by CentralLogDestination). */
export function configFromEnvironment(env: Record<string, string | undefined>): { config: ForwarderConfig; deadLetterQueueUrl: string } {
  const raw = env.CENTRAL_LOG_GROUPS;
  if (!raw) throw new Error('CENTRAL_LOG_GROUPS is not set');
  const parsed = JSON.parse(raw) as Record<string, ClassTarget>;
  for (const cls of LOG_CLASSES) {
    if (!parsed[cls] || typeof parsed[cls].logGroupName !== 'string') {
      throw new Error(`CENTRAL_LOG_GROUPS has no logGroupName for class ${cls}: ${raw}`);
    }
  }
  const deadLetterQueueUrl = env.DEAD_LETTER_QUEUE_URL;
  if (!deadLetterQueueUrl) throw new Error('DEAD_LETTER_QUEUE_URL is not set');
  return {
    config: {
      targets: parsed as Record<LogClassName, ClassTarget>,
      classificationRules: rulesFromEnvironment(env.CLASSIFICATION_RULES),
      senderAccounts: env.SENDER_ACCOUNTS ? accountsFromEnvironment(env.SENDER_ACCOUNTS) : undefined,
    },
    deadLetterQueueUrl,
  };
}

/** CLASSIFICATION_RULES: a JSON array of `{ p: prefix, c: class, a?: accounts }` (short keys: the environment holds 4 KB). */
export function rulesFromEnvironment(raw: string | undefined): ClassificationRule[] {
  if (!raw) throw new Error('CLASSIFICATION_RULES is not set: the forwarder never classifies by a name the sender chose');
  const parsed = JSON.parse(raw);
  if (!Array.isArray(parsed) || parsed.length === 0) throw new Error(`CLASSIFICATION_RULES must be a non-empty JSON array, received ${raw}`);
  return parsed.map((r: any, i: number) => {
    if (!r || typeof r.p !== 'string' || r.p === '' || !LOG_CLASSES.includes(r.c)) {
      throw new Error(`CLASSIFICATION_RULES[${i}] must be { "p": "<log group name prefix>", "c": "audit"|"security"|"app", "a"?: ["<account>"] }, received ${JSON.stringify(r)}`);
    }
    if (r.a !== undefined && (!Array.isArray(r.a) || r.a.some((a: unknown) => typeof a !== 'string' || !/^\d{12}$/.test(a)))) {
      throw new Error(`CLASSIFICATION_RULES[${i}].a must be a list of 12-digit account ids, received ${JSON.stringify(r.a)}`);
    }
    return { logGroupNamePrefix: r.p, logClass: r.c, ...(r.a !== undefined ? { accountIds: r.a } : {}) };
  });
}

function accountsFromEnvironment(raw: string): string[] {
  const parsed = JSON.parse(raw);
  if (!Array.isArray(parsed) || parsed.some((a) => typeof a !== 'string' || !/^\d{12}$/.test(a))) {
    throw new Error(`SENDER_ACCOUNTS must be a JSON array of 12-digit account ids, received ${raw}`);
  }
  return parsed;
}
