/**
 * KMS action lists used by the key policies and the grant methods.
 *
 * Kept as explicit constants so a reviewer can read exactly what each statement allows.
 */

/**
 * Key management only: no cryptographic use and no kms:CreateGrant (a grant would let an
 * administrator hand themselves Decrypt without a key-policy change that shows up in CloudTrail
 * as PutKeyPolicy). `kms:Create*` is therefore narrowed to `kms:CreateAlias`.
 */
export const ADMIN_ACTIONS = [
  'kms:CreateAlias',
  'kms:Describe*',
  'kms:Enable*',
  'kms:List*',
  'kms:Put*',
  'kms:Update*',
  'kms:Revoke*',
  'kms:Disable*',
  'kms:Get*',
  'kms:Delete*',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
  'kms:RotateKeyOnDemand',
];

/** What an AWS service needs to encrypt and decrypt on the caller's behalf. */
export const SERVICE_USE_ACTIONS = [
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncrypt*',
  'kms:GenerateDataKey*',
  'kms:DescribeKey',
];

/** Grants that services such as EBS or RDS create on a key for the resources they manage. */
export const SERVICE_GRANT_ACTIONS = ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'];

/** CloudWatch Logs, as documented for log-group encryption. */
export const LOGS_SERVICE_ACTIONS = [
  'kms:Encrypt*',
  'kms:Decrypt*',
  'kms:ReEncrypt*',
  'kms:GenerateDataKey*',
  'kms:Describe*',
];

/** Same lists as aws-cdk-lib's kms.Key grants, so grants behave as CDK users expect. */
export const ENCRYPT_ACTIONS = ['kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'];
export const DECRYPT_ACTIONS = ['kms:Decrypt'];
