import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DetectiveControls, DetectiveControlsProps } from '../lib';

const S3_CONTROLS = ['ct-s3-pr-2', 'ct-s3-pr-3', 'ct-s3-pr-4', 'ct-s3-pr-6'];

function configBucket(props: (stack: Stack) => DetectiveControlsProps): { id: string; resource: any; template: any } {
  const stack = new Stack(new App({ context: { '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true } }), 'S', {
    env: { account: '111111111111', region: 'eu-west-1' },
  });
  new DetectiveControls(stack, 'Controls', props(stack));
  const template = Template.fromStack(stack).toJSON();
  const id = Object.keys(template.Resources).find((k) => k.startsWith('ControlsConfigBucket') && template.Resources[k].Type === 'AWS::S3::Bucket')!;
  return { id, resource: template.Resources[id], template };
}

/** The Control Tower S3 rules (the files the compliance gate runs) on the whole template: the names of those that fail. */
function failingControls(template: any): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'ct-config-bucket-'));
  const path = join(dir, 'template.json');
  writeFileSync(path, JSON.stringify(template));
  return S3_CONTROLS.filter((control) => {
    const rule = require.resolve(`@cdklabs/cdk-validator-cfnguard/rules/control-tower/cfn-guard/s3/${control}.guard`);
    const report = new CfnGuardValidator({ controlTowerRulesEnabled: false, rules: [rule] }).validate({ templatePaths: [path], appConstruct: new App() });
    return report.violations.some((v) =>
      v.violatingResources.some(
        (r) =>
          r.resourceLogicalId ===
          Object.keys(template.Resources).find((k) => k.startsWith('ControlsConfigBucket') && template.Resources[k].Type === 'AWS::S3::Bucket'),
      ),
    );
  });
}

describe('the Config bucket DetectiveControls creates', () => {
  test('by default: audit-evidence lifecycle, EventBridge notifications on the bucket itself (no custom resource), no Object Lock', () => {
    const { resource, template } = configBucket(() => ({}));
    expect(resource.Properties.LifecycleConfiguration.Rules).toEqual([
      {
        Id: 'ConfigHistoryAsAuditEvidence',
        Status: 'Enabled',
        Transitions: [
          { StorageClass: 'GLACIER_IR', TransitionInDays: 90 },
          { StorageClass: 'DEEP_ARCHIVE', TransitionInDays: 365 },
        ],
        ExpirationInDays: 3653,
        NoncurrentVersionExpiration: { NoncurrentDays: 30 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
      },
    ]);
    expect(resource.Properties.NotificationConfiguration).toEqual({ EventBridgeConfiguration: { EventBridgeEnabled: true } });
    // AWS Config does not deliver to a bucket with Object Lock.
    expect(resource.Properties.ObjectLockEnabled).toBeUndefined();
    expect(Object.values<any>(template.Resources).filter((r) => r.Type === 'Custom::S3BucketNotifications')).toEqual([]);
  });

  test('with configBucketAccessLogs it logs there and passes CT.S3.PR.2, 3, 4 and 6; without, CT.S3.PR.2 fails', () => {
    const logged = configBucket((stack) => ({ configBucketAccessLogs: new s3.Bucket(stack, 'AccessLogs', { encryption: s3.BucketEncryption.S3_MANAGED }) }));
    expect(logged.resource.Properties.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: expect.stringMatching(/^AccessLogs/) } });
    expect(failingControls(logged.template)).toEqual([]);
    expect(failingControls(configBucket(() => ({})).template)).toEqual(['ct-s3-pr-2']);
  });

  test('configBucketLifecycleRules replaces the default', () => {
    const { resource } = configBucket(() => ({ configBucketLifecycleRules: [{ id: 'Short', expiration: Duration.days(400) }] }));
    expect(resource.Properties.LifecycleConfiguration.Rules).toEqual([{ Id: 'Short', Status: 'Enabled', ExpirationInDays: 400 }]);
  });
});

describe('Config bucket: SSE-C', () => {
  test('blocks writes with customer-provided keys (BlockedEncryptionTypes SSE-C): AWS Config never uses them', () => {
    const { resource } = configBucket(() => ({}));
    expect(resource.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].BlockedEncryptionTypes).toEqual({ EncryptionType: ['SSE-C'] });
  });
});
