import { join } from 'node:path';
import { createApp, loadConfig } from '@cdk-guardrails/config';
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

  test.each(['dev', 'staging', 'prod'])('%s: references nothing in another stack or account (no imports, no cross-stack exports)', (env) => {
    for (const template of synth(env).templates) {
      const json = JSON.stringify(template.toJSON());
      expect(json).not.toMatch(/Fn::ImportValue/);
      // The only thing a workload may name in the security account is its log destination (derived from config).
      const securityAccountId = loadConfig(env, { configDir: CONFIG_DIR }).securityAccount.accountId;
      expect(json).not.toMatch(new RegExp(`arn:aws:[a-z]+:[a-z0-9-]*:${securityAccountId}:(?!destination:)`));
    }
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
