import { IConstruct } from 'constructs';

/**
 * Construct metadata type that opts a scope's roles and users out of any permissions boundary, its
 * data the reason. A string contract, so that construct packages that do not depend on this one
 * (detective-controls for its AWS Config recorder role) can record an opt-out
 * `RequirePermissionsBoundary` accepts. `PermissionsBoundary.exempt` writes it too.
 */
export const BOUNDARY_OPT_OUT_METADATA = 'cdk-guardrails:permissions-boundary-opt-out';

export function recordBoundaryOptOut(scope: IConstruct, reason: string): void {
  scope.node.addMetadata(BOUNDARY_OPT_OUT_METADATA, reason);
}

/** The opt-out reason recorded on the construct or one of its ancestors, if any. */
export function boundaryOptOutReason(construct: IConstruct): string | undefined {
  for (const scope of [...construct.node.scopes].reverse()) {
    const entry = scope.node.metadata.find((m) => m.type === BOUNDARY_OPT_OUT_METADATA);
    if (entry !== undefined && typeof entry.data === 'string') return entry.data;
  }
  return undefined;
}
