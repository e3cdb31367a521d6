// The stack outputs the integration suites read (apps/*/src/outputs.ts), on the shipped configs.
import { join } from 'node:path';
import { createApp } from '@cdk-guardrails/app-kit';
import { GuardrailsConfig, loadConfig } from '@cdk-guardrails/config';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addSecurityKeysOutputs, addSecurityLoggingOutputs } from '../../../apps/security-account/src/outputs';
import { buildSecurityApp } from '../../../apps/security-account/src/security-app';
import { KeysStack } from '../../../apps/security-account/src/keys-stack';
import { LoggingStack } from '../../../apps/security-account/src/logging-stack';
import { WorkloadGuardrailsStack } from '../../../apps/workload-account/src/guardrails-stack';
import { addWorkloadOutputs } from '../../../apps/workload-account/src/outputs';
import { buildWorkloadApp } from '../../../apps/workload-account/src/workload-app';

const CONFIG_DIR = join(__dirname, '..', '..', '..', 'config');

type Template_ = { Resources: Record<string, { Type: string }>; Outputs?: Record<string, { Value: unknown }> };
type Synthesized = { config: GuardrailsConfig; outputs: Map<string, Record<string, { Value: unknown }>>; templates: Map<string, Template_> };
const synthesized = new Map<string, Synthesized>();

/**
 * Builds both apps (fresh Apps) and adds the outputs the way the apps do. Memoized per
 * environment: the tests only read the templates, and each synth of prod takes seconds.
 */
function synthWithOutputs(env: string): Synthesized {
  if (!synthesized.has(env)) synthesized.set(env, synthFresh(env));
  return synthesized.get(env)!;
}

function synthFresh(env: string): Synthesized {
  const config = loadConfig(env, { configDir: CONFIG_DIR });
  const stacks: Stack[] = [];
  const securityApp = createApp({ context: { env } });
  // The apps call these functions themselves once wired (see the ops report); until then the
  // test adds them the same way. Either way the assertions below are on the apps' stacks.
  const wired = (stack: Stack) => stack.node.tryFindChild('GuardrailsRole') !== undefined;
  for (const stack of buildSecurityApp(securityApp, config)) {
    if (stack instanceof KeysStack && !wired(stack)) addSecurityKeysOutputs(stack, config.environment);
    if (stack instanceof LoggingStack && !wired(stack)) addSecurityLoggingOutputs(stack, config.environment);
    stacks.push(stack);
  }
  const workloadApp = createApp({ context: { env } });
  for (const stack of buildWorkloadApp(workloadApp, config)) {
    const ws = stack as WorkloadGuardrailsStack;
    const account = config.workloadAccounts.find((a) => a.accountId === ws.account)!;
    if (!wired(ws)) addWorkloadOutputs(ws, { environment: config.environment, accountName: account.name });
    stacks.push(stack);
  }
  const templates = new Map(stacks.map((s) => [s.stackName, Template.fromStack(s).toJSON() as Template_]));
  return { config, templates, outputs: new Map([...templates].map(([name, t]) => [name, t.Outputs ?? {}])) };
}

const literal = (o: Record<string, { Value: unknown }>, key: string) => {
  expect(o[key]).toBeDefined();
  return o[key].Value;
};

describe('stack outputs for the integration suites', () => {
  test.each(['dev', 'prod'])('%s: every stack says its environment, role, account and region (literal values)', (env) => {
    const { config, outputs } = synthWithOutputs(env);
    expect(outputs.size).toBeGreaterThan(0);
    for (const [name, o] of outputs) {
      expect(literal(o, 'GuardrailsEnvironment')).toBe(config.environment);
      expect(literal(o, 'AccountId')).toMatch(/^\d{12}$/);
      expect(name.endsWith(String(literal(o, 'Region')))).toBe(true);
      expect(['security-keys', 'security-logging', 'workload', 'workload-capture-only']).toContain(literal(o, 'GuardrailsRole'));
    }
  });

  test('workload stacks: keys, log groups and (full stacks only) the data bucket and the rotating secrets', () => {
    const { outputs } = synthWithOutputs('dev');
    const full = outputs.get('dev-workload-payments-eu-west-1')!;
    const capture = outputs.get('dev-workload-payments-us-east-1')!;
    for (const key of ['DataKeyArn', 'SecretsKeyArn', 'LogsKeyArn', 'SecurityLogGroupName']) {
      expect(full[key]).toBeDefined();
      expect(capture[key]).toBeDefined();
    }
    // The account's multi-region trail runs in its home region; the IAM-capture stack has no trail.
    expect(literal(full, 'TrailScope')).toBe('ALL_REGIONS');
    expect(full.AuditLogGroupName).toBeDefined();
    expect(literal(capture, 'TrailScope')).toBe('NONE');
    expect(capture.AuditLogGroupName).toBeUndefined();
    expect(capture.TrailBucketName).toBeUndefined();
    expect(literal(full, 'WorkloadAccountName')).toBe('payments');
    expect(literal(full, 'DataKeyCreated')).toBe('true');
    expect(literal(full, 'GuardrailsRole')).toBe('workload');
    expect(full.DataBucketName).toBeDefined();
    expect(literal(full, 'CapturesIamChanges')).toBe('false');
    // the us-east-1 stack of an account without us-east-1 only captures IAM changes
    expect(literal(capture, 'GuardrailsRole')).toBe('workload-capture-only');
    expect(literal(capture, 'CapturesIamChanges')).toBe('true');
    expect(capture.DataBucketName).toBeUndefined();
    expect(capture.RotatingSecrets).toBeUndefined();
  });

  /** The output refers to the one resource of `type` in the stack (its Ref, or the attribute named). */
  const expectRefTo = (template: Template_, value: unknown, type: string, attribute?: string) => {
    const ids = Object.entries(template.Resources)
      .filter(([, r]) => r.Type === type)
      .map(([id]) => id);
    expect(ids).toHaveLength(1);
    expect(value).toEqual(attribute ? { 'Fn::GetAtt': [ids[0], attribute] } : { Ref: ids[0] });
  };

  test('prod: every workload stack with a trail names its trail bucket; stacks with a data bucket name their backup vault and plan', () => {
    const { config, outputs, templates } = synthWithOutputs('prod');
    expect(config.backup.enabled).toBe(true);
    const workload = [...outputs].filter(([, o]) => String(o.GuardrailsRole.Value).startsWith('workload'));
    expect(workload.map(([, o]) => o.GuardrailsRole.Value)).toEqual(expect.arrayContaining(['workload', 'workload-capture-only']));
    for (const [name, o] of workload) {
      const template = templates.get(name)!;
      const trailBuckets = Object.entries(template.Resources)
        .filter(([id, r]) => r.Type === 'AWS::S3::Bucket' && id.startsWith('SecurityLoggingTrailBucket'))
        .map(([id]) => id);
      // prod records S3 data events: every full stack has a trail (multi-region at home, data events
      // elsewhere); the IAM-capture stacks have none.
      if (o.GuardrailsRole.Value === 'workload') {
        expect(trailBuckets).toHaveLength(1);
        expect(literal(o, 'TrailBucketName')).toEqual({ Ref: trailBuckets[0] });
      } else {
        expect(trailBuckets).toHaveLength(0);
        expect(o.TrailBucketName).toBeUndefined();
      }
      if (o.GuardrailsRole.Value === 'workload') {
        expectRefTo(template, literal(o, 'BackupVaultName'), 'AWS::Backup::BackupVault', 'BackupVaultName');
        expectRefTo(template, literal(o, 'BackupPlanId'), 'AWS::Backup::BackupPlan', 'BackupPlanId');
      } else {
        // capture-only stacks have no data bucket, hence no backup plan
        expect(o.BackupVaultName).toBeUndefined();
        expect(o.BackupPlanId).toBeUndefined();
      }
    }
  });

  test('dev (backup.enabled false): no backup outputs, the trail bucket output still there', () => {
    const { config, outputs } = synthWithOutputs('dev');
    expect(config.backup.enabled).toBe(false);
    const full = outputs.get('dev-workload-payments-eu-west-1')!;
    expect(full.TrailBucketName).toBeDefined();
    expect(full.BackupVaultName).toBeUndefined();
    expect(full.BackupPlanId).toBeUndefined();
  });

  test('RotatingSecrets lists every rotating secret of the stack with its kind (dev: one database, one API key, one service token)', () => {
    const { outputs } = synthWithOutputs('dev');
    const json = JSON.stringify(outputs.get('dev-workload-payments-eu-west-1')!.RotatingSecrets.Value);
    for (const [kind, id] of [
      ['database', 'ledger-db-Credentials'],
      ['apiKey', 'partner-api-ApiKey'],
      ['serviceToken', 'batch-jobs-ServiceToken'],
    ]) {
      expect(json).toContain(`\\"kind\\":\\"${kind}\\",\\"id\\":\\"${id}\\"`);
    }
  });

  test('security stacks: key ARNs, and the destination and central log groups per region', () => {
    const { outputs } = synthWithOutputs('prod');
    for (const region of ['eu-west-1', 'eu-central-1', 'us-east-1']) {
      const keys = outputs.get(`prod-security-keys-${region}`)!;
      const logging = outputs.get(`prod-security-logging-${region}`)!;
      expect(literal(keys, 'LogsKeyCreated')).toBe('true');
      expect(keys.LogsKeyArn).toBeDefined();
      expect(literal(logging, 'CentralSecurityLogGroupName')).toEqual({ Ref: expect.stringMatching(/^CentralLogsSecurityLogGroup/) });
      for (const key of [
        'DestinationArn',
        'EvidenceDestinationArn',
        'CentralAuditLogGroupName',
        'CentralAppLogGroupName',
        'ForwarderLogGroupName',
        'DeadLetterQueueUrl',
      ]) {
        expect(logging[key]).toBeDefined();
      }
    }
  });

  test.each(['dev', 'prod'])('%s: no output carries a secret value, an external id or an export', (env) => {
    const { outputs } = synthWithOutputs(env);
    for (const o of outputs.values()) {
      const json = JSON.stringify(o);
      expect(json).not.toMatch(/SecretString|secretsmanager:.*resolve|ExternalId|sts:ExternalId/i);
      expect(json).not.toMatch(/"Export"/);
      // CloudFormation allows 200 outputs per stack
      expect(Object.keys(o).length).toBeLessThan(200);
    }
  });
});
