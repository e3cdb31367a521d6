import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { flatten, renderedProperties } from '../private/cfn';
import { NagRule, namedRule } from '../private/rule';

/** A class of log groups, told by name, and the retention it must carry. */
export interface LogClassRetention {
  /** Name of the class, used in messages (for example `audit`). */
  readonly className: string;
  /**
   * Regular expression (JavaScript syntax) that the log group name matches for the class.
   *
   * @example '(^|/)audit(/|$)'
   */
  readonly logGroupNamePattern: string;
  /** Retention every log group of the class carries, in days (a CloudWatch Logs retention value). */
  readonly retentionDays: number;
}

/**
 * Log groups are encrypted with a customer managed key (`KmsKeyId`) and carry the
 * retention of their class: a log group whose name matches a class pattern has exactly that
 * class's retention (first matching class wins); any other log group has a retention set
 * (never "keep forever" by omission). Log groups without a resolvable name are unclassified.
 *
 * @param classes the classes of log groups, in order of precedence
 */
export function LogGroupClassRetentionAndKey(classes: LogClassRetention[]): NagRule {
  const compiled = classes.map((c) => ({ ...c, pattern: new RegExp(c.logGroupNamePattern) }));
  return namedRule('LogGroupClassRetentionAndKey', (node: CfnResource): NagRuleResult => {
    if (node.cfnResourceType !== 'AWS::Logs::LogGroup') return NagRuleCompliance.NOT_APPLICABLE;
    const props = renderedProperties(node);
    if (props.KmsKeyId === undefined || props.KmsKeyId === '') return NagRuleCompliance.NON_COMPLIANT;
    const name = props.LogGroupName === undefined ? undefined : flatten(props.LogGroupName);
    const logClass = name === undefined ? undefined : compiled.find((c) => c.pattern.test(name));
    const retention = props.RetentionInDays;
    if (logClass === undefined) return typeof retention === 'number' ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
    return retention === logClass.retentionDays ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  });
}
