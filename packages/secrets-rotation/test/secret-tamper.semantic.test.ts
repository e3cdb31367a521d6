/**
 * Security issue 14: an administrator of the account inside its permissions boundary (identity
 * policy allowing every Secrets Manager action) must not be able to stop or re-point a secret's
 * rotation, re-key it, replace its resource policy or delete it. The secret's resource policy
 * (administratorArns) denies it; the administrators, the rotation and AWS services keep working.
 */
import { evaluate, PolicyJson, resolveIntrinsics, singleResource } from '@cdk-guardrails/policy-test-kit';
import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { RotatingSecretProps } from '../lib';
import { guardedSecretStack, SecretKind } from './support/guarded-secret';

jest.setTimeout(60_000);

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:guarded-AbCdEf`;
const EXEC_ROLE = `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}`;
const BREAK_GLASS = `arn:aws:iam::${ACCOUNT}:role/GuardrailsBreakGlass`;
const BOUNDED_ADMIN = `arn:aws:sts::${ACCOUNT}:assumed-role/workload-admin/mallory`;
const ROTATION_ROLE = `arn:aws:iam::${ACCOUNT}:role/Workload-GuardedRotationRole-ABC`;
const ALLOW_ALL_SECRETS: PolicyJson = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'secretsmanager:*', Resource: '*' }] };

type Kind = SecretKind;

function stackWith(kind: Kind, extra: Partial<RotatingSecretProps> = { administratorArns: [EXEC_ROLE, BREAK_GLASS] }): Stack {
  return guardedSecretStack(kind, ACCOUNT, REGION, extra);
}

function policyOf(stack: Stack): PolicyJson {
  const [, policy] = singleResource(Template.fromStack(stack).toJSON(), 'AWS::SecretsManager::ResourcePolicy');
  // The only GetAtt in the policy is the rotation function's role (the value writers' exemption).
  const getAtts = new Proxy({}, { get: () => ROTATION_ROLE });
  return resolveIntrinsics(policy.Properties.ResourcePolicy, { account: ACCOUNT, region: REGION, getAtts: getAtts });
}

function withoutStatement(policy: PolicyJson, sid: string): PolicyJson {
  return { ...policy, Statement: (policy.Statement as any[]).filter((s) => s.Sid !== sid) };
}

/** IAM sets these for a signed request; the evaluator needs them given. An assumed-role session carries its role ARN. */
function request(principal: string, action: string, service?: string) {
  const session = /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(principal);
  const context: Record<string, string> =
    service !== undefined
      ? { 'aws:PrincipalIsAWSService': 'true', 'aws:PrincipalServiceName': service }
      : {
          'aws:PrincipalAccount': ACCOUNT,
          'aws:PrincipalArn': session ? `arn:aws:iam::${session[1]}:role/${session[2]}` : principal,
          'aws:PrincipalIsAWSService': 'false',
        };
  return { action, principal, resource: SECRET_ARN, resourceAccount: ACCOUNT, context };
}

const TAMPERING: Array<[string, string]> = [
  ['cancel the rotation', 'secretsmanager:CancelRotateSecret'],
  ['re-point the rotation to a function of its own', 'secretsmanager:RotateSecret'],
  ['re-key the secret with a key of its own', 'secretsmanager:UpdateSecret'],
  ['replace the resource policy', 'secretsmanager:PutResourcePolicy'],
  ['delete the resource policy', 'secretsmanager:DeleteResourcePolicy'],
  ['replicate the secret to another region', 'secretsmanager:ReplicateSecretToRegions'],
  ['remove a replica region', 'secretsmanager:RemoveRegionsFromReplication'],
  ['promote a replica to a standalone secret', 'secretsmanager:StopReplicationToReplica'],
  ['tag the secret', 'secretsmanager:TagResource'],
  ['untag the secret', 'secretsmanager:UntagResource'],
];

describe.each<Kind>(['database secret', 'API key', 'service token'])('a %s with administratorArns', (kind) => {
  const policy = policyOf(stackWith(kind));

  test.each(TAMPERING)(`a bounded admin cannot %s of a ${kind}; allowed without the statement`, async (_what, action) => {
    expect(await evaluate({ request: request(BOUNDED_ADMIN, action), identityPolicies: [ALLOW_ALL_SECRETS], resourcePolicy: policy })).toBe('ExplicitlyDenied');
    const weaker = withoutStatement(policy, 'DenyRotationAndPolicyChangesExceptAdministrators');
    expect(await evaluate({ request: request(BOUNDED_ADMIN, action), identityPolicies: [ALLOW_ALL_SECRETS], resourcePolicy: weaker })).toBe('Allowed');
  });

  test('control: the execution role and break-glass still change it; the rotation keeps writing new values; reads are open to the identity policies', async () => {
    for (const principal of [EXEC_ROLE, `arn:aws:sts::${ACCOUNT}:assumed-role/GuardrailsBreakGlass/oncall`]) {
      for (const [, action] of TAMPERING) {
        expect([
          principal,
          action,
          await evaluate({ request: request(principal, action), identityPolicies: [ALLOW_ALL_SECRETS], resourcePolicy: policy }),
        ]).toEqual([principal, action, 'Allowed']);
      }
    }
    const rotationRole = `arn:aws:sts::${ACCOUNT}:assumed-role/Workload-GuardedRotationRole-ABC/rotation`;
    for (const action of [
      'secretsmanager:PutSecretValue',
      'secretsmanager:UpdateSecretVersionStage',
      'secretsmanager:GetSecretValue',
      'secretsmanager:DescribeSecret',
    ]) {
      expect(await evaluate({ request: request(rotationRole, action), identityPolicies: [ALLOW_ALL_SECRETS], resourcePolicy: policy })).toBe('Allowed');
    }
  });

  test('control: an AWS service principal is not denied by the statement', async () => {
    const serviceCall = request('secretsmanager.amazonaws.com', 'secretsmanager:RotateSecret', 'secretsmanager.amazonaws.com');
    const statement = (policy.Statement as any[]).find((s) => s.Sid === 'DenyRotationAndPolicyChangesExceptAdministrators');
    expect(statement.Condition.BoolIfExists).toEqual({ 'aws:PrincipalIsAWSService': 'false' });
    expect(
      await evaluate({ request: { ...serviceCall, principal: 'secretsmanager.amazonaws.com' }, resourcePolicy: { ...policy, Statement: [statement] } }),
    ).not.toBe('ExplicitlyDenied');
  });
});

// Planting a value: the secret's users would take a value the attacker knows until the next rotation.
describe.each<Kind>(['database secret', 'API key', 'service token'])('the value of a %s (its rotation role is known)', (kind) => {
  const policy = policyOf(stackWith(kind));

  test.each([
    ['write a value of its own', 'secretsmanager:PutSecretValue'],
    ['move AWSCURRENT back to a version it knows', 'secretsmanager:UpdateSecretVersionStage'],
  ])(`a bounded admin cannot %s (${kind}); allowed without the statement`, async (_what, action) => {
    expect(await evaluate({ request: request(BOUNDED_ADMIN, action), identityPolicies: [ALLOW_ALL_SECRETS], resourcePolicy: policy })).toBe('ExplicitlyDenied');
    const weaker = withoutStatement(policy, 'DenyValueChangesExceptRotation');
    expect(await evaluate({ request: request(BOUNDED_ADMIN, action), identityPolicies: [ALLOW_ALL_SECRETS], resourcePolicy: weaker })).toBe('Allowed');
  });

  test("control: the rotation function's role and the administrators write values; a look-alike role does not", async () => {
    for (const principal of [`arn:aws:sts::${ACCOUNT}:assumed-role/Workload-GuardedRotationRole-ABC/rotation`, EXEC_ROLE, BREAK_GLASS]) {
      expect([
        principal,
        await evaluate({ request: request(principal, 'secretsmanager:PutSecretValue'), identityPolicies: [ALLOW_ALL_SECRETS], resourcePolicy: policy }),
      ]).toEqual([principal, 'Allowed']);
    }
    const lookAlike = `arn:aws:sts::${ACCOUNT}:assumed-role/Workload-GuardedRotationRole-ABC-copy/x`;
    expect(
      await evaluate({ request: request(lookAlike, 'secretsmanager:PutSecretValue'), identityPolicies: [ALLOW_ALL_SECRETS], resourcePolicy: policy }),
    ).toBe('ExplicitlyDenied');
  });
});

test("a database secret of a hosted engine gets no value statement (the hosted rotation's role has a name nobody chooses): its writers are the identity policies", () => {
  expect(JSON.stringify(policyOf(stackWith('hosted database secret')))).not.toContain('DenyValueChangesExceptRotation');
});

test('deleting a secret is denied to everyone, the administrators too (aws-cdk-lib adds a DeleteSecret deny for the account with every rotation schedule): they must change the policy first', async () => {
  const policy = policyOf(stackWith('API key'));
  expect(await evaluate({ request: request(EXEC_ROLE, 'secretsmanager:DeleteSecret'), identityPolicies: [ALLOW_ALL_SECRETS], resourcePolicy: policy })).toBe(
    'ExplicitlyDenied',
  );
  expect(
    await evaluate({ request: request(BOUNDED_ADMIN, 'secretsmanager:DeleteSecret'), identityPolicies: [ALLOW_ALL_SECRETS], resourcePolicy: policy }),
  ).toBe('ExplicitlyDenied');
  // ...and without aws-cdk-lib's statement ours still stops the bounded admin (not the administrators).
  const oursOnly = { ...policy, Statement: (policy.Statement as any[]).filter((s) => s.Sid !== undefined) };
  expect(
    await evaluate({ request: request(BOUNDED_ADMIN, 'secretsmanager:DeleteSecret'), identityPolicies: [ALLOW_ALL_SECRETS], resourcePolicy: oursOnly }),
  ).toBe('ExplicitlyDenied');
  expect(
    await evaluate({
      request: request(BOUNDED_ADMIN, 'secretsmanager:DeleteSecret'),
      identityPolicies: [ALLOW_ALL_SECRETS],
      resourcePolicy: withoutStatement(oursOnly, 'DenyRotationAndPolicyChangesExceptAdministrators'),
    }),
  ).toBe('Allowed');
  expect(await evaluate({ request: request(EXEC_ROLE, 'secretsmanager:DeleteSecret'), identityPolicies: [ALLOW_ALL_SECRETS], resourcePolicy: oursOnly })).toBe(
    'Allowed',
  );
});

test('why break-glass must be listed: the account root user is denied too unless it is an administrator', async () => {
  const root = `arn:aws:iam::${ACCOUNT}:root`;
  const policy = policyOf(stackWith('service token'));
  expect(await evaluate({ request: request(root, 'secretsmanager:PutResourcePolicy'), identityPolicies: [ALLOW_ALL_SECRETS], resourcePolicy: policy })).toBe(
    'ExplicitlyDenied',
  );
  const withRoot = policyOf(stackWith('service token', { administratorArns: [EXEC_ROLE, root] }));
  expect(await evaluate({ request: request(root, 'secretsmanager:PutResourcePolicy'), identityPolicies: [ALLOW_ALL_SECRETS], resourcePolicy: withRoot })).toBe(
    'Allowed',
  );
  // Naming the root user exempts that user only, not the account's other principals.
  expect(
    await evaluate({ request: request(BOUNDED_ADMIN, 'secretsmanager:PutResourcePolicy'), identityPolicies: [ALLOW_ALL_SECRETS], resourcePolicy: withRoot }),
  ).toBe('ExplicitlyDenied');
});

describe('administratorArns validation and default', () => {
  test('without administratorArns: no statement, and a warning that names the risk and the fix', () => {
    const stack = stackWith('API key', {});
    expect(JSON.stringify(Template.fromStack(stack).toJSON())).not.toContain('DenyRotationAndPolicyChangesExceptAdministrators');
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('administratorArns is not set.*cancel or re-point the rotation'));
  });

  test.each([
    [
      ['arn:aws:iam::111111111111:role/cdk-*-cfn-exec-role'],
      /administratorArns\[0\]: received 'arn:aws:iam::111111111111:role\/cdk-\*-cfn-exec-role'; expected an exact IAM role, user or account root ARN .*no \* or \?/,
    ],
    [
      [EXEC_ROLE, 'arn:aws:iam::111111111111:role/break-glas?'],
      /administratorArns\[1\]: received 'arn:aws:iam::111111111111:role\/break-glas\?'; expected an exact IAM role, user or account root ARN/,
    ],
    [['not-an-arn'], /administratorArns\[0\]: received 'not-an-arn'; expected an exact IAM role, user or account root ARN/],
    [['arn:aws:s3:::my-admin-bucket'], /administratorArns\[0\]: received 'arn:aws:s3:::my-admin-bucket'; expected an exact IAM role/],
    [
      [BOUNDED_ADMIN],
      /administratorArns\[0\]: received 'arn:aws:sts::111111111111:assumed-role\/workload-admin\/mallory'; expected .*not an STS session or group ARN/,
    ],
    [
      ['arn:aws:iam::111111111111:group/admins'],
      /administratorArns\[0\]: received 'arn:aws:iam::111111111111:group\/admins'; expected an exact IAM role, user or account root ARN/,
    ],
    [
      [EXEC_ROLE, 'arn:aws:iam::222222222222:role/GuardrailsBreakGlass'],
      /administratorArns\[1\]: received 'arn:aws:iam::222222222222:role\/GuardrailsBreakGlass' of account 222222222222; expected a principal of this account \(111111111111\)/,
    ],
    [[], /administratorArns: received an empty list/],
  ])('%j is refused with a clear error', (arns, error) => {
    expect(() => stackWith('service token', { administratorArns: arns })).toThrow(error);
  });

  test('an IAM user and the root user are accepted administrators', () => {
    expect(() =>
      stackWith('API key', { administratorArns: [EXEC_ROLE, `arn:aws:iam::${ACCOUNT}:user/ops/alice`, `arn:aws:iam::${ACCOUNT}:root`] }),
    ).not.toThrow();
  });

  test("a list without the stack's CloudFormation execution role warns (the next deployment would be denied); with it, no warning", () => {
    const without = stackWith('API key', { administratorArns: [BREAK_GLASS] });
    Annotations.fromStack(without).hasWarning(
      '*',
      Match.stringLikeRegexp(
        `administratorArns does not name the CloudFormation execution role this stack deploys with \\(arn:.*:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}\\)`,
      ),
    );
    const withIt = stackWith('API key');
    Annotations.fromStack(withIt).hasNoWarning('*', Match.stringLikeRegexp('administratorArns'));
  });
});
