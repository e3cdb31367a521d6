import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { EncryptedBucket, EncryptionMode } from '../lib';

const newStack = () => new Stack(new App(), 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
/** A dedicated access-log bucket: SSE-S3, public access blocked, TLS enforced, no header statement. */
const logBucket = (stack: Stack) =>
  new s3.Bucket(stack, 'AccessLogs', {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
  });

describe('EncryptedBucket accepts the bucket props that do not weaken it', () => {
  test('access logs, EventBridge, CORS, metrics, inventory, Intelligent-Tiering, acceleration reach the bucket; encryption, TLS and public access stay ours', () => {
    // GIVEN every accepted prop
    const stack = newStack();
    const logs = logBucket(stack);
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    new EncryptedBucket(stack, 'Bucket', {
      encryption: EncryptionMode.sseKms(key),
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'data/',
      targetObjectKeyFormat: s3.TargetObjectKeyFormat.simplePrefix(),
      eventBridgeEnabled: true,
      cors: [{ allowedMethods: [s3.HttpMethods.GET], allowedOrigins: ['https://app.example.com'] }],
      metrics: [{ id: 'all' }],
      inventories: [{ destination: { bucket: logs, prefix: 'inventory' } }],
      intelligentTieringConfigurations: [{ name: 'archive', archiveAccessTierTime: Duration.days(90) }],
      transitionDefaultMinimumObjectSize: s3.TransitionDefaultMinimumObjectSize.ALL_STORAGE_CLASSES_128_K,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
      transferAcceleration: true,
    });
    // THEN the bucket carries them
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('^AccessLogs') }, LogFilePrefix: 'data/' },
      CorsConfiguration: { CorsRules: [Match.objectLike({ AllowedOrigins: ['https://app.example.com'] })] },
      MetricsConfigurations: [{ Id: 'all' }],
      InventoryConfigurations: [Match.objectLike({ Enabled: true })],
      IntelligentTieringConfigurations: [Match.objectLike({ Id: 'archive' })],
      AccelerateConfiguration: { AccelerationStatus: 'Enabled' },
      LifecycleConfiguration: Match.objectLike({ TransitionDefaultMinimumObjectSize: 'all_storage_classes_128K' }),
      // AND what the bucket guarantees is unchanged
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) })],
      },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      VersioningConfiguration: { Status: 'Enabled' },
    });
    // EventBridge is switched on in the bucket's own NotificationConfiguration (CT.S3.PR.4 reads it there),
    // not with aws-cdk-lib's notifications custom resource: no Lambda function in the template.
    template.hasResourceProperties('AWS::S3::Bucket', { NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } } });
    template.resourceCountIs('Custom::S3BucketNotifications', 0);
    template.resourceCountIs('AWS::Lambda::Function', 0);
  });

  test('an EncryptedBucket as access-log target is refused: its policy would refuse every log delivery', () => {
    const stack = newStack();
    const target = new EncryptedBucket(stack, 'Target', { encryption: EncryptionMode.sseS3() });
    expect(() => new EncryptedBucket(stack, 'Bucket', { encryption: EncryptionMode.sseS3(), serverAccessLogsBucket: target })).toThrow(
      /^Stack\/Bucket: serverAccessLogsBucket: received Stack\/Target; expected a bucket S3 can deliver to: S3 delivers without an encryption header.*dedicated log bucket/,
    );
  });

  test('a KMS-encrypted access-log target is refused (access logs support SSE-S3 targets only)', () => {
    const stack = newStack();
    const target = new s3.Bucket(stack, 'Target', { encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }) });
    expect(() => new EncryptedBucket(stack, 'Bucket', { encryption: EncryptionMode.sseS3(), serverAccessLogsBucket: target })).toThrow(
      /^Stack\/Bucket: serverAccessLogsBucket: received Stack\/Target; expected a bucket S3 can deliver to: server access logs can be delivered only to a bucket whose default encryption is SSE-S3/,
    );
  });

  test('an EncryptedBucket as inventory destination is refused, naming the inventory', () => {
    const stack = newStack();
    const target = new EncryptedBucket(stack, 'Target', { encryption: EncryptionMode.sseS3() });
    expect(
      () =>
        new EncryptedBucket(stack, 'Bucket', {
          encryption: EncryptionMode.sseS3(),
          inventories: [{ destination: { bucket: logBucket(stack) } }, { destination: { bucket: target } }],
        }),
    ).toThrow(/^Stack\/Bucket: inventories\[1\]\.destination\.bucket: received Stack\/Target; expected a bucket S3 can deliver to: /);
  });

  test('a key format without a target is refused', () => {
    expect(
      () => new EncryptedBucket(newStack(), 'Bucket', { encryption: EncryptionMode.sseS3(), targetObjectKeyFormat: s3.TargetObjectKeyFormat.simplePrefix() }),
    ).toThrow(
      /^Stack\/Bucket: targetObjectKeyFormat: received a key format without serverAccessLogsBucket; expected serverAccessLogsBucket too \(the format applies to access-log objects\)$/,
    );
  });
});
