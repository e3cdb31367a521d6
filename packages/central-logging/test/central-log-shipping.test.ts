import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { resolveIntrinsics, singleResource } from '@cdk-guardrails/policy-test-kit';
import { CentralLogDestination, CentralLogShipping, LogClass, LogSenders } from '../lib';
import { newKey, newStack, SECURITY_ACCOUNT, WORKLOAD_ACCOUNT } from './helpers';

const DEST = CentralLogDestination.arnFor(SECURITY_ACCOUNT, 'eu-west-1', 'guardrails-central-logs');

describe('CentralLogShipping', () => {
  test('subscribes a log group to the same-region destination with its class in the filter name', () => {
    // GIVEN
    const stack = newStack('eu-west-1', WORKLOAD_ACCOUNT);
    const group = new logs.LogGroup(stack, 'AppLogs', { logGroupName: '/app/orders' });
    const shipping = new CentralLogShipping(stack, 'Shipping', { destinationArn: DEST });
    // WHEN
    shipping.addLogGroup(group, { logClass: LogClass.APP });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::Logs::SubscriptionFilter', {
      DestinationArn: DEST,
      LogGroupName: { Ref: Match.stringLikeRegexp('AppLogs') },
      FilterPattern: '',
      FilterName: Match.stringLikeRegexp('^guardrails-app-'),
      RoleArn: Match.absent(),
    });
  });

  test('a filter pattern narrows what is shipped', () => {
    const stack = newStack('eu-west-1', WORKLOAD_ACCOUNT);
    const group = new logs.LogGroup(stack, 'AppLogs');
    new CentralLogShipping(stack, 'Shipping', { destinationArn: DEST }).addLogGroup(group, {
      logClass: LogClass.SECURITY,
      filterPattern: '{ $.level = "ERROR" }',
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Logs::SubscriptionFilter', {
      FilterPattern: '{ $.level = "ERROR" }',
      FilterName: Match.stringLikeRegexp('^guardrails-security-'),
    });
  });

  test('with useSenderRole, passes a sender role that CloudWatch Logs of this account and region may assume', () => {
    const stack = newStack('eu-west-1', WORKLOAD_ACCOUNT);
    const group = new logs.LogGroup(stack, 'AppLogs');
    const shipping = new CentralLogShipping(stack, 'Shipping', { destinationArn: DEST, useSenderRole: true });
    shipping.addLogGroup(group, { logClass: LogClass.APP });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Logs::SubscriptionFilter', {
      RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('ShippingSenderRole'), 'Arn'] },
    });
    const [, role] = singleResource(t.toJSON(), 'AWS::IAM::Role');
    const trust = resolveIntrinsics(role.Properties.AssumeRolePolicyDocument, { account: WORKLOAD_ACCOUNT, region: 'eu-west-1' });
    expect(trust.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'logs.amazonaws.com' },
        Condition: { StringLike: { 'aws:SourceArn': `arn:aws:logs:eu-west-1:${WORKLOAD_ACCOUNT}:*` } },
      },
    ]);
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{ Action: 'logs:PutLogEvents', Effect: 'Allow', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('AppLogs'), 'Arn'] } }],
      },
    });
  });

  test("fails if asked to subscribe the forwarder's own log group (log recursion)", () => {
    // GIVEN the security account also ships its own log groups
    const stack = newStack('eu-west-1', SECURITY_ACCOUNT);
    const dest = new CentralLogDestination(stack, 'Central', { senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]), logsKey: newKey(stack) });
    const shipping = new CentralLogShipping(stack, 'Shipping', { destinationArn: DEST });
    // THEN
    expect(() => shipping.addLogGroup(dest.forwarderLogGroup, { logClass: LogClass.APP })).toThrow(
      /^TestStack\/Shipping: logGroup: received TestStack\/Central\/ForwarderLogGroup, which must not be subscribed: it is the forwarder's own log group: .*\(log recursion\); expected a log group other than a central log group or a forwarder's own log group$/,
    );
  });

  test('fails if asked to subscribe a central log group', () => {
    const stack = newStack('eu-west-1', SECURITY_ACCOUNT);
    const dest = new CentralLogDestination(stack, 'Central', { senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]), logsKey: newKey(stack) });
    const shipping = new CentralLogShipping(stack, 'Shipping', { destinationArn: DEST });
    expect(() => shipping.addLogGroup(dest.auditLogGroup, { logClass: LogClass.AUDIT })).toThrow(
      /^TestStack\/Shipping: logGroup: received .*, which must not be subscribed: .*central audit log group/,
    );
    const imported = logs.LogGroup.fromLogGroupName(stack, 'Imported', '/guardrails/central/app');
    expect(() => shipping.addLogGroup(imported, { logClass: LogClass.APP })).toThrow(/central app log group/);
  });

  test('fails if asked to subscribe a central log group imported by name, with a custom prefix', () => {
    // GIVEN the central log groups under a custom prefix (the default-prefix check cannot see them)
    const stack = newStack('eu-west-1', SECURITY_ACCOUNT);
    new CentralLogDestination(stack, 'Central', {
      senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]),
      logsKey: newKey(stack),
      logGroupNamePrefix: '/org/central',
    });
    const shipping = new CentralLogShipping(stack, 'Shipping', { destinationArn: DEST });
    // WHEN / THEN
    const imported = logs.LogGroup.fromLogGroupName(stack, 'Imported', '/org/central/security');
    expect(() => shipping.addLogGroup(imported, { logClass: LogClass.SECURITY })).toThrow(/central security log group/);
  });

  test("fails if asked to subscribe the forwarder's named log group imported by name (log recursion)", () => {
    const stack = newStack('eu-west-1', SECURITY_ACCOUNT);
    new CentralLogDestination(stack, 'Central', {
      senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]),
      logsKey: newKey(stack),
      forwarderLogGroupName: '/guardrails/lambda/log-forwarder',
    });
    const shipping = new CentralLogShipping(stack, 'Shipping', { destinationArn: DEST });
    const imported = logs.LogGroup.fromLogGroupName(stack, 'Imported', '/guardrails/lambda/log-forwarder');
    expect(() => shipping.addLogGroup(imported, { logClass: LogClass.APP })).toThrow(/forwarder's own log group.*log recursion/);
  });

  test("fails at synth if the forwarder's log group was shipped by name before the destination was defined", () => {
    // GIVEN shipping first, in the same app
    const stack = newStack('eu-west-1', SECURITY_ACCOUNT);
    const shipping = new CentralLogShipping(stack, 'Shipping', { destinationArn: DEST });
    shipping.addLogGroup(logs.LogGroup.fromLogGroupName(stack, 'Imported', '/guardrails/lambda/log-forwarder'), { logClass: LogClass.APP });
    // WHEN the destination names its forwarder's log group the same
    new CentralLogDestination(stack, 'Central', {
      senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]),
      logsKey: newKey(stack),
      forwarderLogGroupName: '/guardrails/lambda/log-forwarder',
    });
    // THEN
    expect(() => Template.fromStack(stack)).toThrow(
      /TestStack\/Shipping: logGroup: received TestStack\/Imported, which must not be subscribed: it is the forwarder's own log group/,
    );
  });

  test('fails if the destination is in another region than the stack', () => {
    const stack = newStack('eu-central-1', WORKLOAD_ACCOUNT);
    expect(() => new CentralLogShipping(stack, 'Shipping', { destinationArn: DEST })).toThrow(
      /^TestStack\/Shipping: destinationArn: received a destination in eu-west-1; expected a destination in this stack's region eu-central-1/,
    );
  });

  test('fails if the destination ARN is not a Logs destination ARN', () => {
    const stack = newStack('eu-west-1', WORKLOAD_ACCOUNT);
    expect(() => new CentralLogShipping(stack, 'Shipping', { destinationArn: 'arn:aws:kinesis:eu-west-1:999999999999:stream/x' })).toThrow(
      /^TestStack\/Shipping: destinationArn: received "arn:aws:kinesis.*; expected an ARN like arn:<partition>:logs:<region>:<account>:destination:<name>$/,
    );
  });

  test('fails if the same log group is shipped twice', () => {
    const stack = newStack('eu-west-1', WORKLOAD_ACCOUNT);
    const group = new logs.LogGroup(stack, 'AppLogs');
    const shipping = new CentralLogShipping(stack, 'Shipping', { destinationArn: DEST });
    shipping.addLogGroup(group, { logClass: LogClass.APP });
    expect(() => shipping.addLogGroup(group, { logClass: LogClass.AUDIT })).toThrow(
      /^TestStack\/Shipping: logGroup: received TestStack\/AppLogs, already shipped with class app; expected each log group shipped once: a log group has one class$/,
    );
  });

  test('fails if the class is not one of audit, security, app', () => {
    const stack = newStack('eu-west-1', WORKLOAD_ACCOUNT);
    const group = new logs.LogGroup(stack, 'AppLogs');
    const shipping = new CentralLogShipping(stack, 'Shipping', { destinationArn: DEST });
    expect(() => shipping.addLogGroup(group, { logClass: 'debug' as LogClass })).toThrow(
      /^TestStack\/Shipping: logClass: received "debug"; expected one of audit, security, app$/,
    );
  });
});

describe('CentralLogShipping senderRoleName (an SCP lets only named roles write the shipped guardrail log groups)', () => {
  test('names the sender role; refused without useSenderRole or with a bad name', () => {
    const stack = newStack('eu-west-1', WORKLOAD_ACCOUNT);
    const destinationArn = 'arn:aws:logs:eu-west-1:999999999999:destination:guardrails-central-logs';
    new CentralLogShipping(stack, 'Shipping', { destinationArn, useSenderRole: true, senderRoleName: 'guardrails-log-writer-sender-eu-west-1' });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', { RoleName: 'guardrails-log-writer-sender-eu-west-1' });
    expect(() => new CentralLogShipping(stack, 'NoRole', { destinationArn, senderRoleName: 'x' })).toThrow(
      /senderRoleName: received "x" without useSenderRole; expected useSenderRole: true, or no senderRoleName/,
    );
    expect(() => new CentralLogShipping(stack, 'Bad', { destinationArn, useSenderRole: true, senderRoleName: 'a b' })).toThrow(
      /senderRoleName: received "a b".*\(IAM role name\)/,
    );
  });
  describe('evidenceDestinationArn (red-team A14, stream flood)', () => {
    const EVIDENCE = CentralLogDestination.arnFor(SECURITY_ACCOUNT, 'eu-west-1', 'guardrails-central-logs-evidence');

    test('ships the audit and security classes to the evidence destination and the app class to destinationArn', () => {
      // GIVEN
      const stack = newStack('eu-west-1', WORKLOAD_ACCOUNT);
      const shipping = new CentralLogShipping(stack, 'Shipping', { destinationArn: DEST, evidenceDestinationArn: EVIDENCE, useSenderRole: true });
      // WHEN
      const audit = shipping.addLogGroup(new logs.LogGroup(stack, 'Audit'), { logClass: LogClass.AUDIT });
      const security = shipping.addLogGroup(new logs.LogGroup(stack, 'Security'), { logClass: LogClass.SECURITY });
      const app = shipping.addLogGroup(new logs.LogGroup(stack, 'App'), { logClass: LogClass.APP });
      // THEN
      expect([audit, security, app].map((f) => f.destinationArn)).toEqual([EVIDENCE, EVIDENCE, DEST]);
      expect(shipping.evidenceDestinationArn).toBe(EVIDENCE);
      // the sender role is passed to both destinations (organization mode checks it on each)
      for (const f of [audit, security, app]) expect(f.roleArn).toBeDefined();
    });

    test('without it every class goes to destinationArn (as before)', () => {
      const stack = newStack('eu-west-1', WORKLOAD_ACCOUNT);
      const shipping = new CentralLogShipping(stack, 'Shipping', { destinationArn: DEST });
      const audit = shipping.addLogGroup(new logs.LogGroup(stack, 'Audit'), { logClass: LogClass.AUDIT });
      expect(audit.destinationArn).toBe(DEST);
      expect(shipping.evidenceDestinationArn).toBeUndefined();
    });

    test('fails if evidenceDestinationArn is not a destination ARN, naming the field', () => {
      const stack = newStack('eu-west-1', WORKLOAD_ACCOUNT);
      expect(() => new CentralLogShipping(stack, 'Shipping', { destinationArn: DEST, evidenceDestinationArn: 'guardrails-central-logs-evidence' })).toThrow(
        /^TestStack\/Shipping: evidenceDestinationArn: received "guardrails-central-logs-evidence"; expected an ARN like arn:<partition>:logs:<region>:<account>:destination:<name>/,
      );
    });

    test('fails if evidenceDestinationArn is in another region', () => {
      const stack = newStack('eu-west-1', WORKLOAD_ACCOUNT);
      const other = CentralLogDestination.arnFor(SECURITY_ACCOUNT, 'us-east-1', 'guardrails-central-logs-evidence');
      expect(() => new CentralLogShipping(stack, 'Shipping', { destinationArn: DEST, evidenceDestinationArn: other })).toThrow(
        /evidenceDestinationArn: received a destination in us-east-1; expected a destination in this stack's region eu-west-1/,
      );
    });

    test('fails if evidenceDestinationArn is destinationArn again', () => {
      const stack = newStack('eu-west-1', WORKLOAD_ACCOUNT);
      expect(() => new CentralLogShipping(stack, 'Shipping', { destinationArn: DEST, evidenceDestinationArn: DEST })).toThrow(
        /evidenceDestinationArn: received ".*guardrails-central-logs"; expected the ARN of the evidence destination, not destinationArn again/,
      );
    });
  });
});
