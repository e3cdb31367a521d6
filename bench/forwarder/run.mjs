#!/usr/bin/env node
// Forwarder throughput benchmark. Prints figures; asserts nothing about durations.
//
//   (cd packages/central-logging && npm run build:lambda)   # the benchmark runs the prebuilt bundle
//   node bench/forwarder/run.mjs [--events 200000] [--batch 100] [--runs 5] [--seed 42]
//
// Input: a realistic mix of CloudWatch Logs subscription payloads (gzip JSON, base64 in Kinesis
// records): CloudTrail management events (audit class), EventBridge IAM/S3 change events
// (security class) and application log lines (app class), from several accounts, regions and
// log groups, slightly out of order as real deliveries are.
// Forwarder: the production core (processRecords) against an in-memory CloudWatch Logs sink and
// dead-letter queue. Floor: base64 decode + gunzip + JSON.parse of the same records, i.e. the
// work no forwarder can avoid. Both are reported in events/s and MB/s of uncompressed
// log-message bytes.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, gunzipSync } from 'node:zlib';
import { performance } from 'node:perf_hooks';

const here = dirname(fileURLToPath(import.meta.url));
const bundle = join(here, '..', '..', 'packages', 'central-logging', 'lambda', 'forwarder', 'index.js');
if (!existsSync(bundle)) {
  console.error(`bench/forwarder: ${bundle} is missing; run \`npm run build:lambda\` in packages/central-logging first.`);
  process.exit(1);
}
const { processRecords } = createRequire(import.meta.url)(bundle);

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const TOTAL_EVENTS = Number(args.events ?? 200_000);
const BATCH = Number(args.batch ?? 100); // Kinesis records per invocation (the construct's default)
const RUNS = Number(args.runs ?? 5);
let seed = Number(args.seed ?? 42);

// Deterministic PRNG (mulberry32) so runs are comparable.
function rnd() {
  seed |= 0;
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (a) => a[Math.floor(rnd() * a.length)];
const hex = (n) => Array.from({ length: n }, () => Math.floor(rnd() * 16).toString(16)).join('');

const ACCOUNTS = ['111111111111', '222222222222', '333333333333', '444444444444'];
const REGIONS = ['us-east-1', 'eu-west-1', 'eu-central-1'];
const NOW = Date.now();

function cloudTrailEvent(account, region, t) {
  const name = pick([
    'AssumeRole',
    'GetObject',
    'PutObject',
    'DescribeInstances',
    'ListBuckets',
    'Decrypt',
    'GenerateDataKey',
    'PutBucketPolicy',
    'RunInstances',
    'CreateLogStream',
  ]);
  return JSON.stringify({
    eventVersion: '1.10',
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROA${hex(16).toUpperCase()}:session-${hex(8)}`,
      arn: `arn:aws:sts::${account}:assumed-role/${pick(['deploy', 'app', 'admin', 'ci'])}/session-${hex(8)}`,
      accountId: account,
      accessKeyId: `ASIA${hex(16).toUpperCase()}`,
      sessionContext: {
        attributes: { creationDate: new Date(t - 600_000).toISOString(), mfaAuthenticated: 'false' },
        sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${account}:role/app`, accountId: account, userName: 'app' },
      },
    },
    eventTime: new Date(t).toISOString(),
    eventSource: `${name.includes('Object') || name.includes('Bucket') ? 's3' : pick(['ec2', 'kms', 'sts', 'logs'])}.amazonaws.com`,
    eventName: name,
    awsRegion: region,
    sourceIPAddress: `10.${Math.floor(rnd() * 255)}.${Math.floor(rnd() * 255)}.${Math.floor(rnd() * 255)}`,
    userAgent: pick(['aws-sdk-js/3.700.0 ua/2.1 os/linux lang/js md/nodejs#20.19.0', 'aws-cli/2.22.0 Python/3.12.6', 'Boto3/1.35.0 md/Botocore#1.35.0']),
    requestParameters: {
      bucketName: `bucket-${hex(6)}`,
      key: `data/${hex(12)}/${hex(8)}.parquet`,
      encryptionContext: { 'aws:s3:arn': `arn:aws:s3:::bucket-${hex(6)}` },
    },
    responseElements: null,
    requestID: hex(32),
    eventID: `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`,
    readOnly: rnd() < 0.7,
    resources: [{ ARN: `arn:aws:kms:${region}:${account}:key/${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`, accountId: account, type: 'AWS::KMS::Key' }],
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: account,
    eventCategory: 'Management',
    tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: `s3.${region}.amazonaws.com` },
  });
}

function securityEvent(account, region, t) {
  const name = pick(['PutBucketPolicy', 'PutBucketEncryption', 'AttachRolePolicy', 'CreateRole', 'PutRolePolicy', 'DeleteBucketPublicAccessBlock']);
  return JSON.stringify({
    version: '0',
    id: `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`,
    'detail-type': 'AWS API Call via CloudTrail',
    source: name.includes('Bucket') ? 'aws.s3' : 'aws.iam',
    account,
    time: new Date(t).toISOString(),
    region,
    resources: [],
    detail: {
      eventName: name,
      userIdentity: { type: 'AssumedRole', arn: `arn:aws:sts::${account}:assumed-role/admin/alice` },
      requestParameters: {
        bucketName: `bucket-${hex(6)}`,
        policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }],
        }),
      },
      sourceIPAddress: '203.0.113.10',
    },
  });
}

function appLine(t) {
  if (rnd() < 0.5) {
    return JSON.stringify({
      level: pick(['INFO', 'INFO', 'INFO', 'WARN', 'ERROR']),
      ts: new Date(t).toISOString(),
      msg: pick(['order placed', 'cache miss', 'payment authorised', 'retrying request']),
      orderId: hex(12),
      latencyMs: Math.floor(rnd() * 900),
    });
  }
  return `${new Date(t).toISOString()} ${pick(['INFO', 'DEBUG', 'WARN'])} [${pick(['http', 'worker', 'db'])}] request ${hex(16)} completed in ${Math.floor(rnd() * 500)} ms (é ü ✓)`;
}

const KINDS = [
  { share: 0.6, cls: 'audit', logGroup: '/guardrails/audit/cloudtrail', make: cloudTrailEvent },
  { share: 0.1, cls: 'security', logGroup: '/guardrails/security/events', make: securityEvent },
  { share: 0.3, cls: 'app', logGroup: '/guardrails/app/orders', make: (_a, _r, t) => appLine(t) },
];

function generate() {
  const records = [];
  let events = 0;
  let messageBytes = 0;
  let seq = 0;
  while (events < TOTAL_EVENTS) {
    const r = rnd();
    const kind = r < KINDS[0].share ? KINDS[0] : r < KINDS[0].share + KINDS[1].share ? KINDS[1] : KINDS[2];
    const account = pick(ACCOUNTS);
    const region = pick(REGIONS);
    const n = Math.min(TOTAL_EVENTS - events, 1 + Math.floor(rnd() * 150));
    const logEvents = [];
    for (let i = 0; i < n; i++) {
      const t = NOW - Math.floor(rnd() * 300_000); // within the last 5 minutes, not sorted
      const message = kind.make(account, region, t);
      messageBytes += Buffer.byteLength(message);
      logEvents.push({ id: `${t}${hex(8)}`, timestamp: t, message });
    }
    events += n;
    const payload = {
      messageType: 'DATA_MESSAGE',
      owner: account,
      logGroup: kind.logGroup,
      logStream: `${account}_${region}_${hex(6)}`,
      subscriptionFilters: [`guardrails-${kind.cls}-Shipping${hex(8)}`],
      logEvents,
    };
    seq++;
    records.push({
      kinesis: { data: gzipSync(Buffer.from(JSON.stringify(payload))).toString('base64'), sequenceNumber: String(seq), partitionKey: account },
      eventSourceARN: `arn:aws:kinesis:${region}:999999999999:stream/central`,
      awsRegion: region,
    });
  }
  return { records, events, messageBytes };
}

const config = {
  targets: {
    audit: { logGroupName: '/guardrails/central/audit', retentionDays: 3653 },
    security: { logGroupName: '/guardrails/central/security', retentionDays: 90 },
    app: { logGroupName: '/guardrails/central/app', retentionDays: 30 },
  },
  // CentralLogDestination.DEFAULT_CLASSIFICATION_RULES: the receiving side classes by log group.
  classificationRules: [
    { logGroupNamePrefix: '/guardrails/audit/', logClass: 'audit' },
    { logGroupNamePrefix: '/guardrails/security/', logClass: 'security' },
    { logGroupNamePrefix: '/guardrails/lambda/', logClass: 'security' },
    { logGroupNamePrefix: '/aws/lambda/guardrails-', logClass: 'security' },
    { logGroupNamePrefix: '/guardrails/app/', logClass: 'app' },
  ],
};

function memorySink() {
  const streams = new Set();
  let stored = 0;
  return {
    logs: {
      async createLogStream({ logGroupName, logStreamName }) {
        streams.add(`${logGroupName}|${logStreamName}`);
      },
      async putLogEvents({ logGroupName, logStreamName, logEvents }) {
        if (!streams.has(`${logGroupName}|${logStreamName}`)) {
          const e = new Error('stream not found');
          e.name = 'ResourceNotFoundException';
          throw e;
        }
        stored += logEvents.length;
        return {};
      },
    },
    deadLetter: {
      async sendBatch() {
        return { failedIndexes: [] };
      },
    },
    stored: () => stored,
  };
}

async function runForwarder(records) {
  const sink = memorySink();
  const t0 = performance.now();
  let failures = 0;
  for (let i = 0; i < records.length; i += BATCH) {
    const res = await processRecords(records.slice(i, i + BATCH), config, { logs: sink.logs, deadLetter: sink.deadLetter });
    failures += res.batchItemFailures.length;
  }
  const ms = performance.now() - t0;
  return { ms, stored: sink.stored(), failures };
}

function runFloor(records) {
  const t0 = performance.now();
  let n = 0;
  for (const r of records) n += JSON.parse(gunzipSync(Buffer.from(r.kinesis.data, 'base64')).toString('utf8')).logEvents.length;
  return { ms: performance.now() - t0, n };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const { records, events, messageBytes } = generate();
const compressed = records.reduce((n, r) => n + r.kinesis.data.length, 0);
console.log(
  `input: ${events} events in ${records.length} Kinesis records, ${(messageBytes / 1e6).toFixed(1)} MB of log messages (${(compressed / 1e6).toFixed(1)} MB base64 gzip); mix 60% CloudTrail, 10% security events, 30% app lines`,
);
console.log(`node ${process.version}, ${RUNS} runs after one warm-up, ${BATCH} records per invocation\n`);

await runForwarder(records);
runFloor(records);
const fw = [];
const fl = [];
for (let i = 0; i < RUNS; i++) {
  const f = await runForwarder(records);
  if (f.stored !== events || f.failures !== 0) throw new Error(`forwarder stored ${f.stored} of ${events} events, ${f.failures} failed records`);
  fw.push(f.ms);
  const g = runFloor(records);
  if (g.n !== events) throw new Error('floor decoded the wrong number of events');
  fl.push(g.ms);
}

const row = (label, ms) => {
  const s = ms / 1000;
  return `${label.padEnd(34)} ${(events / s).toFixed(0).padStart(10)} events/s ${(messageBytes / 1e6 / s).toFixed(1).padStart(8)} MB/s   (median ${ms.toFixed(0)} ms)`;
};
console.log(row('floor (base64+gunzip+JSON.parse)', median(fl)));
console.log(row('forwarder (processRecords)', median(fw)));
console.log(`\nforwarder / floor time: ${(median(fw) / median(fl)).toFixed(2)}x`);
