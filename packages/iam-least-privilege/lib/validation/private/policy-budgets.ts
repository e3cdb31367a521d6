/** Where policy documents sit in each resource type, and the size budget each one has. No aws-cdk-lib import. */
import { PolicySizeLimit } from '@cdk-guardrails/facts';
import { DocumentKind, RuleFinding } from './document-rules';
import { PolicyRule } from '../policy-rule';
import { ExtractedPolicy, TemplateResource } from './template-types';

/** The limits of @cdk-guardrails/facts, by the short names this module uses. */
export const MANAGED_POLICY = PolicySizeLimit.IAM_MANAGED_POLICY;
export const TRUST_POLICY = PolicySizeLimit.IAM_TRUST_POLICY;
export const SCP = PolicySizeLimit.SERVICE_CONTROL_POLICY;
const BUCKET_POLICY = PolicySizeLimit.S3_BUCKET_POLICY;
const KEY_POLICY = PolicySizeLimit.KMS_KEY_POLICY;
const LOGS_DESTINATION = PolicySizeLimit.LOGS_DESTINATION_POLICY;
const LOGS_RESOURCE_POLICY = PolicySizeLimit.LOGS_RESOURCE_POLICY;
const QUEUE_POLICY = PolicySizeLimit.SQS_QUEUE_POLICY;
const SECRET_POLICY = PolicySizeLimit.SECRETS_MANAGER_RESOURCE_POLICY;

export interface DocumentSpec {
  readonly path: string[];
  readonly kind: DocumentKind;
  readonly size?: PolicySizeLimit;
  readonly aaResourceType?: string;
  /**
   * CheckNoPublicAccess resourceType: one of the types the API accepts (AWS::S3::Bucket,
   * AWS::KMS::Key, AWS::SQS::Queue, AWS::SNS::Topic, AWS::SecretsManager::Secret,
   * AWS::IAM::AssumeRolePolicyDocument... see the API reference of CheckNoPublicAccess).
   */
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
    {
      path: ['AssumeRolePolicyDocument'],
      kind: 'trust',
      size: TRUST_POLICY,
      aaResourceType: 'AWS::IAM::AssumeRolePolicyDocument',
      publicType: 'AWS::IAM::AssumeRolePolicyDocument',
    },
  ],
  'AWS::S3::BucketPolicy': [
    { path: ['PolicyDocument'], kind: 'resource', size: BUCKET_POLICY, aaResourceType: 'AWS::S3::Bucket', publicType: 'AWS::S3::Bucket' },
  ],
  // In a key policy Resource must be "*" and means this key only.
  'AWS::KMS::Key': [{ path: ['KeyPolicy'], kind: 'resource-self', size: KEY_POLICY, publicType: 'AWS::KMS::Key' }],
  'AWS::KMS::ReplicaKey': [{ path: ['KeyPolicy'], kind: 'resource-self', size: KEY_POLICY, publicType: 'AWS::KMS::Key' }],
  'AWS::SQS::QueuePolicy': [{ path: ['PolicyDocument'], kind: 'resource', size: QUEUE_POLICY, publicType: 'AWS::SQS::Queue' }],
  'AWS::SQS::QueueInlinePolicy': [{ path: ['PolicyDocument'], kind: 'resource', size: QUEUE_POLICY, publicType: 'AWS::SQS::Queue' }],
  'AWS::SNS::TopicPolicy': [{ path: ['PolicyDocument'], kind: 'resource', publicType: 'AWS::SNS::Topic' }],
  'AWS::SNS::TopicInlinePolicy': [{ path: ['PolicyDocument'], kind: 'resource', publicType: 'AWS::SNS::Topic' }],
  // CheckNoPublicAccess has no resource type for Logs destinations or Logs resource policies.
  'AWS::Logs::Destination': [{ path: ['DestinationPolicy'], kind: 'resource', size: LOGS_DESTINATION }],
  'AWS::Logs::ResourcePolicy': [{ path: ['PolicyDocument'], kind: 'resource', size: LOGS_RESOURCE_POLICY }],
  'AWS::SecretsManager::ResourcePolicy': [
    // In a secret's resource policy "*" means this secret only.
    { path: ['ResourcePolicy'], kind: 'resource-self', size: SECRET_POLICY, publicType: 'AWS::SecretsManager::Secret' },
  ],
  'AWS::Organizations::Policy': [{ path: ['Content'], kind: 'scp', size: SCP }],
};

/** The resource types this module reads. */
export const POLICY_RESOURCE_TYPES = Object.keys(DOCUMENTS).concat(['AWS::IAM::User', 'AWS::IAM::Group']);

/** Resource types whose inline policies share a size budget, and the property linking a policy resource to them. */
export const INLINE_BUDGETS: { owner: string; limit: PolicySizeLimit; policyProperty: string; inlinePolicyType: string; nameProperty: string }[] = [
  {
    owner: 'AWS::IAM::Role',
    limit: PolicySizeLimit.IAM_ROLE_INLINE_POLICIES,
    policyProperty: 'Roles',
    inlinePolicyType: 'AWS::IAM::RolePolicy',
    nameProperty: 'RoleName',
  },
  {
    owner: 'AWS::IAM::User',
    limit: PolicySizeLimit.IAM_USER_INLINE_POLICIES,
    policyProperty: 'Users',
    inlinePolicyType: 'AWS::IAM::UserPolicy',
    nameProperty: 'UserName',
  },
  {
    owner: 'AWS::IAM::Group',
    limit: PolicySizeLimit.IAM_GROUP_INLINE_POLICIES,
    policyProperty: 'Groups',
    inlinePolicyType: 'AWS::IAM::GroupPolicy',
    nameProperty: 'GroupName',
  },
];

export function tooLarge(location: string, size: number, limit: PolicySizeLimit, upperBound: boolean): RuleFinding {
  return {
    rule: PolicyRule.POLICY_TOO_LARGE,
    location,
    message:
      `policy is ${upperBound ? 'up to ' : ''}${size} ${limit.unit}, over the ${limit.label}` +
      (upperBound ? ' (an upper bound: references unknown at synth counted at their longest)' : ''),
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
      const total = parts.reduce((sum, p) => sum + p.sizeCharacters, 0);
      if (total > budget.limit.maximum) {
        const detail = parts.map((p) => `${p.logicalId}:${p.location}=${p.sizeCharacters}`).join(', ');
        out.push({
          logicalId: ownerId,
          finding: {
            ...tooLarge(
              'Properties.Policies',
              total,
              budget.limit,
              parts.some((p) => p.approximate),
            ),
            message: `${
              tooLarge(
                '',
                total,
                budget.limit,
                parts.some((p) => p.approximate),
              ).message
            }; inline policies: ${detail}`,
          },
        });
      }
    }
  }
  return out;
}

export function refersTo(value: unknown, logicalId: string): boolean {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.some((v) => v && typeof v === 'object' && v.Ref === logicalId);
}
