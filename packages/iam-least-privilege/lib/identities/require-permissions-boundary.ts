import { CfnResource, IAspect, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { boundaryOptOutReason } from './private/boundary-opt-outs';

/**
 * Fails synthesis for every IAM role or user in the scope that ends up without a permissions
 * boundary, including roles that CDK creates for you (custom resources, log retention...).
 * The accepted exceptions carry a reason: a `LeastPrivilegeRole` with
 * `withoutPermissionsBoundaryReason`, or a scope passed to `PermissionsBoundary.exempt`.
 *
 * It checks the rendered template, so boundaries set by `PermissionsBoundary.applyTo` (an
 * Aspect) count.
 *
 * @example
 * boundary.applyTo(app);
 * Aspects.of(app).add(new RequirePermissionsBoundary());
 */
export class RequirePermissionsBoundary implements IAspect {
  public visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node)) return;
    if (node.cfnResourceType !== iam.CfnRole.CFN_RESOURCE_TYPE_NAME && node.cfnResourceType !== iam.CfnUser.CFN_RESOURCE_TYPE_NAME) return;
    if (boundaryOptOutReason(node) !== undefined) return;
    const resource = node;
    node.node.addValidation({
      validate: () => {
        // The rendered resource includes property overrides (how the boundary Aspect sets it).
        const rendered = Stack.of(resource).resolve((resource as any)._toCloudFormation());
        const props = Object.values<any>(rendered.Resources ?? {})[0]?.Properties ?? {};
        return props.PermissionsBoundary
          ? []
          : [
              `${resource.cfnResourceType} ${resource.node.path} has no permissions boundary; apply one with PermissionsBoundary.applyTo(scope), or exempt it with a reason (PermissionsBoundary.exempt, or LeastPrivilegeRole withoutPermissionsBoundaryReason)`,
            ];
      },
    });
  }
}
