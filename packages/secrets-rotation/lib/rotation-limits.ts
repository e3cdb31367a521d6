/**
 * Rotation interval limits, exported so that an application's config loader can
 * enforce the same numbers as the constructs (for example the prod ceilings).
 *
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_schedule.html
 */
export class RotationLimits {
  /** Shortest rotation interval Secrets Manager accepts, in hours. */
  public static readonly MIN_INTERVAL_HOURS = 4;

  /** Longest rotation interval Secrets Manager accepts, in days. */
  public static readonly MAX_INTERVAL_DAYS = 1000;

  /** Default rotation interval of database credentials, in days. */
  public static readonly DEFAULT_DATABASE_DAYS = 30;

  /** Default rotation interval of API keys and service tokens, in days. */
  public static readonly DEFAULT_TOKEN_DAYS = 90;

  /** Ceiling the prod class of environments applies to database credentials, in days. */
  public static readonly MAX_DATABASE_DAYS = 30;

  /** Ceiling the prod class of environments applies to API keys, in days. */
  public static readonly MAX_API_KEY_DAYS = 90;

  /** Ceiling the prod class of environments applies to service tokens, in days. */
  public static readonly MAX_SERVICE_TOKEN_DAYS = 90;

  private constructor() {}
}
