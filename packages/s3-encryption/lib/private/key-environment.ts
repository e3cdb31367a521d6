import { _kmsKeyChoiceProblem } from '@cdk-guardrails/facts';
import { Stack, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { propError } from './errors';

/**
 * A bucket's SSE-KMS key must be of the bucket's own account and region: S3 accepts a default key
 * of the bucket's region only, and a key of another account is governed by that account's key
 * policy (its owner decides who reads and can disable the key). Judged by the one check of
 * `@cdk-guardrails/facts` (literal values only: an environment-agnostic stack or a token key ARN
 * is not judged); worded the way `BucketEncryptionGuard` has always worded it. Used by the guard
 * and by `EncryptedBucket`.
 */
export function requireKeyBesideBucket(path: string, prop: string, key: kms.IKey, stack: Stack, fix?: string): void {
  const problem = _kmsKeyChoiceProblem(key, stack, 'bucket');
  if (problem === undefined) return;
  if (problem.kind !== 'environment') {
    throw propError(path, prop, problem.received, problem.expected, problem.fix);
  }
  const shown = (value: string) => (Token.isUnresolved(value) ? '(unresolved)' : value);
  throw propError(
    path,
    prop,
    `a KMS key of ${problem.keyAccount ?? '(unresolved)'}/${problem.keyRegion ?? '(unresolved)'} for a bucket of ${shown(stack.account)}/${shown(stack.region)}`,
    "a key of the bucket's own account and region (S3 refuses a default key of another region)",
    fix ?? problem.fix,
  );
}
