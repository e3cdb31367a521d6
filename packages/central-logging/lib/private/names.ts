import { LogClass } from '../log-class';

/** Subscription filter names start with this prefix followed by `-<class>-` (read by the forwarder). */
export const SUBSCRIPTION_FILTER_PREFIX = 'guardrails';

/** Every log class, in a stable order. */
export const ALL_LOG_CLASSES: LogClass[] = [LogClass.AUDIT, LogClass.SECURITY, LogClass.APP];

/** The subscription filter name that carries `logClass` to the forwarder (max 512 characters). */
export function subscriptionFilterName(logClass: LogClass, suffix: string): string {
  return `${SUBSCRIPTION_FILTER_PREFIX}-${logClass}-${suffix}`.slice(0, 512);
}

/** Twelve digits. */
export function isAccountId(value: string): boolean {
  return /^\d{12}$/.test(value);
}
