/**
 * SSE-C writes: the bucket's encryption rule blocks them (BlockedEncryptionTypes SSE-C, enforced by
 * S3 itself), and the bucket policy refuses them too. An SSE-C PUT sends
 * `x-amz-server-side-encryption-customer-algorithm` and no `x-amz-server-side-encryption`, so
 * `GuardrailsDenyUnencryptedObjectUploads` (Null on the SSE header) matches it: no statement of its
 * own is needed. Attack: a writer the identity policy allows PUTs with SSE-C headers; control: the
 * same writer with the bucket's SSE-KMS key or SSE-S3.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { evaluate, resolveIntrinsics, singleResource, type PolicyJson } from '@cdk-guardrails/policy-test-kit';
import { AccessLogBucket, EncryptedBucket, EncryptionMode } from '../lib';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const BUCKET_ARN = 'arn:aws:s3:::guarded-bucket';
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
const WRITER_ARN = `arn:aws:iam::${ACCOUNT}:role/writer`;
const TLS = { 'aws:SecureTransport': 'true', 's3:TlsVersion': '1.3' };
const SSE_C = {
  ...TLS,
  's3:x-amz-server-side-encryption-customer-algorithm': 'AES256',
};

function synthesize(mode: 'SSE_S3' | 'SSE_KMS', allowSseC?: boolean) {
  const stack = new Stack(new App(), 'Stack', { env: { account: ACCOUNT, region: REGION } });
  const encryption = mode === 'SSE_KMS' ? EncryptionMode.sseKms(kms.Key.fromKeyArn(stack, 'DataKey', KEY_ARN)) : EncryptionMode.sseS3();
  const bucket = new EncryptedBucket(stack, 'Bucket', { encryption, allowSseC });
  bucket.grantReadWrite(new iam.Role(stack, 'Writer', { assumedBy: new iam.AccountRootPrincipal() }));
  const template = Template.fromStack(stack);
  const json = template.toJSON();
  const [bucketId] = singleResource(json, 'AWS::S3::Bucket');
  const ctx = { account: ACCOUNT, region: REGION, refs: { [bucketId]: 'guarded-bucket' }, getAtts: { [`${bucketId}.Arn`]: BUCKET_ARN } };
  return {
    template,
    bucketPolicy: resolveIntrinsics(singleResource(json, 'AWS::S3::BucketPolicy')[1].Properties.PolicyDocument, ctx) as PolicyJson,
    writerPolicy: resolveIntrinsics(singleResource(json, 'AWS::IAM::Policy')[1].Properties.PolicyDocument, ctx) as PolicyJson,
  };
}

function put(s: { bucketPolicy: PolicyJson; writerPolicy: PolicyJson }, context: Record<string, string>, bucketPolicy = s.bucketPolicy) {
  return evaluate({
    request: { action: 's3:PutObject', principal: WRITER_ARN, resource: `${BUCKET_ARN}/data/report.csv`, resourceAccount: ACCOUNT, context },
    resourcePolicy: bucketPolicy,
    identityPolicies: [s.writerPolicy],
  });
}

describe('SSE-C writes', () => {
  test.each(['SSE_S3', 'SSE_KMS'] as const)('%s bucket: the encryption rule blocks SSE-C (BlockedEncryptionTypes)', (mode) => {
    const { template } = synthesize(mode);
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] } }] },
    });
  });

  test('allowSseC writes BlockedEncryptionTypes NONE (S3 would otherwise choose)', () => {
    synthesize('SSE_S3', true).template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ BlockedEncryptionTypes: { EncryptionType: ['NONE'] } }] },
    });
  });

  test('AccessLogBucket blocks SSE-C too', () => {
    const stack = new Stack(new App(), 'Stack', { env: { account: ACCOUNT, region: REGION } });
    new AccessLogBucket(stack, 'AccessLogs');
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] } }] },
    });
  });

  test('fails if the installed aws-cdk-lib does not render the block (no silent fallback)', () => {
    const stack = new Stack(new App(), 'Stack', { env: { account: ACCOUNT, region: REGION } });
    const bucket = new EncryptedBucket(stack, 'Bucket', { encryption: EncryptionMode.sseS3() });
    // What an aws-cdk-lib without Bucket.blockedEncryptionTypes renders: the rule without the block.
    const cfn = bucket.node.defaultChild as any;
    cfn.bucketEncryption = { serverSideEncryptionConfiguration: [{ serverSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }] };
    expect(() => Template.fromStack(stack)).toThrow(/Stack\/Bucket: blockedEncryptionTypes: received a bucket whose encryption rule blocks no SSE-C/);
  });

  describe.each(['SSE_S3', 'SSE_KMS'] as const)('%s bucket policy', (mode) => {
    const s = synthesize(mode);
    const good =
      mode === 'SSE_KMS'
        ? { ...TLS, 's3:x-amz-server-side-encryption': 'aws:kms', 's3:x-amz-server-side-encryption-aws-kms-key-id': KEY_ARN }
        : { ...TLS, 's3:x-amz-server-side-encryption': 'AES256' };

    test('attack: a PUT with SSE-C headers is denied by the bucket policy', async () => {
      await expect(put(s, SSE_C)).resolves.toBe('ExplicitlyDenied');
    });

    test('the denying statement is GuardrailsDenyUnencryptedObjectUploads: without it the SSE-C PUT is allowed', async () => {
      const without = { ...s.bucketPolicy, Statement: (s.bucketPolicy.Statement as any[]).filter((x) => x.Sid !== 'GuardrailsDenyUnencryptedObjectUploads') };
      await expect(put(s, SSE_C, without)).resolves.toBe('Allowed');
    });

    test(`control: a PUT encrypted the bucket's way (${mode}) is allowed`, async () => {
      await expect(put(s, good)).resolves.toBe('Allowed');
    });
  });
});
