import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Fn, Stack } from 'aws-cdk-lib';
import { GuardrailsChecks, GuardrailsChecksProps } from '../lib';
import { findings, freshStack } from './helpers';

const RULE = 'LogGroupShippedToCentralAccount';
const CENTRAL = '555555555555';
const SHIPPING: GuardrailsChecksProps = {
  centralLogShipping: { destinationAccountId: CENTRAL, logGroupNamePatterns: ['(^|/)audit(/|$)', '(^|/)security(/|$)'] },
};
const DESTINATION = `arn:aws:logs:eu-west-1:${CENTRAL}:destination:prod-guardrails-central-logs`;

function group(stack: Stack, id: string, name: string): logs.LogGroup {
  return new logs.LogGroup(stack, id, { logGroupName: name, encryptionKey: new kms.Key(stack, `${id}Key`), retention: logs.RetentionDays.TEN_YEARS });
}
function ship(group: logs.LogGroup, id: string, destinationArn: string): void {
  new logs.CfnSubscriptionFilter(group.stack, id, { logGroupName: group.logGroupName, destinationArn, filterPattern: '' });
}

describe('LogGroupShippedToCentralAccount', () => {
  test('an audit and a security log group shipped to a destination of the central account comply; an app log group is not in scope', () => {
    const stack = freshStack();
    ship(group(stack, 'Audit', '/guardrails/audit/cloudtrail'), 'ShipAudit', DESTINATION);
    // joined from parts, as a token-built ARN renders
    ship(
      group(stack, 'Security', '/guardrails/security/events'),
      'ShipSecurity',
      Fn.join(':', ['arn', 'aws', 'logs', 'eu-west-1', CENTRAL, 'destination', 'x']),
    );
    group(stack, 'App', '/guardrails/app/orders');
    expect(findings(stack, RULE, SHIPPING)).toEqual([]);
  });

  test('an audit log group without a subscription filter is reported', () => {
    const stack = freshStack();
    group(stack, 'Audit', '/guardrails/audit/cloudtrail');
    expect(findings(stack, RULE, SHIPPING)).toEqual(['TestStack/Audit/Resource']);
  });

  test('shipped elsewhere does not count: a destination of another account, a Kinesis stream, a filter on another log group', () => {
    const stack = freshStack();
    ship(group(stack, 'Foreign', '/guardrails/audit/a'), 'ShipForeign', 'arn:aws:logs:eu-west-1:999999999999:destination:mine');
    ship(group(stack, 'Stream', '/guardrails/audit/b'), 'ShipStream', `arn:aws:kinesis:eu-west-1:${CENTRAL}:stream/central`);
    const other = group(stack, 'Other', '/guardrails/app/c');
    group(stack, 'Unshipped', '/guardrails/security/d');
    ship(other, 'ShipOther', DESTINATION);
    expect(findings(stack, RULE, SHIPPING).sort()).toEqual(['TestStack/Foreign/Resource', 'TestStack/Stream/Resource', 'TestStack/Unshipped/Resource']);
  });

  test('log groups of the central account itself are the central copy: not applicable', () => {
    const stack = freshStack(CENTRAL);
    group(stack, 'Central', '/guardrails/central/audit');
    expect(findings(stack, RULE, SHIPPING)).toEqual([]);
  });

  test('without centralLogShipping the rule does not run', () => {
    const stack = freshStack();
    group(stack, 'Audit', '/guardrails/audit/cloudtrail');
    expect(findings(stack, RULE)).toEqual([]);
  });

  test.each([
    [
      { destinationAccountId: '5555', logGroupNamePatterns: ['audit'] },
      /centralLogShipping\.destinationAccountId: received "5555"; expected a 12-digit AWS account id/,
    ],
    [{ destinationAccountId: CENTRAL, logGroupNamePatterns: [] }, /centralLogShipping\.logGroupNamePatterns: received an empty list/],
    [{ destinationAccountId: CENTRAL, logGroupNamePatterns: ['(audit'] }, /centralLogShipping\.logGroupNamePatterns\[0\]: received "\(audit"/],
  ])('a bad requirement is refused: %j', (centralLogShipping, message) => {
    expect(() => new GuardrailsChecks(undefined, { centralLogShipping })).toThrow(message);
  });
});
