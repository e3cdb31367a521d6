/**
 * Red team (red5 A19): the security-class rules must match the changes an attacker makes to widen
 * access or to make evidence disappear, not only bucket policies and role policies: identity
 * providers, role and user tags, instance profiles, and a bucket's versioning, lifecycle,
 * replication, Object Lock, access logging and deletion. Each is matched as CloudTrail delivers it
 * to EventBridge; read-only calls are not.
 *
 * EventBridge matching is evaluated with the subset of the pattern language these rules use: exact
 * values in arrays, nested objects.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { SecurityEventCapture, TrailScope } from '../lib';
import { newKey, newStack, matchesEventPattern as matches, newTrailBucket, WORKLOAD_ACCOUNT } from './helpers';

function rulePatterns(region: string): Record<string, Record<string, any>> {
  const stack = newStack(region, WORKLOAD_ACCOUNT);
  const key = newKey(stack);
  new SecurityEventCapture(stack, 'Capture', {
    trailBucket: newTrailBucket(stack, key),
    logsKey: key,
    trailScope: TrailScope.THIS_REGION,
    s3ChangesRuleName: 'guardrails-s3-policy-changes',
    iamChangesRuleName: 'guardrails-iam-changes',
  });
  const rules = Template.fromStack(stack).findResources('AWS::Events::Rule');
  return Object.fromEntries(Object.values<any>(rules).map((r) => [r.Properties.Name, r.Properties.EventPattern]));
}

function cloudTrailEvent(source: string, eventSource: string, eventName: string) {
  return {
    version: '0',
    id: '7bf73129-1428-4cd3-a780-95db273d1602',
    'detail-type': 'AWS API Call via CloudTrail',
    source,
    account: WORKLOAD_ACCOUNT,
    time: '2026-12-05T12:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: { eventSource, eventName, recipientAccountId: WORKLOAD_ACCOUNT, userIdentity: { arn: `arn:aws:iam::${WORKLOAD_ACCOUNT}:role/bounded/admin` } },
  };
}

const iam = rulePatterns('us-east-1')['guardrails-iam-changes'];
const s3 = rulePatterns('eu-west-1')['guardrails-s3-policy-changes'];

const IAM_CHANGES = [
  'CreateOpenIDConnectProvider',
  'DeleteOpenIDConnectProvider',
  'UpdateOpenIDConnectProviderThumbprint',
  'AddClientIDToOpenIDConnectProvider',
  'RemoveClientIDFromOpenIDConnectProvider',
  'CreateSAMLProvider',
  'UpdateSAMLProvider',
  'DeleteSAMLProvider',
  'TagRole',
  'UntagRole',
  'TagUser',
  'UntagUser',
  'CreateInstanceProfile',
  'DeleteInstanceProfile',
  'AddRoleToInstanceProfile',
  'RemoveRoleFromInstanceProfile',
];
const S3_CHANGES = [
  'PutBucketVersioning',
  'PutBucketLifecycle',
  'DeleteBucketLifecycle',
  'PutBucketReplication',
  'DeleteBucketReplication',
  'PutBucketObjectLockConfiguration',
  'PutBucketLogging',
  'DeleteBucket',
];

describe('the security-class rules match the changes that widen access or make evidence disappear', () => {
  test.each(IAM_CHANGES)('guardrails-iam-changes matches %s', (eventName) => {
    expect(matches(iam, cloudTrailEvent('aws.iam', 'iam.amazonaws.com', eventName))).toBe(true);
  });

  test.each(S3_CHANGES)('guardrails-s3-policy-changes matches %s', (eventName) => {
    expect(matches(s3, cloudTrailEvent('aws.s3', 's3.amazonaws.com', eventName))).toBe(true);
  });

  test.each([
    ['guardrails-iam-changes', 'aws.iam', 'iam.amazonaws.com', 'ListRoles'],
    ['guardrails-iam-changes', 'aws.iam', 'iam.amazonaws.com', 'GetOpenIDConnectProvider'],
    ['guardrails-s3-policy-changes', 'aws.s3', 's3.amazonaws.com', 'GetBucketVersioning'],
    ['guardrails-s3-policy-changes', 'aws.s3', 's3.amazonaws.com', 'CreateBucket'],
  ])('control: %s does not match the read or unrelated call %s %s', (rule, source, eventSource, eventName) => {
    const pattern = rule === 'guardrails-iam-changes' ? iam : s3;
    expect(matches(pattern, cloudTrailEvent(source, eventSource, eventName))).toBe(false);
  });

  test('each pattern fits the default EventBridge event pattern quota (2,048 characters)', () => {
    for (const pattern of [iam, s3]) expect(JSON.stringify(pattern).length).toBeLessThanOrEqual(2048);
  });

  test('the public lists are the patterns’ lists', () => {
    expect(iam.detail.eventName).toEqual(SecurityEventCapture.IAM_CHANGE_EVENT_NAMES);
    expect(s3.detail.eventName).toEqual(SecurityEventCapture.S3_CHANGE_EVENT_NAMES);
  });
});
