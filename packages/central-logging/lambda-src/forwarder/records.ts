/** Kinesis records in, central log streams and PutLogEvents batches out. */
import { gunzipSync } from 'node:zlib';
import { EVENT_OVERHEAD_BYTES, MAX_BATCH_BYTES, MAX_BATCH_EVENTS, MAX_BATCH_SPAN_MS, MAX_LOG_STREAM_NAME_LENGTH } from './limits';
import { SubscriptionPayload } from './types';

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
