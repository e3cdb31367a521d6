import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { parseConfig } from '@cdk-guardrails/config';
import { APP_FEATURE_FLAGS, applyTags, createApp, removalPolicyOf, runMain, selectEnvironment, stackName } from '../src';
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
    principals: { pipelineRoleArns: ['arn:aws:iam::111111111111:role/pipeline'] },
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
        principals: { pipelineRoleArns: ['arn:aws:iam::111111111111:role/pipeline'] },
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
