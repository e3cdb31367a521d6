/**
 * Semantic tests of the central stream's resource policy: each request is evaluated with the
 * caller's identity policy, a permissions boundary and the synthesized stream policy together.
 *
 * The attacker is an administrator of the security account inside the permissions boundary: its
 * identity policy allows everything, and so does the stand-in boundary here (the real boundary
 * allows Kinesis on the account's own streams), so every denial below comes from the stream policy.
 */
import { CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { evaluate, PolicyJson, resolveIntrinsics, singleResource } from '@cdk-guardrails/policy-test-kit';
import { CentralLogDestination, CentralLogDestinationProps, LogSenders } from '../lib';
import { ALLOW_ALL, newKey, newStack, principalContext, SECURITY_ACCOUNT, WORKLOAD_ACCOUNT } from './helpers';

jest.setTimeout(60_000);

const REGION = 'eu-west-1';
const STREAM_ARN = `arn:aws:kinesis:${REGION}:${SECURITY_ACCOUNT}:stream/guardrails-central-logs`;
const DESTINATION_ROLE_ARN = `arn:aws:iam::${SECURITY_ACCOUNT}:role/TestStack-CentralDestinationRole-ABC123`;
const KEY_ARN = `arn:aws:kms:${REGION}:${SECURITY_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const BOUNDED_ADMIN = `arn:aws:sts::${SECURITY_ACCOUNT}:assumed-role/workload-admin/alice`;
const EXEC_ROLE = `arn:aws:iam::${SECURITY_ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${SECURITY_ACCOUNT}-${REGION}`;
const LOG_ADMIN_ROLE = `arn:aws:iam::${SECURITY_ACCOUNT}:role/guardrails-log-admin`;
const FORWARDER_ROLE_ARN = `arn:aws:iam::${SECURITY_ACCOUNT}:role/TestStack-CentralForwarderRole-DEF456`;

interface Synthesized {
  readonly streamPolicy: PolicyJson;
  readonly destinationRolePolicy: PolicyJson;
  readonly destinationRoleTrust: PolicyJson;
}

function synth(props: Partial<CentralLogDestinationProps> = {}): Synthesized {
  const stack: Stack = newStack(REGION);
  const key: kms.Key = newKey(stack);
  const dest = new CentralLogDestination(stack, 'Central', {
    senders: LogSenders.fromAccounts([WORKLOAD_ACCOUNT]),
    logsKey: key,
    streamName: 'guardrails-central-logs',
    ...props,
  });
  const logicalId = (c: { node: { defaultChild?: any } }) => stack.getLogicalId(c.node.defaultChild as CfnResource);
  const streamId = logicalId(dest.stream);
  const roleId = logicalId(dest.destinationRole);
  const forwarderRoleId = logicalId(dest.forwarder.role!);
  const ctx = {
    account: SECURITY_ACCOUNT,
    region: REGION,
    refs: { [streamId]: 'guardrails-central-logs', [roleId]: 'TestStack-CentralDestinationRole-ABC123' },
    getAtts: {
      [`${streamId}.Arn`]: STREAM_ARN,
      [`${roleId}.Arn`]: DESTINATION_ROLE_ARN,
      [`${forwarderRoleId}.Arn`]: FORWARDER_ROLE_ARN,
      [`${logicalId(key)}.Arn`]: KEY_ARN,
    },
  };
  const template = Template.fromStack(stack).toJSON();
  const [, policy] = singleResource(template, 'AWS::Kinesis::ResourcePolicy');
  const [, rolePolicy] = singleResource(template, 'AWS::IAM::Policy', (r) => JSON.stringify(r.Properties.Roles).includes(roleId));
  const [, role] = singleResource(template, 'AWS::IAM::Role', (r) => JSON.stringify(r).includes('logs.amazonaws.com'));
  return {
    streamPolicy: resolveIntrinsics(policy.Properties.ResourcePolicy, ctx),
    destinationRolePolicy: resolveIntrinsics(rolePolicy.Properties.PolicyDocument, ctx),
    destinationRoleTrust: resolveIntrinsics(role.Properties.AssumeRolePolicyDocument, ctx),
  };
}

function withoutStatement(policy: PolicyJson, sid: string): PolicyJson {
  const statements = (Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement]).filter((s: any) => s.Sid !== sid);
  return { ...policy, Statement: statements };
}

function onStream(streamPolicy: PolicyJson, principal: string, action: string, identity: PolicyJson[] = [ALLOW_ALL]) {
  return evaluate({
    request: { action, principal, resource: STREAM_ARN, resourceAccount: SECURITY_ACCOUNT, context: principalContext(principal) },
    identityPolicies: identity,
    permissionsBoundaries: [ALLOW_ALL],
    resourcePolicy: streamPolicy,
  });
}

describe('central stream policy: who may put records (semantic)', () => {
  test.each(['kinesis:PutRecord', 'kinesis:PutRecords'])('a bounded admin cannot forge log records into the central stream (%s)', async (action) => {
    const { streamPolicy } = synth();
    expect(await onStream(streamPolicy, BOUNDED_ADMIN, action)).toBe('ExplicitlyDenied');
  });

  test('a bounded admin cannot forge records as an IAM user either', async () => {
    const { streamPolicy } = synth();
    expect(await onStream(streamPolicy, `arn:aws:iam::${SECURITY_ACCOUNT}:user/mallory`, 'kinesis:PutRecords')).toBe('ExplicitlyDenied');
  });

  test('control: the destination role (the CloudWatch Logs delivery) may still put records with its own policy', async () => {
    const { streamPolicy, destinationRolePolicy } = synth();
    const session = `arn:aws:sts::${SECURITY_ACCOUNT}:assumed-role/TestStack-CentralDestinationRole-ABC123/logs-delivery`;
    for (const action of ['kinesis:PutRecord', 'kinesis:PutRecords']) {
      expect(await onStream(streamPolicy, session, action, [destinationRolePolicy])).toBe('Allowed');
    }
  });

  test('mutation: without the writer statement, the bounded admin could forge records (the statement is what denies it)', async () => {
    const { streamPolicy } = synth();
    const weakened = withoutStatement(streamPolicy, 'DenyPutRecordsExceptDestinationRole');
    expect(await onStream(weakened, BOUNDED_ADMIN, 'kinesis:PutRecord')).toBe('Allowed');
    expect(await onStream(weakened, BOUNDED_ADMIN, 'kinesis:PutRecords')).toBe('Allowed');
  });

  test('a bounded admin cannot obtain the exemption by assuming the destination role (only CloudWatch Logs is trusted)', async () => {
    const { destinationRoleTrust } = synth();
    expect(
      await evaluate({
        request: {
          action: 'sts:AssumeRole',
          principal: BOUNDED_ADMIN,
          resource: DESTINATION_ROLE_ARN,
          resourceAccount: SECURITY_ACCOUNT,
          context: principalContext(BOUNDED_ADMIN),
        },
        identityPolicies: [ALLOW_ALL],
        permissionsBoundaries: [ALLOW_ALL],
        resourcePolicy: destinationRoleTrust,
      }),
    ).not.toBe('Allowed');
  });

  test('a bounded admin cannot obtain the exemption with a role whose name only starts like the destination role', async () => {
    const { streamPolicy } = synth();
    const lookAlike = `arn:aws:sts::${SECURITY_ACCOUNT}:assumed-role/TestStack-CentralDestinationRole-ABC123x/s`;
    expect(await onStream(streamPolicy, lookAlike, 'kinesis:PutRecord')).toBe('ExplicitlyDenied');
  });
});

// Polling the shards takes their shared read throughput (5 reads and 2 MB a second): the forwarder's
// event source mapping is throttled, falls behind, and records expire with the stream's retention,
// neither forwarded nor dead-lettered. And the records are every workload's audit logs.
describe('central stream policy: who may read the records (semantic)', () => {
  test.each(['kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:RegisterStreamConsumer'])(
    "a bounded admin cannot %s on the central stream (starving the forwarder, or reading every workload's logs)",
    async (action) => {
      const { streamPolicy } = synth();
      expect(await onStream(streamPolicy, BOUNDED_ADMIN, action)).toBe('ExplicitlyDenied');
      // mutation: the reader statement is what denies it
      expect(await onStream(withoutStatement(streamPolicy, 'DenyReadsExceptForwarder'), BOUNDED_ADMIN, action)).toBe('Allowed');
    },
  );

  test('a look-alike of the forwarder role is not exempt', async () => {
    const { streamPolicy } = synth();
    expect(await onStream(streamPolicy, `${FORWARDER_ROLE_ARN}-copy`, 'kinesis:GetRecords')).toBe('ExplicitlyDenied');
  });

  test("control: the forwarder's role (its event source mapping) and the administrators read; everyone still describes the stream", async () => {
    const { streamPolicy } = synth({ administratorArns: [EXEC_ROLE, LOG_ADMIN_ROLE] });
    for (const action of ['kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:DescribeStream', 'kinesis:ListShards']) {
      expect([action, await onStream(streamPolicy, FORWARDER_ROLE_ARN, action)]).toEqual([action, 'Allowed']);
    }
    expect(await onStream(streamPolicy, LOG_ADMIN_ROLE, 'kinesis:GetRecords')).toBe('Allowed');
    expect(await onStream(streamPolicy, BOUNDED_ADMIN, 'kinesis:DescribeStreamSummary')).toBe('Allowed');
  });
});

describe('central stream policy: who may reconfigure the stream (semantic)', () => {
  const ATTACKS = [
    'kinesis:DeleteStream',
    'kinesis:StopStreamEncryption',
    'kinesis:StartStreamEncryption',
    'kinesis:DecreaseStreamRetentionPeriod',
    'kinesis:PutResourcePolicy',
    'kinesis:DeleteResourcePolicy',
    'kinesis:MergeShards',
  ];

  test.each(ATTACKS)('with administratorArns, a bounded admin cannot %s on the central stream', async (action) => {
    const { streamPolicy } = synth({ administratorArns: [EXEC_ROLE, LOG_ADMIN_ROLE] });
    expect(await onStream(streamPolicy, BOUNDED_ADMIN, action)).toBe('ExplicitlyDenied');
  });

  test.each(ATTACKS)('control: the CloudFormation execution role and the log admin may still %s', async (action) => {
    const { streamPolicy } = synth({ administratorArns: [EXEC_ROLE, LOG_ADMIN_ROLE] });
    expect(
      await onStream(
        streamPolicy,
        `arn:aws:sts::${SECURITY_ACCOUNT}:assumed-role/cdk-hnb659fds-cfn-exec-role-${SECURITY_ACCOUNT}-${REGION}/AWSCloudFormation`,
        action,
      ),
    ).toBe('Allowed');
    expect(await onStream(streamPolicy, `arn:aws:sts::${SECURITY_ACCOUNT}:assumed-role/guardrails-log-admin/bob`, action)).toBe('Allowed');
  });

  test('a bounded admin cannot obtain the administrator exemption with a look-alike role name', async () => {
    const { streamPolicy } = synth({ administratorArns: [EXEC_ROLE, LOG_ADMIN_ROLE] });
    const lookAlike = `arn:aws:sts::${SECURITY_ACCOUNT}:assumed-role/guardrails-log-admin2/mallory`;
    expect(await onStream(streamPolicy, lookAlike, 'kinesis:DeleteStream')).toBe('ExplicitlyDenied');
  });

  test('mutation: without the configuration statement, the bounded admin could delete the stream', async () => {
    const { streamPolicy } = synth({ administratorArns: [EXEC_ROLE, LOG_ADMIN_ROLE] });
    const weakened = withoutStatement(streamPolicy, 'DenyStreamConfigurationChangesExceptAdministrators');
    expect(await onStream(weakened, BOUNDED_ADMIN, 'kinesis:DeleteStream')).toBe('Allowed');
  });

  test('the administrators may not forge records either: only the destination role writes', async () => {
    const { streamPolicy } = synth({ administratorArns: [EXEC_ROLE, LOG_ADMIN_ROLE] });
    expect(await onStream(streamPolicy, `arn:aws:sts::${SECURITY_ACCOUNT}:assumed-role/guardrails-log-admin/bob`, 'kinesis:PutRecord')).toBe(
      'ExplicitlyDenied',
    );
  });
});
