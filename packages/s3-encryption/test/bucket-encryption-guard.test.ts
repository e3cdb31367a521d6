import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { evaluate, resolveIntrinsics, singleResource } from '@cdk-guardrails/policy-test-kit';
import { BucketEncryptionGuard, EncryptedBucket, EncryptionMode, GuardMode } from '../lib';

const KEY_ARN = 'arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555';
const USER_KEY_ARN = 'arn:aws:kms:eu-west-1:111111111111:key/99999999-8888-7777-6666-555555555555';

function newStack(): Stack {
  return new Stack(new App(), 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
}

function guard(stack: Stack, mode: GuardMode, encryption: EncryptionMode = EncryptionMode.sseS3(), extra: object = {}) {
  Aspects.of(stack).add(new BucketEncryptionGuard({ mode, encryption, ...extra }));
}

function sidsOf(template: Template): string[] {
  return Object.values(template.findResources('AWS::S3::BucketPolicy'))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement.map((s: any) => s.Sid ?? '(no sid)'))
    .sort();
}

const SSE_S3_SIDS = ['GuardrailsDenyInsecureTransport', 'GuardrailsDenyUnencryptedObjectUploads', 'GuardrailsDenyWrongEncryptionAlgorithm'];

describe('BucketEncryptionGuard in FIX mode', () => {
  test('adds default encryption and a bucket policy to a bare CfnBucket, and says what it changed', () => {
    // GIVEN
    const stack = newStack();
    new s3.CfnBucket(stack, 'Raw');
    // WHEN
    guard(stack, GuardMode.FIX);
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', { Bucket: { Ref: 'Raw' } });
    expect(sidsOf(template)).toEqual(SSE_S3_SIDS);
    Annotations.fromStack(stack).hasInfo(
      '/Stack/Raw',
      Match.stringLikeRegexp(
        'BucketEncryptionGuard changed bucket Stack/Raw: added default encryption SSE-S3; added bucket policy statements GuardrailsDenyInsecureTransport, GuardrailsDenyUnencryptedObjectUploads, GuardrailsDenyWrongEncryptionAlgorithm',
      ),
    );
  });

  test('the fixed bare bucket denies an unencrypted PUT and an HTTP request, and allows an encrypted one', async () => {
    const stack = newStack();
    new s3.CfnBucket(stack, 'Raw');
    guard(stack, GuardMode.FIX);
    const template = Template.fromStack(stack).toJSON();
    const [, policy] = singleResource(template, 'AWS::S3::BucketPolicy');
    const doc = resolveIntrinsics(policy.Properties.PolicyDocument, {
      account: '111111111111',
      region: 'eu-west-1',
      getAtts: { 'Raw.Arn': 'arn:aws:s3:::raw' },
    });
    const put = (context: Record<string, string>) =>
      evaluate({
        request: {
          action: 's3:PutObject',
          principal: 'arn:aws:iam::111111111111:role/w',
          resource: 'arn:aws:s3:::raw/k',
          resourceAccount: '111111111111',
          context,
        },
        resourcePolicy: doc,
        identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }] }],
      });
    await expect(put({ 'aws:SecureTransport': 'true' })).resolves.toBe('ExplicitlyDenied');
    await expect(put({ 'aws:SecureTransport': 'false', 's3:x-amz-server-side-encryption': 'AES256' })).resolves.toBe('ExplicitlyDenied');
    await expect(put({ 'aws:SecureTransport': 'true', 's3:x-amz-server-side-encryption': 'AES256' })).resolves.toBe('Allowed');
  });

  test('adds the statements to an L2 bucket through its own (single) bucket policy and keeps existing statements', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Theirs');
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'TheirReader',
        actions: ['s3:GetObject'],
        resources: [bucket.arnForObjects('*')],
        principals: [new iam.AccountPrincipal('222222222222')],
      }),
    );
    guard(stack, GuardMode.FIX);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::BucketPolicy', 1);
    expect(sidsOf(template)).toEqual([...SSE_S3_SIDS, 'TheirReader'].sort());
  });

  test('merges into a raw CfnBucketPolicy without dropping its statements', () => {
    const stack = newStack();
    const raw = new s3.CfnBucket(stack, 'Raw', {
      bucketEncryption: { serverSideEncryptionConfiguration: [{ serverSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }] },
    });
    new s3.CfnBucketPolicy(stack, 'RawPolicy', {
      bucket: raw.ref,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'Existing', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222222222222:root' }, Action: 's3:GetObject', Resource: `${raw.attrArn}/*` },
        ],
      },
    });
    guard(stack, GuardMode.FIX);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::BucketPolicy', 1);
    expect(sidsOf(template)).toEqual([...SSE_S3_SIDS, 'Existing'].sort());
  });

  test('keeps a weaker SSE-S3 bucket under an SSE-KMS guard (without upgradeSseS3ToKms), and warns', () => {
    const stack = newStack();
    new s3.Bucket(stack, 'UserS3', { encryption: s3.BucketEncryption.S3_MANAGED });
    guard(stack, GuardMode.FIX, EncryptionMode.sseKms(kms.Key.fromKeyArn(stack, 'Key', KEY_ARN)));
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } })] },
    });
    Annotations.fromStack(stack).hasWarning('/Stack/UserS3/Resource', Match.stringLikeRegexp('keeps the encryption its owner set \\(SSE-S3\\)'));
  });

  test('never weakens: keeps the SSE-KMS key the user set, pins that key, and notes it (stronger than asked: no warning)', () => {
    const stack = newStack();
    new s3.Bucket(stack, 'UserKms', { encryption: s3.BucketEncryption.KMS, encryptionKey: kms.Key.fromKeyArn(stack, 'UserKey', USER_KEY_ARN) });
    guard(stack, GuardMode.FIX, EncryptionMode.sseS3());
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: USER_KEY_ARN } })],
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'GuardrailsDenyWrongKmsKey',
            Condition: Match.objectLike({ StringNotEquals: { 's3:x-amz-server-side-encryption-aws-kms-key-id': USER_KEY_ARN } }),
          }),
        ]),
      },
    });
    Annotations.fromStack(stack).hasInfo('/Stack/UserKms/Resource', Match.stringLikeRegexp('keeps the encryption its owner set \\(SSE-KMS\\)'));
    Annotations.fromStack(stack).hasNoWarning('/Stack/UserKms/Resource', Match.stringLikeRegexp('keeps the encryption'));
  });

  test('adds SSE-KMS to an L2 bucket that sets no encryption (aws-cdk-lib writes none), with a warning about grants', () => {
    const stack = newStack();
    new s3.Bucket(stack, 'Plain');
    guard(stack, GuardMode.FIX, EncryptionMode.sseKms(kms.Key.fromKeyArn(stack, 'Key', KEY_ARN)));
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KEY_ARN } }],
      },
    });
    Annotations.fromStack(stack).hasWarning('/Stack/Plain/Resource', Match.stringLikeRegexp('grants made through this bucket do not include the KMS key'));
  });

  test('adds SSE-KMS with the guard key and Bucket Keys to a bucket without encryption', () => {
    const stack = newStack();
    new s3.CfnBucket(stack, 'Raw');
    guard(stack, GuardMode.FIX, EncryptionMode.sseKms(kms.Key.fromKeyArn(stack, 'Key', KEY_ARN)));
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KEY_ARN } }],
      },
    });
    expect(sidsOf(template)).toEqual([...SSE_S3_SIDS, 'GuardrailsDenyMissingKmsKeyId', 'GuardrailsDenyWrongKmsKey'].sort());
  });

  test('keeps SSE-S3 set on an L2 bucket when the guard asks for SSE-KMS, unless upgradeSseS3ToKms', () => {
    const stack = newStack();
    new s3.Bucket(stack, 'Plain', { encryption: s3.BucketEncryption.S3_MANAGED });
    guard(stack, GuardMode.FIX, EncryptionMode.sseKms(kms.Key.fromKeyArn(stack, 'Key', KEY_ARN)));
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });

    const upgraded = newStack();
    new s3.Bucket(upgraded, 'Plain', { encryption: s3.BucketEncryption.S3_MANAGED });
    guard(upgraded, GuardMode.FIX, EncryptionMode.sseKms(kms.Key.fromKeyArn(upgraded, 'Key', KEY_ARN)), { upgradeSseS3ToKms: true });
    Template.fromStack(upgraded).hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KEY_ARN } }],
      },
    });
    Annotations.fromStack(upgraded).hasWarning('/Stack/Plain/Resource', Match.stringLikeRegexp('grants made through this bucket do not include the KMS key'));
  });

  test('leaves an EncryptedBucket unchanged and silent', () => {
    const stack = newStack();
    new EncryptedBucket(stack, 'Good', { encryption: EncryptionMode.sseS3() });
    const before = Template.fromStack(newStackWith((s) => new EncryptedBucket(s, 'Good', { encryption: EncryptionMode.sseS3() }))).toJSON();
    guard(stack, GuardMode.FIX);
    expect(Template.fromStack(stack).toJSON()).toEqual(before);
    expect(Annotations.fromStack(stack).findInfo('*', Match.anyValue())).toEqual([]);
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('enforces only the transport statements on a bucket that a service writes to (server access logs), with a warning', () => {
    const app = new App({ context: { '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true } });
    const stack = new Stack(app, 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
    const logs = new s3.Bucket(stack, 'AccessLogs');
    new s3.Bucket(stack, 'Source', { serverAccessLogsBucket: logs });
    guard(stack, GuardMode.FIX);
    const template = Template.fromStack(stack);
    const [, policy] = singleResource(template.toJSON(), 'AWS::S3::BucketPolicy', (r) => JSON.stringify(r).includes('logging.s3.amazonaws.com'));
    const sids = policy.Properties.PolicyDocument.Statement.map((s: any) => s.Sid);
    expect(sids).toContain('GuardrailsDenyInsecureTransport');
    expect(sids).not.toContain('GuardrailsDenyUnencryptedObjectUploads');
    Annotations.fromStack(stack).hasWarning('/Stack/AccessLogs/Resource', Match.stringLikeRegexp('logging.s3.amazonaws.com put objects'));
  });

  test('a bucket a service writes to whose own policy already denies PUTs without an encryption header (a trail bucket) gets an info, not a warning', () => {
    // GIVEN an EncryptedBucket that CloudTrail delivers to (its policy enforces the headers, with the digest exemption)
    const stack = newStack();
    const trail = new EncryptedBucket(stack, 'Trail', {
      encryption: EncryptionMode.sseKms(kms.Key.fromKeyArn(stack, 'LogsKey', KEY_ARN)),
      sseS3DeliverySourceArns: ['arn:aws:cloudtrail:eu-west-1:111111111111:trail/*'],
    });
    trail.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [trail.arnForObjects('AWSLogs/*')],
      }),
    );
    // WHEN the guard visits it
    guard(stack, GuardMode.FIX, EncryptionMode.sseKms(kms.Key.fromKeyArn(stack, 'Key', KEY_ARN)));
    // THEN no warning, an info naming the writer
    Annotations.fromStack(stack).hasNoWarning('/Stack/Trail/Resource', Match.stringLikeRegexp('put objects'));
    Annotations.fromStack(stack).hasInfo(
      '/Stack/Trail/Resource',
      Match.stringLikeRegexp('cloudtrail.amazonaws.com put objects.*its own policy already denies PUTs without an encryption header'),
    );
  });

  test('does not pin a key it cannot name by ARN (AWS managed key aws/s3), and warns', () => {
    const stack = newStack();
    new s3.Bucket(stack, 'Managed', { encryption: s3.BucketEncryption.KMS_MANAGED });
    guard(stack, GuardMode.FIX);
    const template = Template.fromStack(stack);
    expect(sidsOf(template)).toEqual(SSE_S3_SIDS);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'GuardrailsDenyWrongEncryptionAlgorithm',
            Condition: Match.objectLike({ StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } }),
          }),
        ]),
      },
    });
    Annotations.fromStack(stack).hasWarning('/Stack/Managed/Resource', Match.stringLikeRegexp('the AWS managed key aws/s3\\) is not given as a key ARN'));
  });

  test('fails if the mode is not FIX or REPORT', () => {
    expect(() => new BucketEncryptionGuard({ mode: 'ALL' as any, encryption: EncryptionMode.sseS3() })).toThrow(
      /^BucketEncryptionGuard: mode: received ALL; expected GuardMode\.FIX or GuardMode\.REPORT$/,
    );
  });

  test('fails if minimumTlsVersion is not allowed', () => {
    expect(() => new BucketEncryptionGuard({ mode: GuardMode.FIX, encryption: EncryptionMode.sseS3(), minimumTlsVersion: 1 })).toThrow(
      /^BucketEncryptionGuard: minimumTlsVersion: received 1; expected one of 1\.2, 1\.3$/,
    );
  });
});

describe('BucketEncryptionGuard in REPORT mode', () => {
  test('reports a bare bucket with its construct path and changes nothing', () => {
    const stack = newStack();
    new s3.CfnBucket(stack, 'Raw');
    guard(stack, GuardMode.REPORT);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::BucketPolicy', 0);
    template.hasResourceProperties('AWS::S3::Bucket', { BucketEncryption: Match.absent() });
    Annotations.fromStack(stack).hasError(
      '/Stack/Raw',
      Match.stringLikeRegexp(
        'bucket Stack/Raw is not compliant: it has no default encryption \\(expected SSE-S3\\); its bucket policy does not contain GuardrailsDenyInsecureTransport',
      ),
    );
  });

  test('reports an L2 bucket without the enforcing statements', () => {
    const stack = newStack();
    new s3.Bucket(stack, 'Theirs', { enforceSSL: true });
    guard(stack, GuardMode.REPORT);
    const errors = Annotations.fromStack(stack).findError('/Stack/Theirs/Resource', Match.anyValue());
    expect(errors).toHaveLength(1);
    // enforceSSL's statement is recognised as equivalent to ours: only the SSE statements are missing.
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- the annotation's data is its message, a string
    expect(String(errors[0].entry.data)).toMatch(/does not contain GuardrailsDenyUnencryptedObjectUploads, GuardrailsDenyWrongEncryptionAlgorithm$/);
  });

  test('does not report a compliant EncryptedBucket', () => {
    const stack = newStack();
    new EncryptedBucket(stack, 'Good', { encryption: EncryptionMode.sseKms(kms.Key.fromKeyArn(stack, 'Key', KEY_ARN)) });
    guard(stack, GuardMode.REPORT, EncryptionMode.sseKms(kms.Key.fromKeyArn(stack, 'Key2', KEY_ARN)));
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
  });

  test('reports SSE-S3 as an error when upgradeSseS3ToKms is on', () => {
    const stack = newStack();
    new EncryptedBucket(stack, 'Dev', { encryption: EncryptionMode.sseS3() });
    guard(stack, GuardMode.REPORT, EncryptionMode.sseKms(kms.Key.fromKeyArn(stack, 'Key', KEY_ARN)), { upgradeSseS3ToKms: true });
    Annotations.fromStack(stack).hasError('/Stack/Dev/Resource', Match.stringLikeRegexp('default encryption is SSE-S3, expected SSE-KMS'));
  });
});

function newStackWith(build: (s: Stack) => void): Stack {
  const s = newStack();
  build(s);
  return s;
}

describe('BucketEncryptionGuard protects its user from a key of another region or account', () => {
  test("at app scope, a bucket of us-east-1 would be pinned to the eu-west-1 key: synth fails naming the bucket, both places and the fix; the key's own region is fine", () => {
    const app = new App();
    const home = new Stack(app, 'Home', { env: { account: '111111111111', region: 'eu-west-1' } });
    const east = new Stack(app, 'East', { env: { account: '111111111111', region: 'us-east-1' } });
    const key = new kms.Key(home, 'DataKey', { enableKeyRotation: true });
    new s3.Bucket(home, 'Fine');
    new s3.Bucket(east, 'Elsewhere');
    Aspects.of(app).add(new BucketEncryptionGuard({ mode: GuardMode.FIX, encryption: EncryptionMode.sseKms(key) }));
    expect(() => app.synth()).toThrow(
      /^East\/Elsewhere\/Resource: BucketEncryptionGuard encryption: received a KMS key of 111111111111\/eu-west-1 for a bucket of 111111111111\/us-east-1; expected a key of the bucket's own account and region.*Aspects.of\(stack\)/,
    );
  });

  test("an imported key of another account fails the same way; one of the bucket's account and region passes", () => {
    const stack = newStack();
    new s3.Bucket(stack, 'Bucket');
    guard(
      stack,
      GuardMode.FIX,
      EncryptionMode.sseKms(kms.Key.fromKeyArn(stack, 'Foreign', 'arn:aws:kms:eu-west-1:222222222222:key/11111111-2222-3333-4444-555555555555')),
    );
    expect(() => Template.fromStack(stack)).toThrow(/received a KMS key of 222222222222\/eu-west-1 for a bucket of 111111111111\/eu-west-1/);
    const own = newStack();
    new s3.Bucket(own, 'Bucket');
    guard(own, GuardMode.FIX, EncryptionMode.sseKms(kms.Key.fromKeyArn(own, 'Own', KEY_ARN)));
    expect(() => Template.fromStack(own)).not.toThrow();
  });
});
