import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { evaluate, resolveIntrinsics, singleResource } from '@cdk-guardrails/policy-test-kit';
import { CentralLogDestination, LogSenders } from '../lib';
import { newKey, newStack, ORG_ID, OTHER_WORKLOAD_ACCOUNT, SECURITY_ACCOUNT, UNCONFIGURED_ACCOUNT, WORKLOAD_ACCOUNT } from './helpers';

const REGION = 'eu-west-1';
const DESTINATION_ARN = `arn:aws:logs:${REGION}:${SECURITY_ACCOUNT}:destination:guardrails-central-logs`;

function synthesizedDestinationPolicy(stack: Stack): any {
  const template = Template.fromStack(stack).toJSON();
  const [, destination] = singleResource(template, 'AWS::Logs::Destination');
  return JSON.parse(resolveIntrinsics(destination.Properties.DestinationPolicy, { account: SECURITY_ACCOUNT, region: REGION }));
}

/** The deployer in a workload account has an identity policy allowing PutSubscriptionFilter anywhere. */
const deployerIdentityPolicy = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'logs:PutSubscriptionFilter', Resource: '*' }],
};

async function subscribeFrom(account: string, policy: any, context: Record<string, string> = {}) {
  return evaluate({
    request: {
      action: 'logs:PutSubscriptionFilter',
      principal: `arn:aws:iam::${account}:role/cdk-hnb659fds-cfn-exec-role-${account}-${REGION}`,
      resource: DESTINATION_ARN,
      resourceAccount: SECURITY_ACCOUNT,
      context: { 'aws:PrincipalAccount': account, ...context },
    },
    identityPolicies: [deployerIdentityPolicy],
    resourcePolicy: policy,
  });
}

describe('destination policy (semantic)', () => {
  test('allows logs:PutSubscriptionFilter from a configured workload account and denies an unconfigured one', async () => {
    // GIVEN
    const stack = newStack(REGION);
    new CentralLogDestination(stack, 'Central', {
      senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT, OTHER_WORKLOAD_ACCOUNT]),
      logsKey: newKey(stack),
    });
    const policy = synthesizedDestinationPolicy(stack);
    // THEN
    expect(await subscribeFrom(WORKLOAD_ACCOUNT, policy)).toBe('Allowed');
    expect(await subscribeFrom(OTHER_WORKLOAD_ACCOUNT, policy)).toBe('Allowed');
    expect(await subscribeFrom(UNCONFIGURED_ACCOUNT, policy)).toBe('ImplicitlyDenied');
  });

  test('allows only logs:PutSubscriptionFilter, not other destination actions', async () => {
    const stack = newStack(REGION);
    new CentralLogDestination(stack, 'Central', { senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]), logsKey: newKey(stack) });
    const policy = synthesizedDestinationPolicy(stack);
    const decision = await evaluate({
      request: {
        action: 'logs:DeleteDestination',
        principal: `arn:aws:iam::${WORKLOAD_ACCOUNT}:role/admin`,
        resource: DESTINATION_ARN,
        resourceAccount: SECURITY_ACCOUNT,
      },
      identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:*', Resource: '*' }] }],
      resourcePolicy: policy,
    });
    expect(decision).toBe('ImplicitlyDenied');
  });

  test('organization mode allows a member account and denies an account outside the organization', async () => {
    const stack = newStack(REGION);
    new CentralLogDestination(stack, 'Central', { senders: LogSenders.fromOrganization(ORG_ID), logsKey: newKey(stack) });
    const policy = synthesizedDestinationPolicy(stack);
    expect(await subscribeFrom(WORKLOAD_ACCOUNT, policy, { 'aws:PrincipalOrgID': ORG_ID })).toBe('Allowed');
    expect(await subscribeFrom(UNCONFIGURED_ACCOUNT, policy, { 'aws:PrincipalOrgID': 'o-someoneelse1' })).toBe('ImplicitlyDenied');
    expect(await subscribeFrom(UNCONFIGURED_ACCOUNT, policy)).toBe('ImplicitlyDenied');
  });

  test('organization mode with listed accounts: a sandbox account of the same organization cannot subscribe; a listed account can, only while in the organization', async () => {
    const stack = newStack(REGION);
    new CentralLogDestination(stack, 'Central', { senders: LogSenders.fromOrganizationAccounts(ORG_ID, [WORKLOAD_ACCOUNT]), logsKey: newKey(stack) });
    const policy = synthesizedDestinationPolicy(stack);
    expect(await subscribeFrom(WORKLOAD_ACCOUNT, policy, { 'aws:PrincipalOrgID': ORG_ID })).toBe('Allowed');
    expect(await subscribeFrom(UNCONFIGURED_ACCOUNT, policy, { 'aws:PrincipalOrgID': ORG_ID })).toBe('ImplicitlyDenied');
    expect(await subscribeFrom(WORKLOAD_ACCOUNT, policy, { 'aws:PrincipalOrgID': 'o-someoneelse1' })).toBe('ImplicitlyDenied');
    // control: organization-wide mode admits the sandbox (what the listed mode closes)
    const orgWide = newStack(REGION);
    new CentralLogDestination(orgWide, 'Central', { senders: LogSenders.fromOrganization(ORG_ID), logsKey: newKey(orgWide) });
    expect(await subscribeFrom(UNCONFIGURED_ACCOUNT, synthesizedDestinationPolicy(orgWide), { 'aws:PrincipalOrgID': ORG_ID })).toBe('Allowed');
  });

  test('organization mode with OUs: an account under a listed OU can subscribe, one under another OU cannot', async () => {
    const stack = newStack(REGION);
    new CentralLogDestination(stack, 'Central', {
      senders: LogSenders.fromOrganizationAccounts(ORG_ID, [WORKLOAD_ACCOUNT], ['ou-ab12-11111111']),
      logsKey: newKey(stack),
    });
    const policy = synthesizedDestinationPolicy(stack);
    const under = (ou: string) => ({ 'aws:PrincipalOrgID': ORG_ID, 'aws:PrincipalOrgPaths': `${ORG_ID}/r-ab12/${ou}/` });
    expect(await subscribeFrom(UNCONFIGURED_ACCOUNT, policy, under('ou-ab12-11111111'))).toBe('Allowed');
    expect(await subscribeFrom(UNCONFIGURED_ACCOUNT, policy, under('ou-ab12-22222222'))).toBe('ImplicitlyDenied');
  });

  test('bad organizational unit ids are refused naming the field', () => {
    const stack = newStack(REGION);
    expect(
      () =>
        new CentralLogDestination(stack, 'Central', {
          senders: LogSenders.fromOrganizationAccounts(ORG_ID, [WORKLOAD_ACCOUNT], ['sandbox']),
          logsKey: newKey(stack),
        }),
    ).toThrow(/^TestStack\/Central: senders\.organizationalUnitIds\[0\]: received .*; expected an organizational unit id/);
  });
});
