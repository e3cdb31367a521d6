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
  'kms:UpdateAlias',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:EnableKey',
  'kms:DisableKey',
  'kms:EnableKeyRotation',
  'kms:DisableKeyRotation',
  'kms:RotateKeyOnDemand',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListGrants',
  'kms:ListKeyPolicies',
  'kms:ListKeyRotations',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:UpdateKeyDescription',
  'kms:RevokeGrant',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
];

/**
 * Symmetric encryption use. Every action is named (no `kms:GenerateDataKey*` style wildcards), so an
 * action KMS adds later is never granted without a review; the asymmetric data-key-pair actions are
 * deliberately absent (the hierarchy's keys are symmetric).
 */
const ENCRYPT_ONLY = ['kms:Encrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext'];

/** What an AWS service needs to encrypt and decrypt on the caller's behalf. */
export const SERVICE_USE_ACTIONS = ['kms:Decrypt', ...ENCRYPT_ONLY, 'kms:DescribeKey'];

/** Grants that services such as EBS or RDS create on a key for the resources they manage. */
export const SERVICE_GRANT_ACTIONS = ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'];

/** CloudWatch Logs (the documented `Encrypt*`, `Decrypt*`, `ReEncrypt*`, `GenerateDataKey*`, `Describe*`, spelled out). */
export const LOGS_SERVICE_ACTIONS = [...SERVICE_USE_ACTIONS];

/** Direct use granted to a principal (grantEncrypt / grantDecrypt / grantEncryptDecrypt). */
export const ENCRYPT_ACTIONS = [...ENCRYPT_ONLY];
export const DECRYPT_ACTIONS = ['kms:Decrypt'];
