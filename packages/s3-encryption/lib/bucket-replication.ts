import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * Where an `EncryptedBucket` replicates every new object version (S3 Replication), for example
 * the audit-log bucket to a second region.
 *
 * The destination bucket must exist first, with versioning on (and Object Lock on when the source
 * has it): deploy the stack that creates it (in the other region) before the source's stack.
 *
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication.html
 */
export interface BucketReplication {
  /** ARN of the destination bucket, `arn:aws:s3:::<name>`. */
  readonly destinationBucketArn: string;

  /**
   * ARN of the KMS key that encrypts the replicas, a key of the destination bucket's region: a
   * key ARN, or an alias ARN with its account (`arn:aws:kms:<region>:<account>:alias/<name>`) when
   * the key is created by another stack and its id is not known, for example
   * `alias/guardrails/logs` of `@cdk-guardrails/kms-hierarchy`. Required when the source bucket
   * is SSE-KMS: S3 replicates SSE-KMS objects only with a replica key. The key's policy must let
   * the replication role encrypt through S3.
   *
   * @default - only allowed for an SSE-S3 source bucket: replicas are encrypted by the destination bucket's default encryption
   */
  readonly destinationKmsKeyArn?: string;

  /**
   * Account of the destination bucket, when it is not this account (for example a log-archive
   * account, so that the replicas survive the loss of this account). The replicas are then owned
   * by that account (ownership override), and the destination bucket policy must allow the
   * replication role (`s3:ReplicateObject`, `s3:ReplicateDelete`, `s3:ReplicateTags`,
   * `s3:ObjectOwnerOverrideToBucketOwner`).
   *
   * @default - the destination bucket is in this account
   */
  readonly destinationAccount?: string;

  /**
   * Replicate delete markers. Off by default: deleting an object version here never hides the
   * replica (deletes of specific versions are never replicated anyway).
   *
   * @default false
   */
  readonly replicateDeleteMarkers?: boolean;

  /**
   * S3 Replication Time Control: 99.99 % of new objects replicated within 15 minutes, with
   * replication metrics (billed per GB).
   *
   * @default false
   */
  readonly replicationTimeControl?: boolean;

  /**
   * Storage class of the replicas.
   *
   * @default - the storage class of the source object
   */
  readonly storageClass?: s3.StorageClass;

  /**
   * Role S3 assumes to replicate. Give one when the destination's bucket or key policy must name
   * a role that exists beforehand; it needs the permissions this construct would grant.
   *
   * @default - a new role with exactly the replication permissions of this bucket and destination
   */
  readonly role?: iam.IRole;
}
