import { App, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';

export const SECURITY_ACCOUNT = '999999999999';
export const WORKLOAD_ACCOUNT = '111111111111';
export const OTHER_WORKLOAD_ACCOUNT = '222222222222';
export const UNCONFIGURED_ACCOUNT = '333333333333';
export const ORG_ID = 'o-a1b2c3d4e5';

/** A fresh stack per test, with a concrete account and region (as the apps use). */
export function newStack(region = 'eu-west-1', account = SECURITY_ACCOUNT): Stack {
  return new Stack(new App(), 'TestStack', { env: { account, region } });
}

export function newKey(stack: Stack, id = 'LogsKey'): kms.Key {
  return new kms.Key(stack, id, { enableKeyRotation: true });
}

/** Stand-in for the s3-encryption bucket: KMS-encrypted, TLS only, no public access. */
export function newTrailBucket(stack: Stack, key: kms.IKey): s3.Bucket {
  return new s3.Bucket(stack, 'TrailBucket', {
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: key,
    bucketKeyEnabled: true,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  });
}
