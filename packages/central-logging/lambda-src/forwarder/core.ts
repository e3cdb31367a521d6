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
 *
 * This module holds the processing (processRecords, PutLogEvents batches); the rest is one
 * responsibility a file: limits, types, classification, provenance, records (decoding, stream
 * names, batching), errors (retries), dead-letters, environment. It re-exports their public parts.
 */
import { classify } from './classification';
import { addEventDeadLetters, sendDeadLetters } from './dead-letters';
import { regionFromArn } from './environment';
import { errorName, errorText, withRetries } from './errors';
import { DeadLetterItem, PendingEvent, PutContext, Target } from './internal';
import { DEFAULT_MAX_EVENT_BYTES, MAX_EVENT_AGE_MS, MAX_EVENT_FUTURE_MS } from './limits';
import { mayNameProvenance, PROVENANCE_KEY, provenancePrefix, withProvenance } from './provenance';
import { centralLogStreamName, decodeRecord, splitIntoBatches } from './records';
import {
  DeadLetterReason,
  ForwarderConfig,
  ForwarderDeps,
  ForwarderResult,
  ForwarderStats,
  KinesisRecordIn,
  RejectedLogEventsInfo,
  SubscriptionPayload,
} from './types';

export * from './limits';
export * from './types';
export * from './classification';
export * from './provenance';
export * from './records';
export { isRetryable } from './errors';
export { deadLetterBodies } from './dead-letters';
export { configFromEnvironment, rulesFromEnvironment } from './environment';

/**
 * Process one Lambda invocation's Kinesis records. Never throws for a per-record problem:
 * poison records and rejected events go to the dead-letter port; records whose events could
 * not be delivered (throttling beyond the retry budget, dead-letter queue unavailable) come
 * back in `batchItemFailures` so Lambda retries them.
 */
export async function processRecords(records: readonly KinesisRecordIn[], config: ForwarderConfig, deps: ForwarderDeps): Promise<ForwarderResult> {
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
    evidenceOnOpenStream: 0,
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
    const sourceMeta = {
      ...recordMeta,
      owner: payload.owner,
      logGroup: payload.logGroup,
      logStream: payload.logStream,
      subscriptionFilters: payload.subscriptionFilters,
    };
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
    if (config.evidenceStreamArn !== undefined && logClass !== 'app' && record.eventSourceARN !== config.evidenceStreamArn) {
      // Evidence classes come only through the evidence destination, which only the named
      // subscribers may subscribe to. Through the open one (any principal of a sender may subscribe
      // to it) such a record is a misrouted or planted subscription: kept for a human, never filed.
      stats.eventsDeadLettered += payload.logEvents.length;
      stats.evidenceOnOpenStream += payload.logEvents.length;
      deadLetters.push({
        recordIndex,
        reason: 'evidence-class-on-open-stream',
        detail: `log group ${payload.logGroup} of account ${payload.owner} is ${logClass} class, which is written only from the evidence stream ${config.evidenceStreamArn}; this record came from ${record.eventSourceARN ?? 'an unknown stream'}`,
        meta: { ...sourceMeta, logClass, classifiedBy: decision.rule },
        payloadKind: 'kinesis-record-data',
        payload: record.kinesis.data,
      });
      return;
    }
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
      account: payload.owner,
      region,
      logGroup: payload.logGroup,
      logStream: payload.logStream,
      logClass,
      rule: decision.rule,
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
      if (bytes > maxEventBytes && originalBytes <= maxEventBytes && !wrapped.objectShaped && !mayNameProvenance(ev.message)) {
        // Too large to wrap, small enough as it is, and no JSON object whose fields a reader could
        // take for provenance: write it unchanged (its central log stream still names the source
        // account, region and log group), counted. A text that names the provenance key (spelled
        // out or escaped) is not written without the real one: a reader more lenient than JSON
        // (a byte-order mark or a trailing character around an object) could take its fields.
        message = ev.message;
        bytes = originalBytes;
        stats.provenanceOmitted++;
      }
      if (bytes > maxEventBytes) {
        // An object (or a text naming the key) too large to carry the provenance is never written
        // without it (it could hold a forged one, spelled out or escaped): dead-lettered whole.
        reject(
          'oversize-event',
          originalBytes > maxEventBytes
            ? `event message is larger than ${maxEventBytes} bytes`
            : wrapped.objectShaped
              ? `event message is a JSON object too large to carry its ${PROVENANCE_KEY} within ${maxEventBytes} bytes`
              : `event message names ${PROVENANCE_KEY} and is too large to carry the real one within ${maxEventBytes} bytes`,
          ev,
        );
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
  const batchItemFailures = [...failed].sort((a, b) => a - b).map((i) => ({ itemIdentifier: records[i].kinesis.sequenceNumber }));
  return { batchItemFailures, stats };
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
      deps.log?.('putLogEvents failed, records will be retried', {
        error: errorText(err),
        logGroup: t.logGroupName,
        logStream: t.logStreamName,
        events: batch.length,
      });
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
