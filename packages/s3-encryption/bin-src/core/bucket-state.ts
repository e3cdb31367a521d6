import { GetBucketEncryptionCommand, GetBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { PolicyDocumentJson } from '../../lib/private/policy-analysis';
import { call, errorName } from './errors';

export interface DefaultEncryption {
  readonly algorithm: string;
  /** As configured: a key ARN, key id or alias; undefined for SSE-S3 or the AWS managed key. */
  readonly kmsKeyArn?: string;
  readonly bucketKeyEnabled: boolean;
}

/** The bucket's default encryption, or undefined if none is configured. */
export async function getDefaultEncryption(client: S3Client, bucket: string): Promise<DefaultEncryption | undefined> {
  try {
    const out = await call('GetBucketEncryption', bucket, () => client.send(new GetBucketEncryptionCommand({ Bucket: bucket })));
    const rule = out.ServerSideEncryptionConfiguration?.Rules?.[0];
    const byDefault = rule?.ApplyServerSideEncryptionByDefault;
    if (!byDefault?.SSEAlgorithm) return undefined;
    return { algorithm: byDefault.SSEAlgorithm, kmsKeyArn: byDefault.KMSMasterKeyID, bucketKeyEnabled: rule?.BucketKeyEnabled === true };
  } catch (err) {
    if (errorName(err) === 'ServerSideEncryptionConfigurationNotFoundError') return undefined;
    throw err;
  }
}

/** The bucket policy as JSON, or undefined if the bucket has none. */
export async function getBucketPolicy(client: S3Client, bucket: string): Promise<PolicyDocumentJson | undefined> {
  try {
    const out = await call('GetBucketPolicy', bucket, () => client.send(new GetBucketPolicyCommand({ Bucket: bucket })));
    return out.Policy ? JSON.parse(out.Policy) : undefined;
  } catch (err) {
    if (errorName(err) === 'NoSuchBucketPolicy') return undefined;
    throw err;
  }
}
