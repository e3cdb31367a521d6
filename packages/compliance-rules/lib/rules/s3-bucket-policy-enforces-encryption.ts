import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import {
  asArray,
  awsPrincipals,
  conditionValues,
  flatten,
  logicalIdOf,
  renderedProperties,
  resourcesOfType,
  Statement,
  statementCoversAction,
  statementsOf,
} from '../private/cfn';
import { NagRule, namedRule } from '../private/rule';

const KEY_ID_CONDITION = 's3:x-amz-server-side-encryption-aws-kms-key-id';
const ENCRYPTION_CONDITION = 's3:x-amz-server-side-encryption';

/**
 * S3 buckets have a bucket policy that denies unencrypted PUTs (`s3:PutObject` when
 * `s3:x-amz-server-side-encryption` is absent) and, when the bucket's default encryption is
 * SSE-KMS, denies PUTs that name another KMS key than the bucket's key, pinned by ARN (a
 * key id condition with an alias never matches the ARN S3 compares with).
 *
 * Since 2023 S3 encrypts every new object with SSE-S3 by default, but only the deny makes
 * the encryption a checked guarantee rather than a default a caller may override.
 *
 * @param node the CfnResource to check
 */
export const S3BucketPolicyEnforcesEncryption: NagRule = namedRule('S3BucketPolicyEnforcesEncryption', (node: CfnResource): NagRuleResult => {
  if (node.cfnResourceType !== 'AWS::S3::Bucket') return NagRuleCompliance.NOT_APPLICABLE;
  const bucketId = logicalIdOf(node);
  const bucketName = renderedProperties(node).BucketName;
  const policies = resourcesOfType(node, 'AWS::S3::BucketPolicy')
    .map(renderedProperties)
    .filter((p) => refersTo(p.Bucket, bucketId, bucketName));
  const statements = policies.flatMap((p) => statementsOf(p.PolicyDocument)).filter(deniesPutToEveryone);
  if (!statements.some(deniesMissingEncryptionHeader)) return NagRuleCompliance.NON_COMPLIANT;

  const encryption = asArray(renderedProperties(node).BucketEncryption?.ServerSideEncryptionConfiguration)
    .map((rule: any) => rule?.ServerSideEncryptionByDefault)
    .find((d: any) => d !== undefined);
  const algorithm = typeof encryption?.SSEAlgorithm === 'string' ? encryption.SSEAlgorithm : undefined;
  if (algorithm === undefined || !algorithm.startsWith('aws:kms')) return NagRuleCompliance.COMPLIANT;

  const bucketKey = encryption.KMSMasterKeyID;
  const pinned = statements.some((s) => {
    const keys = conditionValues(s, 'StringNotEquals', KEY_ID_CONDITION) ?? conditionValues(s, 'StringNotEqualsIfExists', KEY_ID_CONDITION);
    if (keys === undefined || keys.length === 0) return false;
    if (keys.some((k) => /(^|:)alias\//.test(flatten(k)))) return false;
    return bucketKey === undefined || keys.some((k) => flatten(k) === flatten(bucketKey));
  });
  return pinned ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
});

function refersTo(bucket: any, logicalId: string, bucketName: any): boolean {
  if (bucket && typeof bucket === 'object' && bucket.Ref === logicalId) return true;
  return bucketName !== undefined && flatten(bucket) === flatten(bucketName);
}

function deniesPutToEveryone(statement: Statement): boolean {
  return statement.Effect === 'Deny' && statementCoversAction(statement, 's3:PutObject') && awsPrincipals(statement).includes('*');
}

function deniesMissingEncryptionHeader(statement: Statement): boolean {
  const values = conditionValues(statement, 'Null', ENCRYPTION_CONDITION);
  return values !== undefined && values.some((v) => String(v) === 'true');
}
