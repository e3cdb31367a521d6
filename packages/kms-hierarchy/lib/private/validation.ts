import { KmsKeyArn } from '@cdk-guardrails/facts';
import { Duration, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { propError } from './errors';

/** AWS KMS limits on automatic rotation periods. */
export const MIN_ROTATION_DAYS = 90;
export const MAX_ROTATION_DAYS = 2560;

/** Parts of a validated key ARN. */
export interface ParsedKeyArn {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

/**
 * Validate an imported key ARN and that it belongs to the stack's account and region (when both
 * sides are known at synth time). Returns undefined for an unresolved token.
 */
export function validateKeyArn(scope: IConstruct, propName: string, keyArn: string): ParsedKeyArn | undefined {
  const stack = Stack.of(scope);
  if (Token.isUnresolved(keyArn)) {
    return undefined;
  }
  if (!KmsKeyArn.isKeyArn(keyArn)) {
    const hint = /:alias\//.test(keyArn)
      ? 'Alias ARNs are not accepted: an alias can be re-pointed to another key, and key policies and S3 key pinning need the key ARN'
      : undefined;
    throw propError(scope, propName, `'${keyArn}'`, `a KMS key ARN, ${KmsKeyArn.KEY_ARN_FORMAT}`, hint);
  }
  const { partition, region, account } = KmsKeyArn.parse(keyArn);
  const parsed: ParsedKeyArn = { partition, region, account };
  const accountKnown = !Token.isUnresolved(stack.account);
  const regionKnown = !Token.isUnresolved(stack.region);
  if ((accountKnown && parsed.account !== stack.account) || (regionKnown && parsed.region !== stack.region)) {
    throw propError(
      scope,
      propName,
      `key '${keyArn}' of account ${parsed.account} region ${parsed.region}`,
      `a key of the stack's account ${accountKnown ? stack.account : '(unresolved)'} and region ${regionKnown ? stack.region : '(unresolved)'}`,
      'A key of the hierarchy must be in the same account and region as the stack that uses it',
    );
  }
  return parsed;
}

/** Validate the rotation period (whole days, 90..2560) and return it in days. */
export function validateRotationPeriod(scope: IConstruct, period: Duration | undefined): number | undefined {
  if (period === undefined || period.isUnresolved()) {
    return undefined;
  }
  let days: number;
  try {
    days = period.toDays();
  } catch {
    throw propError(scope, 'rotationPeriod', period.toHumanString(), `a whole number of days, ${MIN_ROTATION_DAYS} to ${MAX_ROTATION_DAYS} (AWS KMS)`);
  }
  if (days < MIN_ROTATION_DAYS || days > MAX_ROTATION_DAYS) {
    throw propError(scope, 'rotationPeriod', `${days} days`, `a whole number of days, ${MIN_ROTATION_DAYS} to ${MAX_ROTATION_DAYS} (AWS KMS)`);
  }
  return days;
}

/**
 * Alias names are `alias/` + [a-zA-Z0-9/_-], at most 256 characters, and `alias/aws/` is reserved.
 * The prefix is one or more path segments without leading or trailing slashes.
 */
export function validateAliasPrefix(scope: IConstruct, prefix: string): void {
  if (Token.isUnresolved(prefix)) {
    throw propError(scope, 'aliasPrefix', 'an unresolved token', 'a literal string (it is part of the alias name)');
  }
  if (!/^[a-zA-Z0-9_-]+(\/[a-zA-Z0-9_-]+)*$/.test(prefix)) {
    throw propError(scope, 'aliasPrefix', `'${prefix}'`, "letters, digits, '_', '-' and '/' between segments (no leading or trailing '/', no 'alias/')");
  }
  if (/^alias(\/|$)/.test(prefix)) {
    throw propError(scope, 'aliasPrefix', `'${prefix}'`, "the prefix without 'alias/' (the construct adds it)");
  }
  if (/^aws(\/|$)/i.test(prefix)) {
    throw propError(scope, 'aliasPrefix', `'${prefix}'`, "a prefix outside 'aws/', the namespace reserved for AWS managed keys");
  }
  // alias/<prefix>/secrets is the longest name we build.
  if (`alias/${prefix}/secrets`.length > 256) {
    throw propError(scope, 'aliasPrefix', `'${prefix}' (${prefix.length} characters)`, 'a prefix that keeps alias names within 256 characters');
  }
}

/** Validate service names given to extend kms:ViaService (for example 'dynamodb'). */
export function validateServiceNames(scope: IConstruct, propName: string, services: string[]): void {
  for (const service of services) {
    if (Token.isUnresolved(service) || !/^[a-z0-9][a-z0-9-]*$/.test(service)) {
      throw propError(
        scope,
        propName,
        `'${service}'`,
        "a service endpoint prefix only, for example 'dynamodb' (the construct builds '<service>.<region>.<url-suffix>')",
      );
    }
  }
}

/**
 * An IAM role or user ARN: `arn:<partition>:iam::<account>:role/<path/>name` or `...:user/<path/>name`.
 * Names and paths use IAM's name characters; `*` and `?` are not among them, so no wildcard passes.
 */
const PRINCIPAL_ARN = /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-[a-z]|aws-eusc):iam::(\d{12}):(role|user)\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]+$/;

/**
 * Validate the exact role or user ARNs that may administer the keys: at least one, no wildcard, no
 * other principal type (root, assumed-role session, group), and (when both are known at synth)
 * in the stack's account. Unresolved tokens are skipped.
 */
export function validateAdministratorArns(scope: IConstruct, propName: string, arns: string[]): void {
  const stack = Stack.of(scope);
  if (arns.length === 0) {
    throw propError(
      scope,
      propName,
      'an empty list',
      'at least one IAM role or user ARN',
      'Include the CloudFormation execution role, or KMS refuses to create the key',
    );
  }
  const accountKnown = !Token.isUnresolved(stack.account);
  for (const arn of arns) {
    if (Token.isUnresolved(arn)) {
      continue;
    }
    const match = PRINCIPAL_ARN.exec(arn);
    if (!match) {
      throw propError(
        scope,
        propName,
        `'${arn}'`,
        'an exact IAM role or user ARN, arn:<partition>:iam::<account-id>:role/<name> or :user/<name> ' +
          '(no wildcard, no account root, no assumed-role session ARN, no ${...} placeholder)',
      );
    }
    if (accountKnown && match[2] !== stack.account) {
      throw propError(
        scope,
        propName,
        `'${arn}' of account ${match[2]}`,
        `a role or user of the stack's account ${stack.account} (key administration is granted through this account's IAM)`,
      );
    }
  }
}

/** The role name of a CDK bootstrap CloudFormation execution role (cdk-<qualifier>-cfn-exec-role-<account>-<region>). */
export const CDK_EXECUTION_ROLE_ARN = /:role\/cdk-[A-Za-z0-9_-]{1,10}-cfn-exec-role-\d{12}-[a-z0-9-]+$/;
