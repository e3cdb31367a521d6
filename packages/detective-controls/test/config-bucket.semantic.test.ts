/**
 * Semantic tests of the created AWS Config delivery bucket's policy, evaluated with the policy test kit.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { evaluate, PolicyJson, resolveIntrinsics, singleResource } from '@cdk-guardrails/policy-test-kit';
import { DetectiveControls } from '../lib';

jest.setTimeout(30_000);

const ACCOUNT = '111111111111';
const OTHER_ACCOUNT = '222222222222';
const REGION = 'eu-west-1';
const BUCKET = 'config-bucket-test';
const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`;
const CONFIG = 'config.amazonaws.com';

function bucketPolicy(): PolicyJson {
  const stack = new Stack(new App(), 'TestStack', { env: { account: ACCOUNT, region: REGION } });
  new DetectiveControls(stack, 'Detective');
  const template = Template.fromStack(stack).toJSON();
  const [bucketId] = singleResource(template, 'AWS::S3::Bucket');
  const [, policy] = singleResource(template, 'AWS::S3::BucketPolicy');
  return resolveIntrinsics(policy.Properties.PolicyDocument, {
    account: ACCOUNT,
    region: REGION,
    refs: { [bucketId]: BUCKET },
    getAtts: { [`${bucketId}.Arn`]: BUCKET_ARN },
  });
}

const tls = { 'aws:SecureTransport': 'true', 's3:TlsVersion': '1.3' };

async function put(policy: PolicyJson, key: string, context: Record<string, string>, principal = CONFIG) {
  return evaluate({
    request: { action: 's3:PutObject', principal, resource: `${BUCKET_ARN}/${key}`, resourceAccount: ACCOUNT, context },
    resourcePolicy: policy,
  });
}

test('AWS Config of this account can deliver with bucket-owner-full-control over TLS', async () => {
  const policy = bucketPolicy();
  expect(
    await put(policy, `AWSLogs/${ACCOUNT}/Config/${REGION}/snapshot.json.gz`, {
      ...tls,
      'aws:SourceAccount': ACCOUNT,
      's3:x-amz-acl': 'bucket-owner-full-control',
    }),
  ).toBe('Allowed');
});

test('AWS Config cannot deliver on behalf of another account (confused deputy)', async () => {
  const policy = bucketPolicy();
  expect(
    await put(policy, `AWSLogs/${ACCOUNT}/Config/x`, {
      ...tls,
      'aws:SourceAccount': OTHER_ACCOUNT,
      's3:x-amz-acl': 'bucket-owner-full-control',
    }),
  ).toBe('ImplicitlyDenied');
});

test('AWS Config cannot write outside its AWSLogs/<account>/Config/ path', async () => {
  const policy = bucketPolicy();
  expect(
    await put(policy, `AWSLogs/${OTHER_ACCOUNT}/Config/x`, {
      ...tls,
      'aws:SourceAccount': ACCOUNT,
      's3:x-amz-acl': 'bucket-owner-full-control',
    }),
  ).toBe('ImplicitlyDenied');
});

test('delivery without the bucket-owner-full-control ACL is not allowed', async () => {
  const policy = bucketPolicy();
  expect(await put(policy, `AWSLogs/${ACCOUNT}/Config/x`, { ...tls, 'aws:SourceAccount': ACCOUNT })).toBe('ImplicitlyDenied');
});

test('requests without TLS are explicitly denied, even for AWS Config', async () => {
  const policy = bucketPolicy();
  expect(
    await put(policy, `AWSLogs/${ACCOUNT}/Config/x`, {
      'aws:SecureTransport': 'false',
      'aws:SourceAccount': ACCOUNT,
      's3:x-amz-acl': 'bucket-owner-full-control',
    }),
  ).toBe('ExplicitlyDenied');
});

test('anonymous requests cannot read the bucket', async () => {
  const policy = bucketPolicy();
  expect(
    await evaluate({
      request: {
        action: 's3:GetObject',
        principal: 'anonymous',
        resource: `${BUCKET_ARN}/AWSLogs/${ACCOUNT}/Config/x`,
        resourceAccount: ACCOUNT,
        context: tls,
      },
      resourcePolicy: policy,
    }),
  ).toBe('ImplicitlyDenied');
});
