import { PolicySizeLimit } from '@cdk-guardrails/facts';
import { Annotations, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { BucketEncryptionPolicy } from './bucket-encryption-policy';
import { EncryptedBucketProps } from './encrypted-bucket-props';
import { AccessLogBucket } from './access-log-bucket';
import { EncryptionMode } from './encryption-mode';
import { validateMinimumTlsVersion } from './private/cdk-helpers';
import { childPath, propError } from './private/errors';
import { requireKeyBesideBucket } from './private/key-environment';
import { enableEventBridgeNotifications } from './private/notifications';
import { replicationConfiguration, validateReplication } from './private/replication';
import { blockedEncryptionTypes, requireRenderedBlock } from './private/sse-c';

/**
 * An S3 bucket that is encrypted the way `encryption` says and whose policy rejects
 * plain-HTTP requests and PUTs that do not request that encryption.
 *
 * - default encryption SSE-S3, or SSE-KMS with the given key and S3 Bucket Keys on
 * - bucket policy: the statements of `BucketEncryptionPolicy` (deny HTTP, deny PUTs
 *   without the SSE header, with another algorithm, and with SSE-KMS with another key
 *   or without a key id); optional minimum TLS version
 * - SSE-C writes blocked by the bucket's encryption rule (unless `allowSseC`)
 * - versioning on, all four public-access blocks on, object ownership "bucket owner enforced" (ACLs off)
 * - RETAIN unless `removalPolicy` says otherwise
 *
 * It is an `s3.Bucket`: the grant methods (`grantWrite`, `grantReadWrite`, `grants.put` ...) also
 * grant use of the KMS key under SSE-KMS, so writers granted through the bucket can write.
 */
export class EncryptedBucket extends s3.Bucket {
  /** The encryption this bucket enforces. */
  public readonly encryptionMode: EncryptionMode;

  /** The enforcing statements' builder, for example to apply the same statements elsewhere. */
  public readonly encryptionPolicy: BucketEncryptionPolicy;

  /** The role S3 assumes to replicate, when `replication` is set. */
  public readonly replicationRole?: iam.IRole;

  constructor(scope: Construct, id: string, props: EncryptedBucketProps) {
    super(scope, id, toBucketProps(childPath(scope, id), props, Stack.of(scope)));
    this.encryptionMode = props.encryption;
    requireRenderedBlock(this, props.allowSseC);
    this.encryptionPolicy = new BucketEncryptionPolicy({
      encryption: props.encryption,
      minimumTlsVersion: props.minimumTlsVersion,
      sseS3DeliverySourceArns: props.sseS3DeliverySourceArns,
    });
    this.encryptionPolicy.applyTo(this);
    if (props.eventBridgeEnabled === true) enableEventBridgeNotifications(this);
    // Statements other constructs and grants add count too: check the final policy at synth.
    this.node.addValidation({
      validate: () => {
        const document = this.policy?.document;
        if (document === undefined) return [];
        const stack = Stack.of(this);
        const limit = PolicySizeLimit.S3_BUCKET_POLICY;
        const bytes = limit.upperBoundOf(stack.resolve(document.toJSON()), { region: Token.isUnresolved(stack.region) ? undefined : stack.region });
        return bytes > limit.maximum
          ? [
              `bucket policy of ${this.node.path} would be up to ${bytes} bytes (references counted at their longest); the Amazon S3 limit is ${limit.maximum} bytes (20 KB). ` +
                'Allow an organization (aws:PrincipalOrgID) instead of listing accounts or roles one by one, or grant same-account roles through their identity policies',
            ]
          : [];
      },
    });

    if (props.replication !== undefined) {
      // Written on the L1 rather than through s3.BucketProps.replicationRules, so the role gets
      // exactly the permissions below (and no fixed role name).
      const role =
        props.replication.role ??
        new iam.Role(this, 'ReplicationRole', {
          assumedBy: new iam.ServicePrincipal('s3.amazonaws.com'),
          description: 'S3 replicates the objects of one guardrails bucket to its destination bucket',
        });
      const cfn = this.node.defaultChild as s3.CfnBucket;
      cfn.replicationConfiguration = replicationConfiguration(this, props.replication, role, props.encryption.key?.keyArn);
      this.replicationRole = role;
    }
    const retention = props.objectLockDefaultRetention;
    if (retention !== undefined && retention.mode === s3.ObjectLockMode.COMPLIANCE && props.removalPolicy === RemovalPolicy.DESTROY) {
      Annotations.of(this).addWarningV2(
        '@cdk-guardrails/s3-encryption:objectLockBlocksDestroy',
        'removalPolicy is DESTROY but every object version is under compliance-mode retention: the bucket cannot be emptied, so it cannot be deleted, before the retention of its newest version ends',
      );
    }
  }
}

/** The s3.Bucket props, after validating `props`; `path` is the bucket's construct path (it leads the errors). */
function toBucketProps(path: string, props: EncryptedBucketProps, stack: Stack): s3.BucketProps {
  if (props === undefined || props.encryption === undefined) {
    throw propError(path, 'encryption', 'undefined', 'EncryptionMode.sseS3() or EncryptionMode.sseKms(key)');
  }
  if (!(props.encryption instanceof EncryptionMode)) {
    throw propError(path, 'encryption', String(props.encryption), 'an EncryptionMode: EncryptionMode.sseS3() or EncryptionMode.sseKms(key)');
  }
  // The same check (and wording) as BucketEncryptionGuard: a key of the bucket's account and region.
  if (props.encryption.key !== undefined) requireKeyBesideBucket(path, 'encryption', props.encryption.key, stack);
  validateMinimumTlsVersion(path, props.minimumTlsVersion);
  if (props.replication !== undefined) validateReplication(path, props.replication, props.encryption.key !== undefined);
  if (props.objectLockEnabled === false && props.objectLockDefaultRetention !== undefined) {
    throw propError(
      path,
      'objectLockDefaultRetention',
      'a default retention with objectLockEnabled false',
      'objectLockEnabled true or unset (a default retention needs Object Lock)',
      'Remove one of the two',
    );
  }
  validateDeliveryTargets(path, props);
  const kmsKey = props.encryption.key;
  return {
    bucketName: props.bucketName,
    encryption: kmsKey ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
    encryptionKey: kmsKey,
    // Bucket Keys cut KMS requests (and cost) by up to 99 %. Consequence: the KMS encryption
    // context becomes the bucket ARN; see BucketEncryptionPolicy.keyUsageConditions.
    bucketKeyEnabled: kmsKey ? true : undefined,
    blockedEncryptionTypes: blockedEncryptionTypes(props.allowSseC),
    versioned: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    // The TLS statements come from BucketEncryptionPolicy (same ids as the CLI and the Aspect),
    // so the built-in enforceSSL statement would only duplicate them.
    enforceSSL: false,
    removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    lifecycleRules: props.lifecycleRules,
    objectLockEnabled: props.objectLockEnabled ?? (props.objectLockDefaultRetention !== undefined ? true : undefined),
    objectLockDefaultRetention: props.objectLockDefaultRetention,
    serverAccessLogsBucket: props.serverAccessLogsBucket,
    serverAccessLogsPrefix: props.serverAccessLogsPrefix,
    targetObjectKeyFormat: props.targetObjectKeyFormat,
    // eventBridgeEnabled is set on the CloudFormation resource below, not here: aws-cdk-lib would
    // manage it with its notifications custom resource (a Lambda function and its role).
    cors: props.cors,
    inventories: props.inventories,
    metrics: props.metrics,
    intelligentTieringConfigurations: props.intelligentTieringConfigurations,
    transitionDefaultMinimumObjectSize: props.transitionDefaultMinimumObjectSize,
    transferAcceleration: props.transferAcceleration,
    notificationsHandlerRole: props.notificationsHandlerRole,
    notificationsSkipDestinationValidation: props.notificationsSkipDestinationValidation,
  };
}

/**
 * S3 delivers server access logs (SSE-S3 only, no encryption header) and inventory reports to
 * another bucket: an EncryptedBucket target refuses a PUT without the header, and a KMS default key
 * is not supported for access logs. Fail at synth rather than lose every log record.
 */
function validateDeliveryTargets(path: string, props: EncryptedBucketProps): void {
  const refuse = (prop: string, target: s3.IBucket, why: string) => {
    throw propError(
      path,
      prop,
      target.node.path,
      `a bucket S3 can deliver to: ${why}`,
      'Deliver to a dedicated log bucket with SSE-S3 default encryption, public access blocked, TLS enforced and no encryption-header statement in its policy',
    );
  };
  const check = (prop: string, target: s3.IBucket | undefined) => {
    if (target === undefined) return;
    if (target instanceof AccessLogBucket) return;
    if (target instanceof EncryptedBucket) {
      refuse(prop, target, "S3 delivers without an encryption header, which the EncryptedBucket's policy (DenyUnencryptedUploads) refuses");
    }
    if (target.encryptionKey !== undefined && prop === 'serverAccessLogsBucket') {
      refuse(prop, target, 'server access logs can be delivered only to a bucket whose default encryption is SSE-S3, and this one has a KMS key');
    }
  };
  check('serverAccessLogsBucket', props.serverAccessLogsBucket);
  (props.inventories ?? []).forEach((inventory, i) => check(`inventories[${i}].destination.bucket`, inventory.destination.bucket));
  if (props.targetObjectKeyFormat !== undefined && props.serverAccessLogsBucket === undefined) {
    throw propError(
      path,
      'targetObjectKeyFormat',
      'a key format without serverAccessLogsBucket',
      'serverAccessLogsBucket too (the format applies to access-log objects)',
    );
  }
}
