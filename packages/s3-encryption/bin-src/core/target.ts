import { KmsKeyArn } from '@cdk-guardrails/facts';
import { isKmsAlgorithm, SSE_KMS_ALGORITHM, SSE_S3_ALGORITHM } from '../../lib/private/statements';
import { CliError } from './errors';

/** The encryption a bucket should have. */
export interface WantedEncryption {
  /** 'AES256' or 'aws:kms' */
  readonly algorithm: string;
  /** Key ARN (SSE-KMS only). */
  readonly kmsKeyArn?: string;
}

/** Build the wanted encryption from CLI options: exactly one of --sse-s3 or --kms-key-arn. */
export function wantedEncryption(opts: { sseS3?: boolean; kmsKeyArn?: string }): WantedEncryption {
  if (opts.sseS3 && opts.kmsKeyArn) {
    throw new CliError('InvalidArgument', 'Give either --sse-s3 or --kms-key-arn <arn>, not both');
  }
  if (opts.kmsKeyArn !== undefined) {
    if (!KmsKeyArn.isKeyArn(opts.kmsKeyArn)) {
      throw new CliError(
        'InvalidArgument',
        `--kms-key-arn must be a key ARN (${KmsKeyArn.KEY_ARN_FORMAT}; not an alias or a key id), received '${opts.kmsKeyArn}'`,
      );
    }
    return { algorithm: SSE_KMS_ALGORITHM, kmsKeyArn: opts.kmsKeyArn };
  }
  if (opts.sseS3) {
    return { algorithm: SSE_S3_ALGORITHM };
  }
  throw new CliError('InvalidArgument', 'Choose the encryption: --sse-s3, or --kms-key-arn <key ARN> for SSE-KMS');
}

export function describeEncryption(e: { algorithm?: string; kmsKeyArn?: string } | undefined): string {
  if (!e || !e.algorithm) return 'none';
  if (e.algorithm === SSE_S3_ALGORITHM) return 'SSE-S3';
  if (isKmsAlgorithm(e.algorithm)) {
    return `${e.algorithm === SSE_KMS_ALGORITHM ? 'SSE-KMS' : 'DSSE-KMS'} (${e.kmsKeyArn ?? 'AWS managed key aws/s3'})`;
  }
  return e.algorithm;
}

/** ARN of a bucket; the partition follows the region of the client. */
export function bucketArn(bucket: string, region?: string): string {
  const partition = region?.startsWith('cn-') ? 'aws-cn' : region?.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return `arn:${partition}:s3:::${bucket}`;
}
