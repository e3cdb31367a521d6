import { CfnCondition, Fn, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AccessLogBucket, EncryptedBucket, EncryptionMode } from '@cdk-guardrails/s3-encryption';
import { findings, freshStack } from './helpers';

const RULE = 'S3BucketBlocksSseC';
const BLOCKED_TYPES = 'BucketEncryption.ServerSideEncryptionConfiguration.0.BlockedEncryptionTypes';

/** The CloudFormation resource of a bucket, for escape-hatch overrides. */
function cfn(bucket: s3.Bucket): s3.CfnBucket {
  return bucket.node.defaultChild as s3.CfnBucket;
}

describe('S3BucketBlocksSseC', () => {
  describe('Compliance', () => {
    test('EncryptedBucket (SSE-S3 and SSE-KMS) and AccessLogBucket block SSE-C by default', () => {
      // GIVEN
      const stack = freshStack();
      // WHEN
      new EncryptedBucket(stack, 'SseS3', { encryption: EncryptionMode.sseS3(), removalPolicy: RemovalPolicy.DESTROY });
      new EncryptedBucket(stack, 'SseKms', { encryption: EncryptionMode.sseKms(new kms.Key(stack, 'Key')), removalPolicy: RemovalPolicy.DESTROY });
      new AccessLogBucket(stack, 'AccessLogs');
      // THEN
      expect(findings(stack, RULE)).toEqual([]);
    });

    test('an s3.Bucket with blockedEncryptionTypes SSE_C', () => {
      const stack = freshStack();
      new s3.Bucket(stack, 'Bucket', { blockedEncryptionTypes: [s3.BlockedEncryptionType.SSE_C] });
      expect(findings(stack, RULE)).toEqual([]);
    });

    test('resources other than buckets are not applicable', () => {
      const stack = freshStack();
      new kms.Key(stack, 'Key');
      expect(findings(stack, RULE)).toEqual([]);
    });
  });

  describe('Noncompliance', () => {
    test('an s3.Bucket without the block (S3 default encryption alone does not refuse SSE-C)', () => {
      const stack = freshStack();
      new s3.Bucket(stack, 'Plain');
      new s3.Bucket(stack, 'Encrypted', { encryption: s3.BucketEncryption.S3_MANAGED });
      expect(findings(stack, RULE)).toEqual(['TestStack/Plain/Resource', 'TestStack/Encrypted/Resource']);
    });

    test('a property that lists other types only (NONE), as EncryptedBucket writes with allowSseC', () => {
      const stack = freshStack();
      new EncryptedBucket(stack, 'Allowed', { encryption: EncryptionMode.sseS3(), allowSseC: true, removalPolicy: RemovalPolicy.DESTROY });
      new s3.Bucket(stack, 'None', { blockedEncryptionTypes: [s3.BlockedEncryptionType.NONE] });
      expect(findings(stack, RULE)).toEqual(['TestStack/Allowed/Resource', 'TestStack/None/Resource']);
    });

    test('an escape hatch that removes the block from an EncryptedBucket is caught', () => {
      const stack = freshStack();
      const bucket = new EncryptedBucket(stack, 'Bucket', { encryption: EncryptionMode.sseS3(), removalPolicy: RemovalPolicy.DESTROY });
      cfn(bucket).addPropertyDeletionOverride(BLOCKED_TYPES);
      expect(findings(stack, RULE)).toEqual(['TestStack/Bucket/Resource']);
    });

    test('SSE-C beside NONE, a lower-case value, and a value the template does not show (Fn::If) do not count', () => {
      const stack = freshStack();
      const both = new s3.Bucket(stack, 'Both', { blockedEncryptionTypes: [s3.BlockedEncryptionType.SSE_C] });
      cfn(both).addPropertyOverride(`${BLOCKED_TYPES}.EncryptionType`, ['SSE-C', 'NONE']);
      const lower = new s3.Bucket(stack, 'Lower', { blockedEncryptionTypes: [s3.BlockedEncryptionType.SSE_C] });
      cfn(lower).addPropertyOverride(`${BLOCKED_TYPES}.EncryptionType`, ['sse-c']);
      const conditional = new s3.Bucket(stack, 'Conditional', { blockedEncryptionTypes: [s3.BlockedEncryptionType.SSE_C] });
      const prod = new CfnCondition(stack, 'IsProd', { expression: Fn.conditionEquals('prod', 'dev') });
      cfn(conditional).addPropertyOverride(`${BLOCKED_TYPES}.EncryptionType`, Fn.conditionIf(prod.logicalId, ['SSE-C'], ['NONE']));
      expect(findings(stack, RULE)).toEqual(['TestStack/Both/Resource', 'TestStack/Lower/Resource', 'TestStack/Conditional/Resource']);
    });

    test('a second encryption rule without the block is reported', () => {
      const stack = freshStack();
      const bucket = new s3.Bucket(stack, 'Bucket', { blockedEncryptionTypes: [s3.BlockedEncryptionType.SSE_C] });
      cfn(bucket).addPropertyOverride('BucketEncryption.ServerSideEncryptionConfiguration.1', {
        ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' },
      });
      expect(findings(stack, RULE)).toEqual(['TestStack/Bucket/Resource']);
    });

    test('a bucket policy that denies SSE-C PUTs does not replace the bucket setting', () => {
      // A Deny on the SSE-C header looks right, but how much it denies depends on its principals,
      // resources and other conditions (an exempt principal, a prefix, an IfExists operator): only the
      // bucket setting refuses every SSE-C write.
      const stack = freshStack();
      const bucket = new s3.Bucket(stack, 'Bucket', { enforceSSL: true });
      bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['s3:PutObject'],
          resources: [bucket.arnForObjects('*')],
          conditions: { Null: { 's3:x-amz-server-side-encryption-customer-algorithm': 'false' } },
        }),
      );
      expect(findings(stack, RULE)).toEqual(['TestStack/Bucket/Resource']);
    });
  });

  describe('Configuration', () => {
    test('allowSseC (an environment that allows SSE-C on purpose) switches the rule off', () => {
      const stack = freshStack();
      new s3.Bucket(stack, 'Plain');
      expect(findings(stack, RULE, { allowSseC: true })).toEqual([]);
      expect(findings(stack, RULE, { allowSseC: false })).toEqual(['TestStack/Plain/Resource']);
    });
  });
});
