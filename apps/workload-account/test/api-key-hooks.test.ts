/**
 * Issue 15: an API key that rotates without a registration hook changes a key no partner learns
 * about. Prod names a hook for every API key (the config loader refuses prod without one); this file
 * proves the app wires it, in every region the key exists: the rotation function knows the hook of
 * its own region and may invoke exactly that function, the hook's role may read the pending and
 * current values (through the boundary, the SCPs and the secret's policy) and nothing else of the
 * secret, and the private network has Lambda's endpoint to reach it.
 */
import { join } from 'node:path';
import { apiKeyName, apiKeyRegistrationHook, loadConfig, roleArn } from '@cdk-guardrails/config';
import { ALLOW_EVERYTHING, evaluate, PolicyJson } from '@cdk-guardrails/policy-test-kit';
import { serviceControlPolicies } from '../src/identities';
import { prodStacks, resolver } from './support/prod-templates';

jest.setTimeout(300_000);

const config = loadConfig('prod', { configDir: join(__dirname, '..', '..', '..', 'config') });
const SCPS: PolicyJson[] = [ALLOW_EVERYTHING, ...serviceControlPolicies(config).map((p) => JSON.parse(p.toJson()))];

interface HookedKey {
  readonly label: string;
  readonly account: string;
  readonly region: string;
  readonly hookArn: string;
  readonly hookRoleArn: string;
  readonly template: any;
  readonly resolve: (v: unknown) => any;
  readonly secretArn: string;
  readonly secretPolicy: PolicyJson;
  readonly boundary: PolicyJson;
}

const stacks = prodStacks(config);
const boundaries = new Map<string, PolicyJson>();
for (const [stack, template] of stacks) {
  const boundary = Object.values<any>(template.Resources).find(
    (r) => r.Type === 'AWS::IAM::ManagedPolicy' && r.Properties.ManagedPolicyName === 'GuardrailsPermissionsBoundary',
  );
  if (boundary && !boundaries.has(stack.account)) boundaries.set(stack.account, resolver(stack, template)(boundary.Properties.PolicyDocument));
}

const hooked: HookedKey[] = config.workloadAccounts.flatMap((account) =>
  account.apiKeys.flatMap((key) => {
    const hook = apiKeyRegistrationHook(key)!;
    return stacks
      .filter(
        ([stack]) =>
          stack.account === account.accountId && account.regions.includes(stack.region) && stack.stackName.startsWith(`prod-workload-${account.name}-`),
      )
      .filter(([, template]) =>
        Object.values<any>(template.Resources).some((r) => r.Type === 'AWS::SecretsManager::Secret' && r.Properties.Name === `prod/${apiKeyName(key)}/api-key`),
      )
      .map(([stack, template]): HookedKey => {
        const resolve = resolver(stack, template);
        const [secretId] = Object.entries<any>(template.Resources).find(
          ([, r]) => r.Type === 'AWS::SecretsManager::Secret' && r.Properties.Name === `prod/${apiKeyName(key)}/api-key`,
        )!;
        const policy = Object.values<any>(template.Resources).find(
          (r) => r.Type === 'AWS::SecretsManager::ResourcePolicy' && r.Properties.SecretId.Ref === secretId,
        )!;
        return {
          label: `${apiKeyName(key)} (${stack.account}, ${stack.region})`,
          account: stack.account,
          region: stack.region,
          hookArn: `arn:aws:lambda:${stack.region}:${stack.account}:function:${hook.functionName}`,
          hookRoleArn: roleArn(stack.account, hook.roleName),
          template,
          resolve,
          secretArn: resolve({ Ref: secretId }),
          secretPolicy: resolve(policy.Properties.ResourcePolicy),
          boundary: boundaries.get(stack.account)!,
        };
      });
  }),
);

test('prod names a registration hook for every API key, and the key exists (with its hook) in every region of its account', () => {
  const keys = config.workloadAccounts.flatMap((a) => a.apiKeys.map((k) => ({ a, k })));
  expect(keys.length).toBeGreaterThan(0);
  for (const { a, k } of keys) {
    expect([apiKeyName(k), apiKeyRegistrationHook(k)]).toEqual([
      apiKeyName(k),
      expect.objectContaining({ functionName: expect.any(String), roleName: expect.any(String) }),
    ]);
    expect(
      hooked
        .filter((h) => h.account === a.accountId)
        .map((h) => h.region)
        .sort(),
    ).toEqual([...a.regions].sort());
  }
});

describe.each(hooked.map((h) => [h.label, h] as [string, HookedKey]))('%s', (_label, key) => {
  const statementsOf = (policy: any): any[] => key.resolve(policy.Properties.PolicyDocument).Statement;

  test('its rotation function invokes the hook of its own region, and may invoke that function only (no versions or aliases)', () => {
    const fn = Object.values<any>(key.template.Resources).find(
      (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.HOOK_FUNCTION_ARN !== undefined,
    )!;
    expect(key.resolve(fn.Properties.Environment.Variables.HOOK_FUNCTION_ARN)).toBe(key.hookArn);
    const roleId = fn.Properties.Role['Fn::GetAtt'][0];
    const invokes = Object.values<any>(key.template.Resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(roleId))
      .flatMap(statementsOf)
      .filter((s) => [s.Action].flat().includes('lambda:InvokeFunction'));
    expect(invokes.map((s) => s.Resource)).toEqual([key.hookArn]);
  });

  test("the hook's role reads the pending and current values through the boundary, the SCPs and the secret's policy, and writes nothing", async () => {
    const hookPolicies = Object.values<any>(key.template.Resources).filter(
      (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles) === JSON.stringify([key.hookRoleArn.split('/').pop()]),
    );
    expect(hookPolicies).toHaveLength(1);
    const identity = key.resolve(hookPolicies[0].Properties.PolicyDocument);
    const request = (action: string, stage: string) => ({
      principal: `arn:aws:sts::${key.account}:assumed-role/${key.hookRoleArn.split('/').pop()}/hook`,
      action,
      resource: key.secretArn,
      resourceAccount: key.account,
      context: {
        'aws:PrincipalArn': key.hookRoleArn,
        'aws:PrincipalAccount': key.account,
        'aws:PrincipalIsAWSService': 'false',
        'aws:RequestedRegion': key.region,
        'aws:SecureTransport': 'true',
        'secretsmanager:VersionStage': stage,
      },
    });
    const decide = (action: string, stage: string) =>
      evaluate({
        request: request(action, stage),
        identityPolicies: [identity],
        permissionsBoundaries: [key.boundary],
        serviceControlPolicies: SCPS,
        resourcePolicy: key.secretPolicy,
      });
    for (const stage of ['AWSPENDING', 'AWSCURRENT']) expect([stage, await decide('secretsmanager:GetSecretValue', stage)]).toEqual([stage, 'Allowed']);
    expect(await decide('secretsmanager:GetSecretValue', 'AWSPREVIOUS')).not.toBe('Allowed');
    for (const action of ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage']) {
      expect([action, await decide(action, 'AWSPENDING')]).toEqual([action, 'ExplicitlyDenied']);
    }
  });

  test("its private network has Lambda's interface endpoint (the rotation reaches the hook from the private subnets)", () => {
    const endpoints = Object.values<any>(key.template.Resources).filter(
      (r) => r.Type === 'AWS::EC2::VPCEndpoint' && r.Properties.VpcEndpointType === 'Interface',
    );
    expect(endpoints.map((r) => JSON.stringify(r.Properties.ServiceName)).some((s) => s.includes('.lambda'))).toBe(true);
  });
});
