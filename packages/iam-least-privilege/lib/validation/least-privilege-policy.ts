import * as iam from 'aws-cdk-lib/aws-iam';
import { PolicyStatementBuilder } from './policy-builder';
import { propError } from '../private/errors';

/**
 * A least-privilege policy document assembled from `PolicyStatementBuilder`s.
 *
 * @example
 * const policy = new LeastPrivilegePolicy();
 * policy.allow(['logs:CreateLogStream', 'logs:PutLogEvents'], [logGroup.logGroupArn]);
 * policy.allow(['s3:GetObject'], [bucket.arnForObjects('*')]).requireMfa();
 * new iam.ManagedPolicy(this, 'Policy', { document: policy.toDocument() });
 */
export class LeastPrivilegePolicy {
  private readonly builders: PolicyStatementBuilder[] = [];

  /**
   * Add an Allow statement; refine it with the returned builder. The checks of
   * `PolicyStatementBuilder.allow` apply (no `*` action; no wildcard or privilege-escalation action
   * such as `iam:PassRole` on `['*']`).
   */
  public allow(actions: string[], resources: string[]): PolicyStatementBuilder {
    return this.add(PolicyStatementBuilder.allow(actions, resources));
  }

  /** Add a Deny that applies unless the returned builder's requirements are met. */
  public deny(actions: string[], resources: string[]): PolicyStatementBuilder {
    return this.add(PolicyStatementBuilder.deny(actions, resources));
  }

  /** Add a Deny of every action except `actions` (`NotAction`). */
  public denyAllExcept(actions: string[], resources: string[]): PolicyStatementBuilder {
    return this.add(PolicyStatementBuilder.denyAllExcept(actions, resources));
  }

  /** Add a statement builder made elsewhere. */
  public add(builder: PolicyStatementBuilder): PolicyStatementBuilder {
    this.builders.push(builder);
    return builder;
  }

  /** Every statement, in the order the builders were added. */
  public toStatements(): iam.PolicyStatement[] {
    return this.builders.flatMap((b) => b.toStatements());
  }

  /** The policy document. Fails if it has no statement. */
  public toDocument(): iam.PolicyDocument {
    const statements = this.toStatements();
    if (statements.length === 0) {
      throw propError(
        'LeastPrivilegePolicy.toDocument',
        'statements',
        'an empty list (the policy has no statement)',
        'at least one statement',
        'Add one with allow(), deny() or add()',
      );
    }
    return new iam.PolicyDocument({ statements });
  }
}
