/**
 * The account baseline in the security account: EBS encryption by default with each region's data
 * key (in the keys stack, next to the key), S3 Block Public Access of the account once (the first
 * region's keys stack), the SSE-C block on its buckets; switchable in config.
 */
import { join } from 'node:path';
import { createApp } from '@cdk-guardrails/app-kit';
import { GuardrailsConfig, loadConfig, parseConfig } from '@cdk-guardrails/config';
import { CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { KeysStack } from '../src/keys-stack';
import { buildSecurityApp } from '../src/security-app';

const CONFIG_DIR = join(__dirname, '..', '..', '..', 'config');
const DEV = loadConfig('dev', { configDir: CONFIG_DIR });

function synth(config: GuardrailsConfig) {
  return buildSecurityApp(createApp({ context: { env: config.environment } }), config).map((stack) => ({ stack, template: Template.fromStack(stack) }));
}

describe('account baseline in the security app (dev)', () => {
  const stacks = synth(DEV);
  const keys = stacks.filter(({ stack }) => stack instanceof KeysStack);

  test('every keys stack sets EBS encryption by default to its data key', () => {
    expect(keys.length).toBe(DEV.securityAccount.regions.length);
    for (const { stack, template } of keys) {
      const [resource] = Object.values(template.findResources('Custom::EbsEncryptionByDefault'));
      expect(JSON.stringify(resource.Properties.KmsKeyId)).toContain(stack.getLogicalId((stack as KeysStack).keys.dataKey.node.defaultChild as CfnResource));
    }
  });

  test('S3 Block Public Access of the account: exactly once, in the first region', () => {
    const owners = stacks.filter(({ template }) => Object.keys(template.findResources('Custom::AccountPublicAccessBlock')).length > 0);
    expect(owners.map(({ stack }) => stack.region)).toEqual([DEV.securityAccount.regions[0]]);
  });

  test('the settings function logs to /aws/lambda/guardrails-account-settings, encrypted with the logs key, kept as the security class', () => {
    for (const { stack, template } of keys) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: 'guardrails-account-settings',
        LoggingConfig: { LogGroup: { Ref: Object.keys(template.findResources('AWS::Logs::LogGroup'))[0] } },
      });
      template.hasResourceProperties('AWS::Logs::LogGroup', {
        LogGroupName: '/aws/lambda/guardrails-account-settings',
        RetentionInDays: DEV.logging.retentionDays.security,
        KmsKeyId: { 'Fn::GetAtt': [stack.getLogicalId((stack as KeysStack).keys.logsKey.node.defaultChild as CfnResource), 'Arn'] },
      });
    }
  });

  test('the trail, access-log and Config buckets block SSE-C', () => {
    const buckets = stacks.flatMap(({ template }) => Object.values(template.findResources('AWS::S3::Bucket')));
    expect(buckets.length).toBeGreaterThan(0);
    for (const bucket of buckets) expect(JSON.stringify(bucket.Properties.BucketEncryption)).toContain('"SSE-C"');
  });

  test('switched off in config: no account settings, buckets write NONE', () => {
    const raw = JSON.parse(JSON.stringify(DEV));
    raw.accountBaseline = { s3BlockPublicAccess: false, ebsEncryptionByDefault: false, blockSseCObjectWrites: false };
    for (const { template } of synth(parseConfig(raw, 'dev'))) {
      expect(template.findResources('Custom::EbsEncryptionByDefault')).toEqual({});
      expect(template.findResources('Custom::AccountPublicAccessBlock')).toEqual({});
      // The Config bucket (detective-controls) blocks SSE-C whatever the switch: AWS Config never uses it.
      const buckets = Object.entries(template.findResources('AWS::S3::Bucket')).filter(([id]) => !id.includes('ConfigBucket'));
      expect(JSON.stringify(buckets)).not.toContain('"SSE-C"');
    }
  });
});
