import { BOUNDARY_POLICY_NAMES } from '@cdk-guardrails/config';

/**
 * The StackSet baseline's boundary in `region` (`GuardrailsPermissionsBoundary-<region>`): named per
 * region, since StackSets of different regions reach an account in no set order. The SCPs protect
 * these names and accept them as the boundary of a role under the bounded path.
 */
export function baselineBoundaryName(region: string): string {
  return `${BOUNDARY_POLICY_NAMES.permissions}-${region}`;
}
