import { evaluate, PolicyJson, resolveIntrinsics, singleResource } from '@cdk-guardrails/policy-test-kit';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { RotatingApiKey } from '../lib';
import { guardedSecretStack, SecretKind } from './support/guarded-secret';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const ALLOWED_ROLE = 'arn:aws:iam::222222222222:role/security-reader';
const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:guarded-AbCdEf`;
const ALLOW_ALL_SECRETS: PolicyJson = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'secretsmanager:*', Resource: '*' }],
};

type Kind = SecretKind;

function stackWith(kind: Kind, allowed?: string[]): Stack {
  return guardedSecretStack(kind, ACCOUNT, REGION, { allowedCrossAccountRoleArns: allowed });
}

function resourcePolicyOf(stack: Stack): PolicyJson {
  const [, policy] = singleResource(Template.fromStack(stack).toJSON(), 'AWS::SecretsManager::ResourcePolicy');
  return resolveIntrinsics(policy.Properties.ResourcePolicy, { account: ACCOUNT, region: REGION });
}

/**
 * The global condition keys IAM sets for a signed request (the evaluator does not derive
 * them): aws:PrincipalAccount, aws:PrincipalArn (the role ARN for an assumed-role session)
 * and aws:PrincipalIsAWSService. An anonymous request carries none of them.
 */
function principalContext(principal: string): Record<string, string> {
  if (principal === 'anonymous') return {};
  const session = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(principal);
  const principalArn = session ? `arn:${session[1]}:iam::${session[2]}:role/${session[3]}` : principal;
  return {
    'aws:PrincipalAccount': principal.split(':')[4],
    'aws:PrincipalArn': principalArn,
    'aws:PrincipalIsAWSService': 'false',
  };
}

function request(principal: string, action = 'secretsmanager:GetSecretValue') {
  return { action, principal, resource: SECRET_ARN, resourceAccount: ACCOUNT, context: principalContext(principal) };
}

describe.each<Kind>(['database secret', 'API key', 'service token'])('resource policy of a %s', (kind) => {
  test('BlockPublicPolicy is on', () => {
    Template.fromStack(stackWith(kind)).hasResourceProperties('AWS::SecretsManager::ResourcePolicy', { BlockPublicPolicy: true });
  });

  test('a role of another account is explicitly denied, even with full Secrets Manager rights at home', async () => {
    const decision = await evaluate({
      request: request('arn:aws:iam::999999999999:role/attacker'),
      identityPolicies: [ALLOW_ALL_SECRETS],
      resourcePolicy: resourcePolicyOf(stackWith(kind, [ALLOWED_ROLE])),
    });
    expect(decision).toBe('ExplicitlyDenied');
  });

  test('the allowed role of the assume-role chain can read the secret', async () => {
    const decision = await evaluate({
      request: request(ALLOWED_ROLE),
      identityPolicies: [ALLOW_ALL_SECRETS],
      resourcePolicy: resourcePolicyOf(stackWith(kind, [ALLOWED_ROLE])),
    });
    expect(decision).toBe('Allowed');
  });

  test('a session of the allowed role (assumed-role ARN) can read the secret', async () => {
    const decision = await evaluate({
      request: request('arn:aws:sts::222222222222:assumed-role/security-reader/audit-session'),
      identityPolicies: [ALLOW_ALL_SECRETS],
      resourcePolicy: resourcePolicyOf(stackWith(kind, [ALLOWED_ROLE])),
    });
    expect(decision).toBe('Allowed');
  });

  test('the allowed role cannot write the secret', async () => {
    const decision = await evaluate({
      request: request(ALLOWED_ROLE, 'secretsmanager:PutSecretValue'),
      identityPolicies: [ALLOW_ALL_SECRETS],
      resourcePolicy: resourcePolicyOf(stackWith(kind, [ALLOWED_ROLE])),
    });
    expect(decision).not.toBe('Allowed');
  });

  test('another role of the allowed account is explicitly denied', async () => {
    const decision = await evaluate({
      request: request('arn:aws:iam::222222222222:role/not-in-the-chain'),
      identityPolicies: [ALLOW_ALL_SECRETS],
      resourcePolicy: resourcePolicyOf(stackWith(kind, [ALLOWED_ROLE])),
    });
    expect(decision).toBe('ExplicitlyDenied');
  });

  test('without allowed roles, the would-be chain role is explicitly denied too', async () => {
    const decision = await evaluate({
      request: request(ALLOWED_ROLE),
      identityPolicies: [ALLOW_ALL_SECRETS],
      resourcePolicy: resourcePolicyOf(stackWith(kind)),
    });
    expect(decision).toBe('ExplicitlyDenied');
  });

  test('a role of the same account is not blocked by the resource policy (its IAM policy decides)', async () => {
    const resourcePolicy = resourcePolicyOf(stackWith(kind, [ALLOWED_ROLE]));
    const withIam = await evaluate({ request: request(`arn:aws:iam::${ACCOUNT}:role/app`), identityPolicies: [ALLOW_ALL_SECRETS], resourcePolicy });
    const withoutIam = await evaluate({ request: request(`arn:aws:iam::${ACCOUNT}:role/app`), resourcePolicy });
    expect(withIam).toBe('Allowed');
    expect(withoutIam).toBe('ImplicitlyDenied');
  });

  test('an anonymous request is denied', async () => {
    const decision = await evaluate({ request: request('anonymous'), resourcePolicy: resourcePolicyOf(stackWith(kind, [ALLOWED_ROLE])) });
    expect(decision).toBe('ExplicitlyDenied');
  });
});

describe('the deny wins over a later allow', () => {
  test('a statement that allows another account does not let it in', async () => {
    // GIVEN
    const stack = stackWith('API key');
    const apiKey = stack.node.findChild('Guarded') as RotatingApiKey;
    // WHEN someone later adds a broad allow for a foreign account
    apiKey.secret.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.AccountPrincipal('999999999999')],
        actions: ['secretsmanager:GetSecretValue'],
        resources: ['*'],
      }),
    );
    // THEN
    const decision = await evaluate({
      request: request('arn:aws:iam::999999999999:role/attacker'),
      identityPolicies: [ALLOW_ALL_SECRETS],
      resourcePolicy: resourcePolicyOf(stack),
    });
    expect(decision).toBe('ExplicitlyDenied');
  });
});
