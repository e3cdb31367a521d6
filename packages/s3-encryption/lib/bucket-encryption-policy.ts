import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { EncryptionMode } from './encryption-mode';
import { toPolicyStatement, validateMinimumTlsVersion } from './private/cdk-helpers';
import { propError } from './private/errors';
import { enforcingStatements, StatementJson } from './private/statements';

/** Properties of a BucketEncryptionPolicy. */
export interface BucketEncryptionPolicyProps {
  /** The encryption that PUTs must request. With SSE-KMS the policy pins the key ARN. */
  readonly encryption: EncryptionMode;

  /**
   * Deny requests that negotiated a TLS version lower than this (`s3:TlsVersion`): 1.2 or 1.3.
   *
   * @default - no TLS-version statement (AWS endpoints already refuse TLS below 1.2; only plain HTTP is denied)
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html
   */
  readonly minimumTlsVersion?: number;

  /**
   * AWS service deliveries that encrypt with SSE-S3 whatever the bucket requires, matched by the
   * resource that delivers (`aws:SourceArn`, which only AWS sets: no principal of the account can
   * claim it), for example `arn:aws:cloudtrail:<region>:<account>:trail/*`: CloudTrail encrypts
   * log files with the trail's KMS key but its digest files (log file validation) always with SSE-S3,
   * which the header statements would refuse, silently breaking validation. The statements on the
   * SSE headers do not apply to these deliveries; the transport statements do. The account is
   * written out (12 digits): a wildcard account would exempt the deliveries of every account.
   *
   * @default - no exemption
   */
  readonly sseS3DeliverySourceArns?: string[];
}

/** Options of `BucketEncryptionPolicy.keyUsageConditions`. */
export interface KeyUsageConditionOptions {
  /**
   * Also match the object-ARN encryption context of objects written without an S3 Bucket Key
   * (objects written before Bucket Keys were turned on, for example in a migrated bucket).
   *
   * @default false - only the bucket ARN, the context S3 uses when Bucket Keys are on
   */
  readonly includeObjectsWithoutBucketKey?: boolean;
}

/**
 * The bucket-policy statements that make a bucket reject plain-HTTP requests and
 * PUTs that are not encrypted the required way, for any bucket (also buckets that
 * other teams create).
 *
 * Statements (all `Deny`, principal `*`):
 * - `GuardrailsDenyInsecureTransport`: any `s3:*` with `aws:SecureTransport = false`
 * - `GuardrailsDenyOutdatedTls` (only with `minimumTlsVersion`): `s3:TlsVersion` below the minimum
 * - `GuardrailsDenyUnencryptedObjectUploads`: `s3:PutObject` without `x-amz-server-side-encryption`
 * - `GuardrailsDenyWrongEncryptionAlgorithm`: `s3:PutObject` with another algorithm
 * - `GuardrailsDenyWrongKmsKey` (SSE-KMS): `s3:PutObject` naming any key other than the key ARN
 * - `GuardrailsDenyMissingKmsKeyId` (SSE-KMS): `s3:PutObject` with `aws:kms` but no key id
 *   (S3 would then encrypt with the AWS managed key `aws/s3`, not the pinned key)
 *
 * The migration CLI merges the same statements into existing bucket policies.
 */
export class BucketEncryptionPolicy {
  /**
   * Conditions for a key-policy (or identity-policy) statement that lets principals use
   * the key through S3 for one bucket only: `kms:ViaService` = S3 in the bucket's region and
   * `kms:EncryptionContext:aws:s3:arn` = the bucket ARN.
   *
   * With S3 Bucket Keys on, S3 uses the bucket ARN as encryption context, not the object ARN:
   * a condition on `arn:aws:s3:::bucket/*` would deny every request. Use this instead.
   *
   * @param bucket the bucket whose objects the key protects
   */
  public static keyUsageConditions(bucket: s3.IBucket, options: KeyUsageConditionOptions = {}): Record<string, any> {
    const viaService = `s3.${Stack.of(bucket).region}.amazonaws.com`;
    if (options.includeObjectsWithoutBucketKey) {
      return {
        StringEquals: { 'kms:ViaService': viaService },
        StringLike: { 'kms:EncryptionContext:aws:s3:arn': [bucket.bucketArn, `${bucket.bucketArn}/*`] },
      };
    }
    return {
      StringEquals: { 'kms:ViaService': viaService, 'kms:EncryptionContext:aws:s3:arn': bucket.bucketArn },
    };
  }

  /** The encryption that PUTs must request. */
  public readonly encryption: EncryptionMode;

  /**
   * The minimum TLS version.
   *
   * @default - none
   */
  public readonly minimumTlsVersion?: number;

  private readonly sseS3DeliverySourceArns?: string[];

  constructor(props: BucketEncryptionPolicyProps) {
    validateMinimumTlsVersion('BucketEncryptionPolicy', props.minimumTlsVersion);
    (props.sseS3DeliverySourceArns ?? []).forEach((arn, i) => {
      if (typeof arn !== 'string' || (!Token.isUnresolved(arn) && !/^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{12}:.+$/.test(arn))) {
        throw propError(
          'BucketEncryptionPolicy',
          `sseS3DeliverySourceArns[${i}]`,
          JSON.stringify(arn),
          'the ARN (or ARN pattern) of an AWS resource in one account, its 12-digit id written out (a wildcard account would exempt the deliveries of every account), such as arn:aws:cloudtrail:eu-west-1:111122223333:trail/*',
        );
      }
    });
    this.encryption = props.encryption;
    this.minimumTlsVersion = props.minimumTlsVersion;
    this.sseS3DeliverySourceArns = props.sseS3DeliverySourceArns ? [...props.sseS3DeliverySourceArns] : undefined;
  }

  /** The enforcing statements for the bucket with this ARN (a literal ARN or a token). */
  public statementsForBucketArn(bucketArn: string): iam.PolicyStatement[] {
    return this.statementJson(bucketArn).map(toPolicyStatement);
  }

  /** The enforcing statements for this bucket. */
  public statementsFor(bucket: s3.IBucket): iam.PolicyStatement[] {
    return this.statementsForBucketArn(bucket.bucketArn);
  }

  /**
   * Add the enforcing statements to the bucket's policy (creating the policy if needed).
   *
   * Throws for an imported bucket (`s3.Bucket.fromBucketName` and similar), whose policy
   * CloudFormation does not manage: use the migration CLI (`apply`) for those, because an
   * `AWS::S3::BucketPolicy` would replace the bucket's whole existing policy.
   */
  public applyTo(bucket: s3.IBucket): void {
    for (const statement of this.statementsFor(bucket)) {
      const result = bucket.addToResourcePolicy(statement);
      if (!result.statementAdded) {
        throw propError(
          'BucketEncryptionPolicy.applyTo',
          'bucket',
          `imported bucket ${bucket.node.path} (statement ${statement.sid} could not be added to its policy)`,
          'a bucket whose policy this app manages (CloudFormation does not manage the policy of an imported bucket)',
          'Use the s3-encryption-migrate CLI (apply) to merge the statements into its existing policy',
        );
      }
    }
  }

  private statementJson(bucketArn: string): StatementJson[] {
    return enforcingStatements(bucketArn, {
      algorithm: this.encryption.algorithm,
      kmsKeyArn: this.encryption.key?.keyArn,
      minimumTlsVersion: this.minimumTlsVersion,
      sseS3DeliverySourceArns: this.sseS3DeliverySourceArns,
    });
  }
}
