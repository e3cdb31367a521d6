import { CfnResource } from 'aws-cdk-lib';
import { NagRuleResult } from 'cdk-nag';

/** A cdk-nag rule: one pure function over a resource. */
export type NagRule = (node: CfnResource) => NagRuleResult;

/**
 * The rule, named by its rule id (cdk-nag reads the function's `name` for the finding id
 * `<Pack>-<name>`), as cdk-nag's own rules are.
 */
export function namedRule(ruleId: string, rule: NagRule): NagRule {
  return Object.defineProperty(rule, 'name', { value: ruleId });
}
