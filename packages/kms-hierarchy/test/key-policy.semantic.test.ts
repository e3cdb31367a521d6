/**
 * Semantic tests: the synthesized key policies are evaluated against requests with an IAM
 * evaluator that models KMS key-policy trust (IAM policies only count when the key policy
 * delegates to the account).
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import { Template } from 'aws-cdk-lib/assertions';
import { evaluate, PolicyJson, resolveIntrinsics } from '@cdk-guardrails/policy-test-kit';
import { KeyHierarchy, KeyPurpose } from '../lib';
import { ACCOUNT, KEY_ARN, OTHER_ACCOUNT, REGION, allowAll, encryptionContext, newStack, renameEncryptionContextKey, resolvedKeyPolicy } from './helpers';

jest.setTimeout(30_000);

const APP_ROLE = `arn:aws:iam::${ACCOUNT}:role/app`;
const OTHER_ROLE = `arn:aws:iam::${OTHER_ACCOUNT}:role/app`;
const LOGS_PRINCIPAL = `logs.${REGION}.amazonaws.com`;

function synthPolicies(): { data: PolicyJson; secrets: PolicyJson; logs: PolicyJson } {
  const stack = newStack();
  new KeyHierarchy(stack, 'Keys');
  return {
    data: resolvedKeyPolicy(stack, 'Data'),
    secrets: resolvedKeyPolicy(stack, 'Secrets'),
    logs: resolvedKeyPolicy(stack, 'Logs'),
  };
}

async function decide(keyPolicy: PolicyJson, principal: string, action: string, opts: { identity?: PolicyJson[]; context?: Record<string, string> } = {}) {
  return evaluate({
    request: { action, principal, resource: KEY_ARN, resourceAccount: ACCOUNT, context: opts.context },
    identityPolicies: opts.identity,
    resourcePolicy: keyPolicy,
  });
}

const viaS3 = { 'kms:ViaService': `s3.${REGION}.amazonaws.com`, 'kms:CallerAccount': ACCOUNT };

describe('use through AWS services (kms:ViaService + kms:CallerAccount)', () => {
  test('a role of the account with an identity policy can decrypt the data key through S3', async () => {
    const { data } = synthPolicies();
    expect(await decide(data, APP_ROLE, 'kms:Decrypt', { identity: [allowAll('kms:Decrypt')], context: viaS3 })).toBe('Allowed');
    expect(await decide(data, APP_ROLE, 'kms:GenerateDataKey', { identity: [allowAll('kms:GenerateDataKey')], context: viaS3 })).toBe('Allowed');
  });

  test('the same role cannot decrypt the data key directly', async () => {
    const { data } = synthPolicies();
    expect(
      await decide(data, APP_ROLE, 'kms:Decrypt', {
        identity: [allowAll('kms:*')],
        context: { 'kms:CallerAccount': ACCOUNT },
      }),
    ).toBe('ImplicitlyDenied');
  });

  test('the data key is not usable through another service or another region', async () => {
    const { data } = synthPolicies();
    for (const via of [`secretsmanager.${REGION}.amazonaws.com`, 's3.us-east-1.amazonaws.com']) {
      expect(
        await decide(data, APP_ROLE, 'kms:Decrypt', {
          identity: [allowAll('kms:Decrypt')],
          context: { 'kms:ViaService': via, 'kms:CallerAccount': ACCOUNT },
        }),
      ).toBe('ImplicitlyDenied');
    }
  });

  test('use through S3 still needs the caller to be of this account (kms:CallerAccount)', async () => {
    const { data } = synthPolicies();
    expect(
      await decide(data, APP_ROLE, 'kms:Decrypt', {
        identity: [allowAll('kms:Decrypt')],
        context: { 'kms:ViaService': `s3.${REGION}.amazonaws.com`, 'kms:CallerAccount': OTHER_ACCOUNT },
      }),
    ).toBe('ImplicitlyDenied');
  });

  test('a role of the account without an identity policy cannot use the key even through S3', async () => {
    const { data } = synthPolicies();
    expect(await decide(data, APP_ROLE, 'kms:Decrypt', { context: viaS3 })).toBe('ImplicitlyDenied');
  });

  test('the secrets key is usable through Secrets Manager, not through S3', async () => {
    const { secrets } = synthPolicies();
    const identity = [allowAll('kms:Decrypt')];
    expect(
      await decide(secrets, APP_ROLE, 'kms:Decrypt', {
        identity,
        context: { 'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com`, 'kms:CallerAccount': ACCOUNT },
      }),
    ).toBe('Allowed');
    expect(await decide(secrets, APP_ROLE, 'kms:Decrypt', { identity, context: viaS3 })).toBe('ImplicitlyDenied');
  });

  test('the logs key is usable through Kinesis and SQS', async () => {
    const { logs } = synthPolicies();
    for (const service of ['kinesis', 'sqs']) {
      expect(
        await decide(logs, APP_ROLE, 'kms:GenerateDataKey', {
          identity: [allowAll('kms:GenerateDataKey')],
          context: { 'kms:ViaService': `${service}.${REGION}.amazonaws.com`, 'kms:CallerAccount': ACCOUNT },
        }),
      ).toBe('Allowed');
    }
  });
});

describe('other accounts', () => {
  test('another account cannot decrypt, directly or through S3, even with a broad identity policy', async () => {
    const { data, secrets, logs } = synthPolicies();
    for (const policy of [data, secrets, logs]) {
      expect(await decide(policy, OTHER_ROLE, 'kms:Decrypt', { identity: [allowAll('kms:*')] })).toBe('ImplicitlyDenied');
      expect(
        await decide(policy, OTHER_ROLE, 'kms:Decrypt', {
          identity: [allowAll('kms:*')],
          context: { 'kms:ViaService': `s3.${REGION}.amazonaws.com`, 'kms:CallerAccount': OTHER_ACCOUNT },
        }),
      ).toBe('ImplicitlyDenied');
    }
  });
});

describe('CloudWatch Logs on the logs key (kms:EncryptionContext:aws:logs:arn)', () => {
  const LOGS_EC = 'kms:EncryptionContext:aws:logs:arn';
  const context = (arn: string) => encryptionContext(arn);
  const logsPolicy = () => renameEncryptionContextKey(synthPolicies().logs, LOGS_EC);

  test('the condition key is really present before the evaluator-specific rename', () => {
    expect(JSON.stringify(synthPolicies().logs)).toContain(`"${LOGS_EC}"`);
  });

  test('allowed for a log group of this account and region', async () => {
    const logs = logsPolicy();
    for (const action of ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey']) {
      expect(
        await decide(logs, LOGS_PRINCIPAL, action, {
          context: context(`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/app/orders`),
        }),
      ).toBe('Allowed');
    }
  });

  test("denied for another account's log group", async () => {
    const logs = logsPolicy();
    expect(
      await decide(logs, LOGS_PRINCIPAL, 'kms:Decrypt', {
        context: context(`arn:aws:logs:${REGION}:${OTHER_ACCOUNT}:log-group:/app/orders`),
      }),
    ).toBe('ImplicitlyDenied');
  });

  test("denied for another region's log group", async () => {
    const logs = logsPolicy();
    expect(
      await decide(logs, LOGS_PRINCIPAL, 'kms:Decrypt', {
        context: context(`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/app/orders`),
      }),
    ).toBe('ImplicitlyDenied');
  });

  test('denied without the encryption context', async () => {
    const logs = logsPolicy();
    expect(await decide(logs, LOGS_PRINCIPAL, 'kms:Decrypt')).toBe('ImplicitlyDenied');
  });

  test('CloudWatch Logs cannot use the data or the secrets key', async () => {
    const { data, secrets } = synthPolicies();
    for (const policy of [data, secrets].map((p) => renameEncryptionContextKey(p, LOGS_EC))) {
      expect(
        await decide(policy, LOGS_PRINCIPAL, 'kms:Decrypt', {
          context: context(`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/app/orders`),
        }),
      ).toBe('ImplicitlyDenied');
    }
  });
});

describe('administrators', () => {
  const ADMIN_ROLE = `arn:aws:iam::${ACCOUNT}:role/key-admin`;

  test('an administrator with kms:* in IAM can manage the key', async () => {
    const { data } = synthPolicies();
    for (const action of ['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:EnableKeyRotation', 'kms:DescribeKey']) {
      expect(await decide(data, ADMIN_ROLE, action, { identity: [allowAll('kms:*')] })).toBe('Allowed');
    }
  });

  test('an administrator with kms:* in IAM cannot use the key or grant themselves use', async () => {
    const { data, secrets, logs } = synthPolicies();
    for (const policy of [data, secrets, logs]) {
      for (const action of ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom']) {
        expect(await decide(policy, ADMIN_ROLE, action, { identity: [allowAll('kms:*')] })).toBe('ImplicitlyDenied');
      }
      expect(await decide(policy, ADMIN_ROLE, 'kms:CreateGrant', { identity: [allowAll('kms:*')] })).toBe('ExplicitlyDenied');
    }
  });

  test('a dedicated administrator role cannot decrypt either', async () => {
    const stack = newStack();
    new KeyHierarchy(stack, 'Keys', { administrators: [new iam.ArnPrincipal(ADMIN_ROLE)] });
    const data = resolvedKeyPolicy(stack, 'Data');
    expect(await decide(data, ADMIN_ROLE, 'kms:PutKeyPolicy')).toBe('Allowed');
    expect(await decide(data, ADMIN_ROLE, 'kms:Decrypt')).toBe('ImplicitlyDenied');
  });
});

describe('grants for direct use', () => {
  function grantedStack(grant: (keys: KeyHierarchy, role: iam.Role) => void) {
    const stack = newStack();
    const keys = new KeyHierarchy(stack, 'Keys');
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    grant(keys, role);
    const roleId = stack.getLogicalId(role.node.defaultChild as iam.CfnRole);
    const getAtts = { [`${roleId}.Arn`]: APP_ROLE };
    // The role's identity policy, resolved with every key ARN set to KEY_ARN: which key may be
    // used is then decided by the key policies alone.
    const template = Template.fromStack(stack).toJSON();
    const policies = Object.values(template.Resources).filter((r: any) => r.Type === 'AWS::IAM::Policy') as any[];
    const keyIds = Object.entries(template.Resources)
      .filter(([, r]: any) => r.Type === 'AWS::KMS::Key')
      .map(([id]) => id);
    const keyAtts = Object.fromEntries(keyIds.map((id) => [`${id}.Arn`, KEY_ARN]));
    const identity = policies.map((p) =>
      resolveIntrinsics(p.Properties.PolicyDocument, {
        account: ACCOUNT,
        region: REGION,
        getAtts: keyAtts,
      }),
    );
    return { stack, identity, getAtts };
  }

  test('a granted role of the account can decrypt directly', async () => {
    const { stack, identity, getAtts } = grantedStack((keys, role) => keys.grantDecrypt(KeyPurpose.DATA, role));
    const data = resolvedKeyPolicy(stack, 'Data', getAtts);
    expect(await decide(data, APP_ROLE, 'kms:Decrypt', { identity, context: { 'kms:CallerAccount': ACCOUNT } })).toBe('Allowed');
    // THEN the grant is only what was asked for
    expect(await decide(data, APP_ROLE, 'kms:Encrypt', { identity })).toBe('ImplicitlyDenied');
  });

  test('the grant opens the key to the named role only: another role of the account with kms:* in IAM still cannot decrypt directly', async () => {
    // GIVEN a grant to the reader role
    const { stack, identity, getAtts } = grantedStack((keys, role) => keys.grantDecrypt(KeyPurpose.DATA, role));
    const data = resolvedKeyPolicy(stack, 'Data', getAtts);
    // THEN the key policy statement of the grant names exactly that role (no account root, no wildcard)
    const granted = (data.Statement as any[]).filter((st) => st.Sid === undefined);
    expect(granted).toEqual([{ Effect: 'Allow', Action: 'kms:Decrypt', Principal: { AWS: APP_ROLE }, Resource: '*' }]);
    // the grantee, with its identity policy and the key policy evaluated together, may decrypt...
    expect(await decide(data, APP_ROLE, 'kms:Decrypt', { identity, context: { 'kms:CallerAccount': ACCOUNT } })).toBe('Allowed');
    // ...another role of the same account with a broad identity policy may not, nor a role of another account
    const intruder = `arn:aws:iam::${ACCOUNT}:role/intruder`;
    expect(await decide(data, intruder, 'kms:Decrypt', { identity: [allowAll('kms:*')], context: { 'kms:CallerAccount': ACCOUNT } })).toBe('ImplicitlyDenied');
    expect(await decide(data, OTHER_ROLE, 'kms:Decrypt', { identity: [allowAll('kms:*')], context: { 'kms:CallerAccount': OTHER_ACCOUNT } })).toBe(
      'ImplicitlyDenied',
    );
  });

  test('without the grant the same role with a broad identity policy cannot decrypt directly', async () => {
    const { stack, getAtts } = grantedStack(() => undefined);
    const data = resolvedKeyPolicy(stack, 'Data', getAtts);
    expect(await decide(data, APP_ROLE, 'kms:Decrypt', { identity: [allowAll('kms:Decrypt')] })).toBe('ImplicitlyDenied');
  });

  test('grantEncryptDecrypt on the logs key allows both directions, and only on that key', async () => {
    const { stack, identity, getAtts } = grantedStack((keys, role) => keys.grantEncryptDecrypt(KeyPurpose.LOGS, role));
    const logs = resolvedKeyPolicy(stack, 'Logs', getAtts);
    const data = resolvedKeyPolicy(stack, 'Data', getAtts);
    expect(await decide(logs, APP_ROLE, 'kms:Encrypt', { identity })).toBe('Allowed');
    expect(await decide(logs, APP_ROLE, 'kms:Decrypt', { identity })).toBe('Allowed');
    expect(await decide(data, APP_ROLE, 'kms:Decrypt', { identity })).toBe('ImplicitlyDenied');
  });
});
