import { Token } from 'aws-cdk-lib';
import { ADMINISTRATOR_ARN_PATTERN } from './protection-statements';

/** The administrators of ProtectBucketConfiguration and ProtectLogObjects: exact role or user ARNs, at least one. */
export function validateAdministratorArns(arns: string[] | undefined): void {
  if (!Array.isArray(arns) || arns.length === 0) {
    throw new Error(
      `administratorArns: received ${Array.isArray(arns) ? 'an empty list' : String(arns)}; expected at least one IAM role or user ARN, ` +
        "including the CloudFormation execution role that deploys the bucket's stack (without it every later change of the bucket's " +
        'policy and configuration by CloudFormation would be denied)',
    );
  }
  for (const arn of arns) {
    if (Token.isUnresolved(arn)) continue;
    if (typeof arn !== 'string' || !ADMINISTRATOR_ARN_PATTERN.test(arn)) {
      throw new Error(
        `administratorArns: received '${arn}'; expected an exact IAM role or user ARN, arn:<partition>:iam::<account-id>:role/<name> ` +
          'or :user/<name> (no wildcard, no account root, no assumed-role session ARN, no ${...} placeholder)',
      );
    }
  }
}
