/**
 * The bucket-policy statements that keep a bucket's protection in place: only named
 * administrators may change the configuration that guards the objects (policy, versioning,
 * lifecycle, replication, Object Lock, logging, encryption, public access, ownership) or
 * bypass Object Lock.
 *
 * Plain JSON like ./statements.ts and, like it, no aws-cdk-lib import, so the migration CLI
 * can bundle it later. Values may be CDK token strings (the bucket ARN of a bucket in the app).
 */
import { StatementJson } from './statements';

/** Statement ids. */
export const PROTECTION_SIDS = {
  denyConfigurationChanges: 'DenyBucketConfigurationChanges',
  denyObjectLockBypass: 'DenyObjectLockBypass',
  denyLegalHoldRemoval: 'DenyLegalHoldRemoval',
} as const;

export const ALL_PROTECTION_SIDS: readonly string[] = Object.values(PROTECTION_SIDS);

/**
 * Bucket-level actions that change what protects the bucket's objects. Each `Put...` action also
 * authorizes the matching `Delete...` API (DeleteBucketEncryption, DeletePublicAccessBlock,
 * DeleteBucketOwnershipControls, DeleteBucketLifecycle, DeleteBucketReplication need the `Put`
 * permission, per the Amazon S3 API reference), so the delete APIs are covered too. Every entry is
 * checked against the IAM dataset in the tests.
 */
export const BUCKET_CONFIGURATION_ACTIONS: readonly string[] = [
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
  's3:PutBucketVersioning', // suspending versioning
  's3:PutLifecycleConfiguration', // expiring current or noncurrent versions
  's3:PutReplicationConfiguration', // stopping or redirecting the copy to the second region
  's3:PutBucketObjectLockConfiguration', // shortening or removing the default retention
  's3:PutBucketLogging',
  's3:PutEncryptionConfiguration',
  's3:PutBucketPublicAccessBlock',
  's3:PutBucketOwnershipControls', // re-enabling ACLs
  's3:PutBucketAcl',
  's3:PutBucketNotification', // redirecting or removing event notifications
  's3:PutInventoryConfiguration', // exporting the list of objects to a bucket of another account
  's3:PutAnalyticsConfiguration', // exporting storage analytics to another bucket
  's3:PutBucketCORS', // letting other web origins read the objects from a browser
  's3:PutBucketWebsite',
  's3:PutBucketRequestPayment', // requester pays: writers (CloudTrail, Config) without the header fail
  's3:PutBucketTagging', // the tags that classify the bucket (data-classification) and that policies match
  's3:PutBucketAbac', // switching tag-based access control on: the bucket's tags then grant access
  's3:PutIntelligentTieringConfiguration', // archive tiers: the evidence can no longer be read without a restore
  // A metadata table copies every object's key, size, tags and writer into a table bucket that
  // another principal may read; the journal records the deletes an attacker would rather hide.
  's3:CreateBucketMetadataTableConfiguration',
  's3:DeleteBucketMetadataTableConfiguration',
  's3:UpdateBucketMetadataAnnotationTableConfiguration',
  's3:UpdateBucketMetadataInventoryTableConfiguration',
  's3:UpdateBucketMetadataJournalTableConfiguration',
  's3:DeleteBucket',
];

/**
 * Object-level actions that weaken Object Lock.
 *
 * - `s3:BypassGovernanceRetention` lets a caller delete, overwrite or shorten the retention of a
 *   governance-mode version: denied.
 * - `s3:PutObjectRetention` is NOT denied: in compliance mode a retention can only be extended, and
 *   in governance mode shortening or removing it needs `s3:BypassGovernanceRetention` as well, which
 *   is denied. Writers that set a retention on upload need it (aws-cdk-lib's `grantWrite` grants it).
 * - `s3:PutObjectLegalHold` is denied only when it turns a legal hold OFF (see LEGAL_HOLD_KEY);
 *   placing a hold is a strengthening and part of `grantWrite`.
 */
export const OBJECT_LOCK_BYPASS_ACTIONS: readonly string[] = ['s3:BypassGovernanceRetention'];
export const LEGAL_HOLD_ACTIONS: readonly string[] = ['s3:PutObjectLegalHold'];

/** Condition keys. */
export const PROTECTION_CONDITION_KEYS = {
  principalArn: 'aws:PrincipalArn',
  /** ON or OFF: the legal-hold status the request sets (S3 service authorization reference). */
  legalHold: 's3:object-lock-legal-hold',
} as const;

/**
 * The three Deny statements, each exempting exactly the administrator ARNs through
 * `ArnNotEquals aws:PrincipalArn` (an assumed-role session matches its role ARN; a request without
 * the key, such as one made by an AWS service principal, is denied these actions).
 *
 * Each statement covers one class of change, so removing any one of them lets that change through
 * (the tests rely on this).
 */
export function protectionStatements(bucketArn: string, administratorArns: readonly string[]): StatementJson[] {
  // A fresh condition object per statement: the statements must not share mutable state.
  const exceptAdministrators = () => ({ ArnNotEquals: { [PROTECTION_CONDITION_KEYS.principalArn]: [...administratorArns] } });
  const objects = `${bucketArn}/*`;
  return [
    {
      Sid: PROTECTION_SIDS.denyConfigurationChanges,
      Effect: 'Deny',
      Principal: '*',
      Action: [...BUCKET_CONFIGURATION_ACTIONS],
      Resource: bucketArn,
      Condition: exceptAdministrators(),
    },
    {
      Sid: PROTECTION_SIDS.denyObjectLockBypass,
      Effect: 'Deny',
      Principal: '*',
      Action: [...OBJECT_LOCK_BYPASS_ACTIONS],
      Resource: objects,
      Condition: exceptAdministrators(),
    },
    {
      Sid: PROTECTION_SIDS.denyLegalHoldRemoval,
      Effect: 'Deny',
      Principal: '*',
      Action: [...LEGAL_HOLD_ACTIONS],
      Resource: objects,
      Condition: { ...exceptAdministrators(), StringEquals: { [PROTECTION_CONDITION_KEYS.legalHold]: 'OFF' } },
    },
  ];
}

/**
 * An IAM role or user ARN: `arn:<partition>:iam::<account>:role/<path/>name` or `...:user/<path/>name`.
 * IAM name characters include neither `*` nor `?`, so no wildcard passes.
 */
export const ADMINISTRATOR_ARN_PATTERN =
  /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-[a-z]|aws-eusc):iam::(\d{12}):(role|user)\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]+$/;

/** The account of an administrator ARN that matches ADMINISTRATOR_ARN_PATTERN, else undefined. */
export function administratorArnAccount(arn: string): string | undefined {
  return ADMINISTRATOR_ARN_PATTERN.exec(arn)?.[2];
}
