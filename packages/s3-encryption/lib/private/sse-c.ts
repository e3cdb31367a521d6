/**
 * SSE-C (server-side encryption with customer-provided keys) on the buckets of this package.
 *
 * Ransomware with stolen credentials re-writes objects with SSE-C under a key only the attacker
 * holds; S3 keeps no copy of that key. Since 2025/2026 S3 lets a bucket refuse SSE-C writes
 * (`BlockedEncryptionTypes` of the bucket's encryption rule, CloudFormation
 * `AWS::S3::Bucket ServerSideEncryptionRule.BlockedEncryptionTypes`); aws-cdk-lib renders it from
 * `s3.BucketProps.blockedEncryptionTypes` (aws-cdk PR 37047; present in the 2.276 this repository
 * builds with). Our peer floor is older: an aws-cdk-lib that does not know the prop would drop it
 * silently, so `requireRenderedBlock` fails synth instead of shipping a bucket without the block.
 */
import { CfnResource, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';

/** The value S3 uses for SSE-C in `BlockedEncryptionTypes.EncryptionType`. */
export const SSE_C_ENCRYPTION_TYPE = 'SSE-C';

/** The bucket prop for "block SSE-C" (default) or "allow SSE-C" (explicit NONE: S3 would otherwise pick its own default). */
export function blockedEncryptionTypes(allowSseC: boolean | undefined): s3.BlockedEncryptionType[] {
  if (s3.BlockedEncryptionType === undefined) {
    throw new Error(
      'aws-cdk-lib: received a version without s3.BlockedEncryptionType; expected aws-cdk-lib with Bucket.blockedEncryptionTypes (2.276.0 is tested): the buckets of @cdk-guardrails/s3-encryption block SSE-C writes',
    );
  }
  return allowSseC === true ? [s3.BlockedEncryptionType.NONE] : [s3.BlockedEncryptionType.SSE_C];
}

/** The encryption types the synthesized bucket blocks (empty when none are rendered). */
export function renderedBlockedEncryptionTypes(bucket: s3.Bucket): string[] {
  const cfn = bucket.node.defaultChild as CfnResource;
  const props = Stack.of(bucket).resolve((cfn as s3.CfnBucket).bucketEncryption) as
    { serverSideEncryptionConfiguration?: Array<{ blockedEncryptionTypes?: { encryptionType?: string[] } }> } | undefined;
  return (props?.serverSideEncryptionConfiguration ?? []).flatMap((rule) => rule.blockedEncryptionTypes?.encryptionType ?? []);
}

/** Fails synth when the bucket should block SSE-C and the installed aws-cdk-lib did not render the block. */
export function requireRenderedBlock(bucket: s3.Bucket, allowSseC: boolean | undefined): void {
  if (allowSseC === true) return;
  bucket.node.addValidation({
    validate: () =>
      renderedBlockedEncryptionTypes(bucket).includes(SSE_C_ENCRYPTION_TYPE)
        ? []
        : [
            `${bucket.node.path}: blockedEncryptionTypes: received a bucket whose encryption rule blocks no SSE-C; expected BlockedEncryptionTypes ['${SSE_C_ENCRYPTION_TYPE}'] (the installed aws-cdk-lib may not know s3.BucketProps.blockedEncryptionTypes: use 2.276.0 or later, or set allowSseC)`,
          ],
  });
}
