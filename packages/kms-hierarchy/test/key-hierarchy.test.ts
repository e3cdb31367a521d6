import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { KeyHierarchy, KeyPolicyStatements, KeyPurpose, KeySource } from '../lib';
import { ACCOUNT, KEY_ARN, KEY_ID, REGION, keyResource, newStack, resolvedKeyPolicy, statementBySid } from './helpers';

const EXEC_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}`;
const CRYPTO_ACTIONS = /^kms:(Encrypt|Decrypt|ReEncrypt|GenerateDataKey|CreateGrant|Sign|Verify|GenerateMac|\*)/;

describe('created keys', () => {
  test('creates a data, a secrets and a logs key with rotation on, 365 days, retained, with aliases', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new KeyHierarchy(stack, 'Keys');

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KMS::Key', 3);
    template.allResources('AWS::KMS::Key', {
      Properties: Match.objectLike({ EnableKeyRotation: true, RotationPeriodInDays: 365 }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    for (const alias of ['alias/guardrails/data', 'alias/guardrails/secrets', 'alias/guardrails/logs']) {
      template.hasResourceProperties('AWS::KMS::Alias', { AliasName: alias });
    }
  });

  test('every created key has rotation enabled, whatever the sources', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new KeyHierarchy(stack, 'Keys', { secretsKey: KeySource.fromKeyArn(KEY_ARN), rotationPeriod: Duration.days(180) });

    // THEN
    const keys = Template.fromStack(stack).findResources('AWS::KMS::Key');
    expect(Object.keys(keys)).toHaveLength(2);
    for (const key of Object.values(keys)) {
      expect(key.Properties.EnableKeyRotation).toBe(true);
      expect(key.Properties.RotationPeriodInDays).toBe(180);
    }
  });

  test.each([90, 2560])('accepts a rotation period of %d days', (days) => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new KeyHierarchy(stack, 'Keys', { rotationPeriod: Duration.days(days) });

    // THEN
    Template.fromStack(stack).allResourcesProperties('AWS::KMS::Key', { RotationPeriodInDays: days });
  });

  test('alias prefix and removal policy are honoured', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new KeyHierarchy(stack, 'Keys', { aliasPrefix: 'acme/prod', removalPolicy: RemovalPolicy.DESTROY });

    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/acme/prod/logs' });
    template.allResources('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
  });

  test('exposes the keys by property and by purpose', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    const keys = new KeyHierarchy(stack, 'Keys');

    // THEN
    expect(keys.keyFor(KeyPurpose.DATA)).toBe(keys.dataKey);
    expect(keys.keyFor(KeyPurpose.SECRETS)).toBe(keys.secretsKey);
    expect(keys.keyFor(KeyPurpose.LOGS)).toBe(keys.logsKey);
    expect(keys.isImported(KeyPurpose.DATA)).toBe(false);
  });

  test('works in an environment-agnostic stack', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Agnostic');

    // WHEN
    new KeyHierarchy(stack, 'Keys');

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'UseThroughAwsServicesOfThisAccount',
            Condition: { StringEquals: { 'kms:CallerAccount': { Ref: 'AWS::AccountId' }, 'kms:ViaService': Match.anyValue() } },
          }),
        ]),
      },
    });
  });
});

describe('key policies', () => {
  test('administration is separated from use: administrators get no cryptographic action', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new KeyHierarchy(stack, 'Keys');

    // THEN
    for (const word of ['Data', 'Secrets', 'Logs'] as const) {
      const admin = statementBySid(resolvedKeyPolicy(stack, word), 'KeyAdministration');
      expect(admin.Principal).toEqual({ AWS: `arn:aws:iam::${ACCOUNT}:root` });
      expect(admin.Condition).toBeUndefined();
      expect(admin.Action).toEqual(expect.arrayContaining(['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:RotateKeyOnDemand']));
      // Every action is named: an action KMS adds later is never granted without a review.
      expect((admin.Action as string[]).filter((a) => a.includes('*'))).toEqual([]);
      expect((admin.Action as string[]).filter((a) => CRYPTO_ACTIONS.test(a) || a === 'kms:Create*')).toEqual([]);
    }
  });

  test('no statement allows kms:* (no aws-cdk-lib default statement)', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new KeyHierarchy(stack, 'Keys');

    // THEN
    const keys = Template.fromStack(stack).findResources('AWS::KMS::Key');
    for (const key of Object.values(keys)) {
      for (const statement of key.Properties.KeyPolicy.Statement) {
        expect([statement.Action].flat()).not.toContain('kms:*');
      }
      expect(key.Properties.KeyPolicy.Statement.map((s: any) => s.Sid)).toEqual(
        expect.arrayContaining(['KeyAdministration', 'UseThroughAwsServicesOfThisAccount']),
      );
    }
  });

  test.each([
    ['Data', ['s3.eu-west-1.amazonaws.com']],
    ['Secrets', ['secretsmanager.eu-west-1.amazonaws.com']],
    ['Logs', ['kinesis.eu-west-1.amazonaws.com', 'sqs.eu-west-1.amazonaws.com']],
  ] as const)('%s key: account use is scoped with kms:ViaService and kms:CallerAccount', (word, services) => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new KeyHierarchy(stack, 'Keys');

    // THEN
    const use = statementBySid(resolvedKeyPolicy(stack, word), 'UseThroughAwsServicesOfThisAccount');
    expect(use.Principal).toEqual({ AWS: `arn:aws:iam::${ACCOUNT}:root` });
    expect(use.Condition).toEqual({
      StringEquals: { 'kms:ViaService': services, 'kms:CallerAccount': ACCOUNT },
    });
    expect(use.Action).toEqual([
      'kms:Decrypt',
      'kms:Encrypt',
      'kms:ReEncryptFrom',
      'kms:ReEncryptTo',
      'kms:GenerateDataKey',
      'kms:GenerateDataKeyWithoutPlaintext',
      'kms:DescribeKey',
    ]);
  });

  test('logs key: CloudWatch Logs only with the log-group encryption context of this account and region', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new KeyHierarchy(stack, 'Keys');

    // THEN
    const logs = statementBySid(resolvedKeyPolicy(stack, 'Logs'), 'CloudWatchLogsForLogGroupsOfThisAccountAndRegion');
    expect(logs.Principal).toEqual({ Service: `logs.${REGION}.amazonaws.com` });
    expect(logs.Condition).toEqual({
      ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:*` },
    });
  });

  test('data and secrets keys do not trust CloudWatch Logs', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new KeyHierarchy(stack, 'Keys');

    // THEN
    for (const word of ['Data', 'Secrets'] as const) {
      expect(JSON.stringify(resolvedKeyPolicy(stack, word))).not.toContain('logs.');
    }
  });

  test('additional services extend kms:ViaService and allow grants for AWS resources only', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new KeyHierarchy(stack, 'Keys', { additionalDataKeyServices: ['dynamodb', 'rds'] });

    // THEN
    const data = resolvedKeyPolicy(stack, 'Data');
    expect(statementBySid(data, 'UseThroughAwsServicesOfThisAccount').Condition.StringEquals['kms:ViaService']).toEqual([
      's3.eu-west-1.amazonaws.com',
      'dynamodb.eu-west-1.amazonaws.com',
      'rds.eu-west-1.amazonaws.com',
    ]);
    expect(statementBySid(data, 'GrantsForAwsResourcesOfThisAccount').Condition).toEqual({
      StringEquals: {
        'kms:ViaService': ['dynamodb.eu-west-1.amazonaws.com', 'rds.eu-west-1.amazonaws.com'],
        'kms:CallerAccount': ACCOUNT,
      },
      Bool: { 'kms:GrantIsForAWSResource': 'true' },
    });
    expect(statementBySid(resolvedKeyPolicy(stack, 'Secrets'), 'GrantsForAwsResourcesOfThisAccount')).toBeUndefined();
  });

  test('custom administrators replace the account root and a warning reminds of the deployment role', () => {
    // GIVEN
    const stack = newStack();
    const adminArn = `arn:aws:iam::${ACCOUNT}:role/KeyAdmins`;

    // WHEN
    new KeyHierarchy(stack, 'Keys', { administrators: [new iam.ArnPrincipal(adminArn)] });

    // THEN
    expect(statementBySid(resolvedKeyPolicy(stack, 'Data'), 'KeyAdministration').Principal).toEqual({ AWS: adminArn });
    Annotations.fromStack(stack).hasWarning('/TestStack/Keys', Match.stringLikeRegexp('CloudFormation execution role'));
  });

  test('administratorArns: the account root with an aws:PrincipalArn condition administers every created key', () => {
    // GIVEN
    const stack = newStack();
    const arns = [EXEC_ROLE_ARN, `arn:aws:iam::${ACCOUNT}:role/guardrails/key-admin`];

    // WHEN
    new KeyHierarchy(stack, 'Keys', { administratorArns: arns });

    // THEN
    for (const word of ['Data', 'Secrets', 'Logs'] as const) {
      const admin = statementBySid(resolvedKeyPolicy(stack, word), 'KeyAdministration');
      expect(admin.Principal).toEqual({ AWS: `arn:aws:iam::${ACCOUNT}:root` });
      expect(admin.Condition).toEqual({ ArnEquals: { 'aws:PrincipalArn': arns } });
      expect(admin.Action).toEqual(expect.arrayContaining(['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:DisableKeyRotation']));
    }
    // No warning: the execution role is listed.
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('administratorArns without a CDK execution role warns that the deployer may be locked out', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    new KeyHierarchy(stack, 'Keys', { administratorArns: [`arn:aws:iam::${ACCOUNT}:role/key-admin`] });

    // THEN
    Annotations.fromStack(stack).hasWarning('/TestStack/Keys', Match.stringLikeRegexp('administratorArns names no CDK CloudFormation execution role'));
  });

  test('administratorArns accepts a role of the same stack (a token) and an environment-agnostic stack', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Agnostic');
    const role = new iam.Role(stack, 'KeyAdmin', { assumedBy: new iam.AccountRootPrincipal() });

    // WHEN
    new KeyHierarchy(stack, 'Keys', { administratorArns: [role.roleArn, 'arn:aws:iam::123456789012:role/cdk-hnb659fds-cfn-exec-role-123456789012-eu-west-1'] });

    // THEN
    const keys = Object.values(Template.fromStack(stack).findResources('AWS::KMS::Key')) as any[];
    expect(keys).toHaveLength(3);
    for (const key of keys) {
      const admin = key.Properties.KeyPolicy.Statement.find((s: any) => s.Sid === 'KeyAdministration');
      expect(admin.Condition.ArnEquals['aws:PrincipalArn']).toEqual([
        { 'Fn::GetAtt': [stack.getLogicalId(role.node.defaultChild as iam.CfnRole), 'Arn'] },
        'arn:aws:iam::123456789012:role/cdk-hnb659fds-cfn-exec-role-123456789012-eu-west-1',
      ]);
    }
  });

  test('statements added by other constructs land in the key policy', () => {
    // GIVEN
    const stack = newStack();
    const keys = new KeyHierarchy(stack, 'Keys');

    // WHEN
    const result = keys.logsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrail',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );

    // THEN
    expect(result.statementAdded).toBe(true);
    expect(statementBySid(resolvedKeyPolicy(stack, 'Logs'), 'CloudTrail')).toBeDefined();
  });

  test('fails if the key policy may be over the 32 KB limit (counted with every reference at its longest)', () => {
    // GIVEN
    const stack = newStack();
    const keys = new KeyHierarchy(stack, 'Keys');

    // WHEN
    for (let i = 0; i < 200; i++) {
      keys.dataKey.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: `Filler${i}`,
          principals: [new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/some-fairly-long-role-name-number-${i}`)],
          actions: ['kms:Decrypt', 'kms:Encrypt'],
          resources: ['*'],
        }),
      );
    }

    // THEN
    expect(() => Template.fromStack(stack)).toThrow(
      /key policy of the data key would be up to \d+ bytes \(references counted at their longest\); the AWS KMS limit is 32768 bytes/,
    );
  });
});

describe('imported keys', () => {
  test('creates no key when every key is imported', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    const keys = new KeyHierarchy(stack, 'Keys', {
      dataKey: KeySource.fromKeyArn(KEY_ARN),
      secretsKey: KeySource.fromKeyArn(`arn:aws:kms:${REGION}:${ACCOUNT}:key/mrk-0123456789abcdef0123456789abcdef`),
      logsKey: KeySource.fromKeyArn(`arn:aws:kms:${REGION}:${ACCOUNT}:key/${KEY_ID.replace('1234', '9999')}`),
    });

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.resourceCountIs('AWS::KMS::Alias', 0);
    expect(keys.dataKey.keyArn).toBe(KEY_ARN);
    expect(keys.isImported(KeyPurpose.DATA)).toBe(true);
  });

  test('imports only what config says and creates the rest', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    const keys = new KeyHierarchy(stack, 'Keys', { logsKey: KeySource.fromKeyArn(KEY_ARN) });

    // THEN
    Template.fromStack(stack).resourceCountIs('AWS::KMS::Key', 2);
    expect(keys.logsKey.keyArn).toBe(KEY_ARN);
    expect(() => keyResource(stack, 'Logs')).toThrow(/found 0/);
  });

  test('a grant on an imported key changes only the principal policy', () => {
    // GIVEN
    const stack = newStack();
    const keys = new KeyHierarchy(stack, 'Keys', { dataKey: KeySource.fromKeyArn(KEY_ARN) });
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });

    // WHEN
    keys.grantDecrypt(KeyPurpose.DATA, role);

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'kms:Decrypt', Effect: 'Allow', Resource: KEY_ARN }] },
    });
    expect(keys.dataKey.addToResourcePolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: ['*'], principals: [role] })).statementAdded).toBe(
      false,
    );
  });
});

describe('grants on created keys', () => {
  test('grantDecrypt adds the grantee to its policy and to the key policy', () => {
    // GIVEN
    const stack = newStack();
    const keys = new KeyHierarchy(stack, 'Keys');
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });

    // WHEN
    keys.grantDecrypt(KeyPurpose.SECRETS, role);

    // THEN
    const [keyId] = keyResource(stack, 'Secrets');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'kms:Decrypt', Effect: 'Allow', Resource: { 'Fn::GetAtt': [keyId, 'Arn'] } }] },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      Description: Match.stringLikeRegexp('^Secrets'),
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Action: 'kms:Decrypt',
            Effect: 'Allow',
            Principal: { AWS: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Reader'), 'Arn'] } },
            Resource: '*',
          },
        ]),
      },
    });
  });

  test('grantEncrypt and grantEncryptDecrypt grant the encrypt actions', () => {
    // GIVEN
    const stack = newStack();
    const keys = new KeyHierarchy(stack, 'Keys');
    const writer = new iam.Role(stack, 'Writer', { assumedBy: new iam.AccountRootPrincipal() });
    const both = new iam.Role(stack, 'Both', { assumedBy: new iam.AccountRootPrincipal() });

    // WHEN
    keys.grantEncrypt(KeyPurpose.DATA, writer);
    keys.grantEncryptDecrypt(KeyPurpose.DATA, both);

    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['kms:Encrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext'],
            Principal: { AWS: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Writer'), 'Arn'] } },
          }),
          Match.objectLike({
            Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext'],
            Principal: { AWS: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Both'), 'Arn'] } },
          }),
        ]),
      },
    });
  });

  test('fails if the grantee lives in another stack and its ARN is a deploy-time value', () => {
    // GIVEN
    const app = new App();
    const env = { account: ACCOUNT, region: REGION };
    const keyStack = new Stack(app, 'KeyStack', { env });
    const appStack = new Stack(app, 'AppStack', { env });
    const keys = new KeyHierarchy(keyStack, 'Keys');
    const role = new iam.Role(appStack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });

    // WHEN / THEN
    expect(() => keys.grantDecrypt(KeyPurpose.DATA, role)).toThrow(
      /^KeyStack\/Keys: grantee: received 'AppStack\/Reader' of stack 'AppStack' for the data key, whose ARN is known only at deploy time; expected a principal of the key's stack 'KeyStack', or a role imported by its literal ARN \(iam\.Role\.fromRoleArn\)/,
    );
  });

  test.each([
    ['everyone', () => new iam.AnyPrincipal(), "'\\*'"],
    ['an organization', () => new iam.OrganizationPrincipal('o-abcdefghij'), "'\\*'"],
    ['a wildcard ARN', () => new iam.ArnPrincipal(`arn:aws:iam::${ACCOUNT}:role/app-*`), `'arn:aws:iam::${ACCOUNT}:role/app-\\*'`],
  ])('fails if the grantee is %s (a grant names one principal)', (_what, principal, shown) => {
    // GIVEN
    const stack = newStack();
    const keys = new KeyHierarchy(stack, 'Keys');

    // WHEN / THEN
    expect(() => keys.grantDecrypt(KeyPurpose.DATA, principal())).toThrow(
      new RegExp(`^TestStack/Keys: grantee: received a principal matching ${shown} for the data key; expected one exact principal`),
    );
  });

  test('a role of another stack imported by literal ARN can be granted', () => {
    // GIVEN
    const app = new App();
    const env = { account: ACCOUNT, region: REGION };
    const keyStack = new Stack(app, 'KeyStack', { env });
    const appStack = new Stack(app, 'AppStack', { env });
    const keys = new KeyHierarchy(keyStack, 'Keys');
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/reader`;
    const role = iam.Role.fromRoleArn(appStack, 'Reader', roleArn);

    // WHEN
    keys.grantDecrypt(KeyPurpose.DATA, role);

    // THEN
    Template.fromStack(keyStack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([{ Action: 'kms:Decrypt', Effect: 'Allow', Principal: { AWS: roleArn }, Resource: '*' }]) },
    });
  });
});

describe('validation', () => {
  test.each([
    ['not an ARN', 'my-key'],
    ['an alias ARN', `arn:aws:kms:${REGION}:${ACCOUNT}:alias/guardrails/data`],
    ['a key id without ARN', KEY_ID],
    ['an S3 ARN', 'arn:aws:s3:::bucket'],
    ['a key of a partition the project does not support', `arn:aws-iso:kms:us-iso-east-1:${ACCOUNT}:key/${KEY_ID}`],
    ['a key id that is neither a UUID nor a multi-Region id', `arn:aws:kms:${REGION}:${ACCOUNT}:key/not-a-key-id`],
  ])('fails if dataKey is %s', (_what, arn) => {
    // GIVEN
    const stack = newStack();

    // WHEN / THEN
    expect(() => new KeyHierarchy(stack, 'Keys', { dataKey: KeySource.fromKeyArn(arn) })).toThrow(
      new RegExp(
        `^TestStack/Keys: dataKey: received '${arn.replace(/[/.]/g, '\\$&')}'; expected a KMS key ARN, arn:<partition>:kms:<region>:<account-id>:key/<key-id>`,
      ),
    );
  });

  test('fails with a hint if the imported ARN is an alias ARN', () => {
    // GIVEN
    const stack = newStack();

    // WHEN / THEN
    expect(() => new KeyHierarchy(stack, 'Keys', { secretsKey: KeySource.fromKeyArn(`arn:aws:kms:${REGION}:${ACCOUNT}:alias/x`) })).toThrow(
      /^TestStack\/Keys: secretsKey: received .*; expected a KMS key ARN.*\. Alias ARNs are not accepted/,
    );
  });

  test('fails if the imported key is in another region', () => {
    // GIVEN
    const stack = newStack();
    const arn = `arn:aws:kms:us-east-1:${ACCOUNT}:key/${KEY_ID}`;

    // WHEN / THEN
    expect(() => new KeyHierarchy(stack, 'Keys', { logsKey: KeySource.fromKeyArn(arn) })).toThrow(
      /^TestStack\/Keys: logsKey: received key 'arn:aws:kms:us-east-1:111111111111:key\/1234abcd-12ab-34cd-56ef-1234567890ab' of account 111111111111 region us-east-1; expected a key of the stack's account 111111111111 and region eu-west-1/,
    );
  });

  test('fails if the imported key is in another account', () => {
    // GIVEN
    const stack = newStack();
    const arn = `arn:aws:kms:${REGION}:999999999999:key/${KEY_ID}`;

    // WHEN / THEN
    expect(() => new KeyHierarchy(stack, 'Keys', { dataKey: KeySource.fromKeyArn(arn) })).toThrow(
      /^TestStack\/Keys: dataKey: received key .* of account 999999999999 region eu-west-1; expected a key of the stack's account 111111111111/,
    );
  });

  test('accepts an imported key in an environment-agnostic stack', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Agnostic');

    // WHEN
    const keys = new KeyHierarchy(stack, 'Keys', { dataKey: KeySource.fromKeyArn(`arn:aws-us-gov:kms:us-gov-west-1:${ACCOUNT}:key/${KEY_ID}`) });

    // THEN
    expect(keys.isImported(KeyPurpose.DATA)).toBe(true);
  });

  test.each([89, 2561, 0])('fails if rotationPeriod is %d days', (days) => {
    // GIVEN
    const stack = newStack();

    // WHEN / THEN
    expect(() => new KeyHierarchy(stack, 'Keys', { rotationPeriod: Duration.days(days) })).toThrow(
      new RegExp(`^TestStack/Keys: rotationPeriod: received ${days} days; expected a whole number of days, 90 to 2560 \\(AWS KMS\\)$`),
    );
  });

  test('fails if rotationPeriod is not a whole number of days', () => {
    // GIVEN
    const stack = newStack();

    // WHEN / THEN
    expect(() => new KeyHierarchy(stack, 'Keys', { rotationPeriod: Duration.hours(24 * 100 + 1) })).toThrow(
      /^TestStack\/Keys: rotationPeriod: received 100 days 1 hour; expected a whole number of days, 90 to 2560/,
    );
  });

  test.each(['alias/x', '/x', 'x/', 'a b', 'aws', 'aws/custom', 'x!'])("fails if aliasPrefix is '%s'", (prefix) => {
    // GIVEN
    const stack = newStack();

    // WHEN / THEN
    expect(() => new KeyHierarchy(stack, 'Keys', { aliasPrefix: prefix })).toThrow(/^TestStack\/Keys: aliasPrefix: received '.*'; expected /);
  });

  test.each(['', 'dynamodb.eu-west-1.amazonaws.com', 'S3'])("fails if an additional service is '%s'", (service) => {
    // GIVEN
    const stack = newStack();

    // WHEN / THEN
    expect(() => new KeyHierarchy(stack, 'Keys', { additionalLogsKeyServices: [service] })).toThrow(
      /^TestStack\/Keys: additionalLogsKeyServices: received '.*'; expected a service endpoint prefix only/,
    );
  });

  test('fails if administrators is empty', () => {
    // GIVEN
    const stack = newStack();

    // WHEN / THEN
    expect(() => new KeyHierarchy(stack, 'Keys', { administrators: [] })).toThrow(
      /^TestStack\/Keys: administrators: received an empty list; expected at least one principal/,
    );
  });

  test('fails if administratorArns is empty', () => {
    // GIVEN
    const stack = newStack();

    // WHEN / THEN
    expect(() => new KeyHierarchy(stack, 'Keys', { administratorArns: [] })).toThrow(
      /^TestStack\/Keys: administratorArns: received an empty list; expected at least one IAM role or user ARN/,
    );
  });

  test.each([
    ['a wildcard', `arn:aws:iam::${ACCOUNT}:role/key-admin-*`],
    ['a ? wildcard', `arn:aws:iam::${ACCOUNT}:role/key-admin-?`],
    ['the account root', `arn:aws:iam::${ACCOUNT}:root`],
    ['an assumed-role session', `arn:aws:sts::${ACCOUNT}:assumed-role/key-admin/alice`],
    ['a group', `arn:aws:iam::${ACCOUNT}:group/admins`],
    ['a synthesizer placeholder', 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-cfn-exec-role-${AWS::AccountId}-${AWS::Region}'],
    ['a bare role name', 'key-admin'],
  ])('fails if administratorArns holds %s', (_what, arn) => {
    // GIVEN
    const stack = newStack();

    // WHEN / THEN
    expect(() => new KeyHierarchy(stack, 'Keys', { administratorArns: [EXEC_ROLE_ARN, arn] })).toThrow(
      new RegExp(`^TestStack/Keys: administratorArns: received '${arn.replace(/[/.*?${}:]/g, '\\$&')}'; expected an exact IAM role or user ARN`),
    );
  });

  test('fails if an administratorArns role is in another account', () => {
    // GIVEN
    const stack = newStack();

    // WHEN / THEN
    expect(() => new KeyHierarchy(stack, 'Keys', { administratorArns: ['arn:aws:iam::999999999999:role/key-admin'] })).toThrow(
      /^TestStack\/Keys: administratorArns: received 'arn:aws:iam::999999999999:role\/key-admin' of account 999999999999; expected a role or user of the stack's account 111111111111/,
    );
  });

  test('fails if administrators and administratorArns are both given', () => {
    // GIVEN
    const stack = newStack();

    // WHEN / THEN
    expect(
      () =>
        new KeyHierarchy(stack, 'Keys', {
          administrators: [new iam.ArnPrincipal(EXEC_ROLE_ARN)],
          administratorArns: [EXEC_ROLE_ARN],
        }),
    ).toThrow(
      /^TestStack\/Keys: administratorArns: received 1 ARN\(s\) together with administrators; expected only one of administrators and administratorArns/,
    );
  });

  test('fails before creating anything', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    expect(() => new KeyHierarchy(stack, 'Keys', { logsKey: KeySource.fromKeyArn('bad') })).toThrow(/logsKey/);

    // THEN
    expect(stack.node.tryFindChild('Keys')?.node.children ?? []).toHaveLength(0);
  });
});

describe('KeyPolicyStatements', () => {
  test('administratorActions are the hierarchy admin statement actions: management only, no use and no CreateGrant; a new array each call', () => {
    const actions = KeyPolicyStatements.administratorActions();
    expect(actions).toContain('kms:PutKeyPolicy');
    expect(actions.filter((a) => /kms:(Decrypt|Encrypt|GenerateDataKey|ReEncrypt|CreateGrant)/.test(a) || a.includes('*'))).toEqual([]);
    actions.push('kms:Decrypt');
    expect(KeyPolicyStatements.administratorActions()).not.toContain('kms:Decrypt');
  });
});
