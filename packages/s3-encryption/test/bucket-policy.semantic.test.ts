/**
 * Semantic tests: the synthesized bucket policy is evaluated against requests with an
 * IAM evaluator. For every bad request the test also removes the statement responsible
 * and shows the request is then allowed, so removing any guardrail statement fails a test.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { evaluate, resolveIntrinsics, singleResource, type PolicyJson } from '@cdk-guardrails/policy-test-kit';
import { EncryptedBucket, EncryptionMode } from '../lib';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const BUCKET_NAME = 'guarded-bucket';
const BUCKET_ARN = `arn:aws:s3:::${BUCKET_NAME}`;
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
const OTHER_KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/99999999-8888-7777-6666-555555555555`;
const WRITER_ARN = `arn:aws:iam::${ACCOUNT}:role/writer`;

interface Synthesized {
  readonly bucketPolicy: PolicyJson;
  readonly writerPolicy: PolicyJson;
}

/** Synthesize an EncryptedBucket with a writer granted through the bucket, and resolve both policies. */
function synthesize(mode: 'SSE_S3' | 'SSE_KMS', minimumTlsVersion?: number): Synthesized {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: { account: ACCOUNT, region: REGION } });
  const encryption = mode === 'SSE_KMS' ? EncryptionMode.sseKms(kms.Key.fromKeyArn(stack, 'DataKey', KEY_ARN)) : EncryptionMode.sseS3();
  const bucket = new EncryptedBucket(stack, 'Bucket', { encryption, minimumTlsVersion });
  const writer = new iam.Role(stack, 'Writer', { assumedBy: new iam.AccountRootPrincipal() });
  bucket.grantReadWrite(writer);

  const template = Template.fromStack(stack).toJSON();
  const [bucketId] = singleResource(template, 'AWS::S3::Bucket');
  const [, policy] = singleResource(template, 'AWS::S3::BucketPolicy');
  const [, identity] = singleResource(template, 'AWS::IAM::Policy');
  const ctx = { account: ACCOUNT, region: REGION, refs: { [bucketId]: BUCKET_NAME }, getAtts: { [`${bucketId}.Arn`]: BUCKET_ARN } };
  return {
    bucketPolicy: resolveIntrinsics(policy.Properties.PolicyDocument, ctx),
    writerPolicy: resolveIntrinsics(identity.Properties.PolicyDocument, ctx),
  };
}

function withoutStatement(policy: PolicyJson, sid: string): PolicyJson {
  const statements = policy.Statement as any[];
  expect(statements.some((s) => s.Sid === sid)).toBe(true);
  return { ...policy, Statement: statements.filter((s) => s.Sid !== sid) };
}

function put(s: Synthesized, context: Record<string, string>, bucketPolicy: PolicyJson = s.bucketPolicy) {
  return evaluate({
    request: { action: 's3:PutObject', principal: WRITER_ARN, resource: `${BUCKET_ARN}/data/report.csv`, resourceAccount: ACCOUNT, context },
    resourcePolicy: bucketPolicy,
    identityPolicies: [s.writerPolicy],
  });
}

const TLS = { 'aws:SecureTransport': 'true', 's3:TlsVersion': '1.3' };

describe('SSE-KMS bucket policy', () => {
  const s = synthesize('SSE_KMS', 1.2);
  const good = { ...TLS, 's3:x-amz-server-side-encryption': 'aws:kms', 's3:x-amz-server-side-encryption-aws-kms-key-id': KEY_ARN };

  test('a PUT with aws:kms and the configured key ARN over TLS is allowed (for a writer granted through the bucket)', async () => {
    await expect(put(s, good)).resolves.toBe('Allowed');
  });

  const bad: Array<[string, Record<string, string>, string]> = [
    ['a PUT without the SSE header', { ...TLS }, 'GuardrailsDenyUnencryptedObjectUploads'],
    ['a PUT with AES256 when SSE-KMS is required', { ...TLS, 's3:x-amz-server-side-encryption': 'AES256' }, 'GuardrailsDenyWrongEncryptionAlgorithm'],
    ['a PUT with aws:kms and another key', { ...good, 's3:x-amz-server-side-encryption-aws-kms-key-id': OTHER_KEY_ARN }, 'GuardrailsDenyWrongKmsKey'],
    ['a PUT with aws:kms and no key id (S3 would use aws/s3)', { ...TLS, 's3:x-amz-server-side-encryption': 'aws:kms' }, 'GuardrailsDenyMissingKmsKeyId'],
    ['a PUT over plain HTTP', { ...good, 'aws:SecureTransport': 'false' }, 'GuardrailsDenyInsecureTransport'],
    ['a PUT over TLS 1.1 with minimumTlsVersion 1.2', { ...good, 's3:TlsVersion': '1.1' }, 'GuardrailsDenyOutdatedTls'],
  ];
  test.each(bad)('%s is explicitly denied', async (_name, context) => {
    await expect(put(s, context)).resolves.toBe('ExplicitlyDenied');
  });
  test.each(bad.map(([n, c, sid]) => [n, sid, c] as const))(
    '%s is allowed once %s is removed (the statement is what denies it)',
    async (_name, sid, context) => {
      await expect(put(s, context, withoutStatement(s.bucketPolicy, sid))).resolves.toBe('Allowed');
    },
  );

  test('a GET over plain HTTP is denied too', async () => {
    await expect(
      evaluate({
        request: {
          action: 's3:GetObject',
          principal: WRITER_ARN,
          resource: `${BUCKET_ARN}/k`,
          resourceAccount: ACCOUNT,
          context: { 'aws:SecureTransport': 'false' },
        },
        resourcePolicy: s.bucketPolicy,
        identityPolicies: [s.writerPolicy],
      }),
    ).resolves.toBe('ExplicitlyDenied');
  });

  test('the writer granted through the bucket may use the key', async () => {
    await expect(
      evaluate({
        request: { action: 'kms:GenerateDataKey', principal: WRITER_ARN, resource: KEY_ARN, resourceAccount: ACCOUNT, context: {} },
        identityPolicies: [s.writerPolicy],
        resourcePolicy: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }],
        },
      }),
    ).resolves.toBe('Allowed');
  });
});

describe('SSE-S3 bucket policy', () => {
  const s = synthesize('SSE_S3');
  const good = { ...TLS, 's3:x-amz-server-side-encryption': 'AES256' };

  test('a PUT with AES256 over TLS is allowed', async () => {
    await expect(put(s, good)).resolves.toBe('Allowed');
  });

  const bad: Array<[string, Record<string, string>, string]> = [
    ['a PUT without the SSE header', { ...TLS }, 'GuardrailsDenyUnencryptedObjectUploads'],
    ['a PUT with aws:kms when SSE-S3 is required', { ...TLS, 's3:x-amz-server-side-encryption': 'aws:kms' }, 'GuardrailsDenyWrongEncryptionAlgorithm'],
    ['a PUT over plain HTTP', { ...good, 'aws:SecureTransport': 'false' }, 'GuardrailsDenyInsecureTransport'],
  ];
  test.each(bad)('%s is explicitly denied', async (_name, context) => {
    await expect(put(s, context)).resolves.toBe('ExplicitlyDenied');
  });
  test.each(bad.map(([n, c, sid]) => [n, sid, c] as const))('%s is allowed once %s is removed', async (_name, sid, context) => {
    await expect(put(s, context, withoutStatement(s.bucketPolicy, sid))).resolves.toBe('Allowed');
  });

  test('there is no TLS-version statement unless minimumTlsVersion is set', async () => {
    await expect(put(s, { ...good, 's3:TlsVersion': '1.0' })).resolves.toBe('Allowed');
  });
});

// BucketEncryptionPolicy.keyUsageConditions is tested structurally in encrypted-bucket.test.ts:
// the evaluator ignores kms:EncryptionContext:<key> context keys whose key contains ':' (aws:s3:arn),
// so a semantic test of it here could not fail.

describe('the mode chosen at deploy time', () => {
  // What an app does with its config flag (SSE_S3 in dev, SSE_KMS in prod): flipping the flag and
  // synthesizing again flips what the bucket policy accepts.
  const aes256Put = { ...TLS, 's3:x-amz-server-side-encryption': 'AES256' };
  const kmsPut = { ...TLS, 's3:x-amz-server-side-encryption': 'aws:kms', 's3:x-amz-server-side-encryption-aws-kms-key-id': KEY_ARN };

  test('SSE_S3 accepts an AES256 PUT and refuses an aws:kms PUT', async () => {
    const s = synthesize('SSE_S3');
    await expect(put(s, aes256Put)).resolves.toBe('Allowed');
    await expect(put(s, kmsPut)).resolves.toBe('ExplicitlyDenied');
  });

  test('SSE_KMS refuses the AES256 PUT and accepts the aws:kms PUT with the key', async () => {
    const s = synthesize('SSE_KMS');
    await expect(put(s, aes256Put)).resolves.toBe('ExplicitlyDenied');
    await expect(put(s, kmsPut)).resolves.toBe('Allowed');
  });
});
