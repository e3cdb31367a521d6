/** Which class (audit, security, app) a source log group belongs to, decided by the receiving side. */
import { LogClassName } from './limits';
import { ClassificationRule } from './types';

/**
 * The class of a log group of `owner`, decided by the receiving side: the rule with the longest
 * matching prefix wins, and of two rules with the same prefix the one naming the account.
 * Returns the class and the rule that decided it (its provenance), or undefined.
 */
export function classify(
  owner: string,
  logGroup: string,
  rules: readonly ClassificationRule[],
): { logClass: LogClassName; rule: ClassificationRule } | undefined {
  let best: ClassificationRule | undefined;
  for (const rule of rules) {
    if (!logGroup.startsWith(rule.logGroupNamePrefix)) continue;
    if (rule.accountIds !== undefined && !rule.accountIds.includes(owner)) continue;
    const better =
      best === undefined ||
      rule.logGroupNamePrefix.length > best.logGroupNamePrefix.length ||
      (rule.logGroupNamePrefix.length === best.logGroupNamePrefix.length && rule.accountIds !== undefined && best.accountIds === undefined);
    if (better) best = rule;
  }
  return best === undefined ? undefined : { logClass: best.logClass, rule: best };
}
