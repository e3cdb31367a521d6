import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { EncryptedBucket, EncryptionMode } from '@cdk-guardrails/s3-encryption';
import { findings, freshStack } from './helpers';

const RULE = 'S3BucketPolicyEnforcesEncryption';

function denyUnencrypted(bucket: s3.Bucket): iam.PolicyStatement {
  return new iam.PolicyStatement({
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['s3:PutObject'],
    resources: [bucket.arnForObjects('*')],
    conditions: { Null: { 's3:x-amz-server-side-encryption': 'true' } },
  });
}

function denyOtherKey(bucket: s3.Bucket, keyArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['s3:PutObject'],
    resources: [bucket.arnForObjects('*')],
    conditions: { StringNotEquals: { 's3:x-amz-server-side-encryption-aws-kms-key-id': keyArn } },
  });
}

describe('S3BucketPolicyEnforcesEncryption', () => {
  describe('Compliance', () => {
    test('an EncryptedBucket with SSE-KMS (deny unencrypted PUTs, key pinned by ARN)', () => {
      // GIVEN
      const stack = freshStack();
      const key = new kms.Key(stack, 'Key');
      // WHEN
      new EncryptedBucket(stack, 'Bucket', { encryption: EncryptionMode.sseKms(key), removalPolicy: RemovalPolicy.DESTROY });
      // THEN
      expect(findings(stack, RULE)).toEqual([]);
    });

    test('an EncryptedBucket with SSE-S3 needs no key pin', () => {
      const stack = freshStack();
      new EncryptedBucket(stack, 'Bucket', { encryption: EncryptionMode.sseS3() });
      expect(findings(stack, RULE)).toEqual([]);
    });

    test('a hand-written policy with the deny and the key ARN pinned', () => {
      const stack = freshStack();
      const key = new kms.Key(stack, 'Key');
      const bucket = new s3.Bucket(stack, 'Bucket', { encryption: s3.BucketEncryption.KMS, encryptionKey: key });
      bucket.addToResourcePolicy(denyUnencrypted(bucket));
      bucket.addToResourcePolicy(denyOtherKey(bucket, key.keyArn));
      expect(findings(stack, RULE)).toEqual([]);
    });
  });

  describe('Noncompliance', () => {
    test('a bucket without a policy', () => {
      const stack = freshStack();
      new s3.Bucket(stack, 'Bucket', { encryption: s3.BucketEncryption.S3_MANAGED });
      expect(findings(stack, RULE)).toEqual(['TestStack/Bucket/Resource']);
    });

    test('a policy that only enforces TLS', () => {
      const stack = freshStack();
      new s3.Bucket(stack, 'Bucket', { enforceSSL: true });
      expect(findings(stack, RULE)).toEqual(['TestStack/Bucket/Resource']);
    });

    test('an SSE-KMS bucket whose policy does not pin the key', () => {
      const stack = freshStack();
      const key = new kms.Key(stack, 'Key');
      const bucket = new s3.Bucket(stack, 'Bucket', { encryption: s3.BucketEncryption.KMS, encryptionKey: key });
      bucket.addToResourcePolicy(denyUnencrypted(bucket));
      expect(findings(stack, RULE)).toEqual(['TestStack/Bucket/Resource']);
    });

    test('an SSE-KMS bucket whose policy pins an alias instead of the key ARN', () => {
      const stack = freshStack();
      const key = new kms.Key(stack, 'Key');
      const bucket = new s3.Bucket(stack, 'Bucket', { encryption: s3.BucketEncryption.KMS, encryptionKey: key });
      bucket.addToResourcePolicy(denyUnencrypted(bucket));
      bucket.addToResourcePolicy(denyOtherKey(bucket, 'arn:aws:kms:eu-west-1:111111111111:alias/data'));
      expect(findings(stack, RULE)).toEqual(['TestStack/Bucket/Resource']);
    });

    test('an SSE-KMS bucket whose policy pins another key than its default key', () => {
      const stack = freshStack();
      const key = new kms.Key(stack, 'Key');
      const other = new kms.Key(stack, 'Other');
      const bucket = new s3.Bucket(stack, 'Bucket', { encryption: s3.BucketEncryption.KMS, encryptionKey: key });
      bucket.addToResourcePolicy(denyUnencrypted(bucket));
      bucket.addToResourcePolicy(denyOtherKey(bucket, other.keyArn));
      expect(findings(stack, RULE)).toEqual(['TestStack/Bucket/Resource']);
    });

    test('an EncryptedBucket whose deny statement was removed by an override', () => {
      // GIVEN the guardrail bucket
      const stack = freshStack();
      const bucket = new EncryptedBucket(stack, 'Bucket', { encryption: EncryptionMode.sseS3() });
      // WHEN an escape hatch replaces the policy document with a TLS-only policy
      const policy = bucket.node.findAll().find((c) => (c as any).cfnResourceType === 'AWS::S3::BucketPolicy') as s3.CfnBucketPolicy;
      policy.addPropertyOverride('PolicyDocument.Statement', [
        { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      ]);
      // THEN
      expect(findings(stack, RULE)).toEqual([expect.stringMatching(/^TestStack\/Bucket\/.*Resource$/)]);
    });
  });
});
