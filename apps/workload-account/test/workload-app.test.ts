import { join } from 'node:path';
import { createApp } from '@cdk-guardrails/app-kit';
import { loadConfig } from '@cdk-guardrails/config';
import { Template } from 'aws-cdk-lib/assertions';
import { buildWorkloadApp } from '../src/workload-app';

const CONFIG_DIR = join(__dirname, '..', '..', '..', 'config');

function synth(env: string) {
  const config = loadConfig(env, { configDir: CONFIG_DIR });
  const app = createApp({ context: { env } });
  const stacks = buildWorkloadApp(app, config);
  return { config, stacks, templates: stacks.map((s) => Template.fromStack(s)) };
}

describe('workload account app', () => {
  test('one stack per workload account and region (plus us-east-1 for IAM capture), named by environment, role, account name and region, with an explicit env', () => {
    const { stacks } = synth('prod');
    expect(stacks.map((s) => [s.stackName, s.account, s.region])).toEqual([
      ['prod-workload-payments-eu-west-1', '666666666666', 'eu-west-1'],
      ['prod-workload-payments-eu-central-1', '666666666666', 'eu-central-1'],
      ['prod-workload-payments-us-east-1', '666666666666', 'us-east-1'],
      ['prod-workload-ledger-eu-west-1', '777777777777', 'eu-west-1'],
      ['prod-workload-ledger-us-east-1', '777777777777', 'us-east-1'],
    ]);
  });

  test.each(['dev', 'staging', 'prod'])('%s: references no stack outside the workload app (CloudFormation cannot reference another account)', (env) => {
    const { stacks, templates } = synth(env);
    const ownStacks = new Set(stacks.map((s) => s.stackName));
    for (const template of templates) {
      const json = JSON.stringify(template.toJSON());
      expect(json).not.toMatch(/Fn::ImportValue/);
      for (const [, stackName] of json.matchAll(/"Fn::GetStackOutput":\{"StackName":"([^"]+)"/g)) expect(ownStacks.has(stackName)).toBe(true);
    }
  });

  test('stacks of an account deploy after its home stack, which owns the account-wide boundary', () => {
    const { stacks } = synth('prod');
    const byName = new Map(stacks.map((s) => [s.stackName, s]));
    expect(byName.get('prod-workload-payments-eu-central-1')!.dependencies.map((d) => d.stackName)).toContain('prod-workload-payments-eu-west-1');
    expect(byName.get('prod-workload-payments-us-east-1')!.dependencies.map((d) => d.stackName)).toContain('prod-workload-payments-eu-west-1');
    expect(byName.get('prod-workload-ledger-us-east-1')!.dependencies.map((d) => d.stackName)).toContain('prod-workload-ledger-eu-west-1');
  });

  test.each(['dev', 'staging', 'prod'])('%s: each region has its own rotating keys', (env) => {
    const { templates, config } = synth(env);
    for (const template of templates) {
      const keys = Object.values(template.findResources('AWS::KMS::Key'));
      expect(keys).toHaveLength(3);
      for (const key of keys) {
        expect(key.Properties.EnableKeyRotation).toBe(true);
        expect(key.Properties.RotationPeriodInDays).toBe(config.kms.rotationPeriodDays);
        expect(key.DeletionPolicy).toBe(config.removalPolicy === 'retain' ? 'Retain' : 'Delete');
      }
    }
  });
});
