/** Dead letters: the records and events that cannot be delivered, kept in the queue with their reason. */
import { errorText, withRetries } from './errors';
import { PendingEvent, PutContext, Target } from './internal';
import { DLQ_CHUNK_CHARS, MAX_DLQ_BATCH_BYTES, MAX_DLQ_BATCH_ENTRIES } from './limits';
import { DeadLetterReason } from './types';
export function addEventDeadLetters(ctx: PutContext, t: Target, events: PendingEvent[], reason: DeadLetterReason, detail: string): void {
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
export function deadLetterBodies(
  item: {
    reason: string;
    detail: string;
    meta: Record<string, unknown>;
    payloadKind: string;
    payload: string;
  },
  correlationId: string,
): string[] {
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

export async function sendDeadLetters(ctx: PutContext): Promise<void> {
  const entries: { recordIndex: number; body: string }[] = [];
  ctx.deadLetters.forEach((item, i) => {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- the Kinesis sequence number, a string
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
