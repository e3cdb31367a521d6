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

/**
 * The global condition keys IAM sets on every signed request, which the policy evaluator does not
 * derive from the principal: aws:PrincipalArn (the role ARN for an assumed-role session, not the
 * session ARN), aws:PrincipalAccount and aws:PrincipalIsAWSService.
 */
export function principalContext(principal: string): Record<string, string> {
  const session = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(principal);
  return {
    'aws:PrincipalArn': session ? `arn:${session[1]}:iam::${session[2]}:role/${session[3]}` : principal,
    'aws:PrincipalAccount': principal.split(':')[4],
    'aws:PrincipalIsAWSService': 'false',
  };
}

/** An administrator's identity policy (or a boundary that allows everything): `Allow *` on `*`. */
export const ALLOW_ALL = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/**
 * Exact-value matching of an EventBridge pattern (arrays of strings, nested objects): the subset of
 * the pattern language the security-event rules use.
 */
export function matchesEventPattern(pattern: Record<string, any>, event: Record<string, any>): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = event[key];
    if (Array.isArray(expected)) return expected.includes(actual);
    return actual !== null && typeof actual === 'object' && matchesEventPattern(expected, actual);
  });
}
