// The guardrails' log groups are encrypted with the logs key of their account and region and keep
// the retention of their class (config logging.retentionDays).
import { CloudWatchLogsClient, DescribeLogGroupsCommand, LogGroup } from '@aws-sdk/client-cloudwatch-logs';
import { describeIntegration, forEachStack, output } from '../../src/context';
import { DeployedStack } from '../../src/outputs';

async function describeLogGroup(logs: CloudWatchLogsClient, name: string): Promise<LogGroup> {
  const out = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }));
  const group = out.logGroups?.find((g) => g.logGroupName === name);
  if (!group) throw new Error(`log group ${name} does not exist`);
  return group;
}

describeIntegration('log groups: encryption and retention', (ctx) => {
  const retention = ctx.config.logging.retentionDays;

  forEachStack(
    ctx,
    'workload stack',
    (s) => s.role.startsWith('workload'),
    (stack, target) => {
      const logs = new CloudWatchLogsClient(target);
      afterAll(() => logs.destroy());
      const cases: Array<[string, string, number]> = [
        // Only stacks with a trail (the home region's multi-region trail, data-events trails) have one.
        ...(stack.outputs.AuditLogGroupName !== undefined
          ? [['audit (CloudTrail)', output(stack, 'AuditLogGroupName'), retention.audit] as [string, string, number]]
          : []),
        ['security events', output(stack, 'SecurityLogGroupName'), retention.security],
      ];
      for (const [what, name, days] of cases) {
        test(`${what} log group ${name}: logs key, ${days} days`, async () => {
          const group = await describeLogGroup(logs, name);
          expect(group.kmsKeyId).toBe(output(stack, 'LogsKeyArn'));
          expect(group.retentionInDays).toBe(days);
        });
      }
    },
  );

  forEachStack(
    ctx,
    'security-logging stack',
    (s) => s.role === 'security-logging',
    (stack, target) => {
      const logs = new CloudWatchLogsClient(target);
      afterAll(() => logs.destroy());
      // The central groups use the security account's logs key of the same region (its keys stack).
      const keysStack = ctx.stacks.find((s: DeployedStack) => s.role === 'security-keys' && s.accountId === stack.accountId && s.region === stack.region);
      const cases: Array<[string, string, number | undefined]> = [
        ['central audit', output(stack, 'CentralAuditLogGroupName'), retention.audit],
        ['central security', output(stack, 'CentralSecurityLogGroupName'), retention.security],
        ['central app', output(stack, 'CentralAppLogGroupName'), retention.app],
        ['forwarder (own retention, never shipped)', output(stack, 'ForwarderLogGroupName'), undefined],
      ];
      for (const [what, name, days] of cases) {
        test(`${what} log group ${name}: logs key, ${days === undefined ? 'a' : days + ' days'} retention`, async () => {
          expect(keysStack).toBeDefined();
          const group = await describeLogGroup(logs, name);
          expect(group.kmsKeyId).toBe(output(keysStack!, 'LogsKeyArn'));
          if (days === undefined) expect(group.retentionInDays).toBeGreaterThan(0);
          else expect(group.retentionInDays).toBe(days);
        });
      }
    },
  );
});
