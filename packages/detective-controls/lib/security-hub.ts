import { SecurityHubStandard } from '@cdk-guardrails/facts';
import { Stack, Token } from 'aws-cdk-lib';
import * as securityhub from 'aws-cdk-lib/aws-securityhub';
import { Construct } from 'constructs';
import { propError } from './private/errors';

/**
 * Which Security Hub standards are enabled (each an `AWS::SecurityHub::Standard`).
 *
 * The standards ARNs are regional: `arn:<partition>:securityhub:<region>::standards/<name>/v/<version>`
 * (the AWS Security Hub standards reference; DescribeStandards lists them per region).
 * @see https://docs.aws.amazon.com/securityhub/latest/userguide/standards-reference.html
 */
export interface SecurityHubStandards {
  /**
   * AWS Foundational Security Best Practices v1.0.0 (`aws-foundational-security-best-practices/v/1.0.0`).
   * @default true
   */
  readonly foundationalBestPractices?: boolean;

  /**
   * CIS AWS Foundations Benchmark v5.0.0 (`cis-aws-foundations-benchmark/v/5.0.0`).
   * @default true
   */
  readonly cisFoundationsBenchmark?: boolean;

  /**
   * PCI DSS v4.0.1 (`pci-dss/v/4.0.1`). Off by default: it matters for accounts in scope of a
   * cardholder data environment, and every control check is billed.
   * @default false
   */
  readonly pciDss?: boolean;
}

/** Properties of SecurityHub. */
export interface SecurityHubProps {
  /**
   * The standards to enable. The hub itself is created with `EnableDefaultStandards` false, so
   * exactly these are enabled.
   * @default - AWS Foundational Security Best Practices and CIS AWS Foundations Benchmark v5.0.0
   */
  readonly standards?: SecurityHubStandards;

  /**
   * Regions whose findings are aggregated into this stack's region: creates an
   * `AWS::SecurityHub::FindingAggregator` (linking mode `SPECIFIED_REGIONS`) here. Security Hub must
   * be enabled in each of them. Create the aggregator in one region of an account only (AWS allows
   * one per account). It aggregates across regions, not across accounts: see the README.
   * @default - no finding aggregator
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-securityhub-findingaggregator.html
   */
  readonly linkedRegions?: string[];
}

/** The standards this construct can enable: the facts both it and the compliance gate read (`SecurityHubStandard`). */
const STANDARDS: readonly { readonly spec: SecurityHubStandard; readonly prop: keyof SecurityHubStandards; readonly id: string }[] = [
  { spec: SecurityHubStandard.FOUNDATIONAL_BEST_PRACTICES, prop: 'foundationalBestPractices', id: 'FoundationalBestPractices' },
  { spec: SecurityHubStandard.CIS_FOUNDATIONS_BENCHMARK, prop: 'cisFoundationsBenchmark', id: 'CisFoundationsBenchmark' },
  { spec: SecurityHubStandard.PCI_DSS, prop: 'pciDss', id: 'PciDss' },
];

const REGION_FORMAT = /^[a-z]{2}(-[a-z]+)+-\d$/;

/**
 * AWS Security Hub in this account and region: the hub with consolidated control findings
 * (`ControlFindingGenerator` SECURITY_CONTROL: one finding per control, whichever standards
 * include it) and new controls of enabled standards enabled automatically, the chosen standards,
 * and optionally a finding aggregator for other regions.
 *
 * AWS allows one hub per account and region: where Security Hub is already enabled (for example by
 * an organization's delegated administrator), do not create one.
 */
export class SecurityHub extends Construct {
  /** The ARN of a standard of this construct in the given region (for example the stack's `Aws.REGION`). */
  public static standardsArn(partition: string, region: string, arnPath: string): string {
    return `arn:${partition}:securityhub:${region}::standards/${arnPath}`;
  }

  /** The hub. */
  public readonly hub: securityhub.CfnHub;

  /** The enabled standards (in the order FSBP, CIS, PCI DSS). */
  public readonly standards: securityhub.CfnStandard[];

  /** The finding aggregator (undefined without `linkedRegions`). */
  public readonly findingAggregator?: securityhub.CfnFindingAggregator;

  constructor(scope: Construct, id: string, props: SecurityHubProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    validateLinkedRegions(this, props.linkedRegions, stack.region);

    this.hub = new securityhub.CfnHub(this, 'Resource', {
      controlFindingGenerator: 'SECURITY_CONTROL',
      autoEnableControls: true,
      // The standards are resources of this construct, so that removing one is a reviewed change.
      enableDefaultStandards: false,
    });

    const chosen = props.standards ?? {};
    this.standards = STANDARDS.filter((s) => chosen[s.prop] ?? s.spec.enabledByDefault).map((s) => {
      const standard = new securityhub.CfnStandard(this, s.id, {
        standardsArn: SecurityHub.standardsArn(stack.partition, stack.region, s.spec.arnPath),
      });
      standard.node.addDependency(this.hub);
      return standard;
    });

    if (props.linkedRegions !== undefined) {
      this.findingAggregator = new securityhub.CfnFindingAggregator(this, 'FindingAggregator', {
        regionLinkingMode: 'SPECIFIED_REGIONS',
        regions: props.linkedRegions,
      });
      this.findingAggregator.node.addDependency(this.hub);
    }
  }
}

function validateLinkedRegions(scope: Construct, regions: string[] | undefined, ownRegion: string): void {
  if (regions === undefined) return;
  if (regions.length === 0) {
    throw propError(scope, 'linkedRegions', 'an empty list', 'at least one region, or no linkedRegions for no aggregator');
  }
  const seen = new Set<string>();
  for (const region of regions) {
    if (Token.isUnresolved(region)) continue;
    if (!REGION_FORMAT.test(region)) {
      throw propError(scope, 'linkedRegions', `'${region}'`, 'region names such as eu-central-1');
    }
    if (!Token.isUnresolved(ownRegion) && region === ownRegion) {
      throw propError(scope, 'linkedRegions', `'${region}'`, `regions other than the aggregation region ${ownRegion} (it is always included)`);
    }
    if (seen.has(region)) {
      throw propError(scope, 'linkedRegions', `'${region}' twice`, 'each region once');
    }
    seen.add(region);
  }
}
