// End to end: an IAM policy change in a workload account reaches the security account's central
// security log group within 5 minutes (CloudTrail -> EventBridge rule in us-east-1 -> workload
// security log group -> subscription filter -> destination -> Kinesis -> forwarder -> central group).
// Needs credentials for both accounts (GUARDRAILS_ACCOUNT_PROFILES, see test-integration/README.md).
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreatePolicyCommand, DeletePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { describeIntegration, forEachStack, output, reportSkipped, targetFor } from '../../src/context';

/** IAM delivers its events to EventBridge only in us-east-1. */
const IAM_EVENTS_REGION = 'us-east-1';
const DEADLINE_MS = 5 * 60 * 1000;
const POLL_MS = 15 * 1000;

describeIntegration('IAM change reaches the central security log group', (ctx) => {
  const central = ctx.stacks.find((s) => s.role === 'security-logging' && s.region === IAM_EVENTS_REGION);
  if (!central) {
    reportSkipped(`no security-logging stack in ${IAM_EVENTS_REGION} in the outputs`);
    return;
  }
  const centralTarget = targetFor(ctx, central.accountId, IAM_EVENTS_REGION);
  if ('reason' in centralTarget) {
    reportSkipped(`the central log group is in the security account: ${centralTarget.reason}`);
    return;
  }

  forEachStack(
    ctx,
    `workload stack capturing IAM changes in ${IAM_EVENTS_REGION}`,
    (s) => s.role.startsWith('workload') && s.region === IAM_EVENTS_REGION && s.outputs.CapturesIamChanges === 'true',
    (stack, target) => {
      test(
        'a managed policy created in the workload account appears in the central security log group within 5 minutes',
        async () => {
          // GIVEN a harmless probe policy with a unique name (it denies one action on a bucket that does not exist)
          const policyName = `guardrails-it-probe-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
          const iam = new IAMClient(target);
          const logs = new CloudWatchLogsClient(centralTarget);
          const startTime = Date.now() - 60_000;
          let policyArn: string | undefined;
          try {
            // WHEN it is created in the workload account
            const created = await iam.send(
              new CreatePolicyCommand({
                PolicyName: policyName,
                Description: 'cdk-guardrails integration test probe; deleted by the test, safe to delete',
                PolicyDocument: JSON.stringify({
                  Version: '2012-10-17',
                  Statement: [{ Effect: 'Deny', Action: 's3:DeleteBucket', Resource: `arn:aws:s3:::${policyName}` }],
                }),
              }),
            );
            policyArn = created.Policy?.Arn;

            // THEN the CreatePolicy event shows up centrally, in a stream of that account
            const logGroupName = output(central, 'CentralSecurityLogGroupName');
            let found: string | undefined;
            const deadline = Date.now() + DEADLINE_MS;
            while (!found && Date.now() < deadline) {
              await new Promise((r) => setTimeout(r, POLL_MS));
              let nextToken: string | undefined;
              do {
                const page = await logs.send(
                  new FilterLogEventsCommand({
                    logGroupName,
                    logStreamNamePrefix: `${stack.accountId}/`,
                    startTime,
                    filterPattern: `"${policyName}"`,
                    nextToken,
                  }),
                );
                found = page.events?.find((e) => e.message?.includes(policyName))?.message;
                nextToken = found ? undefined : page.nextToken;
              } while (nextToken);
            }
            if (!found) {
              throw new Error(
                `CreatePolicy of ${policyName} in ${stack.accountId} did not reach ${logGroupName} in ${central.accountId} within 5 minutes. ` +
                  `Check in order: the workload group ${output(stack, 'SecurityLogGroupName')} (EventBridge rule), its subscription filter, ` +
                  `the evidence destination ${central.outputs.EvidenceDestinationArn ?? '(no EvidenceDestinationArn output: redeploy the security account)'} (security events travel there, not through ${output(central, 'DestinationArn')}), ` +
                  `the forwarder and its dead-letter queue ${output(central, 'DeadLetterQueueUrl')} (reason evidence-class-on-open-stream: the workload still ships to the open destination).`,
              );
            }
            const event = JSON.parse(found);
            expect(event.source).toBe('aws.iam');
            expect(event.account).toBe(stack.accountId);
            expect(event.detail.eventName).toBe('CreatePolicy');
          } finally {
            if (policyArn) await iam.send(new DeletePolicyCommand({ PolicyArn: policyArn }));
            iam.destroy();
            logs.destroy();
          }
        },
        DEADLINE_MS + 2 * 60 * 1000,
      );
    },
  );
});
