import { Token } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';

/**
 * Marks log groups that must never be subscribed to the central destination: the forwarder's
 * own log group and the central log groups. Subscribing them feeds the forwarder its own
 * output (the log-recursion trap: every invocation writes a log line that triggers the next).
 */
const NEVER_SHIP = Symbol.for('@cdk-guardrails/central-logging.NeverShip');

export function markNeverShip(logGroup: logs.ILogGroup, reason: string): void {
  (logGroup as any)[NEVER_SHIP] = reason;
}

/** Central log groups are named under this prefix by default. */
export const DEFAULT_CENTRAL_PREFIX = '/guardrails/central';

/** Why `logGroup` must not be shipped, or undefined if it may be. */
export function neverShipReason(logGroup: logs.ILogGroup): string | undefined {
  const marked = (logGroup as any)[NEVER_SHIP];
  if (typeof marked === 'string') return marked;
  const name = logGroup.logGroupName;
  if (!Token.isUnresolved(name) && (name === DEFAULT_CENTRAL_PREFIX || name.startsWith(`${DEFAULT_CENTRAL_PREFIX}/`))) {
    return `it is a central log group (name starts with ${DEFAULT_CENTRAL_PREFIX}/), written by the forwarder`;
  }
  return undefined;
}
