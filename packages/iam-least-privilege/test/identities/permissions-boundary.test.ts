import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { evaluate, PolicyJson, RequestSpec } from '@cdk-guardrails/policy-test-kit';
import { PermissionsBoundary } from '../../lib';
import { ACCOUNT, ADMIN_POLICY, managedPolicyDocument, newStack, OTHER_ACCOUNT, withoutStatement } from './helpers';

jest.setTimeout(60_000);

const BOUNDARY_ARN = `arn:aws:iam::${ACCOUNT}:policy/GuardrailsPermissionsBoundary`;
const ADMIN = `arn:aws:iam::${ACCOUNT}:role/admin-inside-boundary`;

function boundaryOf(props = {}): PolicyJson {
  const stack = newStack();
  new PermissionsBoundary(stack, 'Boundary', props);
  return managedPolicyDocument(stack);
}

/** An administrator (Allow *:*) living inside the boundary makes `request`. */
function asAdmin(boundary: PolicyJson, request: Omit<RequestSpec, 'principal' | 'resourceAccount'> & { resourceAccount?: string }) {
  return evaluate({
    identityPolicies: [ADMIN_POLICY],
    permissionsBoundaries: [boundary],
    request: { principal: ADMIN, resourceAccount: ACCOUNT, ...request },
  });
}

const NEW_ROLE = `arn:aws:iam::${ACCOUNT}:role/new-role`;
const WITH_BOUNDARY_AND_TAGS = {
  'iam:PermissionsBoundary': BOUNDARY_ARN,
  'aws:RequestTag/Environment': 'dev',
  'aws:TagKeys': ['Environment'],
};

describe('PermissionsBoundary resource', () => {
  test('creates a managed policy with the fixed, documented name', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const boundary = new PermissionsBoundary(stack, 'Boundary');
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      ManagedPolicyName: 'GuardrailsPermissionsBoundary',
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'DenyBoundaryEscapes', Effect: 'Deny' })]) },
    });
    expect(PermissionsBoundary.DEFAULT_POLICY_NAME).toBe('GuardrailsPermissionsBoundary');
    expect(stack.resolve(boundary.boundaryArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${ACCOUNT}:policy/GuardrailsPermissionsBoundary`]],
    });
  });

  test('has no wildcard action on Resource "*" and no Action "*" in any Allow', () => {
    const doc = boundaryOf();
    for (const s of ([] as any[]).concat(doc.Statement).filter((st) => st.Effect === 'Allow')) {
      const actions = ([] as string[]).concat(s.Action);
      expect(actions).not.toContain('*');
      expect(s.NotAction).toBeUndefined();
      if (([] as string[]).concat(s.Resource).includes('*')) {
        expect(actions.filter((a) => a.includes('*'))).toEqual([]);
      }
    }
  });

  test('stays under the 6,144-character managed policy limit with the defaults', () => {
    expect(JSON.stringify(boundaryOf()).length).toBeLessThan(6144);
  });

  test('fails if the boundary grows beyond the managed policy limit', () => {
    // GIVEN
    const app = new App();
    const stack = newStack(app);
    // WHEN
    new PermissionsBoundary(stack, 'Boundary', {
      resourcelessActions: Array.from({ length: 120 }, (_, i) => `cloudwatch:PutMetricDataNumber${i}`),
    });
    // THEN
    expect(() => app.synth()).toThrow(/about \d+ characters; the IAM limit for a managed policy is 6144/);
  });

  test('applyTo attaches the boundary to every role in the scope, including roles CDK creates for you', () => {
    // GIVEN
    const app = new App();
    const stack = newStack(app);
    const boundary = new PermissionsBoundary(stack, 'Boundary');
    new iam.Role(stack, 'Plain', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    new iam.User(stack, 'User');
    // WHEN
    boundary.applyTo(app);
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', { PermissionsBoundary: { Ref: Match.stringLikeRegexp('Boundary') } });
    template.hasResourceProperties('AWS::IAM::User', { PermissionsBoundary: { Ref: Match.stringLikeRegexp('Boundary') } });
  });

  test("applyTo over a multi-account app fails at synth on a role of another account (its boundary would name this account's policy), naming the role and the fix; a stack of the same account is fine", () => {
    const app = new App();
    const home = new Stack(app, 'Home', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    const sameAccount = new Stack(app, 'SameAccount', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const other = new Stack(app, 'Other', { env: { account: OTHER_ACCOUNT, region: 'eu-west-1' } });
    const boundary = new PermissionsBoundary(home, 'Boundary');
    new iam.Role(sameAccount, 'Fine', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    new iam.Role(other, 'Elsewhere', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    boundary.applyTo(app);
    expect(() => app.synth()).toThrow(
      new RegExp(
        `Other/Elsewhere/Resource: permissions boundary: received Home/Boundary of account ${ACCOUNT} for a role of account ${OTHER_ACCOUNT}; expected a boundary of the same account.*Create a PermissionsBoundary in a stack of ${OTHER_ACCOUNT}`,
      ),
    );

    const single = new App();
    const a = new Stack(single, 'A', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    const b = new Stack(single, 'B', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const own = new PermissionsBoundary(a, 'Boundary');
    new iam.Role(b, 'Fine', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    own.applyTo(single);
    expect(() => single.synth()).not.toThrow();
  });

  test('a second boundary of the same name in the same account fails at synth, naming both (a collision at deploy otherwise); other accounts and other names are fine', () => {
    const app = new App();
    const one = new Stack(app, 'One', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    const two = new Stack(app, 'Two', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const other = new Stack(app, 'Other', { env: { account: OTHER_ACCOUNT, region: 'eu-west-1' } });
    new PermissionsBoundary(one, 'Boundary');
    new PermissionsBoundary(other, 'Boundary');
    new PermissionsBoundary(two, 'Regional', { managedPolicyName: 'GuardrailsPermissionsBoundary-us-east-1' });
    expect(() => new PermissionsBoundary(two, 'Boundary')).toThrow(
      new RegExp(
        `Two/Boundary: managedPolicyName: received 'GuardrailsPermissionsBoundary' in account ${ACCOUNT}, which already has that boundary \\(One/Boundary\\)`,
      ),
    );
  });

  test('protectRole tags the role so the boundary protects it', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'CentralLogging', { assumedBy: new iam.ServicePrincipal('logs.amazonaws.com') });
    PermissionsBoundary.protectRole(role);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      Tags: Match.arrayWith([{ Key: 'guardrails:protected', Value: 'true' }]),
    });
  });

  test('warns if no tags are required', () => {
    const stack = newStack();
    new PermissionsBoundary(stack, 'Boundary', { requiredTagKeys: [] });
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('requiredTagKeys is empty'));
  });

  test('fails if a service prefix has a wildcard', () => {
    expect(() => new PermissionsBoundary(newStack(), 'B', { allowedServices: ['s3:*'] })).toThrow(/allowedServices: received 's3:\*'/);
  });

  test('fails if a resourceless action is a wildcard', () => {
    expect(() => new PermissionsBoundary(newStack(), 'B', { resourcelessActions: ['ec2:Describe*'] })).toThrow(
      /resourcelessActions: received 'ec2:Describe\*'.*wildcards are not allowed/,
    );
  });

  test('fails if a resource account id is malformed', () => {
    expect(() => new PermissionsBoundary(newStack(), 'B', { resourceAccountIds: ['1234'] })).toThrow(
      /^TestStack\/B: resourceAccountIds: received '1234'; expected an AWS account id of exactly 12 digits$/,
    );
  });

  test('fails if a protected role pattern would lock every role', () => {
    expect(() => new PermissionsBoundary(newStack(), 'B', { protectedRoleNamePatterns: ['*'] })).toThrow(/protectedRoleNamePatterns: received '\*'/);
  });

  test('fails if a protected principal is a pattern, a user, or a role of another account', () => {
    expect(() => new PermissionsBoundary(newStack(), 'B', { protectedPrincipalArns: [`arn:aws:iam::${ACCOUNT}:role/break-glass-*`] })).toThrow(
      /protectedPrincipalArns: received 'arn:aws:iam::111111111111:role\/break-glass-\*'; expected an exact IAM role ARN \(no wildcards\)/,
    );
    expect(() => new PermissionsBoundary(newStack(), 'B', { protectedPrincipalArns: [`arn:aws:iam::${ACCOUNT}:user/break-glass`] })).toThrow(
      /protectedPrincipalArns: received 'arn:aws:iam::111111111111:user\/break-glass'; expected an exact IAM role ARN/,
    );
    expect(() => new PermissionsBoundary(newStack(), 'B', { protectedPrincipalArns: [`arn:aws:iam::${OTHER_ACCOUNT}:role/break-glass`] })).toThrow(
      /protectedPrincipalArns: received 'arn:aws:iam::222222222222:role\/break-glass' of account 222222222222; expected a role of this stack's account 111111111111/,
    );
  });

  test('accepts protected principals of any account when the stack account is not resolved', () => {
    expect(() => new PermissionsBoundary(new Stack(), 'B', { protectedPrincipalArns: [`arn:aws:iam::${OTHER_ACCOUNT}:role/break-glass`] })).not.toThrow();
  });

  test('fails if a guardrail administrator is a pattern', () => {
    expect(() => new PermissionsBoundary(newStack(), 'B', { guardrailAdministratorArns: ['arn:aws:iam::*:role/log-admin'] })).toThrow(
      /guardrailAdministratorArns: received 'arn:aws:iam::\*:role\/log-admin'; expected an exact IAM role or user ARN \(no wildcards\)/,
    );
  });

  test.each(['hnb*', 'elevenchars', '', 'a b'])('fails if the CDK bootstrap qualifier is %j', (cdkBootstrapQualifier) => {
    expect(() => new PermissionsBoundary(newStack(), 'B', { cdkBootstrapQualifier })).toThrow(
      /cdkBootstrapQualifier: received '.*'; expected a CDK bootstrap qualifier of 1-10 letters, digits, '_' or '-'/,
    );
  });

  test.each(['guard*', '/guardrails', 'a/b', ''])('fails if the protected resource name prefix is %j', (protectedResourceNamePrefix) => {
    expect(() => new PermissionsBoundary(newStack(), 'B', { protectedResourceNamePrefix })).toThrow(
      /protectedResourceNamePrefix: received '.*'; expected 1-32 letters, digits, '_' or '-'/,
    );
  });

  test('fails if a resource account service is not an allowed service', () => {
    expect(() => new PermissionsBoundary(newStack(), 'B', { allowedServices: ['logs', 's3'], resourceAccountServices: ['kms'] })).toThrow(
      /resourceAccountServices: received 'kms'; expected one of allowedServices \(logs, s3\)/,
    );
  });

  test("without cdkBootstrapQualifier, the stack's own bootstrap qualifier is protected (red10 R10-4); CDK's default without one", () => {
    const roles = (stack: Stack) => {
      new PermissionsBoundary(stack, 'B');
      return ([] as any[]).concat(managedPolicyDocument(stack).Statement).find((st) => st.Sid === 'DenyGuardrailRoleChanges').Resource;
    };
    const app = new App({ context: { '@aws-cdk/core:bootstrapQualifier': 'grdprod' } });
    expect(roles(new Stack(app, 'Own', { env: { account: ACCOUNT, region: 'eu-west-1' } }))).toContain('arn:*:iam::*:role/cdk-grdprod-*');
    expect(roles(new Stack(new App(), 'Plain', { env: { account: ACCOUNT, region: 'eu-west-1' } }))).toContain('arn:*:iam::*:role/cdk-hnb659fds-*');
    // the prop wins
    const given = new Stack(new App({ context: { '@aws-cdk/core:bootstrapQualifier': 'grdprod' } }), 'Given', {
      env: { account: ACCOUNT, region: 'eu-west-1' },
    });
    new PermissionsBoundary(given, 'B', { cdkBootstrapQualifier: 'other1' });
    expect(([] as any[]).concat(managedPolicyDocument(given).Statement).find((st) => st.Sid === 'DenyGuardrailRoleChanges').Resource).toContain(
      'arn:*:iam::*:role/cdk-other1-*',
    );
  });

  test('the qualifier and the prefix shape the guardrail denies; administrators are protected as well as exempt', () => {
    const admin = `arn:aws:iam::${ACCOUNT}:role/log-admin`;
    const doc = boundaryOf({ cdkBootstrapQualifier: 'abc123', protectedResourceNamePrefix: 'sec', guardrailAdministratorArns: [admin] });
    const statement = (sid: string) => ([] as any[]).concat(doc.Statement).find((st) => st.Sid === sid);
    // Exact ARNs in any partition (2 characters less each; an account belongs to one partition).
    expect(statement('DenyGuardrailRoleChanges').Resource).toEqual([
      `arn:*:iam::${ACCOUNT}:role/log-admin`,
      'arn:*:iam::*:role/cdk-abc123-*',
      `arn:*:iam::${ACCOUNT}:policy/GuardrailsPermissionsBoundary`,
    ]);
    expect(statement('DenyGuardrailResourceChanges').Resource).toContain('arn:*:logs:*:*:log-group:/sec/*');
    expect(statement('DenyGuardrailResourceChanges').Condition.ArnNotEquals).toEqual({ 'aws:PrincipalARN': [admin] });
  });

  test('fails if a required tag key is reserved', () => {
    expect(() => new PermissionsBoundary(newStack(), 'B', { requiredTagKeys: ['aws:createdBy'] })).toThrow(/requiredTagKeys: received 'aws:createdBy'/);
  });
});

describe('PermissionsBoundary boundedRolePath', () => {
  test('adds one deny on creating, passing and assuming the roles outside the path, and on identity providers', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new PermissionsBoundary(stack, 'Boundary', { boundedRolePath: '/bounded/' });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'DenyRolesOutsidePath',
            Effect: 'Deny',
            Action: ['iam:CreateRole', 'iam:PassRole', 'sts:AssumeRole', 'iam:*Provider*'],
            NotResource: `arn:*:iam::${ACCOUNT}:role/bounded/*`,
          },
        ]),
      },
    });
  });

  test('is off by default', () => {
    Template.fromStack(
      (() => {
        const st = newStack();
        new PermissionsBoundary(st, 'B');
        return st;
      })(),
    ).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.not(Match.arrayWith([Match.objectLike({ Sid: 'DenyRolesOutsidePath' })])) },
    });
  });

  test("fails if the path is '/' (every role is under it)", () => {
    expect(() => new PermissionsBoundary(newStack(), 'B', { boundedRolePath: '/' })).toThrow(
      /boundedRolePath: received '\/'; expected a path below '\/' such as '\/bounded\/'/,
    );
  });

  test.each(['bounded', '/bounded', 'bounded/', '//', '/a b/', '/b*/', '/b?d/', '/${aws:username}/', `/${'a'.repeat(511)}/`])(
    'fails if the path is %j (not an IAM path, too long, or a wildcard or policy variable that would widen the exemption)',
    (boundedRolePath) => {
      expect(() => new PermissionsBoundary(newStack(), 'B', { boundedRolePath })).toThrow(
        /boundedRolePath: received '.*'; expected an IAM path of at most 512 characters that starts and ends with '\/'.*but '\*', '\?' and '\$'/s,
      );
    },
  );

  test("fails if the path is a token (it could resolve to '/' at deploy time)", () => {
    const stack = newStack();
    const path = new CfnParameter(stack, 'Path').valueAsString;
    expect(() => new PermissionsBoundary(stack, 'B', { boundedRolePath: path })).toThrow(
      /boundedRolePath: received a CDK token; expected an IAM path as a plain string, such as '\/bounded\/'/,
    );
  });

  test.each(['/bounded/', '/guardrails/bounded/', '/team-a.b_c@d=e,f+g/'])('accepts %j', (boundedRolePath) => {
    expect(() => new PermissionsBoundary(newStack(), 'B', { boundedRolePath })).not.toThrow();
  });
});

describe('PermissionsBoundary semantics: an administrator inside it cannot leave it', () => {
  let boundary: PolicyJson;
  beforeAll(() => {
    boundary = boundaryOf({ protectedRoleNamePatterns: ['central-logging-*'] });
  });

  test('creating a role without the boundary is denied; with it (and the tags) it is allowed', async () => {
    await expect(
      asAdmin(boundary, { action: 'iam:CreateRole', resource: NEW_ROLE, context: { 'aws:RequestTag/Environment': 'dev', 'aws:TagKeys': ['Environment'] } }),
    ).resolves.toBe('ExplicitlyDenied');
    await expect(asAdmin(boundary, { action: 'iam:CreateRole', resource: NEW_ROLE, context: WITH_BOUNDARY_AND_TAGS })).resolves.toBe('Allowed');
  });

  test('creating a role with another boundary is denied', async () => {
    await expect(
      asAdmin(boundary, {
        action: 'iam:CreateRole',
        resource: NEW_ROLE,
        context: { ...WITH_BOUNDARY_AND_TAGS, 'iam:PermissionsBoundary': `arn:aws:iam::${ACCOUNT}:policy/Wide` },
      }),
    ).resolves.toBe('ExplicitlyDenied');
  });

  test('...and is allowed once DenyIdentitiesWithoutThisBoundary is removed (the test depends on it)', async () => {
    await expect(
      asAdmin(withoutStatement(boundary, 'DenyIdentitiesWithoutThisBoundary'), {
        action: 'iam:CreateRole',
        resource: NEW_ROLE,
        context: { 'aws:RequestTag/Environment': 'dev', 'aws:TagKeys': ['Environment'] },
      }),
    ).resolves.toBe('Allowed');
  });

  test('creating a user without the boundary is denied', async () => {
    await expect(
      asAdmin(boundary, { action: 'iam:CreateUser', resource: `arn:aws:iam::${ACCOUNT}:user/bob`, context: { 'aws:RequestTag/Environment': 'dev' } }),
    ).resolves.toBe('ExplicitlyDenied');
  });

  test('editing the trust policy of an unbounded role is denied; of a bounded one it is not', async () => {
    const request = { action: 'iam:UpdateAssumeRolePolicy', resource: `arn:aws:iam::${ACCOUNT}:role/legacy-admin` };
    await expect(asAdmin(boundary, request)).resolves.toBe('ExplicitlyDenied');
    await expect(asAdmin(boundary, { ...request, context: { 'iam:PermissionsBoundary': BOUNDARY_ARN } })).resolves.toBe('Allowed');
  });

  test('deleting the boundary from a role is denied, and allowed without DenyBoundaryEscapes', async () => {
    const request = { action: 'iam:DeleteRolePermissionsBoundary', resource: NEW_ROLE, context: { 'iam:PermissionsBoundary': BOUNDARY_ARN } };
    await expect(asAdmin(boundary, request)).resolves.toBe('ExplicitlyDenied');
    await expect(asAdmin(withoutStatement(boundary, 'DenyBoundaryEscapes'), request)).resolves.toBe('Allowed');
  });

  test('editing the boundary policy is denied, other policies are not; allowed without the policy edits in DenyGuardrailRoleChanges', async () => {
    const request = { action: 'iam:CreatePolicyVersion', resource: BOUNDARY_ARN };
    await expect(asAdmin(boundary, request)).resolves.toBe('ExplicitlyDenied');
    await expect(asAdmin(boundary, { action: 'iam:CreatePolicyVersion', resource: `arn:aws:iam::${ACCOUNT}:policy/app-policy` })).resolves.toBe('Allowed');
    await expect(asAdmin(withoutStatement(boundary, 'DenyGuardrailRoleChanges'), request)).resolves.toBe('Allowed');
  });

  test('creating a role without the required tag is denied; allowed without the tag statement', async () => {
    const request = { action: 'iam:CreateRole', resource: NEW_ROLE, context: { 'iam:PermissionsBoundary': BOUNDARY_ARN } };
    await expect(asAdmin(boundary, request)).resolves.toBe('ExplicitlyDenied');
    await expect(asAdmin(withoutStatement(boundary, 'DenyIdentityWithoutRequiredTag0'), request)).resolves.toBe('Allowed');
  });

  test('removing a required tag is denied, whatever the case of the key (IAM tag keys of roles are not case sensitive)', async () => {
    for (const key of ['Environment', 'ENVIRONMENT']) {
      const request = { action: 'iam:UntagRole', resource: NEW_ROLE, context: { 'aws:TagKeys': [key] } };
      await expect(asAdmin(boundary, request)).resolves.toBe('ExplicitlyDenied');
      await expect(asAdmin(withoutStatement(boundary, 'DenyRemovingRequiredTags'), request)).resolves.toBe('Allowed');
    }
  });

  test.each([
    ['cloudtrail:StopLogging', `arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/org-trail`],
    ['guardduty:DeleteDetector', `arn:aws:guardduty:eu-west-1:${ACCOUNT}:detector/abc`],
    ['config:StopConfigurationRecorder', '*'],
    ['access-analyzer:DeleteAnalyzer', `arn:aws:access-analyzer:eu-west-1:${ACCOUNT}:analyzer/a`],
    ['logs:DeleteSubscriptionFilter', `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/aws/cloudtrail:*`],
  ])('%s is denied, and allowed without DenySecurityServiceTampering', async (action, resource) => {
    await expect(asAdmin(boundary, { action, resource })).resolves.toBe('ExplicitlyDenied');
    await expect(asAdmin(withoutStatement(boundary, 'DenySecurityServiceTampering'), { action, resource })).resolves.toBe('Allowed');
  });

  test('a role carrying the protected tag (principal tag) is not exempt from the security-service denies', async () => {
    const guardrailRole = `arn:aws:iam::${ACCOUNT}:role/central-logging-binder`;
    const request = { action: 'logs:PutSubscriptionFilter', resource: `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/aws/cloudtrail:*` };
    await expect(
      evaluate({
        identityPolicies: [ADMIN_POLICY],
        permissionsBoundaries: [boundary],
        request: { ...request, principal: guardrailRole, resourceAccount: ACCOUNT, context: { 'aws:PrincipalTag/guardrails:protected': 'true' } },
      }),
    ).resolves.toBe('ExplicitlyDenied');
    await expect(asAdmin(boundary, request)).resolves.toBe('ExplicitlyDenied');
  });

  test('nobody inside the boundary can give an identity the protected tag, in any case; allowed without DenyProtectedTagOnIdentities', async () => {
    const create = {
      action: 'iam:CreateRole',
      resource: NEW_ROLE,
      context: { ...WITH_BOUNDARY_AND_TAGS, 'aws:RequestTag/guardrails:protected': 'true', 'aws:TagKeys': ['Environment', 'guardrails:protected'] },
    };
    const tag = {
      action: 'iam:TagRole',
      resource: NEW_ROLE,
      context: { 'aws:RequestTag/Guardrails:Protected': 'true', 'aws:TagKeys': ['Guardrails:Protected'] },
    };
    await expect(asAdmin(boundary, create)).resolves.toBe('ExplicitlyDenied');
    await expect(asAdmin(boundary, tag)).resolves.toBe('ExplicitlyDenied');
    const without = withoutStatement(boundary, 'DenyProtectedTagOnIdentities');
    await expect(asAdmin(without, create)).resolves.toBe('Allowed');
    await expect(asAdmin(without, tag)).resolves.toBe('Allowed');
  });

  test('changing a role tagged protected is denied (trust policy, attached policies, passing it)', async () => {
    // The tag marks the role (a resource): DenyProtectedTagOnIdentities keeps bounded identities from setting it.
    const resource = `arn:aws:iam::${ACCOUNT}:role/log-forwarder`;
    const context = { 'aws:ResourceTag/guardrails:protected': 'true', 'iam:PermissionsBoundary': BOUNDARY_ARN };
    for (const action of ['iam:UpdateAssumeRolePolicy', 'iam:AttachRolePolicy', 'iam:PassRole']) {
      await expect(asAdmin(boundary, { action, resource, context })).resolves.toBe('ExplicitlyDenied');
      await expect(asAdmin(withoutStatement(boundary, 'DenyProtectedRoleChangesByTag'), { action, resource, context })).resolves.toBe('Allowed');
    }
  });

  test('changing a role matching a protected name pattern, or creating one with such a name, is denied', async () => {
    const resource = `arn:aws:iam::${ACCOUNT}:role/central-logging-destination`;
    for (const request of [
      { action: 'iam:PutRolePolicy', resource, context: { 'iam:PermissionsBoundary': BOUNDARY_ARN } },
      { action: 'iam:CreateRole', resource, context: WITH_BOUNDARY_AND_TAGS },
    ]) {
      await expect(asAdmin(boundary, request)).resolves.toBe('ExplicitlyDenied');
      await expect(asAdmin(withoutStatement(boundary, 'DenyProtectedRoleChangesByName'), request)).resolves.toBe('Allowed');
    }
  });

  test('creating access keys is denied (service identities are roles only); allowed with allowAccessKeyCreation', async () => {
    const request = { action: 'iam:CreateAccessKey', resource: `arn:aws:iam::${ACCOUNT}:user/bob` };
    await expect(asAdmin(boundary, request)).resolves.toBe('ExplicitlyDenied');
    await expect(asAdmin(withoutStatement(boundary, 'DenyBoundaryEscapes'), request)).resolves.toBe('Allowed');
    await expect(asAdmin(boundaryOf({ allowAccessKeyCreation: true }), request)).resolves.toBe('Allowed');
  });
});

describe('PermissionsBoundary semantics: what it allows', () => {
  let boundary: PolicyJson;
  beforeAll(() => {
    boundary = boundaryOf();
  });

  test('allowed services on resources of the own account are allowed', async () => {
    await expect(asAdmin(boundary, { action: 'logs:PutLogEvents', resource: `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:app:log-stream:s` })).resolves.toBe(
      'Allowed',
    );
    await expect(
      asAdmin(boundary, { action: 's3:GetObject', resource: 'arn:aws:s3:::own-bucket/key', context: { 's3:ResourceAccount': ACCOUNT } }),
    ).resolves.toBe('Allowed');
    await expect(asAdmin(boundary, { action: 'cloudwatch:PutMetricData', resource: '*' })).resolves.toBe('Allowed');
  });

  test('resources of other accounts are outside the boundary unless listed', async () => {
    // The other account's key policy allows our admin: only the boundary decides.
    const keyArn = `arn:aws:kms:eu-west-1:${OTHER_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const keyPolicy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: ADMIN }, Action: 'kms:Decrypt', Resource: '*' }] };
    const crossAccount = (b: PolicyJson) =>
      evaluate({
        identityPolicies: [ADMIN_POLICY],
        permissionsBoundaries: [b],
        resourcePolicy: keyPolicy,
        request: { principal: ADMIN, action: 'kms:Decrypt', resource: keyArn, resourceAccount: OTHER_ACCOUNT },
      });
    await expect(crossAccount(boundary)).resolves.toBe('ImplicitlyDenied');
    await expect(crossAccount(boundaryOf({ resourceAccountIds: [OTHER_ACCOUNT] }))).resolves.toBe('Allowed');
    await expect(
      asAdmin(boundary, { action: 's3:GetObject', resource: 'arn:aws:s3:::someone-elses/key', context: { 's3:ResourceAccount': OTHER_ACCOUNT } }),
    ).resolves.toBe('ImplicitlyDenied');
  });

  test('resourceAccountServices limits what identities may do on the resource accounts', async () => {
    const logsOnly = boundaryOf({ resourceAccountIds: [OTHER_ACCOUNT], resourceAccountServices: ['logs'] });
    const logStream = `arn:aws:logs:eu-west-1:${OTHER_ACCOUNT}:log-group:central:log-stream:s`;
    const logsPolicy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: ADMIN }, Action: 'logs:GetLogEvents', Resource: logStream }] };
    const keyArn = `arn:aws:kms:eu-west-1:${OTHER_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const keyPolicy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: ADMIN }, Action: 'kms:Decrypt', Resource: '*' }] };
    const crossAccount = (action: string, resource: string, resourcePolicy: PolicyJson) =>
      evaluate({
        identityPolicies: [ADMIN_POLICY],
        permissionsBoundaries: [logsOnly],
        resourcePolicy,
        request: { principal: ADMIN, action, resource, resourceAccount: OTHER_ACCOUNT },
      });
    // Only the boundary decides here (the resource policies allow).
    await expect(crossAccount('logs:GetLogEvents', logStream, logsPolicy)).resolves.toBe('Allowed');
    await expect(crossAccount('kms:Decrypt', keyArn, keyPolicy)).resolves.toBe('ImplicitlyDenied');
    await expect(
      asAdmin(logsOnly, { action: 's3:GetObject', resource: 'arn:aws:s3:::central/key', context: { 's3:ResourceAccount': OTHER_ACCOUNT } }),
    ).resolves.toBe('ImplicitlyDenied');
  });

  test('an S3-only boundary allows S3 on own buckets and nothing else', async () => {
    const s3Only = boundaryOf({ allowedServices: ['s3'] });
    await expect(
      asAdmin(s3Only, { action: 's3:GetObject', resource: 'arn:aws:s3:::own-bucket/key', context: { 's3:ResourceAccount': ACCOUNT } }),
    ).resolves.toBe('Allowed');
    await expect(asAdmin(s3Only, { action: 'sqs:SendMessage', resource: `arn:aws:sqs:eu-west-1:${ACCOUNT}:q` })).resolves.toBe('ImplicitlyDenied');
  });

  test('services that are not listed are outside the boundary', async () => {
    await expect(
      asAdmin(boundary, { action: 'sagemaker:CreateNotebookInstance', resource: `arn:aws:sagemaker:eu-west-1:${ACCOUNT}:notebook-instance/n` }),
    ).resolves.toBe('ImplicitlyDenied');
  });
});

test('Stack import: fromDefaultName references the fixed name', () => {
  const stack = new Stack(new App(), 'S', { env: { account: ACCOUNT, region: 'eu-west-1' } });
  const ref = PermissionsBoundary.fromDefaultName(stack, 'B');
  expect(stack.resolve(ref.managedPolicyArn)).toEqual({
    'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${ACCOUNT}:policy/GuardrailsPermissionsBoundary`]],
  });
});

describe('PermissionsBoundary protectedStackNames and protectedPolicyNames', () => {
  const statement = (doc: any, sid: string) => ([] as any[]).concat(doc.Statement).find((st) => st.Sid === sid);

  test('the stacks named <prefix>-* are always protected; protectedStackNames adds exact names and patterns', () => {
    expect(statement(boundaryOf({}), 'DenyGuardrailResourceChanges').Resource).toContain('arn:*:cloudformation:*:*:stack/guardrails-*');
    const doc = boundaryOf({ protectedStackNames: ['prod-workload-*', 'CDKToolkit'] });
    expect(statement(doc, 'DenyGuardrailResourceChanges').Resource).toEqual(
      expect.arrayContaining([
        'arn:*:cloudformation:*:*:stack/guardrails-*',
        'arn:*:cloudformation:*:*:stack/prod-workload-*',
        'arn:*:cloudformation:*:*:stack/CDKToolkit/*',
      ]),
    );
  });

  test.each(['*', '**', '-x', 'prod_workload', 'prod/workload', `a${'b'.repeat(128)}`])(
    'fails on the stack name %j, naming the prop and what is allowed',
    (name) => {
      expect(() => new PermissionsBoundary(newStack(), 'B', { protectedStackNames: ['ok', name] })).toThrow(
        /protectedStackNames\[1\]: received '.*'; expected a CloudFormation stack name .* and not only wildcards/s,
      );
    },
  );

  test('protectedPolicyNames joins the boundary policy in the deny of policy edits; a wildcard is refused', () => {
    const doc = boundaryOf({ protectedPolicyNames: ['GuardrailsDeploymentBoundary'] });
    expect(statement(doc, 'DenyGuardrailRoleChanges').Resource).toEqual(
      expect.arrayContaining([`arn:*:iam::${ACCOUNT}:policy/GuardrailsPermissionsBoundary`, `arn:*:iam::${ACCOUNT}:policy/GuardrailsDeploymentBoundary`]),
    );
    expect(() => new PermissionsBoundary(newStack(), 'B', { protectedPolicyNames: ['Guardrails*'] })).toThrow(
      /protectedPolicyNames\[0\]: received 'Guardrails\*'; expected a managed policy name \(1-128 .*no wildcard\)/,
    );
  });
});
