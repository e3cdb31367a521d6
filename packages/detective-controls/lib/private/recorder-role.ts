/** The AWS Config recorder role: out of any permissions boundary, protected instead. */
import { Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * Construct metadata that opts a scope out of any permissions boundary, as
 * `PermissionsBoundary.exempt` of `@cdk-guardrails/iam-least-privilege` records it (a string
 * contract: this package does not depend on that one); its `RequirePermissionsBoundary` accepts it.
 */
export const BOUNDARY_OPT_OUT_METADATA = 'cdk-guardrails:permissions-boundary-opt-out';

/** The tag `PermissionsBoundary.protectRole` sets: bounded identities cannot change, pass or assume the role. */
export const PROTECTED_TAG_KEY = 'guardrails:protected';

/**
 * The recorder reads the configuration of every resource type (AWS_ConfigRole). A permissions
 * boundary applied to the app (`boundary.applyTo(app)`) would deny most of those reads implicitly
 * and leave recording silently incomplete: the role has no boundary (whatever boundary an enclosing
 * scope applies; aws-cdk-lib's `PermissionsBoundary.of(...).clear()` on the role wins, inner scopes
 * apply last) and is protected instead: tagged `guardrails:protected`, which the boundary and the
 * SCPs of iam-least-privilege deny bounded identities to change, pass, assume or untag. It trusts
 * AWS Config of this account only.
 */
export function protectRecorderRole(role: iam.Role): void {
  const reason =
    'AWS Config recorder: reads the configuration of every resource type through the AWS_ConfigRole managed policy; a boundary would make recording silently incomplete. Protected by the guardrails:protected tag instead';
  iam.PermissionsBoundary.of(role).clear();
  role.node.addMetadata(BOUNDARY_OPT_OUT_METADATA, reason);
  Tags.of(role).add(PROTECTED_TAG_KEY, 'true');
}
