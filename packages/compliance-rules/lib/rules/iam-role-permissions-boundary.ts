import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { flatten, renderedProperties, resourceByLogicalId } from '../private/cfn';
import { NagRule, namedRule } from '../private/rule';

/**
 * Construct metadata that records a reasoned opt-out of the boundary: written by
 * iam-least-privilege's `PermissionsBoundary.exempt` and by detective-controls for its AWS Config
 * recorder role, read by `RequirePermissionsBoundary` too (a string contract between packages that
 * do not depend on each other). Its data is the reason.
 */
const BOUNDARY_OPT_OUT_METADATA = 'cdk-guardrails:permissions-boundary-opt-out';

/** The opt-out reason recorded on the resource or one of its scopes (an empty reason is none). */
function boundaryOptOutReason(node: CfnResource): string | undefined {
  for (const scope of [...node.node.scopes].reverse()) {
    const entry = scope.node.metadata.find((m) => m.type === BOUNDARY_OPT_OUT_METADATA);
    if (entry !== undefined && typeof entry.data === 'string' && entry.data.trim() !== '') return entry.data;
  }
  return undefined;
}

/**
 * Every IAM role (and user) has a permissions boundary, unless it was opted out with a reason
 * (`PermissionsBoundary.exempt`, detective-controls' recorder role: the reason is kept in the
 * cloud assembly; the rule does not apply to it). With `boundaryPattern`, the
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
    if ((boundary === undefined || boundary === '') && boundaryOptOutReason(node) !== undefined) return NagRuleCompliance.NOT_APPLICABLE;
    return checkBoundary(node, boundary, pattern);
  });
}

/** The boundary is set and, with a pattern, matches it (the ARN as written, or the same-stack policy's name). */
function checkBoundary(node: CfnResource, boundary: any, pattern: RegExp | undefined): NagRuleResult {
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
}
