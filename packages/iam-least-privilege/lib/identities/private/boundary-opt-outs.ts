import { Annotations, Aspects, CfnResource } from 'aws-cdk-lib';
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

/**
 * Records an explicit opt-out and makes it visible without a warning: the reason goes into the
 * construct metadata (kept in the cloud assembly) and, at synth, an info message on the scope names
 * the roles and users it covers. An explicit, reasoned opt-out of one role is a decision, not a
 * finding a `cdk synth --strict` pipeline must acknowledge. It warns only when it covers more than
 * one role or user: the reason was given once for the whole scope, and a role added under it later
 * (by CDK or another construct) would lose its boundary without anybody deciding it.
 */
export function recordAndReportBoundaryOptOut(scope: IConstruct, reason: string, source: string): void {
  recordBoundaryOptOut(scope, reason);
  Aspects.of(scope).add({
    visit(node: IConstruct): void {
      if (node !== scope) return;
      const covered = scope.node
        .findAll()
        .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && IDENTITY_TYPES.includes(c.cfnResourceType))
        .map((c) => c.node.path);
      if (covered.length > 1) {
        Annotations.of(scope).addWarningV2(
          '@cdk-guardrails/iam-least-privilege:boundaryOptOutCoversSeveral',
          `${source}: scope: received ${scope.node.path}, which holds ${covered.length} roles and users (${covered.join(', ')}); ` +
            'expected one role or user per opt-out, so that a role added under the scope later does not lose its boundary unnoticed. ' +
            `Opt each one out with its own reason. Reason given: ${reason}`,
        );
      } else {
        Annotations.of(scope).addInfo(`no permissions boundary (${source}) for ${covered.length === 1 ? covered[0] : 'no role or user yet'}: ${reason}`);
      }
    },
  });
}

const IDENTITY_TYPES = ['AWS::IAM::Role', 'AWS::IAM::User'];
