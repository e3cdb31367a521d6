import { App, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { GuardrailsChecks, GuardrailsChecksProps } from '../lib';

/** A fresh stack with a concrete account, so "own account" can be told from foreign ones. */
export function freshStack(account = '111111111111'): Stack {
  return new Stack(new App(), 'TestStack', { env: { account, region: 'eu-west-1' } });
}

/** The `<rule id> <construct path>` findings of the Guardrails pack for one rule. */
export function findings(scope: IConstruct, rule: string, props?: GuardrailsChecksProps): string[] {
  const report = new GuardrailsChecks(undefined, props).validateScope(scope);
  return report.violations.filter((v) => v.ruleName === `Guardrails-${rule}`).flatMap((v) => v.violatingResources.map((r) => r.constructPath ?? '?'));
}
