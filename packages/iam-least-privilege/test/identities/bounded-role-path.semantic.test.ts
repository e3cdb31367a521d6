/**
 * Security issue 14, the escape that stayed open: an administrator with `Allow *:*` inside
 * GuardrailsPermissionsBoundary passes a role that does NOT carry the boundary to a service (the
 * role of the Secrets Manager hosted rotation trusts lambda.amazonaws.com and reads the database
 * secret: create a function with it, read the password), or assumes an unbounded role of its account
 * that trusts the account root. `iam:PassRole` cannot be limited by the role's tags, and
 * `iam:PermissionsBoundary` is not in its request context: `boundedRolePath` limits bounded
 * identities to the roles under one IAM path instead, which only bounded identities (or trusted
 * admins outside the boundary) can create.
 *
 * Every request is evaluated the way IAM does: the attacker's identity policy (Allow *:*), the
 * boundary, the organization's SCPs (FullAWSAccess plus the guardrail SCPs) and the resource policy
 * where the request needs one (a role's trust policy). For every attack: denied with every layer,
 * allowed once `DenyRolesOutsidePath` is removed (the test depends on it; the SCPs do not stop it),
 * and allowed by the boundary without `boundedRolePath` (the option is what closes it).
 */
import { PolicyJson } from '@cdk-guardrails/policy-test-kit';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PermissionsBoundary, PermissionsBoundaryProps, ServiceControlPolicy } from '../../lib';
import { ACCOUNT, Attempt, decide as decideUnder, FULL_AWS_ACCESS, managedPolicyDocument, newStack, OTHER_ACCOUNT, REGION, withoutStatement } from './helpers';

jest.setTimeout(120_000);

const PATH = '/bounded/';
const SID = 'DenyRolesOutsidePath';
const STACK_SID = 'DenyStackRolesOutsidePath';
/** An account the boundary does not let bounded identities act on. */
const UNRELATED_ACCOUNT = '444444444444';
const role = (name: string, account = ACCOUNT) => `arn:aws:iam::${account}:role/${name}`;
const BOUNDARY_ARN = `arn:aws:iam::${ACCOUNT}:policy/GuardrailsPermissionsBoundary`;

/** The attacker: an administrator inside the boundary. */
const ATTACKER = role('admin-inside-boundary');
/** The CloudFormation execution role (outside the boundary): deploys everything. */
const EXEC_ROLE = role(`cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}`);
const BREAK_GLASS = role('break-glass');
const LOG_ADMIN = role('log-admin');
const PROTECTED = [BREAK_GLASS, LOG_ADMIN];

/** Roles that do not carry the boundary (created by CloudFormation, the console, a transform), at the path '/' or another. */
const ROTATION_ROLE = role('ledger-db-SecretsManagerRotationLambdaRole-1X2Y3Z');
const CONSOLE_SERVICE_ROLE = role('service-role/orders-fn-role-abc123');
const LEGACY_ADMIN_ROLE = role('legacy-ops-admin');
/** Roles a bounded identity created under the path (they carry the boundary). */
const BOUNDED_ROLE = role('bounded/orders-fn-role');
const BOUNDED_NESTED_ROLE = role('bounded/team-a/orders-worker-role');
/** A role of the resource account (the security account) that trusts this account. */
const RESOURCE_ACCOUNT_ROLE = role('log-reader', OTHER_ACCOUNT);

/**
 * The boundary under test: one resource account (CloudWatch Logs, and IAM so that its roles can be
 * assumed), the guardrail roles named, `requiredTagKeys` by default ('Environment').
 */
const BASE_PROPS: PermissionsBoundaryProps = {
  resourceAccountIds: [OTHER_ACCOUNT],
  resourceAccountServices: ['logs', 'iam'],
  protectedPrincipalArns: PROTECTED,
  guardrailAdministratorArns: [LOG_ADMIN],
};
function synthBoundary(props: PermissionsBoundaryProps): PolicyJson {
  const stack = newStack();
  new PermissionsBoundary(stack, 'Boundary', props);
  return managedPolicyDocument(stack);
}
const BOUNDARY = synthBoundary({ ...BASE_PROPS, boundedRolePath: PATH });
const BOUNDARY_WITHOUT_PATH = synthBoundary(BASE_PROPS);
const BOUNDARY_WITHOUT_STATEMENT = withoutStatement(BOUNDARY, SID);

const doc = (p: ServiceControlPolicy): PolicyJson => JSON.parse(p.toJson());
const ALL_SCPS = [
  FULL_AWS_ACCESS,
  doc(ServiceControlPolicy.protectSecurityServices({ exemptPrincipalArns: [EXEC_ROLE] })),
  doc(
    ServiceControlPolicy.protectGuardrailPrincipals({
      cdkBootstrapQualifier: 'hnb659fds',
      protectedPrincipalArns: PROTECTED,
      managerPrincipalArns: [EXEC_ROLE],
      pipelinePrincipalArns: [role('guardrails-pipeline', '333333333333')],
      cdkDeployRoleArns: [role(`cdk-hnb659fds-deploy-role-${ACCOUNT}-${REGION}`)],
    }),
  ),
  doc(ServiceControlPolicy.protectGuardrailResources({ administratorArns: [EXEC_ROLE, LOG_ADMIN] })),
];

/** A trust policy that trusts the root of `account` (any principal of it whose own policies allow sts:AssumeRole). */
const trustingRootOf = (account: string): PolicyJson => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' }],
});

/** `principal`, with an administrator identity policy, the SCPs and (if given) `boundary`, makes `attempt`. */
function decide(principal: string, attempt: Attempt, boundary?: PolicyJson) {
  return decideUnder(principal, attempt, { boundary, scps: ALL_SCPS });
}

/**
 * Denied with every layer; allowed by the same layers once DenyRolesOutsidePath is removed (nothing
 * else stops it: the test depends on the statement) and by the boundary without boundedRolePath
 * (the attack was open before).
 */
async function expectClosedByBoundedRolePath(attempt: Attempt) {
  await expect(decide(ATTACKER, attempt, BOUNDARY)).resolves.toBe('ExplicitlyDenied');
  await expect(decide(ATTACKER, attempt, BOUNDARY_WITHOUT_STATEMENT)).resolves.toBe('Allowed');
  await expect(decide(ATTACKER, attempt, BOUNDARY_WITHOUT_PATH)).resolves.toBe('Allowed');
}

const passTo = (resource: string, service = 'lambda.amazonaws.com'): Attempt => ({
  action: 'iam:PassRole',
  resource,
  context: { 'iam:PassedToService': service },
});
const assume = (resource: string, resourceAccount = ACCOUNT): Attempt => ({
  action: 'sts:AssumeRole',
  resource,
  resourceAccount,
  resourcePolicy: trustingRootOf(ACCOUNT),
});
/** CreateRole with everything else the boundary requires (this boundary, the required tag): only the path is the attack. */
const createRole = (resource: string): Attempt => ({
  action: 'iam:CreateRole',
  resource,
  context: { 'iam:PermissionsBoundary': BOUNDARY_ARN, 'aws:RequestTag/Environment': 'dev', 'aws:TagKeys': ['Environment'] },
});

describe('passing an unbounded role to a service', () => {
  test('a bounded admin cannot pass the hosted rotation role (path /) to Lambda and read the database secret', async () => {
    await expectClosedByBoundedRolePath(passTo(ROTATION_ROLE));
  });

  test('a bounded admin cannot pass a console-created role (path /service-role/) to Lambda', async () => {
    await expectClosedByBoundedRolePath(passTo(CONSOLE_SERVICE_ROLE));
  });

  test.each(['ec2.amazonaws.com', 'cloudformation.amazonaws.com', 'states.amazonaws.com', 'codebuild.amazonaws.com'])(
    'a bounded admin cannot pass an unbounded role to %s either',
    async (service) => {
      await expectClosedByBoundedRolePath(passTo(LEGACY_ADMIN_ROLE, service));
    },
  );

  test('control: a bounded admin CAN pass a bounded role it created under the path to Lambda (nested paths too)', async () => {
    for (const resource of [BOUNDED_ROLE, BOUNDED_NESTED_ROLE]) {
      await expect(decide(ATTACKER, passTo(resource), BOUNDARY)).resolves.toBe('Allowed');
    }
  });

  test('control: the CloudFormation execution role (outside the boundary) still passes any role', async () => {
    await expect(decide(EXEC_ROLE, passTo(ROTATION_ROLE))).resolves.toBe('Allowed');
  });
});

describe('assuming an unbounded role', () => {
  test('a bounded admin cannot assume an unbounded role of its account that trusts the account root', async () => {
    await expectClosedByBoundedRolePath(assume(LEGACY_ADMIN_ROLE));
  });

  test('a bounded admin cannot assume a role whose path merely starts like the bounded path (/bounded-ops/, /Bounded/)', async () => {
    // ARN matching is case sensitive and the pattern ends with the path's '/': neither is under /bounded/.
    for (const resource of [role('bounded-ops/admin'), role('Bounded/admin')]) {
      await expectClosedByBoundedRolePath(assume(resource));
    }
  });

  test('control: a bounded admin CAN assume a bounded role it created under the path', async () => {
    await expect(decide(ATTACKER, assume(BOUNDED_ROLE), BOUNDARY)).resolves.toBe('Allowed');
  });

  test('control: a bounded admin can still assume a role of the resource account whose trust policy allows it (any path)', async () => {
    await expect(decide(ATTACKER, assume(RESOURCE_ACCOUNT_ROLE, OTHER_ACCOUNT), BOUNDARY)).resolves.toBe('Allowed');
    await expect(decide(ATTACKER, assume(RESOURCE_ACCOUNT_ROLE, OTHER_ACCOUNT), BOUNDARY_WITHOUT_PATH)).resolves.toBe('Allowed');
  });

  test('control: the roles of an account the boundary does not allow stay out of reach, as before', async () => {
    const attempt = assume(role('anything', UNRELATED_ACCOUNT), UNRELATED_ACCOUNT);
    await expect(decide(ATTACKER, attempt, BOUNDARY_WITHOUT_PATH)).resolves.toBe('ImplicitlyDenied');
    await expect(decide(ATTACKER, attempt, BOUNDARY)).resolves.toBe('ExplicitlyDenied');
  });
});

describe('creating roles outside the path', () => {
  test('a bounded admin cannot create a role outside the path, even with this boundary and the required tags', async () => {
    for (const resource of [role('orders-fn-role'), role('service-role/orders-fn-role'), role('bounded-ops/orders-fn-role')]) {
      await expectClosedByBoundedRolePath(createRole(resource));
    }
  });

  test('control: a bounded admin CAN create a bounded role under the path (nested paths too)', async () => {
    for (const resource of [BOUNDED_ROLE, BOUNDED_NESTED_ROLE]) {
      await expect(decide(ATTACKER, createRole(resource), BOUNDARY)).resolves.toBe('Allowed');
    }
  });

  test('a bounded admin cannot create an unbounded role under the path (DenyIdentitiesWithoutThisBoundary still applies)', async () => {
    const attempt = { ...createRole(BOUNDED_ROLE), context: { 'aws:RequestTag/Environment': 'dev', 'aws:TagKeys': ['Environment'] } };
    await expect(decide(ATTACKER, attempt, BOUNDARY)).resolves.toBe('ExplicitlyDenied');
    await expect(decide(ATTACKER, attempt, withoutStatement(BOUNDARY, 'DenyIdentitiesWithoutThisBoundary'))).resolves.toBe('Allowed');
  });
});

describe('federation: AssumeRoleWithSAML and AssumeRoleWithWebIdentity', () => {
  // These calls are not signed by a principal of the account (the caller presents a SAML assertion or
  // an OIDC token), so no boundary is evaluated for them: the role's trust policy alone decides. What a
  // bounded administrator could do is make the identity provider that an unbounded role trusts accept
  // its own assertions or tokens. With boundedRolePath, every identity provider action is denied.
  test.each([
    ['iam:UpdateSAMLProvider', 'saml-provider/corp-idp'],
    ['iam:DeleteSAMLProvider', 'saml-provider/corp-idp'],
    ['iam:CreateSAMLProvider', 'saml-provider/corp-idp'],
    ['iam:CreateOpenIDConnectProvider', 'oidc-provider/token.actions.githubusercontent.com'],
    ['iam:UpdateOpenIDConnectProviderThumbprint', 'oidc-provider/token.actions.githubusercontent.com'],
    ['iam:AddClientIDToOpenIDConnectProvider', 'oidc-provider/token.actions.githubusercontent.com'],
    ['iam:DeleteOpenIDConnectProvider', 'oidc-provider/token.actions.githubusercontent.com'],
  ])('a bounded admin cannot %s %s (and sign its own way into the roles that trust it)', async (action, resource) => {
    await expectClosedByBoundedRolePath({ action, resource: `arn:aws:iam::${ACCOUNT}:${resource}` });
  });

  test('control: the CloudFormation execution role still manages identity providers', async () => {
    const attempt = { action: 'iam:UpdateSAMLProvider', resource: `arn:aws:iam::${ACCOUNT}:saml-provider/corp-idp` };
    await expect(decide(EXEC_ROLE, attempt)).resolves.toBe('Allowed');
  });
});

describe('the other guardrails still apply under the path', () => {
  test('a bounded admin cannot assume its own bounded role with the session tag guardrails:protected', async () => {
    const attempt = { ...assume(BOUNDED_ROLE), context: { 'aws:TagKeys': ['guardrails:protected'], 'aws:RequestTag/guardrails:protected': 'true' } };
    await expect(decide(ATTACKER, attempt, BOUNDARY)).resolves.toBe('ExplicitlyDenied');
  });

  test('a bounded admin still cannot pass or assume the CDK execution role (at the path /)', async () => {
    await expect(decide(ATTACKER, passTo(EXEC_ROLE, 'cloudformation.amazonaws.com'), BOUNDARY)).resolves.toBe('ExplicitlyDenied');
    await expect(decide(ATTACKER, assume(EXEC_ROLE), BOUNDARY)).resolves.toBe('ExplicitlyDenied');
  });
});

describe('stack operations with a service role outside the path (red10 R10-3)', () => {
  // Another app of the account, deployed through its own CDK bootstrap: its stack's service role is
  // that bootstrap's execution role (AdministratorAccess, no boundary, at the path /). CloudFormation
  // runs an operation that names no role with the stack's role, without iam:PassRole.
  const TEAM_STACK = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/team-app/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d`;
  const TEAM_STACK_SET = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stackset/team-set:1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d`;
  const TEAM_EXEC_ROLE = role(`cdk-team1-cfn-exec-role-${ACCOUNT}-${REGION}`);
  const onStack = (action: string, roleArn?: string, resource = TEAM_STACK): Attempt => ({
    action,
    resource,
    context: roleArn === undefined ? {} : { 'cloudformation:RoleArn': roleArn },
  });
  const BOUNDARY_WITHOUT_STACK_STATEMENT = withoutStatement(BOUNDARY, STACK_SID);

  test.each([
    ['cloudformation:UpdateStack', TEAM_STACK],
    ['cloudformation:CreateChangeSet', TEAM_STACK],
    ['cloudformation:DeleteStack', TEAM_STACK],
    ['cloudformation:RollbackStack', TEAM_STACK],
    ['cloudformation:CancelUpdateStack', TEAM_STACK],
    ['cloudformation:UpdateStackSet', TEAM_STACK_SET],
    ['cloudformation:CreateStackInstances', TEAM_STACK_SET],
    ['cloudformation:UpdateStackInstances', TEAM_STACK_SET],
  ])("a bounded admin cannot %s another app's stack naming no role (it would run as the stack's own role)", async (action, resource) => {
    await expect(decide(ATTACKER, onStack(action, undefined, resource), BOUNDARY)).resolves.toBe('ExplicitlyDenied');
    // The statement is what denies it, and the hole was open without the path.
    await expect(decide(ATTACKER, onStack(action, undefined, resource), BOUNDARY_WITHOUT_STACK_STATEMENT)).resolves.toBe('Allowed');
    await expect(decide(ATTACKER, onStack(action, undefined, resource), BOUNDARY_WITHOUT_PATH)).resolves.toBe('Allowed');
  });

  test.each([
    ["the other app's execution role, named", TEAM_EXEC_ROLE],
    ['a role whose path merely starts like the bounded path', role('bounded-ops/deployer')],
    ['a role of the path in another account', role('bounded/deployer', OTHER_ACCOUNT)],
  ])('a bounded admin cannot update a stack naming %s', async (_name, roleArn) => {
    for (const action of ['cloudformation:UpdateStack', 'cloudformation:CreateChangeSet', 'cloudformation:CreateStack']) {
      await expect(decide(ATTACKER, onStack(action, roleArn), BOUNDARY)).resolves.toBe('ExplicitlyDenied');
      await expect(decide(ATTACKER, onStack(action, roleArn), BOUNDARY_WITHOUT_STACK_STATEMENT)).resolves.toBe('Allowed');
    }
  });

  test('control: a bounded admin creates, updates and deletes stacks naming a bounded role of the path (nested paths too)', async () => {
    for (const roleArn of [BOUNDED_ROLE, BOUNDED_NESTED_ROLE]) {
      for (const action of ['cloudformation:CreateStack', 'cloudformation:UpdateStack', 'cloudformation:CreateChangeSet', 'cloudformation:DeleteStack']) {
        await expect(decide(ATTACKER, onStack(action, roleArn), BOUNDARY)).resolves.toBe('Allowed');
      }
      await expect(decide(ATTACKER, onStack('cloudformation:UpdateStackSet', roleArn, TEAM_STACK_SET), BOUNDARY)).resolves.toBe('Allowed');
    }
  });

  test('control: reads, executing a change set someone prepared, and finishing a rollback stay allowed without a role', async () => {
    for (const action of [
      'cloudformation:DescribeStacks',
      'cloudformation:DescribeStackEvents',
      'cloudformation:GetTemplate',
      'cloudformation:ListStackResources',
      'cloudformation:DetectStackDrift',
      'cloudformation:ExecuteChangeSet',
      'cloudformation:ContinueUpdateRollback',
    ]) {
      await expect(decide(ATTACKER, onStack(action), BOUNDARY)).resolves.toBe('Allowed');
    }
    for (const action of ['cloudformation:DescribeStackSet', 'cloudformation:ListStackInstances', 'cloudformation:DescribeStackSetOperation']) {
      await expect(decide(ATTACKER, onStack(action, undefined, TEAM_STACK_SET), BOUNDARY)).resolves.toBe('Allowed');
    }
  });

  test("control: the other app's deployer (outside the boundary) still updates its stack with its execution role", async () => {
    const teamDeployRole = role(`cdk-team1-deploy-role-${ACCOUNT}-${REGION}`);
    // No boundary on it; the SCPs evaluated.
    for (const action of ['cloudformation:UpdateStack', 'cloudformation:CreateChangeSet']) {
      await expect(decide(teamDeployRole, onStack(action, TEAM_EXEC_ROLE))).resolves.toBe('Allowed');
    }
  });
});

describe('without boundedRolePath, nothing changes (opt-in)', () => {
  test('the document is the same but for DenyRolesOutsidePath and DenyStackRolesOutsidePath', () => {
    expect(withoutStatement(BOUNDARY_WITHOUT_STATEMENT, STACK_SID)).toEqual(BOUNDARY_WITHOUT_PATH);
    expect(JSON.stringify(BOUNDARY_WITHOUT_PATH)).not.toContain(SID);
  });

  test('control: without it, a bounded admin still creates, passes and assumes roles at any path', async () => {
    for (const attempt of [createRole(role('orders-fn-role')), passTo(role('orders-fn-role')), assume(role('orders-fn-role'))]) {
      await expect(decide(ATTACKER, attempt, BOUNDARY_WITHOUT_PATH)).resolves.toBe('Allowed');
    }
  });
});

describe("how the statement tells this account's roles from the resource accounts'", () => {
  const statementOf = (stack: Stack) => {
    const policy = Object.values<any>(Template.fromStack(stack).toJSON().Resources).find((r) => r.Type === 'AWS::IAM::ManagedPolicy');
    return policy.Properties.PolicyDocument.Statement.find((s: any) => s.Sid === SID);
  };

  test("the resource accounts are exempt only when the boundary lets bounded identities assume their roles ('iam' allowed there)", () => {
    const logsOnly = newStack();
    new PermissionsBoundary(logsOnly, 'B', { resourceAccountIds: [OTHER_ACCOUNT], resourceAccountServices: ['logs'], boundedRolePath: PATH });
    expect(statementOf(logsOnly).NotResource).toEqual(`arn:*:iam::${ACCOUNT}:role/bounded/*`);
    const withIam = newStack();
    new PermissionsBoundary(withIam, 'B', { resourceAccountIds: [OTHER_ACCOUNT], resourceAccountServices: ['logs', 'iam'], boundedRolePath: PATH });
    expect(statementOf(withIam).NotResource).toEqual([`arn:*:iam::${ACCOUNT}:role/bounded/*`, `arn:*:iam::${OTHER_ACCOUNT}:role/*`]);
  });

  test("control: with the resource account allowed only 'logs', its roles were and stay out of reach", async () => {
    const logsOnly = (boundedRolePath?: string) => synthBoundary({ ...BASE_PROPS, resourceAccountServices: ['logs'], boundedRolePath });
    await expect(decide(ATTACKER, assume(RESOURCE_ACCOUNT_ROLE, OTHER_ACCOUNT), logsOnly())).resolves.toBe('ImplicitlyDenied');
    await expect(decide(ATTACKER, assume(RESOURCE_ACCOUNT_ROLE, OTHER_ACCOUNT), logsOnly(PATH))).resolves.toBe('ExplicitlyDenied');
  });

  test('listing the own account as a resource account does not switch the statement off', async () => {
    const boundary = synthBoundary({ resourceAccountIds: [ACCOUNT, OTHER_ACCOUNT], resourceAccountServices: ['logs', 'iam'], boundedRolePath: PATH });
    const statement = ([] as any[]).concat(boundary.Statement).find((s) => s.Sid === SID);
    expect(statement.NotResource).toEqual([`arn:*:iam::${ACCOUNT}:role/bounded/*`, `arn:*:iam::${OTHER_ACCOUNT}:role/*`]);
    await expect(decide(ATTACKER, passTo(ROTATION_ROLE), boundary)).resolves.toBe('ExplicitlyDenied');
  });

  test("fails if the stack has no explicit account while resource accounts are allowed 'iam'", () => {
    expect(
      () =>
        new PermissionsBoundary(new Stack(new App(), 'Agnostic'), 'B', {
          resourceAccountIds: [OTHER_ACCOUNT],
          resourceAccountServices: ['iam'],
          boundedRolePath: PATH,
        }),
    ).toThrow(/boundedRolePath: received '\/bounded\/' in a stack without an explicit account.*expected a stack with env.account/);
    // Without such accounts the own account's token is enough.
    expect(() => new PermissionsBoundary(new Stack(new App(), 'Agnostic'), 'B', { boundedRolePath: PATH })).not.toThrow();
  });
});
