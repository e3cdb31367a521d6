/**
 * Semantic tests: the synthesized endpoint policies are evaluated against requests with an IAM
 * evaluator that models VPC endpoint policies (a request through an endpoint needs the endpoint
 * policy to allow it, in addition to the caller's IAM policies).
 */
import { Template } from 'aws-cdk-lib/assertions';
import { ALLOW_EVERYTHING, evaluateThroughEndpoint, PolicyJson, resolveIntrinsics } from '@cdk-guardrails/policy-test-kit';
import { PrivateNetwork, VpcSource } from '../lib';
import { ACCOUNT, OTHER_ACCOUNT, REGION, ZONES, newStack } from './helpers';

jest.setTimeout(60_000);

const ROLE = `arn:aws:iam::${ACCOUNT}:role/rotation`;
const OTHER_ROLE = `arn:aws:iam::${OTHER_ACCOUNT}:role/attacker`;
const THIRD_ACCOUNT = '333333333333';

/** The endpoint policy of each endpoint, keyed by IAM action prefix, resolved to plain JSON. */
function endpointPolicies(additionalResourceAccounts?: string[]): Record<string, PolicyJson> {
  const stack = newStack();
  new PrivateNetwork(stack, 'Network', { vpcSource: VpcSource.create({ availabilityZones: ZONES }), additionalResourceAccounts });
  const out: Record<string, PolicyJson> = {};
  for (const endpoint of Object.values(Template.fromStack(stack).findResources('AWS::EC2::VPCEndpoint')) as any[]) {
    const policy = resolveIntrinsics(endpoint.Properties.PolicyDocument, { account: ACCOUNT, region: REGION });
    const statements: any[] = policy.Statement;
    const prefix = String([statements[0].Action].flat()[0]).split(':')[0];
    out[prefix] = policy;
  }
  return out;
}

/** Test-only: an identity policy that allows everything, so only the endpoint policy can refuse a request. */
const ALLOW_ALL: PolicyJson = ALLOW_EVERYTHING;

/**
 * The evaluator does not derive the global keys itself: set them the way AWS does, from the
 * caller (aws:PrincipalAccount) and from the resource's owner (aws:ResourceAccount; absent for
 * actions that act on no resource).
 */
async function decide(policy: PolicyJson, action: string, principal: string, resource: string, resourceAccount: string) {
  const context: Record<string, string> = { 'aws:PrincipalAccount': principal.split(':')[4] };
  if (resource !== '*') context['aws:ResourceAccount'] = resourceAccount;
  return evaluateThroughEndpoint({
    request: { action, principal, resource, resourceAccount, context },
    endpointPolicies: [policy],
    identityPolicies: [ALLOW_ALL],
    // The resource's own policy (key policy, bucket policy, stream policy ...) lets the caller in,
    // even across accounts: the endpoint policy is the only thing that can refuse the request.
    resourcePolicy:
      resource === '*'
        ? undefined
        : {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: action, Resource: resource }],
          },
  });
}

// One request per endpoint: a resource of this account, and the same resource in another account.
const CASES: { prefix: string; action: string; resource: (account: string) => string }[] = [
  { prefix: 'secretsmanager', action: 'secretsmanager:GetSecretValue', resource: (a) => `arn:aws:secretsmanager:${REGION}:${a}:secret:prod/db-AbCdEf` },
  { prefix: 'kms', action: 'kms:Decrypt', resource: (a) => `arn:aws:kms:${REGION}:${a}:key/1234abcd-12ab-34cd-56ef-1234567890ab` },
  { prefix: 'logs', action: 'logs:PutLogEvents', resource: (a) => `arn:aws:logs:${REGION}:${a}:log-group:/guardrails/central/audit:log-stream:s` },
  { prefix: 'kinesis', action: 'kinesis:PutRecord', resource: (a) => `arn:aws:kinesis:${REGION}:${a}:stream/central` },
  { prefix: 'sqs', action: 'sqs:SendMessage', resource: (a) => `arn:aws:sqs:${REGION}:${a}:dead-letters` },
  { prefix: 'sts', action: 'sts:AssumeRole', resource: (a) => `arn:aws:iam::${a}:role/target` },
  { prefix: 's3', action: 's3:PutObject', resource: () => 'arn:aws:s3:::some-bucket/key' },
];

describe.each(CASES)('$prefix endpoint', ({ prefix, action, resource }) => {
  test(`allows this account's principal on this account's resource (${action})`, async () => {
    const policies = endpointPolicies();
    expect(await decide(policies[prefix], action, ROLE, resource(ACCOUNT), ACCOUNT)).toBe('Allowed');
  });

  test("denies this account's principal on another account's resource (exfiltration)", async () => {
    const policies = endpointPolicies();
    expect(await decide(policies[prefix], action, ROLE, resource(OTHER_ACCOUNT), OTHER_ACCOUNT)).toBe('ImplicitlyDenied');
  });

  test("denies another account's principal, even on this account's resource (stolen credentials used in this VPC)", async () => {
    const policies = endpointPolicies();
    expect(await decide(policies[prefix], action, OTHER_ROLE, resource(ACCOUNT), ACCOUNT)).toBe('ImplicitlyDenied');
  });
});

describe('additional resource accounts', () => {
  test("allow that account's resources, not a third account's", async () => {
    const policies = endpointPolicies([OTHER_ACCOUNT]);
    const stream = (a: string) => `arn:aws:kinesis:${REGION}:${a}:stream/central`;
    expect(await decide(policies.kinesis, 'kinesis:PutRecord', ROLE, stream(OTHER_ACCOUNT), OTHER_ACCOUNT)).toBe('Allowed');
    expect(await decide(policies.kinesis, 'kinesis:PutRecord', ROLE, stream(THIRD_ACCOUNT), THIRD_ACCOUNT)).toBe('ImplicitlyDenied');
  });

  test("never let that account's principals call through the endpoints", async () => {
    const policies = endpointPolicies([OTHER_ACCOUNT]);
    expect(await decide(policies.kinesis, 'kinesis:PutRecord', OTHER_ROLE, `arn:aws:kinesis:${REGION}:${OTHER_ACCOUNT}:stream/central`, OTHER_ACCOUNT)).toBe(
      'ImplicitlyDenied',
    );
  });
});

describe('actions without a resource', () => {
  test("GetRandomPassword (used by the token rotation) is allowed for this account's principals only", async () => {
    const policies = endpointPolicies();
    // No resource, so no aws:ResourceAccount in the request.
    expect(await decide(policies.secretsmanager, 'secretsmanager:GetRandomPassword', ROLE, '*', ACCOUNT)).toBe('Allowed');
    expect(await decide(policies.secretsmanager, 'secretsmanager:GetRandomPassword', OTHER_ROLE, '*', OTHER_ACCOUNT)).toBe('ImplicitlyDenied');
  });
});
