import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { resolveIntrinsics } from '@cdk-guardrails/policy-test-kit';
import { CentralLogDestination, CentralLogDestinationProps, LogSenders } from '../lib';
import { newKey, newStack, SECURITY_ACCOUNT, WORKLOAD_ACCOUNT } from './helpers';

const EXEC_ROLE_PATTERN = 'arn:aws:iam::*:role/cdk-grdtest-cfn-exec-role-*-eu-west-1';
const ADMIN = `arn:aws:iam::${SECURITY_ACCOUNT}:role/log-admin`;

function withEvidence(stack: Stack, extra: Partial<CentralLogDestinationProps> = {}): CentralLogDestination {
  return new CentralLogDestination(stack, 'Central', {
    senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]),
    logsKey: newKey(stack),
    evidenceSubscriberArnPatterns: [EXEC_ROLE_PATTERN],
    ...extra,
  });
}

function resourcesOf(stack: Stack, type: string): [string, any][] {
  return Object.entries(Template.fromStack(stack).findResources(type));
}

describe('CentralLogDestination evidence destination', () => {
  test('creates a second destination, stream and destination role; the evidence policy admits only the named subscribers', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const dest = withEvidence(stack, {
      streamName: 'guardrails-central-logs',
      evidenceStreamName: 'guardrails-central-evidence',
      evidenceDeliveryDelayAlarmName: 'guardrails-evidence-delivery-delayed',
      evidenceStreamThrottleAlarmName: 'guardrails-evidence-stream-throttled',
    });
    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Logs::Destination', 2);
    template.resourceCountIs('AWS::Kinesis::Stream', 2);
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      Name: 'guardrails-central-evidence',
      StreamEncryption: { EncryptionType: 'KMS', KeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('LogsKey'), 'Arn'] } },
      RetentionPeriodHours: 168,
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
    });
    const [, evidence] = resourcesOf(stack, 'AWS::Logs::Destination').find(([, r]) => r.Properties.DestinationName === 'guardrails-central-logs-evidence')!;
    expect(evidence.Properties.TargetArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^CentralEvidenceStream/), 'Arn'] });
    expect(evidence.Properties.RoleArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^CentralEvidenceDestinationRole/), 'Arn'] });
    expect(evidence.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^CentralEvidenceDestinationRole/)]));
    const policy = JSON.parse(resolveIntrinsics(evidence.Properties.DestinationPolicy, { account: SECURITY_ACCOUNT, region: 'eu-west-1' }));
    expect(policy.Statement).toEqual([
      {
        Sid: 'AllowWorkloadAccountsToSubscribe',
        Effect: 'Allow',
        Principal: { AWS: [WORKLOAD_ACCOUNT] },
        Action: 'logs:PutSubscriptionFilter',
        Resource: `arn:aws:logs:eu-west-1:${SECURITY_ACCOUNT}:destination:guardrails-central-logs-evidence`,
        Condition: { ArnLike: { 'aws:PrincipalArn': [EXEC_ROLE_PATTERN] } },
      },
    ]);
    // the open destination keeps its policy: any principal of the senders
    const [, open] = resourcesOf(stack, 'AWS::Logs::Destination').find(([, r]) => r.Properties.DestinationName === 'guardrails-central-logs')!;
    expect(JSON.stringify(open.Properties.DestinationPolicy)).not.toContain('ArnLike');
    // what the construct exposes
    expect(dest.evidenceDestinationName).toBe('guardrails-central-logs-evidence');
    expect(stack.resolve(dest.evidenceDestinationArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^CentralEvidenceDestination/), 'Arn'] });
    expect(dest.evidenceStream).toBeDefined();
    expect(dest.evidenceDestinationRole).toBeDefined();
    expect(dest.evidenceStreamPolicy).toBeDefined();
  });

  test('the forwarder reads both streams (two event source mappings) and is told which one carries the evidence', () => {
    const stack = newStack();
    withEvidence(stack);
    const template = Template.fromStack(stack);
    const mappings = resourcesOf(stack, 'AWS::Lambda::EventSourceMapping').map(([, r]) => r.Properties);
    expect(mappings.map((m) => m.EventSourceArn['Fn::GetAtt'][0]).sort()).toEqual([
      expect.stringMatching(/^CentralEvidenceStream/),
      expect.stringMatching(/^CentralStream/),
    ]);
    for (const m of mappings) {
      expect(m).toMatchObject({ StartingPosition: 'TRIM_HORIZON', FunctionResponseTypes: ['ReportBatchItemFailures'], BisectBatchOnFunctionError: true });
    }
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ EVIDENCE_STREAM_ARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CentralEvidenceStream'), 'Arn'] } }) },
    });
    // the forwarder's role may read the evidence stream (the mapping polls with it)
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^CentralForwarderRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['kinesis:GetRecords', 'kinesis:GetShardIterator']),
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CentralEvidenceStream'), 'Arn'] },
          }),
        ]),
      },
    });
  });

  test('the evidence stream has the same policy as the open one: only its destination role writes, only the forwarder reads, only administrators reconfigure', () => {
    const stack = newStack();
    withEvidence(stack, { administratorArns: [ADMIN] });
    const policies = resourcesOf(stack, 'AWS::Kinesis::ResourcePolicy').map(([, r]) => r.Properties);
    expect(policies).toHaveLength(2);
    const evidencePolicy = policies.find((p) => JSON.stringify(p.ResourceArn).includes('CentralEvidenceStream'))!;
    const sids = evidencePolicy.ResourcePolicy.Statement.map((s: any) => s.Sid).sort();
    expect(sids).toEqual(['DenyPutRecordsExceptDestinationRole', 'DenyReadsExceptForwarder', 'DenyStreamConfigurationChangesExceptAdministrators']);
    const writer = evidencePolicy.ResourcePolicy.Statement.find((s: any) => s.Sid === 'DenyPutRecordsExceptDestinationRole');
    expect(writer.Condition.ArnNotEquals['aws:PrincipalArn']).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^CentralEvidenceDestinationRole/), 'Arn'] });
  });

  test('alarms on the evidence stream: delivery delay (its GetRecords iterator age) and write throttling, with the names given', () => {
    const stack = newStack();
    const dest = withEvidence(stack, {
      evidenceDeliveryDelayAlarmName: 'guardrails-evidence-delivery-delayed',
      evidenceStreamThrottleAlarmName: 'guardrails-evidence-stream-throttled',
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'guardrails-evidence-delivery-delayed',
      MetricName: 'GetRecords.IteratorAgeMilliseconds',
      Namespace: 'AWS/Kinesis',
      Statistic: 'Maximum',
      Threshold: 15 * 60 * 1000,
      Dimensions: [{ Name: 'StreamName', Value: { Ref: Match.stringLikeRegexp('^CentralEvidenceStream') } }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'guardrails-evidence-stream-throttled',
      MetricName: 'WriteProvisionedThroughputExceeded',
      Dimensions: [{ Name: 'StreamName', Value: { Ref: Match.stringLikeRegexp('^CentralEvidenceStream') } }],
    });
    expect(dest.evidenceDeliveryDelayAlarm).toBeDefined();
    expect(dest.evidenceStreamThrottleAlarm).toBeDefined();
  });

  test('without evidenceSubscriberArnPatterns: one destination, one stream, one mapping, no EVIDENCE_STREAM_ARN (as before)', () => {
    const stack = newStack();
    const dest = new CentralLogDestination(stack, 'Central', { senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]), logsKey: newKey(stack) });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Logs::Destination', 1);
    template.resourceCountIs('AWS::Kinesis::Stream', 1);
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    expect(JSON.stringify(template.toJSON())).not.toContain('EVIDENCE_STREAM_ARN');
    expect(dest.evidenceDestinationArn).toBeUndefined();
    expect(dest.evidenceStream).toBeUndefined();
  });

  test('evidenceDestinationName names the second destination', () => {
    const stack = newStack();
    const dest = withEvidence(stack, { evidenceDestinationName: 'central-evidence' });
    Template.fromStack(stack).hasResourceProperties('AWS::Logs::Destination', { DestinationName: 'central-evidence' });
    expect(dest.evidenceDestinationName).toBe('central-evidence');
  });

  test('fails if evidenceSubscriberArnPatterns is empty', () => {
    expect(() => withEvidence(newStack(), { evidenceSubscriberArnPatterns: [] })).toThrow(
      /^TestStack\/Central: evidenceSubscriberArnPatterns: received \[\]; expected at least one IAM principal ARN pattern/,
    );
  });

  test.each(['arn:aws:iam::*:role/*', '*', 'arn:aws:iam::*:role/?dmin', 'arn:aws:s3:::bucket', 'cdk-hnb659fds-cfn-exec-role'])(
    'fails if a subscriber pattern would admit every principal or is no IAM principal ARN (%s)',
    (pattern) => {
      expect(() => withEvidence(newStack(), { evidenceSubscriberArnPatterns: [EXEC_ROLE_PATTERN, pattern] })).toThrow(
        /^TestStack\/Central: evidenceSubscriberArnPatterns\[1\]: received ".*"; expected an IAM role or user ARN pattern .*a name that starts with a wildcard admits every principal of the senders/,
      );
    },
  );

  test.each([
    'arn:aws:iam::*:role/cdk-hnb659fds-cfn-exec-role-*-eu-west-1',
    'arn:aws:iam::*:role/cdk-*-cfn-exec-role-*',
    'arn:aws:iam::*:role/CDK-HNB659FDS-*',
  ])("fails on a pattern of every account that matches CDK's default qualifier's roles (red10 R10-5): %s", (pattern) => {
    expect(() => withEvidence(newStack(), { evidenceSubscriberArnPatterns: [EXEC_ROLE_PATTERN, pattern] })).toThrow(
      /^TestStack\/Central: evidenceSubscriberArnPatterns\[1\]: received ".*"; expected no role of CDK's default qualifier \(cdk-hnb659fds-\*\) in every account/,
    );
  });

  test("control: the default qualifier's role of one named account, and another qualifier in every account, are accepted", () => {
    expect(() =>
      withEvidence(newStack(), {
        evidenceSubscriberArnPatterns: [EXEC_ROLE_PATTERN, `arn:aws:iam::${WORKLOAD_ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${WORKLOAD_ACCOUNT}-eu-west-1`],
      }),
    ).not.toThrow();
  });

  test('fails if an evidence name is given without evidenceSubscriberArnPatterns', () => {
    expect(
      () =>
        new CentralLogDestination(newStack(), 'Central', {
          senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]),
          logsKey: newKey(newStack()),
          evidenceStreamName: 'guardrails-central-evidence',
        }),
    ).toThrow(
      /^TestStack\/Central: evidenceStreamName: received "guardrails-central-evidence" without evidenceSubscriberArnPatterns; expected evidenceSubscriberArnPatterns as well/,
    );
  });

  test('fails if the evidence destination or stream would take the name of the open one', () => {
    expect(() => withEvidence(newStack(), { evidenceDestinationName: 'guardrails-central-logs' })).toThrow(
      /evidenceDestinationName: received "guardrails-central-logs"; expected a name other than destinationName/,
    );
    expect(() => withEvidence(newStack(), { streamName: 'guardrails-central-logs', evidenceStreamName: 'guardrails-central-logs' })).toThrow(
      /evidenceStreamName: received "guardrails-central-logs"; expected a name other than streamName/,
    );
    expect(() => withEvidence(newStack(), { evidenceDestinationName: 'bad:name' })).toThrow(
      /evidenceDestinationName: received "bad:name"; expected 1 to 512 characters/,
    );
    expect(() => withEvidence(newStack(), { evidenceStreamName: 'bad name' })).toThrow(/evidenceStreamName/);
  });

  test('fails if the evidence policy would exceed the 5,120-byte limit, naming the patterns', () => {
    const patterns = Array.from({ length: 100 }, (_v, i) => `arn:aws:iam::*:role/cdk-grdtest-cfn-exec-role-*-region-number-${i}`);
    expect(() => withEvidence(newStack(), { evidenceSubscriberArnPatterns: patterns })).toThrow(
      /^TestStack\/Central: senders, evidenceSubscriberArnPatterns: received 1 sender accounts and 100 subscriber patterns, a destination policy of guardrails-central-logs-evidence of about \d+ bytes; expected a destination policy within the CloudWatch Logs limit of 5120 bytes/,
    );
  });
});
