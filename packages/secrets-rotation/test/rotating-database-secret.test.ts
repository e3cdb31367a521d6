import { evaluate, resolveIntrinsics } from '@cdk-guardrails/policy-test-kit';
import { App, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { DatabaseEngine, DatabaseRotationStrategy, RotatingDatabaseSecret, RotatingDatabaseSecretProps, RotationLimits } from '../lib';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';

interface Fixture {
  stack: Stack;
  key: kms.Key;
  vpc: ec2.Vpc;
  dbSecurityGroup: ec2.SecurityGroup;
}

function fixture(): Fixture {
  const app = new App();
  const stack = new Stack(app, 'Workload', { env: { account: ACCOUNT, region: REGION } });
  const key = new kms.Key(stack, 'SecretsKey');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const dbSecurityGroup = new ec2.SecurityGroup(stack, 'DbSecurityGroup', { vpc });
  return { stack, key, vpc, dbSecurityGroup };
}

function dbSecret(f: Fixture, overrides: Partial<RotatingDatabaseSecretProps> = {}, id = 'Orders'): RotatingDatabaseSecret {
  return new RotatingDatabaseSecret(f.stack, id, {
    encryptionKey: f.key,
    engine: DatabaseEngine.POSTGRESQL,
    host: 'orders.cluster-abc.eu-west-1.rds.amazonaws.com',
    username: 'orders_app',
    vpc: f.vpc,
    database: f.dbSecurityGroup,
    ...overrides,
  });
}

describe('RotatingDatabaseSecret', () => {
  test('generates the password into a JSON secret with the connection fields, encrypted with the given key', () => {
    // GIVEN
    const f = fixture();
    // WHEN
    dbSecret(f, { databaseName: 'orders' });
    // THEN
    const template = Template.fromStack(f.stack);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      KmsKeyId: { 'Fn::GetAtt': [f.stack.getLogicalId(f.key.node.defaultChild as kms.CfnKey), 'Arn'] },
      GenerateSecretString: {
        GenerateStringKey: 'password',
        PasswordLength: 32,
        SecretStringTemplate: JSON.stringify({
          engine: 'postgres',
          host: 'orders.cluster-abc.eu-west-1.rds.amazonaws.com',
          port: 5432,
          username: 'orders_app',
          dbname: 'orders',
        }),
      },
    });
    template.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  test('rotates every 30 days by default through its own function in the VPC (no hosted rotation, no transform)', () => {
    const f = fixture();
    const db = dbSecret(f);
    const template = Template.fromStack(f.stack);
    const fnId = f.stack.getLogicalId(db.rotationFunction!.node.defaultChild as lambda.CfnFunction);
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
      RotationLambdaARN: { 'Fn::GetAtt': [fnId, 'Arn'] },
      HostedRotationLambda: Match.absent(),
    });
    expect(template.toJSON().Transform).toBeUndefined();
    expect(db.hostedRotation).toBeUndefined();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      ReservedConcurrentExecutions: 1,
      VpcConfig: { SubnetIds: Match.anyValue(), SecurityGroupIds: Match.anyValue() },
      Environment: {
        Variables: {
          ENGINE: 'postgres',
          PASSWORD_LENGTH: '32',
          EXCLUDE_CHARACTERS: ' %+~`#$&*()|[]{}:;<>?!\'/@"\\',
          USERNAME: 'orders_app',
          NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem',
        },
      },
    });
    // Another account's secret cannot use the function (confused deputy).
    template.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'secretsmanager.amazonaws.com', SourceAccount: ACCOUNT });
  });

  test('the function has a role of its own (a boundary applied to the app reaches it): its logs, its network interfaces, this secret and its key through Secrets Manager', () => {
    const f = fixture();
    const db = dbSecret(f, {
      rotationRoleName: 'guardrails-log-writer-rot-orders',
      rotationFunctionName: 'guardrails-rotate-db-orders',
      rotationLogGroupName: '/guardrails/lambda/guardrails-rotate-db-orders',
    });
    const template = Template.fromStack(f.stack);
    template.hasResourceProperties('AWS::IAM::Role', { RoleName: 'guardrails-log-writer-rot-orders', ManagedPolicyArns: Match.absent() });
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'guardrails-rotate-db-orders',
      LoggingConfig: { LogGroup: { Ref: f.stack.getLogicalId(db.rotationLogGroup!.node.defaultChild as logs.CfnLogGroup) } },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/guardrails/lambda/guardrails-rotate-db-orders', RetentionInDays: 365 });
    const statements = Object.values<any>(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
    const actions = statements.flatMap((st) => [].concat(st.Action)).sort();
    expect(actions).toEqual(
      expect.arrayContaining([
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'ec2:CreateNetworkInterface',
        'secretsmanager:GetSecretValue',
        'secretsmanager:PutSecretValue',
        'secretsmanager:UpdateSecretVersionStage',
        'secretsmanager:GetRandomPassword',
      ]),
    );
    expect(actions).not.toContain('*');
  });

  test('multi user: the function may read the superuser secret, and decrypt it through Secrets Manager for that secret only', () => {
    const f = fixture();
    const masterArn = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:rds!db-1234-AbCdEf`;
    dbSecret(f, { rotationStrategy: DatabaseRotationStrategy.multiUser(secretsmanager.Secret.fromSecretCompleteArn(f.stack, 'Master', masterArn)) });
    const template = Template.fromStack(f.stack);
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ MASTER_SECRET_ARN: masterArn }) } });
    const statements = Object.values<any>(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: masterArn }),
        expect.objectContaining({
          Sid: 'DecryptMasterSecretThroughSecretsManager',
          Action: 'kms:Decrypt',
          Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com`, 'kms:EncryptionContext:SecretARN': masterArn } },
        }),
      ]),
    );
  });

  test("multi user: a user name whose clone would pass the engine's limit fails at synth", () => {
    const f = fixture();
    const master = new secretsmanager.Secret(f.stack, 'Master', { encryptionKey: f.key });
    expect(() => dbSecret(f, { engine: DatabaseEngine.MYSQL, username: 'u'.repeat(27), rotationStrategy: DatabaseRotationStrategy.multiUser(master) })).toThrow(
      /username: received 'u{27}' \(27 characters\); expected at most 26 for multi-user rotation on mysql/,
    );
  });

  test('multi user: a user name ending in _clone fails at synth (the rotation would alternate with another user)', () => {
    const f = fixture();
    const master = new secretsmanager.Secret(f.stack, 'Master', { encryptionKey: f.key });
    expect(() => dbSecret(f, { username: 'admin_clone', rotationStrategy: DatabaseRotationStrategy.multiUser(master) })).toThrow(
      /username: received 'admin_clone'; expected a name not ending in _clone for multi-user rotation/,
    );
  });

  test("hosted engines warn that the hosted rotation's role cannot be bounded; ours do not", () => {
    const f = fixture();
    dbSecret(f, { engine: DatabaseEngine.ORACLE });
    new RotatingDatabaseSecret(f.stack, 'Pg', {
      encryptionKey: f.key,
      engine: DatabaseEngine.POSTGRESQL,
      host: 'h',
      username: 'u',
      vpc: f.vpc,
      database: f.dbSecurityGroup,
    });
    Annotations.fromStack(f.stack).hasWarning(
      '/Workload/Orders',
      Match.stringLikeRegexp('hosted rotation of oracle creates its own role, with no permissions boundary'),
    );
    Annotations.fromStack(f.stack).hasNoWarning('/Workload/Pg', Match.stringLikeRegexp('hosted rotation'));
  });

  test.each([
    ['rotationRoleName', 'some-role'],
    ['rotationLogGroupName', '/x/y'],
  ])('hosted engines refuse %s (AWS names them)', (prop, value) => {
    expect(() => dbSecret(fixture(), { engine: DatabaseEngine.SQLSERVER, [prop]: value })).toThrow(
      new RegExp(`${prop}: received '${value.replace('/', '\\/')}'; expected undefined for sqlserver`),
    );
  });

  test('single user: no immediate rotation (the generated password is not on the database yet), and an info says so', () => {
    const f = fixture();
    dbSecret(f);
    Template.fromStack(f.stack).hasResourceProperties('AWS::SecretsManager::RotationSchedule', { RotateImmediatelyOnUpdate: false });
    Annotations.fromStack(f.stack).hasInfo('/Workload/Orders', Match.stringLikeRegexp("set the password of 'orders_app'"));
  });

  test('multi user: rotates immediately, and the choice can be overridden', () => {
    const f = fixture();
    const master = new secretsmanager.Secret(f.stack, 'Master', { encryptionKey: f.key });
    dbSecret(f, { rotationStrategy: DatabaseRotationStrategy.multiUser(master) });
    new RotatingDatabaseSecret(f.stack, 'Reports', {
      encryptionKey: f.key,
      engine: DatabaseEngine.MYSQL,
      host: 'reports.internal',
      username: 'reports',
      vpc: f.vpc,
      rotateImmediatelyOnUpdate: true,
    });
    const schedules = Object.values(Template.fromStack(f.stack).findResources('AWS::SecretsManager::RotationSchedule')).map(
      (r: any) => r.Properties.RotateImmediatelyOnUpdate,
    );
    expect(schedules).toEqual([true, true]);
  });

  test('the database security group admits the rotation function on the database port', () => {
    const f = fixture();
    const secret = dbSecret(f, { port: 6432 });
    const rotationSg = secret.connections.securityGroups[0];
    Template.fromStack(f.stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 6432,
      ToPort: 6432,
      GroupId: { 'Fn::GetAtt': [f.stack.getLogicalId(f.dbSecurityGroup.node.defaultChild as ec2.CfnSecurityGroup), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [f.stack.getLogicalId(rotationSg.node.defaultChild as ec2.CfnSecurityGroup), 'GroupId'] },
    });
  });

  test('warns when no database is given to open the port on', () => {
    const f = fixture();
    dbSecret(f, { database: undefined });
    Annotations.fromStack(f.stack).hasWarning('/Workload/Orders', Match.stringLikeRegexp('allow the rotation function'));
    Template.fromStack(f.stack).resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });

  test('uses the given security groups and subnets for the rotation function', () => {
    const f = fixture();
    const rotationSg = new ec2.SecurityGroup(f.stack, 'RotationSg', { vpc: f.vpc });
    dbSecret(f, { rotationSecurityGroups: [rotationSg], vpcSubnets: { subnetGroupName: 'db' } });
    dbSecret(f, { engine: DatabaseEngine.ORACLE, rotationSecurityGroups: [rotationSg] }, 'Hosted');
    const template = Template.fromStack(f.stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: { SecurityGroupIds: [{ 'Fn::GetAtt': [f.stack.getLogicalId(rotationSg.node.defaultChild as ec2.CfnSecurityGroup), 'GroupId'] }] },
    });
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      HostedRotationLambda: { VpcSecurityGroupIds: { 'Fn::GetAtt': [f.stack.getLogicalId(rotationSg.node.defaultChild as ec2.CfnSecurityGroup), 'GroupId'] } },
    });
  });

  test('multi-user rotation names the master secret in the secret and the rotation', () => {
    const f = fixture();
    const master = new secretsmanager.Secret(f.stack, 'Master', { encryptionKey: f.key });
    dbSecret(f, { engine: DatabaseEngine.MYSQL, rotationStrategy: DatabaseRotationStrategy.multiUser(master) });
    dbSecret(f, { engine: DatabaseEngine.ORACLE, rotationStrategy: DatabaseRotationStrategy.multiUser(master) }, 'Hosted');
    const template = Template.fromStack(f.stack);
    const masterRef = { Ref: f.stack.getLogicalId(master.node.defaultChild as secretsmanager.CfnSecret) };
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ ENGINE: 'mysql', MASTER_SECRET_ARN: masterRef }) },
    });
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      HostedRotationLambda: { RotationType: 'OracleMultiUser', MasterSecretArn: masterRef },
    });
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: {
        SecretStringTemplate: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('"engine":"mysql".*"port":3306.*"masterarn":"'), masterRef])] },
      },
    });
  });

  test.each([
    ['mysql', 3306, DatabaseEngine.MYSQL],
    ['postgres', 5432, DatabaseEngine.POSTGRESQL],
    ['mariadb', 3306, DatabaseEngine.MARIADB],
  ])('engine %s is rotated by our function, default port %d', (engineField, port, engine) => {
    const f = fixture();
    dbSecret(f, { engine });
    const template = Template.fromStack(f.stack);
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ ENGINE: engineField }) } });
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { SecretStringTemplate: Match.stringLikeRegexp(`"engine":"${engineField}".*"port":${port}`) },
    });
    template.resourceCountIs('AWS::Serverless::Application', 0);
  });

  test.each([
    ['oracle', 'OracleSingleUser', 1521, DatabaseEngine.ORACLE],
    ['sqlserver', 'SQLServerSingleUser', 1433, DatabaseEngine.SQLSERVER],
    ['redshift', 'RedshiftSingleUser', 5439, DatabaseEngine.REDSHIFT],
    ['mongo', 'MongoDBSingleUser', 27017, DatabaseEngine.MONGODB],
  ])('engine %s uses hosted rotation %s and default port %d', (engineField, rotationType, port, engine) => {
    const f = fixture();
    dbSecret(f, { engine });
    const template = Template.fromStack(f.stack);
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', { HostedRotationLambda: { RotationType: rotationType } });
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { SecretStringTemplate: Match.stringLikeRegexp(`"engine":"${engineField}".*"port":${port}`) },
    });
    template.resourceCountIs('AWS::Lambda::Function', 0);
  });

  test('accepts a host that is only known at deploy time (a token)', () => {
    const f = fixture();
    dbSecret(f, { host: Fn.importValue('OrdersDbHost') });
    Template.fromStack(f.stack).hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: {
        SecretStringTemplate: { 'Fn::Join': ['', Match.arrayWith([{ 'Fn::ImportValue': 'OrdersDbHost' }])] },
      },
    });
  });

  test('Oracle passwords are 30 characters (Oracle limit)', () => {
    const f = fixture();
    dbSecret(f, { engine: DatabaseEngine.ORACLE });
    Template.fromStack(f.stack).hasResourceProperties('AWS::SecretsManager::Secret', { GenerateSecretString: { PasswordLength: 30 } });
  });

  test('takes the rotation interval from props', () => {
    const f = fixture();
    dbSecret(f, { rotationInterval: Duration.days(7) });
    Template.fromStack(f.stack).hasResourceProperties('AWS::SecretsManager::RotationSchedule', { RotationRules: { ScheduleExpression: 'rate(7 days)' } });
  });

  test('accepts the Secrets Manager bounds: 4 hours and 1000 days', () => {
    expect(() => dbSecret(fixture(), { rotationInterval: Duration.hours(4) })).not.toThrow();
    expect(() => dbSecret(fixture(), { rotationInterval: Duration.days(1000) })).not.toThrow();
  });

  test('honours an explicit removal policy', () => {
    const f = fixture();
    dbSecret(f, { removalPolicy: RemovalPolicy.DESTROY });
    Template.fromStack(f.stack).hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete' });
  });

  test('the key policy lets Secrets Manager use the key for principals of this account only', () => {
    const f = fixture();
    dbSecret(f);
    Template.fromStack(f.stack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['kms:Decrypt', 'kms:GenerateDataKey*']),
            Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com` } },
            Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${ACCOUNT}:root`]] } },
          }),
        ]),
      },
    });
  });

  test('semantic: an allowed cross-account role may decrypt through Secrets Manager only; another account may not', async () => {
    const f = fixture();
    const secret = dbSecret(f, { allowedCrossAccountRoleArns: ['arn:aws:iam::222222222222:role/security-reader'] });
    const keyResource = Template.fromStack(f.stack).findResources('AWS::KMS::Key');
    const keyPolicy = resolveIntrinsics(Object.values(keyResource)[0].Properties.KeyPolicy, {
      account: ACCOUNT,
      region: REGION,
      getAtts: { [`${f.stack.getLogicalId(secret.rotationRole!.node.defaultChild as iam.CfnRole)}.Arn`]: `arn:aws:iam::${ACCOUNT}:role/rotation` },
    });
    const keyArn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const decrypt = (principal: string, viaService?: string) =>
      evaluate({
        request: {
          action: 'kms:Decrypt',
          principal,
          resource: keyArn,
          resourceAccount: ACCOUNT,
          context: {
            'aws:PrincipalArn': principal,
            'aws:PrincipalAccount': principal.split(':')[4],
            ...(viaService ? { 'kms:ViaService': viaService } : {}),
          },
        },
        identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }] }],
        resourcePolicy: keyPolicy,
      });
    await expect(decrypt('arn:aws:iam::222222222222:role/security-reader', `secretsmanager.${REGION}.amazonaws.com`)).resolves.toBe('Allowed');
    await expect(decrypt('arn:aws:iam::222222222222:role/security-reader')).resolves.toBe('ImplicitlyDenied');
    await expect(decrypt('arn:aws:iam::222222222222:role/other', `secretsmanager.${REGION}.amazonaws.com`)).resolves.toBe('ImplicitlyDenied');
    await expect(decrypt('arn:aws:iam::999999999999:role/attacker', `secretsmanager.${REGION}.amazonaws.com`)).resolves.toBe('ImplicitlyDenied');
  });

  test('warns that an imported key must allow the cross-account readers itself', () => {
    const f = fixture();
    const imported = kms.Key.fromKeyArn(f.stack, 'Imported', `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`);
    dbSecret(f, { encryptionKey: imported, allowedCrossAccountRoleArns: ['arn:aws:iam::222222222222:role/security-reader'] });
    Annotations.fromStack(f.stack).hasWarning('/Workload/Orders', Match.stringLikeRegexp('key policy must allow kms:Decrypt'));
    Template.fromStack(f.stack).hasResourceProperties('AWS::SecretsManager::Secret', {
      KmsKeyId: `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    });
  });

  test('grantRead gives read access and kms:Decrypt through Secrets Manager, also with an imported key', () => {
    const f = fixture();
    const keyArn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const secret = dbSecret(f, { encryptionKey: kms.Key.fromKeyArn(f.stack, 'Imported', keyArn) });
    const app = new iam.Role(f.stack, 'App', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    secret.grantRead(app);
    Template.fromStack(f.stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: f.stack.getLogicalId(app.node.defaultChild as iam.CfnRole) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
            Resource: { Ref: Match.stringLikeRegexp('OrdersSecret') },
          }),
          Match.objectLike({
            Action: 'kms:Decrypt',
            Resource: keyArn,
            Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com` } },
          }),
        ]),
      },
    });
  });

  describe('fails on bad input', () => {
    test('fails if encryptionKey is missing', () => {
      expect(() => dbSecret(fixture(), { encryptionKey: undefined as unknown as kms.IKey })).toThrow(
        /^\S+: encryptionKey: received undefined; expected a customer managed kms.IKey.*AWS managed key aws\/secretsmanager is never used$/,
      );
    });

    test('fails if encryptionKey is the AWS managed key', () => {
      const f = fixture();
      const awsManaged = kms.Alias.fromAliasName(f.stack, 'AwsManaged', 'alias/aws/secretsmanager');
      expect(() => dbSecret(f, { encryptionKey: awsManaged })).toThrow(
        /^\S+: encryptionKey: received the AWS managed key 'alias\/aws\/secretsmanager'; expected a customer managed key\. /,
      );
    });

    test('fails if encryptionKey is the AWS managed key given by alias ARN', () => {
      const f = fixture();
      const awsManaged = kms.Key.fromKeyArn(f.stack, 'AwsManaged', `arn:aws:kms:${REGION}:${ACCOUNT}:alias/aws/secretsmanager`);
      expect(() => dbSecret(f, { encryptionKey: awsManaged })).toThrow(
        /^Workload\/Orders: encryptionKey: received the AWS managed key 'arn:aws:kms:eu-west-1:111111111111:alias\/aws\/secretsmanager'; expected a customer managed key\. /,
      );
    });

    test.each([
      [Duration.days(1001), /^\S+: rotationInterval: received 1001 days; expected between 4 hours and 1000 days/],
      [Duration.hours(3), /^\S+: rotationInterval: received 3 hours; expected between 4 hours and 1000 days/],
      [Duration.days(0), /^\S+: rotationInterval: received 0 days; expected between 4 hours and 1000 days/],
      [Duration.minutes(300 + 30), /^\S+: rotationInterval: received 5 hours 30 minutes; expected a whole number of hours/],
    ])('fails if rotationInterval is %s', (interval, message) => {
      expect(() => dbSecret(fixture(), { rotationInterval: interval })).toThrow(message);
    });

    test('fails if rotationInterval exceeds maxRotationInterval (the prod ceiling)', () => {
      expect(() =>
        dbSecret(fixture(), {
          rotationInterval: Duration.days(45),
          maxRotationInterval: Duration.days(RotationLimits.MAX_DATABASE_DAYS),
        }),
      ).toThrow(/^\S+: rotationInterval: received 45 days; expected at most the configured maximum of 30 days \(maxRotationInterval\)/);
    });

    test('fails if the port is out of range', () => {
      expect(() => dbSecret(fixture(), { port: 70000 })).toThrow(/^\S+: port: received 70000; expected an integer from 1 to 65535$/);
    });

    test('fails if host is empty', () => {
      expect(() => dbSecret(fixture(), { host: ' ' })).toThrow(/^\S+: host: received " "; expected a non-empty string/);
    });

    test('fails if username is missing', () => {
      expect(() => dbSecret(fixture(), { username: undefined as unknown as string })).toThrow(
        /^\S+: username: received undefined; expected a non-empty string/,
      );
    });

    test('fails if vpc is missing', () => {
      expect(() => dbSecret(fixture(), { vpc: undefined as unknown as ec2.IVpc, database: undefined })).toThrow(
        /^\S+: vpc: received undefined; expected the VPC that can reach the database/,
      );
    });

    test('fails if an allowed role ARN is not a role ARN', () => {
      expect(() => dbSecret(fixture(), { allowedCrossAccountRoleArns: ['arn:aws:iam::222222222222:user/alice'] })).toThrow(
        /^\S+: allowedCrossAccountRoleArns\[0\]: received 'arn:aws:iam::222222222222:user\/alice'; expected an IAM role ARN /,
      );
    });
  });

  describe('the hosted rotation function: name and log group (the boundary protects them by name)', () => {
    const FUNCTION = 'guardrails-rotate-db-orders';
    const ENGINES = [DatabaseEngine.ORACLE, DatabaseEngine.SQLSERVER, DatabaseEngine.REDSHIFT, DatabaseEngine.MONGODB];
    const hosted = (f: Fixture, overrides: Partial<RotatingDatabaseSecretProps> = {}) => dbSecret(f, { engine: DatabaseEngine.ORACLE, ...overrides });

    test.each(
      ENGINES.flatMap(
        (engine) =>
          [
            [engine.secretEngine, 'single', engine],
            [engine.secretEngine, 'multi', engine],
          ] as const,
      ),
    )('engine %s, %s user: the hosted function gets the name the app sets', (_engine, strategy, engine) => {
      // GIVEN
      const f = fixture();
      const rotationStrategy =
        strategy === 'multi'
          ? DatabaseRotationStrategy.multiUser(new secretsmanager.Secret(f.stack, 'Master', { encryptionKey: f.key }))
          : DatabaseRotationStrategy.singleUser();
      // WHEN
      dbSecret(f, { engine, rotationStrategy, rotationFunctionName: FUNCTION });
      // THEN
      Template.fromStack(f.stack).hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
        HostedRotationLambda: { RotationLambdaName: FUNCTION },
      });
    });

    test('creates /aws/lambda/<function> with the logs key, a retention and the removal policy, before the schedule', () => {
      // GIVEN
      const f = fixture();
      const logsKey = new kms.Key(f.stack, 'LogsKey');
      // WHEN
      const db = hosted(f, { rotationFunctionName: FUNCTION, logEncryptionKey: logsKey, logRetention: logs.RetentionDays.THREE_MONTHS });
      // THEN
      const template = Template.fromStack(f.stack);
      const logGroupId = f.stack.getLogicalId(db.rotationLogGroup!.node.defaultChild as logs.CfnLogGroup);
      template.hasResource('AWS::Logs::LogGroup', {
        Properties: {
          LogGroupName: `/aws/lambda/${FUNCTION}`,
          KmsKeyId: { 'Fn::GetAtt': [f.stack.getLogicalId(logsKey.node.defaultChild as kms.CfnKey), 'Arn'] },
          RetentionInDays: 90,
        },
        DeletionPolicy: 'Retain',
      });
      template.hasResource('AWS::SecretsManager::RotationSchedule', { DependsOn: Match.arrayWith([logGroupId]) });
    });

    test('the log group keeps one year by default and follows removalPolicy', () => {
      const f = fixture();
      hosted(f, { rotationFunctionName: FUNCTION, removalPolicy: RemovalPolicy.DESTROY });
      Template.fromStack(f.stack).hasResource('AWS::Logs::LogGroup', {
        Properties: { LogGroupName: `/aws/lambda/${FUNCTION}`, RetentionInDays: 365 },
        DeletionPolicy: 'Delete',
      });
    });

    test('without a function name, creates no log group (it could not be named) and warns that Lambda will', () => {
      const f = fixture();
      const db = hosted(f);
      Template.fromStack(f.stack).resourceCountIs('AWS::Logs::LogGroup', 0);
      expect(db.rotationLogGroup).toBeUndefined();
      Annotations.fromStack(f.stack).hasWarning(
        '/Workload/Orders',
        Match.stringLikeRegexp('No rotationFunctionName: Lambda creates the hosted rotation function'),
      );
    });

    test.each([
      ['logEncryptionKey', (f: Fixture) => ({ logEncryptionKey: new kms.Key(f.stack, 'LogsKey') })],
      ['logRetention', () => ({ logRetention: logs.RetentionDays.ONE_MONTH })],
    ])('fails if %s is set without rotationFunctionName (the log group is named after the function)', (_prop, extra) => {
      const f = fixture();
      expect(() => hosted(f, extra(f))).toThrow(
        /rotationFunctionName: received undefined; expected a function name when logEncryptionKey or logRetention is set/,
      );
    });

    test.each([
      ['guardrails-rotate-db-' + 'x'.repeat(44), /rotationFunctionName: received "guardrails-rotate-db-x+" \(65 characters\); expected 1 to 64/],
      ['guardrails rotate', /rotationFunctionName: received "guardrails rotate".*\(Lambda function name\)/],
    ])('fails if rotationFunctionName is %j', (name, message) => {
      expect(() => dbSecret(fixture(), { rotationFunctionName: name })).toThrow(message);
    });
  });
});

describe("the rotation function's network (not aws-cdk-lib's all-egress default)", () => {
  test('its security group allows HTTPS out and the database port to the database only', () => {
    const f = fixture();
    dbSecret(f);
    const template = Template.fromStack(f.stack).toJSON();
    const [sgId, sg] = Object.entries<any>(template.Resources).find(
      ([id, r]) => r.Type === 'AWS::EC2::SecurityGroup' && id.startsWith('OrdersRotationSecurityGroup'),
    )!;
    expect(sg.Properties.SecurityGroupEgress).toEqual([
      { CidrIp: '0.0.0.0/0', Description: 'HTTPS to Secrets Manager (its endpoint or a VPC endpoint)', FromPort: 443, IpProtocol: 'tcp', ToPort: 443 },
    ]);
    const egress = Object.values<any>(template.Resources).filter(
      (r) => r.Type === 'AWS::EC2::SecurityGroupEgress' && r.Properties.GroupId['Fn::GetAtt']?.[0] === sgId,
    );
    expect(
      egress.map((r) => [r.Properties.IpProtocol, r.Properties.FromPort, r.Properties.ToPort, r.Properties.DestinationSecurityGroupId['Fn::GetAtt'][0]]),
    ).toEqual([['tcp', 5432, 5432, expect.stringMatching(/^DbSecurityGroup/)]]);
    // No security group of the stack allows all egress.
    const allEgress = Object.values<any>(template.Resources).filter(
      (r) =>
        r.Type === 'AWS::EC2::SecurityGroup' && (r.Properties.SecurityGroupEgress ?? []).some((e: any) => e.IpProtocol === '-1' && e.CidrIp === '0.0.0.0/0'),
    );
    expect(allEgress.filter((r) => r.Properties.GroupDescription !== 'Workload/DbSecurityGroup')).toEqual([]);
  });

  test('given security groups are used as they are', () => {
    const f = fixture();
    const own = new ec2.SecurityGroup(f.stack, 'Own', { vpc: f.vpc });
    dbSecret(f, { rotationSecurityGroups: [own] });
    const ids = Object.keys(Template.fromStack(f.stack).toJSON().Resources);
    expect(ids.some((id) => id.startsWith('OrdersRotationSecurityGroup'))).toBe(false);
  });
});
