/**
 * When an Allow statement of a resource or trust policy is open to the public: the analysis behind
 * `PolicyRule.PUBLIC_PRINCIPAL`, shared by `PolicyValidator`, the validation plugin and the
 * validate-policies CLI (through document-rules.ts).
 *
 * A statement is public when its principal is every AWS principal (`"*"`, `{"AWS": "*"}`, or an
 * ARN whose account is a wildcard such as `arn:aws:iam::*:root`) and no condition narrows WHO the
 * caller is. Only a condition that pins the caller's identity, account, organization or network to
 * a fixed value narrows it; a condition on how the request is made (aws:SecureTransport, a date, an
 * external id, a tag the caller sets) leaves it open to every AWS account.
 *
 * Close to IAM Access Analyzer's and S3 Block Public Access's notion of "public", with one
 * deliberate difference: `aws:SourceIp` does not count. An address range says where a request
 * comes from, not which account's principal makes it (a shared egress, a proxy or a cloud
 * provider's range carries requests of any account), and requests through VPC endpoints carry no
 * aws:SourceIp at all. Use aws:SourceVpce/aws:SourceVpc or an account or organization key.
 *
 * No aws-cdk-lib import: the validate-policies CLI bundles this file.
 */

/**
 * Condition keys that identify the caller (or, for calls by an AWS service on a resource's behalf,
 * the resource and its owner), lower-cased. `sts:ExternalId` is not one: an external id is not a
 * secret (it is in templates and in the partner's configuration) and says nothing about the account.
 */
const IDENTITY_KEYS = new Set(
  [
    'aws:PrincipalAccount',
    'aws:PrincipalArn',
    'aws:PrincipalOrgID',
    'aws:PrincipalOrgPaths',
    'aws:userid',
    'aws:SourceAccount',
    'aws:SourceArn',
    'aws:SourceOwner',
    'aws:SourceOrgID',
    'aws:SourceOrgPaths',
    'aws:SourceVpc',
    'aws:SourceVpce',
    // What AWS suggests in key policies for "every principal of this account through a service".
    'kms:CallerAccount',
  ].map((k) => k.toLowerCase()),
);

/** Keys whose value is an organization path (`o-xxx/r-xxx/ou-xxx/...`): a trailing wildcard is how they are used. */
const ORG_PATH_KEYS = new Set(['aws:principalorgpaths', 'aws:sourceorgpaths']);

/** Keys whose value is an ARN: a wildcard in the resource part is narrowing when the account is literal. */
const ARN_KEYS = new Set(['aws:principalarn', 'aws:sourcearn']);

/**
 * Operators that require the key to be present and to match one of the values. Negated operators
 * (StringNotEquals, ArnNotLike, ...) match everyone else; `...IfExists` matches when the key is
 * absent; `ForAllValues:` matches when the key is absent; Null and Bool do not compare identities.
 */
const NARROWING_OPERATOR = /^(ForAnyValue:)?(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike)$/;

function asList(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function isIntrinsic(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).some((k) => k === 'Ref' || k.startsWith('Fn::'));
}

/** Whether an ARN names an account by a wildcard (`arn:aws:iam::*:root`, `arn:aws:iam::1?:role/x`). */
function hasWildcardAccount(arn: string): boolean {
  const parts = arn.split(':');
  return parts[0] === 'arn' && parts.length >= 6 && /[*?]/.test(parts[4]);
}

/**
 * Whether a principal element stands for every AWS principal: `"*"`, an `AWS` entry `"*"`, or an
 * `AWS` ARN with a wildcard account. Service, Federated and CanonicalUser principals are not public.
 */
export function isPublicPrincipal(principal: unknown): boolean {
  if (principal === '*') return true;
  if (principal === null || typeof principal !== 'object' || Array.isArray(principal)) return false;
  return asList((principal as Record<string, unknown>).AWS).some((p) => typeof p === 'string' && (p === '*' || hasWildcardAccount(p)));
}

/**
 * Whether a condition value pins an identity: no wildcard and no policy variable (`${...}`), except
 * the documented forms: an organization path under a literal organization id (`o-a1b2c3d4e5/*`), an
 * ARN with a literal 12-digit account (`arn:aws:iam::111122223333:role/ops-*`). A CloudFormation
 * intrinsic cannot be judged at synth and counts as fixed (the rules only judge what is literal).
 */
function isFixedValue(lowerKey: string, value: unknown): boolean {
  if (isIntrinsic(value)) return true;
  if (typeof value !== 'string' || value.length === 0) return false;
  if (value.includes('${')) return false;
  if (!/[*?]/.test(value)) return true;
  if (ORG_PATH_KEYS.has(lowerKey)) return /^o-[a-z0-9]{10,32}\//.test(value) && !/[*?]/.test(value.split('/')[0]);
  if (ARN_KEYS.has(lowerKey)) {
    const parts = value.split(':');
    return parts[0] === 'arn' && parts.length >= 6 && /^\d{12}$/.test(parts[4]);
  }
  return false;
}

/**
 * Whether a Condition element narrows WHO may make the request: at least one block (blocks are
 * ANDed) with a narrowing operator on an identity key whose every value is fixed.
 */
export function conditionNarrowsPrincipal(condition: unknown): boolean {
  if (condition === undefined || condition === null) return false;
  // An intrinsic condition (Fn::If over two blocks) cannot be judged: not treated as narrowing.
  if (typeof condition !== 'object' || Array.isArray(condition) || isIntrinsic(condition)) return false;
  for (const [operator, block] of Object.entries(condition as Record<string, unknown>)) {
    if (!NARROWING_OPERATOR.test(operator)) continue;
    if (block === null || typeof block !== 'object' || Array.isArray(block) || isIntrinsic(block)) continue;
    for (const [key, values] of Object.entries(block as Record<string, unknown>)) {
      const lowerKey = key.toLowerCase();
      if (!IDENTITY_KEYS.has(lowerKey)) continue;
      const list = isIntrinsic(values) ? [values] : asList(values);
      if (list.length > 0 && list.every((v) => isFixedValue(lowerKey, v))) return true;
    }
  }
  return false;
}

/**
 * Whether an Allow statement is open to every AWS principal (the caller checks the Effect). An Allow with
 * `NotPrincipal` grants every principal it does not name, anonymous ones included (IAM User Guide,
 * "NotPrincipal"): public too, unless a condition narrows it (red16 R16-5).
 */
export function isPublicStatement(statement: Record<string, unknown>): boolean {
  const everyone = isPublicPrincipal(statement.Principal) || statement.NotPrincipal !== undefined;
  return everyone && !conditionNarrowsPrincipal(statement.Condition);
}
