/**
 * red15: the public API of @cdk-guardrails/central-logging used by a library user who makes
 * mistakes, or by an attacker who controls a prop value (read from a config file).
 *
 * `test.failing` = a finding: the test encodes the secure expectation and fails today.
 * `checked and closed` = the refusal exists and is pinned here.
 */
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { CentralLogDestination, CentralLogShipping, LogClass, LogSenders, SecurityEventCapture, TrailScope } from '../lib';
import { newKey, newStack, newTrailBucket, OTHER_WORKLOAD_ACCOUNT, SECURITY_ACCOUNT, WORKLOAD_ACCOUNT } from './helpers';

const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const SENDERS = LogSenders.fromAccounts([WORKLOAD_ACCOUNT]);

describe('red15 findings: central-logging', () => {
  // R15-10: the class retentions are defaults only. Any logs.RetentionDays is accepted for any class,
  // so the audit class (10 years) can be shipped into a central log group that keeps a day, with no
  // error and no warning. (The config package's schema accepts any retention per class as well:
  // seen in packages/config/src/schema.ts, not demonstrated here.)
  test.failing('R15-10a fails if CentralLogDestination retention.audit is shorter than the audit class (10 years)', () => {
    const stack = newStack();
    expect(
      () => new CentralLogDestination(stack, 'Central', { senders: SENDERS, logsKey: newKey(stack), retention: { audit: logs.RetentionDays.ONE_DAY } }),
    ).toThrow(/retention.audit/);
  });

  test('R15-10a (what is synthesized today): /guardrails/central/audit keeps one day', () => {
    const stack = newStack();
    new CentralLogDestination(stack, 'Central', { senders: SENDERS, logsKey: newKey(stack), retention: { audit: logs.RetentionDays.ONE_DAY } });
    Template.fromStack(stack).hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/guardrails/central/audit', RetentionInDays: 1 });
  });

  test.failing('R15-10b fails if CentralLogDestination retention.security is shorter than the security class (90 days)', () => {
    const stack = newStack();
    expect(
      () => new CentralLogDestination(stack, 'Central', { senders: SENDERS, logsKey: newKey(stack), retention: { security: logs.RetentionDays.ONE_DAY } }),
    ).toThrow(/retention.security/);
  });

  test.failing('R15-10c fails if SecurityEventCapture auditLogRetention is shorter than the audit class (10 years)', () => {
    const stack = newStack('eu-west-1', WORKLOAD_ACCOUNT);
    const key = newKey(stack);
    expect(
      () =>
        new SecurityEventCapture(stack, 'Capture', { trailBucket: newTrailBucket(stack, key), logsKey: key, auditLogRetention: logs.RetentionDays.ONE_DAY }),
    ).toThrow(/auditLogRetention/);
  });

  test.failing('R15-10d fails if SecurityEventCapture securityLogRetention is shorter than the security class (90 days)', () => {
    const stack = newStack('eu-west-1', WORKLOAD_ACCOUNT);
    const key = newKey(stack);
    expect(
      () => new SecurityEventCapture(stack, 'Capture', { trailScope: TrailScope.NONE, logsKey: key, securityLogRetention: logs.RetentionDays.ONE_DAY }),
    ).toThrow(/securityLogRetention/);
  });

  // R15-11: logsKey is used as given. A key of another region (CloudWatch Logs, Kinesis and SQS
  // need a key of their region: the deploy fails) or of another account (whose owner can disable
  // it: the central log groups and the stream stop accepting records, i.e. the evidence pipeline
  // stops) is accepted without a word, although the ARN is literal and the stack's env concrete.
  test('R15-11a fails if CentralLogDestination logsKey is a key of another account', () => {
    const stack = newStack();
    const foreign = kms.Key.fromKeyArn(stack, 'Foreign', `arn:aws:kms:eu-west-1:${OTHER_WORKLOAD_ACCOUNT}:key/${KEY_ID}`);
    expect(() => new CentralLogDestination(stack, 'Central', { senders: SENDERS, logsKey: foreign })).toThrow(/logsKey/);
  });

  test('R15-11b fails if CentralLogDestination logsKey is a key of another region', () => {
    const stack = newStack();
    const foreign = kms.Key.fromKeyArn(stack, 'Foreign', `arn:aws:kms:us-east-1:${SECURITY_ACCOUNT}:key/${KEY_ID}`);
    expect(() => new CentralLogDestination(stack, 'Central', { senders: SENDERS, logsKey: foreign })).toThrow(/logsKey/);
  });

  test('R15-11c fails if SecurityEventCapture logsKey is a key of another region', () => {
    const stack = newStack('eu-west-1', WORKLOAD_ACCOUNT);
    const foreign = kms.Key.fromKeyArn(stack, 'Foreign', `arn:aws:kms:us-east-1:${WORKLOAD_ACCOUNT}:key/${KEY_ID}`);
    expect(() => new SecurityEventCapture(stack, 'Capture', { trailScope: TrailScope.NONE, logsKey: foreign })).toThrow(/logsKey/);
  });

  test('R15-11 (fixed): the error names the key, both environments and why', () => {
    const stack = newStack();
    const arn = `arn:aws:kms:us-east-1:${OTHER_WORKLOAD_ACCOUNT}:key/${KEY_ID}`;
    expect(() => new CentralLogDestination(stack, 'Central', { senders: SENDERS, logsKey: kms.Key.fromKeyArn(stack, 'Foreign', arn) })).toThrow(
      `${stack.stackName}/Central: logsKey: received key '${arn}' of account ${OTHER_WORKLOAD_ACCOUNT} region us-east-1; expected a key of the stack's account ${SECURITY_ACCOUNT} and region eu-west-1`,
    );
  });

  // R15-12: a filter pattern on an audit- or security-class log group ships only part of the
  // evidence (for example '{ $.eventName = "nothing" }' ships none of CloudTrail): accepted silently.
  test('R15-12 control: an app- or security-class group may be filtered (security events picked out of an app log); the error names the pattern and the class', () => {
    const stack = newStack('eu-west-1', WORKLOAD_ACCOUNT);
    const shipping = new CentralLogShipping(stack, 'Shipping', {
      destinationArn: CentralLogDestination.arnFor(SECURITY_ACCOUNT, 'eu-west-1', 'guardrails-central-logs'),
    });
    shipping.addLogGroup(new logs.LogGroup(stack, 'App', { logGroupName: '/guardrails/app/orders' }), { logClass: LogClass.APP, filterPattern: 'ERROR' });
    shipping.addLogGroup(new logs.LogGroup(stack, 'Events', { logGroupName: '/guardrails/app/auth' }), {
      logClass: LogClass.SECURITY,
      filterPattern: '{ $.event = "sign-in" }',
    });
    expect(() =>
      shipping.addLogGroup(new logs.LogGroup(stack, 'Trail', { logGroupName: '/guardrails/audit/cloudtrail' }), {
        logClass: LogClass.AUDIT,
        filterPattern: 'x',
      }),
    ).toThrow(/filterPattern: received "x" for the audit class; expected '' \(every event\)/);
  });

  test('R15-12 fails (or warns) if an audit-class log group is shipped with a filter pattern', () => {
    const stack = newStack('eu-west-1', WORKLOAD_ACCOUNT);
    const shipping = new CentralLogShipping(stack, 'Shipping', {
      destinationArn: CentralLogDestination.arnFor(SECURITY_ACCOUNT, 'eu-west-1', 'guardrails-central-logs'),
    });
    const group = new logs.LogGroup(stack, 'Trail', { logGroupName: '/guardrails/audit/cloudtrail' });
    let threw = false;
    try {
      shipping.addLogGroup(group, { logClass: LogClass.AUDIT, filterPattern: '{ $.eventName = "nothing" }' });
    } catch {
      threw = true;
    }
    if (threw) return;
    const warnings = stack.node.metadata.concat(shipping.node.findAll().flatMap((c) => c.node.metadata)).filter((m) => m.type === 'aws:cdk:warning');
    expect(warnings.length).toBeGreaterThan(0);
  });

  describe('checked and closed', () => {
    test('fails if senders is an empty account list, or holds a value that is not an account id', () => {
      const stack = newStack();
      expect(() => new CentralLogDestination(stack, 'A', { senders: LogSenders.fromAccounts([]), logsKey: newKey(stack) })).toThrow(
        /senders: received an empty account list/,
      );
      expect(() => new CentralLogDestination(stack, 'B', { senders: LogSenders.fromAccounts(['*']), logsKey: newKey(stack, 'K2') })).toThrow(
        /senders: received "\*"/,
      );
      expect(() => new CentralLogDestination(stack, 'C', { senders: LogSenders.fromOrganization('*'), logsKey: newKey(stack, 'K3') })).toThrow(
        /senders: received organization id/,
      );
    });

    test('fails if an evidence subscriber pattern is role/* (every principal of the senders)', () => {
      const stack = newStack();
      expect(
        () =>
          new CentralLogDestination(stack, 'A', {
            senders: SENDERS,
            logsKey: newKey(stack),
            evidenceSubscriberArnPatterns: [`arn:aws:iam::${WORKLOAD_ACCOUNT}:role/*`],
          }),
      ).toThrow(/evidenceSubscriberArnPatterns/);
    });

    test('fails if administratorArns is empty or a wildcard', () => {
      const stack = newStack();
      expect(() => new CentralLogDestination(stack, 'A', { senders: SENDERS, logsKey: newKey(stack), administratorArns: [] })).toThrow(
        /administratorArns: received \[\]/,
      );
      expect(
        () =>
          new CentralLogDestination(stack, 'B', {
            senders: SENDERS,
            logsKey: newKey(stack, 'K2'),
            administratorArns: [`arn:aws:iam::${SECURITY_ACCOUNT}:role/*`],
          }),
      ).toThrow(/administratorArns/);
    });

    test('fails if the forwarder would write into a central log group, or the shipping destination is in another region', () => {
      const stack = newStack();
      expect(
        () => new CentralLogDestination(stack, 'A', { senders: SENDERS, logsKey: newKey(stack), forwarderLogGroupName: '/guardrails/central/audit' }),
      ).toThrow(/forwarderLogGroupName/);
      const workload = newStack('eu-west-1', WORKLOAD_ACCOUNT);
      expect(
        () =>
          new CentralLogShipping(workload, 'Shipping', {
            destinationArn: CentralLogDestination.arnFor(SECURITY_ACCOUNT, 'us-east-1', 'guardrails-central-logs'),
          }),
      ).toThrow(/region/);
    });

    test('fails if numeric props are out of range (batch size 0, NaN parallelization, zero shards)', () => {
      const stack = newStack();
      expect(() => new CentralLogDestination(stack, 'A', { senders: SENDERS, logsKey: newKey(stack), forwarderBatchSize: 0 })).toThrow(/forwarderBatchSize/);
      expect(() => new CentralLogDestination(stack, 'B', { senders: SENDERS, logsKey: newKey(stack, 'K2'), forwarderParallelizationFactor: NaN })).toThrow(
        /forwarderParallelizationFactor/,
      );
    });

    test('by default the central log groups keep audit 10 years, security 90 days, app 30 days, KMS-encrypted, retained', () => {
      const stack = newStack();
      new CentralLogDestination(stack, 'Central', { senders: SENDERS, logsKey: newKey(stack) });
      const groups = Template.fromStack(stack).findResources('AWS::Logs::LogGroup');
      const byName = Object.fromEntries(Object.values(groups).map((g: any) => [g.Properties.LogGroupName, g]));
      expect(byName['/guardrails/central/audit'].Properties.RetentionInDays).toBe(3653);
      expect(byName['/guardrails/central/security'].Properties.RetentionInDays).toBe(90);
      expect(byName['/guardrails/central/app'].Properties.RetentionInDays).toBe(30);
      for (const g of Object.values(groups) as any[]) {
        expect(g.Properties.KmsKeyId).toBeDefined();
        expect(g.DeletionPolicy).toBe('Retain');
      }
    });
  });
});
