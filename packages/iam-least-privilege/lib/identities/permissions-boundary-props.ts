import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * Properties of a {@link PermissionsBoundary}.
 */
export interface PermissionsBoundaryProps {
  /**
   * Name of the boundary managed policy. Keep the default unless you run two boundaries in one
   * account: `LeastPrivilegeRole` finds the boundary by this name.
   *
   * @default PermissionsBoundary.DEFAULT_POLICY_NAME ('GuardrailsPermissionsBoundary')
   */
  readonly managedPolicyName?: string;

  /**
   * Description of the managed policy.
   *
   * @default - a description naming what the boundary denies
   */
  readonly description?: string;

  /**
   * IAM service prefixes (for example 's3', 'logs') whose actions identities inside the boundary
   * may use, on resources of the allowed accounts only. Anything else is outside the boundary.
   *
   * @default PermissionsBoundary.DEFAULT_ALLOWED_SERVICES
   */
  readonly allowedServices?: string[];

  /**
   * Other accounts whose resources identities inside the boundary may act on (for example the
   * security account that holds the central log destination). The boundary's own account is
   * always allowed.
   *
   * @default - only resources of the boundary's own account
   */
  readonly resourceAccountIds?: string[];

  /**
   * The services (a subset of `allowedServices`) whose resources in `resourceAccountIds` identities
   * inside the boundary may act on, for example `['logs']` for a sender role that subscribes log
   * groups to the security account's destination. Each service costs one ARN pattern per resource
   * account in a policy limited to 6,144 characters, and acting on the other account's resources
   * should be the exception.
   *
   * @default - every service of `allowedServices`
   */
  readonly resourceAccountServices?: string[];

  /**
   * Named actions that have no resource-level permissions (they only work on `Resource: "*"`)
   * that identities inside the boundary may use. Wildcards are refused.
   *
   * @default PermissionsBoundary.DEFAULT_RESOURCELESS_ACTIONS
   */
  readonly resourcelessActions?: string[];

  /**
   * Tag keys every new role and user must carry (`aws:RequestTag/<key>` present on
   * `iam:CreateRole` / `iam:CreateUser`); removing them later is denied too.
   * An empty list disables the check and adds a warning.
   *
   * @default PermissionsBoundary.DEFAULT_REQUIRED_TAG_KEYS (['Environment'])
   */
  readonly requiredTagKeys?: string[];

  /**
   * Role name patterns (IAM wildcards allowed, for example 'central-logging-*') that identities
   * inside the boundary may not change, delete, pass or remove from. Roles tagged
   * `PermissionsBoundary.PROTECTED_TAG_KEY = 'true'` are protected as well.
   *
   * @default - only roles carrying the protected tag
   */
  readonly protectedRoleNamePatterns?: string[];

  /**
   * Exact ARNs of guardrail roles of this account (break-glass, key administrator, log
   * administrator, StackSet execution role, Control Tower roles, cross-account roles): identities
   * inside the boundary may not create a role with that name, change, tag, untag, update the trust
   * policy of, pass or assume them. Wildcards are refused: list each role.
   *
   * @default - none (the CDK bootstrap roles and `guardrailAdministratorArns` are protected anyway)
   */
  readonly protectedPrincipalArns?: string[];

  /**
   * Qualifier of the account's CDK bootstrap roles: identities inside the boundary may not create,
   * change, pass or assume any `cdk-<qualifier>-*` role (the deploy role trusts the account root,
   * the CloudFormation execution role has AdministratorAccess). Bounded identities therefore cannot
   * run `cdk deploy`; a pipeline outside the boundary does.
   *
   * @default - the qualifier of the stack's synthesizer (`DefaultStackSynthesizer`: the
   *   `@aws-cdk/core:bootstrapQualifier` context, else 'hnb659fds'); 'hnb659fds' for a synthesizer
   *   without one
   * @see https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping-customizing.html
   */
  readonly cdkBootstrapQualifier?: string;

  /**
   * Exact ARNs of the principals that may still change the guardrail resources (see
   * `protectedResourceNamePrefix`) from inside the boundary, for example the log administrator
   * role. These roles are protected like `protectedPrincipalArns` (nobody inside the boundary can
   * create, change, pass or assume them), so the exemption cannot be taken over.
   *
   * @default - none: no identity inside the boundary can change a guardrail resource
   */
  readonly guardrailAdministratorArns?: string[];

  /**
   * Name prefix of the guardrail resources: log groups `/<prefix>/...`, and Lambda functions,
   * EventBridge rules, Kinesis streams and SQS queues `<prefix>-...`. Identities inside the
   * boundary (but `guardrailAdministratorArns`) may not delete, reconfigure, re-key, re-permission,
   * tag or untag them, nor create one with such a name; writing to them (`logs:PutLogEvents`,
   * `kinesis:PutRecords`, `sqs:SendMessage`) stays allowed; invoking a guardrail function does not
   * (only AWS services invoke them).
   *
   * @default 'guardrails'
   */
  readonly protectedResourceNamePrefix?: string;

  /**
   * Names of other customer managed policies of the account that identities inside the boundary
   * may not edit (new or default versions), delete, tag or untag, like this boundary itself: for
   * example 'GuardrailsDeploymentBoundary', the boundary of the CDK execution role. Whoever can
   * edit a boundary can lift it.
   *
   * @default - only this boundary policy is protected
   */
  readonly protectedPolicyNames?: string[];

  /**
   * Names of the CloudFormation stacks that deploy the guardrails, besides those named
   * `<protectedResourceNamePrefix>-*` (always protected): exact names or patterns with '*', such
   * as 'prod-workload-*', 'CDKToolkit' (the CDK bootstrap stack) or 'StackSet-*' (StackSet
   * instances). Identities inside the boundary may read them (`Describe*`, `Get*`, `List*`) but
   * not update, delete, roll back or change-set them, nor create a stack with such a name:
   * CloudFormation carries out an update with the stack's own service role (the CDK execution
   * role), whatever the caller may do itself.
   *
   * @default - only the stacks named `<protectedResourceNamePrefix>-*`
   */
  readonly protectedStackNames?: string[];

  /**
   * IAM path (such as '/bounded/') of the only roles of this account that identities inside the
   * boundary may create, pass to a service (`iam:PassRole`) or assume (`sts:AssumeRole`); they may
   * not change any SAML or OIDC identity provider either, and every stack operation they start
   * must name a service role under the path (CloudFormation would otherwise run it with the role the
   * stack already has). Every role they create carries this boundary, so they can only ever hand a
   * service, or take, a bounded role. Roles cannot be moved
   * to another path: existing workload roles that bounded identities pass must be re-created under
   * it first. Admins outside the boundary must not put unbounded roles under the path.
   *
   * @default - no path restriction: bounded identities may pass and assume any role of the account
   *   that no other statement protects (see the README's security notes)
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-friendly-names
   */
  readonly boundedRolePath?: string;

  /**
   * Allow identities inside the boundary to create IAM access keys (long-term credentials).
   * Service identities should be roles only, so this stays false unless you have a reason.
   *
   * @default false
   */
  readonly allowAccessKeyCreation?: boolean;

  /**
   * Extra statements appended to the boundary (for example an Allow for a resource type whose
   * ARN carries no account id, such as Route 53 hosted zones).
   *
   * @default - none
   */
  readonly additionalStatements?: iam.PolicyStatement[];
}
