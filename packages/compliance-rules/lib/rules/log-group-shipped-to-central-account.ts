import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { flatten, logicalIdOf, renderedProperties, resourcesOfType } from '../private/cfn';
import { NagRule, namedRule } from '../private/rule';

/** Which log groups must be shipped to the central account, and where. */
export interface CentralLogShippingRequirement {
  /** The account of the central log destinations (the security account), 12 digits. */
  readonly destinationAccountId: string;
  /**
   * Regular expressions (JavaScript syntax) of the log group names that must be shipped, for
   * example the audit and security class patterns.
   */
  readonly logGroupNamePatterns: string[];
}

/**
 * Every log group whose name matches one of `logGroupNamePatterns` has, in the same template, an
 * `AWS::Logs::SubscriptionFilter` on it (its `LogGroupName` is the log group's `Ref` or its literal
 * name) whose `DestinationArn` is a CloudWatch Logs destination of `destinationAccountId`
 * (`arn:<partition>:logs:<region>:<account>:destination:<name>`, literal or joined from parts; a
 * destination ARN that names no literal account does not count). Log groups of the destination
 * account itself are not applicable: they are the central copy. A log group without a resolvable
 * name is not applicable (it cannot be classified).
 */
export function LogGroupShippedToCentralAccount(requirement: CentralLogShippingRequirement): NagRule {
  const patterns = requirement.logGroupNamePatterns.map((p) => new RegExp(p));
  const destination = new RegExp(`^arn:[^:]+:logs:[^:]+:${requirement.destinationAccountId}:destination:.+$`);
  return namedRule('LogGroupShippedToCentralAccount', (node: CfnResource): NagRuleResult => {
    if (node.cfnResourceType !== 'AWS::Logs::LogGroup') return NagRuleCompliance.NOT_APPLICABLE;
    const account = Stack.of(node).account;
    if (!Token.isUnresolved(account) && account === requirement.destinationAccountId) return NagRuleCompliance.NOT_APPLICABLE;
    const props = renderedProperties(node);
    const name = props.LogGroupName === undefined ? undefined : flatten(props.LogGroupName);
    if (name === undefined || !patterns.some((p) => p.test(name))) return NagRuleCompliance.NOT_APPLICABLE;
    const logicalId = logicalIdOf(node);
    const shipped = resourcesOfType(node, 'AWS::Logs::SubscriptionFilter').some((filter) => {
      const f = renderedProperties(filter);
      const target = f.LogGroupName;
      const onThisGroup = (target && typeof target === 'object' && target.Ref === logicalId) || (typeof target === 'string' && target === name);
      return onThisGroup && destination.test(flatten(f.DestinationArn) ?? '');
    });
    return shipped ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  });
}
