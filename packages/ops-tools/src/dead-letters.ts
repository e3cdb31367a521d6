// npm run dead-letters: the central log forwarder's dead letters, exported whole to files before the
// queue's retention (14 days) drops them. The forwarder keeps every record or event it cannot deliver
// in its dead-letter queue (central-logging lambda-src/forwarder/dead-letters.ts `deadLetterBodies`:
// a reason, the source, the payload in base64, split into numbered parts that share a correlationId);
// nothing else keeps them. This reads the queue, puts the parts of each dead letter together, decodes
// the payload (a Kinesis record's data: gzip of a CloudWatch Logs subscription message; or the
// events of one target as JSON) and writes one file per dead letter. Messages are deleted only with
// `--delete`, and only those of a dead letter whose file was written and flushed to disk: a dead
// letter with a part missing or a body this tool cannot read stays in the queue (and is reported).
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { OpsError } from './ops-error';

/** One message body the forwarder writes (`deadLetterBodies`, version 1). */
export interface DeadLetterPart {
  readonly version: number;
  readonly correlationId: string;
  readonly part: number;
  readonly parts: number;
  readonly reason: string;
  readonly detail: string;
  readonly source: Record<string, unknown>;
  readonly payloadKind: string;
  readonly payloadBase64: string;
}

/** A dead letter with all its parts, its payload decoded. */
export interface DeadLetter {
  readonly correlationId: string;
  readonly reason: string;
  readonly detail: string;
  readonly source: Record<string, unknown>;
  readonly payloadKind: string;
  /** The payload as the forwarder received it, base64 (kept so that nothing depends on the decoding). */
  readonly payloadBase64: string;
  /** The decoded payload: the subscription message (kinesis-record-data) or the events (log-events); undefined if it does not decode. */
  readonly payload: unknown;
  /** Why the payload did not decode, if it did not. */
  readonly decodeError?: string;
}

/** A message of the queue: its id, body and receipt handle. */
export interface QueueMessage {
  readonly MessageId?: string;
  readonly Body?: string;
  readonly ReceiptHandle?: string;
}

/** The part of the SQS client the export uses (the AWS SDK v3 `SQSClient` is one; tests give their own). */
export interface DeadLetterQueueClient {
  receive(queueUrl: string, visibilityTimeoutSeconds: number): Promise<QueueMessage[]>;
  delete(queueUrl: string, receiptHandles: string[]): Promise<void>;
}

function isPart(v: unknown): v is DeadLetterPart {
  if (v === null || typeof v !== 'object') return false;
  const p = v as Record<string, unknown>;
  return (
    p.version === 1 &&
    typeof p.correlationId === 'string' &&
    Number.isInteger(p.part) &&
    Number.isInteger(p.parts) &&
    (p.part as number) >= 1 &&
    (p.part as number) <= (p.parts as number) &&
    typeof p.reason === 'string' &&
    typeof p.payloadKind === 'string' &&
    typeof p.payloadBase64 === 'string'
  );
}

/** Parses a message body; undefined if it is not a part the forwarder wrote. */
export function parseDeadLetterPart(body: string | undefined): DeadLetterPart | undefined {
  if (body === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    return isPart(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The payload decoded: gunzip + JSON for a Kinesis record's data (plain JSON if it is not gzip), JSON for log events. */
export function decodeDeadLetterPayload(payloadKind: string, payloadBase64: string): { payload?: unknown; error?: string } {
  try {
    const bytes = Buffer.from(payloadBase64, 'base64');
    if (payloadKind === 'kinesis-record-data') {
      const gzip = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
      return { payload: JSON.parse((gzip ? gunzipSync(bytes) : bytes).toString('utf8')) };
    }
    return { payload: JSON.parse(bytes.toString('utf8')) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * Puts the parts of each dead letter together (by correlationId, in part order). Complete dead
 * letters are returned with their payload decoded; the others are listed with the parts they have.
 */
export function assembleDeadLetters(parts: readonly DeadLetterPart[]): {
  complete: DeadLetter[];
  incomplete: Array<{ correlationId: string; have: number[]; parts: number }>;
} {
  const byId = new Map<string, Map<number, DeadLetterPart>>();
  for (const p of parts) {
    const m = byId.get(p.correlationId) ?? new Map<number, DeadLetterPart>();
    m.set(p.part, p);
    byId.set(p.correlationId, m);
  }
  const complete: DeadLetter[] = [];
  const incomplete: Array<{ correlationId: string; have: number[]; parts: number }> = [];
  for (const [correlationId, m] of byId) {
    const first = [...m.values()][0];
    const consistent = [...m.values()].every((p) => p.parts === first.parts && p.reason === first.reason && p.payloadKind === first.payloadKind);
    if (!consistent || m.size !== first.parts) {
      incomplete.push({ correlationId, have: [...m.keys()].sort((a, b) => a - b), parts: first.parts });
      continue;
    }
    const ordered = [...m.values()].sort((a, b) => a.part - b.part);
    const payloadBase64 = ordered.map((p) => p.payloadBase64).join('');
    const { payload, error } = decodeDeadLetterPayload(first.payloadKind, payloadBase64);
    complete.push({
      correlationId,
      reason: first.reason,
      detail: first.detail,
      source: first.source,
      payloadKind: first.payloadKind,
      payloadBase64,
      payload,
      ...(error !== undefined ? { decodeError: error } : {}),
    });
  }
  return { complete, incomplete };
}

/** Writes `content` and flushes it to disk before returning (a deletion after it must not outrun it). */
function writeDurably(path: string, content: string): void {
  const fd = openSync(path, 'wx');
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** A file name from a correlation id (the Kinesis sequence number and an index: digits and '-'). */
function fileNameOf(correlationId: string): string {
  return `${correlationId.replace(/[^\w.-]/g, '_')}.json`;
}

/** What one export did. */
export interface DeadLetterExportResult {
  /** Files written, one per complete dead letter. */
  readonly written: string[];
  /** Messages deleted from the queue (only with `deleteAfterWrite`). */
  readonly deletedMessages: number;
  /** Dead letters left in the queue because a part is missing. */
  readonly incomplete: Array<{ correlationId: string; have: number[]; parts: number }>;
  /** Messages left in the queue because their body is not a dead-letter part (written under unreadable/). */
  readonly unreadable: number;
  /** Complete dead letters by reason. */
  readonly byReason: Record<string, number>;
}

/** Options of {@link exportDeadLetters}. */
export interface DeadLetterExportOptions {
  readonly client: DeadLetterQueueClient;
  readonly queueUrl: string;
  /** The directory the files go to (created; `<reason>/<correlationId>.json`, `unreadable/<messageId>.json`). */
  readonly outDir: string;
  /** Delete the messages of each dead letter once its file is on disk. */
  readonly deleteAfterWrite: boolean;
  /**
   * How long the received messages stay invisible to others (the forwarder does not read its own
   * dead-letter queue): long enough to receive the whole queue once, so that no message is read twice.
   */
  readonly visibilityTimeoutSeconds?: number;
  /** Stop after this many empty receives in a row (SQS may return nothing while messages remain). */
  readonly emptyReceives?: number;
}

/**
 * Receives every message of the dead-letter queue (each once: they stay invisible for
 * `visibilityTimeoutSeconds`), writes each complete dead letter to a file and, with
 * `deleteAfterWrite`, deletes its messages after the file is on disk.
 */
export async function exportDeadLetters(opts: DeadLetterExportOptions): Promise<DeadLetterExportResult> {
  const visibility = opts.visibilityTimeoutSeconds ?? 900;
  const emptyLimit = opts.emptyReceives ?? 3;
  const messages: QueueMessage[] = [];
  const seen = new Set<string>();
  let empty = 0;
  while (empty < emptyLimit) {
    const batch = await opts.client.receive(opts.queueUrl, visibility);
    const fresh = batch.filter((m) => m.MessageId === undefined || !seen.has(m.MessageId));
    if (fresh.length === 0) {
      empty++;
      continue;
    }
    empty = 0;
    for (const m of fresh) {
      if (m.MessageId !== undefined) seen.add(m.MessageId);
      messages.push(m);
    }
  }
  mkdirSync(opts.outDir, { recursive: true });
  const parts: DeadLetterPart[] = [];
  const handlesById = new Map<string, string[]>();
  let unreadable = 0;
  for (const m of messages) {
    const part = parseDeadLetterPart(m.Body);
    if (part === undefined) {
      unreadable++;
      mkdirSync(join(opts.outDir, 'unreadable'), { recursive: true });
      writeDurably(
        join(opts.outDir, 'unreadable', fileNameOf(m.MessageId ?? `message-${unreadable}`)),
        JSON.stringify({ messageId: m.MessageId, body: m.Body }, null, 2),
      );
      continue;
    }
    parts.push(part);
    if (m.ReceiptHandle !== undefined) handlesById.set(part.correlationId, [...(handlesById.get(part.correlationId) ?? []), m.ReceiptHandle]);
  }
  const { complete, incomplete } = assembleDeadLetters(parts);
  const written: string[] = [];
  const byReason: Record<string, number> = {};
  let deletedMessages = 0;
  for (const dl of complete) {
    const dir = join(opts.outDir, dl.reason.replace(/[^\w.-]/g, '_'));
    mkdirSync(dir, { recursive: true });
    const file = join(dir, fileNameOf(dl.correlationId));
    writeDurably(file, `${JSON.stringify(dl, null, 2)}\n`);
    written.push(file);
    byReason[dl.reason] = (byReason[dl.reason] ?? 0) + 1;
    if (opts.deleteAfterWrite) {
      const handles = handlesById.get(dl.correlationId) ?? [];
      // SQS deletes at most 10 messages a call.
      for (let i = 0; i < handles.length; i += 10) await opts.client.delete(opts.queueUrl, handles.slice(i, i + 10));
      deletedMessages += handles.length;
    }
  }
  return { written, deletedMessages, incomplete, unreadable, byReason };
}

/** The arguments of `npm run dead-letters`. */
export interface DeadLetterArgs {
  readonly env: string;
  readonly region: string;
  readonly queueUrl?: string;
  readonly profile?: string;
  readonly outDir?: string;
  readonly deleteAfterWrite: boolean;
}

const USAGE = 'usage: npm run dead-letters -- --env <name> --region <region> [--queue-url <url>] [--profile <aws profile>] [--out <dir>] [--delete]';

/** Parses the arguments; a mistake is an OpsError (exit 2) that names the flag and what it takes. */
export function parseDeadLetterArgs(argv: readonly string[]): DeadLetterArgs {
  const values: Record<string, string> = {};
  let deleteAfterWrite = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--delete') {
      deleteAfterWrite = true;
      continue;
    }
    if (!['--env', '--region', '--queue-url', '--profile', '--out'].includes(flag)) {
      throw new OpsError(`dead-letters: unknown argument '${flag}'\n${USAGE}`, 2);
    }
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new OpsError(`dead-letters: ${flag} needs a value\n${USAGE}`, 2);
    values[flag.slice(2)] = value;
    i++;
  }
  for (const required of ['env', 'region']) {
    if (values[required] === undefined) throw new OpsError(`dead-letters: --${required} is required\n${USAGE}`, 2);
  }
  if (!/^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/.test(values.region)) {
    throw new OpsError(`dead-letters: --region: received '${values.region}'; expected a region name such as 'eu-west-1'`, 2);
  }
  if (values['queue-url'] !== undefined && !/^https:\/\/sqs\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/\d{12}\/[\w-]+$/.test(values['queue-url'])) {
    throw new OpsError(
      `dead-letters: --queue-url: received '${values['queue-url']}'; expected an SQS queue URL such as 'https://sqs.eu-west-1.amazonaws.com/111111111111/guardrails-log-forwarder-dlq'`,
      2,
    );
  }
  return {
    env: values.env,
    region: values.region,
    queueUrl: values['queue-url'],
    profile: values.profile,
    outDir: values.out,
    deleteAfterWrite,
  };
}

/**
 * The queue URL of the security account's forwarder in `region`: `--queue-url`, else the
 * `DeadLetterQueueUrl` output of `<env>-security-logging-<region>` in cfn-outputs/flat-outputs.json.
 */
export function deadLetterQueueUrl(args: DeadLetterArgs, flatOutputs: Record<string, string>): string {
  if (args.queueUrl !== undefined) return args.queueUrl;
  const key = `${args.env}-security-logging-${args.region}.DeadLetterQueueUrl`;
  const url = flatOutputs[key];
  if (url === undefined) {
    throw new OpsError(
      `dead-letters: no output '${key}' in cfn-outputs/flat-outputs.json (written by npm run deploy); pass --queue-url https://sqs.${args.region}.amazonaws.com/<security account>/guardrails-log-forwarder-dlq`,
    );
  }
  return url;
}

/** The dead-letter queue through the AWS SDK v3 (`profile`: an AWS profile, else the ambient credentials). */
export function sqsDeadLetterClient(region: string, profile?: string): DeadLetterQueueClient {
  const client = new SQSClient({ region, ...(profile !== undefined ? { profile } : {}) });
  return {
    async receive(queueUrl, visibilityTimeoutSeconds) {
      const out = await client.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 2, VisibilityTimeout: visibilityTimeoutSeconds }),
      );
      return out.Messages ?? [];
    },
    async delete(queueUrl, receiptHandles) {
      const out = await client.send(
        new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: receiptHandles.map((h, i) => ({ Id: String(i), ReceiptHandle: h })) }),
      );
      if ((out.Failed ?? []).length > 0) {
        // The file is written; the messages stay and come back after the visibility timeout.
        throw new OpsError(`dead-letters: SQS did not delete ${out.Failed!.length} message(s): ${out.Failed!.map((f) => f.Message ?? f.Code).join('; ')}`);
      }
    },
  };
}
