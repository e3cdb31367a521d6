import { PolicySizeLimit } from '@cdk-guardrails/facts';
import { Token } from 'aws-cdk-lib';

/** ARN of a CloudWatch Logs destination (the one format: CentralLogDestination.arnFor and the size checks use it). */
export function destinationArnOf(account: string, region: string, destinationName: string, partition: string): string {
  return `arn:${partition}:logs:${region}:${account}:destination:${destinationName}`;
}

/** CloudWatch Logs PutDestinationPolicy: the access policy can be up to 5,120 bytes. */
export const DESTINATION_POLICY_MAX_BYTES = PolicySizeLimit.LOGS_DESTINATION_POLICY.maximum;

export interface DestinationPolicyInput {
  readonly destinationArn: string;
  /** 12-digit account ids allowed to subscribe (account mode). */
  readonly senderAccounts?: string[];
  /** Organization id (org mode: any principal of the organization, or of senderAccounts only). */
  readonly organizationId?: string;
  /** OUs whose accounts may also subscribe (org mode, `aws:PrincipalOrgPaths`). */
  readonly organizationalUnitIds?: string[];
  /**
   * Only these principals of the senders may subscribe (`ArnLike aws:PrincipalArn`): the evidence
   * destination's policy. Unset: any principal of the senders.
   */
  readonly subscriberArnPatterns?: string[];
}

/**
 * The destination access policy: who may call logs:PutSubscriptionFilter against the
 * destination. Account mode names each workload account; organization mode allows any
 * principal whose aws:PrincipalOrgID matches (senders then need a role in their filters).
 */
export function destinationPolicyDocument(input: DestinationPolicyInput): any {
  const doc = senderPolicyDocument(input);
  const patterns = input.subscriberArnPatterns;
  if (patterns === undefined) return doc;
  // Every statement keeps its senders (accounts, organization, OUs) and admits only the named
  // principals of them: a bounded administrator of a sender account matches no pattern.
  for (const statement of doc.Statement) {
    statement.Condition = { ...(statement.Condition ?? {}), ArnLike: { 'aws:PrincipalArn': [...patterns] } };
  }
  return doc;
}

function senderPolicyDocument(input: DestinationPolicyInput): any {
  const statement: any = {
    Effect: 'Allow',
    Action: 'logs:PutSubscriptionFilter',
    Resource: input.destinationArn,
  };
  if (input.organizationId !== undefined && input.senderAccounts !== undefined) {
    // Named accounts, and only while they are in the organization.
    statement.Sid = 'AllowListedOrganizationAccountsToSubscribe';
    statement.Principal = { AWS: input.senderAccounts };
    statement.Condition = { StringEquals: { 'aws:PrincipalOrgID': input.organizationId } };
    const statements = [statement];
    const ous = input.organizationalUnitIds ?? [];
    if (ous.length > 0) {
      statements.push({
        Sid: 'AllowOrganizationalUnitAccountsToSubscribe',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: 'logs:PutSubscriptionFilter',
        Resource: input.destinationArn,
        Condition: {
          StringEquals: { 'aws:PrincipalOrgID': input.organizationId },
          'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': ous.map((ou) => `${input.organizationId}/*${ou}/*`) },
        },
      });
    }
    return { Version: '2012-10-17', Statement: statements };
  }
  if (input.organizationId !== undefined) {
    statement.Sid = 'AllowOrganizationAccountsToSubscribe';
    statement.Principal = { AWS: '*' };
    statement.Condition = { StringEquals: { 'aws:PrincipalOrgID': input.organizationId } };
  } else {
    statement.Sid = 'AllowWorkloadAccountsToSubscribe';
    // Bare account ids, as in the CloudWatch Logs documentation (shorter than root ARNs, so
    // more accounts fit under the 5,120-byte limit).
    statement.Principal = { AWS: input.senderAccounts ?? [] };
  }
  return { Version: '2012-10-17', Statement: [statement] };
}

/** Placeholders at least as long as any real value, for sizing before CloudFormation resolves tokens. */
export const PLACEHOLDER_PARTITION = 'aws-us-gov';
export const PLACEHOLDER_REGION = 'xx-xxxxxxxxxxx-9';
export const PLACEHOLDER_ACCOUNT = '000000000000';
export const PLACEHOLDER_ORGANIZATION = 'o-' + 'x'.repeat(32);

/**
 * Byte size of the policy once CloudFormation has resolved it, as it is sent to
 * PutDestinationPolicy. Pass a destination ARN built from concrete values or the placeholders
 * above; unresolved sender accounts and organization ids are sized with placeholders too.
 */
export function destinationPolicyBytes(input: DestinationPolicyInput): number {
  const concrete = (s: string, fallback: string) => (Token.isUnresolved(s) ? fallback : s);
  const doc = destinationPolicyDocument({
    destinationArn: input.destinationArn,
    senderAccounts: input.senderAccounts?.map((a) => concrete(a, PLACEHOLDER_ACCOUNT)),
    organizationId: input.organizationId === undefined ? undefined : concrete(input.organizationId, PLACEHOLDER_ORGANIZATION),
    organizationalUnitIds: input.organizationalUnitIds?.map((ou) => concrete(ou, 'ou-' + 'x'.repeat(32) + '-' + 'x'.repeat(32))),
    // A pattern is a token only when built from unresolved values: sized as a role ARN of the longest name.
    subscriberArnPatterns: input.subscriberArnPatterns?.map((p) =>
      concrete(p, `arn:${PLACEHOLDER_PARTITION}:iam::${PLACEHOLDER_ACCOUNT}:role/${'x'.repeat(64)}`),
    ),
  });
  return PolicySizeLimit.LOGS_DESTINATION_POLICY.sizeOf(doc);
}
