/**
 * Security issue 14, composed: with prod synthesized, an admin with `Allow *:*` inside the permissions
 * boundary of a workload account attacks the rotating secrets of that account (cancel or re-point the
 * rotation, re-key the secret with a key of its own, replace its resource policy). Every real secret's
 * resolved resource policy is evaluated as IAM would:
 * - the resource policy alone (identity policy `Allow *:*`, no boundary, no SCP) denies it: the secret
 *   holds without the SCPs; and without the statement `DenyRotationAndPolicyChangesExceptAdministrators`
 *   the same request is allowed, so the test depends on it;
 * - the whole composition (boundary, every generated SCP, the resource policy) denies it too;
 * - control: the CloudFormation execution role of the secret's account and region and break-glass may
 *   still change it (so deployments keep working and there is no lockout), and the rotation, whose
 *   role the statement does not know, keeps writing new values.
 * The package test (secrets-rotation secret-tamper.semantic.test.ts) proves the construct; this file
 * proves that the app names the right administrators for every secret it deploys.
 */
import { join } from 'node:path';
import { cdkRoleArn, guardrailAdministratorArns, loadConfig, roleArn } from '@cdk-guardrails/config';
import { ALLOW_EVERYTHING, evaluate, PolicyJson } from '@cdk-guardrails/policy-test-kit';
import { serviceControlPolicies } from '../src/identities';
import { prodStacks, resolver } from './support/prod-templates';

jest.setTimeout(300_000);

const config = loadConfig('prod', { configDir: join(__dirname, '..', '..', '..', 'config') });
// The attacker's identity policy, and FullAWSAccess, are policy-test-kit's ALLOW_EVERYTHING: only the guardrails may refuse.
const SCPS: PolicyJson[] = [ALLOW_EVERYTHING, ...serviceControlPolicies(config).map((p) => JSON.parse(p.toJson()))];
const SID = 'DenyRotationAndPolicyChangesExceptAdministrators';
const TAMPERING: Array<[string, string]> = [
  ['cancel the rotation of the secret', 'secretsmanager:CancelRotateSecret'],
  ['re-point the rotation of the secret to a function or schedule of its own', 'secretsmanager:RotateSecret'],
  ['re-key the secret with a key of its own', 'secretsmanager:UpdateSecret'],
  ['replace the resource policy of the secret', 'secretsmanager:PutResourcePolicy'],
];
/** What a rotation function calls on its secret (the AWS rotation templates and ours). */
const ROTATION_ACTIONS = [
  'secretsmanager:DescribeSecret',
  'secretsmanager:GetSecretValue',
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecretVersionStage',
];

interface ProdSecret {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly arn: string;
  readonly policy: PolicyJson;
  /** The boundary of the secret's account (the bounded admin and the token rotation roles carry it). */
  readonly boundary: PolicyJson;
  /** The rotation function's role and identity policy (tokens; PostgreSQL, MySQL, MariaDB credentials); none for a hosted database rotation. */
  readonly rotationRole?: { readonly arn: string; readonly policy: PolicyJson };
}

const stacks = prodStacks(config);
const boundaries = new Map<string, PolicyJson>();
for (const [stack, template] of stacks) {
  const boundary = Object.values<any>(template.Resources).find(
    (r) => r.Type === 'AWS::IAM::ManagedPolicy' && r.Properties.ManagedPolicyName === 'GuardrailsPermissionsBoundary',
  );
  if (boundary && !boundaries.has(stack.account)) boundaries.set(stack.account, resolver(stack, template)(boundary.Properties.PolicyDocument));
}
const secrets: ProdSecret[] = stacks.flatMap(([stack, template]) => {
  const resolve = resolver(stack, template);
  const resources = Object.values<any>(template.Resources);
  return resources
    .filter((r) => r.Type === 'AWS::SecretsManager::ResourcePolicy')
    .map((r): ProdSecret => {
      const secretId: string = r.Properties.SecretId.Ref;
      const arn: string = resolve({ Ref: secretId });
      // The rotation role: the one whose policy lets it write new values into this secret.
      const rotationPolicy = resources
        .filter((p) => p.Type === 'AWS::IAM::Policy')
        .find((p) =>
          (resolve(p.Properties.PolicyDocument).Statement as any[]).some(
            (s) => [s.Action].flat().includes('secretsmanager:PutSecretValue') && [s.Resource].flat().includes(arn),
          ),
        );
      const boundary = boundaries.get(stack.account);
      if (!boundary) throw new Error(`no GuardrailsPermissionsBoundary for account ${stack.account}`);
      return {
        name: template.Resources[secretId].Properties.Name,
        account: stack.account,
        region: stack.region,
        arn,
        policy: resolve(r.Properties.ResourcePolicy),
        boundary,
        rotationRole: rotationPolicy && {
          arn: resolve({ Ref: rotationPolicy.Properties.Roles[0].Ref }),
          policy: resolve(rotationPolicy.Properties.PolicyDocument),
        },
      };
    });
});
const label = (s: ProdSecret) => `${s.name} (${s.account}, ${s.region})`;
const CASES = secrets.map((s) => [label(s), s] as [string, ProdSecret]);

/** A signed request by an IAM role (an assumed-role session carries its role ARN in aws:PrincipalArn). */
function request(secret: ProdSecret, role: string, action: string) {
  const [, , , , account, resource] = role.split(':');
  const principal = `arn:aws:sts::${account}:assumed-role/${resource.split('/').pop()}/session`;
  return {
    principal,
    action,
    resource: secret.arn,
    resourceAccount: secret.account,
    context: {
      'aws:PrincipalArn': role,
      'aws:PrincipalAccount': account,
      'aws:PrincipalIsAWSService': 'false',
      'aws:RequestedRegion': secret.region,
      'aws:SecureTransport': 'true',
    },
  };
}
const boundedAdmin = (s: ProdSecret) => roleArn(s.account, 'workload-admin');
/** The bounded admin (`Allow *:*`) asks: against the resource policy alone, or with its boundary and every SCP too. */
function asBoundedAdmin(secret: ProdSecret, action: string, resourcePolicy: PolicyJson, withGuardrails: boolean) {
  return evaluate({
    request: request(secret, boundedAdmin(secret), action),
    identityPolicies: [ALLOW_EVERYTHING],
    resourcePolicy,
    ...(withGuardrails ? { permissionsBoundaries: [secret.boundary], serviceControlPolicies: SCPS } : {}),
  });
}
const withoutStatement = (policy: PolicyJson): PolicyJson => ({ ...policy, Statement: (policy.Statement as any[]).filter((st) => st.Sid !== SID) });

test('prod deploys rotating secrets (database credentials, API keys, service tokens) in the workload accounts', () => {
  expect(secrets.map(label).sort()).toEqual([
    'prod/batch-jobs/service-token (666666666666, eu-central-1)',
    'prod/batch-jobs/service-token (666666666666, eu-west-1)',
    'prod/batch-jobs/service-token (777777777777, eu-west-1)',
    'prod/ledger-db/credentials (666666666666, eu-west-1)',
    'prod/partner-api/api-key (666666666666, eu-central-1)',
    'prod/partner-api/api-key (666666666666, eu-west-1)',
  ]);
});

describe.each(CASES)('%s', (_label, secret) => {
  test.each(TAMPERING)(
    'a bounded admin cannot %s: its own policy denies it (allowed without the statement), and so does the whole composition',
    async (_what, action) => {
      const decide = (resourcePolicy: PolicyJson, withGuardrails: boolean) => asBoundedAdmin(secret, action, resourcePolicy, withGuardrails);
      expect(await decide(secret.policy, false)).toBe('ExplicitlyDenied');
      expect(await decide(withoutStatement(secret.policy), false)).toBe('Allowed');
      expect(await decide(secret.policy, true)).toBe('ExplicitlyDenied');
    },
  );

  test('control: the execution role of its account and region and break-glass can still change it (deployments work, no lockout)', async () => {
    for (const role of [cdkRoleArn(config, 'cfn-exec', secret.account, secret.region), roleArn(secret.account, config.principals.breakGlassRoleName)]) {
      for (const [, action] of TAMPERING) {
        const decision = await evaluate({
          request: request(secret, role, action),
          identityPolicies: [ALLOW_EVERYTHING],
          serviceControlPolicies: SCPS,
          resourcePolicy: secret.policy,
        });
        expect([role, action, decision]).toEqual([role, action, 'Allowed']);
      }
    }
  });

  test('its administrators are the guardrail administrators of its account, the execution role of its own region and break-glass among them', () => {
    const statement = (secret.policy.Statement as any[]).find((st) => st.Sid === SID);
    const administrators: string[] = statement.Condition.ArnNotEquals['aws:PrincipalArn'];
    expect(administrators).toEqual(guardrailAdministratorArns(config, secret.account));
    expect(administrators).toEqual(
      expect.arrayContaining([cdkRoleArn(config, 'cfn-exec', secret.account, secret.region), roleArn(secret.account, config.principals.breakGlassRoleName)]),
    );
    expect(administrators).not.toContain(boundedAdmin(secret));
  });

  test("control: the rotation keeps working (its role writes and labels new values through the secret's policy, the boundary and the SCPs)", async () => {
    // Every prod secret is rotated by our function (prod's databases are PostgreSQL): the real
    // rotation role and policy from the template, inside the boundary.
    const rotation = secret.rotationRole;
    if (rotation === undefined) throw new Error(`${label(secret)}: no rotation role in the template`);
    for (const action of ROTATION_ACTIONS) {
      const decision = await evaluate({
        request: request(secret, rotation.arn, action),
        identityPolicies: [rotation.policy],
        permissionsBoundaries: [secret.boundary],
        serviceControlPolicies: SCPS,
        resourcePolicy: secret.policy,
      });
      expect([action, decision]).toEqual([action, 'Allowed']);
    }
  });
});

// Their rotation role is known, so only it (and the administrators) may write a value or move a
// label. A planted value would be used until the next rotation (a database password: until then
// the attacker knows the application's database password).
const TOKEN_CASES = CASES.filter(([, s]) => s.rotationRole !== undefined);

test('every prod secret (API keys, service tokens, PostgreSQL credentials) has its rotation role found in the template', () => {
  expect(TOKEN_CASES.map(([l]) => l).sort()).toEqual(secrets.map(label).sort());
  expect(TOKEN_CASES.map(([l]) => l)).toContain('prod/ledger-db/credentials (666666666666, eu-west-1)');
});

describe.each(TOKEN_CASES)('%s: its value', (_label, secret) => {
  test.each(['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'])(
    'a bounded admin cannot %s (plant a value, or move AWSCURRENT back): its own policy denies it (allowed without the statement), and so does the whole composition',
    async (action) => {
      const decide = (resourcePolicy: PolicyJson, withGuardrails: boolean) => asBoundedAdmin(secret, action, resourcePolicy, withGuardrails);
      const weaker = { ...secret.policy, Statement: (secret.policy.Statement as any[]).filter((st) => st.Sid !== 'DenyValueChangesExceptRotation') };
      expect(await decide(secret.policy, false)).toBe('ExplicitlyDenied');
      expect(await decide(weaker, false)).toBe('Allowed');
      expect(await decide(secret.policy, true)).toBe('ExplicitlyDenied');
    },
  );

  test('control: break-glass writes a value (the administrators are exempt too)', async () => {
    const role = roleArn(secret.account, config.principals.breakGlassRoleName);
    const decision = await evaluate({
      request: request(secret, role, 'secretsmanager:PutSecretValue'),
      identityPolicies: [ALLOW_EVERYTHING],
      serviceControlPolicies: SCPS,
      resourcePolicy: secret.policy,
    });
    expect(decision).toBe('Allowed');
  });
});
