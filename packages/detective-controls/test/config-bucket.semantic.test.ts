/**
 * Semantic tests of the created AWS Config delivery bucket's policy, evaluated with the policy test kit.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
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
  const [roleId] = singleResource(template, 'AWS::IAM::Role');
  const [, policy] = singleResource(template, 'AWS::S3::BucketPolicy');
  return resolveIntrinsics(policy.Properties.PolicyDocument, {
    account: ACCOUNT,
    region: REGION,
    refs: { [bucketId]: BUCKET, [roleId]: 'recorder' },
    getAtts: { [`${bucketId}.Arn`]: BUCKET_ARN, [`${roleId}.Arn`]: `arn:aws:iam::${ACCOUNT}:role/recorder` },
  });
}

const tls = { 'aws:SecureTransport': 'true', 's3:TlsVersion': '1.3' };

async function put(policy: PolicyJson, key: string, context: Record<string, string>, principal = CONFIG) {
  // AWS sets aws:PrincipalServiceName on a request a service principal makes.
  const service: Record<string, string> = principal.endsWith('.amazonaws.com') ? { 'aws:PrincipalServiceName': principal } : {};
  return evaluate({
    request: { action: 's3:PutObject', principal, resource: `${BUCKET_ARN}/${key}`, resourceAccount: ACCOUNT, context: { ...service, ...context } },
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

describe('the created bucket rejects unencrypted PUTs but for AWS Config deliveries', () => {
  const ADMIN = `arn:aws:iam::${ACCOUNT}:role/bounded-admin`;
  const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
  const OTHER_KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/99999999-8888-7777-6666-555555555555`;

  /** The bucket policy, the recorder role's ARN and its identity policy, of a stack with a delivery key. */
  function withKey() {
    const stack = new Stack(new App(), 'TestStack', { env: { account: ACCOUNT, region: REGION } });
    new DetectiveControls(stack, 'Detective', { configDeliveryKey: kms.Key.fromKeyArn(stack, 'Key', KEY_ARN) });
    const template = Template.fromStack(stack).toJSON();
    const [bucketId] = singleResource(template, 'AWS::S3::Bucket');
    const [roleId] = singleResource(template, 'AWS::IAM::Role');
    const [, policy] = singleResource(template, 'AWS::S3::BucketPolicy');
    const [, rolePolicy] = singleResource(template, 'AWS::IAM::Policy');
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/recorder`;
    const resolve = (doc: unknown) =>
      resolveIntrinsics(doc, {
        account: ACCOUNT,
        region: REGION,
        refs: { [bucketId]: BUCKET, [roleId]: 'recorder' },
        getAtts: { [`${bucketId}.Arn`]: BUCKET_ARN, [`${roleId}.Arn`]: roleArn },
      });
    return { policy: resolve(policy.Properties.PolicyDocument), roleArn, rolePolicy: resolve(rolePolicy.Properties.PolicyDocument) };
  }

  // An admin inside the boundary whose identity policy allows every S3 write (the boundary and SCPs allow s3:PutObject too).
  const adminPolicies = [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }];
  const adminPut = (policy: PolicyJson, context: Record<string, string>) =>
    evaluate({
      request: {
        action: 's3:PutObject',
        principal: ADMIN,
        resource: `${BUCKET_ARN}/AWSLogs/${ACCOUNT}/Config/forged.json`,
        resourceAccount: ACCOUNT,
        context: { ...tls, ...context },
      },
      resourcePolicy: policy,
      identityPolicies: adminPolicies,
    });

  test('attack: an admin of the account cannot write an unencrypted object, nor one under another key', async () => {
    const { policy } = withKey();
    await expect(adminPut(policy, {})).resolves.toBe('ExplicitlyDenied');
    await expect(
      adminPut(policy, { 's3:x-amz-server-side-encryption': 'aws:kms', 's3:x-amz-server-side-encryption-aws-kms-key-id': OTHER_KEY_ARN }),
    ).resolves.toBe('ExplicitlyDenied');
  });

  test('control: the admin writes with the delivery key; AWS Config (service principal) and its recorder role deliver without a header', async () => {
    const { policy, roleArn, rolePolicy } = withKey();
    await expect(adminPut(policy, { 's3:x-amz-server-side-encryption': 'aws:kms', 's3:x-amz-server-side-encryption-aws-kms-key-id': KEY_ARN })).resolves.toBe(
      'Allowed',
    );
    await expect(
      put(policy, `AWSLogs/${ACCOUNT}/Config/${REGION}/snapshot.json.gz`, {
        ...tls,
        'aws:SourceAccount': ACCOUNT,
        's3:x-amz-acl': 'bucket-owner-full-control',
        'aws:PrincipalServiceName': CONFIG,
      }),
    ).resolves.toBe('Allowed');
    await expect(
      evaluate({
        request: {
          action: 's3:PutObject',
          principal: roleArn,
          resource: `${BUCKET_ARN}/AWSLogs/${ACCOUNT}/Config/${REGION}/snapshot.json.gz`,
          resourceAccount: ACCOUNT,
          context: { ...tls, 'aws:PrincipalArn': roleArn },
        },
        resourcePolicy: policy,
        identityPolicies: [rolePolicy],
      }),
    ).resolves.toBe('Allowed');
  });

  test('without a delivery key the header is still required of everyone else (SSE-S3 bucket)', async () => {
    const policy = bucketPolicy();
    await expect(adminPut(policy, {})).resolves.toBe('ExplicitlyDenied');
    await expect(adminPut(policy, { 's3:x-amz-server-side-encryption': 'AES256' })).resolves.toBe('Allowed');
  });
});
