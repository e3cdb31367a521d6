// The credentials reach the accounts the config names, and the deployed stacks are in them.
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { describeIntegration, forEachStack, output } from '../../src/context';

describeIntegration('caller identity and stack placement', (ctx) => {
  const configured = new Map<string, string>([
    [ctx.config.securityAccount.accountId, 'securityAccount'],
    ...ctx.config.workloadAccounts.map((a) => [a.accountId, `workloadAccounts.${a.name}`] as [string, string]),
  ]);

  forEachStack(
    ctx,
    'stack',
    () => true,
    (stack, target) => {
      test('the credentials used for this stack are for the account the config names', async () => {
        // GIVEN the account the outputs say the stack is in
        expect(configured.has(stack.accountId)).toBe(true);
        // WHEN asking STS who we are with this account's credentials
        const sts = new STSClient(target);
        const who = await sts.send(new GetCallerIdentityCommand({}));
        // THEN it is that account
        expect(who.Account).toBe(stack.accountId);
      });

      test('the stack is where the config puts it (environment, account, region)', () => {
        expect(output(stack, 'GuardrailsEnvironment')).toBe(ctx.config.environment);
        if (stack.role.startsWith('security-')) {
          expect(stack.accountId).toBe(ctx.config.securityAccount.accountId);
          expect(ctx.config.securityAccount.regions).toContain(stack.region);
        } else {
          const account = ctx.config.workloadAccounts.find((a) => a.name === output(stack, 'WorkloadAccountName'));
          expect(account?.accountId).toBe(stack.accountId);
          expect([...account!.regions, 'us-east-1']).toContain(stack.region);
        }
      });
    },
  );
});
