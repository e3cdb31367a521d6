import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { flatten, renderedProperties, resourcesOfType } from '../private/cfn';
import { NagRule, namedRule } from '../private/rule';

/** Where AWS Security Hub aggregates the findings of other regions. */
export interface SecurityHubAggregationRequirement {
  /** The account of the aggregation region's hub (the security account), 12 digits. */
  readonly accountId: string;
  /** The aggregation (home) region: its hub's stack must hold the finding aggregator. */
  readonly region: string;
  /** The regions whose findings the aggregator must link. */
  readonly linkedRegions: string[];
}

/** The AWS Security Hub standards every hub must enable. */
export interface SecurityHubRequirement {
  /**
   * The standards, each as the part of its standards ARN after `standards/` (for example
   * `aws-foundational-security-best-practices/v/1.0.0`, `pci-dss/v/4.0.1`). An empty list requires
   * the hub's own settings only.
   */
  readonly standardsArnPaths: string[];

  /**
   * Resource types whose stacks must also have a hub: the detective controls created beside it
   * (for example `AWS::GuardDuty::Detector`, `AWS::Config::ConfigurationRecorder`). A resource of
   * one of these types in a stack without an unconditional `AWS::SecurityHub::Hub` is reported.
   *
   * @default - no stack is required to have a hub; the hubs that exist are checked
   */
  readonly companionResourceTypes?: string[];

  /**
   * The finding aggregation: the hub of `accountId` in `region` has, in its template, an
   * unconditional `AWS::SecurityHub::FindingAggregator` that links every one of `linkedRegions`
   * (`ALL_REGIONS`; `SPECIFIED_REGIONS` listing them; `ALL_REGIONS_EXCEPT_SPECIFIED` listing none
   * of them).
   *
   * @default - no finding aggregator is required
   */
  readonly aggregation?: SecurityHubAggregationRequirement;
}

/**
 * AWS Security Hub runs the configured standards, with none of their controls switched off, and
 * aggregates the configured regions:
 *
 * - every `AWS::SecurityHub::Hub` has, in its template, an `AWS::SecurityHub::Standard` for each of
 *   `standardsArnPaths` (`arn:<partition>:securityhub:<region>::standards/<path>`, the region of
 *   the stack or `${AWS::Region}`; another region or version does not count), does not set
 *   `AutoEnableControls` false (new controls of the enabled standards would stay off), and
 *   neither the hub nor a counted standard carries a CloudFormation `Condition` (it might not be
 *   created);
 * - every `AWS::SecurityHub::Standard` disables no control: `DisabledStandardsControls` absent
 *   or empty. The rule cannot tell which controls a guarantee relies on, so a control switched
 *   off on purpose is a waiver on that standard (owner, expiry), not a silent property.
 * - with `companionResourceTypes`, every resource of those types (the other detective controls)
 *   has an unconditional hub in its stack: removing the hub from a detective stack is reported on
 *   its companions. A stack with no hub and no companion is not checked.
 * - with `aggregation`, the hub of that account and region has a finding aggregator in its
 *   template that links every one of `linkedRegions`.
 */
export function SecurityHubStandardsEnabled(requirement: SecurityHubRequirement): NagRule {
  const paths = [...requirement.standardsArnPaths];
  const companions = new Set(requirement.companionResourceTypes ?? []);
  return namedRule('SecurityHubStandardsEnabled', (node: CfnResource): NagRuleResult => {
    if (companions.has(node.cfnResourceType)) {
      const hubs = resourcesOfType(node, 'AWS::SecurityHub::Hub').filter((h) => h.cfnOptions.condition === undefined);
      return hubs.length > 0 ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
    }
    if (node.cfnResourceType === 'AWS::SecurityHub::Standard') {
      const disabled = renderedProperties(node).DisabledStandardsControls;
      return disabled === undefined || (Array.isArray(disabled) && disabled.length === 0) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
    }
    if (node.cfnResourceType !== 'AWS::SecurityHub::Hub') return NagRuleCompliance.NOT_APPLICABLE;
    if (node.cfnOptions.condition !== undefined) return NagRuleCompliance.NON_COMPLIANT;
    const auto = renderedProperties(node).AutoEnableControls;
    if (auto !== undefined && auto !== true && auto !== 'true') return NagRuleCompliance.NON_COMPLIANT;
    const enabled = resourcesOfType(node, 'AWS::SecurityHub::Standard')
      .filter((s) => s.cfnOptions.condition === undefined)
      .map((s) => flatten(renderedProperties(s).StandardsArn));
    const region = regionPattern(Stack.of(node).region);
    const present = paths.every((path) => {
      const arn = new RegExp(`^arn:(?:\\$\\{AWS::Partition\\}|aws|aws-cn|aws-us-gov):securityhub:${region}::standards/${escape(path)}$`);
      return enabled.some((a) => arn.test(a));
    });
    if (!present) return NagRuleCompliance.NON_COMPLIANT;
    return aggregates(node, requirement.aggregation) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  });
}

/** Whether the hub's template aggregates the linked regions, where the requirement places the aggregator. */
function aggregates(hub: CfnResource, aggregation: SecurityHubAggregationRequirement | undefined): boolean {
  if (aggregation === undefined) return true;
  const stack = Stack.of(hub);
  if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)) return true;
  if (stack.account !== aggregation.accountId || stack.region !== aggregation.region) return true;
  const linked = aggregation.linkedRegions;
  return resourcesOfType(hub, 'AWS::SecurityHub::FindingAggregator')
    .filter((a) => a.cfnOptions.condition === undefined)
    .map(renderedProperties)
    .some((a) => {
      const regions: unknown = a.Regions ?? (a.RegionLinkingMode === 'ALL_REGIONS_EXCEPT_SPECIFIED' ? [] : undefined);
      const listed = Array.isArray(regions) ? regions : undefined;
      switch (a.RegionLinkingMode) {
        case 'ALL_REGIONS':
          return true;
        case 'SPECIFIED_REGIONS':
          return listed !== undefined && linked.every((r) => listed.includes(r));
        case 'ALL_REGIONS_EXCEPT_SPECIFIED':
          return listed !== undefined && !linked.some((r) => listed.includes(r));
        default:
          return false;
      }
    });
}

/** The region part of a standards ARN in a stack of `region`: that region, or `${AWS::Region}`. */
function regionPattern(region: string): string {
  if (Token.isUnresolved(region)) return '\\$\\{AWS::Region\\}';
  return `(?:${escape(region)}|\\$\\{AWS::Region\\})`;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
