import { Token } from 'aws-cdk-lib';
import { propError } from './errors';
import { ADMINISTRATOR_ARN_PATTERN } from './protection-statements';

/**
 * The administrators of ProtectBucketConfiguration and ProtectLogObjects: exact role or user ARNs,
 * at least one. `where` (the class, or `Class.method`) leads the error.
 */
export function validateAdministratorArns(where: string, arns: string[] | undefined): void {
  if (!Array.isArray(arns) || arns.length === 0) {
    throw propError(
      where,
      'administratorArns',
      Array.isArray(arns) ? 'an empty list' : String(arns),
      "at least one IAM role or user ARN, including the CloudFormation execution role that deploys the bucket's stack " +
        "(without it every later change of the bucket's policy and configuration by CloudFormation would be denied)",
    );
  }
  for (const arn of arns) {
    if (Token.isUnresolved(arn)) continue;
    if (typeof arn !== 'string' || !ADMINISTRATOR_ARN_PATTERN.test(arn)) {
      throw propError(
        where,
        'administratorArns',
        `'${arn}'`,
        'an exact IAM role or user ARN, arn:<partition>:iam::<account-id>:role/<name> ' +
          'or :user/<name> (no wildcard, no account root, no assumed-role session ARN, no ${...} placeholder)',
      );
    }
  }
}
