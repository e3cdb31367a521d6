/**
 * The receiving side decides each shipped log group's class (issue 15): the classification rules
 * of the central destination (security app) map the source account and log group to a class. This
 * proves, on the synthesized prod apps, that every log group the workload stacks ship lands in the
 * class its sender intends (the one its subscription filter name states), so nothing is
 * dead-lettered as unclassified and nothing is filed with another retention.
 */
import { join } from 'node:path';
import { loadConfig } from '@cdk-guardrails/config';
import { prodStacks } from './support/prod-templates';

jest.setTimeout(300_000);

const config = loadConfig('prod', { configDir: join(__dirname, '..', '..', '..', 'config') });
const stacks = prodStacks(config);

interface Rule {
  p: string;
  c: string;
  a?: string[];
}

/** The rules the forwarder of one security logging stack reads (its CLASSIFICATION_RULES). */
function destinationRules(): Rule[] {
  const [, template] = stacks.find(([s]) => s.stackName.startsWith('prod-security-logging-'))!;
  const forwarder = Object.values<any>(template.Resources).find(
    (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.CLASSIFICATION_RULES,
  );
  return JSON.parse(forwarder.Properties.Environment.Variables.CLASSIFICATION_RULES);
}

/** The forwarder's decision: longest matching prefix, an account-specific rule first. */
function classOf(rules: Rule[], account: string, logGroup: string): string | undefined {
  const matching = rules
    .filter((r) => logGroup.startsWith(r.p) && (r.a === undefined || r.a.includes(account)))
    .sort((x, y) => y.p.length - x.p.length || (x.a ? -1 : 0) - (y.a ? -1 : 0));
  return matching[0]?.c;
}

test('every log group the prod workload stacks ship is classified by the destination as its sender intends', () => {
  const rules = destinationRules();
  const shipped: Array<[string, string, string | undefined]> = [];
  for (const [stack, template] of stacks.filter(([s]) => s.stackName.startsWith('prod-workload-'))) {
    for (const filter of Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::Logs::SubscriptionFilter')) {
      const ref = filter.Properties.LogGroupName;
      const logGroup: string = typeof ref === 'string' ? ref : template.Resources[ref.Ref].Properties.LogGroupName;
      const intended = /^guardrails-(audit|security|app)-/.exec(filter.Properties.FilterName)?.[1];
      expect([stack.stackName, logGroup, typeof logGroup]).toEqual([stack.stackName, logGroup, 'string']);
      shipped.push([logGroup, intended!, classOf(rules, stack.account, logGroup)]);
    }
  }
  expect(shipped.length).toBeGreaterThan(5);
  expect(shipped.filter(([, intended, decided]) => intended !== decided)).toEqual([]);
});

test('the destination names the senders: the workload accounts, and the StackSet OUs when configured', () => {
  const [, template] = stacks.find(([s]) => s.stackName.startsWith('prod-security-logging-'))!;
  const destination = Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::Logs::Destination');
  const policy = JSON.stringify(destination.Properties.DestinationPolicy);
  for (const account of config.workloadAccounts.map((a) => a.accountId)) expect(policy).toContain(account);
  expect(policy).toContain('aws:PrincipalOrgID');
  expect(policy).not.toContain('AllowOrganizationAccountsToSubscribe');
});
