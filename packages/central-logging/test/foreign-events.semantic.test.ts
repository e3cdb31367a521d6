/**
 * Red team (red5 A8): forging security records with another account's real CloudTrail events.
 *
 * The security log group is written by the construct's EventBridge rules only (aws:SourceArn in its
 * resource policy), and is shipped as class security under this account's name. A workload admin
 * inside the permissions boundary cannot put events with an `aws.*` source itself, but it can bring
 * real `AWS API Call via CloudTrail` events of an account it controls onto the default bus: a bus
 * resource policy (`events:PutResourcePolicy`, which the boundary allows on the account's buses),
 * or a rule of a bus of its own that targets the default bus. Those events keep their `account`;
 * a rule whose pattern does not name the account matches them, and the forwarder files them as this
 * account's security records. So each rule names this account.
 *
 * EventBridge matching is evaluated with the subset of the pattern language these rules use: exact
 * values in arrays, nested objects.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SecurityEventCapture, TrailScope } from '../lib';
import { newKey, newStack, matchesEventPattern as matches, newTrailBucket, OTHER_WORKLOAD_ACCOUNT, WORKLOAD_ACCOUNT } from './helpers';

function rulePatterns(region: string): Record<string, Record<string, any>> {
  const stack = newStack(region, WORKLOAD_ACCOUNT);
  const key = newKey(stack);
  const trailScope = region === 'us-east-1' ? TrailScope.THIS_REGION : TrailScope.ALL_REGIONS;
  new SecurityEventCapture(stack, 'Capture', {
    trailBucket: newTrailBucket(stack, key),
    logsKey: key,
    trailScope,
    s3ChangesRuleName: 'guardrails-s3-policy-changes',
    iamChangesRuleName: 'guardrails-iam-changes',
  });
  const rules = Template.fromStack(stack).findResources('AWS::Events::Rule');
  return Object.fromEntries(Object.values<any>(rules).map((r) => [r.Properties.Name, r.Properties.EventPattern]));
}

/** A real CloudTrail event as EventBridge delivers it, of `account`. */
function cloudTrailEvent(account: string, region: string, source: string, eventSource: string, eventName: string) {
  return {
    version: '0',
    id: '7bf73129-1428-4cd3-a780-95db273d1602',
    'detail-type': 'AWS API Call via CloudTrail',
    source,
    account,
    time: '2026-12-05T12:00:00Z',
    region,
    resources: [],
    detail: {
      eventSource,
      eventName,
      recipientAccountId: account,
      userIdentity: { arn: `arn:aws:iam::${account}:role/someone` },
      requestParameters: { bucketName: 'payments-ledger-exports' },
    },
  };
}

const CASES: [string, string, string, string, string][] = [
  ['guardrails-s3-policy-changes', 'eu-west-1', 'aws.s3', 's3.amazonaws.com', 'PutBucketPolicy'],
  ['guardrails-iam-changes', 'us-east-1', 'aws.iam', 'iam.amazonaws.com', 'AttachRolePolicy'],
];

describe('another account’s CloudTrail events brought onto the default bus are not filed as security records', () => {
  test.each(CASES)('%s does not match a %s event of another account', (rule, region, source, eventSource, eventName) => {
    const pattern = rulePatterns(region)[rule];
    const forged = cloudTrailEvent(OTHER_WORKLOAD_ACCOUNT, region, source, eventSource, eventName);
    expect(matches(pattern, forged)).toBe(false);
    // The test depends on the account: without it the same pattern matches (the attack before the fix).
    const { account: _account, ...withoutAccount } = pattern;
    expect(matches(withoutAccount, forged)).toBe(true);
  });

  test.each(CASES)('control: %s still matches the account’s own %s events', (rule, region, source, eventSource, eventName) => {
    const pattern = rulePatterns(region)[rule];
    expect(pattern.account).toEqual([WORKLOAD_ACCOUNT]);
    expect(matches(pattern, cloudTrailEvent(WORKLOAD_ACCOUNT, region, source, eventSource, eventName))).toBe(true);
  });

  test('an environment-agnostic stack names the account by reference (resolved by CloudFormation)', () => {
    const stack = new Stack(new App(), 'Agnostic');
    new SecurityEventCapture(stack, 'Capture', { logsKey: newKey(stack), trailScope: TrailScope.NONE });
    const rules = Object.values<any>(Template.fromStack(stack).findResources('AWS::Events::Rule'));
    expect(rules).toHaveLength(1);
    expect(rules[0].Properties.EventPattern.account).toEqual([{ Ref: 'AWS::AccountId' }]);
  });
});
