import { evaluate, PolicyJson, resolveIntrinsics, singleResource } from '../src';

const bucketPolicy = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:role/r' }, Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/*' },
    {
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: 'arn:aws:s3:::b/*',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
  ],
};

describe('evaluate', () => {
  test('an explicit deny wins over an allow', async () => {
    await expect(
      evaluate({
        resourcePolicy: bucketPolicy,
        request: {
          action: 's3:PutObject',
          principal: 'arn:aws:iam::111111111111:role/r',
          resource: 'arn:aws:s3:::b/k',
          resourceAccount: '111111111111',
          context: { 'aws:SecureTransport': 'false' },
        },
      }),
    ).resolves.toBe('ExplicitlyDenied');
  });

  test('an allowed request is allowed', async () => {
    await expect(
      evaluate({
        resourcePolicy: bucketPolicy,
        request: {
          action: 's3:PutObject',
          principal: 'arn:aws:iam::111111111111:role/r',
          resource: 'arn:aws:s3:::b/k',
          resourceAccount: '111111111111',
          context: { 'aws:SecureTransport': 'true' },
        },
      }),
    ).resolves.toBe('Allowed');
  });

  test('another account without an identity policy is implicitly denied', async () => {
    await expect(
      evaluate({
        resourcePolicy: { Version: '2012-10-17', Statement: [] },
        request: { action: 's3:PutObject', principal: 'arn:aws:iam::999999999999:role/r', resource: 'arn:aws:s3:::b/k', resourceAccount: '111111111111' },
      }),
    ).resolves.toBe('ImplicitlyDenied');
  });

  test('fails if the evaluator rejects a malformed policy', async () => {
    await expect(
      evaluate({
        resourcePolicy: { Statement: [{ Effect: 'Maybe', Action: 's3:PutObject', Resource: '*', Principal: '*' }] },
        request: { action: 's3:PutObject', principal: 'arn:aws:iam::111111111111:role/r', resource: 'arn:aws:s3:::b/k', resourceAccount: '111111111111' },
      }),
    ).rejects.toThrow(/rejected/);
  });
});

describe('resolveIntrinsics', () => {
  test('resolves pseudo parameters, Join, GetAtt and Sub', () => {
    const resolved = resolveIntrinsics(
      {
        a: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { Ref: 'Bucket' }, '/*']] },
        b: { 'Fn::GetAtt': ['Key', 'Arn'] },
        c: { 'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:*' },
      },
      { account: '111111111111', region: 'eu-west-1', refs: { Bucket: 'b' }, getAtts: { 'Key.Arn': 'arn:aws:kms:eu-west-1:111111111111:key/k' } },
    );
    expect(resolved).toEqual({
      a: 'arn:aws:s3:::b/*',
      b: 'arn:aws:kms:eu-west-1:111111111111:key/k',
      c: 'arn:aws:logs:eu-west-1:111111111111:*',
    });
  });

  test('fails if a Ref is not in the context', () => {
    expect(() => resolveIntrinsics({ Ref: 'Unknown' }, { account: '1', region: 'r' })).toThrow(/Unknown/);
  });

  test('singleResource finds exactly one resource', () => {
    const t = { Resources: { A: { Type: 'X' }, B: { Type: 'Y' } } };
    expect(singleResource(t, 'X')[0]).toBe('A');
    expect(() => singleResource(t, 'Z')).toThrow(/exactly one Z/);
  });
});

test('an account-root principal in the same account delegates to IAM: the role still needs an identity policy', async () => {
  const policy = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/*' }],
  };
  const request = { action: 's3:PutObject', principal: 'arn:aws:iam::111111111111:role/r', resource: 'arn:aws:s3:::b/k', resourceAccount: '111111111111' };
  await expect(evaluate({ resourcePolicy: policy, request })).resolves.toBe('ImplicitlyDenied');
  await expect(
    evaluate({
      resourcePolicy: policy,
      identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }] }],
      request,
    }),
  ).resolves.toBe('Allowed');
});

describe('IfExists condition operators (the key policies rely on them: CT.KMS.PR.3 BoolIfExists)', () => {
  const KEY = 'arn:aws:kms:eu-west-1:111111111111:key/k';
  const ROLE = 'arn:aws:iam::111111111111:role/admin';
  const keyPolicy = (operator: string) => ({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: ROLE }, Action: 'kms:*', Resource: '*' },
      {
        Effect: 'Deny',
        Principal: '*',
        Action: 'kms:CreateGrant',
        Resource: '*',
        Condition: { [operator]: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
      },
    ],
  });
  const createGrant = (policy: PolicyJson, context?: Record<string, string>) =>
    evaluate({ resourcePolicy: policy, request: { action: 'kms:CreateGrant', principal: ROLE, resource: KEY, resourceAccount: '111111111111', context } });

  test('BoolIfExists matches when the key is absent from the request, so the Deny applies', async () => {
    await expect(createGrant(keyPolicy('BoolIfExists'))).resolves.toBe('ExplicitlyDenied');
    await expect(createGrant(keyPolicy('BoolIfExists'), { 'kms:GrantIsForAWSResource': 'false' })).resolves.toBe('ExplicitlyDenied');
  });

  test('BoolIfExists does not match when a key present in the request has another value', async () => {
    await expect(createGrant(keyPolicy('BoolIfExists'), { 'kms:GrantIsForAWSResource': 'true' })).resolves.toBe('Allowed');
    await expect(createGrant(keyPolicy('BoolIfExists'), { 'aws:PrincipalIsAWSService': 'true' })).resolves.toBe('Allowed');
  });

  test('control: plain Bool does not match an absent key, so the same Deny does not apply to a request without it', async () => {
    await expect(createGrant(keyPolicy('Bool'))).resolves.toBe('Allowed');
    await expect(createGrant(keyPolicy('Bool'), { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' })).resolves.toBe(
      'ExplicitlyDenied',
    );
  });
});
