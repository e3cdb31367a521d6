/** What every guardrail stack of both apps shares. */
import { PermissionsBoundary } from '@cdk-guardrails/iam-least-privilege';
import { Stack, StackProps, Tags } from 'aws-cdk-lib';
import { rules } from 'cdk-nag';
import { Construct } from 'constructs';
import { Acknowledgement, packRuleIds, resourceAt } from './compliance-gate';
import { controlTowerRuleId } from './control-tower';

/**
 * A stack whose availability zones can come from config: the private network's zones
 * (`network.privateFunctions.vpcs[].vpc.availabilityZones`). CDK would otherwise look up the
 * region's zones, and a context lookup needs credentials at synth, which the apps never use.
 */
export class GuardrailStack extends Stack {
  private networkZones?: string[];

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    // Every function of a guardrail stack is guardrail infrastructure (the central forwarder, which writes
    // the evidence; the rotations, which hold the credentials; the settings functions): SCP
    // protect-tagged-guardrail-resources denies changing their code, configuration or concurrency to
    // all but the deployers and break-glass (red16 R16-1).
    Tags.of(this).add(PermissionsBoundary.PROTECTED_TAG_KEY, 'true', { includeResourceTypes: ['AWS::Lambda::Function'] });
  }

  public get availabilityZones(): string[] {
    return this.networkZones ?? super.availabilityZones;
  }

  /** Use these zones (the config's, for the private network) instead of a lookup. */
  protected useAvailabilityZones(zones: string[]): void {
    this.networkZones = [...zones];
  }
}

/**
 * The acknowledgement of the account's permissions boundary (construct `PermissionsBoundary` in a
 * stack), the same in both apps: its wildcards are a ceiling, not a grant.
 */
export function permissionsBoundaryAcknowledgement(): Acknowledgement {
  return {
    // The boundary is a ceiling: it is intersected with identity policies and grants nothing itself.
    path: 'PermissionsBoundary/Resource',
    idsForStack: (stack: Stack) => {
      const boundary = resourceAt(stack, 'PermissionsBoundary/Resource');
      const wildcards = boundary ? rules.iam.IAMNoWildcardPermissions(boundary) : [];
      return [
        ...(Array.isArray(wildcards) ? wildcards.map((finding) => `AwsSolutions-IAM5[${finding}]`) : []),
        ...packRuleIds('IAMPolicyNoStatementsWithFullAccess'),
        // The same finding in Control Tower's rules: service-wide actions (`sqs:*`-style) in a managed policy.
        ...(boundary ? [controlTowerRuleId('CT.IAM.PR.3')] : []),
      ];
    },
    reason:
      "the permissions boundary is a ceiling intersected with each role's identity policies and grants nothing by itself (its service-wide actions are the ceiling, not a grant); it allows the services the guardrails use, limited to this account's resources, and its deny statements protect the guardrails (iam-least-privilege PermissionsBoundary)",
  };
}
