import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, runMain } from '@cdk-guardrails/app-kit';
import { loadConfig, parseConfig } from '@cdk-guardrails/config';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildSecurityApp } from '../src/security-app';

const CONFIG_DIR = join(__dirname, '..', '..', '..', 'config');
const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';

function synth(env: string, config = loadConfig(env, { configDir: CONFIG_DIR })) {
  const app = createApp({ context: { env } });
  const stacks = buildSecurityApp(app, config);
  const keyStacks = stacks.filter((s) => s.stackName.includes('-security-keys-'));
  const loggingStacks = stacks.filter((s) => s.stackName.includes('-security-logging-'));
  return {
    app,
    stacks,
    templates: keyStacks.map((s) => Template.fromStack(s)),
    loggingTemplates: loggingStacks.map((s) => Template.fromStack(s)),
  };
}

test.each(['dev', 'staging', 'prod'])("%s: every stack deploys through the config's CDK bootstrap (principals.cdkQualifier)", (env) => {
  const config = loadConfig(env, { configDir: CONFIG_DIR });
  const { stacks } = synth(env, config);
  for (const stack of stacks) {
    expect(Template.fromStack(stack).toJSON().Parameters.BootstrapVersion.Default).toBe(`/cdk-bootstrap/${config.principals.cdkQualifier}/version`);
  }
});

describe('security account app', () => {
  test('a key stack and a logging stack per configured region, with an explicit env and a name that shows environment, role and region', () => {
    const { stacks } = synth('prod');
    expect(stacks.map((s) => [s.stackName, s.account, s.region])).toEqual([
      ['prod-security-keys-eu-west-1', '555555555555', 'eu-west-1'],
      ['prod-security-logging-eu-west-1', '555555555555', 'eu-west-1'],
      ['prod-security-keys-eu-central-1', '555555555555', 'eu-central-1'],
      ['prod-security-logging-eu-central-1', '555555555555', 'eu-central-1'],
      ['prod-security-keys-us-east-1', '555555555555', 'us-east-1'],
      ['prod-security-logging-us-east-1', '555555555555', 'us-east-1'],
    ]);
    // The logging stack uses the keys stack's logs key: it deploys after it.
    expect(stacks[1].dependencies.map((d) => d.stackName)).toEqual(['prod-security-keys-eu-west-1']);
  });

  test.each(['dev', 'staging', 'prod'])('%s: every created key rotates and the logs key carries the encryption-context condition', (env) => {
    const { templates } = synth(env);
    const rotationPeriod = loadConfig(env, { configDir: CONFIG_DIR }).kms.rotationPeriodDays;
    for (const template of templates) {
      const keys = template.findResources('AWS::KMS::Key');
      expect(Object.keys(keys)).toHaveLength(3);
      for (const key of Object.values(keys)) {
        expect(key.Properties.EnableKeyRotation).toBe(true);
        expect(key.Properties.RotationPeriodInDays).toBe(rotationPeriod);
      }
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': Match.stringLikeRegexp('^arn:aws:logs:[a-z0-9-]+:\\d{12}:log-group:\\*$') } },
            }),
          ]),
        },
      });
    }
  });

  test('prod retains every key; dev (removalPolicy destroy) does not', () => {
    for (const template of synth('prod').templates) {
      for (const key of Object.values(template.findResources('AWS::KMS::Key'))) expect(key.DeletionPolicy).toBe('Retain');
    }
    for (const template of synth('dev').templates) {
      for (const key of Object.values(template.findResources('AWS::KMS::Key'))) expect(key.DeletionPolicy).toBe('Delete');
    }
  });

  test('prod stacks have termination protection', () => {
    expect(synth('prod').stacks.every((s) => s.terminationProtection)).toBe(true);
  });

  test('tags from config are on the keys', () => {
    const { templates } = synth('dev');
    templates[0].hasResourceProperties('AWS::KMS::Key', {
      Tags: Match.arrayWith([
        { Key: 'guardrails:environment', Value: 'dev' },
        { Key: 'project', Value: 'cdk-guardrails' },
      ]),
    });
  });

  test('an imported logs key creates no logs key and is used by ARN', () => {
    const raw = JSON.parse(readFileSync(join(CONFIG_DIR, 'dev.json'), 'utf8'));
    raw.kms.keys.logs = {
      source: 'import',
      imports: [
        { accountId: '111111111111', region: 'eu-west-1', keyArn: `arn:aws:kms:eu-west-1:111111111111:key/${KEY_ID}` },
        { accountId: '111111111111', region: 'us-east-1', keyArn: `arn:aws:kms:us-east-1:111111111111:key/${KEY_ID}` },
        { accountId: '222222222222', region: 'eu-west-1', keyArn: `arn:aws:kms:eu-west-1:222222222222:key/${KEY_ID}` },
        { accountId: '222222222222', region: 'us-east-1', keyArn: `arn:aws:kms:us-east-1:222222222222:key/${KEY_ID}` },
      ],
    };
    const { templates } = synth('dev', parseConfig(raw, 'dev'));
    for (const template of templates) {
      template.resourceCountIs('AWS::KMS::Key', 2);
      expect(JSON.stringify(template.toJSON())).not.toMatch(/log-group:\*/);
    }
  });

  test.each(['dev', 'staging', 'prod'])('%s: central log groups keep each class for its retention, encrypted with the logs key', (env) => {
    const { loggingTemplates } = synth(env);
    const retention = loadConfig(env, { configDir: CONFIG_DIR }).logging.retentionDays;
    for (const template of loggingTemplates) {
      for (const days of [retention.audit, retention.security, retention.app]) {
        template.hasResourceProperties('AWS::Logs::LogGroup', {
          RetentionInDays: days,
          // The keys stack's logs key of the same region (a weak cross-stack reference).
          KmsKeyId: {
            'Fn::GetStackOutput': Match.objectLike({
              StackName: Match.stringLikeRegexp(`^${env}-security-keys-`),
              OutputName: Match.stringLikeRegexp('LogsKey'),
            }),
          },
        });
      }
      for (const group of Object.values(template.findResources('AWS::Logs::LogGroup'))) {
        expect(group.Properties.KmsKeyId).toBeDefined();
      }
    }
  });

  test('dev lists the workload accounts in the destination policy; prod (organizationId set) uses aws:PrincipalOrgID', () => {
    const policyOf = (template: Template) => JSON.parse(Object.values(template.findResources('AWS::Logs::Destination'))[0].Properties.DestinationPolicy);
    const dev = JSON.stringify(policyOf(synth('dev').loggingTemplates[0]));
    expect(dev).toMatch(/222222222222/);
    expect(dev).not.toMatch(/PrincipalOrgID/);
    const prod = JSON.stringify(policyOf(synth('prod').loggingTemplates[0]));
    expect(prod).toMatch(/"aws:PrincipalOrgID":"o-exampleorg1"/);
  });

  test('the forwarder reports partial batch failures and has an encrypted dead-letter queue', () => {
    const [template] = synth('prod').loggingTemplates;
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamEncryption: { EncryptionType: 'KMS', KeyId: Match.anyValue() },
      ShardCount: 2,
    });
  });

  test('an invalid config exits 1 before any stack is built, naming the file and the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const raw = JSON.parse(readFileSync(join(CONFIG_DIR, 'dev.json'), 'utf8'));
    raw.securityAccount.accountId = '12345';
    writeFileSync(join(dir, 'dev.json'), JSON.stringify(raw));
    const errors: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((m: string) => {
      errors.push(m);
    });
    const exit = jest.fn();
    let built = false;
    runMain(() => {
      const app = createApp({ context: { env: 'dev' } });
      const config = loadConfig('dev', { configDir: dir });
      built = true;
      buildSecurityApp(app, config);
    }, exit);
    spy.mockRestore();
    expect(exit).toHaveBeenCalledWith(1);
    expect(built).toBe(false);
    expect(errors.join('\n')).toMatch(/dev\.json:\n  - securityAccount\.accountId: received "12345"/);
  });
});
