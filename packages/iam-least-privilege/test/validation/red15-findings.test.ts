/**
 * red15: the public API of @cdk-guardrails/iam-least-privilege used by a library user who makes
 * mistakes, or by an attacker who controls a prop value (read from a config file).
 *
 * `test.failing` = a finding: the test encodes the secure expectation and fails today.
 * `checked and closed` = the refusal exists and is pinned here.
 */
import { App, Aspects, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CrossAccountRole, LeastPrivilegePolicy, LeastPrivilegeRole, PolicyKind, PolicyRule, PolicyValidator, SourceIpRestrictionPolicy } from '../../lib';
import { pinToday } from './helpers';

pinToday();

const ACCOUNT = '111122223333';
const OTHER_ACCOUNT = '444455556666';

function newStack(): Stack {
  return new Stack(new App(), 'Workload', { env: { account: ACCOUNT, region: 'eu-west-1' } });
}

function validatedStack(): Stack {
  const app = new App();
  const stack = new Stack(app, 'Workload', { env: { account: ACCOUNT, region: 'eu-west-1' } });
  Aspects.of(app).add(new PolicyValidator());
  return stack;
}

const doc = (statement: Record<string, unknown>) => ({ Version: '2012-10-17', Statement: [statement] });
const rules = (document: unknown, kind: PolicyKind) => PolicyValidator.validateDocument(document, kind).map((f) => f.rule);

describe('red15 findings: iam-least-privilege', () => {
  // R15-21: PUBLIC_PRINCIPAL fires only for Principal "*" with no condition at all. A condition that
  // does not narrow WHO (aws:SecureTransport, a date) makes a public trust or resource policy pass,
  // and a principal with a wildcard account ('arn:aws:iam::*:root') is not recognised as public.
  test('R15-21a PolicyValidator flags a trust policy open to every AWS principal behind a condition on the transport', () => {
    const stack = validatedStack();
    new iam.Role(stack, 'Role', { assumedBy: new iam.AnyPrincipal().withConditions({ Bool: { 'aws:SecureTransport': 'true' } }) });
    expect(() => Template.fromStack(stack)).toThrow(/PUBLIC_PRINCIPAL/);
  });

  test('R15-21b validateDocument flags a resource policy Allow for Principal "*" with only aws:SecureTransport', () => {
    const policy = doc({
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::reports/*',
      Condition: { Bool: { 'aws:SecureTransport': 'true' } },
    });
    expect(rules(policy, PolicyKind.RESOURCE)).toContain(PolicyRule.PUBLIC_PRINCIPAL);
  });

  test("R15-21c validateDocument flags a resource policy Allow for 'arn:aws:iam::*:root' (every account)", () => {
    const policy = doc({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::*:root' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' });
    expect(rules(policy, PolicyKind.RESOURCE)).toContain(PolicyRule.PUBLIC_PRINCIPAL);
  });

  // R15-22: an action that supports resource-level permissions, listed by name on Resource "*",
  // passes both the builder and the validator: iam:PassRole on "*" (pass any role, the classic
  // escalation) and iam:CreatePolicyVersion on "*" (rewrite any customer managed policy). The IAM
  // dataset the package ships knows both have resource types.
  test("R15-22a LeastPrivilegePolicy.allow refuses iam:PassRole on ['*']", () => {
    expect(() => new LeastPrivilegePolicy().allow(['iam:PassRole'], ['*'])).toThrow(/iam:PassRole/);
  });

  test('R15-22b PolicyValidator flags iam:PassRole on Resource "*"', () => {
    const stack = validatedStack();
    new iam.ManagedPolicy(stack, 'Managed', { statements: [new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: ['*'] })] });
    expect(() => Template.fromStack(stack)).toThrow(/iam:PassRole|WILDCARD|RESOURCE/);
  });

  test("R15-22c LeastPrivilegePolicy.allow refuses iam:CreatePolicyVersion on ['*']", () => {
    expect(() => new LeastPrivilegePolicy().allow(['iam:CreatePolicyVersion'], ['*'])).toThrow(/CreatePolicyVersion/);
  });

  // R15-23: SourceIpRestrictionPolicy refuses '0.0.0.0/0' and '::/0' by spelling only. Other
  // spellings of "every address" pass: a /0 on any base address, '0.0.0.0/00', '::0/0', '0::/0'.
  // (How IAM evaluates '203.0.113.0/0' is not demonstrated here; '::0/0' and '0::/0' are the same
  // network as '::/0'.)
  test.each(['203.0.113.0/0', '0.0.0.0/00', '::0/0', '0::/0'])("R15-23 SourceIpRestrictionPolicy refuses allowedCidrs '%s' (every address)", (cidr) => {
    expect(() => new SourceIpRestrictionPolicy(newStack(), 'OfficeOnly', { allowedCidrs: [cidr] })).toThrow(/allowedCidrs/);
  });

  // R15-24: CrossAccountRole accepts the stack's own account in trustedAccountIds: every principal of
  // this account whose policy allows sts:AssumeRole (an admin inside the boundary) may assume it with
  // the external id, which is not a secret (it is in the template).
  test("R15-24 CrossAccountRole refuses the stack's own account in trustedAccountIds", () => {
    expect(
      () =>
        new CrossAccountRole(newStack(), 'Partner', {
          trustedAccountIds: [ACCOUNT],
          externalId: 'partner-external-id',
          withoutPermissionsBoundaryReason: 'red15 test: the boundary is not under test here',
        }),
    ).toThrow(/trustedAccountIds/);
  });

  describe('checked and closed', () => {
    test('the builder refuses Action "*" and wildcard actions on Resource "*"', () => {
      expect(() => new LeastPrivilegePolicy().allow(['*'], ['arn:aws:s3:::b'])).toThrow();
      expect(() => new LeastPrivilegePolicy().allow(['s3:Get*'], ['*'])).toThrow(/the wildcard action 's3:Get\*' with resources \['\*'\]/);
      expect(() => new LeastPrivilegePolicy().allow(['s3:GetObjekt'], ['arn:aws:s3:::b/*'])).toThrow();
    });

    test('the validator flags Action "*", a case-variant or ?* wildcard on "*", and Principal "*" without a condition', () => {
      // Each document is an attack input the validator must flag (Action '*' included).
      expect(rules(doc({ Effect: 'Allow', Action: '*:*', Resource: '*' }), PolicyKind.MANAGED_POLICY)).toContain(PolicyRule.ALLOW_STAR_ACTION);
      expect(rules(doc({ Effect: 'Allow', Action: 'S3:*', Resource: '*' }), PolicyKind.MANAGED_POLICY)).toContain(PolicyRule.WILDCARD_ACTION_ON_ALL_RESOURCES);
      expect(rules(doc({ Effect: 'Allow', Action: 's3:?*', Resource: '*' }), PolicyKind.MANAGED_POLICY)).toContain(PolicyRule.WILDCARD_ACTION_ON_ALL_RESOURCES);
      expect(rules(doc({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }), PolicyKind.RESOURCE)).toContain(
        PolicyRule.PUBLIC_PRINCIPAL,
      );
    });

    test('SourceIpRestrictionPolicy refuses an empty list, 0.0.0.0/0 and ::/0', () => {
      for (const allowedCidrs of [[], ['0.0.0.0/0'], ['::/0'], ['10.0.0.0/33']]) {
        expect(() => new SourceIpRestrictionPolicy(newStack(), 'P', { allowedCidrs })).toThrow(/allowedCidrs/);
      }
    });

    test('CrossAccountRole refuses an empty or malformed account list, wildcard trusted principals, a bad external id and long chained sessions', () => {
      const base = { externalId: 'partner-external-id', withoutPermissionsBoundaryReason: 'red15 test: the boundary is not under test here' };
      expect(() => new CrossAccountRole(newStack(), 'A', { ...base, trustedAccountIds: [] })).toThrow(/trustedAccountIds: received an empty list/);
      expect(() => new CrossAccountRole(newStack(), 'B', { ...base, trustedAccountIds: ['*'] })).toThrow(/trustedAccountIds/);
      expect(
        () =>
          new CrossAccountRole(newStack(), 'C', {
            ...base,
            trustedAccountIds: [OTHER_ACCOUNT],
            trustedPrincipalArns: [`arn:aws:iam::${OTHER_ACCOUNT}:role/*`],
          }),
      ).toThrow(/trustedPrincipalArns/);
      expect(() => new CrossAccountRole(newStack(), 'D', { ...base, trustedAccountIds: [OTHER_ACCOUNT], externalId: '*' })).toThrow(/externalId/);
      expect(
        () => new CrossAccountRole(newStack(), 'E', { ...base, trustedAccountIds: [OTHER_ACCOUNT], roleChaining: true, maxSessionDuration: Duration.hours(4) }),
      ).toThrow(/maxSessionDuration/);
    });

    test('LeastPrivilegeRole refuses a session above 12 hours and a too-short boundary opt-out reason', () => {
      const principal = new iam.ServicePrincipal('lambda.amazonaws.com');
      expect(() => new LeastPrivilegeRole(newStack(), 'A', { assumedBy: principal, maxSessionDuration: Duration.hours(13) })).toThrow(/maxSessionDuration/);
      expect(() => new LeastPrivilegeRole(newStack(), 'B', { assumedBy: principal, withoutPermissionsBoundaryReason: 'x' })).toThrow(
        /withoutPermissionsBoundaryReason/,
      );
    });
  });
});
