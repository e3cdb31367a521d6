/**
 * Red-team review (red3) of the SCP pattern exemptions as the apps write them: each named role in
 * every account (`arn:aws:iam::*:role/<name>`) and the CDK execution roles by a name pattern per
 * region. The compiler checks that a protection denies TAKEOVER_ACTIONS on every matching role;
 * these tests evaluate the other ways to act as, or weaken, a matching role, with every layer: an
 * administrator inside GuardrailsPermissionsBoundary (with `boundedRolePath`, as every config sets
 * it), an administrator outside any boundary (the SCPs alone), and the manager as control.
 */
import { PolicyJson } from '@cdk-guardrails/policy-test-kit';
import { OrganizationPolicyCompiler, PermissionsBoundary, ServiceControlPolicy } from '../../lib';
import { ACCOUNT, decide, FULL_AWS_ACCESS, managedPolicyDocument, newStack, REGION, withoutStatement } from './helpers';

jest.setTimeout(120_000);

const role = (name: string, account = ACCOUNT) => `arn:aws:iam::${account}:role/${name}`;
const ANY_ACCOUNT = (name: string) => `arn:aws:iam::*:role/${name}`;
const BOUNDARY_ARN = `arn:aws:iam::${ACCOUNT}:policy/GuardrailsPermissionsBoundary`;
const ATTACKER = role('bounded/admin-inside-boundary');
const UNBOUNDED_ADMIN = role('platform-admin');
const EXEC_ROLE = role(`cdk-grdtest-cfn-exec-role-${ACCOUNT}-${REGION}`);
const BREAK_GLASS = role('GuardrailsBreakGlass');
const PIPELINE = role('guardrails-pipeline', '333333333333');

const EXEMPT = [ANY_ACCOUNT(`cdk-grdtest-cfn-exec-role-*-${REGION}`), ANY_ACCOUNT('GuardrailsBreakGlass')];
const SECURITY = ServiceControlPolicy.protectSecurityServices({ exemptPrincipalArns: EXEMPT });
const PRINCIPALS = ServiceControlPolicy.protectGuardrailPrincipals({
  protectedPrincipalArns: [ANY_ACCOUNT('GuardrailsBreakGlass'), ANY_ACCOUNT('GuardrailsLogAdmin')],
  managerPrincipalArns: [PIPELINE, ...EXEMPT],
  pipelinePrincipalArns: [PIPELINE],
  cdkDeployRoleArns: [ANY_ACCOUNT(`cdk-grdtest-deploy-role-*-${REGION}`)],
  cdkBootstrapQualifier: 'grdtest',
});
const doc = (p: ServiceControlPolicy): PolicyJson => JSON.parse(p.toJson());
const SCPS = [FULL_AWS_ACCESS, doc(SECURITY), doc(PRINCIPALS)];

const BOUNDARY = (() => {
  const stack = newStack();
  new PermissionsBoundary(stack, 'Boundary', {
    protectedPrincipalArns: [BREAK_GLASS, role('GuardrailsLogAdmin')],
    boundedRolePath: '/bounded/',
    cdkBootstrapQualifier: 'grdtest',
  });
  return managedPolicyDocument(stack);
})();

const stopTrail = { action: 'cloudtrail:StopLogging', resource: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/org-trail` };

test('the SCPs compile: every pattern is protected', () => {
  expect(OrganizationPolicyCompiler.compileServiceControlPolicies([SECURITY, PRINCIPALS]).length).toBeGreaterThan(0);
});

describe('actions outside TAKEOVER_ACTIONS on a role that matches an exemption', () => {
  // Weakening or replacing a matching role: not in the compiler's minimum, but the apps' protection
  // (DenyGuardrailRoleChanges: iam:CreateRole, DeleteRole*, UpdateRole*, PutRole*, ...) denies them.
  const actions = [
    'iam:PutRolePermissionsBoundary',
    'iam:DeleteRolePermissionsBoundary',
    'iam:DeleteRole',
    'iam:UpdateRole',
    'iam:UpdateRoleDescription',
    'iam:TagRole',
    'iam:UntagRole',
    'iam:DetachRolePolicy',
    'iam:DeleteRolePolicy',
  ];
  const targets = [EXEC_ROLE, BREAK_GLASS, role(`cdk-grdtest-cfn-exec-role-${ACCOUNT}-us-east-2`)];

  test.each(actions)('%s is denied to an administrator outside the boundary (the SCP alone) and allowed to the manager', async (action) => {
    for (const resource of targets) {
      const attempt = { action, resource, context: { 'iam:PermissionsBoundary': BOUNDARY_ARN } };
      await expect(decide(UNBOUNDED_ADMIN, attempt, { scps: SCPS })).resolves.toBe('ExplicitlyDenied');
      await expect(decide(ATTACKER, attempt, { boundary: BOUNDARY, scps: SCPS })).resolves.toBe('ExplicitlyDenied');
      // The SCP's statement is what denies the unbounded admin.
      const weaker = [SCPS[0], SCPS[1], withoutStatement(SCPS[2], 'DenyGuardrailRoleChanges')];
      await expect(decide(UNBOUNDED_ADMIN, attempt, { scps: weaker })).resolves.toBe('Allowed');
      await expect(decide(EXEC_ROLE, attempt, { scps: SCPS })).resolves.toBe('Allowed');
    }
  });
});

describe('names that resemble an exempt role', () => {
  test('case: role names are unique without case but ARN matching is case sensitive, so a case variant is not exempt', async () => {
    for (const lookalike of [role('guardrailsbreakglass'), role('GUARDRAILSBREAKGLASS'), role(`CDK-HNB659FDS-CFN-EXEC-ROLE-${ACCOUNT}-${REGION}`)]) {
      await expect(decide(lookalike, stopTrail, { scps: SCPS })).resolves.toBe('ExplicitlyDenied');
    }
    await expect(decide(BREAK_GLASS, stopTrail, { scps: SCPS })).resolves.toBe('Allowed');
  });

  test('path: the exempt name under the bounded path is another ARN, not exempt', async () => {
    for (const lookalike of [role('bounded/GuardrailsBreakGlass'), role(`bounded/cdk-grdtest-cfn-exec-role-${ACCOUNT}-${REGION}`)]) {
      await expect(decide(lookalike, stopTrail, { scps: SCPS })).resolves.toBe('ExplicitlyDenied');
    }
  });

  test('a bounded admin cannot create a matching role outside the bounded path, nor pass or assume one', async () => {
    const createContext = { 'iam:PermissionsBoundary': BOUNDARY_ARN, 'aws:RequestTag/Environment': 'dev', 'aws:TagKeys': ['Environment'] };
    for (const impostor of [role(`cdk-grdtest-cfn-exec-role-evil-${REGION}`), role('GuardrailsBreakGlass'), role(`cdk-grdtest-cfn-exec-role-x/y-${REGION}`)]) {
      await expect(
        decide(ATTACKER, { action: 'iam:CreateRole', resource: impostor, context: createContext }, { boundary: BOUNDARY, scps: SCPS }),
      ).resolves.toBe('ExplicitlyDenied');
    }
    for (const action of ['iam:PassRole', 'sts:AssumeRole']) {
      await expect(decide(ATTACKER, { action, resource: EXEC_ROLE }, { boundary: BOUNDARY, scps: SCPS })).resolves.toBe('ExplicitlyDenied');
    }
  });
});
