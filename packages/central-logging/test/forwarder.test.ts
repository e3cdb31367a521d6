import { gzipSync, gunzipSync } from 'node:zlib';
import {
  centralLogStreamName,
  classify,
  ClassificationRule,
  rulesFromEnvironment,
  configFromEnvironment,
  DeadLetterPort,
  EVENT_OVERHEAD_BYTES,
  ForwarderConfig,
  InputLogEvent,
  KinesisRecordIn,
  LogsPort,
  MAX_BATCH_BYTES,
  MAX_BATCH_EVENTS,
  processRecords,
  PROVENANCE_KEY,
  RejectedLogEventsInfo,
  rejectedIndexes,
  splitIntoBatches,
} from '../lambda-src/forwarder/core';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const HOUR = 3600_000;
const SOURCE_ACCOUNT = '111111111111';

/** The destination's default rules (CentralLogDestination.DEFAULT_CLASSIFICATION_RULES). */
const RULES: ClassificationRule[] = [
  { logGroupNamePrefix: '/guardrails/audit/', logClass: 'audit' },
  { logGroupNamePrefix: '/guardrails/security/', logClass: 'security' },
  { logGroupNamePrefix: '/guardrails/lambda/', logClass: 'security' },
  { logGroupNamePrefix: '/aws/lambda/guardrails-', logClass: 'security' },
  { logGroupNamePrefix: '/guardrails/app/', logClass: 'app' },
];

const CONFIG: ForwarderConfig = {
  targets: {
    audit: { logGroupName: '/guardrails/central/audit', retentionDays: 3653 },
    security: { logGroupName: '/guardrails/central/security', retentionDays: 90 },
    app: { logGroupName: '/guardrails/central/app', retentionDays: 30 },
  },
  classificationRules: RULES,
};

interface PutCall {
  logGroupName: string;
  logStreamName: string;
  logEvents: InputLogEvent[];
}

function awsError(name: string, status = 400): Error {
  const err = new Error(`${name} (fake)`);
  err.name = name;
  (err as any).$metadata = { httpStatusCode: status };
  return err;
}

/**
 * An in-memory CloudWatch Logs that enforces the PutLogEvents rules the real service enforces,
 * so a forwarder bug (unsorted batch, oversize batch, missing stream) fails the test.
 */
class FakeLogs implements LogsPort {
  public readonly streams = new Map<string, InputLogEvent[]>();
  /** Every PutLogEvents attempt, including throttled and failed ones. */
  public readonly calls: PutCall[] = [];
  /** Only the calls the fake accepted. */
  public readonly accepted: PutCall[] = [];
  public readonly existingGroups = new Set(Object.values(CONFIG.targets).map((t) => t.logGroupName));
  /** Throttle this many PutLogEvents calls before accepting. */
  public throttleNext = 0;
  /** While set, every PutLogEvents fails with this error (for example the log group's key disabled). */
  public failWith?: { name: string; message: string };
  /** Reject any batch containing a message that includes this marker (InvalidParameterException). */
  public invalidMarker?: string;
  /** Response rejection info for the next accepted call. */
  public rejectNext?: RejectedLogEventsInfo;

  async createLogStream(input: { logGroupName: string; logStreamName: string }): Promise<void> {
    if (!this.existingGroups.has(input.logGroupName)) throw awsError('ResourceNotFoundException');
    const key = `${input.logGroupName}|${input.logStreamName}`;
    if (this.streams.has(key)) throw awsError('ResourceAlreadyExistsException');
    this.streams.set(key, []);
  }

  async putLogEvents(input: PutCall): Promise<{ rejectedLogEventsInfo?: RejectedLogEventsInfo }> {
    this.calls.push(input);
    if (this.failWith) throw Object.assign(new Error(this.failWith.message), { name: this.failWith.name, $metadata: { httpStatusCode: 400 } });
    if (this.throttleNext > 0) {
      this.throttleNext--;
      throw awsError('ThrottlingException');
    }
    const key = `${input.logGroupName}|${input.logStreamName}`;
    const stream = this.streams.get(key);
    if (!stream) throw awsError('ResourceNotFoundException');
    if (/[:*]/.test(input.logStreamName)) throw awsError('InvalidParameterException');
    const events = input.logEvents;
    if (events.length === 0 || events.length > MAX_BATCH_EVENTS) throw awsError('InvalidParameterException');
    const bytes = events.reduce((n, e) => n + Buffer.byteLength(e.message, 'utf8') + EVENT_OVERHEAD_BYTES, 0);
    if (bytes > MAX_BATCH_BYTES) throw awsError('InvalidParameterException');
    for (let i = 1; i < events.length; i++) {
      if (events[i].timestamp < events[i - 1].timestamp) throw awsError('InvalidParameterException');
    }
    if (events[events.length - 1].timestamp - events[0].timestamp >= 24 * HOUR) throw awsError('InvalidParameterException');
    if (this.invalidMarker && events.some((e) => e.message.includes(this.invalidMarker!))) throw awsError('InvalidParameterException');
    this.accepted.push(input);
    const info = this.rejectNext;
    this.rejectNext = undefined;
    const rejected = rejectedIndexes(info, events.length);
    events.forEach((e, i) => {
      if (!rejected.has(i)) stream.push(e);
    });
    return { rejectedLogEventsInfo: info };
  }

  /** The source events as they were sent (the forwarder's provenance removed: see unwrap). */
  stored(logGroupName: string, logStreamName: string): InputLogEvent[] {
    return this.rawStored(logGroupName, logStreamName).map(unwrap);
  }

  allStored(): InputLogEvent[] {
    return [...this.streams.values()].flat().map(unwrap);
  }

  /** The central records exactly as written. */
  rawStored(logGroupName: string, logStreamName: string): InputLogEvent[] {
    return this.streams.get(`${logGroupName}|${logStreamName}`) ?? [];
  }
}

/**
 * The source message of a central record: the forwarder puts its provenance first
 * (`{"guardrailsProvenance":{...},<the source object's own text>` or `...,"message":"<text>"}`).
 * Fails if a record carries no provenance, so every test that reads the store checks it is there.
 */
function unwrap(e: InputLogEvent): InputLogEvent {
  const parsed = JSON.parse(e.message);
  const provenance = parsed[PROVENANCE_KEY];
  if (provenance === undefined) throw new Error(`central record without ${PROVENANCE_KEY}: ${e.message.slice(0, 200)}`);
  const keys = Object.keys(parsed);
  if (keys.length === 2 && typeof parsed.message === 'string' && e.message.endsWith(`,"message":${JSON.stringify(parsed.message)}}`)) {
    return { timestamp: e.timestamp, message: parsed.message };
  }
  const prefix = `{"${PROVENANCE_KEY}":${JSON.stringify(provenance)}`;
  if (!e.message.startsWith(prefix)) throw new Error(`provenance is not the first key: ${e.message.slice(0, 200)}`);
  const rest = e.message.slice(prefix.length);
  return { timestamp: e.timestamp, message: `{${rest.startsWith(',') ? rest.slice(1) : rest}` };
}

class FakeDeadLetter implements DeadLetterPort {
  public readonly bodies: string[] = [];
  public failAll = false;
  async sendBatch(bodies: string[]): Promise<{ failedIndexes: number[] }> {
    if (bodies.length > 10) throw new Error('SendMessageBatch accepts at most 10 entries');
    if (bodies.reduce((n, b) => n + Buffer.byteLength(b), 0) > 262_144) throw new Error('batch larger than 256 KiB');
    if (this.failAll) return { failedIndexes: bodies.map((_b, i) => i) };
    this.bodies.push(...bodies);
    return { failedIndexes: [] };
  }
  messages(): any[] {
    return this.bodies.map((b) => JSON.parse(b));
  }
  /** Reassembled payloads of all dead letters with `reason`. */
  payloads(reason: string): string[] {
    const groups = new Map<string, any[]>();
    for (const m of this.messages().filter((x) => x.reason === reason)) {
      groups.set(m.correlationId, [...(groups.get(m.correlationId) ?? []), m]);
    }
    return [...groups.values()].map((parts) =>
      parts
        .sort((a, b) => a.part - b.part)
        .map((p) => p.payloadBase64)
        .join(''),
    );
  }
}

let seq = 0;
function record(payload: object | Buffer, region = 'eu-west-1'): KinesisRecordIn {
  const data = Buffer.isBuffer(payload) ? payload : gzipSync(Buffer.from(JSON.stringify(payload)));
  seq++;
  return {
    kinesis: { data: data.toString('base64'), sequenceNumber: String(49600000000000000000000000000000 + seq), partitionKey: 'pk' },
    eventSourceARN: `arn:aws:kinesis:${region}:999999999999:stream/central-logs`,
    awsRegion: region,
  };
}

function dataMessage(events: { timestamp: number; message: string }[], opts: { logClass?: string; logGroup?: string; filters?: string[] } = {}) {
  return {
    messageType: 'DATA_MESSAGE',
    owner: SOURCE_ACCOUNT,
    logGroup: opts.logGroup ?? `/guardrails/${opts.logClass ?? 'audit'}/${opts.logClass === undefined ? 'cloudtrail' : 'x'}`,
    logStream: `${SOURCE_ACCOUNT}_CloudTrail_eu-west-1`,
    subscriptionFilters: opts.filters ?? [`guardrails-${opts.logClass ?? 'audit'}-Trail`],
    logEvents: events.map((e, i) => ({ id: `id-${i}`, ...e })),
  };
}

function deps(logs: FakeLogs, dlq: FakeDeadLetter, extra: Record<string, unknown> = {}) {
  return { logs, deadLetter: dlq, now: () => NOW, sleep: async () => undefined, random: () => 0.5, ...extra };
}

describe('forwarder', () => {
  test('delivers a subscription payload to the class log group, one stream per account/region/log group', async () => {
    // GIVEN
    const logs = new FakeLogs();
    const dlq = new FakeDeadLetter();
    const events = [
      { timestamp: NOW - 2000, message: '{"eventName":"PutBucketPolicy"}' },
      { timestamp: NOW - 1000, message: '{"eventName":"CreateRole"}' },
    ];
    // WHEN
    const res = await processRecords([record(dataMessage(events, { logClass: 'security', logGroup: '/guardrails/security/events' }))], CONFIG, deps(logs, dlq));
    // THEN
    expect(res.batchItemFailures).toEqual([]);
    expect(logs.stored('/guardrails/central/security', `${SOURCE_ACCOUNT}/eu-west-1//guardrails/security/events`)).toEqual(events);
    expect(dlq.bodies).toEqual([]);
    expect(res.stats.eventsDelivered).toBe(2);
  });

  test('routes each class to its own central log group', async () => {
    const logs = new FakeLogs();
    const dlq = new FakeDeadLetter();
    const records = ['audit', 'security', 'app'].map((c) =>
      record(dataMessage([{ timestamp: NOW, message: c }], { logClass: c, logGroup: `/guardrails/${c}/src` })),
    );
    await processRecords(records, CONFIG, deps(logs, dlq));
    expect(logs.stored('/guardrails/central/audit', `${SOURCE_ACCOUNT}/eu-west-1//guardrails/audit/src`)).toEqual([{ timestamp: NOW, message: 'audit' }]);
    expect(logs.stored('/guardrails/central/security', `${SOURCE_ACCOUNT}/eu-west-1//guardrails/security/src`)).toEqual([
      { timestamp: NOW, message: 'security' },
    ]);
    expect(logs.stored('/guardrails/central/app', `${SOURCE_ACCOUNT}/eu-west-1//guardrails/app/src`)).toEqual([{ timestamp: NOW, message: 'app' }]);
  });

  test('skips control messages without writing or dead-lettering', async () => {
    const logs = new FakeLogs();
    const dlq = new FakeDeadLetter();
    const control = {
      messageType: 'CONTROL_MESSAGE',
      owner: 'CloudwatchLogs',
      logGroup: '',
      logStream: '',
      subscriptionFilters: [],
      logEvents: [{ id: '', timestamp: NOW, message: 'CWL CONTROL MESSAGE: Checking health of destination Kinesis stream.' }],
    };
    const res = await processRecords([record(control)], CONFIG, deps(logs, dlq));
    expect(res.batchItemFailures).toEqual([]);
    expect(res.stats.controlMessages).toBe(1);
    expect(logs.calls).toHaveLength(0);
    expect(dlq.bodies).toHaveLength(0);
  });

  test('retries throttling with backoff and then delivers', async () => {
    // GIVEN a sink that throttles the first three calls
    const logs = new FakeLogs();
    logs.throttleNext = 3;
    const dlq = new FakeDeadLetter();
    const sleeps: number[] = [];
    // WHEN
    const res = await processRecords(
      [record(dataMessage([{ timestamp: NOW, message: 'x' }]))],
      { ...CONFIG, baseDelayMs: 100 },
      deps(logs, dlq, { sleep: async (ms: number) => void sleeps.push(ms), random: () => 0.99 }),
    );
    // THEN: three backoffs that grow, then success
    expect(res.batchItemFailures).toEqual([]);
    expect(sleeps).toHaveLength(3);
    expect(sleeps[1]).toBeGreaterThan(sleeps[0]);
    expect(sleeps[2]).toBeGreaterThan(sleeps[1]);
    expect(logs.allStored()).toEqual([{ timestamp: NOW, message: 'x' }]);
  });

  test('reports the record as a batch item failure when throttling outlasts the retries (never drops it)', async () => {
    const logs = new FakeLogs();
    logs.throttleNext = 1000;
    const dlq = new FakeDeadLetter();
    const ok = record(dataMessage([{ timestamp: NOW, message: 'a' }]));
    const res = await processRecords([ok], { ...CONFIG, maxAttempts: 4 }, deps(logs, dlq));
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: ok.kinesis.sequenceNumber }]);
    expect(logs.calls).toHaveLength(4);
    expect(dlq.bodies).toHaveLength(0);
  });

  // Fault injection: the logs key of the central log groups disabled (CloudWatch Logs refuses every
  // write). Nothing may be dropped or dead-lettered as if it were poison: every record is reported,
  // Lambda retries the batch (until success or expiry), and the records land once the key is back.
  test.each([
    ['AccessDeniedException', 'The specified KMS key is disabled'],
    ['KMSInvalidStateException', 'arn:aws:kms:eu-west-1:999999999999:key/x is disabled'],
    ['ServiceUnavailableException', 'Service unavailable'],
  ])('a %s from PutLogEvents reports every record for retry, writes and dead-letters nothing, and the retry delivers all of them', async (name, message) => {
    const logs = new FakeLogs();
    logs.failWith = { name, message };
    const dlq = new FakeDeadLetter();
    const records = [
      record(
        dataMessage([
          { timestamp: NOW, message: 'a1' },
          { timestamp: NOW + 1, message: 'a2' },
        ]),
      ),
      record(dataMessage([{ timestamp: NOW, message: 's1' }], { logClass: 'security' })),
    ];
    const first = await processRecords(records, { ...CONFIG, maxAttempts: 3 }, deps(logs, dlq));
    expect(first.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(records.map((r) => r.kinesis.sequenceNumber).sort());
    expect(logs.allStored()).toEqual([]);
    expect(dlq.bodies).toEqual([]);
    // The key is enabled again; Lambda delivers the reported records once more.
    logs.failWith = undefined;
    const retry = await processRecords(records, CONFIG, deps(logs, dlq));
    expect(retry.batchItemFailures).toEqual([]);
    expect(
      logs
        .allStored()
        .map((e) => e.message)
        .sort(),
    ).toEqual(['a1', 'a2', 's1']);
    expect(dlq.bodies).toEqual([]);
  });

  test('stops retrying when the invocation is about to time out, and reports the record', async () => {
    const logs = new FakeLogs();
    logs.throttleNext = 1000;
    const dlq = new FakeDeadLetter();
    const r = record(dataMessage([{ timestamp: NOW, message: 'a' }]));
    const res = await processRecords([r], CONFIG, deps(logs, dlq, { remainingTimeMs: () => 5000, minRemainingMs: 10_000 }));
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: r.kinesis.sequenceNumber }]);
    expect(logs.calls).toHaveLength(1);
  });

  test('partial failure: only the records of the failing log group are reported, the others are delivered', async () => {
    // GIVEN the security central log group does not exist (misconfiguration), audit does
    const logs = new FakeLogs();
    logs.existingGroups.delete('/guardrails/central/security');
    const dlq = new FakeDeadLetter();
    const good = record(dataMessage([{ timestamp: NOW, message: 'audit-event' }], { logClass: 'audit' }));
    const bad = record(dataMessage([{ timestamp: NOW, message: 'security-event' }], { logClass: 'security', logGroup: '/guardrails/security/sec' }));
    const good2 = record(dataMessage([{ timestamp: NOW + 1, message: 'audit-event-2' }], { logClass: 'audit' }));
    // WHEN
    const res = await processRecords([good, bad, good2], CONFIG, deps(logs, dlq));
    // THEN
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: bad.kinesis.sequenceNumber }]);
    expect(logs.allStored().map((e) => e.message)).toEqual(['audit-event', 'audit-event-2']);
  });

  test('sends a poison record (not gzip, or not a subscription payload) to the dead-letter queue whole', async () => {
    const logs = new FakeLogs();
    const dlq = new FakeDeadLetter();
    const notGzip = record(Buffer.from('this is not gzip'));
    const notJson = record(gzipSync(Buffer.from('{broken json')));
    const good = record(dataMessage([{ timestamp: NOW, message: 'fine' }]));
    const res = await processRecords([notGzip, good, notJson], CONFIG, deps(logs, dlq));
    expect(res.batchItemFailures).toEqual([]);
    expect(logs.allStored().map((e) => e.message)).toEqual(['fine']);
    const poison = dlq.messages().filter((m) => m.reason === 'undecodable-record');
    expect(poison.map((m) => m.source.sequenceNumber)).toEqual([notGzip.kinesis.sequenceNumber, notJson.kinesis.sequenceNumber]);
    // The raw record is kept exactly, so it can be inspected or replayed.
    expect(dlq.payloads('undecodable-record')).toEqual([notGzip.kinesis.data, notJson.kinesis.data]);
  });

  test('reports the poison record when the dead-letter queue is unavailable (never dropped)', async () => {
    const logs = new FakeLogs();
    const dlq = new FakeDeadLetter();
    dlq.failAll = true;
    const poison = record(Buffer.from('garbage'));
    const res = await processRecords([poison], CONFIG, deps(logs, dlq));
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: poison.kinesis.sequenceNumber }]);
  });

  test('dead-letters a payload whose log group no rule classifies (never a guessed class)', async () => {
    const logs = new FakeLogs();
    const dlq = new FakeDeadLetter();
    const r = record(dataMessage([{ timestamp: NOW, message: 'x' }], { logGroup: '/aws/lambda/orders-api' }));
    const res = await processRecords([r], CONFIG, deps(logs, dlq));
    expect(res.batchItemFailures).toEqual([]);
    expect(logs.calls).toHaveLength(0);
    expect(dlq.messages().map((m) => m.reason)).toEqual(['unclassified-log-group']);
    expect(res.stats.eventsDeadLettered).toBe(1);
  });

  test('a sender cannot promote app logs to audit by naming its filter guardrails-audit-...: the log group decides', async () => {
    const logs = new FakeLogs();
    const dlq = new FakeDeadLetter();
    const r = record(dataMessage([{ timestamp: NOW, message: 'app line' }], { logGroup: '/guardrails/app/orders', filters: ['guardrails-audit-Forged'] }));
    await processRecords([r], CONFIG, deps(logs, dlq));
    expect([...new Set(logs.calls.map((c) => c.logGroupName))]).toEqual(['/guardrails/central/app']);
  });

  test('a sender cannot demote audit records to the 30-day class by naming its filter guardrails-app-...', async () => {
    const logs = new FakeLogs();
    const dlq = new FakeDeadLetter();
    const r = record(
      dataMessage([{ timestamp: NOW, message: '{"eventName":"StopLogging"}' }], {
        logGroup: '/guardrails/audit/cloudtrail',
        filters: ['guardrails-app-Short'],
      }),
    );
    await processRecords([r], CONFIG, deps(logs, dlq));
    expect([...new Set(logs.calls.map((c) => c.logGroupName))]).toEqual(['/guardrails/central/audit']);
  });

  test('a source account that is not a listed sender is dead-lettered (unknown-sender), a listed one delivered', async () => {
    const logs = new FakeLogs();
    const dlq = new FakeDeadLetter();
    const strange = { ...dataMessage([{ timestamp: NOW, message: 'from a sandbox' }]), owner: '222222222222' };
    const res = await processRecords(
      [record(strange), record(dataMessage([{ timestamp: NOW, message: 'ok' }]))],
      { ...CONFIG, senderAccounts: [SOURCE_ACCOUNT] },
      deps(logs, dlq),
    );
    expect(dlq.messages().map((m) => m.reason)).toEqual(['unknown-sender']);
    expect(logs.allStored().map((e) => e.message)).toEqual(['ok']);
    expect(res.stats.eventsDeadLettered).toBe(1);
  });

  test('without the sender check (no senderAccounts), the same payload is filed by its log group (the check is what drops it)', async () => {
    const logs = new FakeLogs();
    const dlq = new FakeDeadLetter();
    const strange = { ...dataMessage([{ timestamp: NOW, message: 'from a sandbox' }]), owner: '222222222222' };
    await processRecords([record(strange)], CONFIG, deps(logs, dlq));
    expect(logs.allStored().map((e) => e.message)).toEqual(['from a sandbox']);
  });

  describe('evidence stream (red-team A14, stream flood)', () => {
    const OPEN_STREAM = 'arn:aws:kinesis:eu-west-1:999999999999:stream/central-logs';
    const EVIDENCE_STREAM = 'arn:aws:kinesis:eu-west-1:999999999999:stream/central-evidence';
    const EVIDENCE_CONFIG: ForwarderConfig = { ...CONFIG, evidenceStreamArn: EVIDENCE_STREAM };
    const from = (stream: string, r: KinesisRecordIn): KinesisRecordIn => ({ ...r, eventSourceARN: stream });

    test('attack: audit- and security-class records that arrive through the open stream are dead-lettered, not written', async () => {
      // GIVEN audit and security payloads delivered by the stream every sender may subscribe to
      const logs = new FakeLogs();
      const dlq = new FakeDeadLetter();
      const audit = from(OPEN_STREAM, record(dataMessage([{ timestamp: NOW, message: 'planted audit' }])));
      const security = from(
        OPEN_STREAM,
        record(dataMessage([{ timestamp: NOW, message: 'planted security' }], { logClass: 'security', logGroup: '/guardrails/security/events' })),
      );
      // WHEN
      const res = await processRecords([audit, security], EVIDENCE_CONFIG, deps(logs, dlq));
      // THEN nothing reaches the central audit or security group; both are kept, with the reason, and counted
      expect(logs.calls).toHaveLength(0);
      expect(dlq.messages().map((m) => m.reason)).toEqual(['evidence-class-on-open-stream', 'evidence-class-on-open-stream']);
      expect(dlq.messages()[0].detail).toMatch(
        /audit class, which is written only from the evidence stream .*central-evidence; this record came from .*central-logs/,
      );
      expect(dlq.messages()[0].source).toMatchObject({ eventSourceArn: OPEN_STREAM, logClass: 'audit', owner: SOURCE_ACCOUNT });
      expect(res.batchItemFailures).toEqual([]);
      expect(res.stats.evidenceOnOpenStream).toBe(2);
      expect(res.stats.eventsDeadLettered).toBe(2);
      // the whole record is kept, so an operator can replay it
      expect(dlq.payloads('evidence-class-on-open-stream')[0]).toBe(audit.kinesis.data);
    });

    test('attack: a record without an event source ARN is not taken for the evidence stream', async () => {
      const logs = new FakeLogs();
      const dlq = new FakeDeadLetter();
      const r = { ...record(dataMessage([{ timestamp: NOW, message: 'no source' }])), eventSourceARN: undefined };
      await processRecords([r], EVIDENCE_CONFIG, deps(logs, dlq));
      expect(logs.calls).toHaveLength(0);
      expect(dlq.messages().map((m) => m.reason)).toEqual(['evidence-class-on-open-stream']);
    });

    test('control: the same audit and security records from the evidence stream are written, and app records from the open stream too', async () => {
      const logs = new FakeLogs();
      const dlq = new FakeDeadLetter();
      const audit = from(EVIDENCE_STREAM, record(dataMessage([{ timestamp: NOW, message: 'audit' }])));
      const security = from(
        EVIDENCE_STREAM,
        record(dataMessage([{ timestamp: NOW, message: 'security' }], { logClass: 'security', logGroup: '/guardrails/security/events' })),
      );
      const app = from(OPEN_STREAM, record(dataMessage([{ timestamp: NOW, message: 'app' }], { logClass: 'app', logGroup: '/guardrails/app/orders' })));
      const res = await processRecords([audit, security, app], EVIDENCE_CONFIG, deps(logs, dlq));
      expect(dlq.bodies).toEqual([]);
      expect(res.stats.evidenceOnOpenStream).toBe(0);
      expect(logs.stored('/guardrails/central/audit', `${SOURCE_ACCOUNT}/eu-west-1//guardrails/audit/cloudtrail`).map((e) => e.message)).toEqual(['audit']);
      expect(logs.stored('/guardrails/central/security', `${SOURCE_ACCOUNT}/eu-west-1//guardrails/security/events`).map((e) => e.message)).toEqual([
        'security',
      ]);
      expect(logs.stored('/guardrails/central/app', `${SOURCE_ACCOUNT}/eu-west-1//guardrails/app/orders`).map((e) => e.message)).toEqual(['app']);
    });

    test("control: app records from the evidence stream are written too (the classes it refuses are the open stream's)", async () => {
      const logs = new FakeLogs();
      const dlq = new FakeDeadLetter();
      const app = from(EVIDENCE_STREAM, record(dataMessage([{ timestamp: NOW, message: 'app' }], { logClass: 'app', logGroup: '/guardrails/app/orders' })));
      await processRecords([app], EVIDENCE_CONFIG, deps(logs, dlq));
      expect(logs.allStored().map((e) => e.message)).toEqual(['app']);
    });

    test('without an evidence stream (no evidenceStreamArn), audit records from any stream are written as before', async () => {
      const logs = new FakeLogs();
      const dlq = new FakeDeadLetter();
      await processRecords([from(OPEN_STREAM, record(dataMessage([{ timestamp: NOW, message: 'audit' }])))], CONFIG, deps(logs, dlq));
      expect(logs.allStored().map((e) => e.message)).toEqual(['audit']);
      expect(dlq.bodies).toEqual([]);
    });

    test('configFromEnvironment reads EVIDENCE_STREAM_ARN and refuses a value that is not a stream ARN', () => {
      const env = {
        CENTRAL_LOG_GROUPS: JSON.stringify(CONFIG.targets),
        DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/999999999999/dlq',
        CLASSIFICATION_RULES: JSON.stringify(RULES.map((r) => ({ p: r.logGroupNamePrefix, c: r.logClass }))),
      };
      expect(configFromEnvironment({ ...env, EVIDENCE_STREAM_ARN: EVIDENCE_STREAM }).config.evidenceStreamArn).toBe(EVIDENCE_STREAM);
      expect(configFromEnvironment(env).config.evidenceStreamArn).toBeUndefined();
      expect(() => configFromEnvironment({ ...env, EVIDENCE_STREAM_ARN: 'central-evidence' })).toThrow(
        /EVIDENCE_STREAM_ARN must be a Kinesis stream ARN, received "central-evidence"/,
      );
    });
  });

  test('sorts out-of-order timestamps before PutLogEvents', async () => {
    // GIVEN events out of order across two records of the same source
    const logs = new FakeLogs();
    const dlq = new FakeDeadLetter();
    const r1 = record(
      dataMessage([
        { timestamp: NOW - 10, message: 'c' },
        { timestamp: NOW - 30, message: 'a' },
      ]),
    );
    const r2 = record(
      dataMessage([
        { timestamp: NOW - 20, message: 'b' },
        { timestamp: NOW - 30, message: 'a2' },
      ]),
    );
    // WHEN
    const res = await processRecords([r1, r2], CONFIG, deps(logs, dlq));
    // THEN one chronological batch (the fake rejects unsorted batches); equal timestamps keep arrival order
    expect(res.batchItemFailures).toEqual([]);
    expect(logs.accepted).toHaveLength(1);
    expect(logs.allStored().map((e) => e.message)).toEqual(['a', 'a2', 'b', 'c']);
  });

  test('splits a batch that would span more than 24 hours', async () => {
    const logs = new FakeLogs();
    const dlq = new FakeDeadLetter();
    const r = record(
      dataMessage([
        { timestamp: NOW - 30 * HOUR, message: 'old' },
        { timestamp: NOW - 29 * HOUR, message: 'old2' },
        { timestamp: NOW - 28 * HOUR, message: 'old3' },
        { timestamp: NOW, message: 'new' },
      ]),
    );
    const res = await processRecords([r], CONFIG, deps(logs, dlq));
    expect(res.batchItemFailures).toEqual([]);
    expect(logs.accepted.map((c) => c.logEvents.map((e) => unwrap(e).message))).toEqual([['old', 'old2', 'old3'], ['new']]);
  });

  test('splits batches at 1 MiB (counting 26 bytes per event) and at 10,000 events', async () => {
    const logs = new FakeLogs();
    const dlq = new FakeDeadLetter();
    // 12,000 small events -> at least two calls by count
    const small = Array.from({ length: 12_000 }, (_v, i) => ({ timestamp: NOW - 12_000 + i, message: `e${i}` }));
    // 40 events of 100 KB -> about 4 MB -> at least four calls by size
    const big = Array.from({ length: 40 }, (_v, i) => ({ timestamp: NOW - 100 + i, message: 'x'.repeat(100_000) }));
    const res = await processRecords(
      [record(dataMessage(small, { logGroup: '/guardrails/audit/small' })), record(dataMessage(big, { logGroup: '/guardrails/audit/big' }))],
      CONFIG,
      deps(logs, dlq),
    );
    expect(res.batchItemFailures).toEqual([]);
    expect(logs.allStored()).toHaveLength(12_040);
    const smallCalls = logs.accepted.filter((c) => c.logStreamName.endsWith('/small'));
    const bigCalls = logs.accepted.filter((c) => c.logStreamName.endsWith('/big'));
    // Each central record carries its provenance (a few hundred bytes): the small events now fill
    // batches by size before the count limit (which splitIntoBatches enforces: asserted below).
    const size = (c: { logEvents: InputLogEvent[] }) => c.logEvents.reduce((n, e) => n + Buffer.byteLength(e.message, 'utf8') + EVENT_OVERHEAD_BYTES, 0);
    for (const c of [...smallCalls, ...bigCalls]) expect(size(c)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    expect(smallCalls.reduce((n, c) => n + c.logEvents.length, 0)).toBe(12_000);
    const bigRecord = Buffer.byteLength(bigCalls[0].logEvents[0].message, 'utf8') + EVENT_OVERHEAD_BYTES;
    expect(bigCalls.length).toBe(Math.ceil(40 / Math.floor(MAX_BATCH_BYTES / bigRecord)));
    expect(splitIntoBatches(Array.from({ length: 12_000 }, (_v, i) => ({ timestamp: i, bytes: 1 }))).map((b) => b.length)).toEqual([MAX_BATCH_EVENTS, 2_000]);
  });

  test('batch byte accounting counts UTF-8 bytes plus 26 per event, exactly at the limit', () => {
    const per = 1000;
    const n = Math.floor(MAX_BATCH_BYTES / (per + EVENT_OVERHEAD_BYTES));
    const events = Array.from({ length: n + 1 }, (_v, i) => ({ timestamp: i, bytes: per }));
    const batches = splitIntoBatches(events);
    expect(batches.map((b) => b.length)).toEqual([n, 1]);
    const multibyte = Buffer.byteLength('é'.repeat(10), 'utf8');
    expect(multibyte).toBe(20);
  });

  test('sends an oversize event to the dead-letter queue in parts, and delivers the rest', async () => {
    const logs = new FakeLogs();
    const dlq = new FakeDeadLetter();
    const huge = 'h'.repeat(300_000);
    const r = record(
      dataMessage([
        { timestamp: NOW, message: 'small' },
        { timestamp: NOW, message: huge },
      ]),
    );
    const res = await processRecords([r], CONFIG, deps(logs, dlq));
    expect(res.batchItemFailures).toEqual([]);
    expect(logs.allStored().map((e) => e.message)).toEqual(['small']);
    const parts = dlq.messages().filter((m) => m.reason === 'oversize-event');
    expect(parts.length).toBeGreaterThan(1);
    for (const b of dlq.bodies) expect(Buffer.byteLength(b)).toBeLessThan(262_144);
    const [payload] = dlq.payloads('oversize-event');
    const events = JSON.parse(Buffer.from(payload, 'base64').toString('utf8'));
    expect(events[0].message).toBe(huge);
  });

  test('dead-letters events PutLogEvents would reject for age before calling it', async () => {
    const logs = new FakeLogs();
    const dlq = new FakeDeadLetter();
    const r = record(
      dataMessage([
        { timestamp: NOW - 15 * 24 * HOUR, message: 'too-old' },
        { timestamp: NOW + 3 * HOUR, message: 'too-new' },
        { timestamp: NOW, message: 'ok' },
      ]),
    );
    const res = await processRecords([r], CONFIG, deps(logs, dlq));
    expect(res.batchItemFailures).toEqual([]);
    expect(logs.allStored().map((e) => e.message)).toEqual(['ok']);
    expect(
      dlq
        .messages()
        .map((m) => m.reason)
        .sort(),
    ).toEqual(['too-new-event', 'too-old-event']);
  });

  test('uses the shorter central retention as the age limit (app class, 30 days > 14 days stays 14)', async () => {
    const logs = new FakeLogs();
    const dlq = new FakeDeadLetter();
    const cfg: ForwarderConfig = { ...CONFIG, targets: { ...CONFIG.targets, app: { logGroupName: '/guardrails/central/app', retentionDays: 7 } } };
    const r = record(dataMessage([{ timestamp: NOW - 8 * 24 * HOUR, message: 'eight-days' }], { logClass: 'app' }));
    await processRecords([r], cfg, deps(logs, dlq));
    expect(logs.calls).toHaveLength(0);
    expect(dlq.messages().map((m) => m.reason)).toEqual(['too-old-event']);
  });

  test('routes events that PutLogEvents rejects (rejectedLogEventsInfo) to the dead-letter queue', async () => {
    const logs = new FakeLogs();
    logs.rejectNext = { tooOldLogEventEndIndex: 1, tooNewLogEventStartIndex: 3 };
    const dlq = new FakeDeadLetter();
    const r = record(dataMessage(['a', 'b', 'c', 'd'].map((m, i) => ({ timestamp: NOW + i, message: m }))));
    const res = await processRecords([r], CONFIG, deps(logs, dlq));
    expect(res.batchItemFailures).toEqual([]);
    expect(logs.allStored().map((e) => e.message)).toEqual(['b', 'c']);
    const [payload] = dlq.payloads('rejected-by-putlogevents');
    // The dead letter keeps the central records as attempted (with their provenance).
    expect(JSON.parse(Buffer.from(payload, 'base64').toString()).map((e: any) => unwrap(e).message)).toEqual(['a', 'd']);
  });

  test('bisects a batch PutLogEvents refuses as invalid, delivering the good events and dead-lettering the bad one', async () => {
    const logs = new FakeLogs();
    logs.invalidMarker = 'POISON';
    const dlq = new FakeDeadLetter();
    const msgs = ['a', 'b', 'c', 'POISON', 'e', 'f', 'g'];
    const r = record(dataMessage(msgs.map((m, i) => ({ timestamp: NOW + i, message: m }))));
    const res = await processRecords([r], CONFIG, deps(logs, dlq));
    expect(res.batchItemFailures).toEqual([]);
    expect(
      logs
        .allStored()
        .map((e) => e.message)
        .sort(),
    ).toEqual(['a', 'b', 'c', 'e', 'f', 'g']);
    const [payload] = dlq.payloads('invalid-event');
    expect(JSON.parse(Buffer.from(payload, 'base64').toString()).map((e: any) => unwrap(e).message)).toEqual(['POISON']);
  });

  test('creates a missing log stream once and tolerates a concurrent creation', async () => {
    const logs = new FakeLogs();
    const dlq = new FakeDeadLetter();
    const streamName = centralLogStreamName(SOURCE_ACCOUNT, 'eu-west-1', '/guardrails/audit/cloudtrail');
    await logs.createLogStream({ logGroupName: '/guardrails/central/audit', logStreamName: streamName });
    // Simulate: our first put sees "not found" (stream created by another shard in between)
    const realPut = logs.putLogEvents.bind(logs);
    let first = true;
    logs.putLogEvents = async (input) => {
      if (first) {
        first = false;
        logs.calls.push(input);
        throw awsError('ResourceNotFoundException');
      }
      return realPut(input);
    };
    const res = await processRecords([record(dataMessage([{ timestamp: NOW, message: 'x' }]))], CONFIG, deps(logs, dlq));
    expect(res.batchItemFailures).toEqual([]);
    expect(logs.stored('/guardrails/central/audit', streamName)).toEqual([{ timestamp: NOW, message: 'x' }]);
  });

  test('writes several log streams in parallel (bounded) and keeps each stream chronological', async () => {
    // GIVEN a sink that yields on every call and tracks calls in flight
    const logs = new FakeLogs();
    const realPut = logs.putLogEvents.bind(logs);
    let inFlight = 0;
    let maxInFlight = 0;
    logs.putLogEvents = async (input) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        await new Promise((resolve) => setImmediate(resolve));
        return await realPut(input);
      } finally {
        inFlight--;
      }
    };
    const dlq = new FakeDeadLetter();
    const perStream = 12_000; // two batches per stream
    const records = Array.from({ length: 6 }, (_v, i) =>
      record(
        dataMessage(
          Array.from({ length: perStream }, (_w, j) => ({ timestamp: NOW - perStream + j, message: `g${i}-${j}` })),
          { logGroup: `/guardrails/audit/g${i}` },
        ),
      ),
    );
    // WHEN
    const res = await processRecords(records, { ...CONFIG, concurrency: 3 }, deps(logs, dlq));
    // THEN
    expect(res.batchItemFailures).toEqual([]);
    expect(maxInFlight).toBe(3);
    for (let i = 0; i < 6; i++) {
      const stored = logs.stored('/guardrails/central/audit', `${SOURCE_ACCOUNT}/eu-west-1//guardrails/audit/g${i}`);
      expect(stored).toHaveLength(perStream);
      expect(stored.every((e, j) => j === 0 || e.timestamp >= stored[j - 1].timestamp)).toBe(true);
    }
  });

  test('every input event is delivered or dead-lettered, or its record is reported (mixed batch)', async () => {
    const logs = new FakeLogs();
    logs.throttleNext = 2;
    logs.invalidMarker = 'BAD';
    const dlq = new FakeDeadLetter();
    const records = [
      record(
        dataMessage([
          { timestamp: NOW, message: 'a1' },
          { timestamp: NOW - 20 * 24 * HOUR, message: 'old' },
        ]),
      ),
      record(Buffer.from('poison')),
      record(
        dataMessage(
          [
            { timestamp: NOW, message: 'BAD' },
            { timestamp: NOW + 1, message: 's1' },
          ],
          { logClass: 'security', logGroup: '/guardrails/security/s' },
        ),
      ),
      record(dataMessage([{ timestamp: NOW, message: 'p1' }], { logClass: 'app', logGroup: '/guardrails/app/app' })),
    ];
    const res = await processRecords(records, CONFIG, deps(logs, dlq));
    expect(res.batchItemFailures).toEqual([]);
    const delivered = res.stats.eventsDelivered;
    expect(delivered + res.stats.eventsDeadLettered).toBe(res.stats.eventsIn);
    expect(
      logs
        .allStored()
        .map((e) => e.message)
        .sort(),
    ).toEqual(['a1', 'p1', 's1']);
  });
});

describe('forwarder: provenance with every central record', () => {
  const CLOUDTRAIL = '{"eventVersion":"1.10","eventName":"PutBucketPolicy","requestParameters":{"bucketName":"b"},"bigId":12345678901234567890}';
  const run = async (messages: string[], config: ForwarderConfig = CONFIG, logGroup = '/guardrails/audit/cloudtrail') => {
    const logs = new FakeLogs();
    const dlq = new FakeDeadLetter();
    const res = await processRecords(
      [
        record(
          dataMessage(
            messages.map((message) => ({ timestamp: NOW, message })),
            { logGroup },
          ),
        ),
      ],
      config,
      deps(logs, dlq),
    );
    const raw = logs.rawStored(config.targets.audit.logGroupName, centralLogStreamName(SOURCE_ACCOUNT, 'eu-west-1', logGroup));
    return { res, raw, logs, dlq };
  };

  test('a JSON event keeps its own text (key order, number precision) after the provenance: source account, region, log group and stream, class and rule, event id', async () => {
    const { raw } = await run([CLOUDTRAIL]);
    expect(raw).toHaveLength(1);
    const expected =
      `{"${PROVENANCE_KEY}":{"account":"${SOURCE_ACCOUNT}","region":"eu-west-1","logGroup":"/guardrails/audit/cloudtrail",` +
      `"logStream":"${SOURCE_ACCOUNT}_CloudTrail_eu-west-1","logClass":"audit","classifiedBy":{"logGroupNamePrefix":"/guardrails/audit/"},"eventId":"id-0"},` +
      CLOUDTRAIL.slice(1);
    expect(raw[0].message).toBe(expected);
    // Logs Insights sees the source fields where they were, and the provenance beside them.
    const parsed = JSON.parse(raw[0].message);
    expect(parsed.eventName).toBe('PutBucketPolicy');
    expect(parsed[PROVENANCE_KEY].logStream).toBe(`${SOURCE_ACCOUNT}_CloudTrail_eu-west-1`);
    expect(raw[0].message).toContain('"bigId":12345678901234567890}');
  });

  test('plain text, arrays, invalid JSON and an empty object stay whole and valid', async () => {
    const { raw } = await run(['START RequestId: 1', '[1,2]', '{not json', '  {}']);
    const parsed = raw.map((e) => JSON.parse(e.message));
    expect(parsed.map((p) => p.message)).toEqual(['START RequestId: 1', '[1,2]', '{not json', undefined]);
    for (const p of parsed) expect(p[PROVENANCE_KEY].account).toBe(SOURCE_ACCOUNT);
    expect(Object.keys(parsed[3])).toEqual([PROVENANCE_KEY]);
  });

  test('a sender cannot forge provenance: an event with a guardrailsProvenance of its own is kept whole as a string, the real provenance on top', async () => {
    const forged = `{"${PROVENANCE_KEY}":{"account":"999999999999","logGroup":"/guardrails/audit/cloudtrail","logClass":"audit"},"eventName":"StopLogging"}`;
    const logs = new FakeLogs();
    await processRecords(
      [record(dataMessage([{ timestamp: NOW, message: forged }], { logGroup: '/guardrails/app/orders' }))],
      CONFIG,
      deps(logs, new FakeDeadLetter()),
    );
    const [central] = logs.rawStored('/guardrails/central/app', centralLogStreamName(SOURCE_ACCOUNT, 'eu-west-1', '/guardrails/app/orders'));
    const parsed = JSON.parse(central.message);
    expect(parsed[PROVENANCE_KEY]).toMatchObject({ account: SOURCE_ACCOUNT, logGroup: '/guardrails/app/orders', logClass: 'app' });
    expect(parsed.message).toBe(forged);
    // One unescaped provenance key only (no duplicate a last-wins parser would pick); the forged one is escaped text.
    expect(central.message.split(`"${PROVENANCE_KEY}":`).length - 1).toBe(1);
    expect(central.message.indexOf(`\\"${PROVENANCE_KEY}\\"`)).toBeGreaterThan(0);
  });

  test('a rule with accounts is named with its accounts', async () => {
    const rules: ClassificationRule[] = [...RULES, { logGroupNamePrefix: '/aws/lambda/orders', logClass: 'audit', accountIds: [SOURCE_ACCOUNT] }];
    const { raw } = await run(['x'], { ...CONFIG, classificationRules: rules }, '/aws/lambda/orders-api');
    expect(JSON.parse(raw[0].message)[PROVENANCE_KEY].classifiedBy).toEqual({ logGroupNamePrefix: '/aws/lambda/orders', accountIds: [SOURCE_ACCOUNT] });
  });

  test('a text event too large to wrap is written unchanged and counted; a JSON object too large to carry its provenance is dead-lettered whole (it could hold a forged one)', async () => {
    const max = 1000;
    const config = { ...CONFIG, maxEventBytes: max };
    const nearLimit = 'n'.repeat(max - 10);
    const forgedNearLimit = `{"${PROVENANCE_KEY}":{"account":"999999999999"},"pad":"${'p'.repeat(max - 80)}"}`;
    const escapedNearLimit = `{"guardrails\\u0050rovenance":{"account":"999999999999"},"pad":"${'p'.repeat(max - 90)}"}`;
    expect(Buffer.byteLength(forgedNearLimit)).toBeLessThanOrEqual(max);
    expect(Buffer.byteLength(escapedNearLimit)).toBeLessThanOrEqual(max);
    const { raw, res, dlq } = await run([nearLimit, forgedNearLimit, escapedNearLimit], config);
    expect(raw.map((e) => e.message)).toEqual([nearLimit]);
    expect(res.stats.provenanceOmitted).toBe(1);
    expect(res.stats.eventsDelivered + res.stats.eventsDeadLettered).toBe(3);
    const [letter] = dlq.messages().filter((m) => m.reason === 'oversize-event');
    expect(letter.detail).toMatch(/is a JSON object too large to carry its guardrailsProvenance/);
    expect(JSON.parse(Buffer.from(dlq.payloads('oversize-event')[0], 'base64').toString()).map((e: any) => e.message)).toEqual([
      forgedNearLimit,
      escapedNearLimit,
    ]);
  });

  test('red5: a sender cannot forge provenance fields with dotted keys (Logs Insights flattens guardrailsProvenance.account to the same name)', async () => {
    for (const key of [`${PROVENANCE_KEY}.account`, 'guardrails\\u0050rovenance.logGroup']) {
      const forged = `{"${key}":"999999999999","eventName":"StopLogging"}`;
      const { raw } = await run([forged]);
      const parsed = JSON.parse(raw[0].message);
      expect(Object.keys(parsed)).toEqual([PROVENANCE_KEY, 'message']);
      expect(parsed.message).toBe(forged);
      expect(parsed[PROVENANCE_KEY].account).toBe(SOURCE_ACCOUNT);
    }
    // control: a key that merely starts with the name is a field of the sender's, spliced as before
    const { raw } = await run(['{"guardrailsProvenanceNote":"x","n":1}']);
    expect(Object.keys(JSON.parse(raw[0].message))).toEqual([PROVENANCE_KEY, 'guardrailsProvenanceNote', 'n']);
  });

  test('red5: a text too large to wrap that names the provenance key (an object behind a byte-order mark or before a trailing character) is dead-lettered, not written without its provenance', async () => {
    const max = 1000;
    const config = { ...CONFIG, maxEventBytes: max };
    const object = (pad: number) => `{"${PROVENANCE_KEY}":{"account":"999999999999","logClass":"audit"},"pad":"${'p'.repeat(pad)}"}`;
    const bom = `\uFEFF${object(max - 90)}`;
    const trailing = `${object(max - 90)};`;
    const escaped = `${object(max - 90).replace(PROVENANCE_KEY, 'guardrails\\u0050rovenance')}x`;
    const plain = 'n'.repeat(max - 10);
    for (const m of [bom, trailing, escaped]) expect(Buffer.byteLength(m)).toBeLessThanOrEqual(max);
    const { raw, res, dlq } = await run([bom, trailing, escaped, plain], config);
    // control: a plain text too large to wrap is still written unchanged and counted
    expect(raw.map((e) => e.message)).toEqual([plain]);
    expect(res.stats.provenanceOmitted).toBe(1);
    expect(res.stats.eventsDeadLettered).toBe(3);
    const [letter] = dlq.messages().filter((m) => m.reason === 'oversize-event');
    expect(letter.detail).toMatch(/names guardrailsProvenance and is too large to carry the real one/);
    expect(JSON.parse(Buffer.from(dlq.payloads('oversize-event')[0], 'base64').toString()).map((e: any) => e.message)).toEqual([bom, trailing, escaped]);
  });

  test('a sender cannot forge provenance with JSON escapes either ("guardrails\\u0050rovenance" decodes to the same key)', async () => {
    for (const key of ['guardrails\\u0050rovenance', '\\u0067uardrailsProvenance']) {
      const forged = `{"${key}":{"account":"999999999999","logGroup":"/guardrails/audit/cloudtrail","logClass":"audit"},"eventName":"ConsoleLogin"}`;
      const { raw } = await run([forged]);
      const parsed = JSON.parse(raw[0].message);
      expect(parsed[PROVENANCE_KEY]).toMatchObject({ account: SOURCE_ACCOUNT, logGroup: '/guardrails/audit/cloudtrail' });
      expect(parsed[PROVENANCE_KEY].account).not.toBe('999999999999');
      expect(parsed.message).toBe(forged);
    }
  });
});

describe('forwarder: a crash mid-batch loses nothing (at-least-once, duplicates carry the same event id)', () => {
  test('the process dies after writing part of a batch; Lambda re-delivers the whole batch; every event is stored, the duplicates are identified by their provenance', async () => {
    // GIVEN three log streams' worth of records, written one stream at a time (concurrency 1)
    const records = ['a', 'b', 'c'].map((g) =>
      record(
        dataMessage(
          Array.from({ length: 5 }, (_v, i) => ({ timestamp: NOW + i, message: `{"n":"${g}${i}"}` })),
          { logGroup: `/guardrails/audit/${g}` },
        ),
      ),
    );
    const logs = new FakeLogs();
    const dlq = new FakeDeadLetter();
    // WHEN the first invocation's process dies once one stream is written (the next call never returns)
    const original = logs.putLogEvents.bind(logs);
    logs.putLogEvents = (input) => (logs.accepted.length === 1 ? new Promise(() => undefined) : original(input));
    const crashed = processRecords(records, { ...CONFIG, concurrency: 1 }, deps(logs, dlq));
    const outcome = await Promise.race([crashed.then(() => 'finished'), new Promise((r) => setTimeout(() => r('crashed'), 50))]);
    expect(outcome).toBe('crashed');
    const beforeRetry = logs.allStored().length;
    expect(beforeRetry).toBe(5); // one stream written, the rest lost with the process

    // THEN Lambda re-delivers the same records (the batch failed as a whole) to a healthy process
    logs.putLogEvents = original;
    const retry = await processRecords(records, { ...CONFIG, concurrency: 1 }, deps(logs, dlq));
    expect(retry.batchItemFailures).toEqual([]);
    expect(retry.stats.eventsDelivered).toBe(15);
    expect(dlq.bodies).toEqual([]);
    const stored = [...logs.streams.values()].flat();
    expect(stored).toHaveLength(20);
    // Every source event is there; the 5 duplicates have the same source log group and event id.
    const key = (e: InputLogEvent) => {
      const p = JSON.parse(e.message)[PROVENANCE_KEY];
      return `${p.account}|${p.logGroup}|${p.logStream}|${p.eventId}`;
    };
    expect(new Set(stored.map(key)).size).toBe(15);
    expect(new Set(logs.allStored().map((e) => JSON.parse(e.message).n))).toEqual(
      new Set(['a', 'b', 'c'].flatMap((g) => [0, 1, 2, 3, 4].map((i) => `${g}${i}`))),
    );
  });
});

describe('forwarder helpers', () => {
  test('classify: longest prefix wins, an account-specific rule beats a generic one of the same prefix, no match is undefined', () => {
    const rules: ClassificationRule[] = [
      { logGroupNamePrefix: '/guardrails/', logClass: 'app' },
      { logGroupNamePrefix: '/guardrails/audit/', logClass: 'audit' },
      { logGroupNamePrefix: '/team/', logClass: 'app' },
      { logGroupNamePrefix: '/team/', logClass: 'security', accountIds: ['333333333333'] },
    ];
    expect(classify('111111111111', '/guardrails/audit/cloudtrail', rules)?.logClass).toBe('audit');
    expect(classify('111111111111', '/guardrails/other', rules)?.logClass).toBe('app');
    expect(classify('333333333333', '/team/x', rules)?.logClass).toBe('security');
    expect(classify('111111111111', '/team/x', rules)?.logClass).toBe('app');
    expect(classify('111111111111', '/elsewhere', rules)).toBeUndefined();
    expect(classify('111111111111', '/guardrails/audit/cloudtrail', rules)?.rule).toEqual(rules[1]);
  });

  test('rulesFromEnvironment reads the short form and refuses a malformed one', () => {
    expect(rulesFromEnvironment('[{"p":"/guardrails/audit/","c":"audit"},{"p":"/x/","c":"app","a":["111111111111"]}]')).toEqual([
      { logGroupNamePrefix: '/guardrails/audit/', logClass: 'audit' },
      { logGroupNamePrefix: '/x/', logClass: 'app', accountIds: ['111111111111'] },
    ]);
    expect(() => rulesFromEnvironment(undefined)).toThrow(/CLASSIFICATION_RULES is not set/);
    expect(() => rulesFromEnvironment('[]')).toThrow(/non-empty JSON array/);
    expect(() => rulesFromEnvironment('[{"p":"/x/","c":"forever"}]')).toThrow(/CLASSIFICATION_RULES\[0\] must be/);
    expect(() => rulesFromEnvironment('[{"p":"/x/","c":"app","a":["1"]}]')).toThrow(/CLASSIFICATION_RULES\[0\]\.a must be/);
  });

  test('centralLogStreamName removes characters not allowed in stream names and stays within 512', () => {
    expect(centralLogStreamName('111111111111', 'us-east-1', '/aws/x:y*z')).toBe('111111111111/us-east-1//aws/x_y_z');
    const long = centralLogStreamName('111111111111', 'us-east-1', '/g'.repeat(300));
    expect(long.length).toBe(512);
    expect(long).not.toBe(centralLogStreamName('111111111111', 'us-east-1', '/g'.repeat(299) + '/h'));
  });

  test('rejectedIndexes treats tooOld as exclusive, tooNew as inclusive, and errs on the side of the DLQ for expired', () => {
    expect([...rejectedIndexes({ tooOldLogEventEndIndex: 2 }, 5)]).toEqual([0, 1]);
    expect([...rejectedIndexes({ tooNewLogEventStartIndex: 3 }, 5)]).toEqual([3, 4]);
    expect([...rejectedIndexes({ expiredLogEventEndIndex: 1 }, 5)]).toEqual([0, 1]);
    expect([...rejectedIndexes(undefined, 5)]).toEqual([]);
  });

  test('test payloads are real CloudWatch Logs shape (gzip JSON)', () => {
    const r = record(dataMessage([{ timestamp: NOW, message: 'x' }]));
    const decoded = JSON.parse(gunzipSync(Buffer.from(r.kinesis.data, 'base64')).toString());
    expect(decoded.messageType).toBe('DATA_MESSAGE');
  });

  test('configFromEnvironment reads the variables CentralLogDestination sets, and fails loudly when one is missing', () => {
    const env = {
      CENTRAL_LOG_GROUPS: JSON.stringify(CONFIG.targets),
      DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/999999999999/dlq',
      CLASSIFICATION_RULES: '[{"p":"/guardrails/audit/","c":"audit"}]',
      SENDER_ACCOUNTS: '["111111111111"]',
    };
    const { config, deadLetterQueueUrl } = configFromEnvironment(env);
    expect(config.targets.audit.logGroupName).toBe('/guardrails/central/audit');
    expect(deadLetterQueueUrl).toBe(env.DEAD_LETTER_QUEUE_URL);
    expect(config.classificationRules).toEqual([{ logGroupNamePrefix: '/guardrails/audit/', logClass: 'audit' }]);
    expect(config.senderAccounts).toEqual(['111111111111']);
    expect(configFromEnvironment({ ...env, SENDER_ACCOUNTS: undefined }).config.senderAccounts).toBeUndefined();
    expect(() => configFromEnvironment({ ...env, CLASSIFICATION_RULES: undefined })).toThrow(/CLASSIFICATION_RULES is not set/);
    expect(() => configFromEnvironment({ ...env, SENDER_ACCOUNTS: '["x"]' })).toThrow(/SENDER_ACCOUNTS must be/);
    expect(() => configFromEnvironment({ ...env, DEAD_LETTER_QUEUE_URL: undefined })).toThrow(/DEAD_LETTER_QUEUE_URL is not set/);
    expect(() => configFromEnvironment({ ...env, CENTRAL_LOG_GROUPS: JSON.stringify({ audit: CONFIG.targets.audit }) })).toThrow(
      /no logGroupName for class security/,
    );
  });
});
