import { Annotations, Aspects, Stack, Tags, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import {
  BOUNDARY_CONDITIONED_ACTIONS,
  BOUNDARY_REMOVAL_ACTIONS,
  DEFAULT_BOUNDARY_SERVICES,
  DEFAULT_RESOURCELESS_ACTIONS,
  LOG_SUBSCRIPTION_TAMPER_ACTIONS,
  GUARDRAIL_PRINCIPAL_TAKEOVER_ACTIONS,
  IDENTITY_PROVIDER_ACTIONS,
  IDENTITY_TAGGING_ACTIONS,
  LONG_TERM_CREDENTIAL_ACTIONS,
  POLICY_EDIT_ACTIONS,
  ROLE_ACTIONS,
  ROLE_PATH_ACTIONS,
  SECURITY_SERVICE_TAMPER_ACTIONS,
  USER_CREDENTIAL_ACTIONS,
} from './private/perms';
import { recordBoundaryOptOut } from './private/boundary-opt-outs';
import { claimBoundaryName, registerBoundary } from './private/boundary-registry';
import {
  cdkBootstrapRolePattern,
  DEFAULT_CDK_BOOTSTRAP_QUALIFIER,
  DEFAULT_RESOURCE_NAME_PREFIX,
  guardrailResourceStatement,
  guardrailStackPatterns,
  PROTECTED_TAG_KEY,
  protectedSessionTagStatement,
  protectedTagKeyStatement,
} from './private/guardrail-statements';
import { estimatePolicyCharacters } from './private/policy-size';
import {
  managedPolicyArnFromName,
  validateAccountIds,
  validateBoundedRolePath,
  validateIamNames,
  validateStackNamePatterns,
  validateCdkBootstrapQualifier,
  validateExactPrincipalArns,
  validateResourceNamePrefix,
} from './private/validate';

/** IAM limit for a customer managed policy (characters, whitespace not counted). */
const MANAGED_POLICY_MAX_CHARACTERS = 6144;

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
   * @default 'hnb659fds' (the CDK default qualifier)
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
   * not change any SAML or OIDC identity provider either. Every role they create carries this
   * boundary, so they can only ever hand a service, or take, a bounded role. Roles cannot be moved
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

/**
 * The project's permissions boundary: a customer managed policy with a fixed name, created once
 * per account, attached to every role the apps create.
 *
 * It ALLOWS the listed services on resources of the allowed accounts plus a few named resourceless
 * actions (a boundary grants nothing by itself: effective permissions are the intersection of the
 * identity policy and the boundary), and DENIES the escalation paths, so that an administrator
 * who lives inside it cannot leave it:
 * - creating or changing roles and users that do not carry this boundary (`iam:PermissionsBoundary`),
 * - removing a boundary, or editing, tagging or deleting this policy,
 * - creating roles or users without the required tags, or removing those tags,
 * - disabling or altering CloudTrail, GuardDuty, Config, Access Analyzer, Security Hub and the
 *   log subscriptions (no identity inside the boundary is exempt, whatever its tags),
 * - giving any identity or session the `guardrails:protected` tag,
 * - taking over guardrail roles (exact ARNs) and the CDK bootstrap roles: creating one with that
 *   name, changing it, updating its trust, passing or assuming it,
 * - managing users' credentials (console passwords, MFA devices, SSH keys, signing certificates,
 *   service-specific credentials, access key status), and creating access keys,
 * - destroying or reconfiguring the guardrail resources (`/<prefix>/...` log groups,
 *   `<prefix>-...` functions, rules, streams and queues), except for exact administrator ARNs,
 * - with `boundedRolePath` (opt-in): creating, passing or assuming any role of the account outside
 *   that path, and changing identity providers, so that bounded identities only ever pass or
 *   assume bounded roles.
 */
export class PermissionsBoundary extends iam.ManagedPolicy {
  /** The fixed name of the boundary policy in every account. */
  public static readonly DEFAULT_POLICY_NAME: string = 'GuardrailsPermissionsBoundary';

  /**
   * Tag key that marks a role as protected: identities inside the boundary cannot change it, and
   * cannot set this key on any identity or session. It marks a resource; it exempts no principal.
   */
  public static readonly PROTECTED_TAG_KEY: string = PROTECTED_TAG_KEY;

  /** Services allowed by default (on resources of the allowed accounts). */
  public static readonly DEFAULT_ALLOWED_SERVICES: string[] = [...DEFAULT_BOUNDARY_SERVICES];

  /** Resourceless actions allowed by default. */
  public static readonly DEFAULT_RESOURCELESS_ACTIONS: string[] = [...DEFAULT_RESOURCELESS_ACTIONS];

  /** Tag keys new roles and users must carry by default. */
  public static readonly DEFAULT_REQUIRED_TAG_KEYS: string[] = ['Environment'];

  /**
   * Reference the boundary of the stack's account by its fixed name (for stacks that do not
   * create it). The policy must already exist when the referencing stack is deployed.
   */
  public static fromDefaultName(scope: Construct, id: string): iam.IManagedPolicy {
    return iam.ManagedPolicy.fromManagedPolicyName(scope, id, PermissionsBoundary.DEFAULT_POLICY_NAME);
  }

  /**
   * Mark a role as guardrail infrastructure (tag `guardrails:protected=true`): identities inside
   * the boundary can no longer change, delete, pass, tag or untag it. Only identities outside the
   * boundary (the deployment role) can set the tag. Use it on central-logging and security roles.
   *
   * The tag marks a resource only: it exempts the role from nothing. A role that must run
   * security-service or log-subscription changes (security tooling) must live outside the boundary
   * (`PermissionsBoundary.exempt`), and SCPs exempt it by its exact ARN.
   */
  public static protectRole(role: iam.IRole): void {
    Tags.of(role).add(PermissionsBoundary.PROTECTED_TAG_KEY, 'true');
  }

  /**
   * Mark every IAM role under `scope` (a construct, a stack, an app) as guardrail infrastructure,
   * like `protectRole`: the roles the guardrail constructs create for their own functions, trails,
   * flow logs and log shipping, which nothing inside the boundary needs to change, pass or assume.
   * Roles added later under `scope` are protected too (a tag, applied at synth). Keep the roles a
   * workload passes or assumes out of `scope`.
   */
  public static protectRoles(scope: IConstruct): void {
    Tags.of(scope).add(PermissionsBoundary.PROTECTED_TAG_KEY, 'true', { includeResourceTypes: ['AWS::IAM::Role'] });
  }

  /**
   * Exempt every role and user under `scope` from any permissions boundary, with a reason that
   * is recorded as a warning; `RequirePermissionsBoundary` accepts them. For roles a boundary
   * would break, such as an AWS Config recorder role that needs read access on every resource
   * type (`AWS_ConfigRole`). Consider `protectRole` on them as well.
   */
  public static exempt(scope: IConstruct, reason: string): void {
    if (typeof reason !== 'string' || reason.trim().length < 10) {
      throw new Error(`reason: received ${JSON.stringify(reason)}; expected at least 10 characters explaining why ${scope.node.path} needs no permissions boundary`);
    }
    // Runs after a boundary applied to an enclosing scope (Aspects of inner scopes run later).
    iam.PermissionsBoundary.of(scope).clear();
    recordBoundaryOptOut(scope, reason.trim());
    Annotations.of(scope).addWarningV2('@cdk-guardrails/iam-least-privilege:noPermissionsBoundary',
      `no permissions boundary under this scope: ${reason.trim()}`);
  }

  /** ARN of this boundary policy, built from its name (usable inside its own document). */
  public readonly boundaryArn: string;

  constructor(scope: Construct, id: string, props: PermissionsBoundaryProps = {}) {
    const policyName = props.managedPolicyName ?? PermissionsBoundary.DEFAULT_POLICY_NAME;
    validatePolicyName(policyName);
    const services = props.allowedServices ?? PermissionsBoundary.DEFAULT_ALLOWED_SERVICES;
    validateServices(services);
    const resourceAccountIds = props.resourceAccountIds ?? [];
    validateAccountIds('resourceAccountIds', resourceAccountIds);
    const resourceAccountServices = props.resourceAccountServices ?? services;
    for (const s of resourceAccountServices) {
      if (!services.includes(s)) {
        throw new Error(`resourceAccountServices: received '${s}'; expected one of allowedServices (${services.join(', ')})`);
      }
    }
    const resourcelessActions = props.resourcelessActions ?? PermissionsBoundary.DEFAULT_RESOURCELESS_ACTIONS;
    validateNamedActions('resourcelessActions', resourcelessActions);
    const requiredTagKeys = props.requiredTagKeys ?? PermissionsBoundary.DEFAULT_REQUIRED_TAG_KEYS;
    validateTagKeys(requiredTagKeys);
    const protectedRoleNamePatterns = props.protectedRoleNamePatterns ?? [];
    validateRoleNamePatterns(protectedRoleNamePatterns);

    const stack = Stack.of(scope);
    const protectedPrincipalArns = props.protectedPrincipalArns ?? [];
    validateExactPrincipalArns('protectedPrincipalArns', protectedPrincipalArns, { rolesOnly: true, account: stack.account, allowTokens: true });
    const guardrailAdministratorArns = props.guardrailAdministratorArns ?? [];
    validateExactPrincipalArns('guardrailAdministratorArns', guardrailAdministratorArns, { allowTokens: true });
    const qualifier = props.cdkBootstrapQualifier ?? DEFAULT_CDK_BOOTSTRAP_QUALIFIER;
    validateCdkBootstrapQualifier('cdkBootstrapQualifier', qualifier);
    const resourcePrefix = props.protectedResourceNamePrefix ?? DEFAULT_RESOURCE_NAME_PREFIX;
    validateResourceNamePrefix('protectedResourceNamePrefix', resourcePrefix);
    if (props.boundedRolePath !== undefined) validateBoundedRolePath('boundedRolePath', props.boundedRolePath);
    const protectedPolicyNames = props.protectedPolicyNames ?? [];
    validateIamNames('protectedPolicyNames', protectedPolicyNames, 'a managed policy name', 'GuardrailsDeploymentBoundary');
    const stackNames = props.protectedStackNames ?? [];
    validateStackNamePatterns('protectedStackNames', stackNames);
    // Built from the name, not `this.managedPolicyArn`: a policy cannot Ref itself in its document.
    const boundaryArn = managedPolicyArnFromName(stack, policyName);

    const statements: iam.PolicyStatement[] = [];
    // Every resource of an allowed service whose ARN carries an allowed account id (any region,
    // including none, as in IAM ARNs). IAM accepts no wildcard in the service segment of an ARN,
    // hence one pattern per service and account. S3 ARNs carry no account: see below. The
    // partition is '*' (an account id belongs to one partition): 2 characters less per pattern.
    const accountScopedServices = services.filter((s) => s !== 's3');
    if (accountScopedServices.length > 0) {
      statements.push(new iam.PolicyStatement({
        sid: 'AllowServicesOnAllowedAccounts',
        actions: services.map((s) => `${s}:*`),
        resources: [
          ...accountScopedServices.map((s) => `arn:*:${s}:*:${stack.account}:*`),
          ...resourceAccountIds.flatMap((a) => resourceAccountServices.filter((s) => s !== 's3').map((s) => `arn:*:${s}:*:${a}:*`)),
        ],
      }));
    }
    if (services.includes('s3')) {
      // S3 bucket and object ARNs carry no account id: scope them with s3:ResourceAccount instead.
      statements.push(new iam.PolicyStatement({
        sid: 'AllowS3OnAllowedAccountBuckets',
        actions: ['s3:*'],
        resources: [`arn:${stack.partition}:s3:::*`],
        conditions: { StringEquals: { 's3:ResourceAccount': [stack.account, ...(resourceAccountServices.includes('s3') ? resourceAccountIds : [])] } },
      }));
    }
    if (resourcelessActions.length > 0) {
      statements.push(new iam.PolicyStatement({
        sid: 'AllowNamedResourcelessActions',
        actions: resourcelessActions,
        resources: ['*'],
      }));
    }
    statements.push(
      new iam.PolicyStatement({
        sid: 'DenyIdentitiesWithoutThisBoundary',
        effect: iam.Effect.DENY,
        actions: [...BOUNDARY_CONDITIONED_ACTIONS],
        resources: ['*'],
        // A missing key (no boundary requested) makes StringNotEquals true: denied.
        conditions: { StringNotEquals: { 'iam:PermissionsBoundary': boundaryArn } },
      }),
      new iam.PolicyStatement({
        // One statement for the unconditional escapes (the policy is limited to 6,144 characters):
        // removing a boundary, and signing in as another user with credentials set by the caller.
        sid: 'DenyBoundaryEscapes',
        effect: iam.Effect.DENY,
        actions: [
          ...BOUNDARY_REMOVAL_ACTIONS,
          ...USER_CREDENTIAL_ACTIONS,
          ...(props.allowAccessKeyCreation ? [] : LONG_TERM_CREDENTIAL_ACTIONS),
        ],
        resources: ['*'],
      }),
    );
    requiredTagKeys.forEach((key, i) => {
      statements.push(new iam.PolicyStatement({
        // One statement per key: keys inside one Null block are ANDed, we need "any key missing".
        sid: `DenyIdentityWithoutRequiredTag${i}`,
        effect: iam.Effect.DENY,
        actions: ['iam:CreateRole', 'iam:CreateUser'],
        resources: ['*'],
        conditions: { Null: { [`aws:RequestTag/${key}`]: 'true' } },
      }));
    });
    if (requiredTagKeys.length > 0) {
      statements.push(new iam.PolicyStatement({
        sid: 'DenyRemovingRequiredTags',
        effect: iam.Effect.DENY,
        actions: ['iam:UntagRole', 'iam:UntagUser'],
        resources: ['*'],
        // IAM tag keys of roles and users are not case sensitive: untagging 'environment' removes 'Environment'.
        conditions: { 'ForAnyValue:StringEqualsIgnoreCase': { 'aws:TagKeys': requiredTagKeys } },
      }));
    }
    statements.push(
      new iam.PolicyStatement({
        sid: 'DenySecurityServiceTampering',
        effect: iam.Effect.DENY,
        actions: [...SECURITY_SERVICE_TAMPER_ACTIONS, ...LOG_SUBSCRIPTION_TAMPER_ACTIONS],
        resources: ['*'],
        // No exemption: a principal tag is something a bounded administrator can give its own
        // session. Security tooling that needs these actions lives outside the boundary.
      }),
      // Nobody inside the boundary may set the protected key, on an identity (iam:Create*/Tag*) or
      // on a session (session tags, transitive tags): both statements, because the key can arrive
      // as aws:TagKeys or as aws:RequestTag/<key>.
      protectedTagKeyStatement('DenyProtectedTagOnIdentities', [...IDENTITY_TAGGING_ACTIONS, 'sts:TagSession'], []),
      protectedSessionTagStatement(),
      new iam.PolicyStatement({
        sid: 'DenyProtectedRoleChangesByTag',
        effect: iam.Effect.DENY,
        // Every IAM action on the role (reads too): the names would not fit in the policy.
        actions: [...ROLE_ACTIONS],
        resources: ['*'],
        conditions: { StringEquals: { [`aws:ResourceTag/${PermissionsBoundary.PROTECTED_TAG_KEY}`]: 'true' } },
      }),
    );
    if (protectedRoleNamePatterns.length > 0) {
      statements.push(new iam.PolicyStatement({
        sid: 'DenyProtectedRoleChangesByName',
        effect: iam.Effect.DENY,
        // Creating a role with such a name is denied too (no squatting of a guardrail role's name).
        actions: [...ROLE_ACTIONS],
        resources: protectedRoleNamePatterns.map((p) => `arn:${stack.partition}:iam::${stack.account}:role/${p}`),
      }));
    }
    statements.push(
      new iam.PolicyStatement({
        sid: 'DenyGuardrailRoleChanges',
        effect: iam.Effect.DENY,
        // One statement for the guardrail roles and the boundary policies (the policy is limited to
        // 6,144 characters): the role actions never target a policy ARN, the policy edits
        // (new or default versions, delete, tag) never a role ARN.
        actions: [...GUARDRAIL_PRINCIPAL_TAKEOVER_ACTIONS, ...POLICY_EDIT_ACTIONS],
        // The administrators are protected too: a bounded admin who could edit the trust policy of
        // (or re-create) an exempt role would assume it and inherit its exemption.
        resources: [
          ...new Set([...protectedPrincipalArns, ...guardrailAdministratorArns]),
          cdkBootstrapRolePattern(qualifier),
          boundaryArn,
          ...protectedPolicyNames.filter((n) => n !== policyName).map((n) => managedPolicyArnFromName(stack, n)),
        ],
      }),
      // The guardrail stacks ride on the same statement (characters): reading them stays allowed
      // (GUARDRAIL_RESOURCE_DATA_ACTIONS lists the CloudFormation reads).
      guardrailResourceStatement(guardrailAdministratorArns, resourcePrefix, guardrailStackPatterns(resourcePrefix, stackNames)),
    );
    if (props.boundedRolePath !== undefined) {
      statements.push(boundedRolePathStatement(stack, props.boundedRolePath, resourceAccountIds, resourceAccountServices));
    }
    statements.push(...(props.additionalStatements ?? []));

    super(scope, id, {
      managedPolicyName: policyName,
      description: props.description
        ?? 'Permissions boundary: denies leaving the boundary, unbounded or untagged identities, taking over guardrail roles, and tampering with security services and guardrail resources',
      document: new iam.PolicyDocument({ statements }),
    });
    this.boundaryArn = boundaryArn;
    claimBoundaryName(this, policyName);
    registerBoundary(this, policyName);

    if (requiredTagKeys.length === 0) {
      Annotations.of(this).addWarningV2('@cdk-guardrails/iam-least-privilege:noRequiredTags',
        'requiredTagKeys is empty: identities inside the boundary can create untagged roles and users');
    }
    this.node.addValidation({
      validate: () => {
        const size = estimatePolicyCharacters(stack, this.document);
        return size > MANAGED_POLICY_MAX_CHARACTERS
          ? [`permissions boundary '${policyName}' is about ${size} characters; the IAM limit for a managed policy is ${MANAGED_POLICY_MAX_CHARACTERS}. Allow fewer services, resourceAccountIds, resourceAccountServices or resourcelessActions (each service costs one resource pattern per allowed account), or name fewer protectedPrincipalArns and guardrailAdministratorArns (each administrator ARN is written twice). boundedRolePath adds about 170 characters plus the length of the path.`]
          : [];
      },
    });
  }

  /**
   * Attach this boundary to every IAM role and user in `scope` (uses aws-cdk-lib's
   * `iam.PermissionsBoundary.of(scope).apply`, an Aspect that overrides `PermissionsBoundary`).
   * A managed policy belongs to one account: a role or user of a stack in another account would get
   * this account's boundary ARN and fail to deploy, so synth fails instead, naming the role and the
   * fix (a `PermissionsBoundary` in each account, applied to that account's stacks).
   */
  public applyTo(scope: IConstruct): void {
    iam.PermissionsBoundary.of(scope).apply(this);
    const boundaryAccount = Stack.of(this).account;
    const boundaryPath = this.node.path;
    Aspects.of(scope).add({
      visit(node: IConstruct): void {
        if (!(node instanceof iam.CfnRole || node instanceof iam.CfnUser)) return;
        const account = Stack.of(node).account;
        if (Token.isUnresolved(account) || Token.isUnresolved(boundaryAccount) || account === boundaryAccount) return;
        throw new Error(`${node.node.path}: permissions boundary: received ${boundaryPath} of account ${boundaryAccount} for a ${node instanceof iam.CfnRole ? 'role' : 'user'} of account ${account}; `
          + `expected a boundary of the same account (a managed policy exists in one account only, the deploy would fail). Create a PermissionsBoundary in a stack of ${account} and apply it to that account's stacks`);
      },
    });
  }
}

/**
 * `boundedRolePath`: deny creating, passing and assuming the roles of this account that are not
 * under the path, and changing identity providers. One statement (the policy is limited to 6,144
 * characters): `iam:CreateRole` only ever targets a role of the caller's account, the provider
 * ARNs never match a role pattern.
 *
 * "Roles of this account outside the path" would need `Resource` (this account's roles) and
 * `NotResource` (the path) in one statement, which IAM does not accept. So the statement denies
 * every resource BUT the path and the roles of the other accounts whose roles the boundary lets
 * bounded identities assume (`resourceAccountIds` allowed 'iam' in `AllowServicesOnAllowedAccounts`).
 * The roles of any other account are outside every Allow of the boundary already (implicitly denied),
 * so denying them explicitly changes nothing, and roles of other accounts cannot be passed at all.
 * The alternative, a `StringEqualsIfExists aws:ResourceAccount` condition, is exact too but costs
 * about 80 characters the boundary does not have with the apps' configuration. The own account is
 * never an exempt "other" account: listing it would switch the statement off.
 */
function boundedRolePathStatement(
  stack: Stack, path: string, resourceAccountIds: readonly string[], resourceAccountServices: readonly string[],
): iam.PolicyStatement {
  const assumableAccounts = resourceAccountServices.includes('iam') ? resourceAccountIds : [];
  if (assumableAccounts.length > 0 && Token.isUnresolved(stack.account)) {
    throw new Error(`boundedRolePath: received '${path}' in a stack without an explicit account, with resourceAccountIds allowed 'iam'; `
      + 'expected a stack with env.account (the boundary must tell its own account\'s roles from those of the resource accounts)');
  }
  return new iam.PolicyStatement({
    sid: 'DenyRolesOutsidePath',
    effect: iam.Effect.DENY,
    actions: [...ROLE_PATH_ACTIONS, ...IDENTITY_PROVIDER_ACTIONS],
    notResources: [
      `arn:*:iam::${stack.account}:role${path}*`,
      ...assumableAccounts.filter((a) => a !== stack.account).map((a) => `arn:*:iam::${a}:role/*`),
    ],
  });
}

function validatePolicyName(name: string): void {
  if (Token.isUnresolved(name)) return;
  if (!/^[\w+=,.@-]{1,128}$/.test(name)) {
    throw new Error(`managedPolicyName: received '${name}'; expected 1-128 characters of letters, digits and +=,.@_-`);
  }
}

function validateServices(services: readonly string[]): void {
  if (services.length === 0) {
    throw new Error('allowedServices: received an empty list; expected at least one IAM service prefix such as \'s3\'');
  }
  for (const s of services) {
    if (!/^[a-z0-9-]+$/.test(s)) {
      throw new Error(`allowedServices: received '${s}'; expected an IAM service prefix such as 's3' or 'logs' (no ':' and no wildcard)`);
    }
  }
}

function validateNamedActions(prop: string, actions: readonly string[]): void {
  for (const a of actions) {
    if (!/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(a)) {
      throw new Error(`${prop}: received '${a}'; expected a named action such as 'cloudwatch:PutMetricData' (wildcards are not allowed)`);
    }
  }
}

function validateTagKeys(keys: readonly string[]): void {
  for (const k of keys) {
    if (Token.isUnresolved(k)) continue;
    if (!/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u.test(k) || k.startsWith('aws:')) {
      throw new Error(`requiredTagKeys: received '${k}'; expected a tag key of 1-128 letters, digits, spaces and _.:/=+-@ not starting with 'aws:'`);
    }
  }
}

function validateRoleNamePatterns(patterns: readonly string[]): void {
  for (const p of patterns) {
    if (!/^[\w+=,.@*?/-]{1,512}$/.test(p) || p === '*') {
      throw new Error(`protectedRoleNamePatterns: received '${p}'; expected a role name or a pattern such as 'central-logging-*' (a bare '*' would lock every role)`);
    }
  }
}
