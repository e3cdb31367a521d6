import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { LeastPrivilegeRole, LeastPrivilegeRoleProps } from './least-privilege-role';
import { childPath, propError } from '../private/errors';

/**
 * Properties of an {@link S3ReadOnlyRole}.
 */
export interface S3ReadOnlyRoleProps extends LeastPrivilegeRoleProps {
  /** The buckets the role may read. At least one. */
  readonly buckets: s3.IBucket[];

  /**
   * KMS keys of the buckets (SSE-KMS), for buckets whose `encryptionKey` is not known to CDK
   * (imported by name). Keys of buckets that carry `encryptionKey` are added automatically.
   *
   * @default - only the buckets' own `encryptionKey`s
   */
  readonly encryptionKeys?: kms.IKey[];

  /**
   * Object key pattern the role may read in each bucket (for example 'reports/*').
   *
   * @default '*' (every object of the named buckets)
   */
  readonly objectKeyPattern?: string;
}

/**
 * A least-privilege role that can read objects from named buckets only: `s3:GetObject`,
 * `s3:GetObjectVersion`, `s3:ListBucket` and `s3:GetBucketLocation` on those buckets, and
 * `kms:Decrypt` on their keys only when the call comes through S3 (`kms:ViaService`) for those
 * buckets (`kms:EncryptionContext:aws:s3:arn`).
 *
 * Written out instead of `bucket.grantRead`, which grants wildcard actions (`s3:GetObject*`,
 * `s3:List*`) and an unconditioned `kms:Decrypt`.
 */
export class S3ReadOnlyRole extends LeastPrivilegeRole {
  constructor(scope: Construct, id: string, props: S3ReadOnlyRoleProps) {
    // Checked before super(): errors name the path this construct would have.
    const path = childPath(scope, id);
    if (!props.buckets || props.buckets.length === 0) {
      throw propError(path, 'buckets', 'an empty list', 'at least one bucket the role may read');
    }
    const pattern = props.objectKeyPattern ?? '*';
    if (pattern.length === 0) {
      throw propError(path, 'objectKeyPattern', 'an empty string', "a key pattern such as '*' or 'reports/*'");
    }

    super(scope, id, props);

    this.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadObjects',
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: props.buckets.map((b) => b.arnForObjects(pattern)),
      }),
    );
    this.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ListBuckets',
        actions: ['s3:ListBucket', 's3:GetBucketLocation'],
        resources: props.buckets.map((b) => b.bucketArn),
      }),
    );

    const keys = [...props.buckets.map((b) => b.encryptionKey).filter((k): k is kms.IKey => k !== undefined), ...(props.encryptionKeys ?? [])];
    if (keys.length > 0) {
      const regions = [...new Set(props.buckets.map((b) => b.env.region))];
      this.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'DecryptThroughS3ForTheseBuckets',
          actions: ['kms:Decrypt'],
          resources: [...new Set(keys.map((k) => k.keyArn))],
          conditions: {
            StringEquals: { 'kms:ViaService': regions.map((r) => `s3.${r}.amazonaws.com`) },
            // With S3 Bucket Keys the context is the bucket ARN, without them the object ARN.
            StringLike: {
              'kms:EncryptionContext:aws:s3:arn': props.buckets.flatMap((b) => [b.bucketArn, b.arnForObjects('*')]),
            },
          },
        }),
      );
      // The key policies must delegate to IAM (account root as principal, the CDK default) or
      // name this role; this construct does not edit key policies it does not own.
    }
  }
}
