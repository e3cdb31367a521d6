/**
 * AccessLogBucket: what server access log delivery needs (SSE-S3, no encryption-header statement,
 * no Object Lock, delivery granted by the bucket policy) and the Control Tower controls its
 * sources need (logging, lifecycle, EventBridge); the semantic part evaluates who may write.
 */
import { App, Aspects, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ALLOW_EVERYTHING, evaluate, resolveIntrinsics, singleResource, type PolicyJson } from '@cdk-guardrails/policy-test-kit';
import { AccessLogBucket, BucketEncryptionGuard, EncryptedBucket, EncryptionMode, GuardMode, ProtectLogObjects } from '../lib';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const LOGS_ARN = 'arn:aws:s3:::access-logs';
const SOURCE_ARN = 'arn:aws:s3:::data-bucket';
const BREAK_GLASS = `arn:aws:iam::${ACCOUNT}:role/GuardrailsBreakGlass`;
const ATTACKER = `arn:aws:sts::${ACCOUNT}:assumed-role/workload-admin/mallory`;
const FLAG = { '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true };

function build(protect = true) {
  const stack = new Stack(new App({ context: FLAG }), 'S', { env: { account: ACCOUNT, region: REGION } });
  const logs = new AccessLogBucket(stack, 'AccessLogs', { minimumTlsVersion: 1.2 });
  new EncryptedBucket(stack, 'Data', { encryption: EncryptionMode.sseKms(new kms.Key(stack, 'Key')), serverAccessLogsBucket: logs, eventBridgeEnabled: true });
  if (protect) new ProtectLogObjects({ administratorArns: [BREAK_GLASS] }).applyTo(logs);
  return { stack, logs, template: Template.fromStack(stack) };
}

describe('AccessLogBucket', () => {
  const { template, stack } = build();
  const resources = template.toJSON().Resources;
  const logsId = Object.keys(resources).find((id) => id.startsWith('AccessLogs') && resources[id].Type === 'AWS::S3::Bucket')!;
  const dataId = Object.keys(resources).find((id) => id.startsWith('Data') && resources[id].Type === 'AWS::S3::Bucket')!;

  test('SSE-S3, versioned, no Object Lock, ACLs off, public access blocked, retained, logs expired after 90 days, EventBridge on', () => {
    const props = resources[logsId].Properties;
    expect(props.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: 'AES256' });
    expect(props.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(props.ObjectLockEnabled).toBeUndefined();
    expect(props.OwnershipControls.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
    expect(props.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(resources[logsId].DeletionPolicy).toBe('Retain');
    expect(props.LifecycleConfiguration.Rules).toEqual([
      {
        Id: 'ExpireAccessLogs',
        Status: 'Enabled',
        ExpirationInDays: 90,
        NoncurrentVersionExpiration: { NoncurrentDays: 90 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      },
    ]);
    expect(props.NotificationConfiguration).toEqual({ EventBridgeConfiguration: { EventBridgeEnabled: true } });
  });

  test('an EncryptedBucket logs to it (and, with eventBridgeEnabled, notifies EventBridge without a custom resource)', () => {
    expect(resources[dataId].Properties.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: logsId } });
    expect(resources[dataId].Properties.NotificationConfiguration).toEqual({ EventBridgeConfiguration: { EventBridgeEnabled: true } });
    expect(Object.values<any>(resources).filter((r) => r.Type === 'AWS::Lambda::Function' || r.Type === 'Custom::S3BucketNotifications')).toEqual([]);
  });

  test('its policy has no encryption-header statement (delivery sends none) and denies plain HTTP', () => {
    const [, policy] = singleResource(template.toJSON(), 'AWS::S3::BucketPolicy', (r: any) => r.Properties.Bucket.Ref === logsId);
    const statements = stack.resolve(policy.Properties.PolicyDocument.Statement) as any[];
    expect(statements.some((s) => JSON.stringify(s.Condition ?? {}).includes('x-amz-server-side-encryption'))).toBe(false);
    expect(statements.some((s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false')).toBe(true);
  });

  test('expiration takes whole days and names the field otherwise', () => {
    const stack2 = new Stack(new App(), 'T');
    expect(new AccessLogBucket(stack2, 'A', { expiration: Duration.days(30) })).toBeDefined();
    expect(() => new AccessLogBucket(stack2, 'B', { expiration: Duration.hours(36) })).toThrow(
      /^T\/B: expiration: received 1 day 12 hours; expected a whole number of days, at least 1/,
    );
    expect(() => new AccessLogBucket(stack2, 'C', { expiration: Duration.days(0) })).toThrow(
      /^T\/C: expiration: received .*; expected a whole number of days, at least 1/,
    );
  });
});

describe('AccessLogBucket policy (semantic): only the logging service, for this account’s source bucket, writes', () => {
  function policyOf(protect: boolean): PolicyJson {
    const { template, logs, stack } = build(protect);
    const json = template.toJSON();
    const logsId = stack.resolve((logs.node.defaultChild as s3.CfnBucket).logicalId);
    const dataId = Object.keys(json.Resources).find((id) => id.startsWith('Data') && json.Resources[id].Type === 'AWS::S3::Bucket')!;
    const [, policy] = singleResource(json, 'AWS::S3::BucketPolicy', (r: any) => r.Properties.Bucket.Ref === logsId);
    return resolveIntrinsics(policy.Properties.PolicyDocument, {
      account: ACCOUNT,
      region: REGION,
      getAtts: { [`${logsId}.Arn`]: LOGS_ARN, [`${dataId}.Arn`]: SOURCE_ARN },
      refs: { [logsId]: 'access-logs', [dataId]: 'data-bucket' },
    });
  }
  const OBJECT = `${LOGS_ARN}/2026-12-04-10-00-00-ABCDEF`;
  const tls = { 'aws:SecureTransport': 'true', 's3:TlsVersion': '1.3', 's3:ResourceAccount': ACCOUNT };
  const delivery = (sourceAccount: string, sourceArn: string) => ({
    action: 's3:PutObject',
    principal: 'logging.s3.amazonaws.com',
    resource: OBJECT,
    resourceAccount: ACCOUNT,
    context: {
      ...tls,
      'aws:PrincipalIsAWSService': 'true',
      'aws:PrincipalServiceName': 'logging.s3.amazonaws.com',
      'aws:SourceAccount': sourceAccount,
      'aws:SourceArn': sourceArn,
    },
  });
  const asAttacker = (policy: PolicyJson, action: string) =>
    evaluate({
      identityPolicies: [ALLOW_EVERYTHING],
      resourcePolicy: policy,
      request: {
        action,
        principal: ATTACKER,
        resource: OBJECT,
        resourceAccount: ACCOUNT,
        context: {
          ...tls,
          'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/workload-admin`,
          'aws:PrincipalAccount': ACCOUNT,
          'aws:PrincipalIsAWSService': 'false',
        },
      },
    });
  const policy = policyOf(true);

  test('control: log delivery for the source bucket of this account is allowed', async () => {
    await expect(evaluate({ request: delivery(ACCOUNT, SOURCE_ARN), resourcePolicy: policy })).resolves.toBe('Allowed');
  });

  test("the logging service delivering for another account's bucket, or another bucket, is not allowed (confused deputy)", async () => {
    await expect(evaluate({ request: delivery('999999999999', 'arn:aws:s3:::attacker-bucket'), resourcePolicy: policy })).resolves.not.toBe('Allowed');
    await expect(evaluate({ request: delivery(ACCOUNT, 'arn:aws:s3:::other-bucket-of-this-account'), resourcePolicy: policy })).resolves.not.toBe('Allowed');
  });

  test.each([
    ['forge an access-log record', 's3:PutObject'],
    ['delete a record', 's3:DeleteObject'],
    ['delete a version of a record', 's3:DeleteObjectVersion'],
  ])('an admin of the account allowed s3:* cannot %s once ProtectLogObjects is applied; can without it', async (_what, action) => {
    await expect(asAttacker(policy, action)).resolves.toBe('ExplicitlyDenied');
    await expect(asAttacker(policyOf(false), action)).resolves.toBe('Allowed');
  });
});

describe('BucketEncryptionGuard and an AccessLogBucket', () => {
  test('an SSE-KMS guard (even with upgradeSseS3ToKms) keeps it SSE-S3 without a warning, and adds no encryption-header statement', () => {
    const stack = new Stack(new App({ context: FLAG }), 'G', { env: { account: ACCOUNT, region: REGION } });
    const key = new kms.Key(stack, 'Key');
    const logs = new AccessLogBucket(stack, 'AccessLogs');
    new EncryptedBucket(stack, 'Data', { encryption: EncryptionMode.sseKms(key), serverAccessLogsBucket: logs });
    Aspects.of(stack).add(new BucketEncryptionGuard({ mode: GuardMode.FIX, encryption: EncryptionMode.sseKms(key), upgradeSseS3ToKms: true }));
    const template = Template.fromStack(stack);
    const annotations = Annotations.fromStack(stack);
    const bucket = template.toJSON().Resources[stack.resolve((logs.node.defaultChild as s3.CfnBucket).logicalId)];
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: 'AES256' });
    expect(annotations.findWarning('/G/AccessLogs/Resource', Match.anyValue())).toEqual([]);
    const [, policy] = singleResource(
      template.toJSON(),
      'AWS::S3::BucketPolicy',
      (r: any) => r.Properties.Bucket.Ref === stack.resolve((logs.node.defaultChild as s3.CfnBucket).logicalId),
    );
    expect(JSON.stringify(policy.Properties.PolicyDocument)).not.toContain('x-amz-server-side-encryption');
  });
});
