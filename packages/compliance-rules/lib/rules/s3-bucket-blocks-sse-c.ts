import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { renderedProperties } from '../private/cfn';
import { NagRule, namedRule } from '../private/rule';

/** The value S3 uses for SSE-C in `BlockedEncryptionTypes.EncryptionType`. */
const SSE_C = 'SSE-C';
/** The value that blocks nothing. */
const NONE = 'NONE';

/**
 * S3 buckets refuse object writes encrypted with a customer-provided key (SSE-C): every rule of
 * the bucket's `BucketEncryption.ServerSideEncryptionConfiguration` has
 * `BlockedEncryptionTypes.EncryptionType` listing `SSE-C` (literally, and not `NONE`).
 *
 * S3 itself then refuses SSE-C for `PutObject`, `CopyObject`, `PostObject`, multipart uploads
 * and replication, whoever sends them: ransomware cannot re-write objects under a key only it
 * holds. A bucket policy Deny on `s3:x-amz-server-side-encryption-customer-algorithm` does not
 * satisfy the rule on its own: how much it denies depends on its principals, resources and other
 * conditions, which a template can narrow in ways a rule cannot follow; the bucket setting has no
 * exception. A bucket without an encryption rule, a list of other types only (`NONE`), both
 * values, or a value the template does not show (`Fn::If`) is reported.
 *
 * @param node the CfnResource to check
 */
export const S3BucketBlocksSseC: NagRule = namedRule('S3BucketBlocksSseC', (node: CfnResource): NagRuleResult => {
  if (node.cfnResourceType !== 'AWS::S3::Bucket') return NagRuleCompliance.NOT_APPLICABLE;
  const rules = renderedProperties(node).BucketEncryption?.ServerSideEncryptionConfiguration;
  if (!Array.isArray(rules) || rules.length === 0) return NagRuleCompliance.NON_COMPLIANT;
  return rules.every(blocksSseC) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
});

/** Whether one encryption rule blocks SSE-C and nothing says otherwise. */
function blocksSseC(rule: any): boolean {
  const types = rule?.BlockedEncryptionTypes?.EncryptionType;
  if (!Array.isArray(types) || !types.every((t) => typeof t === 'string')) return false;
  return types.includes(SSE_C) && !types.includes(NONE);
}
