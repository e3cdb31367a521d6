import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/**
 * A database engine. PostgreSQL, MySQL and MariaDB are rotated by this package's own function
 * (its role, log group and code are yours); the others by the Secrets Manager hosted rotation.
 *
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_secret_json_structure.html
 */
export class DatabaseEngine {
  /** MySQL (RDS, Aurora or self-managed). */
  public static readonly MYSQL = new DatabaseEngine('mysql', 3306, 32);
  /** PostgreSQL (RDS, Aurora or self-managed). */
  public static readonly POSTGRESQL = new DatabaseEngine('postgres', 5432, 32);
  /** Oracle. Passwords are 30 characters at most (Oracle's limit). */
  public static readonly ORACLE = new DatabaseEngine('oracle', 1521, 30);
  /** MariaDB. */
  public static readonly MARIADB = new DatabaseEngine('mariadb', 3306, 32);
  /** Microsoft SQL Server. */
  public static readonly SQLSERVER = new DatabaseEngine('sqlserver', 1433, 32);
  /** Amazon Redshift (provisioned). */
  public static readonly REDSHIFT = new DatabaseEngine('redshift', 5439, 32);
  /** MongoDB or Amazon DocumentDB. */
  public static readonly MONGODB = new DatabaseEngine('mongo', 27017, 32);

  /**
   * @param secretEngine value of the `engine` field in the secret JSON
   * @param defaultPort port used when none is given
   * @param passwordLength length of the generated password
   */
  private constructor(
    /** Value of the `engine` field in the secret JSON, as the rotation templates expect it. */
    public readonly secretEngine: string,
    /** The engine's default port. */
    public readonly defaultPort: number,
    /** Length of the generated password. */
    public readonly passwordLength: number,
  ) {}
}

/**
 * How the rotation changes the password.
 *
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets-strategies.html
 */
export class DatabaseRotationStrategy {
  /**
   * The user changes its own password. Connections opened during the short window
   * between setSecret and finishSecret may fail and must retry.
   */
  public static singleUser(): DatabaseRotationStrategy {
    return new DatabaseRotationStrategy(false, undefined);
  }

  /**
   * A superuser (its credentials in `masterSecret`) alternates between two users
   * (`username` and `username_clone`), so the previous credentials stay valid until the
   * next rotation: no failed connections during rotation.
   *
   * @param masterSecret the secret holding the superuser's credentials (same JSON structure)
   */
  public static multiUser(masterSecret: secretsmanager.ISecret): DatabaseRotationStrategy {
    return new DatabaseRotationStrategy(true, masterSecret);
  }

  private constructor(
    /** Whether this is the alternating-users strategy. */
    public readonly isMultiUser: boolean,
    /** The superuser's secret of the alternating-users strategy. */
    public readonly masterSecret?: secretsmanager.ISecret,
  ) {}
}
