/**
 * CloudTrail encrypts its log files with the trail's KMS key but its digest files (log file
 * validation) always with SSE-S3. An SSE-KMS bucket whose policy refuses every other encryption
 * would refuse the digests, and validation would break without a word. `sseS3DeliverySourceArns`
 * exempts the trail's deliveries (aws:SourceArn, set by AWS only) from the SSE-header statements.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { evaluate, resolveIntrinsics, singleResource, type PolicyJson } from '@cdk-guardrails/policy-test-kit';
import { EncryptedBucket, EncryptionMode } from '../lib';

jest.setTimeout(60_000);

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const BUCKET_ARN = 'arn:aws:s3:::trail-bucket';
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
const TRAIL_ARN = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/guardrails`;
const DIGEST = `${BUCKET_ARN}/AWSLogs/${ACCOUNT}/CloudTrail-Digest/${REGION}/2026/12/03/${ACCOUNT}_CloudTrail-Digest_${REGION}_guardrails_${REGION}_20261203T000000Z.json.gz`;

function policy(exempt: boolean): PolicyJson {
  const stack = new Stack(new App(), 'Logs', { env: { account: ACCOUNT, region: REGION } });
  const key = new kms.Key(stack, 'Key');
  const bucket = new EncryptedBucket(stack, 'TrailBucket', {
    encryption: EncryptionMode.sseKms(key),
    bucketName: 'trail-bucket',
    sseS3DeliverySourceArns: exempt ? [`arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/*`] : undefined,
  });
  // What aws-cdk-lib's Trail adds for CloudTrail.
  bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
      actions: ['s3:PutObject'],
      resources: [bucket.arnForObjects(`AWSLogs/${ACCOUNT}/*`)],
      conditions: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
    }),
  );
  const template = Template.fromStack(stack).toJSON();
  const [, p] = singleResource(template, 'AWS::S3::BucketPolicy');
  const bucketId = Object.keys(template.Resources).find((id) => template.Resources[id].Type === 'AWS::S3::Bucket')!;
  const keyId = Object.keys(template.Resources).find((id) => template.Resources[id].Type === 'AWS::KMS::Key')!;
  return resolveIntrinsics(p.Properties.PolicyDocument, {
    account: ACCOUNT,
    region: REGION,
    getAtts: { [`${bucketId}.Arn`]: BUCKET_ARN, [`${keyId}.Arn`]: KEY_ARN },
  });
}

function digestDelivery(doc: PolicyJson, sse?: string) {
  return evaluate({
    request: {
      action: 's3:PutObject',
      principal: 'cloudtrail.amazonaws.com',
      resource: DIGEST,
      resourceAccount: ACCOUNT,
      context: {
        'aws:SourceArn': TRAIL_ARN,
        'aws:SourceAccount': ACCOUNT,
        'aws:PrincipalIsAWSService': 'true',
        'aws:SecureTransport': 'true',
        's3:x-amz-acl': 'bucket-owner-full-control',
        ...(sse !== undefined ? { 's3:x-amz-server-side-encryption': sse } : {}),
      },
    },
    resourcePolicy: doc,
  });
}

describe('CloudTrail digest files on an SSE-KMS trail bucket', () => {
  test.each([['AES256'], [undefined]])('the digest delivery (SSE-S3, header %s) is allowed with the exemption, refused without it', async (sse) => {
    await expect(digestDelivery(policy(true), sse)).resolves.toBe('Allowed');
    await expect(digestDelivery(policy(false), sse)).resolves.toBe('ExplicitlyDenied');
  });

  test('a principal of the account still cannot write SSE-S3 or unencrypted objects (it carries no aws:SourceArn)', async () => {
    const doc = policy(true);
    for (const sse of ['AES256', undefined]) {
      await expect(
        evaluate({
          request: {
            action: 's3:PutObject',
            principal: `arn:aws:iam::${ACCOUNT}:role/writer`,
            resource: `${BUCKET_ARN}/AWSLogs/${ACCOUNT}/x`,
            resourceAccount: ACCOUNT,
            context: {
              'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/writer`,
              'aws:SecureTransport': 'true',
              ...(sse ? { 's3:x-amz-server-side-encryption': sse } : {}),
            },
          },
          identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }],
          resourcePolicy: doc,
        }),
      ).resolves.toBe('ExplicitlyDenied');
    }
  });

  test("another resource's delivery is not exempt", async () => {
    const doc = policy(true);
    const other = evaluate({
      request: {
        action: 's3:PutObject',
        principal: 'cloudtrail.amazonaws.com',
        resource: DIGEST,
        resourceAccount: ACCOUNT,
        context: {
          'aws:SourceArn': `arn:aws:cloudtrail:${REGION}:999999999999:trail/x`,
          'aws:PrincipalIsAWSService': 'true',
          'aws:SecureTransport': 'true',
          's3:x-amz-acl': 'bucket-owner-full-control',
          's3:x-amz-server-side-encryption': 'AES256',
        },
      },
      resourcePolicy: doc,
    });
    await expect(other).resolves.toBe('ExplicitlyDenied');
  });

  test('a malformed source ARN is refused naming the field', () => {
    const stack = new Stack(new App(), 'Bad', { env: { account: ACCOUNT, region: REGION } });
    expect(() => new EncryptedBucket(stack, 'B', { encryption: EncryptionMode.sseS3(), sseS3DeliverySourceArns: ['cloudtrail'] })).toThrow(
      /sseS3DeliverySourceArns\[0\]: received "cloudtrail"/,
    );
  });
});
