import { Token } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';

/**
 * Marks log groups that must never be subscribed to the central destination: the forwarder's
 * own log group and the central log groups. Subscribing them feeds the forwarder its own
 * output (the log-recursion trap: every invocation writes a log line that triggers the next).
 */
const NEVER_SHIP = Symbol.for('@cdk-guardrails/central-logging.NeverShip');

/**
 * Names of never-ship log groups, kept on the root of the construct tree (one app): a log group
 * imported by name (`LogGroup.fromLogGroupName`) is not the marked object, but has the same name.
 */
const NEVER_SHIP_NAMES = Symbol.for('@cdk-guardrails/central-logging.NeverShipNames');

export function markNeverShip(logGroup: logs.ILogGroup, reason: string, name?: string): void {
  (logGroup as any)[NEVER_SHIP] = reason;
  if (name !== undefined && !Token.isUnresolved(name)) {
    const root = logGroup.node.root as any;
    const names: Map<string, string> = root[NEVER_SHIP_NAMES] ?? new Map<string, string>();
    names.set(name, reason);
    root[NEVER_SHIP_NAMES] = names;
  }
}

/** Central log groups are named under this prefix by default. */
export const DEFAULT_CENTRAL_PREFIX = '/guardrails/central';

/** Why `logGroup` must not be shipped, or undefined if it may be. */
export function neverShipReason(logGroup: logs.ILogGroup): string | undefined {
  const marked = (logGroup as any)[NEVER_SHIP];
  if (typeof marked === 'string') return marked;
  const name = logGroup.logGroupName;
  if (Token.isUnresolved(name)) return undefined;
  const registered = neverShipNames(logGroup).get(name);
  if (registered !== undefined) return registered;
  if (name === DEFAULT_CENTRAL_PREFIX || name.startsWith(`${DEFAULT_CENTRAL_PREFIX}/`)) {
    return `it is a central log group (name starts with ${DEFAULT_CENTRAL_PREFIX}/), written by the forwarder`;
  }
  return undefined;
}

function neverShipNames(scope: IConstruct): Map<string, string> {
  return (scope.node.root as any)[NEVER_SHIP_NAMES] ?? new Map<string, string>();
}
