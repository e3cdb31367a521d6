/**
 * Semantic tests of `administratorArns`: who can switch the guardrail keys off.
 *
 * The attacker is an admin of the workload account whose identity policy allows `*` and who lives
 * inside the permissions boundary, which allows `kms:*` on this account's keys. Each request is
 * evaluated with the identity policy, the boundary and the key policy together (SCPs are not
 * involved: these attacks stay inside the account).
 */
import { evaluate, PolicyJson } from '@cdk-guardrails/policy-test-kit';
import { KeyHierarchy, KeyHierarchyProps } from '../lib';
import { ACCOUNT, KEY_ARN, REGION, allowAll, newStack, principalContext, resolvedKeyPolicy, statementBySid } from './helpers';

jest.setTimeout(60_000);

const EXEC_ROLE = `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}`;
const KEY_ADMIN_ROLE = `arn:aws:iam::${ACCOUNT}:role/guardrails-key-admin`;
const KEY_ADMIN_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/guardrails-key-admin/alice`;
const EXEC_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}/AWSCloudFormation`;
const ATTACKER_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/workload-admin/mallory`;
const APP_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/app/task`;

/** What GuardrailsPermissionsBoundary allows for KMS (its AllowServicesOnAllowedAccounts statement); its denies do not touch KMS. */
const BOUNDARY: PolicyJson = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'AllowServicesOnAllowedAccounts', Effect: 'Allow', Action: 'kms:*', Resource: `arn:aws:kms:*:${ACCOUNT}:*` }],
};

/** The bounded admin's identity policy. */
const ADMIN_IDENTITY = [allowAll('*')];

/** Actions that switch a key off, take it over or hide a change. */
const ATTACKS = [
  'kms:DisableKey',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
  'kms:PutKeyPolicy',
  'kms:DisableKeyRotation',
  'kms:UpdateAlias',
  'kms:DeleteAlias',
  'kms:RevokeGrant',
  'kms:UpdateKeyDescription',
  'kms:TagResource',
];

const PURPOSES = ['Data', 'Secrets', 'Logs'] as const;

function keyPolicies(props: KeyHierarchyProps = { administratorArns: [EXEC_ROLE, KEY_ADMIN_ROLE] }) {
  const stack = newStack();
  new KeyHierarchy(stack, 'Keys', props);
  return Object.fromEntries(PURPOSES.map((p) => [p, resolvedKeyPolicy(stack, p)])) as Record<(typeof PURPOSES)[number], PolicyJson>;
}

async function decide(
  keyPolicy: PolicyJson,
  principal: string,
  action: string,
  opts: { identity?: PolicyJson[]; bounded?: boolean; context?: Record<string, string> } = {},
) {
  return evaluate({
    request: {
      action,
      principal,
      resource: KEY_ARN,
      resourceAccount: ACCOUNT,
      context: { ...principalContext(principal), ...opts.context },
    },
    identityPolicies: opts.identity ?? ADMIN_IDENTITY,
    permissionsBoundaries: opts.bounded === false ? undefined : [BOUNDARY],
    resourcePolicy: keyPolicy,
  });
}

/** The key policy with the KeyAdministration condition removed (what the guardrail adds). */
function withoutAdministratorCondition(policy: PolicyJson): PolicyJson {
  const statements = (policy.Statement as any[]).map((s) => {
    if (s.Sid !== 'KeyAdministration') return s;
    expect(s.Condition).toBeDefined();
    const { Condition: _removed, ...rest } = s;
    return rest;
  });
  return { ...policy, Statement: statements };
}

describe('a bounded admin cannot switch the guardrail keys off (administratorArns)', () => {
  const policies = keyPolicies();

  test.each(PURPOSES.flatMap((p) => ATTACKS.map((a) => [a, p] as const)))('a bounded admin cannot %s on the %s key', async (action, purpose) => {
    await expect(decide(policies[purpose], ATTACKER_SESSION, action)).resolves.toBe('ImplicitlyDenied');
  });

  test.each(ATTACKS)('without the aws:PrincipalArn condition, %s by the bounded admin is allowed (the condition is what denies it)', async (action) => {
    await expect(decide(withoutAdministratorCondition(policies.Data), ATTACKER_SESSION, action)).resolves.toBe('Allowed');
  });

  test('without administratorArns (the default: key administration delegated to IAM) a bounded admin can disable and delete the key', async () => {
    const delegated = keyPolicies({});
    for (const action of ['kms:DisableKey', 'kms:ScheduleKeyDeletion', 'kms:PutKeyPolicy', 'kms:DisableKeyRotation']) {
      await expect(decide(delegated.Data, ATTACKER_SESSION, action)).resolves.toBe('Allowed');
    }
  });
});

describe('the administrators keep working', () => {
  const policies = keyPolicies();

  test.each(PURPOSES)('the key admin role (a session of it, inside the boundary) can manage the %s key', async (purpose) => {
    for (const action of [...ATTACKS, 'kms:EnableKey', 'kms:EnableKeyRotation', 'kms:GetKeyPolicy']) {
      await expect(decide(policies[purpose], KEY_ADMIN_SESSION, action)).resolves.toBe('Allowed');
    }
  });

  test.each(PURPOSES)('the CloudFormation execution role (not bounded) can update and tag the %s key', async (purpose) => {
    for (const action of ['kms:PutKeyPolicy', 'kms:TagResource', 'kms:UntagResource', 'kms:EnableKeyRotation', 'kms:CreateAlias', 'kms:ScheduleKeyDeletion']) {
      await expect(decide(policies[purpose], EXEC_SESSION, action, { bounded: false })).resolves.toBe('Allowed');
    }
  });

  test('administrators still need an identity policy: the key policy delegates to the account, it does not grant by itself', async () => {
    await expect(decide(policies.Data, KEY_ADMIN_SESSION, 'kms:PutKeyPolicy', { identity: [], bounded: false })).resolves.toBe('ImplicitlyDenied');
  });

  test('the key admin cannot use the keys', async () => {
    for (const purpose of PURPOSES) {
      for (const action of ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey']) {
        await expect(decide(policies[purpose], KEY_ADMIN_SESSION, action)).resolves.toBe('ImplicitlyDenied');
      }
      // A direct grant is denied outright (DenyGrantsExceptForAwsResources).
      await expect(decide(policies[purpose], KEY_ADMIN_SESSION, 'kms:CreateGrant')).resolves.toBe('ExplicitlyDenied');
    }
  });
});

describe('services keep using the keys', () => {
  const policies = keyPolicies();

  test('a role of the account can still use the data key through S3', async () => {
    const context = { 'kms:ViaService': `s3.${REGION}.amazonaws.com`, 'kms:CallerAccount': ACCOUNT };
    for (const action of ['kms:Decrypt', 'kms:GenerateDataKey']) {
      await expect(decide(policies.Data, APP_SESSION, action, { identity: [allowAll(action)], context })).resolves.toBe('Allowed');
    }
  });

  test('a role of the account can still use the secrets key through Secrets Manager', async () => {
    const context = { 'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com`, 'kms:CallerAccount': ACCOUNT };
    await expect(decide(policies.Secrets, APP_SESSION, 'kms:Decrypt', { identity: [allowAll('kms:Decrypt')], context })).resolves.toBe('Allowed');
  });
});

describe('kms:CreateGrant only for AWS resources (kms:GrantIsForAWSResource)', () => {
  const stack = newStack();
  new KeyHierarchy(stack, 'Keys', { administratorArns: [EXEC_ROLE, KEY_ADMIN_ROLE], additionalDataKeyServices: ['rds'] });
  const data = resolvedKeyPolicy(stack, 'Data');
  const viaRds = { 'kms:ViaService': `rds.${REGION}.amazonaws.com`, 'kms:CallerAccount': ACCOUNT };

  test('RDS can create a grant for the database it manages', async () => {
    await expect(decide(data, APP_SESSION, 'kms:CreateGrant', { context: { ...viaRds, 'kms:GrantIsForAWSResource': 'true' } })).resolves.toBe('Allowed');
  });

  test('a bounded admin cannot create a grant for themselves, directly or through a service', async () => {
    await expect(decide(data, ATTACKER_SESSION, 'kms:CreateGrant', { context: { 'kms:GrantIsForAWSResource': 'false' } })).resolves.toBe('ExplicitlyDenied');
    await expect(decide(data, ATTACKER_SESSION, 'kms:CreateGrant')).resolves.toBe('ExplicitlyDenied');
    await expect(
      decide(data, ATTACKER_SESSION, 'kms:CreateGrant', { context: { 'kms:CallerAccount': ACCOUNT, 'kms:GrantIsForAWSResource': 'true' } }),
    ).resolves.toBe('ImplicitlyDenied');
    await expect(decide(data, ATTACKER_SESSION, 'kms:CreateGrant', { context: { ...viaRds, 'kms:GrantIsForAWSResource': 'false' } })).resolves.toBe(
      'ExplicitlyDenied',
    );
  });

  test('without the kms:GrantIsForAWSResource condition a grant that is not for an AWS resource is allowed (the condition is what denies it)', async () => {
    // Both guards removed: the Allow's condition and the Deny of direct grants.
    const statements = (data.Statement as any[])
      .filter((s) => s.Sid !== 'DenyGrantsExceptForAwsResources')
      .map((s) => {
        if (s.Sid !== 'GrantsForAwsResourcesOfThisAccount') return s;
        expect(s.Condition.Bool).toEqual({ 'kms:GrantIsForAWSResource': 'true' });
        const { Bool: _removed, ...rest } = s.Condition;
        return { ...s, Condition: rest };
      });
    await expect(
      decide({ ...data, Statement: statements }, ATTACKER_SESSION, 'kms:CreateGrant', { context: { ...viaRds, 'kms:GrantIsForAWSResource': 'false' } }),
    ).resolves.toBe('Allowed');
  });

  test('no other statement allows kms:CreateGrant', () => {
    const granting = (data.Statement as any[]).filter(
      (s) => s.Effect === 'Allow' && ([] as string[]).concat(s.Action).some((a) => a === 'kms:CreateGrant' || a === 'kms:*' || a === 'kms:Create*'),
    );
    expect(granting.map((s) => s.Sid)).toEqual(['GrantsForAwsResourcesOfThisAccount']);
    expect(statementBySid(data, 'GrantsForAwsResourcesOfThisAccount').Condition.Bool).toEqual({ 'kms:GrantIsForAWSResource': 'true' });
  });
});

describe('direct grants are denied even where another statement allows them (CT.KMS.PR.3)', () => {
  const stack = newStack();
  new KeyHierarchy(stack, 'Keys', { administratorArns: [EXEC_ROLE, KEY_ADMIN_ROLE] });
  const data = resolvedKeyPolicy(stack, 'Data');
  // An attacker's best case: a statement added later (addToResourcePolicy, or a PutKeyPolicy by an
  // administrator) that allows the whole account kms:*, and an identity policy that allows kms:* too.
  const widened: PolicyJson = {
    ...data,
    Statement: [...(data.Statement as any[]), { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }],
  };
  const identity = [allowAll('kms:*')];

  test('a principal of the account cannot create a grant for itself or another principal', async () => {
    await expect(decide(widened, ATTACKER_SESSION, 'kms:CreateGrant', { identity })).resolves.toBe('ExplicitlyDenied');
    await expect(decide(widened, ATTACKER_SESSION, 'kms:CreateGrant', { identity, context: { 'kms:GrantIsForAWSResource': 'false' } })).resolves.toBe(
      'ExplicitlyDenied',
    );
  });

  test('control: the same principal may still use the key there, and a grant for an AWS resource or by an AWS service is not denied', async () => {
    await expect(decide(widened, ATTACKER_SESSION, 'kms:Decrypt', { identity })).resolves.toBe('Allowed');
    await expect(decide(widened, ATTACKER_SESSION, 'kms:CreateGrant', { identity, context: { 'kms:GrantIsForAWSResource': 'true' } })).resolves.toBe('Allowed');
    await expect(decide(widened, ATTACKER_SESSION, 'kms:CreateGrant', { identity, context: { 'aws:PrincipalIsAWSService': 'true' } })).resolves.toBe('Allowed');
  });

  test('without the deny statement the direct grant is allowed (the statement is what denies it)', async () => {
    const without = { ...widened, Statement: (widened.Statement as any[]).filter((s) => s.Sid !== 'DenyGrantsExceptForAwsResources') };
    await expect(decide(without, ATTACKER_SESSION, 'kms:CreateGrant', { identity })).resolves.toBe('Allowed');
  });

  test('the statement has the exact shape Control Tower reads', () => {
    expect(statementBySid(data, 'DenyGrantsExceptForAwsResources')).toEqual({
      Sid: 'DenyGrantsExceptForAwsResources',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'kms:CreateGrant',
      Resource: '*',
      Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    });
  });
});
