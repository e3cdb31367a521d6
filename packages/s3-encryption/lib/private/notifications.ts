import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * Sends the bucket's events to Amazon EventBridge through the bucket's own CloudFormation
 * `NotificationConfiguration` (no custom resource, no Lambda function): what AWS Control Tower's
 * CT.S3.PR.4 reads.
 */
export function enableEventBridgeNotifications(bucket: s3.Bucket): void {
  const cfn = bucket.node.defaultChild as s3.CfnBucket;
  const current = (cfn.notificationConfiguration ?? {}) as s3.CfnBucket.NotificationConfigurationProperty;
  cfn.notificationConfiguration = { ...current, eventBridgeConfiguration: { eventBridgeEnabled: true } };
}
