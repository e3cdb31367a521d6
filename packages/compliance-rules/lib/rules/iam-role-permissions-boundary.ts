import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { flatten, renderedProperties, resourceByLogicalId } from '../private/cfn';
import { NagRule, namedRule } from '../private/rule';

/**
 * Every IAM role (and user) has a permissions boundary. With `boundaryPattern`, the
 * boundary must also match it: the pattern is tested against the boundary ARN as written
 * in the template (intrinsics flattened, `Fn::Join` joined, `Ref` as `${LogicalId}`) and,
 * when the boundary is a managed policy of the same stack, against that policy's
 * `ManagedPolicyName`.
 *
 * @param boundaryPattern regular expression (JavaScript syntax) the boundary must match; undefined accepts any boundary
 */
export function IamRolePermissionsBoundary(boundaryPattern?: string): NagRule {
  const pattern = boundaryPattern === undefined ? undefined : new RegExp(boundaryPattern);
  return namedRule('IamRolePermissionsBoundary', (node: CfnResource): NagRuleResult => {
    if (node.cfnResourceType !== 'AWS::IAM::Role' && node.cfnResourceType !== 'AWS::IAM::User') return NagRuleCompliance.NOT_APPLICABLE;
    const boundary = renderedProperties(node).PermissionsBoundary;
    if (boundary === undefined || boundary === '') return NagRuleCompliance.NON_COMPLIANT;
    if (pattern === undefined) return NagRuleCompliance.COMPLIANT;
    const candidates = [flatten(boundary)];
    const ref = typeof boundary === 'object' ? boundary.Ref : undefined;
    const policy = typeof ref === 'string' ? resourceByLogicalId(node, ref) : undefined;
    if (policy && policy.cfnResourceType === 'AWS::IAM::ManagedPolicy') {
      const name = renderedProperties(policy).ManagedPolicyName;
      if (name !== undefined) candidates.push(flatten(name));
    }
    return candidates.some((c) => pattern.test(c)) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  });
}
