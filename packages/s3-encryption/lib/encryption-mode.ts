import { KmsKeyArn } from '@cdk-guardrails/facts';
import { Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { propError } from './private/errors';
import { SSE_KMS_ALGORITHM, SSE_S3_ALGORITHM } from './private/statements';

/**
 * How objects in a bucket are encrypted, chosen at deploy time.
 *
 * Named `EncryptionMode` (not `BucketEncryption`) so it is not confused with
 * aws-cdk-lib's `s3.BucketEncryption` enum.
 */
export class EncryptionMode {
  /**
   * SSE-S3: objects are encrypted with keys that Amazon S3 manages (AES256).
   * PUTs must send `x-amz-server-side-encryption: AES256`.
   */
  public static sseS3(): EncryptionMode {
    return new EncryptionMode(SSE_S3_ALGORITHM, undefined);
  }

  /**
   * SSE-KMS with the given customer managed key, with S3 Bucket Keys on.
   * PUTs must send `x-amz-server-side-encryption: aws:kms` and
   * `x-amz-server-side-encryption-aws-kms-key-id: <the key ARN>`.
   *
   * @param key the key; must be a key, not an alias, because the bucket policy pins the key ARN; and
   *   of the bucket's account and region (`EncryptedBucket` and `BucketEncryptionGuard` refuse another
   *   one at synth when both are literal)
   */
  public static sseKms(key: kms.IKey): EncryptionMode {
    // An alias resolves in the caller's account and its ARN is not what S3 compares
    // against the key-id condition: pinning only works with the key ARN.
    if ((key as any).aliasName !== undefined) {
      throw propError(
        'EncryptionMode.sseKms',
        'key',
        `the alias ${(key as any).node?.path ?? (key as any).aliasName}`,
        'a KMS key, not an alias',
        'Pass the key itself (kms.Key or kms.Key.fromKeyArn) so the bucket policy can pin its ARN',
      );
    }
    if (!Token.isUnresolved(key.keyArn) && !KmsKeyArn.isKeyArn(key.keyArn)) {
      throw propError('EncryptionMode.sseKms', 'key.keyArn', `'${key.keyArn}'`, `a key ARN (${KmsKeyArn.KEY_ARN_FORMAT})`);
    }
    return new EncryptionMode(SSE_KMS_ALGORITHM, key);
  }

  /** The value of `x-amz-server-side-encryption` that PUTs must send: `AES256` or `aws:kms`. */
  public readonly algorithm: string;

  /**
   * The KMS key of SSE-KMS.
   *
   * @default - undefined for SSE-S3
   */
  public readonly key?: kms.IKey;

  private constructor(algorithm: string, key: kms.IKey | undefined) {
    this.algorithm = algorithm;
    this.key = key;
  }

  /** True for SSE-KMS. */
  public get isKms(): boolean {
    return this.key !== undefined;
  }

  /** A short name for messages: `SSE-S3` or `SSE-KMS`. */
  public toString(): string {
    return this.isKms ? 'SSE-KMS' : 'SSE-S3';
  }
}
