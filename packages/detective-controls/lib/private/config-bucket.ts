import { DefaultLogClass, MinimumTls } from '@cdk-guardrails/facts';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { DetectiveControlsProps } from '../detective-controls-props';

/**
 * The default lifecycle of the Config bucket: configuration history is audit evidence, kept for the
 * audit class (10 years), in colder storage once investigations rarely need it.
 */
export function defaultConfigBucketLifecycleRules(): s3.LifecycleRule[] {
  return [
    {
      id: 'ConfigHistoryAsAuditEvidence',
      transitions: [
        { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(90) },
        { storageClass: s3.StorageClass.DEEP_ARCHIVE, transitionAfter: Duration.days(365) },
      ],
      expiration: Duration.days(DefaultLogClass.AUDIT.retentionDays),
      noncurrentVersionExpiration: Duration.days(30),
      abortIncompleteMultipartUploadAfter: Duration.days(7),
    },
  ];
}

/**
 * The bucket AWS Config delivers to when none is given: encrypted (the delivery key, or SSE-S3),
 * TLS only, SSE-C writes blocked, versioned, public access blocked, ACLs off, retained, server access logs to
 * `configBucketAccessLogs`, a lifecycle, and events to Amazon EventBridge (set on the bucket
 * resource itself: no custom resource). No S3 Object Lock: AWS Config does not support a delivery
 * channel to a bucket with Object Lock (AWS::Config::DeliveryChannel, CloudFormation reference).
 */
export function createConfigBucket(scope: Construct, props: DetectiveControlsProps): s3.Bucket {
  const bucket = new s3.Bucket(scope, 'ConfigBucket', {
    encryption: props.configDeliveryKey ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
    encryptionKey: props.configDeliveryKey,
    bucketKeyEnabled: props.configDeliveryKey ? true : undefined,
    // No writes with customer-provided keys (ransomware re-encrypting the evidence under its own key);
    // AWS Config never delivers with SSE-C, so the block is always on.
    blockedEncryptionTypes: [s3.BlockedEncryptionType.SSE_C],
    enforceSSL: true,
    minimumTLSVersion: MinimumTls.VERSION,
    versioned: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    serverAccessLogsBucket: props.configBucketAccessLogs,
    lifecycleRules: props.configBucketLifecycleRules ?? defaultConfigBucketLifecycleRules(),
  });
  const cfn = bucket.node.defaultChild as s3.CfnBucket;
  cfn.notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
  return bucket;
}
