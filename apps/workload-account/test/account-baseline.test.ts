/**
 * The account baseline (config accountBaseline) in the workload templates: EBS encryption by default
 * with the region's data key in every regional stack of the per-account app, S3 Block Public Access
 * of the account once per account (the home region's stack), the SSE-C block on every bucket of the
 * app (and of the StackSet baseline), and each item switchable.
 */
import { join } from 'node:path';
import { createApp } from '@cdk-guardrails/app-kit';
import { GuardrailsConfig, loadConfig, parseConfig } from '@cdk-guardrails/config';
import { CfnResource, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { WorkloadGuardrailsStack } from '../src/guardrails-stack';
import { WorkloadBaselineStack } from '../src/stackset';
import { buildWorkloadApp } from '../src/workload-app';

const CONFIG_DIR = join(__dirname, '..', '..', '..', 'config');
const DEV = loadConfig('dev', { configDir: CONFIG_DIR });

function withBaseline(config: GuardrailsConfig, accountBaseline: Partial<GuardrailsConfig['accountBaseline']>): GuardrailsConfig {
  const raw = JSON.parse(JSON.stringify(config));
  raw.accountBaseline = { ...raw.accountBaseline, ...accountBaseline };
  return parseConfig(raw, config.environment);
}

function synth(config: GuardrailsConfig) {
  const stacks = buildWorkloadApp(createApp({ context: { env: config.environment } }), config) as WorkloadGuardrailsStack[];
  return stacks.filter((s) => s instanceof WorkloadGuardrailsStack).map((s) => ({ stack: s, template: Template.fromStack(s) }));
}

describe('account baseline in the workload app (dev)', () => {
  const synthesized = synth(DEV);

  test('every regional stack turns on EBS encryption by default with its own data key', () => {
    expect(synthesized.length).toBeGreaterThan(0);
    for (const { stack, template } of synthesized) {
      const resources = Object.values(template.findResources('Custom::EbsEncryptionByDefault'));
      expect(resources).toHaveLength(1);
      expect(JSON.stringify(resources[0].Properties.KmsKeyId)).toContain(stack.getLogicalId(stack.keys.dataKey.node.defaultChild as CfnResource));
    }
  });

  test('the data key lets EC2 use it (else instances with new volumes fail to launch)', () => {
    for (const { stack, template } of synthesized) {
      const key = template.toJSON().Resources[stack.getLogicalId(stack.keys.dataKey.node.defaultChild as CfnResource)];
      const use = key.Properties.KeyPolicy.Statement.find((st: any) => st.Sid === 'UseThroughAwsServicesOfThisAccount');
      expect(JSON.stringify(use.Condition.StringEquals['kms:ViaService'])).toMatch(/ec2\./);
    }
  });

  test('S3 Block Public Access of the account: once per account, in the home region stack', () => {
    const byAccount = new Map<string, number>();
    for (const { stack, template } of synthesized) {
      const n = Object.keys(template.findResources('Custom::AccountPublicAccessBlock')).length;
      byAccount.set(stack.account, (byAccount.get(stack.account) ?? 0) + n);
    }
    for (const count of byAccount.values()) expect(count).toBe(1);
  });

  test('the provider function is named under the protected prefix', () => {
    for (const { template } of synthesized) {
      template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'guardrails-account-settings' });
    }
  });

  test('every bucket of the app blocks SSE-C', () => {
    for (const { template } of synthesized) {
      const buckets = Object.entries(template.findResources('AWS::S3::Bucket'));
      const unblocked = buckets.filter(([, b]) => !JSON.stringify(b.Properties?.BucketEncryption ?? {}).includes('"SSE-C"')).map(([id]) => id);
      expect(unblocked).toEqual([]);
    }
  });

  test('each item can be switched off in config', () => {
    const off = synth(withBaseline(DEV, { s3BlockPublicAccess: false, ebsEncryptionByDefault: false, blockSseCObjectWrites: false }));
    for (const { template } of off) {
      expect(template.findResources('Custom::EbsEncryptionByDefault')).toEqual({});
      expect(template.findResources('Custom::AccountPublicAccessBlock')).toEqual({});
      // The Config bucket (detective-controls) blocks SSE-C whatever the switch: AWS Config never uses it.
      const buckets = Object.entries(template.findResources('AWS::S3::Bucket')).filter(([id]) => !id.includes('ConfigBucket'));
      expect(JSON.stringify(buckets)).not.toContain('"SSE-C"');
    }
  });

  test('the StackSet baseline gets the SSE-C block and the two account settings (inline handler, no asset)', () => {
    // As the StackSet deployment sees a config: an organization, the StackSets execution role.
    const config: GuardrailsConfig = {
      ...DEV,
      organizationId: 'o-abcd123456',
      principals: { ...DEV.principals, stackSetExecutionRoleName: 'stacksets-exec-guardrails', pipelineRoleArns: [] },
    };
    const home = Template.fromStack(new WorkloadBaselineStack(createApp(), 'Home', { config, region: 'us-east-1', homeRegion: true }));
    const other = Template.fromStack(new WorkloadBaselineStack(createApp(), 'Other', { config, region: 'eu-west-1', homeRegion: false }));
    expect(Object.keys(home.findResources('Custom::AccountPublicAccessBlock'))).toHaveLength(1);
    expect(other.findResources('Custom::AccountPublicAccessBlock')).toEqual({});
    for (const template of [home, other]) {
      expect(Object.keys(template.findResources('Custom::EbsEncryptionByDefault'))).toHaveLength(1);
      template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'guardrails-account-settings', Code: { ZipFile: Match.anyValue() } });
      template.hasResourceProperties('AWS::S3::Bucket', {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] } }] },
      });
    }
  });

  test('the provider role carries the protected tag and no boundary', () => {
    const { template } = synthesized[0];
    const roles = Object.values(template.findResources('AWS::IAM::Role')).filter(
      (r: any) =>
        JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('lambda.amazonaws.com') &&
        JSON.stringify(template.findResources('AWS::IAM::Policy')).includes('EnableEbsEncryptionByDefault'),
    );
    expect(roles.length).toBeGreaterThan(0);
    const provider = Object.entries(template.findResources('AWS::IAM::Role')).find(([id]) => id.startsWith('GuardrailsAccountSettingsFunction'));
    expect(provider).toBeDefined();
    expect(provider![1].Properties.PermissionsBoundary).toBeUndefined();
    expect(provider![1].Properties.Tags).toEqual(expect.arrayContaining([{ Key: 'guardrails:protected', Value: 'true' }]));
    void Stack;
  });
});
