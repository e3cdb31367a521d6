import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BucketEncryptionPolicy, EncryptedBucket, EncryptionMode } from '../lib';

const KEY_ARN = 'arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555';

function newStack(): Stack {
  return new Stack(new App(), 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
}

function statementSids(template: Template): string[] {
  const policies = template.findResources('AWS::S3::BucketPolicy');
  return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement.map((s: any) => s.Sid));
}

describe('EncryptedBucket with SSE-S3', () => {
  test('has SSE-S3 default encryption, versioning, all public-access blocks, ACLs off and is retained', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new EncryptedBucket(stack, 'Bucket', { encryption: EncryptionMode.sseS3() });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('its policy holds the transport and SSE-S3 statements and no KMS statement', () => {
    const stack = newStack();
    new EncryptedBucket(stack, 'Bucket', { encryption: EncryptionMode.sseS3() });
    const template = Template.fromStack(stack);
    expect(statementSids(template).sort()).toEqual([
      'GuardrailsDenyInsecureTransport',
      'GuardrailsDenyUnencryptedObjectUploads',
      'GuardrailsDenyWrongEncryptionAlgorithm',
    ]);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'GuardrailsDenyInsecureTransport',
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Sid: 'GuardrailsDenyWrongEncryptionAlgorithm',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:PutObject',
            Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'AES256' }, Null: { 's3:x-amz-server-side-encryption': 'false' } },
          }),
        ]),
      },
    });
  });

  test('removal policy comes from props', () => {
    const stack = newStack();
    new EncryptedBucket(stack, 'Bucket', { encryption: EncryptionMode.sseS3(), removalPolicy: RemovalPolicy.DESTROY });
    Template.fromStack(stack).hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
  });

  test('a minimum TLS version adds the s3:TlsVersion statement', () => {
    const stack = newStack();
    new EncryptedBucket(stack, 'Bucket', { encryption: EncryptionMode.sseS3(), minimumTlsVersion: 1.3 });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Sid: 'GuardrailsDenyOutdatedTls', Condition: { NumericLessThan: { 's3:TlsVersion': 1.3 } } })]),
      },
    });
  });

  test('fails if minimumTlsVersion is not 1.2 or 1.3', () => {
    const stack = newStack();
    expect(() => new EncryptedBucket(stack, 'Bucket', { encryption: EncryptionMode.sseS3(), minimumTlsVersion: 1.1 })).toThrow(
      /^Stack\/Bucket: minimumTlsVersion: received 1\.1; expected one of 1\.2, 1\.3$/,
    );
  });

  test('fails if encryption is missing', () => {
    const stack = newStack();
    expect(() => new EncryptedBucket(stack, 'Bucket', {} as any)).toThrow(
      /^Stack\/Bucket: encryption: received undefined; expected EncryptionMode\.sseS3\(\) or EncryptionMode\.sseKms\(key\)$/,
    );
  });

  test('fails if encryption is not an EncryptionMode', () => {
    const stack = newStack();
    expect(() => new EncryptedBucket(stack, 'Bucket', { encryption: 'SSE_S3' as any })).toThrow(
      /^Stack\/Bucket: encryption: received SSE_S3; expected an EncryptionMode: EncryptionMode\.sseS3\(\) or EncryptionMode\.sseKms\(key\)$/,
    );
  });
});

describe('EncryptedBucket with SSE-KMS', () => {
  test('uses the key, with S3 Bucket Keys on', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    new EncryptedBucket(stack, 'Bucket', { encryption: EncryptionMode.sseKms(key) });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] },
            },
          },
        ],
      },
    });
  });

  test('its policy pins the key ARN and denies aws:kms without a key id', () => {
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'Key', KEY_ARN);
    new EncryptedBucket(stack, 'Bucket', { encryption: EncryptionMode.sseKms(key) });
    const template = Template.fromStack(stack);
    expect(statementSids(template).sort()).toEqual([
      'GuardrailsDenyInsecureTransport',
      'GuardrailsDenyMissingKmsKeyId',
      'GuardrailsDenyUnencryptedObjectUploads',
      'GuardrailsDenyWrongEncryptionAlgorithm',
      'GuardrailsDenyWrongKmsKey',
    ]);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'GuardrailsDenyWrongKmsKey',
            Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption-aws-kms-key-id': KEY_ARN } },
          }),
          Match.objectLike({
            Sid: 'GuardrailsDenyMissingKmsKeyId',
            Condition: { StringEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' }, Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'true' } },
          }),
        ]),
      },
    });
  });

  test('grantWrite also grants the use of the key, so writers can write', () => {
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'Key', KEY_ARN);
    const bucket = new EncryptedBucket(stack, 'Bucket', { encryption: EncryptionMode.sseKms(key) });
    const role = new iam.Role(stack, 'Writer', { assumedBy: new iam.AccountRootPrincipal() });
    bucket.grantWrite(role);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['kms:GenerateDataKey*']), Resource: KEY_ARN })]),
      },
    });
  });

  test('fails if the key is an alias', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    const alias = new kms.Alias(stack, 'Alias', { aliasName: 'alias/data', targetKey: key });
    expect(() => EncryptionMode.sseKms(alias)).toThrow(
      /^EncryptionMode\.sseKms: key: received the alias Stack\/Alias; expected a KMS key, not an alias\. Pass the key itself \(kms\.Key or kms\.Key\.fromKeyArn\) so the bucket policy can pin its ARN$/,
    );
  });

  test('fails if the key ARN is not a key ARN', () => {
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-1:111111111111:alias/data');
    expect(() => EncryptionMode.sseKms(key)).toThrow(
      /^EncryptionMode\.sseKms: key\.keyArn: received 'arn:aws:kms:eu-west-1:111111111111:alias\/data'; expected a key ARN \(arn:<partition>:kms:/,
    );
  });

  test.each([
    ['a key id that is neither a UUID nor a multi-Region id', 'arn:aws:kms:eu-west-1:111111111111:key/data'],
    ['a partition that only starts with aws', 'arn:aws-x:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555'],
  ])('fails if the key ARN has %s', (_what, arn) => {
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'Key', arn);
    expect(() => EncryptionMode.sseKms(key)).toThrow(
      `EncryptionMode.sseKms: key.keyArn: received '${arn}'; expected a key ARN (arn:<partition>:kms:<region>:<account-id>:key/<key-id> (key id a UUID or mrk-<32 hex digits>))`,
    );
  });
});

describe('BucketEncryptionPolicy', () => {
  test('applies the same statements to a bucket created by another team', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'TheirBucket');
    new BucketEncryptionPolicy({ encryption: EncryptionMode.sseS3() }).applyTo(bucket);
    expect(statementSids(Template.fromStack(stack)).sort()).toEqual([
      'GuardrailsDenyInsecureTransport',
      'GuardrailsDenyUnencryptedObjectUploads',
      'GuardrailsDenyWrongEncryptionAlgorithm',
    ]);
  });

  test('returns the statements for a bucket ARN', () => {
    const statements = new BucketEncryptionPolicy({ encryption: EncryptionMode.sseS3() }).statementsForBucketArn('arn:aws:s3:::b');
    expect(statements.map((s) => s.toStatementJson().Resource)).toContainEqual(['arn:aws:s3:::b', 'arn:aws:s3:::b/*']);
  });

  test('fails if the bucket is imported (CloudFormation would replace its whole policy)', () => {
    const stack = newStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Existing', 'existing-bucket');
    expect(() => new BucketEncryptionPolicy({ encryption: EncryptionMode.sseS3() }).applyTo(bucket)).toThrow(
      /^BucketEncryptionPolicy\.applyTo: bucket: received imported bucket Stack\/Existing \(statement GuardrailsDenyInsecureTransport could not be added to its policy\); expected a bucket whose policy this app manages .*s3-encryption-migrate CLI/,
    );
  });

  test('fails if an SSE-S3 delivery source is not the ARN of a resource in one account', () => {
    expect(() => new BucketEncryptionPolicy({ encryption: EncryptionMode.sseS3(), sseS3DeliverySourceArns: ['trail/*'] })).toThrow(
      /^BucketEncryptionPolicy: sseS3DeliverySourceArns\[0\]: received "trail\/\*"; expected the ARN \(or ARN pattern\) of an AWS resource in one account, /,
    );
  });

  test('fails if minimumTlsVersion is not allowed', () => {
    expect(() => new BucketEncryptionPolicy({ encryption: EncryptionMode.sseS3(), minimumTlsVersion: 2 })).toThrow(
      /^BucketEncryptionPolicy: minimumTlsVersion: received 2; expected one of 1\.2, 1\.3$/,
    );
  });

  test('keyUsageConditions name the bucket ARN (the Bucket Key context), not the object ARN', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'B');
    const arn = stack.resolve(bucket.bucketArn);
    expect(stack.resolve(BucketEncryptionPolicy.keyUsageConditions(bucket))).toEqual({
      StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com', 'kms:EncryptionContext:aws:s3:arn': arn },
    });
    expect(stack.resolve(BucketEncryptionPolicy.keyUsageConditions(bucket, { includeObjectsWithoutBucketKey: true }))).toEqual({
      StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' },
      StringLike: { 'kms:EncryptionContext:aws:s3:arn': [arn, { 'Fn::Join': ['', [arn, '/*']] }] },
    });
  });
});
