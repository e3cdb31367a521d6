/**
 * The project's log classes and their default retention (DESIGN: "audit 10 y, security 90 d,
 * app 30 d"). A log group belongs to a class by a name segment (`/audit/`, `/security/`,
 * `/app/`); the central destination keeps each class in its own log group with this retention,
 * unless the config chooses another.
 *
 * Each retention is a value CloudWatch Logs accepts (the CDK's `logs.RetentionDays`):
 * 3653 is `TEN_YEARS`, 90 `THREE_MONTHS`, 30 `ONE_MONTH`.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
 */
export class DefaultLogClass {
  /** Audit evidence (CloudTrail, AWS Config): 10 years, the financial-services bar. */
  public static readonly AUDIT = new DefaultLogClass('audit', 3653);
  /** Security events (IAM and S3 policy changes): 90 days. */
  public static readonly SECURITY = new DefaultLogClass('security', 90);
  /** Application logs that opted in: 30 days. */
  public static readonly APP = new DefaultLogClass('app', 30);
  /** Every class, in the order audit, security, app. */
  public static readonly ALL: DefaultLogClass[] = [DefaultLogClass.AUDIT, DefaultLogClass.SECURITY, DefaultLogClass.APP];

  /** The class with this name (`audit`, `security` or `app`); throws naming the value and the names allowed. */
  public static of(name: string): DefaultLogClass {
    const found = DefaultLogClass.ALL.find((c) => c.name === name);
    if (found === undefined) {
      throw new Error(`DefaultLogClass.of: name: received ${JSON.stringify(name)}; expected one of ${DefaultLogClass.ALL.map((c) => c.name).join(', ')}`);
    }
    return found;
  }

  /** The class name, as log group names, subscription filter names and the forwarder use it. */
  public readonly name: string;
  /** The default retention in days; also the value of CloudWatch Logs' `RetentionDays` enum. */
  public readonly retentionDays: number;
  /** A regular expression source matching the log group names of this class: a `/<name>/` segment. */
  public readonly logGroupNamePattern: string;

  private constructor(name: string, retentionDays: number) {
    this.name = name;
    this.retentionDays = retentionDays;
    this.logGroupNamePattern = `(^|/)${name}(/|$)`;
  }
}
