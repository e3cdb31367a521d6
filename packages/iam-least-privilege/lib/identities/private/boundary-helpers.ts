/** The boundedRolePath statement and the prop checks of PermissionsBoundary. */
import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ACCOUNT_BASELINE_TAMPER_ACTIONS, IDENTITY_PROVIDER_ACTIONS, ROLE_PATH_ACTIONS, STACK_SERVICE_ROLE_ACTIONS } from './perms';
import { ErrorScope, propError } from '../../private/errors';

/**
 * The account baseline (account-level S3 Block Public Access, EBS encryption by default and its
 * default key) is protected by the boundary's ceiling, not by a Deny statement: its undoing actions
 * are resourceless (IAM authorizes them on `*`), and the boundary allows resourceless actions only
 * by name (`AllowNamedResourcelessActions`); the account-scoped Allow patterns
 * (`arn:*:ec2:*:<account>:*`, `arn:<partition>:s3:::*`) never match `*`. So bounded identities are
 * denied them implicitly. An explicit `Deny` statement (about 200 characters, 125 with wildcards)
 * does not fit: the prod apps' boundary is at 6,100 of 6,144 characters. What would lift the
 * ceiling is refused at synth instead: naming one of the actions in `resourcelessActions`, or an
 * `additionalStatements` Allow that matches one of them on `*`.
 */
export function validateAccountBaselineNotAllowed(scope: ErrorScope, resourcelessActions: readonly string[], additional: readonly iam.PolicyStatement[]): void {
  const tamper = ACCOUNT_BASELINE_TAMPER_ACTIONS.map((a) => a.toLowerCase());
  const matches = (pattern: string, action: string) =>
    new RegExp(
      `^${pattern
        .toLowerCase()
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
    ).test(action);
  for (const a of resourcelessActions) {
    if (tamper.includes(a.toLowerCase())) {
      throw propError(scope, 'resourcelessActions', `'${a}'`, `no action that undoes the account baseline (${ACCOUNT_BASELINE_TAMPER_ACTIONS.join(', ')})`);
    }
  }
  additional.forEach((statement, i) => {
    if (statement.effect !== iam.Effect.ALLOW) return;
    // A resource that is a token (a parameter, a condition, an import) may deploy as '*' (red13 R13-6b).
    const onAnyResource = statement.resources.some((r) => r === '*' || Token.isUnresolved(r)) || statement.notResources.length > 0;
    if (!onAnyResource) return;
    const granted = ACCOUNT_BASELINE_TAMPER_ACTIONS.filter((name) => {
      const action = name.toLowerCase();
      return statement.notActions.length > 0 ? !statement.notActions.some((p) => matches(p, action)) : statement.actions.some((p) => matches(p, action));
    });
    if (granted.length > 0) {
      throw propError(
        scope,
        `additionalStatements[${i}]`,
        `an Allow on '*' that grants ${granted.join(', ')}`,
        'no Allow of an action that undoes the account baseline (account-level S3 Block Public Access, EBS encryption by default and its key)',
      );
    }
  });
}

/**
 * `boundedRolePath`: deny creating, passing and assuming the roles of this account that are not
 * under the path, and changing identity providers (`DenyRolesOutsidePath`); and the stack
 * operations that would run with a role outside the path, the stack's own included
 * (`DenyStackRolesOutsidePath`, red10 R10-3). One statement for the roles and the providers (the
 * policy is limited to 6,144 characters): `iam:CreateRole` only ever targets a role of the
 * caller's account, the provider ARNs never match a role pattern.
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
export function boundedRolePathStatements(
  scope: ErrorScope,
  stack: Stack,
  path: string,
  resourceAccountIds: readonly string[],
  resourceAccountServices: readonly string[],
): iam.PolicyStatement[] {
  const assumableAccounts = resourceAccountServices.includes('iam') ? resourceAccountIds : [];
  if (assumableAccounts.length > 0 && Token.isUnresolved(stack.account)) {
    throw propError(
      scope,
      'boundedRolePath',
      `'${path}' in a stack without an explicit account, with resourceAccountIds allowed 'iam'`,
      "a stack with env.account (the boundary must tell its own account's roles from those of the resource accounts)",
    );
  }
  const boundedRoles = `arn:*:iam::${stack.account}:role${path}*`;
  return [
    new iam.PolicyStatement({
      sid: 'DenyRolesOutsidePath',
      effect: iam.Effect.DENY,
      actions: [...ROLE_PATH_ACTIONS, ...IDENTITY_PROVIDER_ACTIONS],
      notResources: [boundedRoles, ...assumableAccounts.filter((a) => a !== stack.account).map((a) => `arn:*:iam::${a}:role/*`)],
    }),
    new iam.PolicyStatement({
      // A stack operation without a role of the path runs with the role the stack (or StackSet)
      // already has, unbounded if another app deployed it (STACK_SERVICE_ROLE_ACTIONS). A missing
      // RoleArn makes StringNotLike true: denied. A service role is a role of the stack's own account.
      sid: 'DenyStackRolesOutsidePath',
      effect: iam.Effect.DENY,
      actions: [...STACK_SERVICE_ROLE_ACTIONS],
      resources: ['*'],
      // StringNotLike, not ArnNotLike: also true for a value that is not an ARN (red12 R12-5; what a
      // negated ARN operator does with a malformed value is not documented).
      conditions: { StringNotLike: { 'cloudformation:RoleArn': boundedRoles } },
    }),
  ];
}

export function validatePolicyName(scope: ErrorScope, name: string): void {
  if (Token.isUnresolved(name)) return;
  if (!/^[\w+=,.@-]{1,128}$/.test(name)) {
    throw propError(scope, 'managedPolicyName', `'${name}'`, '1-128 characters of letters, digits and +=,.@_-');
  }
}

export function validateServices(scope: ErrorScope, services: readonly string[]): void {
  if (services.length === 0) {
    throw propError(scope, 'allowedServices', 'an empty list', "at least one IAM service prefix such as 's3'");
  }
  for (const s of services) {
    if (!/^[a-z0-9-]+$/.test(s)) {
      throw propError(scope, 'allowedServices', `'${s}'`, "an IAM service prefix such as 's3' or 'logs' (no ':' and no wildcard)");
    }
  }
}

export function validateNamedActions(scope: ErrorScope, prop: string, actions: readonly string[]): void {
  for (const a of actions) {
    if (!/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(a)) {
      throw propError(scope, prop, `'${a}'`, "a named action such as 'cloudwatch:PutMetricData' (wildcards are not allowed)");
    }
  }
}

export function validateTagKeys(scope: ErrorScope, keys: readonly string[]): void {
  for (const k of keys) {
    if (Token.isUnresolved(k)) continue;
    if (!/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u.test(k) || k.startsWith('aws:')) {
      throw propError(scope, 'requiredTagKeys', `'${k}'`, "a tag key of 1-128 letters, digits, spaces and _.:/=+-@ not starting with 'aws:'");
    }
  }
}

export function validateRoleNamePatterns(scope: ErrorScope, patterns: readonly string[]): void {
  for (const p of patterns) {
    if (!/^[\w+=,.@*?/-]{1,512}$/.test(p) || p === '*') {
      throw propError(scope, 'protectedRoleNamePatterns', `'${p}'`, "a role name or a pattern such as 'central-logging-*' (a bare '*' would lock every role)");
    }
  }
}
