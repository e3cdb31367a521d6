import { Duration, Stack, Token } from 'aws-cdk-lib';

/** Throws unless every entry is a 12-digit AWS account id (unresolved tokens are skipped). */
export function validateAccountIds(prop: string, accountIds: readonly string[]): void {
  for (const id of accountIds) {
    if (Token.isUnresolved(id)) continue;
    if (!/^\d{12}$/.test(id)) {
      throw new Error(`${prop}: '${id}' is not an AWS account id; expected exactly 12 digits`);
    }
  }
}

/** Throws unless the list has at least one entry. */
export function validateNonEmpty(prop: string, values: readonly unknown[] | undefined, allowed: string): void {
  if (!values || values.length === 0) {
    throw new Error(`${prop}: received an empty list; expected ${allowed}`);
  }
}

/**
 * Throws unless `duration` is within [min, max] (IAM MaxSessionDuration is 1 to 12 hours).
 * Unresolved durations are skipped.
 */
export function validateDurationRange(prop: string, duration: Duration, min: Duration, max: Duration): void {
  if (duration.isUnresolved()) return;
  const seconds = duration.toSeconds();
  if (seconds < min.toSeconds() || seconds > max.toSeconds()) {
    throw new Error(
      `${prop}: received ${duration.toHumanString()} (${seconds} s); allowed ${min.toHumanString()} to ${max.toHumanString()}`,
    );
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
export function validateIamPath(prop: string, path: string): void {
  if (Token.isUnresolved(path)) return;
  if (!/^\/([\x21-\x7E]*\/)?$/.test(path) || path.length > 512) {
    throw new Error(`${prop}: received '${path}'; expected an IAM path that starts and ends with '/', such as '/' or '/guardrails/'`);
  }
}
