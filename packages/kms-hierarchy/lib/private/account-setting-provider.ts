/**
 * The function that applies the account-level settings (EBS encryption by default, S3 Block Public
 * Access of the account): one per stack, found or created at the stack's root under
 * `AccountSettingsHandler.FUNCTION_ID`, its code inline (`AccountSettingsHandler.CODE` of
 * `@cdk-guardrails/facts`: no asset, so StackSets accept it), each setting a `CustomResource` whose
 * service token is this function.
 *
 * The permissions boundary of `@cdk-guardrails/iam-least-privilege` never allows a bounded identity
 * the calls that change these settings (they name no resource, and the boundary allows such actions
 * only by name; it refuses to be widened with them), so the role that makes them must live outside
 * the boundary: it is opted out with the construct metadata
 * `cdk-guardrails:permissions-boundary-opt-out` (a string contract, which that package's
 * `RequirePermissionsBoundary` accepts; this package does not depend on it) and tagged
 * `guardrails:protected`, so that no bounded identity can change, pass or assume it. Its only
 * permissions are the calls of the settings (each construct adds its own). Name the function with
 * the prefix the boundary protects (`guardrails-*`): whoever can invoke or update it can call the
 * settings' APIs as the role.
 *
 * The handler's code, the function's id, description and opt-out reason have one home,
 * `AccountSettingsHandler` of `@cdk-guardrails/facts`; what stays here is the aws-cdk-lib part,
 * which facts cannot hold (it has no dependency, so handlers and CLIs bundle it). The same
 * aws-cdk-lib part is in @cdk-guardrails/s3-encryption: construct packages do not depend on each other.
 */
import { AccountSettingsHandler } from '@cdk-guardrails/facts';
import { Duration, Stack, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export const BOUNDARY_OPT_OUT_METADATA = 'cdk-guardrails:permissions-boundary-opt-out';
export const PROTECTED_TAG_KEY = 'guardrails:protected';

/** Options of the stack's settings function (the first construct to ask decides them). */
export interface AccountSettingsFunctionOptions {
  readonly functionName?: string;
  readonly logGroup?: logs.ILogGroup;
}

/** The stack's settings function: found, or created with the inline handler and a protected role. */
export function accountSettingsFunction(scope: Construct, options: AccountSettingsFunctionOptions): lambda.Function {
  const stack = Stack.of(scope);
  const existing = stack.node.tryFindChild(AccountSettingsHandler.FUNCTION_ID);
  if (existing instanceof lambda.Function) return existing;
  const fn = new lambda.Function(stack, AccountSettingsHandler.FUNCTION_ID, {
    // Node.js 24 (like the project's other functions; async handler) includes the AWS SDK v3 clients the handler requires (no bundling, no asset).
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline(AccountSettingsHandler.CODE),
    timeout: Duration.minutes(2),
    functionName: options.functionName,
    logGroup: options.logGroup,
    description: AccountSettingsHandler.FUNCTION_DESCRIPTION,
  });
  const role = fn.role;
  if (role instanceof iam.Role) {
    iam.PermissionsBoundary.of(role).clear();
    role.node.addMetadata(BOUNDARY_OPT_OUT_METADATA, AccountSettingsHandler.BOUNDARY_OPT_OUT_REASON);
    Tags.of(role).add(PROTECTED_TAG_KEY, 'true');
  }
  return fn;
}
