import { Duration, Stack, Token } from 'aws-cdk-lib';
import { ErrorScope, propError } from '../../private/errors';
import { CdkBootstrap } from '@cdk-guardrails/facts';
import { DEFAULT_QUALIFIER_EXPECTED, DEFAULT_QUALIFIER_WHY } from './exemption-protection';

/** Throws unless every entry is a 12-digit AWS account id (unresolved tokens are skipped). */
export function validateAccountIds(scope: ErrorScope, prop: string, accountIds: readonly string[]): void {
  for (const id of accountIds) {
    if (Token.isUnresolved(id)) continue;
    if (!/^\d{12}$/.test(id)) {
      throw propError(scope, prop, `'${id}'`, 'an AWS account id of exactly 12 digits');
    }
  }
}

/** Throws unless the list has at least one entry. */
export function validateNonEmpty(scope: ErrorScope, prop: string, values: readonly unknown[] | undefined, allowed: string): void {
  if (!values || values.length === 0) {
    throw propError(scope, prop, 'an empty list', allowed);
  }
}

/**
 * Throws unless `duration` is within [min, max] (IAM MaxSessionDuration is 1 to 12 hours).
 * Unresolved durations are skipped.
 */
export function validateDurationRange(scope: ErrorScope, prop: string, duration: Duration, min: Duration, max: Duration, fix?: string): void {
  if (duration.isUnresolved()) return;
  const seconds = duration.toSeconds();
  if (seconds < min.toSeconds() || seconds > max.toSeconds()) {
    throw propError(scope, prop, `${duration.toHumanString()} (${seconds} s)`, `${min.toHumanString()} to ${max.toHumanString()}`, fix);
  }
}

/** ARN of a customer managed policy of the stack's account, built from its name (no reference, so no cycle). */
export function managedPolicyArnFromName(stack: Stack, policyName: string, path: string = '/'): string {
  return stack.formatArn({
    service: 'iam',
    region: '',
    resource: 'policy',
    resourceName: `${path.replace(/^\//, '')}${policyName}`,
  });
}

/** Throws unless `path` is an IAM path: starts and ends with '/', printable ASCII in between. */
export function validateIamPath(scope: ErrorScope, prop: string, path: string): void {
  if (Token.isUnresolved(path)) return;
  if (!/^\/([\x21-\x7E]*\/)?$/.test(path) || path.length > 512) {
    throw propError(scope, prop, `'${path}'`, "an IAM path that starts and ends with '/', such as '/' or '/guardrails/'");
  }
}

/**
 * Throws unless `path` can delimit the roles bounded identities may create, pass and assume: an
 * IAM path other than '/' (every role is under '/'), as a plain string (a token could resolve to
 * '/' at deploy time), without '*' or '?' (IAM wildcards in the ARN pattern would widen the
 * exemption) nor '$' (a `${...}` policy variable).
 */
export function validateBoundedRolePath(scope: ErrorScope, prop: string, path: string): void {
  if (Token.isUnresolved(path)) {
    throw propError(scope, prop, 'a CDK token', "an IAM path as a plain string, such as '/bounded/'");
  }
  if (path === '/') {
    throw propError(scope, prop, "'/'", "a path below '/' such as '/bounded/' (every role is under '/', so it would restrict nothing)");
  }
  if (!/^\/[\x21-\x7E]+\/$/.test(path) || path.length > 512 || /[*?$]/.test(path)) {
    throw propError(
      scope,
      prop,
      `'${path}'`,
      "an IAM path of at most 512 characters that starts and ends with '/', such as '/bounded/', of printable ASCII characters but '*', '?' and '$'",
    );
  }
}

/** An IAM role ARN with an explicit account and no wildcard (the path, if any, is part of the name). */
const EXACT_ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;
/** The same for a role or a user. */
const EXACT_PRINCIPAL_ARN = /^arn:aws(-[a-z]+)*:iam::(\d{12}):(role|user)\/[\w+=,.@/-]{1,512}$/;

/**
 * Throws unless every entry is an exact IAM role (or, unless `rolesOnly`, user) ARN: an exemption
 * or a protection must name one principal, never a pattern a bounded administrator could match by
 * creating a role. With `account` (a resolved account id), the ARNs must belong to it. Unresolved
 * tokens are skipped (`allowTokens`), or refused (SCPs live outside CloudFormation).
 */
export function validateExactPrincipalArns(
  scope: ErrorScope,
  prop: string,
  arns: readonly string[],
  options: { readonly rolesOnly?: boolean; readonly account?: string; readonly allowTokens?: boolean } = {},
): void {
  const kind = options.rolesOnly ? 'IAM role' : 'IAM role or user';
  const example = `'arn:aws:iam::111122223333:role/${options.rolesOnly ? 'break-glass' : 'cdk-grdprod-cfn-exec-role-111122223333-eu-west-1'}'`;
  for (const arn of arns) {
    if (Token.isUnresolved(arn)) {
      if (options.allowTokens) continue;
      throw propError(scope, prop, 'a CDK token', `an exact ${kind} ARN as a plain string`);
    }
    const match = (options.rolesOnly ? EXACT_ROLE_ARN : EXACT_PRINCIPAL_ARN).exec(arn);
    if (!match) {
      throw propError(scope, prop, `'${arn}'`, `an exact ${kind} ARN (no wildcards) such as ${example}`);
    }
    if (options.account !== undefined && !Token.isUnresolved(options.account) && match[2] !== options.account) {
      throw propError(scope, prop, `'${arn}' of account ${match[2]}`, `a role of this stack's account ${options.account}`);
    }
  }
}

/**
 * An IAM role ARN pattern of an SCP: `*` for the account and/or `*` and `?` in the name, after at
 * least one literal character (the path, if any, is part of the name).
 */
const SCP_ROLE_PATTERN = /^arn:aws(-[a-z]+)*:iam::(\d{12}|\*):role\/[\w+=,.@/-][\w+=,.@/*?-]{0,511}$/;

/**
 * Throws unless every entry is an exact IAM role or user ARN (as `validateExactPrincipalArns`) or a
 * role ARN pattern of an SCP: `arn:aws:iam::*:role/<name>` (an SCP governs only the principals of
 * the accounts it is attached to, so `*` names that role in each of them) and a name with `*` or
 * `?` after a literal first character (such as the CDK roles `cdk-<qualifier>-cfn-exec-role-*-<region>`,
 * whose name holds the account). A pattern is only as safe as its protection: the SCPs written or
 * compiled together must deny creating, changing, passing and assuming every role it matches
 * (`checkPatternExemptionsProtected`). Users and tokens are exact only.
 */
export function validateScpPrincipalArns(scope: ErrorScope, prop: string, arns: readonly string[], options: { readonly rolesOnly?: boolean } = {}): void {
  arns.forEach((arn, i) => {
    if (Token.isUnresolved(arn)) {
      throw propError(scope, `${prop}[${i}]`, 'a CDK token', 'an IAM role ARN as a plain string (SCPs live outside CloudFormation)');
    }
    if (!/[*?]/.test(arn)) {
      validateExactPrincipalArns(scope, prop, [arn], options);
      return;
    }
    if (!SCP_ROLE_PATTERN.test(arn)) {
      throw propError(
        scope,
        `${prop}[${i}]`,
        `'${arn}'`,
        "an exact IAM role ARN, or a role ARN pattern with '*' for the account and '*' or '?' in the name after its first character, " +
          "such as 'arn:aws:iam::*:role/break-glass' or 'arn:aws:iam::*:role/cdk-grdprod-cfn-exec-role-*-eu-west-1' (users are exact only)",
      );
    }
    if (CdkBootstrap.patternMatchesDefaultRolesAnywhere(arn))
      throw propError(scope, `${prop}[${i}]`, `'${arn}'`, DEFAULT_QUALIFIER_EXPECTED, DEFAULT_QUALIFIER_WHY);
  });
}

/**
 * Throws unless `qualifier` is a CDK bootstrap qualifier: the bootstrap template's Qualifier
 * parameter has `AllowedPattern: "[A-Za-z0-9_-]{1,10}"`.
 */
export function validateCdkBootstrapQualifier(scope: ErrorScope, prop: string, qualifier: string): void {
  if (!/^[A-Za-z0-9_-]{1,10}$/.test(qualifier)) {
    throw propError(scope, prop, `'${qualifier}'`, "a CDK bootstrap qualifier of 1-10 letters, digits, '_' or '-' (the default is 'hnb659fds')");
  }
}

/**
 * Throws unless `prefix` can start a log group name, a Lambda function name, an EventBridge rule
 * name, a Kinesis stream name and an SQS queue name (the characters they all accept), without
 * wildcards.
 */
export function validateResourceNamePrefix(scope: ErrorScope, prop: string, prefix: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/.test(prefix)) {
    throw propError(
      scope,
      prop,
      `'${prefix}'`,
      "1-32 letters, digits, '_' or '-' starting with a letter or digit, such as 'guardrails' (no wildcards, no '/')",
    );
  }
}

/**
 * Throws unless every entry is an exact IAM policy or group name (1-128 of letters, digits and
 * '+=,.@_-': no wildcard, which a Deny would otherwise widen into a pattern), as a plain string
 * (an SCP lives outside CloudFormation and cannot resolve a token).
 */
export function validateIamNames(scope: ErrorScope, prop: string, names: readonly string[], what: string, example: string): void {
  names.forEach((name, i) => {
    if (Token.isUnresolved(name) || !/^[\w+=,.@-]{1,128}$/.test(name)) {
      throw propError(scope, `${prop}[${i}]`, `'${name}'`, `${what} (1-128 letters, digits or '+=,.@_-', no wildcard), such as '${example}'`);
    }
  });
}

/**
 * Throws unless every entry names CloudFormation stacks: a stack name (a letter, then letters,
 * digits and '-', at most 128 characters), '*' allowed as a wildcard, as a plain string. A lone
 * '*' (or only wildcards) is refused: it would protect every stack of the account, the workload's too.
 */
export function validateStackNamePatterns(scope: ErrorScope, prop: string, names: readonly string[]): void {
  names.forEach((name, i) => {
    if (Token.isUnresolved(name)) {
      throw propError(scope, `${prop}[${i}]`, 'a CDK token', "a stack name or pattern as a plain string, such as 'prod-workload-*'");
    }
    if (!/^[A-Za-z*][A-Za-z0-9*-]{0,127}$/.test(name) || !/[A-Za-z0-9]/.test(name)) {
      throw propError(
        scope,
        `${prop}[${i}]`,
        `'${name}'`,
        "a CloudFormation stack name (a letter, then letters, digits or '-', at most 128 characters) " +
          "where '*' may stand for any characters, such as 'CDKToolkit' or 'prod-workload-*', and not only wildcards",
      );
    }
  });
}
