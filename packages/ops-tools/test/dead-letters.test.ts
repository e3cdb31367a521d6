import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
// The forwarder's own encoder: what the queue holds is exactly what it writes.
import { deadLetterBodies } from '../../central-logging/lambda-src/forwarder/dead-letters';
import { DLQ_CHUNK_CHARS } from '../../central-logging/lambda-src/forwarder/limits';
import {
  assembleDeadLetters,
  deadLetterQueueUrl,
  DeadLetterQueueClient,
  exportDeadLetters,
  parseDeadLetterArgs,
  parseDeadLetterPart,
  QueueMessage,
} from '../src';

const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/555555555555/guardrails-log-forwarder-dlq';

/** A subscription message as CloudWatch Logs puts it on the stream (gzip JSON), base64 as Kinesis delivers it. */
function kinesisData(messages: string[]): { base64: string; json: unknown } {
  const json = {
    messageType: 'DATA_MESSAGE',
    owner: '777777777777',
    logGroup: '/guardrails/audit/cloudtrail',
    logStream: '777777777777_CloudTrail_eu-west-1',
    subscriptionFilters: ['guardrails-audit-x'],
    logEvents: messages.map((m, i) => ({ id: String(i), timestamp: 1764979200000 + i, message: m })),
  };
  return { base64: gzipSync(Buffer.from(JSON.stringify(json))).toString('base64'), json };
}

/** A queue holding `bodies`, delivering `perReceive` messages a call, recording deletions. */
function fakeQueue(bodies: string[], perReceive = 10) {
  const messages: QueueMessage[] = bodies.map((Body, i) => ({ MessageId: `m-${i}`, Body, ReceiptHandle: `h-${i}` }));
  const deleted: string[] = [];
  let next = 0;
  const client: DeadLetterQueueClient = {
    receive: async (url) => {
      expect(url).toBe(QUEUE);
      const batch = messages.slice(next, next + perReceive);
      next += batch.length;
      return batch;
    },
    delete: async (url, handles) => {
      expect(url).toBe(QUEUE);
      expect(handles.length).toBeLessThanOrEqual(10);
      deleted.push(...handles);
    },
  };
  return { client, deleted };
}

describe('npm run dead-letters: the forwarder dead letters exported whole before the queue drops them', () => {
  const open = kinesisData(['{"eventName":"CreateUser"}', '{"eventName":"DeleteTrail"}']);
  const evidenceOnOpen = deadLetterBodies(
    {
      reason: 'evidence-class-on-open-stream',
      detail: 'audit-class record on the open stream',
      meta: { stream: 'arn:aws:kinesis:eu-west-1:555555555555:stream/open', sequenceNumber: '4961' },
      payloadKind: 'kinesis-record-data',
      payload: open.base64,
    },
    '4961-0',
  );
  // A payload larger than one message: split into parts.
  const events = Array.from({ length: Math.ceil(DLQ_CHUNK_CHARS / 40) + 10 }, (_, i) => ({
    id: `e${i}`,
    timestamp: i,
    message: `event number ${i} of a long batch`,
  }));
  const multi = deadLetterBodies(
    {
      reason: 'rejected-by-putlogevents',
      detail: 'InvalidParameterException',
      meta: { centralLogGroup: '/guardrails/central/audit' },
      payloadKind: 'log-events',
      payload: JSON.stringify(events),
    },
    '5000-1',
  );

  test('the parts of each dead letter are put together and the payload decoded as the forwarder received it', () => {
    expect(multi.length).toBeGreaterThan(1);
    const parts = [...multi].reverse().map((b) => parseDeadLetterPart(b)!);
    const { complete, incomplete } = assembleDeadLetters([...parts, ...evidenceOnOpen.map((b) => parseDeadLetterPart(b)!)]);
    expect(incomplete).toEqual([]);
    const byId = Object.fromEntries(complete.map((d) => [d.correlationId, d]));
    expect(byId['5000-1'].payload).toEqual(events);
    expect(byId['4961-0'].payload).toEqual(open.json);
    expect(byId['4961-0'].payloadBase64).toBe(open.base64);
    expect(byId['4961-0'].reason).toBe('evidence-class-on-open-stream');
  });

  test('a dead letter with a part missing is reported, not assembled', () => {
    const parts = multi.slice(1).map((b) => parseDeadLetterPart(b)!);
    const { complete, incomplete } = assembleDeadLetters(parts);
    expect(complete).toEqual([]);
    expect(incomplete).toEqual([{ correlationId: '5000-1', have: parts.map((p) => p.part).sort((a, b) => a - b), parts: multi.length }]);
  });

  test('with --delete: one file per dead letter, and its messages deleted only after the file is on disk', async () => {
    const out = mkdtempSync(join(tmpdir(), 'dlq-'));
    const queue = fakeQueue([...evidenceOnOpen, ...multi], 3);
    const result = await exportDeadLetters({ client: queue.client, queueUrl: QUEUE, outDir: out, deleteAfterWrite: true });
    expect(result.byReason).toEqual({ 'evidence-class-on-open-stream': 1, 'rejected-by-putlogevents': 1 });
    expect(result.written.map((f) => f.slice(out.length + 1)).sort()).toEqual([
      'evidence-class-on-open-stream/4961-0.json',
      'rejected-by-putlogevents/5000-1.json',
    ]);
    const saved = JSON.parse(readFileSync(join(out, 'evidence-class-on-open-stream', '4961-0.json'), 'utf8'));
    expect(saved.payload).toEqual(open.json);
    expect(saved.source).toEqual({ stream: 'arn:aws:kinesis:eu-west-1:555555555555:stream/open', sequenceNumber: '4961' });
    expect(queue.deleted.sort()).toEqual([...evidenceOnOpen, ...multi].map((_, i) => `h-${i}`).sort());
    expect(result.deletedMessages).toBe(evidenceOnOpen.length + multi.length);
  });

  test('without --delete nothing is deleted; an incomplete dead letter and an unreadable message stay in the queue', async () => {
    const out = mkdtempSync(join(tmpdir(), 'dlq-'));
    const keep = fakeQueue([...evidenceOnOpen, 'not json']);
    const kept = await exportDeadLetters({ client: keep.client, queueUrl: QUEUE, outDir: out, deleteAfterWrite: false });
    expect(keep.deleted).toEqual([]);
    expect(kept.unreadable).toBe(1);
    expect(readdirSync(join(out, 'unreadable'))).toEqual(['m-1.json']);

    const out2 = mkdtempSync(join(tmpdir(), 'dlq-'));
    const partial = fakeQueue([...evidenceOnOpen, ...multi.slice(1), 'not json']);
    const result = await exportDeadLetters({ client: partial.client, queueUrl: QUEUE, outDir: out2, deleteAfterWrite: true });
    // Only the complete dead letter's messages go.
    expect(partial.deleted).toEqual(evidenceOnOpen.map((_, i) => `h-${i}`));
    expect(result.incomplete.map((i) => i.correlationId)).toEqual(['5000-1']);
    expect(existsSync(join(out2, 'rejected-by-putlogevents'))).toBe(false);
    expect(result.unreadable).toBe(1);
  });

  test('a payload that does not decode is still written whole, with why', () => {
    const bodies = deadLetterBodies(
      {
        reason: 'undecodable',
        detail: 'x',
        meta: {},
        payloadKind: 'kinesis-record-data',
        payload: Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('not gzip')]).toString('base64'),
      },
      '1-0',
    );
    const { complete } = assembleDeadLetters(bodies.map((b) => parseDeadLetterPart(b)!));
    expect(complete[0].payload).toBeUndefined();
    expect(complete[0].decodeError).toBeDefined();
    expect(Buffer.from(complete[0].payloadBase64, 'base64')).toEqual(Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('not gzip')]));
  });

  test('arguments: each mistake names the flag, the value and what it takes; the queue from the outputs or --queue-url', () => {
    expect(parseDeadLetterArgs(['--env', 'prod', '--region', 'eu-west-1', '--delete'])).toEqual({
      env: 'prod',
      region: 'eu-west-1',
      queueUrl: undefined,
      profile: undefined,
      outDir: undefined,
      deleteAfterWrite: true,
    });
    expect(() => parseDeadLetterArgs(['--env', 'prod'])).toThrow('dead-letters: --region is required');
    expect(() => parseDeadLetterArgs(['--env', 'prod', '--region', 'ireland'])).toThrow(
      "--region: received 'ireland'; expected a region name such as 'eu-west-1'",
    );
    expect(() => parseDeadLetterArgs(['--env', 'prod', '--region', 'eu-west-1', '--queue-url', 'http://example.com/q'])).toThrow(
      "--queue-url: received 'http://example.com/q'; expected an SQS queue URL",
    );
    expect(() => parseDeadLetterArgs(['--env', 'prod', '--region', 'eu-west-1', '--purge'])).toThrow("unknown argument '--purge'");
    const args = parseDeadLetterArgs(['--env', 'prod', '--region', 'eu-west-1']);
    expect(deadLetterQueueUrl(args, { 'prod-security-logging-eu-west-1.DeadLetterQueueUrl': QUEUE })).toBe(QUEUE);
    expect(() => deadLetterQueueUrl(args, {})).toThrow("no output 'prod-security-logging-eu-west-1.DeadLetterQueueUrl' in cfn-outputs/flat-outputs.json");
  });
});
