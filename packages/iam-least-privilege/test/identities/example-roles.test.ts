import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Stack } from 'aws-cdk-lib';
import { evaluate, PolicyJson, resolveIntrinsics } from '@cdk-guardrails/policy-test-kit';
import { LogsWriterRole, S3ReadOnlyRole } from '../../lib';
import { ACCOUNT, newStack, REGION } from './helpers';

jest.setTimeout(60_000);

const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/writer`;

/** The role's inline identity policy (AWS::IAM::Policy) as plain JSON. */
function identityPolicy(stack: Stack, refs: Record<string, string> = {}, getAtts: Record<string, string> = {}): PolicyJson {
  const policies = Object.values<any>(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
  expect(policies).toHaveLength(1);
  return resolveIntrinsics(policies[0].Properties.PolicyDocument, { account: ACCOUNT, region: REGION, refs, getAtts });
}

function allows(policy: PolicyJson, action: string, resource: string, context: Record<string, string> = {}) {
  return evaluate({ identityPolicies: [policy], request: { action, principal: ROLE_ARN, resource, resourceAccount: ACCOUNT, context } });
}

describe('LogsWriterRole', () => {
  const assumedBy = new iam.ServicePrincipal('lambda.amazonaws.com');

  test('writes only to pre-created log groups; cannot create groups', async () => {
    // GIVEN
    const stack = newStack();
    const group = logs.LogGroup.fromLogGroupName(stack, 'Group', '/app/orders');
    // WHEN
    new LogsWriterRole(stack, 'Writer', { assumedBy, logGroups: [group] });
    // THEN
    const policy = identityPolicy(stack);
    const stream = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/app/orders:log-stream:s1`;
    await expect(allows(policy, 'logs:PutLogEvents', stream)).resolves.toBe('Allowed');
    await expect(allows(policy, 'logs:CreateLogStream', stream)).resolves.toBe('Allowed');
    await expect(allows(policy, 'logs:PutLogEvents', `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/other:log-stream:s1`)).resolves.toBe('ImplicitlyDenied');
    await expect(allows(policy, 'logs:CreateLogGroup', `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/app/new`)).resolves.toBe('ImplicitlyDenied');
    await expect(allows(policy, 'logs:DeleteLogGroup', `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/app/orders`)).resolves.toBe('ImplicitlyDenied');
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', { PermissionsBoundary: Match.anyValue() });
  });

  test('with allowCreateLogGroup, creates groups only under the prefix', async () => {
    const stack = newStack();
    new LogsWriterRole(stack, 'Writer', { assumedBy, allowCreateLogGroup: true, logGroupNamePrefix: '/app/orders/' });
    const policy = identityPolicy(stack);
    await expect(allows(policy, 'logs:CreateLogGroup', `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/app/orders/batch`)).resolves.toBe('Allowed');
    await expect(allows(policy, 'logs:PutLogEvents', `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/app/orders/batch:log-stream:x`)).resolves.toBe('Allowed');
    await expect(allows(policy, 'logs:CreateLogGroup', `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/cloudtrail`)).resolves.toBe('ImplicitlyDenied');
  });

  test('fails if neither log groups nor allowCreateLogGroup are given', () => {
    expect(() => new LogsWriterRole(newStack(), 'Writer', { assumedBy })).toThrow(/logGroups: received no log groups and allowCreateLogGroup is not true/);
  });

  test('fails if allowCreateLogGroup has no prefix', () => {
    expect(() => new LogsWriterRole(newStack(), 'Writer', { assumedBy, allowCreateLogGroup: true })).toThrow(/logGroupNamePrefix: received nothing/);
  });

  test('fails if the prefix has a wildcard', () => {
    expect(() => new LogsWriterRole(newStack(), 'Writer', { assumedBy, allowCreateLogGroup: true, logGroupNamePrefix: '/app/*' })).toThrow(
      /logGroupNamePrefix: received '\/app\/\*'/,
    );
  });

  test('fails if a prefix is given without allowCreateLogGroup', () => {
    const stack = newStack();
    const group = logs.LogGroup.fromLogGroupName(stack, 'Group', '/app/orders');
    expect(() => new LogsWriterRole(stack, 'Writer', { assumedBy, logGroups: [group], logGroupNamePrefix: '/app/' })).toThrow(
      /logGroupNamePrefix: received '\/app\/' but allowCreateLogGroup is not true/,
    );
  });
});

describe('S3ReadOnlyRole', () => {
  const assumedBy = new iam.ServicePrincipal('ecs-tasks.amazonaws.com');

  test('reads objects of the named buckets only, with no wildcard actions', async () => {
    // GIVEN
    const stack = newStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Reports', 'reports-bucket');
    // WHEN
    new S3ReadOnlyRole(stack, 'Reader', { assumedBy, buckets: [bucket] });
    // THEN
    const policy = identityPolicy(stack);
    expect(JSON.stringify(policy)).not.toMatch(/"s3:[A-Za-z]*\*"/);
    await expect(allows(policy, 's3:GetObject', 'arn:aws:s3:::reports-bucket/2026/q3.csv')).resolves.toBe('Allowed');
    await expect(allows(policy, 's3:ListBucket', 'arn:aws:s3:::reports-bucket')).resolves.toBe('Allowed');
    await expect(allows(policy, 's3:PutObject', 'arn:aws:s3:::reports-bucket/x')).resolves.toBe('ImplicitlyDenied');
    await expect(allows(policy, 's3:DeleteObject', 'arn:aws:s3:::reports-bucket/x')).resolves.toBe('ImplicitlyDenied');
    await expect(allows(policy, 's3:GetObject', 'arn:aws:s3:::other-bucket/x')).resolves.toBe('ImplicitlyDenied');
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', { PermissionsBoundary: Match.anyValue() });
  });

  test('decrypts with the bucket key only through S3, for these buckets', async () => {
    // GIVEN
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    const bucket = new s3.Bucket(stack, 'Data', { encryptionKey: key, bucketName: 'data-bucket' });
    // WHEN
    new S3ReadOnlyRole(stack, 'Reader', { assumedBy, buckets: [bucket] });
    // THEN
    const keyLogicalId = stack.getLogicalId(key.node.defaultChild as kms.CfnKey);
    const bucketLogicalId = stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
    const keyArn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/k-1`;
    const policy = identityPolicy(
      stack,
      { [bucketLogicalId]: 'data-bucket' },
      { [`${keyLogicalId}.Arn`]: keyArn, [`${bucketLogicalId}.Arn`]: 'arn:aws:s3:::data-bucket' },
    );
    // The encryption-context condition names exactly this bucket and its objects.
    const statement = ([] as any[]).concat(policy.Statement).find((st) => st.Sid === 'DecryptThroughS3ForTheseBuckets');
    expect(statement.Condition.StringLike).toEqual({
      'kms:EncryptionContext:aws:s3:arn': ['arn:aws:s3:::data-bucket', 'arn:aws:s3:::data-bucket/*'],
    });
    // The evaluator ignores kms:EncryptionContext:<key> context values (a limitation of
    // iam-simulate), so the semantic check covers kms:ViaService with that one condition set aside.
    const { StringLike: _ctx, ...viaOnly } = statement.Condition;
    const evaluated = { ...policy, Statement: ([] as any[]).concat(policy.Statement).map((st) => (st === statement ? { ...st, Condition: viaOnly } : st)) };
    // The CDK default key policy delegates to IAM (account root), as KMS requires.
    const keyPolicy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }],
    };
    const decrypt = (context: Record<string, string>) =>
      evaluate({
        identityPolicies: [evaluated],
        resourcePolicy: keyPolicy,
        request: { action: 'kms:Decrypt', principal: ROLE_ARN, resource: keyArn, resourceAccount: ACCOUNT, context },
      });
    await expect(decrypt({ 'kms:ViaService': `s3.${REGION}.amazonaws.com` })).resolves.toBe('Allowed');
    await expect(decrypt({ 'kms:ViaService': `sqs.${REGION}.amazonaws.com` })).resolves.toBe('ImplicitlyDenied');
    await expect(decrypt({})).resolves.toBe('ImplicitlyDenied');
  });

  test('adds keys of imported buckets when given', () => {
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'Key', `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`);
    const bucket = s3.Bucket.fromBucketName(stack, 'B', 'imported');
    new S3ReadOnlyRole(stack, 'Reader', { assumedBy, buckets: [bucket], encryptionKeys: [key] });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'DecryptThroughS3ForTheseBuckets', Resource: key.keyArn })]) },
    });
  });

  test('fails if no bucket is given', () => {
    expect(() => new S3ReadOnlyRole(newStack(), 'Reader', { assumedBy, buckets: [] })).toThrow(/buckets: received an empty list/);
  });
});
