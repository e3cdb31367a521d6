/**
 * The class of a shipped log group. It decides the central log group, and so the retention,
 * of every event: audit (10 years by default), security (90 days), app (30 days).
 *
 * The receiving side decides it: the destination's classification rules map the source account
 * and log group of each payload (both set by CloudWatch Logs) to a class. The subscription filter
 * name the sender writes (`guardrails-<class>-...`) states the sender's intent only.
 */
export enum LogClass {
  /** CloudTrail and other audit evidence. */
  AUDIT = 'audit',
  /** Security events: IAM and S3 policy changes captured by EventBridge. */
  SECURITY = 'security',
  /** Application logs that opted in. */
  APP = 'app',
}

/**
 * A classification rule of a central log destination: log groups whose name starts with
 * `logGroupNamePrefix`, of the accounts `accountIds` (or of any sender), belong to `logClass`.
 * The rule with the longest matching prefix wins; of two with the same prefix, the one that
 * names the account.
 */
export interface LogClassRule {
  /** Start of the log group names this rule classifies, for example '/guardrails/audit/'. */
  readonly logGroupNamePrefix: string;
  /** The class of those log groups. */
  readonly logClass: LogClass;
  /**
   * Source accounts the rule applies to (12-digit ids).
   * @default - every sender account
   */
  readonly accountIds?: string[];
}
