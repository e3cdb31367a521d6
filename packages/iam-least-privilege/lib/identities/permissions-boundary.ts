import { ExemptionReason, PolicySizeLimit } from '@cdk-guardrails/facts';
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
  IDENTITY_TAGGING_ACTIONS,
  LONG_TERM_CREDENTIAL_ACTIONS,
  POLICY_EDIT_ACTIONS,
  ROLE_ACTIONS,
  SECURITY_SERVICE_TAMPER_ACTIONS,
  USER_CREDENTIAL_ACTIONS,
} from './private/perms';
import { recordAndReportBoundaryOptOut } from './private/boundary-opt-outs';
import { claimBoundaryName, registerBoundary } from './private/boundary-registry';
import { childPath, propError } from '../private/errors';
import { globToRegExp } from '../validation/private/iam-dataset';
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

import { PermissionsBoundaryProps } from './permissions-boundary-props';
import {
  boundedRolePathStatements,
  validateNamedActions,
  validatePolicyName,
  validateRoleNamePatterns,
  validateServices,
  validateTagKeys,
  validateAccountBaselineNotAllowed,
} from './private/boundary-helpers';

const MANAGED_POLICY = PolicySizeLimit.IAM_MANAGED_POLICY;
/**
 * Every bucket whose name starts with `cdk-` and its objects: the CDK bootstraps' asset buckets
 * (`cdk-<qualifier>-assets-<account>-<region>`) and the App Staging Synthesizer's staging buckets
 * (`cdk-<appId>-staging-<account>-<region>`).
 */
const CDK_BUCKETS = 'arn:*:s3:::cdk-*';
/** The container asset repositories of every CDK bootstrap (`cdk-<qualifier>-container-assets-<account>-<region>`). */
const CDK_CONTAINER_ASSETS = 'arn:*:ecr:*:*:repository/cdk-*-container-assets-*';
/** What pulling an image needs (a bounded task or function role pulls its own image asset). */
const ECR_PULL_ACTIONS = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'];
/** The boundary's own Allows whose resources are ARNs of the allowed accounts (tokens when the stack's account is). */
const ACCOUNT_SCOPED_ALLOW_SIDS = ['AllowServicesOnAllowedAccounts', 'AllowS3OnAllowedAccountBuckets'];

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
 * - disabling or altering CloudTrail, GuardDuty, Config, Access Analyzer, Security Hub (where an
 *   Allow of the boundary can grant it) and the log subscriptions (no identity inside the boundary
 *   is exempt, whatever its tags),
 * - giving any identity or session the `guardrails:protected` tag,
 * - taking over guardrail roles (exact ARNs) and the CDK bootstrap roles: creating one with that
 *   name, changing it, updating its trust, passing or assuming it,
 * - managing users' credentials (console passwords, MFA devices, SSH keys, signing certificates,
 *   service-specific credentials, access key status), and creating access keys,
 * - destroying or reconfiguring the guardrail resources (`/<prefix>/...` log groups,
 *   `<prefix>-...` functions, rules, streams and queues), except for exact administrator ARNs,
 * - writing to any CDK bucket (`cdk-*`: bootstrap assets, App Staging Synthesizer staging) and,
 *   with `ecr` allowed, to the bootstraps' container asset repositories: another app's pipeline
 *   deploys what it finds there (reading an object or pulling an image stays allowed),
 * - with `boundedRolePath` (opt-in): creating, passing or assuming any role of the account outside
 *   that path, changing identity providers, and any stack operation that does not name a service
 *   role under the path (CloudFormation would reuse the stack's own role), so that bounded
 *   identities only ever pass, assume or have CloudFormation use bounded roles.
 *
 * Synthesis fails if an Allow added after construction (`addStatements`) could grant Security Hub
 * or undo the account baseline; an escape hatch (`addPropertyOverride`) bypasses these checks.
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
   * Exempt every role and user under `scope` from any permissions boundary, with a reason;
   * `RequirePermissionsBoundary` accepts them. For roles a boundary would break, such as an AWS
   * Config recorder role that needs read access on every resource type (`AWS_ConfigRole`).
   * Consider `protectRole` on them as well.
   *
   * The reason is recorded in the construct metadata (`cdk-guardrails:permissions-boundary-opt-out`,
   * in the cloud assembly) and shown as an info message naming the exempted role or user; it is not
   * a warning. A scope that holds more than one role or user at synth warns
   * (`@cdk-guardrails/iam-least-privilege:boundaryOptOutCoversSeveral`): exempt each role itself.
   */
  public static exempt(scope: IConstruct, reason: string): void {
    if (!ExemptionReason.isSufficient(reason)) {
      throw propError(
        scope,
        'reason',
        JSON.stringify(reason),
        `at least ${ExemptionReason.MIN_LENGTH} characters explaining why ${scope.node.path} needs no permissions boundary`,
      );
    }
    // Runs after a boundary applied to an enclosing scope (Aspects of inner scopes run later).
    iam.PermissionsBoundary.of(scope).clear();
    recordAndReportBoundaryOptOut(scope, reason.trim(), 'PermissionsBoundary.exempt');
  }

  /** ARN of this boundary policy, built from its name (usable inside its own document). */
  public readonly boundaryArn: string;

  constructor(scope: Construct, id: string, props: PermissionsBoundaryProps = {}) {
    // Checked before super(): errors name the path this construct would have.
    const path = childPath(scope, id);
    const policyName = props.managedPolicyName ?? PermissionsBoundary.DEFAULT_POLICY_NAME;
    validatePolicyName(path, policyName);
    const services = props.allowedServices ?? PermissionsBoundary.DEFAULT_ALLOWED_SERVICES;
    validateServices(path, services);
    const resourceAccountIds = props.resourceAccountIds ?? [];
    validateAccountIds(path, 'resourceAccountIds', resourceAccountIds);
    const resourceAccountServices = props.resourceAccountServices ?? services;
    for (const s of resourceAccountServices) {
      if (!services.includes(s)) {
        throw propError(path, 'resourceAccountServices', `'${s}'`, `one of allowedServices (${services.join(', ')})`);
      }
    }
    const resourcelessActions = props.resourcelessActions ?? PermissionsBoundary.DEFAULT_RESOURCELESS_ACTIONS;
    validateNamedActions(path, 'resourcelessActions', resourcelessActions);
    validateAccountBaselineNotAllowed(path, resourcelessActions, props.additionalStatements ?? []);
    const requiredTagKeys = props.requiredTagKeys ?? PermissionsBoundary.DEFAULT_REQUIRED_TAG_KEYS;
    validateTagKeys(path, requiredTagKeys);
    const protectedRoleNamePatterns = props.protectedRoleNamePatterns ?? [];
    validateRoleNamePatterns(path, protectedRoleNamePatterns);

    const stack = Stack.of(scope);
    const protectedPrincipalArns = props.protectedPrincipalArns ?? [];
    validateExactPrincipalArns(path, 'protectedPrincipalArns', protectedPrincipalArns, { rolesOnly: true, account: stack.account, allowTokens: true });
    const guardrailAdministratorArns = props.guardrailAdministratorArns ?? [];
    validateExactPrincipalArns(path, 'guardrailAdministratorArns', guardrailAdministratorArns, { allowTokens: true });
    // The stack's own bootstrap when not given (red10 R10-4): a user with a qualifier of their own who
    // forgets the prop would otherwise protect the default qualifier's roles and not theirs.
    const qualifier = props.cdkBootstrapQualifier ?? stack.synthesizer.bootstrapQualifier ?? DEFAULT_CDK_BOOTSTRAP_QUALIFIER;
    validateCdkBootstrapQualifier(path, 'cdkBootstrapQualifier', qualifier);
    const resourcePrefix = props.protectedResourceNamePrefix ?? DEFAULT_RESOURCE_NAME_PREFIX;
    validateResourceNamePrefix(path, 'protectedResourceNamePrefix', resourcePrefix);
    if (props.boundedRolePath !== undefined) validateBoundedRolePath(path, 'boundedRolePath', props.boundedRolePath);
    const protectedPolicyNames = props.protectedPolicyNames ?? [];
    validateIamNames(path, 'protectedPolicyNames', protectedPolicyNames, 'a managed policy name', 'GuardrailsDeploymentBoundary');
    const stackNames = props.protectedStackNames ?? [];
    validateStackNamePatterns(path, 'protectedStackNames', stackNames);
    // Built from the name, not `this.managedPolicyArn`: a policy cannot Ref itself in its document.
    const boundaryArn = managedPolicyArnFromName(stack, policyName);

    const statements: iam.PolicyStatement[] = [];
    // Every resource of an allowed service whose ARN carries an allowed account id (any region,
    // including none, as in IAM ARNs). IAM accepts no wildcard in the service segment of an ARN,
    // hence one pattern per service and account. S3 ARNs carry no account: see below. The
    // partition is '*' (an account id belongs to one partition): 2 characters less per pattern.
    const accountScopedServices = services.filter((s) => s !== 's3');
    if (accountScopedServices.length > 0) {
      statements.push(
        new iam.PolicyStatement({
          sid: 'AllowServicesOnAllowedAccounts',
          actions: services.map((s) => `${s}:*`),
          resources: [
            ...accountScopedServices.map((s) => `arn:*:${s}:*:${stack.account}:*`),
            ...resourceAccountIds.flatMap((a) => resourceAccountServices.filter((s) => s !== 's3').map((s) => `arn:*:${s}:*:${a}:*`)),
          ],
        }),
      );
    }
    if (services.includes('s3')) {
      // S3 bucket and object ARNs carry no account id: scope them with s3:ResourceAccount instead.
      statements.push(
        new iam.PolicyStatement({
          sid: 'AllowS3OnAllowedAccountBuckets',
          actions: ['s3:*'],
          resources: [`arn:${stack.partition}:s3:::*`],
          conditions: { StringEquals: { 's3:ResourceAccount': [stack.account, ...(resourceAccountServices.includes('s3') ? resourceAccountIds : [])] } },
        }),
      );
    }
    if (resourcelessActions.length > 0) {
      statements.push(
        new iam.PolicyStatement({
          sid: 'AllowNamedResourcelessActions',
          actions: resourcelessActions,
          resources: ['*'],
        }),
      );
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
        actions: [...BOUNDARY_REMOVAL_ACTIONS, ...USER_CREDENTIAL_ACTIONS, ...(props.allowAccessKeyCreation ? [] : LONG_TERM_CREDENTIAL_ACTIONS)],
        resources: ['*'],
      }),
    );
    requiredTagKeys.forEach((key, i) => {
      statements.push(
        new iam.PolicyStatement({
          // One statement per key: keys inside one Null block are ANDed, we need "any key missing".
          sid: `DenyIdentityWithoutRequiredTag${i}`,
          effect: iam.Effect.DENY,
          actions: ['iam:CreateRole', 'iam:CreateUser'],
          resources: ['*'],
          conditions: { Null: { [`aws:RequestTag/${key}`]: 'true' } },
        }),
      );
    });
    if (requiredTagKeys.length > 0) {
      statements.push(
        new iam.PolicyStatement({
          sid: 'DenyRemovingRequiredTags',
          effect: iam.Effect.DENY,
          actions: ['iam:UntagRole', 'iam:UntagUser'],
          resources: ['*'],
          // IAM tag keys of roles and users are not case sensitive: untagging 'environment' removes 'Environment'.
          conditions: { 'ForAnyValue:StringEqualsIgnoreCase': { 'aws:TagKeys': requiredTagKeys } },
        }),
      );
    }
    statements.push(
      new iam.PolicyStatement({
        sid: 'DenySecurityServiceTampering',
        effect: iam.Effect.DENY,
        actions: [...securityServiceTamperActions(services, resourcelessActions, props.additionalStatements ?? []), ...LOG_SUBSCRIPTION_TAMPER_ACTIONS],
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
      statements.push(
        new iam.PolicyStatement({
          sid: 'DenyProtectedRoleChangesByName',
          effect: iam.Effect.DENY,
          // Creating a role with such a name is denied too (no squatting of a guardrail role's name).
          actions: [...ROLE_ACTIONS],
          resources: protectedRoleNamePatterns.map((p) => `arn:${stack.partition}:iam::${stack.account}:role/${p}`),
        }),
      );
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
        // Any partition (`arn:*:`, 2 characters less each): an account belongs to one partition.
        resources: [
          ...new Set([...protectedPrincipalArns, ...guardrailAdministratorArns].map(anyPartition)),
          cdkBootstrapRolePattern(qualifier),
          ...[policyName, ...protectedPolicyNames.filter((n) => n !== policyName)].map((n) => `arn:*:iam::${stack.account}:policy/${n}`),
        ],
      }),
      // The guardrail stacks ride on the same statement (characters): reading them stays allowed
      // (GUARDRAIL_RESOURCE_DATA_ACTIONS lists the CloudFormation reads).
      // Every CDK bucket, whatever its qualifier or app (red12 R12-1, red13 R13-2): another app's
      // pipeline deploys the template or code it finds in its bootstrap's asset bucket, or its App
      // Staging Synthesizer's staging bucket, under the next asset hash (the CDK CLI skips an upload
      // whose key exists), with that app's execution role, unbounded unless its bootstrap set one.
      // Reading an object stays allowed (red13 R13-5: a bounded BucketDeployment handler reads its
      // source zip there).
      // With ECR allowed, the bootstraps' container asset repositories too (red13 R13-4: an image pushed
      // under the next tag first is what the other app runs; the repository is immutable and the CDK CLI
      // skips a push whose tag exists); pulling an image stays allowed.
      guardrailResourceStatement(guardrailAdministratorArns, resourcePrefix, guardrailStackPatterns(resourcePrefix, stackNames), {
        resources: [CDK_BUCKETS, ...(services.includes('ecr') ? [CDK_CONTAINER_ASSETS] : [])],
        readActions: ['s3:GetObject', ...(services.includes('ecr') ? ECR_PULL_ACTIONS : [])],
      }),
    );
    if (props.boundedRolePath !== undefined) {
      statements.push(...boundedRolePathStatements(path, stack, props.boundedRolePath, resourceAccountIds, resourceAccountServices));
    }
    statements.push(...(props.additionalStatements ?? []));

    super(scope, id, {
      managedPolicyName: policyName,
      description:
        props.description ??
        'Permissions boundary: denies leaving the boundary, unbounded or untagged identities, taking over guardrail roles, and tampering with security services and guardrail resources',
      document: new iam.PolicyDocument({ statements }),
    });
    this.boundaryArn = boundaryArn;
    claimBoundaryName(this, policyName);
    registerBoundary(this, policyName);

    if (requiredTagKeys.length === 0) {
      Annotations.of(this).addWarningV2(
        '@cdk-guardrails/iam-least-privilege:noRequiredTags',
        'requiredTagKeys is empty: identities inside the boundary can create untagged roles and users',
      );
    }
    this.node.addValidation({
      validate: () => {
        const json = stack.resolve(this.document.toJSON());
        const errors = laterAllowErrors(policyName, json, services, resourcelessActions);
        const size = MANAGED_POLICY.upperBoundOf(json, {
          region: Token.isUnresolved(stack.region) ? undefined : stack.region,
        });
        if (size > MANAGED_POLICY.maximum) {
          errors.push(
            `permissions boundary '${policyName}' is about ${size} characters; the IAM limit for a managed policy is ${MANAGED_POLICY.maximum}. Allow fewer services, resourceAccountIds, resourceAccountServices or resourcelessActions (each service costs one resource pattern per allowed account), or name fewer protectedPrincipalArns and guardrailAdministratorArns (each administrator ARN is written twice). boundedRolePath adds about 450 characters plus twice the length of the path.`,
          );
        }
        return errors;
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
        throw propError(
          node,
          'permissions boundary',
          `${boundaryPath} of account ${boundaryAccount} for a ${node instanceof iam.CfnRole ? 'role' : 'user'} of account ${account}`,
          'a boundary of the same account (a managed policy exists in one account only, the deploy would fail)',
          `Create a PermissionsBoundary in a stack of ${account} and apply it to that account's stacks`,
        );
      },
    });
  }
}

/** `arn` with the partition `*` (a literal ARN; a token is kept as it is). */
function anyPartition(arn: string): string {
  return Token.isUnresolved(arn) ? arn : arn.replace(/^arn:[^:]+:/, 'arn:*:');
}

/**
 * The security-service tamper actions the boundary must deny: all, but Security Hub's when no Allow
 * statement of the boundary can grant a Security Hub action. A permissions boundary is a ceiling, so
 * such a Deny would deny nothing more, and Security Hub has no resource-based policy that could
 * grant past the ceiling's implicit deny (where an explicit Deny would still matter). Left out for
 * characters (about 60); kept as soon as `allowedServices`, `resourcelessActions` or an
 * `additionalStatements` Allow names Security Hub or any service.
 */
function securityServiceTamperActions(
  services: readonly string[],
  resourcelessActions: readonly string[],
  additional: readonly iam.PolicyStatement[],
): string[] {
  const hub = 'securityhub';
  // The service part of an action or pattern ('*' alone is every service), matched as IAM matches.
  const mayNameHub = (action: string) => globToRegExp(action.split(':')[0]).test(hub);
  const grantsHub =
    services.includes(hub) ||
    resourcelessActions.some(mayNameHub) ||
    additional.some((st) => st.effect === iam.Effect.ALLOW && (st.notActions.length > 0 || st.actions.some(mayNameHub)));
  return grantsHub ? [...SECURITY_SERVICE_TAMPER_ACTIONS] : SECURITY_SERVICE_TAMPER_ACTIONS.filter((a) => !a.startsWith(`${hub}:`));
}

/**
 * The checks of the constructor, again on the document as it is synthesized (red12 R12-3): an Allow
 * added after construction (`addStatements`, `document.addStatements`) is seen by neither the account
 * baseline check nor the choice of the Security Hub denies. Statements are read from the resolved
 * JSON (action and resource strings; anything else is taken as "may match").
 */
function laterAllowErrors(policyName: string, json: any, services: readonly string[], resourcelessActions: readonly string[]): string[] {
  // A value that is not a string (a token: a parameter, a condition, an import) may deploy as anything,
  // '*' included (red13 R13-6b); but the boundary's own account-scoped Allows, whose ARNs carry the
  // stack's account as a token (IAM refuses a second statement with the same Sid).
  const strings = (v: unknown, other: string): string[] => ([] as unknown[]).concat(v ?? []).map((x) => (typeof x === 'string' ? x : other));
  const allows = ([] as any[])
    .concat(json?.Statement ?? [])
    .filter((st) => st?.Effect === 'Allow')
    .map((st) => {
      const token = ACCOUNT_SCOPED_ALLOW_SIDS.includes(st.Sid) ? 'arn:token' : '*';
      return new iam.PolicyStatement({
        actions: st.Action !== undefined ? strings(st.Action, '*') : undefined,
        notActions: st.NotAction !== undefined ? strings(st.NotAction, '*') : undefined,
        resources: st.Resource !== undefined ? strings(st.Resource, token) : undefined,
        notResources: st.NotResource !== undefined ? strings(st.NotResource, token) : undefined,
      });
    });
  const errors: string[] = [];
  const deny = ([] as any[]).concat(json?.Statement ?? []).find((st) => st?.Sid === 'DenySecurityServiceTampering');
  const denied = strings(deny?.Action, '*');
  const missing = securityServiceTamperActions(services, resourcelessActions, allows).filter((a) => !denied.includes(a));
  if (missing.length > 0) {
    const granted = [...new Set(missing.map((a) => a.split(':')[0]))].join(', ');
    errors.push(
      `permissions boundary '${policyName}': an Allow that can grant ${granted} actions was added after construction (addStatements or document.addStatements), and the boundary's DenySecurityServiceTampering lacks ${missing.join(', ')}. Pass that Allow in additionalStatements instead.`,
    );
  }
  try {
    validateAccountBaselineNotAllowed(`permissions boundary '${policyName}' (as synthesized)`, [], allows);
  } catch (e) {
    errors.push((e as Error).message.replace(/additionalStatements\[\d+\]/, 'an Allow statement'));
  }
  return errors;
}
