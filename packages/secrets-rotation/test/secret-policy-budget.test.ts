/**
 * Policy budgets at scale (issue 9): the secret resource policy and the secrets key policy when
 * roles of many accounts may read a secret. GIVEN N allowed cross-account roles THEN the
 * synthesized resource policy stays within 20,480 characters, or synth fails naming the limit
 * and the fix.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { resolveIntrinsics } from '@cdk-guardrails/policy-test-kit';
import { RotatingApiKey } from '../lib';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const SECRET_POLICY_LIMIT = 20480;
const roles = (n: number) => Array.from({ length: n }, (_v, i) => `arn:aws:iam::${300000000000 + i}:role/secret-reader`);

/** Synthesizes an API key readable by n cross-account roles; returns the resolved resource policy length. */
function withReaders(n: number): number {
  const stack = new Stack(new App(), 'Workload', { env: { account: ACCOUNT, region: REGION } });
  new RotatingApiKey(stack, 'Key', { encryptionKey: new kms.Key(stack, 'SecretsKey'), allowedCrossAccountRoleArns: roles(n) });
  const template = Template.fromStack(stack).toJSON(); // runs the validations
  const [policy] = Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::SecretsManager::ResourcePolicy');
  const [secretId] = Object.keys(template.Resources).filter((id) => template.Resources[id].Type === 'AWS::SecretsManager::Secret');
  const resolved = resolveIntrinsics(policy.Properties.ResourcePolicy, {
    account: ACCOUNT,
    region: REGION,
    refs: { [secretId]: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:key-AbCdEf` },
  });
  return JSON.stringify(resolved).length;
}

/** An API key with n administrators (roles of this account); returns the resolved resource policy length. */
function withAdministrators(n: number): number {
  const stack = new Stack(new App(), 'Workload', { env: { account: ACCOUNT, region: REGION } });
  const administratorArns = Array.from({ length: n }, (_v, i) => `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-region-${i}`);
  new RotatingApiKey(stack, 'Key', { encryptionKey: new kms.Key(stack, 'SecretsKey'), administratorArns });
  const template = Template.fromStack(stack).toJSON(); // runs the validations
  const [policy] = Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::SecretsManager::ResourcePolicy');
  // The rotation function's role (the value writers' exemption): a role ARN of the usual length.
  const getAtts = new Proxy({}, { get: () => `arn:aws:iam::${ACCOUNT}:role/Workload-KeyRotationFunctionRoleF7A1E838-AbCdEfGhIjKl` });
  return JSON.stringify(resolveIntrinsics(policy.Properties.ResourcePolicy, { account: ACCOUNT, region: REGION, getAtts: getAtts })).length;
}

describe('secret resource policy budget', () => {
  test('administrators: a realistic list (the execution roles of 20 regions, StackSet, log admin, break-glass) stays far below the limit', () => {
    // The list appears twice (the rotation and policy statement, the value writers' statement).
    expect(withAdministrators(23)).toBeLessThan(SECRET_POLICY_LIMIT / 3);
  });

  test('administrators: too many fail at synth, naming administratorArns, the limit and the fix', () => {
    expect(() => withAdministrators(400)).toThrow(
      /administratorArns: received 400 ARNs; .*above the Secrets Manager limit of 20480\..*name fewer administrators/s,
    );
  });

  test('without cross-account readers the policy does not grow with the organization', () => {
    expect(withReaders(0)).toBeLessThan(SECRET_POLICY_LIMIT / 10);
  });

  test('fails at synth with readers in 1,000 accounts, naming the prop, the limit and the fix', () => {
    expect(() => withReaders(1000)).toThrow(
      /allowedCrossAccountRoleArns: received 1000 role ARNs; .*above the Secrets Manager limit of 20480\. Allow fewer roles/s,
    );
  });

  test('at the boundary: the largest accepted list synthesizes within 20,480 characters; one more role fails', () => {
    let lo = 0;
    let hi = 1000;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      try {
        withReaders(mid);
        lo = mid;
      } catch {
        hi = mid - 1;
      }
    }
    expect(lo).toBeGreaterThan(50);
    expect(withReaders(lo)).toBeLessThanOrEqual(SECRET_POLICY_LIMIT);
    expect(() => withReaders(lo + 1)).toThrow(/Secrets Manager limit of 20480/);
  });
});
