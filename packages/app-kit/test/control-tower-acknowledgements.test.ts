import { join } from 'path';
import { loadConfig } from '@cdk-guardrails/config';
import { App, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import { acknowledgedIds, crossStackLogsKeyAcknowledgements, detectiveControlsAcknowledgements, logClassRetentionAcknowledgements } from '../src';

const config = loadConfig('prod', { configDir: join(__dirname, '..', '..', '..', 'config') });
const ENV = { account: '111111111111', region: 'eu-west-1' };
const RETENTION = 'cdk-validator-cfnguard::cloudwatch_log_group_retention_period_check';
const LOG_GROUP_KEY = 'cdk-validator-cfnguard::cloudwatch_log_group_encrypted_check';

describe('logClassRetentionAcknowledgements', () => {
  function stackWith(retention: logs.RetentionDays): Stack {
    const stack = new Stack(new App(), 'S', { env: ENV });
    new logs.LogGroup(stack, 'Group', { retention });
    return stack;
  }
  const [security] = logClassRetentionAcknowledgements(config, [{ path: 'Group/Resource', logClass: 'security' }]);
  const [app] = logClassRetentionAcknowledgements(config, [{ path: 'Group/Resource', logClass: 'app' }]);

  test('acknowledges CT.CLOUDWATCH.PR.2 on a group kept exactly its class retention, naming the class and days', () => {
    expect(config.logging.retentionDays.security).toBe(90);
    expect(acknowledgedIds(security, stackWith(logs.RetentionDays.THREE_MONTHS))).toEqual([RETENTION]);
    expect(acknowledgedIds(app, stackWith(logs.RetentionDays.ONE_MONTH))).toEqual([RETENTION]);
    expect(security.reason).toContain('security class log group, kept 90 days');
  });

  test('acknowledges nothing where the retention is not the class retention (the finding stays open)', () => {
    expect(acknowledgedIds(security, stackWith(logs.RetentionDays.ONE_MONTH))).toEqual([]);
    expect(acknowledgedIds(app, stackWith(logs.RetentionDays.ONE_WEEK))).toEqual([]);
    expect(acknowledgedIds(security, new Stack(new App(), 'Empty', { env: ENV }))).toEqual([]);
  });
});

describe('crossStackLogsKeyAcknowledgements', () => {
  const [ack] = crossStackLogsKeyAcknowledgements([{ path: 'Group/Resource', controlIds: ['CT.CLOUDWATCH.PR.3'], keyProperty: 'kmsKeyId' }]);

  function keysStack(app: App, id = 'Keys', name = 'LogsKey'): kms.Key {
    const stack = new Stack(app, 'KeysStack', { env: ENV });
    return new kms.Key(new Construct(stack, id), name);
  }

  test("acknowledges a group encrypted with the keys stack's logs key", () => {
    const app = new App();
    const key = keysStack(app);
    const stack = new Stack(app, 'Logging', { env: ENV, crossRegionReferences: true });
    new logs.LogGroup(stack, 'Group', { encryptionKey: key });
    expect(acknowledgedIds(ack, stack)).toEqual([LOG_GROUP_KEY]);
  });

  test('acknowledges nothing for a key of the same stack, another key of the keys stack, or no key', () => {
    const sameStack = new Stack(new App(), 'Logging', { env: ENV });
    new logs.LogGroup(sameStack, 'Group', { encryptionKey: new kms.Key(new Construct(sameStack, 'Keys'), 'LogsKey') });
    expect(acknowledgedIds(ack, sameStack)).toEqual([]);

    const app = new App();
    const dataKey = keysStack(app, 'Keys', 'DataKey');
    const other = new Stack(app, 'Logging', { env: ENV });
    new logs.LogGroup(other, 'Group', { encryptionKey: dataKey });
    expect(acknowledgedIds(ack, other)).toEqual([]);

    const plain = new Stack(new App(), 'Plain', { env: ENV });
    new logs.LogGroup(plain, 'Group');
    expect(acknowledgedIds(ack, plain)).toEqual([]);
  });
});

describe('the GuardDuty Features-form acknowledgement', () => {
  const ack = detectiveControlsAcknowledgements().find((a) => a.path === 'DetectiveControls/Controls/Detector')!;
  function stackWithDetector(props: guardduty.CfnDetectorProps): Stack {
    const stack = new Stack(new App(), 'S', { env: ENV });
    new guardduty.CfnDetector(new Construct(new Construct(stack, 'DetectiveControls'), 'Controls'), 'Detector', props);
    return stack;
  }

  test('acknowledges CT.GUARDDUTY.PR.1 only where S3 protection is enabled as the feature S3_DATA_EVENTS', () => {
    const features = stackWithDetector({
      enable: true,
      features: [
        { name: 'S3_DATA_EVENTS', status: 'ENABLED' },
        { name: 'RDS_LOGIN_EVENTS', status: 'ENABLED' },
      ],
    });
    expect(acknowledgedIds(ack, features)).toEqual(['cdk-validator-cfnguard::guardduty_s3_protection_enabled_check']);
  });

  test('acknowledges nothing when S3 protection is off, or in the DataSources form (which the rule reads)', () => {
    expect(acknowledgedIds(ack, stackWithDetector({ enable: true, features: [{ name: 'S3_DATA_EVENTS', status: 'DISABLED' }] }))).toEqual([]);
    expect(acknowledgedIds(ack, stackWithDetector({ enable: true, features: [{ name: 'RDS_LOGIN_EVENTS', status: 'ENABLED' }] }))).toEqual([]);
    expect(acknowledgedIds(ack, stackWithDetector({ enable: true, dataSources: { s3Logs: { enable: true } } }))).toEqual([]);
  });
});
