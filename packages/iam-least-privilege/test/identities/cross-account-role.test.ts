import { App, CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { evaluate, PolicyJson, resolveIntrinsics } from '@cdk-guardrails/policy-test-kit';
import { CrossAccountRole } from '../../lib';
import { ACCOUNT, newStack, OTHER_ACCOUNT, REGION } from './helpers';

jest.setTimeout(60_000);

const EXTERNAL_ID = 'ext-7f3a9c2e-partner';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/partner-access`;
const CALLER = `arn:aws:iam::${OTHER_ACCOUNT}:role/partner-ci`;
/** The caller's own account lets it call sts:AssumeRole (cross-account needs both sides). */
const CALLER_POLICY: PolicyJson = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: ROLE_ARN }] };

function trustPolicy(props: Partial<ConstructorParameters<typeof CrossAccountRole>[2]> = {}): PolicyJson {
  const stack = newStack();
  new CrossAccountRole(stack, 'Partner', { trustedAccountIds: [OTHER_ACCOUNT], externalId: EXTERNAL_ID, ...props });
  const roles = Object.values<any>(Template.fromStack(stack).findResources('AWS::IAM::Role'));
  return resolveIntrinsics(roles[0].Properties.AssumeRolePolicyDocument, { account: ACCOUNT, region: REGION });
}

function assume(trust: PolicyJson, context: Record<string, string>, principal = CALLER) {
  return evaluate({
    identityPolicies: [CALLER_POLICY],
    resourcePolicy: trust,
    // The evaluator sets no global keys itself: aws:PrincipalArn is the caller's role ARN.
    request: { action: 'sts:AssumeRole', principal, resource: ROLE_ARN, resourceAccount: ACCOUNT, context: { 'aws:PrincipalArn': principal, ...context } },
  });
}

describe('CrossAccountRole', () => {
  test('trusts only the named accounts, requires the external id, has the boundary and no permissions', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new CrossAccountRole(stack, 'Partner', { trustedAccountIds: [OTHER_ACCOUNT, '333333333333'], externalId: EXTERNAL_ID });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', { MaxSessionDuration: 3600, PermissionsBoundary: Match.anyValue() });
    const role = Object.values<any>(template.findResources('AWS::IAM::Role'))[0];
    const trust = resolveIntrinsics(role.Properties.AssumeRolePolicyDocument, { account: ACCOUNT, region: REGION });
    // One statement per account, every one with the external id condition.
    expect(trust.Statement).toEqual(
      [OTHER_ACCOUNT, '333333333333'].map((a) => ({
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${a}:root` },
        Condition: { StringEquals: { 'sts:ExternalId': EXTERNAL_ID } },
      })),
    );
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('AssumeRole with the external id is allowed; without it, or with a wrong one, it is denied', async () => {
    const trust = trustPolicy();
    await expect(assume(trust, { 'sts:ExternalId': EXTERNAL_ID })).resolves.toBe('Allowed');
    await expect(assume(trust, {})).resolves.toBe('ImplicitlyDenied');
    await expect(assume(trust, { 'sts:ExternalId': 'guess' })).resolves.toBe('ImplicitlyDenied');
  });

  test('...and without the external id condition the same call would be allowed (the test depends on it)', async () => {
    const trust: any = trustPolicy();
    const withoutCondition = {
      ...trust,
      Statement: trust.Statement.map((s: any) => {
        const { Condition: _c, ...rest } = s;
        return rest;
      }),
    };
    await expect(assume(withoutCondition, {})).resolves.toBe('Allowed');
  });

  test('an account that is not named is denied, even with the external id', async () => {
    await expect(assume(trustPolicy(), { 'sts:ExternalId': EXTERNAL_ID }, 'arn:aws:iam::444444444444:role/intruder')).resolves.toBe('ImplicitlyDenied');
  });

  test('with requireMfa, a caller without MFA is denied', async () => {
    const trust = trustPolicy({ requireMfa: true });
    await expect(assume(trust, { 'sts:ExternalId': EXTERNAL_ID, 'aws:MultiFactorAuthPresent': 'true' })).resolves.toBe('Allowed');
    await expect(assume(trust, { 'sts:ExternalId': EXTERNAL_ID })).resolves.toBe('ImplicitlyDenied');
    await expect(assume(trust, { 'sts:ExternalId': EXTERNAL_ID, 'aws:MultiFactorAuthPresent': 'false' })).resolves.toBe('ImplicitlyDenied');
  });

  describe('trustedPrincipalArns', () => {
    const OTHER_ROLE = `arn:aws:iam::${OTHER_ACCOUNT}:role/other-team`;
    test('only the named principals of the trusted account may assume the role; another role of that account is denied', async () => {
      const trust = trustPolicy({ trustedPrincipalArns: [CALLER] });
      await expect(assume(trust, { 'sts:ExternalId': EXTERNAL_ID })).resolves.toBe('Allowed');
      await expect(assume(trust, { 'sts:ExternalId': EXTERNAL_ID }, OTHER_ROLE)).resolves.toBe('ImplicitlyDenied');
      // ... still with the external id and MFA.
      await expect(assume(trust, {})).resolves.toBe('ImplicitlyDenied');
      const mfa = trustPolicy({ trustedPrincipalArns: [CALLER], requireMfa: true });
      await expect(assume(mfa, { 'sts:ExternalId': EXTERNAL_ID })).resolves.toBe('ImplicitlyDenied');
      await expect(assume(mfa, { 'sts:ExternalId': EXTERNAL_ID, 'aws:MultiFactorAuthPresent': 'true' })).resolves.toBe('Allowed');
    });
    test('...and without it (the default), another role of the trusted account may assume it (the test depends on the condition)', async () => {
      await expect(assume(trustPolicy(), { 'sts:ExternalId': EXTERNAL_ID }, OTHER_ROLE)).resolves.toBe('Allowed');
    });
    test('refuses a principal of an account it does not trust, a wildcard and an empty list', () => {
      expect(() => trustPolicy({ trustedPrincipalArns: ['arn:aws:iam::444444444444:role/auditor'] })).toThrow(
        `TestStack/Partner: trustedPrincipalArns: received 'arn:aws:iam::444444444444:role/auditor' of account 444444444444; expected a principal of a trusted account (${OTHER_ACCOUNT})`,
      );
      expect(() => trustPolicy({ trustedPrincipalArns: [`arn:aws:iam::${OTHER_ACCOUNT}:role/*`] })).toThrow(
        /trustedPrincipalArns: received 'arn:aws:iam::\d+:role\/\*'; expected an exact IAM role or user ARN/,
      );
      expect(() => trustPolicy({ trustedPrincipalArns: [] })).toThrow(/trustedPrincipalArns: received an empty list/);
    });
  });

  test('withoutPermissionsBoundaryReason: no boundary, the reason recorded; refused together with a boundary', () => {
    const stack = newStack();
    new CrossAccountRole(stack, 'Partner', {
      trustedAccountIds: [OTHER_ACCOUNT],
      externalId: EXTERNAL_ID,
      withoutPermissionsBoundaryReason: 'SecurityAudit reads on * only; the name is protected by the SCPs',
    });
    const role = Object.values<any>(Template.fromStack(stack).findResources('AWS::IAM::Role'))[0];
    expect(role.Properties.PermissionsBoundary).toBeUndefined();
    expect(JSON.stringify(stack.node.findChild('Partner').node.metadata)).toContain('SecurityAudit reads on * only');
    expect(
      () =>
        new CrossAccountRole(newStack(), 'Partner', {
          trustedAccountIds: [OTHER_ACCOUNT],
          externalId: EXTERNAL_ID,
          withoutPermissionsBoundaryReason: 'SecurityAudit reads on * only; the name is protected by the SCPs',
          permissionsBoundary: iam.ManagedPolicy.fromManagedPolicyName(newStack(), 'B', 'b'),
        }),
    ).toThrow(/withoutPermissionsBoundaryReason/);
  });

  test('fails if the external id appears in a stack output', () => {
    // GIVEN
    const app = new App();
    const stack = newStack(app);
    new CrossAccountRole(stack, 'Partner', { trustedAccountIds: [OTHER_ACCOUNT], externalId: EXTERNAL_ID });
    // WHEN
    new CfnOutput(stack, 'Leak', { value: `external id is ${EXTERNAL_ID}` });
    // THEN
    expect(() => app.synth()).toThrow(/appears in stack output TestStack\/Leak; never output the external id/);
  });

  test('the role ARN may be output', () => {
    const app = new App();
    const stack = newStack(app);
    const role = new CrossAccountRole(stack, 'Partner', { trustedAccountIds: [OTHER_ACCOUNT], externalId: EXTERNAL_ID });
    new CfnOutput(stack, 'RoleArn', { value: role.roleArn });
    expect(() => app.synth()).not.toThrow();
  });

  test('accepts a 12-hour session without role chaining', () => {
    const stack = newStack();
    new CrossAccountRole(stack, 'Partner', { trustedAccountIds: [OTHER_ACCOUNT], externalId: EXTERNAL_ID, maxSessionDuration: Duration.hours(12) });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', { MaxSessionDuration: 43200 });
  });

  test('fails if role chaining is configured with a session longer than 1 hour', () => {
    expect(
      () =>
        new CrossAccountRole(newStack(), 'Partner', {
          trustedAccountIds: [OTHER_ACCOUNT],
          externalId: EXTERNAL_ID,
          roleChaining: true,
          maxSessionDuration: Duration.hours(4),
        }),
    ).toThrow(/^TestStack\/Partner: maxSessionDuration: received 4 hours \(14400 s\); expected 1 hour to 1 hour\. Role chaining caps sessions at 1 hour$/);
  });

  test('fails if the session is longer than 12 hours', () => {
    expect(
      () =>
        new CrossAccountRole(newStack(), 'Partner', {
          trustedAccountIds: [OTHER_ACCOUNT],
          externalId: EXTERNAL_ID,
          maxSessionDuration: Duration.hours(13),
        }),
    ).toThrow(/maxSessionDuration: received 13 hours/);
  });

  test('fails if no account is trusted', () => {
    expect(() => new CrossAccountRole(newStack(), 'Partner', { trustedAccountIds: [], externalId: EXTERNAL_ID })).toThrow(
      /trustedAccountIds: received an empty list/,
    );
  });

  test('fails if an account id is malformed', () => {
    expect(() => new CrossAccountRole(newStack(), 'Partner', { trustedAccountIds: ['12345'], externalId: EXTERNAL_ID })).toThrow(
      /^TestStack\/Partner: trustedAccountIds: received '12345'; expected an AWS account id of exactly 12 digits$/,
    );
  });

  test("fails if the stack's own account is trusted", () => {
    expect(() => new CrossAccountRole(newStack(), 'Partner', { trustedAccountIds: [OTHER_ACCOUNT, ACCOUNT], externalId: EXTERNAL_ID })).toThrow(
      new RegExp(`^TestStack/Partner: trustedAccountIds: received '${ACCOUNT}', the account of the stack the role is in; expected other accounts only`),
    );
  });

  test('accepts any trusted account when the stack is environment-agnostic (nothing to compare)', () => {
    const stack = new Stack(new App(), 'Agnostic');
    expect(() => new CrossAccountRole(stack, 'Partner', { trustedAccountIds: [ACCOUNT], externalId: EXTERNAL_ID })).not.toThrow();
  });

  test('fails if the external id is malformed, without printing it', () => {
    expect(() => new CrossAccountRole(newStack(), 'Partner', { trustedAccountIds: [OTHER_ACCOUNT], externalId: 'has spaces in it' })).toThrow(
      /externalId: received a value of 16 characters that is not a valid external id/,
    );
    try {
      new CrossAccountRole(newStack(), 'Partner', { trustedAccountIds: [OTHER_ACCOUNT], externalId: 'has spaces in it' });
    } catch (e) {
      expect(String(e)).not.toContain('has spaces in it');
    }
  });

  test('grants work as on any role', () => {
    const stack = newStack();
    const role = new CrossAccountRole(stack, 'Partner', { trustedAccountIds: [OTHER_ACCOUNT], externalId: EXTERNAL_ID });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::shared/*'] }));
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Policy', 1);
  });
});
