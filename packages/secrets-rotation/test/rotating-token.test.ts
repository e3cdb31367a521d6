import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { RotatingApiKey, RotatingServiceToken, RotatingTokenProps, RotationLimits } from '../lib';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const HOOK_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:register-key`;
const HOOK_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/register-key`;

type TokenConstruct = RotatingApiKey | RotatingServiceToken;
type TokenClass = new (scope: Construct, id: string, props: RotatingTokenProps) => TokenConstruct;

interface Fixture {
  stack: Stack;
  key: kms.Key;
}

function fixture(): Fixture {
  const app = new App();
  const stack = new Stack(app, 'Workload', { env: { account: ACCOUNT, region: REGION } });
  return { stack, key: new kms.Key(stack, 'SecretsKey') };
}

function hook(stack: Stack): lambda.IFunction {
  return lambda.Function.fromFunctionAttributes(stack, 'Hook', {
    functionArn: HOOK_ARN,
    role: iam.Role.fromRoleArn(stack, 'HookRole', HOOK_ROLE_ARN),
    sameEnvironment: true,
  });
}

function logicalId(stack: Stack, construct: Construct): string {
  return stack.getLogicalId(construct.node.defaultChild as any);
}

/** The statements of the rotation function's role policies. */
function rotationRoleStatements(stack: Stack, token: TokenConstruct): any[] {
  const roleId = logicalId(stack, (token.rotationFunction as lambda.Function).role as iam.Role);
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } });
  return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe.each<[string, TokenClass, string, number]>([
  ['RotatingApiKey', RotatingApiKey, 'apiKey', 40],
  ['RotatingServiceToken', RotatingServiceToken, 'token', 64],
])('%s', (_name, TokenClass, field, defaultLength) => {
  test('the secret is generated (letters and digits), encrypted with the given key and retained', () => {
    // GIVEN
    const f = fixture();
    // WHEN
    new TokenClass(f.stack, 'Partner', { encryptionKey: f.key });
    // THEN
    const template = Template.fromStack(f.stack);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      KmsKeyId: { 'Fn::GetAtt': [logicalId(f.stack, f.key), 'Arn'] },
      GenerateSecretString: {
        GenerateStringKey: field,
        PasswordLength: defaultLength,
        ExcludePunctuation: true,
        IncludeSpace: false,
        SecretStringTemplate: '{}',
      },
    });
    template.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  test('rotates every 90 days by default with the shipped rotation function', () => {
    const f = fixture();
    const token = new TokenClass(f.stack, 'Partner', { encryptionKey: f.key });
    const template = Template.fromStack(f.stack);
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      RotationRules: { ScheduleExpression: 'rate(90 days)' },
      RotationLambdaARN: { 'Fn::GetAtt': [logicalId(f.stack, token.rotationFunction), 'Arn'] },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Runtime: 'nodejs24.x',
      ReservedConcurrentExecutions: 1,
      Environment: { Variables: { VALUE_FIELD: field, VALUE_LENGTH: String(defaultLength), HOOK_FUNCTION_ARN: Match.absent() } },
      LoggingConfig: { LogGroup: { Ref: logicalId(f.stack, token.logGroup) } },
    });
  });

  test('takes the rotation interval from props', () => {
    const f = fixture();
    new TokenClass(f.stack, 'Partner', { encryptionKey: f.key, rotationInterval: Duration.days(30) });
    Template.fromStack(f.stack).hasResourceProperties('AWS::SecretsManager::RotationSchedule', { RotationRules: { ScheduleExpression: 'rate(30 days)' } });
  });

  test('the rotation function logs to its own log group with retention, kept on delete', () => {
    const f = fixture();
    new TokenClass(f.stack, 'Partner', { encryptionKey: f.key, logRetention: logs.RetentionDays.TEN_YEARS });
    const template = Template.fromStack(f.stack);
    template.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 3653 }, DeletionPolicy: 'Retain' });
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
  });

  test('the rotation role is least privilege: this secret only, GetRandomPassword alone on *, its own log group, no managed policy', () => {
    const f = fixture();
    const token = new TokenClass(f.stack, 'Partner', { encryptionKey: f.key });
    const secretRef = { Ref: logicalId(f.stack, token.secret) };
    const statements = rotationRoleStatements(f.stack, token);
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Action: [
            'secretsmanager:DescribeSecret',
            'secretsmanager:GetSecretValue',
            'secretsmanager:PutSecretValue',
            'secretsmanager:UpdateSecretVersionStage',
          ],
          Resource: secretRef,
        }),
        expect.objectContaining({ Action: 'secretsmanager:GetRandomPassword', Resource: '*' }),
        expect.objectContaining({
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': [logicalId(f.stack, token.logGroup), 'Arn'] },
        }),
        expect.objectContaining({
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Resource: { 'Fn::GetAtt': [logicalId(f.stack, f.key), 'Arn'] },
          Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com` } },
        }),
      ]),
    );
    // Nothing else may use a wildcard resource.
    const wildcard = statements.filter((s) => s.Resource === '*').map((s) => s.Action);
    expect(wildcard).toEqual(['secretsmanager:GetRandomPassword']);
    expect(statements).toHaveLength(4);
    const roleId = logicalId(f.stack, (token.rotationFunction as lambda.Function).role as iam.Role);
    expect(Template.fromStack(f.stack).toJSON().Resources[roleId].Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('the rotation role may use the key only through Secrets Manager', () => {
    const f = fixture();
    const token = new TokenClass(f.stack, 'Partner', { encryptionKey: f.key });
    const roleId = logicalId(f.stack, (token.rotationFunction as lambda.Function).role as iam.Role);
    Template.fromStack(f.stack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['kms:Decrypt', 'kms:GenerateDataKey*']),
            Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com` } },
            Principal: { AWS: { 'Fn::GetAtt': [roleId, 'Arn'] } },
          }),
        ]),
      },
    });
  });

  test('with an imported key, the rotation role gets the key permissions through Secrets Manager only', () => {
    const f = fixture();
    const keyArn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const token = new TokenClass(f.stack, 'Partner', { encryptionKey: kms.Key.fromKeyArn(f.stack, 'Imported', keyArn) });
    expect(rotationRoleStatements(f.stack, token)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Resource: keyArn,
          Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com` } },
        }),
      ]),
    );
  });

  test('only Secrets Manager of this account may invoke the rotation function', () => {
    const f = fixture();
    const token = new TokenClass(f.stack, 'Partner', { encryptionKey: f.key });
    const template = Template.fromStack(f.stack);
    template.resourceCountIs('AWS::Lambda::Permission', 1);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'secretsmanager.amazonaws.com',
      SourceAccount: ACCOUNT,
      FunctionName: { 'Fn::GetAtt': [logicalId(f.stack, token.rotationFunction), 'Arn'] },
    });
  });

  test('with a hook: the function knows it, may invoke it, and the hook may read the pending value', () => {
    const f = fixture();
    const token = new TokenClass(f.stack, 'Partner', { encryptionKey: f.key, registrationHook: hook(f.stack) });
    const template = Template.fromStack(f.stack);
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { HOOK_FUNCTION_ARN: HOOK_ARN } } });
    expect(rotationRoleStatements(f.stack, token)).toEqual(
      expect.arrayContaining([
        // the unqualified function only: no versions or aliases (:*)
        expect.objectContaining({ Action: 'lambda:InvokeFunction', Resource: HOOK_ARN }),
      ]),
    );
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: ['register-key'],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['secretsmanager:GetSecretValue']),
            Resource: { Ref: logicalId(f.stack, token.secret) },
            Condition: { 'ForAnyValue:StringEquals': { 'secretsmanager:VersionStage': ['AWSPENDING', 'AWSCURRENT'] } },
          }),
        ]),
      },
    });
  });

  test('keeps additional fields in the secret', () => {
    const f = fixture();
    new TokenClass(f.stack, 'Partner', { encryptionKey: f.key, additionalFields: { clientId: 'partner-42' }, valueLength: 48 });
    Template.fromStack(f.stack).hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { SecretStringTemplate: '{"clientId":"partner-42"}', PasswordLength: 48 },
    });
  });

  test('grantRead gives read access and decrypt through Secrets Manager', () => {
    const f = fixture();
    const token = new TokenClass(f.stack, 'Partner', { encryptionKey: f.key });
    const reader = new iam.Role(f.stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    token.grantRead(reader);
    Template.fromStack(f.stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalId(f.stack, reader) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
            Resource: { Ref: logicalId(f.stack, token.secret) },
          }),
        ]),
      },
    });
  });

  test('with an imported key, grantRead and the hook still get kms:Decrypt through Secrets Manager', () => {
    const f = fixture();
    const keyArn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const token = new TokenClass(f.stack, 'Partner', { encryptionKey: kms.Key.fromKeyArn(f.stack, 'Imported', keyArn), registrationHook: hook(f.stack) });
    const reader = new iam.Role(f.stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    token.grantRead(reader);
    const decrypt = Match.objectLike({
      Action: 'kms:Decrypt',
      Resource: keyArn,
      Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com` } },
    });
    const template = Template.fromStack(f.stack);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalId(f.stack, reader) }],
      PolicyDocument: { Statement: Match.arrayWith([decrypt]) },
    });
    template.hasResourceProperties('AWS::IAM::Policy', { Roles: ['register-key'], PolicyDocument: { Statement: Match.arrayWith([decrypt]) } });
  });

  describe('fails on bad input', () => {
    test('fails if encryptionKey is missing', () => {
      const f = fixture();
      expect(() => new TokenClass(f.stack, 'Partner', { encryptionKey: undefined as unknown as kms.IKey })).toThrow(
        /^\S+: encryptionKey: received undefined; expected a customer managed kms.IKey/,
      );
    });

    test('fails if encryptionKey is the AWS managed key', () => {
      const f = fixture();
      const awsManaged = kms.Alias.fromAliasName(f.stack, 'AwsManaged', 'alias/aws/secretsmanager');
      expect(() => new TokenClass(f.stack, 'Partner', { encryptionKey: awsManaged })).toThrow(
        /^\S+: encryptionKey: received the AWS managed key .*; expected a customer managed key/,
      );
    });

    test('fails if encryptionKey is an alias of a customer managed key (it can be re-pointed)', () => {
      const f = fixture();
      const alias = kms.Alias.fromAliasName(f.stack, 'Alias', 'alias/guardrails/secrets');
      expect(() => new TokenClass(f.stack, 'Partner', { encryptionKey: alias })).toThrow(
        /^\S+: encryptionKey: received the alias 'alias\/guardrails\/secrets'; expected a customer managed KMS key, not an alias/,
      );
    });

    test('fails if rotationInterval exceeds the Secrets Manager maximum', () => {
      const f = fixture();
      expect(() => new TokenClass(f.stack, 'Partner', { encryptionKey: f.key, rotationInterval: Duration.days(1200) })).toThrow(
        /^\S+: rotationInterval: received 1200 days; expected between 4 hours and 1000 days/,
      );
    });

    test('fails if rotationInterval exceeds maxRotationInterval (the prod ceiling)', () => {
      const f = fixture();
      expect(
        () =>
          new TokenClass(f.stack, 'Partner', {
            encryptionKey: f.key,
            rotationInterval: Duration.days(120),
            maxRotationInterval: Duration.days(RotationLimits.MAX_API_KEY_DAYS),
          }),
      ).toThrow(/^\S+: rotationInterval: received 120 days; expected at most the configured maximum of 90 days/);
    });

    test('fails if valueLength is too short', () => {
      const f = fixture();
      expect(() => new TokenClass(f.stack, 'Partner', { encryptionKey: f.key, valueLength: 12 })).toThrow(
        /^\S+: valueLength: received 12; expected an integer from 20 to 4096$/,
      );
    });

    test('fails if additionalFields would overwrite the generated value', () => {
      const f = fixture();
      expect(() => new TokenClass(f.stack, 'Partner', { encryptionKey: f.key, additionalFields: { [field]: 'fixed' } })).toThrow(
        new RegExp(`^\\S+: additionalFields: received a field named '${field}'; expected fields other than '${field}'`),
      );
    });

    test('fails if reservedConcurrentExecutions is 0 (the function could never run)', () => {
      const f = fixture();
      expect(() => new TokenClass(f.stack, 'Partner', { encryptionKey: f.key, reservedConcurrentExecutions: 0 })).toThrow(
        /^\S+: reservedConcurrentExecutions: received 0; expected an integer of at least 1$/,
      );
    });
  });
});

describe('RotationLimits', () => {
  test('carries the Secrets Manager limits and the prod ceilings', () => {
    expect(RotationLimits.MIN_INTERVAL_HOURS).toBe(4);
    expect(RotationLimits.MAX_INTERVAL_DAYS).toBe(1000);
    expect(RotationLimits.MAX_DATABASE_DAYS).toBe(30);
    expect(RotationLimits.MAX_API_KEY_DAYS).toBe(90);
    expect(RotationLimits.MAX_SERVICE_TOKEN_DAYS).toBe(90);
    expect(RotationLimits.DEFAULT_DATABASE_DAYS).toBe(30);
    expect(RotationLimits.DEFAULT_TOKEN_DAYS).toBe(90);
  });
});

describe.each<[string, TokenClass]>([
  ['RotatingApiKey', RotatingApiKey],
  ['RotatingServiceToken', RotatingServiceToken],
])('%s names (the boundary protects guardrail functions and log groups by name)', (_name, TokenClass) => {
  test('names the rotation function and its log group as given; the function logs there', () => {
    // GIVEN
    const f = fixture();
    // WHEN
    const token = new TokenClass(f.stack, 'Partner', {
      encryptionKey: f.key,
      rotationFunctionName: 'guardrails-rotate-key-partner',
      rotationLogGroupName: '/guardrails/lambda/guardrails-rotate-key-partner',
      rotationRoleName: 'guardrails-log-writer-rot-0123456789ab',
    });
    // THEN
    const template = Template.fromStack(f.stack);
    // The named role is the function's (the one writer of its log group).
    const roleId = Object.entries<any>(template.toJSON().Resources).find(
      ([, r]) => r.Type === 'AWS::IAM::Role' && r.Properties.RoleName === 'guardrails-log-writer-rot-0123456789ab',
    )![0];
    template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'guardrails-rotate-key-partner', Role: { 'Fn::GetAtt': [roleId, 'Arn'] } });
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/guardrails/lambda/guardrails-rotate-key-partner' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'guardrails-rotate-key-partner',
      LoggingConfig: { LogGroup: { Ref: logicalId(f.stack, token.logGroup) } },
    });
    // The role may write to that log group only.
    expect(rotationRoleStatements(f.stack, token)).toContainEqual(
      expect.objectContaining({
        Sid: 'WriteOwnLogs',
        Resource: { 'Fn::GetAtt': [logicalId(f.stack, token.logGroup as logs.LogGroup), 'Arn'] },
      }),
    );
  });

  test('leaves both names to CloudFormation by default (unchanged behaviour)', () => {
    const f = fixture();
    new TokenClass(f.stack, 'Partner', { encryptionKey: f.key });
    const template = Template.fromStack(f.stack);
    template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: Match.absent() });
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: Match.absent() });
  });

  test.each([
    [
      'rotationFunctionName',
      'guardrails-rotate-key-' + 'x'.repeat(43),
      /rotationFunctionName: received "guardrails-rotate-key-x+" \(65 characters\); expected 1 to 64 .*\(Lambda function name\)/,
    ],
    ['rotationFunctionName', 'guardrails/rotate', /rotationFunctionName: received "guardrails\/rotate".*\(Lambda function name\)/],
    ['rotationLogGroupName', 'aws/lambda/rotate', /rotationLogGroupName: received "aws\/lambda\/rotate".*not starting with 'aws\/' \(log group name\)/],
    ['rotationLogGroupName', '/guardrails/lambda/rotate key', /rotationLogGroupName: received "\/guardrails\/lambda\/rotate key"/],
    ['rotationRoleName', 'rotate role', /rotationRoleName: received "rotate role".*\(IAM role name\)/],
  ])('fails if %s is %j, naming the prop, the value and the rule', (prop, value, message) => {
    const f = fixture();
    expect(() => new TokenClass(f.stack, 'Partner', { encryptionKey: f.key, [prop]: value })).toThrow(message);
  });
});
