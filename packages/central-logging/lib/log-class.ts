/**
 * The class of a shipped log group. It decides the central log group, and so the retention,
 * of every event: audit (10 years by default), security (90 days), app (30 days).
 *
 * The class travels with the data in the subscription filter name (`guardrails-<class>-...`):
 * CloudWatch Logs puts the names of matching filters into every payload
 * (`subscriptionFilters`), and the forwarder reads the class from there.
 */
export enum LogClass {
  /** CloudTrail and other audit evidence. */
  AUDIT = 'audit',
  /** Security events: IAM and S3 policy changes captured by EventBridge. */
  SECURITY = 'security',
  /** Application logs that opted in. */
  APP = 'app',
}
