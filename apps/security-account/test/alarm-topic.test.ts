/**
 * The forwarder's dead-letter alarm notifies: it publishes to the guardrail alarm topic (encrypted
 * with the logs key, subscriptions from config), and nobody but the guardrail administrators can
 * delete, reconfigure, subscribe to or publish on that topic; CloudWatch (this account) can publish.
 */
import { join } from 'node:path';
import { createApp } from '@cdk-guardrails/app-kit';
import { GUARDRAIL_NAMES, guardrailAdministratorArns, loadConfig } from '@cdk-guardrails/config';
import { ALLOW_EVERYTHING, evaluate, PolicyJson, resolveIntrinsics } from '@cdk-guardrails/policy-test-kit';
import { Template } from 'aws-cdk-lib/assertions';
import { KeysStack } from '../src/keys-stack';
import { LoggingStack } from '../src/logging-stack';
import { buildSecurityApp } from '../src/security-app';

jest.setTimeout(120_000);

const CONFIG_DIR = join(__dirname, '..', '..', '..', 'config');
const config = loadConfig('prod', { configDir: CONFIG_DIR });
const ACCOUNT = config.securityAccount.accountId;
const stacks = buildSecurityApp(createApp({ context: { env: 'prod' } }), {
  ...config,
  securityAccount: { ...config.securityAccount, alarmEmails: ['secops@example.com'] },
});
const logging = stacks.find((s): s is LoggingStack => s instanceof LoggingStack && s.region === 'eu-west-1')!;
const keys = stacks.find((s): s is KeysStack => s instanceof KeysStack && s.region === 'eu-west-1')!;
const template = Template.fromStack(logging).toJSON();
const TOPIC_ARN = `arn:aws:sns:eu-west-1:${ACCOUNT}:${GUARDRAIL_NAMES.alarmTopic}`;

function topicPolicy(): PolicyJson {
  const policy = Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::SNS::TopicPolicy')!;
  const topicId = Object.keys(template.Resources).find((id) => template.Resources[id].Type === 'AWS::SNS::Topic')!;
  return resolveIntrinsics(policy.Properties.PolicyDocument, { account: ACCOUNT, region: 'eu-west-1', refs: { [topicId]: TOPIC_ARN } });
}

const ALLOW_ALL: PolicyJson = ALLOW_EVERYTHING;
const request = (
  principal: string,
  action: string,
  service = false,
): { principal: string; action: string; resource: string; resourceAccount: string; context: Record<string, string> } => ({
  principal,
  action,
  resource: TOPIC_ARN,
  resourceAccount: ACCOUNT,
  context: service
    ? {
        'aws:PrincipalIsAWSService': 'true',
        'aws:SourceAccount': ACCOUNT,
        'aws:SecureTransport': 'true',
        'aws:SourceArn': `arn:aws:cloudwatch:eu-west-1:${ACCOUNT}:alarm:${GUARDRAIL_NAMES.deadLetterAlarm}`,
      }
    : { 'aws:PrincipalArn': principal, 'aws:PrincipalIsAWSService': 'false', 'aws:SecureTransport': 'true' },
});

test("the dead-letter, delivery-delay and stream-throttle alarms (of both streams) and the forwarder-throttle alarm publish to the alarm topic, which is encrypted with the logs key and has the config's subscriptions", () => {
  const alarms = Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
  const topicId = Object.keys(template.Resources).find((id) => template.Resources[id].Type === 'AWS::SNS::Topic')!;
  expect(alarms.map((a) => a.Properties.AlarmName).sort()).toEqual(
    [
      GUARDRAIL_NAMES.deadLetterAlarm,
      GUARDRAIL_NAMES.deliveryDelayAlarm,
      GUARDRAIL_NAMES.streamThrottleAlarm,
      GUARDRAIL_NAMES.forwarderThrottleAlarm,
      GUARDRAIL_NAMES.evidenceDeliveryDelayAlarm,
      GUARDRAIL_NAMES.evidenceStreamThrottleAlarm,
    ].sort(),
  );
  for (const alarm of alarms) expect([alarm.Properties.AlarmName, alarm.Properties.AlarmActions]).toEqual([alarm.Properties.AlarmName, [{ Ref: topicId }]]);
  // Protected names: the boundary and the SCP deny changing alarms guardrails-* (and the topic only takes their publications).
  for (const alarm of alarms) expect(alarm.Properties.AlarmName.startsWith('guardrails-')).toBe(true);
  expect(template.Resources[topicId].Properties.TopicName).toBe(GUARDRAIL_NAMES.alarmTopic);
  expect(template.Resources[topicId].Properties.KmsMasterKeyId).toBeDefined();
  const subscriptions = Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::SNS::Subscription');
  expect(subscriptions.map((s) => [s.Properties.Protocol, s.Properties.Endpoint])).toEqual([['email', 'secops@example.com']]);
  // CloudWatch may use the logs key for this account's alarms.
  const keyPolicies = JSON.stringify(Template.fromStack(keys).toJSON());
  expect(keyPolicies).toContain('CloudWatchAlarmsPublishToTheAlarmTopic');
});

test.each([
  'sns:DeleteTopic',
  'sns:SetTopicAttributes',
  'sns:Subscribe',
  'sns:Publish',
  'sns:RemovePermission',
  'sns:Unsubscribe',
  'sns:SetSubscriptionAttributes',
  'sns:PutDataProtectionPolicy',
  'sns:TagResource',
])('a bounded admin cannot %s on the alarm topic (silence or fake the alarm); a guardrail administrator can', async (action) => {
  const policy = topicPolicy();
  await expect(
    evaluate({ request: request(`arn:aws:iam::${ACCOUNT}:role/workload-admin`, action), identityPolicies: [ALLOW_ALL], resourcePolicy: policy }),
  ).resolves.toBe('ExplicitlyDenied');
  const admin = guardrailAdministratorArns(config, ACCOUNT).find((a) => a.includes('GuardrailsLogAdmin'))!;
  await expect(evaluate({ request: request(admin, action), identityPolicies: [ALLOW_ALL], resourcePolicy: policy })).resolves.toBe('Allowed');
});

test('control: CloudWatch (this account) publishes; without the deny statement a bounded admin could delete the topic', async () => {
  const policy = topicPolicy();
  await expect(evaluate({ request: request('cloudwatch.amazonaws.com', 'sns:Publish', true), resourcePolicy: policy })).resolves.toBe('Allowed');
  // An alarm of one's own (not a guardrail alarm) cannot publish fake notifications.
  const fake = request('cloudwatch.amazonaws.com', 'sns:Publish', true);
  await expect(
    evaluate({
      request: { ...fake, context: { ...fake.context, 'aws:SourceArn': `arn:aws:cloudwatch:eu-west-1:${ACCOUNT}:alarm:my-alarm` } },
      resourcePolicy: policy,
    }),
  ).resolves.not.toBe('Allowed');
  const weaker = { ...policy, Statement: (policy.Statement as any[]).filter((s) => s.Sid !== 'DenyTopicChangesExceptAdministrators') };
  await expect(
    evaluate({ request: request(`arn:aws:iam::${ACCOUNT}:role/workload-admin`, 'sns:DeleteTopic'), identityPolicies: [ALLOW_ALL], resourcePolicy: weaker }),
  ).resolves.toBe('Allowed');
});
