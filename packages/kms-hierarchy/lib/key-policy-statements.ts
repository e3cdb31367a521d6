import * as iam from 'aws-cdk-lib/aws-iam';
import { ADMIN_ACTIONS } from './private/perms';

/**
 * Key policy statements the hierarchy's keys carry, for keys you create yourself (another
 * region's replica key, a key outside the hierarchy) so they hold the same guarantees.
 */
export class KeyPolicyStatements {
  /**
   * What a key administrator may do: key management only, no cryptographic use and no
   * `kms:CreateGrant` (a grant would let an administrator hand themselves Decrypt without a key
   * policy change that shows as PutKeyPolicy in CloudTrail). `kms:Create*` is narrowed to
   * `kms:CreateAlias`. A new array on every call.
   */
  public static administratorActions(): string[] {
    return [...ADMIN_ACTIONS];
  }

  /**
   * Denies `kms:CreateGrant` on the key to every principal unless the grant is for an AWS resource
   * (`kms:GrantIsForAWSResource`: EBS, RDS, Lambda and the like creating grants for what they manage
   * on your behalf) or the caller is an AWS service (`aws:PrincipalIsAWSService`). Both keys are
   * tested with `BoolIfExists` set to false, so a direct call that carries neither is denied: a
   * principal allowed `kms:CreateGrant` by another statement (or by a later policy change) cannot
   * grant itself or anyone durable use of the key outside the key policy. This is the statement AWS
   * Control Tower's proactive control CT.KMS.PR.3 requires, in the exact shape its rule reads
   * (Deny, Principal `*`, only `kms:CreateGrant`, Resource `*`, only `BoolIfExists` with the two keys).
   */
  public static denyGrantsExceptForAwsResources(): iam.PolicyStatement {
    return new iam.PolicyStatement({
      sid: 'DenyGrantsExceptForAwsResources',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    });
  }

  private constructor() {}
}
