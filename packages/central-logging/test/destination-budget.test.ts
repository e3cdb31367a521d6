/**
 * Policy budgets at scale (issue 9): the central log destination with up to 1,000 workload
 * accounts. GIVEN a number of sender accounts, WHEN the destination is built, THEN every policy it
 * synthesizes stays under its AWS limit, or the constructor fails naming the limit and the fix.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { resolveIntrinsics } from '@cdk-guardrails/policy-test-kit';
import { CentralLogDestination, LogSenders } from '../lib';
import { newKey, newStack, ORG_ID, SECURITY_ACCOUNT } from './helpers';

/** CloudWatch Logs PutDestinationPolicy limit, bytes. */
const DESTINATION_POLICY_LIMIT = 5120;
/** IAM role trust policy default quota, characters (whitespace excluded, as IAM counts). */
const TRUST_POLICY_LIMIT = 2048;

const accounts = (n: number) => Array.from({ length: n }, (_v, i) => String(300000000000 + i));

/** The synthesized destination policy and destination-role trust policy, resolved as CloudFormation would. */
function synthesizedPolicies(senders: LogSenders, region = 'eu-west-1') {
  const stack = newStack(region);
  new CentralLogDestination(stack, 'Central', { senders, logsKey: newKey(stack) });
  const resources = Object.values<any>(Template.fromStack(stack).toJSON().Resources);
  const destination = resources.find((r) => r.Type === 'AWS::Logs::Destination');
  const role = resources.find((r) => r.Type === 'AWS::IAM::Role' && JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('logs.amazonaws.com'));
  const ctx = { account: SECURITY_ACCOUNT, region, partition: region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws' };
  return {
    destinationPolicyBytes: Buffer.byteLength(resolveIntrinsics(destination.Properties.DestinationPolicy, ctx), 'utf8'),
    trustPolicyChars: JSON.stringify(resolveIntrinsics(role.Properties.AssumeRolePolicyDocument, ctx)).length,
  };
}

/** The largest number of listed accounts the construct accepts (it is monotonic in the count). */
function largestAcceptedAccountCount(region = 'eu-west-1'): number {
  let lo = 1;
  let hi = 1000;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    try {
      const stack = newStack(region);
      new CentralLogDestination(stack, 'Central', { senders: LogSenders.fromAccounts(accounts(mid)), logsKey: newKey(stack) });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return lo;
}

describe('CentralLogDestination budgets at 1,000 accounts', () => {
  test('fails with 1,000 listed accounts, naming the limit and the fix (organizationId)', () => {
    const stack = newStack();
    expect(() => new CentralLogDestination(stack, 'Central', { senders: LogSenders.fromAccounts(accounts(1000)), logsKey: newKey(stack) })).toThrow(
      /(CloudWatch Logs|IAM) limit of (5120 bytes|2048).*organizationId/s,
    );
  });

  test('passes for an organization of any size: the policies do not grow with the accounts', () => {
    const { destinationPolicyBytes, trustPolicyChars } = synthesizedPolicies(LogSenders.fromOrganization(ORG_ID));
    expect(destinationPolicyBytes).toBeLessThanOrEqual(DESTINATION_POLICY_LIMIT);
    expect(trustPolicyChars).toBeLessThanOrEqual(TRUST_POLICY_LIMIT);
    // The policy names the organization, not accounts: 1,000 accounts cost nothing.
    expect(destinationPolicyBytes).toBeLessThan(400);
  });

  test.each(['eu-west-1', 'ap-southeast-3', 'us-gov-west-1'])(
    'at the boundary in %s: the largest accepted list synthesizes under both limits, one more account fails',
    (region) => {
      // GIVEN the largest number of listed accounts the construct accepts in this region
      const boundary = largestAcceptedAccountCount(region);
      expect(boundary).toBeGreaterThanOrEqual(30);
      // WHEN it is synthesized THEN the real (resolved) policies are within the limits: the size check is not optimistic
      const { destinationPolicyBytes, trustPolicyChars } = synthesizedPolicies(LogSenders.fromAccounts(accounts(boundary)), region);
      expect(destinationPolicyBytes).toBeLessThanOrEqual(DESTINATION_POLICY_LIMIT);
      expect(trustPolicyChars).toBeLessThanOrEqual(TRUST_POLICY_LIMIT);
      // AND one account more fails, naming the limit and the fix
      const stack = newStack(region);
      expect(() => new CentralLogDestination(stack, 'Central', { senders: LogSenders.fromAccounts(accounts(boundary + 1)), logsKey: newKey(stack) })).toThrow(
        new RegExp(`${TRUST_POLICY_LIMIT}.*organizationId`, 's'),
      );
    },
  );
});
