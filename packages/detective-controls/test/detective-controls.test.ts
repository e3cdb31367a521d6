import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as config from 'aws-cdk-lib/aws-config';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DetectiveControls } from '../lib';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';

function newStack(): Stack {
  return new Stack(new App(), 'TestStack', { env: { account: ACCOUNT, region: REGION } });
}

function ruleIdentifiers(template: Template): string[] {
  return Object.values(template.findResources('AWS::Config::ConfigRule')).map((r: any) => r.Properties.Source.SourceIdentifier);
}

const REGIONAL_RULES = [
  'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED',
  'S3_BUCKET_SSL_REQUESTS_ONLY',
  'S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED',
  'CMK_BACKING_KEY_ROTATION_ENABLED',
  'CLOUDWATCH_LOG_GROUP_ENCRYPTED',
  'SECRETSMANAGER_ROTATION_ENABLED_CHECK',
  'SECRETSMANAGER_SCHEDULED_ROTATION_SUCCESS_CHECK',
  // what no SCP can refuse (no encryption condition key on the create calls)
  'RDS_STORAGE_ENCRYPTED',
  'RDS_SNAPSHOT_ENCRYPTED',
  'ELASTICACHE_REPL_GRP_ENCRYPTED_AT_REST',
  'REDSHIFT_CLUSTER_KMS_ENABLED',
  'OPENSEARCH_ENCRYPTED_AT_REST',
  'CLOUD_TRAIL_ENABLED',
  'CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED',
  'CLOUD_TRAIL_ENCRYPTION_ENABLED',
];
const GLOBAL_RULES = ['IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS', 'IAM_POLICY_NO_STATEMENTS_WITH_FULL_ACCESS', 'ROOT_ACCOUNT_MFA_ENABLED'];

describe('AWS Config recorder and delivery channel', () => {
  test('by default records all supported resources, including global ones, into a created bucket', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new DetectiveControls(stack, 'Detective');

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Config::ConfigurationRecorder', 1);
    template.hasResourceProperties('AWS::Config::ConfigurationRecorder', {
      RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: true },
      RoleARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DetectiveRecorderRole'), 'Arn'] },
    });
    template.resourceCountIs('AWS::Config::DeliveryChannel', 1);
    template.hasResourceProperties('AWS::Config::DeliveryChannel', {
      S3BucketName: { Ref: Match.stringLikeRegexp('^DetectiveConfigBucket') },
      ConfigSnapshotDeliveryProperties: { DeliveryFrequency: 'TwentyFour_Hours' },
    });
  });

  test('the created bucket is encrypted, versioned, blocks all public access and is retained', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new DetectiveControls(stack, 'Detective');

    // THEN
    Template.fromStack(stack).hasResource('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('the created bucket honours removalPolicy', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new DetectiveControls(stack, 'Detective', { removalPolicy: RemovalPolicy.DESTROY });

    // THEN
    Template.fromStack(stack).hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
  });

  test('the created bucket denies non-TLS requests and TLS below 1.2', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new DetectiveControls(stack, 'Detective');

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        ]),
      },
    });
  });

  test('a permissions boundary applied to the whole stack (boundary.applyTo(this), as the READMEs show) skips the recorder role, which is tagged guardrails:protected instead', () => {
    // GIVEN a boundary on every role of the stack (aws-cdk-lib's mechanism, which PermissionsBoundary.applyTo uses)
    const stack = newStack();
    const boundary = new iam.ManagedPolicy(stack, 'Boundary', { statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })] });
    iam.PermissionsBoundary.of(stack).apply(boundary);
    const other = new iam.Role(stack, 'WorkloadRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

    // WHEN
    const detective = new DetectiveControls(stack, 'Detective');

    // THEN: the recorder keeps every read AWS_ConfigRole gives it; the workload role is bounded
    const roles = Template.fromStack(stack).findResources('AWS::IAM::Role');
    const recorderId = stack.getLogicalId(detective.recorderRole!.node.defaultChild as iam.CfnRole);
    expect(roles[recorderId].Properties.PermissionsBoundary).toBeUndefined();
    expect(roles[recorderId].Properties.Tags).toEqual([{ Key: 'guardrails:protected', Value: 'true' }]);
    expect(roles[stack.getLogicalId(other.node.defaultChild as iam.CfnRole)].Properties.PermissionsBoundary).toEqual({
      Ref: stack.getLogicalId(boundary.node.defaultChild as iam.CfnManagedPolicy),
    });
    // ...and the opt-out is recorded the way @cdk-guardrails/iam-least-privilege's RequirePermissionsBoundary reads it.
    expect(detective.recorderRole!.node.metadata.map((m) => m.type)).toContain('cdk-guardrails:permissions-boundary-opt-out');
  });

  test('the recorder role trusts AWS Config of this account only and uses AWS_ConfigRole', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new DetectiveControls(stack, 'Detective');

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'config.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
          },
        ],
      },
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWS_ConfigRole']] }],
    });
  });

  test('the delivery channel is created after the recorder, and rules after both', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new DetectiveControls(stack, 'Detective');

    // THEN
    const template = Template.fromStack(stack);
    const [recorderId] = Object.keys(template.findResources('AWS::Config::ConfigurationRecorder'));
    const [channelId] = Object.keys(template.findResources('AWS::Config::DeliveryChannel'));
    template.hasResource('AWS::Config::DeliveryChannel', { DependsOn: Match.arrayWith([recorderId]) });
    for (const rule of Object.values(template.findResources('AWS::Config::ConfigRule'))) {
      expect(rule.DependsOn).toEqual(expect.arrayContaining([recorderId, channelId]));
    }
  });

  test('a given bucket is used and no bucket is created', () => {
    // GIVEN
    const stack = newStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Central', 'central-config-bucket');

    // WHEN
    const controls = new DetectiveControls(stack, 'Detective', { configDeliveryBucket: bucket });

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::Bucket', 0);
    template.hasResourceProperties('AWS::Config::DeliveryChannel', { S3BucketName: 'central-config-bucket' });
    expect(controls.configBucket).toBe(bucket);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['s3:PutObject']),
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::central-config-bucket/AWSLogs/${ACCOUNT}/Config/*`]] },
          }),
        ]),
      },
    });
  });

  test('a KMS key encrypts the created bucket and the delivered objects', () => {
    // GIVEN
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'Key', `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`);

    // WHEN
    new DetectiveControls(stack, 'Detective', { configDeliveryKey: key });

    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key.keyArn },
          },
        ],
      },
    });
    template.hasResourceProperties('AWS::Config::DeliveryChannel', { S3KmsKeyArn: key.keyArn });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['kms:GenerateDataKey*']), Resource: key.keyArn })]),
      },
    });
  });

  test('a prefix is passed to the channel and to the delivery permissions', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new DetectiveControls(stack, 'Detective', { configDeliveryPrefix: 'config/prod' });

    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Config::DeliveryChannel', { S3KeyPrefix: 'config/prod' });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AWSConfigBucketDelivery',
            Resource: { 'Fn::Join': ['', [Match.anyValue(), `/config/prod/AWSLogs/${ACCOUNT}/Config/*`]] },
          }),
        ]),
      },
    });
  });

  test('switched off: no recorder, channel, bucket or role; the rules use the existing recorder', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    const controls = new DetectiveControls(stack, 'Detective', { enableConfigRecorder: false });

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Config::ConfigurationRecorder', 0);
    template.resourceCountIs('AWS::Config::DeliveryChannel', 0);
    template.resourceCountIs('AWS::S3::Bucket', 0);
    template.resourceCountIs('AWS::IAM::Role', 0);
    expect(controls.configRecorder).toBeUndefined();
    expect(ruleIdentifiers(template).sort()).toEqual([...REGIONAL_RULES, ...GLOBAL_RULES].sort());
    for (const rule of Object.values(template.findResources('AWS::Config::ConfigRule'))) {
      expect(rule.DependsOn).toBeUndefined();
    }
  });
});

describe('AWS Config managed rules', () => {
  test.each([...REGIONAL_RULES, ...GLOBAL_RULES])('deploys %s by default', (identifier) => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new DetectiveControls(stack, 'Detective');

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::Config::ConfigRule', {
      Source: { Owner: 'AWS', SourceIdentifier: identifier },
    });
  });

  test('change-triggered rules are scoped to their resource type; periodic rules run every 24 hours', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new DetectiveControls(stack, 'Detective');

    // THEN
    const template = Template.fromStack(stack);
    const scopes: Record<string, string[]> = {
      S3_BUCKET_SSL_REQUESTS_ONLY: ['AWS::S3::Bucket'],
      SECRETSMANAGER_ROTATION_ENABLED_CHECK: ['AWS::SecretsManager::Secret'],
      IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS: ['AWS::IAM::Policy'],
    };
    for (const [identifier, types] of Object.entries(scopes)) {
      template.hasResourceProperties('AWS::Config::ConfigRule', {
        Source: { SourceIdentifier: identifier },
        Scope: { ComplianceResourceTypes: types },
        MaximumExecutionFrequency: Match.absent(),
      });
    }
    for (const identifier of ['CMK_BACKING_KEY_ROTATION_ENABLED', 'CLOUD_TRAIL_ENABLED', 'ROOT_ACCOUNT_MFA_ENABLED']) {
      template.hasResourceProperties('AWS::Config::ConfigRule', {
        Source: { SourceIdentifier: identifier },
        Scope: Match.absent(),
        MaximumExecutionFrequency: 'TwentyFour_Hours',
      });
    }
  });

  test('periodicRuleFrequency applies to the periodic rules', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new DetectiveControls(stack, 'Detective', { periodicRuleFrequency: config.MaximumExecutionFrequency.SIX_HOURS });

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::Config::ConfigRule', {
      Source: { SourceIdentifier: 'CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED' },
      MaximumExecutionFrequency: 'Six_Hours',
    });
  });

  test('without global resources: not recorded and no IAM or root rules', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new DetectiveControls(stack, 'Detective', { includeGlobalResources: false });

    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Config::ConfigurationRecorder', {
      RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: false },
    });
    expect(ruleIdentifiers(template).sort()).toEqual([...REGIONAL_RULES].sort());
  });

  test('requireS3KmsEncryption adds S3_DEFAULT_ENCRYPTION_KMS (absent by default)', () => {
    // GIVEN
    const withKms = newStack();
    const without = newStack();

    // WHEN (the created Config bucket must pass the rule too: it gets the delivery key)
    new DetectiveControls(withKms, 'Detective', { requireS3KmsEncryption: true, configDeliveryKey: new kms.Key(withKms, 'Key', { enableKeyRotation: true }) });
    new DetectiveControls(without, 'Detective');

    // THEN
    expect(ruleIdentifiers(Template.fromStack(withKms))).toContain('S3_DEFAULT_ENCRYPTION_KMS');
    expect(ruleIdentifiers(Template.fromStack(without))).not.toContain('S3_DEFAULT_ENCRYPTION_KMS');
    Template.fromStack(withKms).hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' }, BucketKeyEnabled: true }] },
    });
  });

  test('requireS3KmsEncryption without a delivery key or bucket fails: the SSE-S3 Config bucket created here would fail the rule beside it', () => {
    const stack = newStack();
    expect(() => new DetectiveControls(stack, 'Detective', { requireS3KmsEncryption: true })).toThrow(
      /^TestStack\/Detective: configDeliveryKey: received undefined with requireS3KmsEncryption true; expected the KMS key AWS Config delivers with\. The Config bucket/,
    );
    // checked before anything is created
    expect(stack.node.findChild('Detective').node.children).toHaveLength(0);
    // The recorder off, or a bucket of one's own: nothing created here to fail the rule.
    expect(() => new DetectiveControls(newStack(), 'Off', { requireS3KmsEncryption: true, enableConfigRecorder: false })).not.toThrow();
  });

  test('maxSecretRotationInterval sets the rotation rule parameter', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new DetectiveControls(stack, 'Detective', { maxSecretRotationInterval: Duration.days(30) });

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::Config::ConfigRule', {
      Source: { SourceIdentifier: 'SECRETSMANAGER_ROTATION_ENABLED_CHECK' },
      InputParameters: { maximumAllowedRotationFrequency: 30 },
    });
  });

  test('excludedRules leaves the named rules out', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new DetectiveControls(stack, 'Detective', { excludedRules: ['IAM_POLICY_NO_STATEMENTS_WITH_FULL_ACCESS', 'SECRETSMANAGER_ROTATION_ENABLED_CHECK'] });

    // THEN
    const identifiers = ruleIdentifiers(Template.fromStack(stack));
    expect(identifiers).not.toContain('IAM_POLICY_NO_STATEMENTS_WITH_FULL_ACCESS');
    expect(identifiers).not.toContain('SECRETSMANAGER_ROTATION_ENABLED_CHECK');
    expect(identifiers).toHaveLength(REGIONAL_RULES.length + GLOBAL_RULES.length - 2);
  });

  test('switched off: no rules', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    const controls = new DetectiveControls(stack, 'Detective', { enableConfigRules: false });

    // THEN
    Template.fromStack(stack).resourceCountIs('AWS::Config::ConfigRule', 0);
    expect(controls.rules).toEqual([]);
  });
});

describe('IAM Access Analyzer', () => {
  test('an account analyzer by default', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new DetectiveControls(stack, 'Detective');

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::AccessAnalyzer::Analyzer', { Type: 'ACCOUNT' });
  });

  test('an organization analyzer when an organization id is given', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new DetectiveControls(stack, 'Detective', { organizationId: 'o-abcdef1234', analyzerName: 'org-analyzer' });

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::AccessAnalyzer::Analyzer', { Type: 'ORGANIZATION', AnalyzerName: 'org-analyzer' });
  });

  test('switched off: no analyzer', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new DetectiveControls(stack, 'Detective', { enableAccessAnalyzer: false });

    // THEN
    Template.fromStack(stack).resourceCountIs('AWS::AccessAnalyzer::Analyzer', 0);
  });
});

describe('everything off', () => {
  test('creates nothing', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new DetectiveControls(stack, 'Detective', {
      enableConfigRecorder: false,
      enableConfigRules: false,
      enableGuardDuty: false,
      enableAccessAnalyzer: false,
    });

    // THEN
    expect(Object.keys(Template.fromStack(stack).toJSON().Resources ?? {})).toEqual([]);
  });
});

describe('validation', () => {
  test.each([
    ['configDeliveryBucket', (s: Stack) => ({ configDeliveryBucket: s3.Bucket.fromBucketName(s, 'B', 'some-bucket') })],
    [
      'configDeliveryKey',
      (s: Stack) => ({ configDeliveryKey: kms.Key.fromKeyArn(s, 'K', `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`) }),
    ],
    ['configDeliveryPrefix', () => ({ configDeliveryPrefix: 'x' })],
  ])('fails if %s is given with the recorder switched off', (name, props) => {
    // GIVEN
    const stack = newStack();

    // WHEN / THEN
    expect(() => new DetectiveControls(stack, 'Detective', { enableConfigRecorder: false, ...props(stack) })).toThrow(
      new RegExp(`^TestStack/Detective: ${name}: received a value with enableConfigRecorder false; expected ${name} only with enableConfigRecorder true`),
    );
  });

  test.each(['/x', 'x/', 'a b', 'AWSLogs', 'x/AWSLogs/y'])("fails if configDeliveryPrefix is '%s'", (prefix) => {
    // GIVEN
    const stack = newStack();

    // WHEN / THEN
    expect(() => new DetectiveControls(stack, 'Detective', { configDeliveryPrefix: prefix })).toThrow(
      /^TestStack\/Detective: configDeliveryPrefix: received '.*'; expected S3-safe characters/,
    );
  });

  test.each(['o-short', 'O-ABCDEF1234', 'r-abcdef1234', '123456789012'])("fails if organizationId is '%s'", (orgId) => {
    // GIVEN
    const stack = newStack();

    // WHEN / THEN
    expect(() => new DetectiveControls(stack, 'Detective', { organizationId: orgId })).toThrow(
      /^TestStack\/Detective: organizationId: received '.*'; expected an AWS Organizations id/,
    );
  });

  test('fails if organizationId is given with the analyzer switched off', () => {
    // GIVEN
    const stack = newStack();

    // WHEN / THEN
    expect(() => new DetectiveControls(stack, 'Detective', { organizationId: 'o-abcdef1234', enableAccessAnalyzer: false })).toThrow(
      /^TestStack\/Detective: organizationId: received 'o-abcdef1234' with enableAccessAnalyzer false; expected organizationId only with the access analyzer/,
    );
  });

  test('fails if analyzerName has invalid characters', () => {
    // GIVEN
    const stack = newStack();

    // WHEN / THEN
    expect(() => new DetectiveControls(stack, 'Detective', { analyzerName: '1 bad' })).toThrow(
      /^TestStack\/Detective: analyzerName: received '1 bad'; expected a letter/,
    );
  });

  test.each([Duration.days(0), Duration.days(1001), Duration.hours(25)])('fails if maxSecretRotationInterval is %s', (interval) => {
    // GIVEN
    const stack = newStack();

    // WHEN / THEN
    expect(() => new DetectiveControls(stack, 'Detective', { maxSecretRotationInterval: interval })).toThrow(
      /^TestStack\/Detective: maxSecretRotationInterval: received .*; expected whole days from 1 to 1000/,
    );
  });

  test("fails if an excluded rule is not one of the construct's rules", () => {
    // GIVEN
    const stack = newStack();

    // WHEN / THEN
    expect(() => new DetectiveControls(stack, 'Detective', { excludedRules: ['S3_BUCKET_VERSIONING_ENABLED'] })).toThrow(
      /^TestStack\/Detective: excludedRules: received 'S3_BUCKET_VERSIONING_ENABLED'; expected rules of this construct: S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED/,
    );
  });

  test('fails if excludedRules is given with the rules switched off', () => {
    // GIVEN
    const stack = newStack();

    // WHEN / THEN
    expect(() => new DetectiveControls(stack, 'Detective', { enableConfigRules: false, excludedRules: ['ROOT_ACCOUNT_MFA_ENABLED'] })).toThrow(
      /^TestStack\/Detective: excludedRules: received a list with enableConfigRules false; expected excludedRules only with enableConfigRules true/,
    );
  });
});
