import { ExemptionReason } from '@cdk-guardrails/facts';
import { Annotations, CfnResource, IAspect, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { propError } from './private/errors';

const EXEMPTION_METADATA = '@cdk-guardrails/resilience:outsidePrivateNetwork';

/** Properties of RequirePrivateFunctions. */
export interface RequirePrivateFunctionsProps {
  /**
   * The subnets every function must run in (for example `network.subnets` of a
   * `PrivateNetwork`, or the database VPC's subnets for a hosted rotation).
   *
   * @default - any VPC configuration is accepted; only functions without one are reported
   */
  readonly allowedSubnets?: ec2.ISubnet[];
}

/**
 * An Aspect that fails synth (error annotation) for every Lambda function of the scope that does
 * not run in a VPC, or that runs in subnets other than `allowedSubnets`: the check behind "every
 * function the app creates is in the private subnets". It also sees the functions CDK creates for
 * custom resources (for example `restrictDefaultSecurityGroup` or `autoDeleteObjects`), which
 * cannot be placed in a VPC: remove them, or exempt them with a reason.
 *
 * ```ts
 * Aspects.of(app).add(new RequirePrivateFunctions({ allowedSubnets: network.subnets }));
 * ```
 */
export class RequirePrivateFunctions implements IAspect {
  /**
   * Exempt a function (or every function under a construct) with a reason, which is kept in the
   * construct's metadata in the cloud assembly.
   */
  public static exempt(scope: IConstruct, reason: string): void {
    if (!ExemptionReason.isSufficient(reason)) {
      throw propError(
        scope,
        'RequirePrivateFunctions.exempt(reason)',
        JSON.stringify(reason),
        `a reason of at least ${ExemptionReason.MIN_LENGTH} characters`,
        'Say why the function cannot run in the private network',
      );
    }
    scope.node.addMetadata(EXEMPTION_METADATA, reason);
  }

  private readonly allowedSubnets?: ec2.ISubnet[];

  constructor(props: RequirePrivateFunctionsProps = {}) {
    this.allowedSubnets = props.allowedSubnets;
  }

  public visit(node: IConstruct): void {
    if (!(node instanceof CfnResource) || node.cfnResourceType !== 'AWS::Lambda::Function') return;
    if (isExempt(node)) return;
    const stack = Stack.of(node);
    // L1 CfnFunction keeps its props in fields; the raw CfnResource of custom resource providers
    // keeps them in its properties bag.
    const vpcConfig = stack.resolve((node as any).vpcConfig ?? (node as any)._cfnProperties?.VpcConfig);
    const subnetIds: unknown = vpcConfig?.subnetIds ?? vpcConfig?.SubnetIds;
    if (!Array.isArray(subnetIds) || subnetIds.length === 0) {
      Annotations.of(node).addError(
        `Lambda function ${node.node.path} runs outside any VPC. Place it in the private subnets (vpc, vpcSubnets, securityGroups of PrivateNetwork), ` +
          'or RequirePrivateFunctions.exempt(construct, reason) if it cannot run in a VPC (CDK custom resource providers cannot).',
      );
      return;
    }
    if (this.allowedSubnets === undefined) return;
    const allowed = new Set(this.allowedSubnets.map((s) => JSON.stringify(stack.resolve(s.subnetId))));
    const outside = subnetIds.filter((id) => !allowed.has(JSON.stringify(id)));
    if (outside.length > 0) {
      const shown = outside.map((id) => (typeof id === 'string' && !Token.isUnresolved(id) ? id : JSON.stringify(id))).join(', ');
      Annotations.of(node).addError(`Lambda function ${node.node.path} runs in subnets outside the private network: ${shown}`);
    }
  }
}

function isExempt(node: IConstruct): boolean {
  return node.node.scopes.some((scope) => scope.node.metadata.some((m) => m.type === EXEMPTION_METADATA));
}
