import { KmsKeyArn } from '@cdk-guardrails/facts';
import { Arn, ArnFormat, Aws, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BucketReplication } from '../bucket-replication';
import { propError } from './errors';

const BUCKET_ARN = /^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Checks the replication settings of the bucket at `path` (its construct path, which leads the
 * errors); `sourceIsKms` tells whether the source bucket is SSE-KMS.
 */
export function validateReplication(path: string, replication: BucketReplication, sourceIsKms: boolean): void {
  const bucketArn = replication.destinationBucketArn;
  if (bucketArn === undefined) {
    throw propError(path, 'replication.destinationBucketArn', 'undefined', 'a bucket ARN (arn:aws:s3:::<bucket-name>)');
  }
  if (!Token.isUnresolved(bucketArn) && !BUCKET_ARN.test(bucketArn)) {
    throw propError(path, 'replication.destinationBucketArn', JSON.stringify(bucketArn), 'a bucket ARN (arn:aws:s3:::<bucket-name>)');
  }
  const keyArn = replication.destinationKmsKeyArn;
  if (keyArn === undefined && sourceIsKms) {
    throw propError(
      path,
      'replication.destinationKmsKeyArn',
      'undefined for an SSE-KMS bucket',
      'the ARN of a key in the destination region (S3 replicates SSE-KMS objects only with a replica key)',
    );
  }
  if (keyArn !== undefined && !Token.isUnresolved(keyArn) && !KmsKeyArn.isKeyArn(keyArn) && !KmsKeyArn.isAliasArn(keyArn)) {
    throw propError(
      path,
      'replication.destinationKmsKeyArn',
      JSON.stringify(keyArn),
      `a key ARN (${KmsKeyArn.KEY_ARN_FORMAT}) or an alias ARN with its account (${KmsKeyArn.ALIAS_ARN_FORMAT})`,
    );
  }
  const account = replication.destinationAccount;
  if (account !== undefined && !Token.isUnresolved(account) && !/^\d{12}$/.test(account)) {
    throw propError(path, 'replication.destinationAccount', JSON.stringify(account), 'a 12-digit AWS account id');
  }
}

/** The replication configuration of the bucket, and the permissions of the replication role. */
export function replicationConfiguration(
  bucket: s3.Bucket,
  replication: BucketReplication,
  role: iam.IRole,
  sourceKeyArn: string | undefined,
): s3.CfnBucket.ReplicationConfigurationProperty {
  const stack = Stack.of(bucket);
  const crossAccount = replication.destinationAccount !== undefined && replication.destinationAccount !== stack.account;
  const destinationObjects = `${replication.destinationBucketArn}/*`;
  const rtc = replication.replicationTimeControl ?? false;

  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'ReadReplicationConfiguration',
      actions: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
      resources: [bucket.bucketArn],
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'ReadSourceVersions',
      // Retention and legal hold are read so that locked objects replicate with their lock.
      actions: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging', 's3:GetObjectRetention', 's3:GetObjectLegalHold'],
      resources: [bucket.arnForObjects('*')],
    }),
  );
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'WriteReplicas',
      actions: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags', ...(crossAccount ? ['s3:ObjectOwnerOverrideToBucketOwner'] : [])],
      resources: [destinationObjects],
    }),
  );
  if (sourceKeyArn !== undefined) {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'DecryptSourceObjects',
        actions: ['kms:Decrypt'],
        resources: [sourceKeyArn],
        conditions: {
          StringEquals: { 'kms:ViaService': `s3.${stack.region}.${Aws.URL_SUFFIX}` },
          // With S3 Bucket Keys the encryption context is the bucket ARN, without them the object ARN.
          StringLike: { 'kms:EncryptionContext:aws:s3:arn': [bucket.bucketArn, bucket.arnForObjects('*')] },
        },
      }),
    );
  }
  const keyArn = replication.destinationKmsKeyArn;
  if (keyArn !== undefined) {
    const keyRegion = Token.isUnresolved(keyArn) ? Aws.REGION : Arn.split(keyArn, ArnFormat.SLASH_RESOURCE_NAME).region!;
    // An alias ARN lets a source stack name a key created in the other region's stack, whose id
    // it cannot know (for example alias/guardrails/logs of @cdk-guardrails/kms-hierarchy). IAM
    // authorizes the key itself: allow the keys of that account and region that carry the alias.
    const alias = !Token.isUnresolved(keyArn) && KmsKeyArn.isAliasArn(keyArn) ? KmsKeyArn.parse(keyArn) : undefined;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'EncryptReplicas',
        actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
        resources: [alias ? `arn:${alias.partition}:kms:${alias.region}:${alias.account}:key/*` : keyArn],
        conditions: {
          StringEquals: { 'kms:ViaService': `s3.${keyRegion}.${Aws.URL_SUFFIX}` },
          StringLike: { 'kms:EncryptionContext:aws:s3:arn': [replication.destinationBucketArn, destinationObjects] },
          ...(alias ? { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': alias.aliasName } } : {}),
        },
      }),
    );
  }

  return {
    role: role.roleArn,
    rules: [
      {
        id: 'ReplicateEveryObject',
        status: 'Enabled',
        priority: 0,
        filter: { prefix: '' },
        deleteMarkerReplication: { status: replication.replicateDeleteMarkers ? 'Enabled' : 'Disabled' },
        sourceSelectionCriteria: sourceKeyArn !== undefined ? { sseKmsEncryptedObjects: { status: 'Enabled' } } : undefined,
        destination: {
          bucket: replication.destinationBucketArn,
          account: crossAccount ? replication.destinationAccount : undefined,
          accessControlTranslation: crossAccount ? { owner: 'Destination' } : undefined,
          encryptionConfiguration: keyArn !== undefined ? { replicaKmsKeyId: keyArn } : undefined,
          storageClass: replication.storageClass?.value,
          replicationTime: rtc ? { status: 'Enabled', time: { minutes: 15 } } : undefined,
          metrics: rtc ? { status: 'Enabled', eventThreshold: { minutes: 15 } } : undefined,
        },
      },
    ],
  };
}
