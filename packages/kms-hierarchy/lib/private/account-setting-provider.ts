/**
 * The role of the function that applies an account-level setting through `AwsCustomResource`.
 *
 * The permissions boundary of `@cdk-guardrails/iam-least-privilege` never allows a bounded identity
 * the calls that change these settings (they name no resource, and the boundary allows such actions
 * only by name; it refuses to be widened with them), so the role that makes them must live outside
 * the boundary: it is opted out with the construct metadata
 * `cdk-guardrails:permissions-boundary-opt-out` (a string contract, which that package's
 * `RequirePermissionsBoundary` accepts; this package does not depend on it) and tagged
 * `guardrails:protected`, so that no bounded identity can change, pass or assume it. Its only
 * permissions are the calls of the setting. Name the function with the prefix the boundary
 * protects (`guardrails-*`): whoever can invoke or update it can call the setting's API as the role.
 * (The same helper is in @cdk-guardrails/s3-encryption: construct packages do not depend on each other.)
 */
import { Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';

export const BOUNDARY_OPT_OUT_METADATA = 'cdk-guardrails:permissions-boundary-opt-out';
export const PROTECTED_TAG_KEY = 'guardrails:protected';

/** Opts the provider's role out of the boundary (with the reason) and protects it by the tag. */
export function protectProviderRole(resource: cr.AwsCustomResource, reason: string): void {
  const role = resource.grantPrincipal;
  if (!(role instanceof iam.Role)) return;
  iam.PermissionsBoundary.of(role).clear();
  if (!role.node.metadata.some((m) => m.type === BOUNDARY_OPT_OUT_METADATA)) role.node.addMetadata(BOUNDARY_OPT_OUT_METADATA, reason);
  Tags.of(role).add(PROTECTED_TAG_KEY, 'true');
}
