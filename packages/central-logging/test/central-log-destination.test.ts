import { CfnResource, Duration, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { resolveIntrinsics, singleResource } from '@cdk-guardrails/policy-test-kit';
import { CentralLogDestination, CentralLogDestinationProps, DestinationStreamCapacity, LogClass, LogSenders } from '../lib';
import { newKey, newStack, ORG_ID, OTHER_WORKLOAD_ACCOUNT, SECURITY_ACCOUNT, WORKLOAD_ACCOUNT } from './helpers';

function destinationPolicy(stack: Stack): any {
  const template = Template.fromStack(stack).toJSON();
  const [, destination] = singleResource(template, 'AWS::Logs::Destination');
  const resolved = resolveIntrinsics(destination.Properties.DestinationPolicy, { account: SECURITY_ACCOUNT, region: stack.region });
  return JSON.parse(resolved);
}

describe('CentralLogDestination', () => {
  test('creates a destination whose policy lets the configured workload accounts subscribe', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const dest = new CentralLogDestination(stack, 'Central', {
      senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT, OTHER_WORKLOAD_ACCOUNT]),
      logsKey: newKey(stack),
    });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::Logs::Destination', {
      DestinationName: 'guardrails-central-logs',
      TargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('CentralStream'), 'Arn'] },
      RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('CentralDestinationRole'), 'Arn'] },
    });
    expect(destinationPolicy(stack)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AllowWorkloadAccountsToSubscribe',
          Effect: 'Allow',
          Principal: { AWS: [WORKLOAD_ACCOUNT, OTHER_WORKLOAD_ACCOUNT] },
          Action: 'logs:PutSubscriptionFilter',
          Resource: `arn:aws:logs:eu-west-1:${SECURITY_ACCOUNT}:destination:guardrails-central-logs`,
        },
      ],
    });
    expect(Token.isUnresolved(dest.destinationArn)).toBe(true);
  });

  test('arnFor derives the ARN a workload account uses from configuration', () => {
    expect(CentralLogDestination.arnFor(SECURITY_ACCOUNT, 'eu-west-1', 'central')).toBe(`arn:aws:logs:eu-west-1:${SECURITY_ACCOUNT}:destination:central`);
    expect(CentralLogDestination.arnFor(SECURITY_ACCOUNT, 'us-gov-west-1', 'central', 'aws-us-gov')).toBe(
      `arn:aws-us-gov:logs:us-gov-west-1:${SECURITY_ACCOUNT}:destination:central`,
    );
    expect(CentralLogDestination.arnFor(SECURITY_ACCOUNT, 'eu-west-1')).toMatch(/:destination:guardrails-central-logs$/);
  });

  test('organization mode uses aws:PrincipalOrgID instead of listing accounts', () => {
    const stack = newStack();
    new CentralLogDestination(stack, 'Central', { senders: LogSenders.fromOrganization(ORG_ID), logsKey: newKey(stack) });
    const policy = destinationPolicy(stack);
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Principal: { AWS: '*' },
        Action: 'logs:PutSubscriptionFilter',
        Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG_ID } },
      }),
    ]);
  });

  test('the role CloudWatch Logs assumes is scoped with aws:SourceArn to the sender accounts and this region', () => {
    const stack = newStack();
    new CentralLogDestination(stack, 'Central', { senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]), logsKey: newKey(stack) });
    const template = Template.fromStack(stack).toJSON();
    const [, role] = singleResource(template, 'AWS::IAM::Role', (r) => JSON.stringify(r).includes('logs.amazonaws.com'));
    const trust = resolveIntrinsics(role.Properties.AssumeRolePolicyDocument, { account: SECURITY_ACCOUNT, region: 'eu-west-1' });
    expect(trust.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'logs.amazonaws.com' },
        Condition: {
          StringLike: {
            'aws:SourceArn': [`arn:aws:logs:eu-west-1:${SECURITY_ACCOUNT}:*`, `arn:aws:logs:eu-west-1:${WORKLOAD_ACCOUNT}:*`],
          },
        },
      },
    ]);
  });

  test('the destination role may put records into the stream and nothing else', () => {
    const stack = newStack();
    new CentralLogDestination(stack, 'Central', { senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]), logsKey: newKey(stack) });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('CentralDestinationRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['kinesis:PutRecord', 'kinesis:PutRecords']),
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('CentralStream'), 'Arn'] },
          }),
        ]),
      },
    });
  });

  test('the Kinesis stream is KMS-encrypted with the logs key and on-demand by default', () => {
    const stack = newStack();
    new CentralLogDestination(stack, 'Central', { senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]), logsKey: newKey(stack) });
    Template.fromStack(stack).hasResourceProperties('AWS::Kinesis::Stream', {
      StreamEncryption: { EncryptionType: 'KMS', KeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('LogsKey'), 'Arn'] } },
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      RetentionPeriodHours: 168,
    });
  });

  test('provisioned capacity sets the shard count', () => {
    const stack = newStack();
    new CentralLogDestination(stack, 'Central', {
      senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]),
      logsKey: newKey(stack),
      streamCapacity: DestinationStreamCapacity.provisioned(4),
      streamRetention: Duration.days(2),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Kinesis::Stream', {
      ShardCount: 4,
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
      RetentionPeriodHours: 48,
    });
  });

  test('central log groups per class: audit 10 years, security 90 days, app 30 days, all encrypted with the logs key', () => {
    const stack = newStack();
    new CentralLogDestination(stack, 'Central', { senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]), logsKey: newKey(stack) });
    const t = Template.fromStack(stack);
    const key = { 'Fn::GetAtt': [Match.stringLikeRegexp('LogsKey'), 'Arn'] };
    t.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/guardrails/central/audit', RetentionInDays: 3653, KmsKeyId: key });
    t.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/guardrails/central/security', RetentionInDays: 90, KmsKeyId: key });
    t.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/guardrails/central/app', RetentionInDays: 30, KmsKeyId: key });
    // every log group of the construct (including the forwarder's) is encrypted and retained
    for (const lg of Object.values(t.findResources('AWS::Logs::LogGroup'))) {
      expect(lg.Properties.KmsKeyId['Fn::GetAtt'][0]).toMatch(/^LogsKey/);
      expect(lg.DeletionPolicy).toBe('Retain');
    }
  });

  test('retention per class comes from props', () => {
    const stack = newStack();
    new CentralLogDestination(stack, 'Central', {
      senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]),
      logsKey: newKey(stack),
      retention: { audit: logs.RetentionDays.SEVEN_YEARS, security: logs.RetentionDays.SIX_MONTHS, app: logs.RetentionDays.TWO_WEEKS },
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/guardrails/central/audit', RetentionInDays: 2557 });
    t.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/guardrails/central/security', RetentionInDays: 180 });
    t.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/guardrails/central/app', RetentionInDays: 14 });
  });

  test('the forwarder reports partial batch failures, bisects, and retries a failing batch until it succeeds or expires (never gives up on it by default); the DLQ is encrypted', () => {
    const stack = newStack();
    new CentralLogDestination(stack, 'Central', { senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]), logsKey: newKey(stack) });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('CentralStream'), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      // Absent: Lambda's default -1, retry until success or until the record leaves the stream.
      MaximumRetryAttempts: Match.absent(),
      MaximumRecordAgeInSeconds: Match.absent(),
      StartingPosition: 'TRIM_HORIZON',
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('CentralDeadLetterQueue'), 'Arn'] } } },
    });
    t.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('LogsKey'), 'Arn'] },
    });
    t.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Runtime: 'nodejs24.x',
      Environment: {
        Variables: {
          DEAD_LETTER_QUEUE_URL: { Ref: Match.stringLikeRegexp('CentralDeadLetterQueue') },
          CLASSIFICATION_RULES: Match.anyValue(),
          SENDER_ACCOUNTS: Match.anyValue(),
          CENTRAL_LOG_GROUPS: Match.anyValue(),
        },
      },
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('CentralForwarderLogGroup') } },
    });
    // The dead-letter alarm, the delivery-delay alarm, the stream-throttle alarm and the forwarder-throttle alarm.
    t.resourceCountIs('AWS::CloudWatch::Alarm', 4);
  });

  test('an alarm sees the forwarder starved of Lambda concurrency (red14 R14-4): the delay alarms see no data while its invocations are throttled', () => {
    const stack = newStack();
    const d = new CentralLogDestination(stack, 'Central', {
      senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]),
      logsKey: newKey(stack),
      forwarderThrottleAlarmName: 'guardrails-log-forwarder-throttled',
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'guardrails-log-forwarder-throttled',
      Namespace: 'AWS/Lambda',
      MetricName: 'Throttles',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: stack.getLogicalId(d.forwarder.node.defaultChild as CfnResource) } }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      TreatMissingData: 'notBreaching',
    });
    expect(d.forwarderThrottleAlarm.node.defaultChild).toBeDefined();
  });

  test("the forwarder gets the receiving side's classification rules and, with known senders, the sender accounts", () => {
    const stack = newStack();
    new CentralLogDestination(stack, 'Central', {
      senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]),
      logsKey: newKey(stack),
      classificationRules: [
        { logGroupNamePrefix: '/guardrails/audit/', logClass: LogClass.AUDIT },
        { logGroupNamePrefix: '/team/', logClass: LogClass.SECURITY, accountIds: [WORKLOAD_ACCOUNT] },
      ],
    });
    const [, fn] = singleResource(Template.fromStack(stack).toJSON(), 'AWS::Lambda::Function', (r) => r.Properties?.Handler === 'index.handler');
    const vars = fn.Properties.Environment.Variables;
    expect(JSON.parse(vars.CLASSIFICATION_RULES)).toEqual([
      { p: '/guardrails/audit/', c: 'audit' },
      { p: '/team/', c: 'security', a: [WORKLOAD_ACCOUNT] },
    ]);
    expect(JSON.parse(resolveIntrinsics(vars.SENDER_ACCOUNTS, { account: SECURITY_ACCOUNT, region: 'eu-west-1' }))).toEqual([
      SECURITY_ACCOUNT,
      WORKLOAD_ACCOUNT,
    ]);
  });

  test("defaults: the project's log group names; with OUs (senders not all known) no sender list", () => {
    const stack = newStack();
    new CentralLogDestination(stack, 'Central', {
      senders: LogSenders.fromOrganizationAccounts('o-abcdefghij', [WORKLOAD_ACCOUNT], ['ou-ab12-11111111']),
      logsKey: newKey(stack),
    });
    const [, fn] = singleResource(Template.fromStack(stack).toJSON(), 'AWS::Lambda::Function', (r) => r.Properties?.Handler === 'index.handler');
    const vars = fn.Properties.Environment.Variables;
    expect(JSON.parse(vars.CLASSIFICATION_RULES).map((r: any) => r.p)).toEqual(
      CentralLogDestination.DEFAULT_CLASSIFICATION_RULES.map((r) => r.logGroupNamePrefix),
    );
    expect(vars.SENDER_ACCOUNTS).toBeUndefined();
  });

  test.each([
    [[], /classificationRules: received an empty list/],
    [[{ logGroupNamePrefix: 'has space', logClass: LogClass.APP }], /classificationRules\[0\]\.logGroupNamePrefix: received "has space"/],
    [[{ logGroupNamePrefix: '/x/', logClass: 'forever' as LogClass }], /classificationRules\[0\]\.logClass: received "forever"/],
    [[{ logGroupNamePrefix: '/x/', logClass: LogClass.APP, accountIds: ['123'] }], /classificationRules\[0\]\.accountIds\[0\]: received "123"/],
    [
      [
        { logGroupNamePrefix: '/x/', logClass: LogClass.APP },
        { logGroupNamePrefix: '/x/', logClass: LogClass.AUDIT },
      ],
      /^TestStack\/Central: classificationRules\[1\]\.logGroupNamePrefix: received "\/x\/", already classified for every sender; expected each prefix classified once per sender$/,
    ],
    [
      Array.from({ length: 60 }, (_v, i) => ({ logGroupNamePrefix: `/a-rather-long-prefix-of-log-groups/${i}/`, logClass: LogClass.APP })),
      /^TestStack\/Central: classificationRules: received \d+ rules .*; expected at most 2048 characters, what fits in the forwarder's environment/,
    ],
  ])('classificationRules %# are refused with a clear error', (rules, error) => {
    const stack = newStack();
    expect(
      () =>
        new CentralLogDestination(stack, 'Central', {
          senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]),
          logsKey: newKey(stack),
          classificationRules: rules,
        }),
    ).toThrow(error);
  });

  test('the forwarder environment maps each class to its central log group and retention', () => {
    const stack = newStack();
    new CentralLogDestination(stack, 'Central', { senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]), logsKey: newKey(stack) });
    const template = Template.fromStack(stack).toJSON();
    const [, fn] = singleResource(template, 'AWS::Lambda::Function', (r) => r.Properties?.Handler === 'index.handler');
    const env = JSON.parse(resolveIntrinsics(fn.Properties.Environment.Variables.CENTRAL_LOG_GROUPS, { account: SECURITY_ACCOUNT, region: 'eu-west-1' }));
    expect(env).toEqual({
      audit: { logGroupName: '/guardrails/central/audit', retentionDays: 3653 },
      security: { logGroupName: '/guardrails/central/security', retentionDays: 90 },
      app: { logGroupName: '/guardrails/central/app', retentionDays: 30 },
    });
  });

  test('the forwarder may write only to the central log groups and its own log group (no AWS managed policy)', () => {
    const stack = newStack();
    new CentralLogDestination(stack, 'Central', { senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]), logsKey: newKey(stack) });
    const t = Template.fromStack(stack);
    const policies = Object.values(t.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p).includes('logs:PutLogEvents'));
    expect(policies).toHaveLength(1);
    const statements = policies[0].Properties.PolicyDocument.Statement.filter((s: any) => JSON.stringify(s.Action).includes('logs:PutLogEvents'));
    const resources = statements.map((s: any) => JSON.stringify(s.Resource));
    expect(resources).toHaveLength(4);
    for (const r of resources) expect(r).toMatch(/Central(Audit|Security|App)LogGroup|CentralForwarderLogGroup/);
    // AWSLambdaBasicExecutionRole would allow writing to every log group of the account.
    const lambdaRoles = Object.values(t.findResources('AWS::IAM::Role')).filter((r: any) =>
      JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('lambda.amazonaws.com'),
    );
    expect(lambdaRoles).toHaveLength(1);
    expect((lambdaRoles[0] as any).Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('fails if the destination policy would exceed 5,120 bytes, naming the limit and the fix', () => {
    const stack = newStack();
    const accounts = Array.from({ length: 400 }, (_v, i) => String(100000000000 + i));
    expect(() => new CentralLogDestination(stack, 'Central', { senders: LogSenders.fromAccounts(accounts), logsKey: newKey(stack) })).toThrow(
      /5120 bytes.*set organizationId in config to use aws:PrincipalOrgID/is,
    );
  });

  test('many accounts fit when the organization id is used', () => {
    const stack = newStack();
    expect(() => new CentralLogDestination(stack, 'Central', { senders: LogSenders.fromOrganization(ORG_ID), logsKey: newKey(stack) })).not.toThrow();
  });

  test('fails if the trust policy of the destination role would exceed 2,048 characters', () => {
    const stack = newStack();
    const accounts = Array.from({ length: 60 }, (_v, i) => String(100000000000 + i));
    expect(() => new CentralLogDestination(stack, 'Central', { senders: LogSenders.fromAccounts(accounts), logsKey: newKey(stack) })).toThrow(
      /2048.*organizationId/,
    );
  });

  test('fails if a sender is not a 12-digit account id', () => {
    const stack = newStack();
    expect(() => new CentralLogDestination(stack, 'Central', { senders: LogSenders.fromAccounts(['12345']), logsKey: newKey(stack) })).toThrow(
      /^TestStack\/Central: senders: received "12345"; expected a 12-digit AWS account id$/,
    );
  });

  test('fails if no sender account is given', () => {
    const stack = newStack();
    expect(() => new CentralLogDestination(stack, 'Central', { senders: LogSenders.fromAccounts([]), logsKey: newKey(stack) })).toThrow(
      /^TestStack\/Central: senders: received an empty account list; expected at least one account/,
    );
  });

  test('fails if the organization id is malformed', () => {
    const stack = newStack();
    expect(() => new CentralLogDestination(stack, 'Central', { senders: LogSenders.fromOrganization('org-1'), logsKey: newKey(stack) })).toThrow(
      /^TestStack\/Central: senders: received organization id .*; expected an organization id like o-/,
    );
  });

  test('fails if the destination name has a colon', () => {
    const stack = newStack();
    expect(
      () =>
        new CentralLogDestination(stack, 'Central', { senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]), logsKey: newKey(stack), destinationName: 'a:b' }),
    ).toThrow(/^TestStack\/Central: destinationName: received "a:b"; expected 1 to 512 characters without ':' or '\*'$/);
  });

  test('fails if the shard count is not a positive integer', () => {
    const stack = newStack();
    expect(
      () =>
        new CentralLogDestination(stack, 'Central', {
          senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]),
          logsKey: newKey(stack),
          streamCapacity: DestinationStreamCapacity.provisioned(0),
        }),
    ).toThrow(/^TestStack\/Central: streamCapacity\.shardCount: received 0; expected an integer of at least 1$/);
  });

  test('a finite forwarderRetryAttempts is passed through (records given up on are listed in the DLQ by range)', () => {
    const stack = newStack();
    new CentralLogDestination(stack, 'Central', { senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]), logsKey: newKey(stack), forwarderRetryAttempts: 10 });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', { MaximumRetryAttempts: 10 });
    // ... with a warning that names the loss; none by default.
    Annotations.fromStack(stack).hasWarning(
      '/TestStack/Central',
      Match.stringLikeRegexp('forwarderRetryAttempts is 10: .*lost when they expire from the stream'),
    );
    const plain = newStack();
    new CentralLogDestination(plain, 'Central', { senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]), logsKey: newKey(plain) });
    Annotations.fromStack(plain).hasNoWarning('/TestStack/Central', Match.stringLikeRegexp('forwarderRetryAttempts'));
  });

  test('fails if forwarderRetryAttempts is out of range', () => {
    const stack = newStack();
    expect(
      () =>
        new CentralLogDestination(stack, 'Central', {
          senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]),
          logsKey: newKey(stack),
          forwarderRetryAttempts: -1,
        }),
    ).toThrow(/^TestStack\/Central: forwarderRetryAttempts: received -1; expected an integer from 0 to 10000$/);
  });

  test('works with an imported logs key', () => {
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'Imported', `arn:aws:kms:eu-west-1:${SECURITY_ACCOUNT}:key/11111111-2222-3333-4444-555555555555`);
    new CentralLogDestination(stack, 'Central', { senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]), logsKey: key });
    Template.fromStack(stack).hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/guardrails/central/audit',
      KmsKeyId: `arn:aws:kms:eu-west-1:${SECURITY_ACCOUNT}:key/11111111-2222-3333-4444-555555555555`,
    });
  });
});

describe('CentralLogDestination names (the boundary protects guardrail resources by name)', () => {
  const NAMES = {
    streamName: 'guardrails-central-logs',
    forwarderFunctionName: 'guardrails-log-forwarder',
    forwarderLogGroupName: '/guardrails/lambda/log-forwarder',
    deadLetterQueueName: 'guardrails-log-forwarder-dlq',
    deadLetterAlarmName: 'guardrails-log-forwarder-dlq-not-empty',
    deliveryDelayAlarmName: 'guardrails-log-delivery-delayed',
    streamThrottleAlarmName: 'guardrails-central-stream-throttled',
    forwarderRoleName: 'guardrails-log-writer-forwarder-eu-west-1',
  };

  test('names the stream, the forwarder, its log group and the dead-letter queue as given', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const dest = new CentralLogDestination(stack, 'Central', { senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]), logsKey: newKey(stack), ...NAMES });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Kinesis::Stream', { Name: 'guardrails-central-logs' });
    template.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'guardrails-log-forwarder-dlq' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'guardrails-log-forwarder-dlq-not-empty' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'guardrails-log-delivery-delayed' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'guardrails-central-stream-throttled' });
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/guardrails/lambda/log-forwarder', RetentionInDays: 365 });
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'guardrails-log-writer-forwarder-eu-west-1',
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] },
    });
    // The forwarder writes to the named log group through its logging configuration.
    const forwarderLogGroupId = stack.getLogicalId(dest.forwarderLogGroup.node.defaultChild as logs.CfnLogGroup);
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'guardrails-log-forwarder',
      LoggingConfig: { LogGroup: { Ref: forwarderLogGroupId } },
    });
  });

  test('leaves every name to CloudFormation by default (unchanged behaviour)', () => {
    const stack = newStack();
    new CentralLogDestination(stack, 'Central', { senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]), logsKey: newKey(stack) });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Kinesis::Stream', { Name: Match.absent() });
    template.hasResourceProperties('AWS::SQS::Queue', { QueueName: Match.absent() });
    template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: Match.absent() });
    // The central log groups are named; the forwarder's is the only unnamed one.
    expect(Object.values(template.findResources('AWS::Logs::LogGroup')).filter((r: any) => r.Properties.LogGroupName === undefined)).toHaveLength(1);
  });

  test.each([
    [
      'streamName',
      'central logs',
      /streamName: received "central logs" \(12 characters\); expected 1 to 128 letters, digits, '_', '.' or '-' \(Kinesis stream name\)/,
    ],
    ['streamName', 'x'.repeat(129), /streamName: received "x+" \(129 characters\); expected 1 to 128/],
    ['forwarderFunctionName', 'f'.repeat(65), /forwarderFunctionName: received "f+" \(65 characters\); expected 1 to 64 .*\(Lambda function name\)/],
    ['forwarderFunctionName', 'guardrails.forwarder', /forwarderFunctionName: received "guardrails.forwarder".*\(Lambda function name\)/],
    ['forwarderLogGroupName', 'aws/lambda/forwarder', /forwarderLogGroupName: received "aws\/lambda\/forwarder".*not starting with 'aws\/'/],
    ['forwarderLogGroupName', '/guardrails/log forwarder', /forwarderLogGroupName: received "\/guardrails\/log forwarder".*\(log group name\)/],
    ['deadLetterQueueName', 'guardrails-dlq.fifo', /deadLetterQueueName: received "guardrails-dlq.fifo".*expected 1 to 80 .*\(SQS queue name\)/],
    ['deadLetterQueueName', 'q'.repeat(81), /deadLetterQueueName: received "q+" \(81 characters\)/],
    ['deadLetterAlarmName', 'dlq not empty', /deadLetterAlarmName: received "dlq not empty".*\(CloudWatch alarm name\)/],
    ['deliveryDelayAlarmName', 'late delivery', /deliveryDelayAlarmName: received "late delivery".*\(CloudWatch alarm name\)/],
    ['streamThrottleAlarmName', 'x'.repeat(256), /streamThrottleAlarmName: received "x+" \(256 characters\)/],
    ['forwarderRoleName', 'forwarder role', /forwarderRoleName: received "forwarder role".*\(IAM role name\)/],
  ])('fails if %s is %j, naming the prop, the value and the rule', (prop, value, message) => {
    const stack = newStack();
    expect(
      () =>
        new CentralLogDestination(stack, 'Central', {
          senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]),
          logsKey: newKey(stack),
          [prop]: value,
        }),
    ).toThrow(message);
  });

  test('fails if the forwarder log group would take the name of a central log group', () => {
    const stack = newStack();
    expect(
      () =>
        new CentralLogDestination(stack, 'Central', {
          senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]),
          logsKey: newKey(stack),
          forwarderLogGroupName: '/guardrails/central/app',
        }),
    ).toThrow(/forwarderLogGroupName: received "\/guardrails\/central\/app"; expected a name other than the central log groups/);
  });

  test('accepts names only known at deploy time (tokens)', () => {
    const stack = newStack();
    new CentralLogDestination(stack, 'Central', {
      senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]),
      logsKey: newKey(stack),
      streamName: Token.asString({ Ref: 'StreamNameParam' }),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Kinesis::Stream', { Name: { Ref: 'StreamNameParam' } });
  });
});

describe('CentralLogDestination stream policy', () => {
  function streamPolicy(stack: Stack): any {
    const template = Template.fromStack(stack).toJSON();
    const [, policy] = singleResource(template, 'AWS::Kinesis::ResourcePolicy');
    return policy.Properties;
  }

  test('denies putting records to every principal but the destination role, and reading them to every principal but the forwarder', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const dest = new CentralLogDestination(stack, 'Central', { senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]), logsKey: newKey(stack) });
    // THEN
    const streamId = stack.getLogicalId(dest.stream.node.defaultChild as CfnResource);
    const roleId = stack.getLogicalId(dest.destinationRole.node.defaultChild as CfnResource);
    const forwarderRoleId = stack.getLogicalId(dest.forwarder.role!.node.defaultChild as CfnResource);
    const policy = streamPolicy(stack);
    expect(policy.ResourceArn).toEqual({ 'Fn::GetAtt': [streamId, 'Arn'] });
    expect(policy.ResourcePolicy.Statement).toEqual([
      {
        Sid: 'DenyPutRecordsExceptDestinationRole',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: ['kinesis:PutRecord', 'kinesis:PutRecords'],
        Resource: { 'Fn::GetAtt': [streamId, 'Arn'] },
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': { 'Fn::GetAtt': [roleId, 'Arn'] } } },
      },
      {
        Sid: 'DenyReadsExceptForwarder',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: ['kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:RegisterStreamConsumer'],
        Resource: { 'Fn::GetAtt': [streamId, 'Arn'] },
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': [{ 'Fn::GetAtt': [forwarderRoleId, 'Arn'] }] } },
      },
    ]);
    expect(dest.streamPolicy).toBeDefined();
  });

  test('with administratorArns, denies reconfiguring the stream to every principal but them', () => {
    const stack = newStack();
    const admins = [
      `arn:aws:iam::${SECURITY_ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${SECURITY_ACCOUNT}-eu-west-1`,
      `arn:aws:iam::${SECURITY_ACCOUNT}:role/guardrails-log-admin`,
    ];
    new CentralLogDestination(stack, 'Central', { senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]), logsKey: newKey(stack), administratorArns: admins });
    const statement = streamPolicy(stack).ResourcePolicy.Statement.find((s: any) => s.Sid === 'DenyStreamConfigurationChangesExceptAdministrators');
    expect(statement).toEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': admins } },
      }),
    );
    expect(statement.Action).toEqual(
      expect.arrayContaining([
        'kinesis:DeleteStream',
        'kinesis:StopStreamEncryption',
        'kinesis:StartStreamEncryption',
        'kinesis:DecreaseStreamRetentionPeriod',
        'kinesis:PutResourcePolicy',
        'kinesis:DeleteResourcePolicy',
        'kinesis:MergeShards',
        'kinesis:SplitShard',
      ]),
    );
  });

  test('without administratorArns, adds no configuration statement', () => {
    const stack = newStack();
    new CentralLogDestination(stack, 'Central', { senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]), logsKey: newKey(stack) });
    expect(streamPolicy(stack).ResourcePolicy.Statement.map((s: any) => s.Sid)).toEqual(['DenyPutRecordsExceptDestinationRole', 'DenyReadsExceptForwarder']);
  });

  test.each([
    [`arn:aws:iam::${SECURITY_ACCOUNT}:role/guardrails-*`],
    [`arn:aws:iam::${SECURITY_ACCOUNT}:role/admin?`],
    ['guardrails-log-admin'],
    [`arn:aws:sts::${SECURITY_ACCOUNT}:assumed-role/admin/session`],
  ])('fails if an administrator ARN is not an exact principal ARN: %s', (arn) => {
    const stack = newStack();
    expect(
      () =>
        new CentralLogDestination(stack, 'Central', {
          senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]),
          logsKey: newKey(stack),
          administratorArns: [arn],
        }),
    ).toThrow(/administratorArns: received .*; expected an exact IAM principal ARN/);
  });

  test('fails if administratorArns is empty (CloudFormation could never update the stream again)', () => {
    const stack = newStack();
    expect(
      () =>
        new CentralLogDestination(stack, 'Central', {
          senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]),
          logsKey: newKey(stack),
          administratorArns: [],
        }),
    ).toThrow(/administratorArns: received \[\]; expected at least one exact principal ARN/);
  });
});

// One sender's burst fills the shared stream, or the forwarder falls behind: every account's audit
// delivery is late, and records older than the stream's retention are lost. Both raise an alarm.
describe('CentralLogDestination delivery alarms', () => {
  const alarms = (props: Partial<CentralLogDestinationProps> = {}) => {
    const stack = newStack();
    const dest = new CentralLogDestination(stack, 'Central', { senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]), logsKey: newKey(stack), ...props });
    return { stack, dest, template: Template.fromStack(stack) };
  };

  test("the forwarder's iterator age above 15 minutes (by default) raises the delivery-delay alarm", () => {
    const { stack, dest, template } = alarms();
    const functionId = stack.getLogicalId(dest.forwarder.node.defaultChild as lambda.CfnFunction);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Statistic: 'Maximum',
      Period: 300,
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId } }],
      Threshold: 900000,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
    expect(dest.deliveryDelayAlarm).toBeDefined();
  });

  test('maxDeliveryDelay sets the threshold; outside 1 minute to 12 hours it is refused with the reason', () => {
    alarms({ maxDeliveryDelay: Duration.minutes(5) }).template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IteratorAge',
      Threshold: 300000,
    });
    expect(() => alarms({ maxDeliveryDelay: Duration.hours(20) })).toThrow(
      /maxDeliveryDelay: received 20 hours; expected 1 minute to 12 hours \(records older than the stream's 24-hour retention are lost/,
    );
    expect(() => alarms({ maxDeliveryDelay: Duration.seconds(30) })).toThrow(/maxDeliveryDelay: received 30 seconds; expected 1 minute to 12 hours/);
  });

  test('write throttling of the stream in two of three 5-minute periods raises the stream-throttle alarm', () => {
    const { stack, dest, template } = alarms();
    const streamId = stack.getLogicalId(dest.stream.node.defaultChild as kinesis.CfnStream);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Kinesis',
      MetricName: 'WriteProvisionedThroughputExceeded',
      Statistic: 'Sum',
      Period: 300,
      Dimensions: [{ Name: 'StreamName', Value: { Ref: streamId } }],
      Threshold: 0,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      TreatMissingData: 'notBreaching',
    });
    expect(dest.streamThrottleAlarm).toBeDefined();
  });
});
