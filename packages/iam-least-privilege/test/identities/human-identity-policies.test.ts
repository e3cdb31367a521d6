import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { evaluate, PolicyJson } from '@cdk-guardrails/policy-test-kit';
import { ConsoleMfaPolicy, SensitiveActionsMfaPolicy, SourceIpRestrictionPolicy } from '../../lib';
import { ACCOUNT, ADMIN_POLICY, managedPolicyDocument, newStack, withoutStatement } from './helpers';

jest.setTimeout(60_000);

const USER = `arn:aws:iam::${ACCOUNT}:user/alice`;

function asUser(policy: PolicyJson, action: string, resource: string, context: Record<string, string | string[]>) {
  return evaluate({
    identityPolicies: [ADMIN_POLICY, policy],
    request: { action, principal: USER, resource, resourceAccount: ACCOUNT, context: { 'aws:username': 'alice', ...context } },
  });
}

describe('ConsoleMfaPolicy', () => {
  let policy: PolicyJson;
  beforeAll(() => {
    const stack = newStack();
    new ConsoleMfaPolicy(stack, 'Mfa');
    policy = managedPolicyDocument(stack);
  });

  test('uses BoolIfExists so long-term keys (key absent) are covered', () => {
    const stack = newStack();
    new ConsoleMfaPolicy(stack, 'Mfa', { managedPolicyName: 'ConsoleMfa' });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      ManagedPolicyName: 'ConsoleMfa',
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'DenyAllExceptMfaSelfServiceWithoutMfa',
            Effect: 'Deny',
            NotAction: Match.arrayWith(['iam:EnableMFADevice']),
            Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
          }),
        ]),
      },
    });
  });

  test.each([
    ['key absent (console without MFA, or long-term access keys)', {}],
    ['MultiFactorAuthPresent = false', { 'aws:MultiFactorAuthPresent': 'false' }],
  ])('a user without MFA is denied: %s', async (_name, context) => {
    await expect(asUser(policy, 's3:ListAllMyBuckets', '*', context)).resolves.toBe('ExplicitlyDenied');
    await expect(asUser(policy, 'ec2:TerminateInstances', `arn:aws:ec2:eu-west-1:${ACCOUNT}:instance/i-1`, context)).resolves.toBe('ExplicitlyDenied');
  });

  test('...and is not denied once DenyAllExceptMfaSelfServiceWithoutMfa is removed', async () => {
    await expect(asUser(withoutStatement(policy, 'DenyAllExceptMfaSelfServiceWithoutMfa'), 's3:ListAllMyBuckets', '*', {})).resolves.toBe('Allowed');
  });

  test('a user with MFA is allowed', async () => {
    await expect(asUser(policy, 's3:ListAllMyBuckets', '*', { 'aws:MultiFactorAuthPresent': 'true' })).resolves.toBe('Allowed');
  });

  test('a user without MFA can still enrol an MFA device for themselves', async () => {
    const onlyThisPolicy = (action: string, resource: string) =>
      evaluate({
        identityPolicies: [policy],
        request: { action, principal: USER, resource, resourceAccount: ACCOUNT, context: { 'aws:username': 'alice' } },
      });
    await expect(onlyThisPolicy('iam:EnableMFADevice', USER)).resolves.toBe('Allowed');
    await expect(onlyThisPolicy('iam:CreateVirtualMFADevice', `arn:aws:iam::${ACCOUNT}:mfa/alice`)).resolves.toBe('Allowed');
    // ... but not for someone else
    await expect(onlyThisPolicy('iam:EnableMFADevice', `arn:aws:iam::${ACCOUNT}:user/bob`)).resolves.toBe('ImplicitlyDenied');
  });
});

describe('SensitiveActionsMfaPolicy', () => {
  let policy: PolicyJson;
  beforeAll(() => {
    const stack = newStack();
    new SensitiveActionsMfaPolicy(stack, 'Sensitive', { maxMfaAge: Duration.minutes(30) });
    policy = managedPolicyDocument(stack);
  });
  // KMS would also need a key policy; IAM actions keep the test about this policy alone.
  const role = `arn:aws:iam::${ACCOUNT}:role/app`;

  test('a recent MFA sign-in is allowed', async () => {
    await expect(asUser(policy, 'iam:AttachRolePolicy', role, { 'aws:MultiFactorAuthPresent': 'true', 'aws:MultiFactorAuthAge': '600' })).resolves.toBe(
      'Allowed',
    );
  });

  test('an MFA sign-in older than the maximum age is denied; allowed without the stale-MFA statement', async () => {
    const context = { 'aws:MultiFactorAuthPresent': 'true', 'aws:MultiFactorAuthAge': '3600' };
    await expect(asUser(policy, 'iam:AttachRolePolicy', role, context)).resolves.toBe('ExplicitlyDenied');
    await expect(asUser(withoutStatement(policy, 'DenySensitiveActionsWithStaleMfa'), 'iam:AttachRolePolicy', role, context)).resolves.toBe('Allowed');
  });

  test('no MFA is denied; allowed without the no-MFA statement', async () => {
    await expect(asUser(policy, 'iam:AttachRolePolicy', role, {})).resolves.toBe('ExplicitlyDenied');
    await expect(asUser(withoutStatement(policy, 'DenySensitiveActionsWithoutMfa'), 'iam:AttachRolePolicy', role, {})).resolves.toBe('Allowed');
  });

  test('other actions are not affected', async () => {
    await expect(asUser(policy, 'iam:GetRole', role, {})).resolves.toBe('Allowed');
  });

  test('writes the maximum age in seconds', () => {
    const stack = newStack();
    new SensitiveActionsMfaPolicy(stack, 'Sensitive');
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Condition: { NumericGreaterThan: { 'aws:MultiFactorAuthAge': '3600' } } })]) },
    });
  });

  test('fails if the maximum age is above 12 hours', () => {
    expect(() => new SensitiveActionsMfaPolicy(newStack(), 'S', { maxMfaAge: Duration.hours(24) })).toThrow(/maxMfaAge: received 1 day/);
  });

  test('fails if an action is malformed', () => {
    expect(() => new SensitiveActionsMfaPolicy(newStack(), 'S', { actions: ['DeleteEverything'] })).toThrow(/actions: received 'DeleteEverything'/);
  });
});

describe('SourceIpRestrictionPolicy', () => {
  let policy: PolicyJson;
  beforeAll(() => {
    const stack = newStack();
    new SourceIpRestrictionPolicy(stack, 'Ip', { allowedCidrs: ['203.0.113.0/24', '2001:db8::/32'] });
    policy = managedPolicyDocument(stack);
  });
  const bucketObject = 'arn:aws:s3:::reports/q3.csv';
  const s3Get = (context: Record<string, string>) => asUser(policy, 's3:GetObject', bucketObject, { 's3:ResourceAccount': ACCOUNT, ...context });

  test('a request from outside the IP ranges is denied', async () => {
    await expect(s3Get({ 'aws:SourceIp': '198.51.100.7', 'aws:ViaAWSService': 'false' })).resolves.toBe('ExplicitlyDenied');
  });

  test("the same call made by an AWS service on the caller's behalf is not denied", async () => {
    await expect(s3Get({ 'aws:SourceIp': '198.51.100.7', 'aws:ViaAWSService': 'true' })).resolves.toBe('Allowed');
  });

  test('a request from inside the ranges (IPv4 and IPv6) is allowed', async () => {
    await expect(s3Get({ 'aws:SourceIp': '203.0.113.25', 'aws:ViaAWSService': 'false' })).resolves.toBe('Allowed');
    await expect(s3Get({ 'aws:SourceIp': '2001:db8::1', 'aws:ViaAWSService': 'false' })).resolves.toBe('Allowed');
  });

  test('the outside request is allowed once DenyOutsideAllowedIpRanges is removed', async () => {
    const without = withoutStatement(policy, 'DenyOutsideAllowedIpRanges');
    await expect(asUser(without, 's3:GetObject', bucketObject, { 'aws:SourceIp': '198.51.100.7', 'aws:ViaAWSService': 'false' })).resolves.toBe('Allowed');
  });

  test('allowed VPCs are exempt (requests through VPC endpoints carry no aws:SourceIp)', async () => {
    const stack = newStack();
    new SourceIpRestrictionPolicy(stack, 'Ip', { allowedCidrs: ['203.0.113.0/24'], allowedVpcIds: ['vpc-0123456789abcdef0'] });
    const withVpc = managedPolicyDocument(stack);
    await expect(asUser(withVpc, 's3:GetObject', bucketObject, { 'aws:SourceVpc': 'vpc-0123456789abcdef0', 'aws:ViaAWSService': 'false' })).resolves.toBe(
      'Allowed',
    );
    await expect(asUser(withVpc, 's3:GetObject', bucketObject, { 'aws:SourceVpc': 'vpc-0fffffffffffffff0', 'aws:ViaAWSService': 'false' })).resolves.toBe(
      'ExplicitlyDenied',
    );
    await expect(asUser(withVpc, 's3:GetObject', bucketObject, { 'aws:SourceIp': '198.51.100.7', 'aws:ViaAWSService': 'false' })).resolves.toBe(
      'ExplicitlyDenied',
    );
  });

  test.each([
    ['0.0.0.0/0', /allowedCidrs: received '0\.0\.0\.0\/0', a prefix length of 0, which allows every address of IPv4; expected/],
    ['203.0.113.0/0', /received '203\.0\.113\.0\/0', a prefix length of 0, which allows every address of IPv4/],
    ['0.0.0.0/00', /a prefix length of 0/],
    ['::/0', /allows every address of IPv6/],
    ['::0/0', /allows every address of IPv6/],
    ['0::/0', /allows every address of IPv6/],
    ['10.0.0.300/8', /expected an IPv4 or IPv6 CIDR/],
    ['010.0.0.0/8', /expected an IPv4 or IPv6 CIDR/],
    ['203.0.113.0/024', /expected an IPv4 or IPv6 CIDR/],
    ['203.0.113.0/33', /expected an IPv4 or IPv6 CIDR/],
    ['2001:db8::1::/64', /expected an IPv4 or IPv6 CIDR/],
    ['2001:db8:0:0:0:0:0:0:1/64', /expected an IPv4 or IPv6 CIDR/],
    ['2001:db8::/129', /expected an IPv4 or IPv6 CIDR/],
    [':::/8', /expected an IPv4 or IPv6 CIDR/],
    ['not-a-cidr', /expected an IPv4 or IPv6 CIDR/],
  ])('fails if a CIDR is %s', (cidr, message) => {
    expect(() => new SourceIpRestrictionPolicy(newStack(), 'Ip', { allowedCidrs: [cidr] })).toThrow(message);
  });

  test.each(['203.0.113.7/32', '10.0.0.0/8', '128.0.0.0/1', '2001:db8::/32', '::ffff:192.0.2.0/120', '2001:db8:0:0:0:0:0:1/128', '::1/128'])(
    'accepts the valid range %s',
    (cidr) => {
      expect(() => new SourceIpRestrictionPolicy(newStack(), 'Ip', { allowedCidrs: [cidr] })).not.toThrow();
    },
  );

  test('fails if no CIDR is given', () => {
    expect(() => new SourceIpRestrictionPolicy(newStack(), 'Ip', { allowedCidrs: [] })).toThrow(/allowedCidrs: received an empty list/);
  });
});
