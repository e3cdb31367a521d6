/**
 * Semantic tests of the dead-letter queue's policy: the durable failure storage of the audit
 * pipeline. Each request is evaluated with the caller's identity policy, a stand-in boundary that
 * allows everything, and the synthesized queue policy, so every denial below comes from the queue.
 */
import { CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { evaluate, PolicyJson, resolveIntrinsics, singleResource } from '@cdk-guardrails/policy-test-kit';
import { CentralLogDestination, CentralLogDestinationProps, LogSenders } from '../lib';
import { ALLOW_ALL, newKey, newStack, principalContext, SECURITY_ACCOUNT, WORKLOAD_ACCOUNT } from './helpers';

jest.setTimeout(60_000);

const REGION = 'eu-west-1';
const QUEUE_ARN = `arn:aws:sqs:${REGION}:${SECURITY_ACCOUNT}:guardrails-log-forwarder-dlq`;
const FORWARDER_ROLE = `arn:aws:iam::${SECURITY_ACCOUNT}:role/TestStack-CentralForwarderRole-ABC123`;
const BOUNDED_ADMIN = `arn:aws:sts::${SECURITY_ACCOUNT}:assumed-role/workload-admin/alice`;
const EXEC_ROLE = `arn:aws:iam::${SECURITY_ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${SECURITY_ACCOUNT}-${REGION}`;
const LOG_ADMIN = `arn:aws:sts::${SECURITY_ACCOUNT}:assumed-role/guardrails-log-admin/bob`;
const LOG_ADMIN_ROLE = `arn:aws:iam::${SECURITY_ACCOUNT}:role/guardrails-log-admin`;

function queuePolicy(props: Partial<CentralLogDestinationProps> = {}): PolicyJson {
  const stack: Stack = newStack(REGION);
  const dest = new CentralLogDestination(stack, 'Central', {
    senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]),
    logsKey: newKey(stack),
    deadLetterQueueName: 'guardrails-log-forwarder-dlq',
    ...props,
  });
  const logicalId = (c: { node: { defaultChild?: any } }) => stack.getLogicalId(c.node.defaultChild as CfnResource);
  const queueId = logicalId(dest.deadLetterQueue);
  const roleId = logicalId(dest.forwarder.role!);
  const template = Template.fromStack(stack).toJSON();
  const [, policy] = singleResource(template, 'AWS::SQS::QueuePolicy');
  return resolveIntrinsics(policy.Properties.PolicyDocument, {
    account: SECURITY_ACCOUNT,
    region: REGION,
    refs: { [queueId]: `https://sqs.${REGION}.amazonaws.com/${SECURITY_ACCOUNT}/guardrails-log-forwarder-dlq` },
    getAtts: { [`${queueId}.Arn`]: QUEUE_ARN, [`${roleId}.Arn`]: FORWARDER_ROLE },
  });
}

function withoutStatement(policy: PolicyJson, sid: string): PolicyJson {
  const statements = (Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement]).filter((s: any) => s.Sid !== sid);
  return { ...policy, Statement: statements };
}

function onQueue(policy: PolicyJson, principal: string, action: string) {
  return evaluate({
    request: {
      action,
      principal,
      resource: QUEUE_ARN,
      resourceAccount: SECURITY_ACCOUNT,
      context: { ...principalContext(principal), 'aws:SecureTransport': 'true' },
    },
    identityPolicies: [ALLOW_ALL],
    permissionsBoundaries: [ALLOW_ALL],
    resourcePolicy: policy,
  });
}

describe('dead-letter queue policy (semantic)', () => {
  test('a bounded admin cannot flood the dead-letter queue or plant records in it; the forwarder sends', async () => {
    const policy = queuePolicy();
    expect(await onQueue(policy, BOUNDED_ADMIN, 'sqs:SendMessage')).toBe('ExplicitlyDenied');
    expect(await onQueue(withoutStatement(policy, 'DenySendExceptForwarder'), BOUNDED_ADMIN, 'sqs:SendMessage')).toBe('Allowed');
    // The Lambda service sends a failed batch's description with the function's execution role.
    expect(await onQueue(policy, `arn:aws:sts::${SECURITY_ACCOUNT}:assumed-role/TestStack-CentralForwarderRole-ABC123/fn`, 'sqs:SendMessage')).toBe('Allowed');
  });

  test.each([
    'sqs:ReceiveMessage',
    'sqs:DeleteMessage',
    'sqs:ChangeMessageVisibility',
    'sqs:PurgeQueue',
    'sqs:SetQueueAttributes',
    'sqs:DeleteQueue',
    'sqs:RemovePermission',
  ])('a bounded admin cannot %s on the dead-letter queue; allowed without the statement; the log admin and the execution role can', async (action) => {
    const policy = queuePolicy({ administratorArns: [EXEC_ROLE, LOG_ADMIN_ROLE] });
    expect(await onQueue(policy, BOUNDED_ADMIN, action)).toBe('ExplicitlyDenied');
    expect(await onQueue(withoutStatement(policy, 'DenyDeadLetterChangesExceptAdministrators'), BOUNDED_ADMIN, action)).toBe('Allowed');
    expect(await onQueue(policy, LOG_ADMIN, action)).toBe('Allowed');
    expect(await onQueue(policy, EXEC_ROLE, action)).toBe('Allowed');
  });

  test('without administratorArns, only sending is limited (documented default)', async () => {
    const policy = queuePolicy();
    expect(await onQueue(policy, BOUNDED_ADMIN, 'sqs:ReceiveMessage')).toBe('Allowed');
  });

  test('control: everyone may read the queue attributes (the alarm and the console)', async () => {
    const policy = queuePolicy({ administratorArns: [EXEC_ROLE] });
    expect(await onQueue(policy, BOUNDED_ADMIN, 'sqs:GetQueueAttributes')).toBe('Allowed');
  });
});
