/** The limits the forwarder works within (CloudWatch Logs PutLogEvents, SQS). */
import { DefaultLogClass } from '@cdk-guardrails/facts';

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
export const LOG_CLASSES: readonly LogClassName[] = DefaultLogClass.ALL.map((c) => c.name as LogClassName);
