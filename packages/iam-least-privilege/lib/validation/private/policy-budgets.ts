/** Where policy documents sit in each resource type, and the size budget each one has. No aws-cdk-lib import. */
import { DocumentKind, RuleFinding } from './document-rules';
import { PolicyRule } from '../policy-rule';
import { ExtractedPolicy, TemplateResource } from './template-types';

export interface SizeLimit {
  readonly limit: number;
  readonly unit: 'characters' | 'bytes';
  readonly label: string;
}

export const MANAGED_POLICY: SizeLimit = { limit: 6144, unit: 'characters', label: 'managed policy limit (6,144 characters)' };
export const TRUST_POLICY: SizeLimit = { limit: 2048, unit: 'characters', label: 'trust policy default limit (2,048 characters)' };
export const SCP: SizeLimit = { limit: 5120, unit: 'characters', label: 'service control policy limit (5,120 characters)' };
export const ROLE_INLINE: SizeLimit = { limit: 10240, unit: 'characters', label: 'inline policies per role limit (10,240 characters in total)' };
export const USER_INLINE: SizeLimit = { limit: 2048, unit: 'characters', label: 'inline policies per user limit (2,048 characters in total)' };
export const GROUP_INLINE: SizeLimit = { limit: 5120, unit: 'characters', label: 'inline policies per group limit (5,120 characters in total)' };
export const BUCKET_POLICY: SizeLimit = { limit: 20480, unit: 'bytes', label: 'S3 bucket policy limit (20 KB)' };
export const KEY_POLICY: SizeLimit = { limit: 32768, unit: 'bytes', label: 'KMS key policy limit (32 KB)' };
export const LOGS_DESTINATION: SizeLimit = { limit: 5120, unit: 'bytes', label: 'CloudWatch Logs destination policy limit (5,120 bytes)' };
export const LOGS_RESOURCE_POLICY: SizeLimit = { limit: 5120, unit: 'characters', label: 'CloudWatch Logs resource policy limit (5,120 characters)' };
export const QUEUE_POLICY: SizeLimit = { limit: 8192, unit: 'bytes', label: 'SQS queue policy limit (8,192 bytes)' };
export const SECRET_POLICY: SizeLimit = { limit: 20480, unit: 'characters', label: 'Secrets Manager resource policy limit (20,480 characters)' };

export interface DocumentSpec {
  readonly path: string[];
  readonly kind: DocumentKind;
  readonly size?: SizeLimit;
  readonly aaResourceType?: string;
  readonly publicType?: string;
}

/** The resource types whose policies are checked, and where their documents are. */
export const DOCUMENTS: Record<string, DocumentSpec[]> = {
  'AWS::IAM::ManagedPolicy': [{ path: ['PolicyDocument'], kind: 'identity', size: MANAGED_POLICY }],
  'AWS::IAM::Policy': [{ path: ['PolicyDocument'], kind: 'identity' }],
  'AWS::IAM::RolePolicy': [{ path: ['PolicyDocument'], kind: 'identity' }],
  'AWS::IAM::UserPolicy': [{ path: ['PolicyDocument'], kind: 'identity' }],
  'AWS::IAM::GroupPolicy': [{ path: ['PolicyDocument'], kind: 'identity' }],
  'AWS::IAM::Role': [
    { path: ['AssumeRolePolicyDocument'], kind: 'trust', size: TRUST_POLICY, aaResourceType: 'AWS::IAM::AssumeRolePolicyDocument' },
  ],
  'AWS::S3::BucketPolicy': [
    { path: ['PolicyDocument'], kind: 'resource', size: BUCKET_POLICY, aaResourceType: 'AWS::S3::Bucket', publicType: 'AWS::S3::Bucket' },
  ],
  // In a key policy Resource must be "*" and means this key only.
  'AWS::KMS::Key': [{ path: ['KeyPolicy'], kind: 'resource-self', size: KEY_POLICY, publicType: 'AWS::KMS::Key' }],
  'AWS::KMS::ReplicaKey': [{ path: ['KeyPolicy'], kind: 'resource-self', size: KEY_POLICY, publicType: 'AWS::KMS::Key' }],
  'AWS::SQS::QueuePolicy': [{ path: ['PolicyDocument'], kind: 'resource', size: QUEUE_POLICY }],
  'AWS::SQS::QueueInlinePolicy': [{ path: ['PolicyDocument'], kind: 'resource', size: QUEUE_POLICY }],
  'AWS::SNS::TopicPolicy': [{ path: ['PolicyDocument'], kind: 'resource' }],
  'AWS::SNS::TopicInlinePolicy': [{ path: ['PolicyDocument'], kind: 'resource' }],
  'AWS::Logs::Destination': [{ path: ['DestinationPolicy'], kind: 'resource', size: LOGS_DESTINATION }],
  'AWS::Logs::ResourcePolicy': [{ path: ['PolicyDocument'], kind: 'resource', size: LOGS_RESOURCE_POLICY }],
  'AWS::SecretsManager::ResourcePolicy': [
    // In a secret's resource policy "*" means this secret only.
    { path: ['ResourcePolicy'], kind: 'resource-self', size: SECRET_POLICY },
  ],
  'AWS::Organizations::Policy': [{ path: ['Content'], kind: 'scp', size: SCP }],
};

/** The resource types this module reads. */
export const POLICY_RESOURCE_TYPES = Object.keys(DOCUMENTS).concat(['AWS::IAM::User', 'AWS::IAM::Group']);

/** Resource types whose inline policies share a size budget, and the property linking a policy resource to them. */
export const INLINE_BUDGETS: { owner: string; limit: SizeLimit; policyProperty: string; inlinePolicyType: string; nameProperty: string }[] = [
  { owner: 'AWS::IAM::Role', limit: ROLE_INLINE, policyProperty: 'Roles', inlinePolicyType: 'AWS::IAM::RolePolicy', nameProperty: 'RoleName' },
  { owner: 'AWS::IAM::User', limit: USER_INLINE, policyProperty: 'Users', inlinePolicyType: 'AWS::IAM::UserPolicy', nameProperty: 'UserName' },
  { owner: 'AWS::IAM::Group', limit: GROUP_INLINE, policyProperty: 'Groups', inlinePolicyType: 'AWS::IAM::GroupPolicy', nameProperty: 'GroupName' },
];

/** Size as AWS counts it: JSON without whitespace, in characters or UTF-8 bytes. */
export function policySize(rendered: unknown, unit: 'characters' | 'bytes' = 'characters'): number {
  const json = JSON.stringify(rendered);
  return unit === 'bytes' ? Buffer.byteLength(json, 'utf8') : json.length;
}

export function tooLarge(location: string, size: number, limit: SizeLimit, approximate: boolean): RuleFinding {
  return {
    rule: PolicyRule.POLICY_TOO_LARGE,
    location,
    message:
      `policy is ${size} ${limit.unit}, over the ${limit.label}` +
      (approximate ? ' (approximate: unresolved references counted as realistic ARN-length placeholders)' : ''),
  };
}

export function inlineBudgetFindings(resources: Record<string, TemplateResource>, policies: ExtractedPolicy[]): { logicalId: string; finding: RuleFinding }[] {
  const out: { logicalId: string; finding: RuleFinding }[] = [];
  for (const budget of INLINE_BUDGETS) {
    for (const [ownerId, owner] of Object.entries(resources)) {
      if (owner?.Type !== budget.owner) continue;
      const parts = policies.filter((p) => {
        if (p.kind !== 'identity') return false;
        if (p.logicalId === ownerId) return true; // the owner's own Policies
        const props = resources[p.logicalId]?.Properties ?? {};
        if (p.resourceType === 'AWS::IAM::Policy') return refersTo(props[budget.policyProperty], ownerId);
        if (p.resourceType === budget.inlinePolicyType) return refersTo(props[budget.nameProperty], ownerId);
        return false;
      });
      if (parts.length === 0) continue;
      const total = parts.reduce((sum, p) => sum + policySize(p.rendered), 0);
      if (total > budget.limit.limit) {
        const detail = parts.map((p) => `${p.logicalId}:${p.location}=${policySize(p.rendered)}`).join(', ');
        out.push({
          logicalId: ownerId,
          finding: {
            ...tooLarge('Properties.Policies', total, budget.limit, parts.some((p) => p.approximate)),
            message: `${tooLarge('', total, budget.limit, parts.some((p) => p.approximate)).message}; inline policies: ${detail}`,
          },
        });
      }
    }
  }
  return out;
}

export function refersTo(value: unknown, logicalId: string): boolean {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.some((v) => v && typeof v === 'object' && (v).Ref === logicalId);
}
