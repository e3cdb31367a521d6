import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { parseConfig } from '@cdk-guardrails/config';
import {
  APP_FEATURE_FLAGS,
  applyTags,
  BOOTSTRAP_QUALIFIER_CONTEXT,
  createApp,
  removalPolicyOf,
  runMain,
  selectEnvironment,
  stackName,
  useConfigBootstrapQualifier,
} from '../src';
import { join } from 'node:path';

const CONFIG_DIR = join(__dirname, '..', '..', '..', 'config');

test('createApp carries the feature flags cdk init sets, including template validation at synth', () => {
  const app = createApp();
  expect(app.node.tryGetContext('@aws-cdk/core:validateAgainstDefaultRules')).toBe(true);
  expect(Object.keys(APP_FEATURE_FLAGS).length).toBeGreaterThan(50);
});

test('context from the command line wins over the defaults', () => {
  expect(createApp({ context: { env: 'prod' } }).node.tryGetContext('env')).toBe('prod');
});

test('selectEnvironment defaults to dev and reads -c env', () => {
  expect(selectEnvironment(createApp(), CONFIG_DIR).envName).toBe('dev');
  expect(selectEnvironment(createApp({ context: { env: 'staging' } }), CONFIG_DIR).config.environment).toBe('staging');
});

describe("useConfigBootstrapQualifier: the stacks deploy through the config's bootstrap, whose roles the guardrails protect", () => {
  const prod = () => selectEnvironment(createApp({ context: { env: 'prod' } }), CONFIG_DIR).config;
  const bootstrapParameter = (app: ReturnType<typeof createApp>) => {
    const stack = new Stack(app, 'S', { env: { account: '111111111111', region: 'eu-west-1' } });
    new sqs.Queue(stack, 'Q');
    return JSON.stringify(app.synth().getStackByName('S').template);
  };

  test("every stack uses principals.cdkQualifier: its version parameter and deploy role; without the call, CDK's default", () => {
    const config = prod();
    const app = createApp();
    useConfigBootstrapQualifier(app, config);
    const template = bootstrapParameter(app);
    expect(template).toContain(`/cdk-bootstrap/${config.principals.cdkQualifier}/version`);
    expect(template).not.toContain('hnb659fds');
    // mutation: an app without it deploys through CDK's default bootstrap, which config refuses to name
    expect(bootstrapParameter(createApp())).toContain('/cdk-bootstrap/hnb659fds/version');
  });

  test('a different qualifier in the context is refused, naming both and the config field; the same one is accepted', () => {
    const config = prod();
    expect(() => useConfigBootstrapQualifier(createApp({ context: { [BOOTSTRAP_QUALIFIER_CONTEXT]: 'hnb659fds' } }), config)).toThrow(
      `context @aws-cdk/core:bootstrapQualifier: received "hnb659fds"; expected nothing or "${config.principals.cdkQualifier}", the qualifier of config/prod.json (principals.cdkQualifier)`,
    );
    const same = createApp({ context: { [BOOTSTRAP_QUALIFIER_CONTEXT]: config.principals.cdkQualifier } });
    useConfigBootstrapQualifier(same, config);
    useConfigBootstrapQualifier(same, config);
    expect(bootstrapParameter(same)).toContain(`/cdk-bootstrap/${config.principals.cdkQualifier}/version`);
  });
});

test('stackName joins environment, role and parts; fails if the name is not a valid stack name', () => {
  expect(stackName('dev', 'security', 'keys', 'eu-west-1')).toBe('dev-security-keys-eu-west-1');
  expect(() => stackName('dev', 'x'.repeat(130))).toThrow(
    /^stackName: name: received "dev-x+"; expected a CloudFormation stack name \(a letter, then letters, digits or "-", at most 128 characters\)$/,
  );
  expect(() => stackName('dev', 'a_b')).toThrow(/^stackName: name: received "dev-a_b"; expected a CloudFormation stack name /);
});

test('removal policy follows the config', () => {
  const base = {
    environment: 'dev',
    securityAccount: { accountId: '111111111111', regions: ['eu-west-1', 'us-east-1'] },
    principals: { pipelineRoleArns: ['arn:aws:iam::111111111111:role/pipeline'], cdkQualifier: 'grdtest' },
    workloadAccounts: [{ name: 'a', accountId: '222222222222', regions: ['eu-west-1'] }],
    s3: { encryption: 'SSE_S3' },
    compliance: { waiverOwner: 'guardrails-maintainers', waiverReviewBy: '2027-06-01' },
  };
  expect(removalPolicyOf(parseConfig({ ...base, removalPolicy: 'retain' }, 'dev'))).toBe(RemovalPolicy.RETAIN);
  expect(removalPolicyOf(parseConfig({ ...base, removalPolicy: 'destroy' }, 'dev'))).toBe(RemovalPolicy.DESTROY);
});

test('applyTags puts the config tags and the environment on every taggable resource', () => {
  const app = createApp();
  const stack = new Stack(app, 'S');
  new sqs.Queue(stack, 'Q');
  applyTags(
    app,
    parseConfig(
      {
        environment: 'dev',
        securityAccount: { accountId: '111111111111', regions: ['eu-west-1', 'us-east-1'] },
        principals: { pipelineRoleArns: ['arn:aws:iam::111111111111:role/pipeline'], cdkQualifier: 'grdtest' },
        workloadAccounts: [{ name: 'a', accountId: '222222222222', regions: ['eu-west-1'] }],
        s3: { encryption: 'SSE_S3' },
        compliance: { waiverOwner: 'guardrails-maintainers', waiverReviewBy: '2027-06-01' },
        removalPolicy: 'destroy',
        tags: { owner: 'platform' },
      },
      'dev',
    ),
  );
  Template.fromStack(stack).hasResourceProperties('AWS::SQS::Queue', {
    Tags: [
      { Key: 'guardrails:environment', Value: 'dev' },
      { Key: 'owner', Value: 'platform' },
    ],
  });
});

test('runMain rethrows errors that are not config errors', () => {
  const exit = jest.fn();
  expect(() =>
    runMain(() => {
      throw new Error('boom');
    }, exit),
  ).toThrow('boom');
  expect(exit).not.toHaveBeenCalled();
});
