/**
 * Red-team finding A14 (stream flood): who may subscribe to the evidence destination. The destination
 * policies are evaluated as CloudWatch Logs evaluates them on PutSubscriptionFilter: a cross-account
 * request, the caller's identity policy allowing it, the destination policy deciding.
 *
 * Which principal is evaluated (CloudWatch Logs User Guide): in account mode the caller of
 * PutSubscriptionFilter ("Step 3: Add/validate IAM permissions for the cross-account destination":
 * the identity policy of the role or user that creates the filter), here the CloudFormation execution
 * role; in organization mode CloudWatch Logs assumes the role passed in the filter to check the
 * destination policy ("Step 2: (Only if using an organization) Create an IAM role"), here the sender role.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { evaluate, resolveIntrinsics, singleResource } from '@cdk-guardrails/policy-test-kit';
import { CentralLogDestination, LogSenders } from '../lib';
import { newKey, newStack, ORG_ID, principalContext, SECURITY_ACCOUNT, UNCONFIGURED_ACCOUNT, WORKLOAD_ACCOUNT } from './helpers';

const REGION = 'eu-west-1';
const OPEN_ARN = `arn:aws:logs:${REGION}:${SECURITY_ACCOUNT}:destination:guardrails-central-logs`;
const EVIDENCE_ARN = `${OPEN_ARN}-evidence`;
const EXEC_ROLE_PATTERN = `arn:aws:iam::*:role/cdk-grdtest-cfn-exec-role-*-${REGION}`;
const SENDER_ROLE_PATTERN = `arn:aws:iam::*:role/guardrails-log-writer-sender-${REGION}`;
const OU = 'ou-ab12-11111111';

/** CloudFormation's session of a workload account's execution role in this region. */
const execRole = (account: string, region = REGION) => `arn:aws:sts::${account}:assumed-role/cdk-grdtest-cfn-exec-role-${account}-${region}/AWSCloudFormation`;
/** CloudWatch Logs' session of a workload account's sender role (organization mode). */
const senderRole = (account: string) => `arn:aws:sts::${account}:assumed-role/guardrails-log-writer-sender-${REGION}/CWLSubscriptionCheck`;
/** An administrator inside the permissions boundary of a listed workload account. */
const boundedAdmin = (account: string) => `arn:aws:sts::${account}:assumed-role/guardrails-bounded-admin/mallory`;

function policies(stack: Stack): { open: any; evidence: any } {
  const template = Template.fromStack(stack).toJSON();
  const of = (name: string) => {
    const [, destination] = singleResource(template, 'AWS::Logs::Destination', (r) => r.Properties.DestinationName === name);
    return JSON.parse(resolveIntrinsics(destination.Properties.DestinationPolicy, { account: SECURITY_ACCOUNT, region: REGION }));
  };
  return { open: of('guardrails-central-logs'), evidence: of('guardrails-central-logs-evidence') };
}

/** The caller's identity policy allows PutSubscriptionFilter anywhere: the destination policy decides. */
async function subscribe(principal: string, destinationArn: string, policy: any, context: Record<string, string | string[]> = {}) {
  return evaluate({
    request: {
      action: 'logs:PutSubscriptionFilter',
      principal,
      resource: destinationArn,
      resourceAccount: SECURITY_ACCOUNT,
      context: { ...principalContext(principal), ...context },
    },
    identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:PutSubscriptionFilter', Resource: '*' }] }],
    resourcePolicy: policy,
  });
}

function withoutArnLike(policy: any): any {
  return {
    ...policy,
    Statement: policy.Statement.map((s: any) => {
      const { ArnLike: _removed, ...rest } = s.Condition ?? {};
      const { Condition: _all, ...statement } = s;
      return Object.keys(rest).length > 0 ? { ...statement, Condition: rest } : statement;
    }),
  };
}

describe('evidence destination policy, account mode (semantic)', () => {
  function synth() {
    const stack = newStack(REGION);
    new CentralLogDestination(stack, 'Central', {
      senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]),
      logsKey: newKey(stack),
      evidenceSubscriberArnPatterns: [EXEC_ROLE_PATTERN],
    });
    return policies(stack);
  }

  test('attack: a bounded admin of a listed workload account cannot subscribe to the evidence destination', async () => {
    const { evidence } = synth();
    expect(await subscribe(boundedAdmin(WORKLOAD_ACCOUNT), EVIDENCE_ARN, evidence)).toBe('ImplicitlyDenied');
    // nor as an IAM user, nor with a role of another region's execution-role name (the pattern names this region)
    expect(await subscribe(`arn:aws:iam::${WORKLOAD_ACCOUNT}:user/mallory`, EVIDENCE_ARN, evidence)).toBe('ImplicitlyDenied');
    expect(await subscribe(execRole(WORKLOAD_ACCOUNT, 'us-east-1'), EVIDENCE_ARN, evidence)).toBe('ImplicitlyDenied');
  });

  test('control: the execution role of a listed account may subscribe; the one of an unlisted account may not', async () => {
    const { evidence } = synth();
    expect(await subscribe(execRole(WORKLOAD_ACCOUNT), EVIDENCE_ARN, evidence)).toBe('Allowed');
    expect(await subscribe(execRole(UNCONFIGURED_ACCOUNT), EVIDENCE_ARN, evidence)).toBe('ImplicitlyDenied');
  });

  test('residual: the open destination still admits the bounded admin (its records are filed as app class only)', async () => {
    const { open } = synth();
    expect(await subscribe(boundedAdmin(WORKLOAD_ACCOUNT), OPEN_ARN, open)).toBe('Allowed');
  });

  test('mutation: without the ArnLike condition the bounded admin could subscribe to the evidence destination (the condition is what denies it)', async () => {
    const { evidence } = synth();
    expect(await subscribe(boundedAdmin(WORKLOAD_ACCOUNT), EVIDENCE_ARN, withoutArnLike(evidence))).toBe('Allowed');
  });
});

describe('evidence destination policy, organization mode (semantic)', () => {
  function synth() {
    const stack = newStack(REGION);
    new CentralLogDestination(stack, 'Central', {
      senders: LogSenders.fromOrganizationAccounts(ORG_ID, [WORKLOAD_ACCOUNT], [OU]),
      logsKey: newKey(stack),
      evidenceSubscriberArnPatterns: [SENDER_ROLE_PATTERN],
    });
    return policies(stack);
  }
  const inOrg = { 'aws:PrincipalOrgID': ORG_ID };
  const underOu = { 'aws:PrincipalOrgID': ORG_ID, 'aws:PrincipalOrgPaths': [`${ORG_ID}/r-ab12/${OU}/`] };

  test('attack: a bounded admin of a listed account, or of an account under the OU, cannot subscribe to the evidence destination', async () => {
    const { evidence } = synth();
    expect(await subscribe(boundedAdmin(WORKLOAD_ACCOUNT), EVIDENCE_ARN, evidence, inOrg)).toBe('ImplicitlyDenied');
    expect(await subscribe(boundedAdmin(UNCONFIGURED_ACCOUNT), EVIDENCE_ARN, evidence, underOu)).toBe('ImplicitlyDenied');
  });

  test('control: the sender role of a listed account, and of an account under the OU, may subscribe; one outside the organization may not', async () => {
    const { evidence } = synth();
    expect(await subscribe(senderRole(WORKLOAD_ACCOUNT), EVIDENCE_ARN, evidence, inOrg)).toBe('Allowed');
    expect(await subscribe(senderRole(UNCONFIGURED_ACCOUNT), EVIDENCE_ARN, evidence, underOu)).toBe('Allowed');
    expect(await subscribe(senderRole(WORKLOAD_ACCOUNT), EVIDENCE_ARN, evidence, { 'aws:PrincipalOrgID': 'o-someoneelse1' })).toBe('ImplicitlyDenied');
  });

  test('residual: the open destination still admits the bounded admin of a listed account', async () => {
    const { open } = synth();
    expect(await subscribe(boundedAdmin(WORKLOAD_ACCOUNT), OPEN_ARN, open, inOrg)).toBe('Allowed');
  });

  test('mutation: without the ArnLike condition the bounded admin could subscribe to the evidence destination', async () => {
    const { evidence } = synth();
    expect(await subscribe(boundedAdmin(WORKLOAD_ACCOUNT), EVIDENCE_ARN, withoutArnLike(evidence), inOrg)).toBe('Allowed');
    expect(await subscribe(boundedAdmin(UNCONFIGURED_ACCOUNT), EVIDENCE_ARN, withoutArnLike(evidence), underOu)).toBe('Allowed');
  });
});
