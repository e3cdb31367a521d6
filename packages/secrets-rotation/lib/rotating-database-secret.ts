import { Annotations, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { RotatingSecretProps } from './common';
import { FUNCTION_NAME, validateName } from './private/resource-names';
import { validateRotationInterval } from './private/rotation-interval';
import { applySecretAccessPolicy, grantSecretRead, requireCustomerManagedKey } from './private/secret-guardrails';
import { RotationLimits } from './rotation-limits';

/**
 * A database engine that Secrets Manager's hosted rotation supports.
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
 * How the hosted rotation changes the password.
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

/** Properties of a RotatingDatabaseSecret. */
export interface RotatingDatabaseSecretProps extends RotatingSecretProps {
  /** Engine of the database; selects the hosted rotation function and the default port. */
  readonly engine: DatabaseEngine;

  /** Host name (endpoint) of the existing database. */
  readonly host: string;

  /**
   * Port of the database.
   *
   * @default - the engine's default port (for example 5432 for PostgreSQL)
   */
  readonly port?: number;

  /** User whose password is generated and rotated. The user must already exist in the database with this secret's initial password set by you, or be created from it. */
  readonly username: string;

  /**
   * Name of the database to connect to.
   *
   * @default - the engine's default database
   */
  readonly databaseName?: string;

  /**
   * Single-user or multi-user rotation.
   *
   * @default DatabaseRotationStrategy.singleUser()
   */
  readonly rotationStrategy?: DatabaseRotationStrategy;

  /**
   * Time between two rotations (4 hours to 1000 days, whole hours).
   *
   * @default Duration.days(30)
   */
  readonly rotationInterval?: Duration;

  /** The VPC in which the hosted rotation function runs: the one that can reach the database. */
  readonly vpc: ec2.IVpc;

  /**
   * Subnets of the hosted rotation function. They need a route to Secrets Manager
   * (a NAT gateway or a `secretsmanager` interface VPC endpoint).
   *
   * @default - the VPC's default selection (private subnets)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups of the hosted rotation function.
   *
   * @default - a new security group that allows HTTPS out and, with `database`, the database port
   *   to the database; nothing else (not aws-cdk-lib's default of all egress)
   */
  readonly rotationSecurityGroups?: ec2.ISecurityGroup[];

  /**
   * The database (or its security group): ingress from the rotation function on the
   * database port is added to it. An `ec2.SecurityGroup` is an `ec2.IConnectable`.
   *
   * @default - no ingress is added; a warning reminds you to allow the rotation function's security group on the database port
   */
  readonly database?: ec2.IConnectable;

  /**
   * Name of the hosted rotation function (1 to 64 letters, digits, '-', '_'). Name it under a
   * prefix the permissions boundary protects. With a name, the construct also creates the
   * function's log group, `/aws/lambda/<rotationFunctionName>`, before the first rotation, so
   * Lambda writes into it (encrypted, with a retention) instead of creating its own.
   *
   * @default - a name generated by the Secrets Manager transform, and a log group that Lambda creates on the first rotation (no retention, no KMS key; a warning says so)
   */
  readonly rotationFunctionName?: string;

  /**
   * Key that encrypts the hosted rotation function's log group (its key policy must allow
   * `logs.<region>.amazonaws.com`, as the logs key of `@cdk-guardrails/kms-hierarchy` does).
   * Requires `rotationFunctionName`: the log group is named after the function.
   *
   * @default - CloudWatch Logs' own encryption
   */
  readonly logEncryptionKey?: kms.IKey;

  /**
   * Retention of the hosted rotation function's log group. Requires `rotationFunctionName`.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Characters never used in generated passwords.
   *
   * @default " %+~`#$&*()|[]{}:;<>?!'/@\"\\" (characters that break connection strings and shells)
   */
  readonly excludeCharacters?: string;
}

/**
 * Credentials of an existing database in Secrets Manager: a generated password,
 * encrypted with a customer managed key, rotated (every 30 days by default) by the
 * Secrets Manager hosted rotation function of the engine, and protected by a resource
 * policy that denies principals outside the account.
 */
export class RotatingDatabaseSecret extends Construct {
  /** The secret. Its JSON holds engine, host, port, username, password (and dbname, masterarn). */
  public readonly secret: secretsmanager.ISecret;

  /** The customer managed key that encrypts the secret. */
  public readonly encryptionKey: kms.IKey;

  /** ARN of the secret. */
  public readonly secretArn: string;

  /** The hosted rotation; its `connections` are those of the rotation function. */
  public readonly hostedRotation: secretsmanager.HostedRotation;

  /** The rotation schedule. */
  public readonly rotationSchedule: secretsmanager.RotationSchedule;

  /** Time between two rotations. */
  public readonly rotationInterval: Duration;

  /**
   * Log group of the hosted rotation function, `/aws/lambda/<rotationFunctionName>`, created here
   * so that it is encrypted, expires and can be shipped. Undefined without `rotationFunctionName`.
   */
  public readonly rotationLogGroup?: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: RotatingDatabaseSecretProps) {
    super(scope, id);

    const key = requireCustomerManagedKey(this, props.encryptionKey);
    if (props.engine === undefined) {
      throw new Error(`${this.node.path}: engine is required, got undefined. Use one of DatabaseEngine.MYSQL, POSTGRESQL, ORACLE, MARIADB, SQLSERVER, REDSHIFT, MONGODB`);
    }
    requireText(this, 'host', props.host);
    requireText(this, 'username', props.username);
    if (props.vpc === undefined) {
      throw new Error(`${this.node.path}: vpc is required, got undefined: the hosted rotation function must run in the VPC that can reach the database`);
    }
    validateName(this.node.path, 'rotationFunctionName', props.rotationFunctionName, FUNCTION_NAME);
    if (props.rotationFunctionName === undefined && (props.logEncryptionKey !== undefined || props.logRetention !== undefined)) {
      throw new Error(`${this.node.path}: rotationFunctionName: received undefined; expected a function name when logEncryptionKey or logRetention is set, because the hosted function's log group is named after it (/aws/lambda/<rotationFunctionName>)`);
    }
    const port = props.port ?? props.engine.defaultPort;
    if (!Token.isUnresolved(port) && !(Number.isInteger(port) && port >= 1 && port <= 65535)) {
      throw new Error(`${this.node.path}: port must be an integer from 1 to 65535, got ${port}`);
    }
    this.rotationInterval = props.rotationInterval ?? Duration.days(RotationLimits.DEFAULT_DATABASE_DAYS);
    validateRotationInterval(this, 'rotationInterval', this.rotationInterval, props.maxRotationInterval);
    const strategy = props.rotationStrategy ?? DatabaseRotationStrategy.singleUser();

    const stack = Stack.of(this);
    const template: Record<string, unknown> = {
      engine: props.engine.secretEngine,
      host: props.host,
      port,
      username: props.username,
    };
    if (props.databaseName !== undefined) {
      template.dbname = props.databaseName;
    }
    if (strategy.masterSecret !== undefined) {
      template.masterarn = strategy.masterSecret.secretArn;
    }

    const secret = new secretsmanager.Secret(this, 'Secret', {
      secretName: props.secretName,
      description: props.description ?? `Credentials of ${props.username} on a ${props.engine.secretEngine} database, rotated by Secrets Manager`,
      encryptionKey: key,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      generateSecretString: {
        secretStringTemplate: stack.toJsonString(template),
        generateStringKey: 'password',
        passwordLength: props.engine.passwordLength,
        excludeCharacters: props.excludeCharacters ?? DEFAULT_EXCLUDE_CHARACTERS,
      },
    });
    this.secret = secret;
    this.encryptionKey = key;
    this.secretArn = secret.secretArn;


    // aws-cdk-lib's default security group for the hosted function allows all egress on every
    // protocol. Ours allows HTTPS out (Secrets Manager, directly or through a VPC endpoint) and, by
    // `database` below, the database port to the database only.
    const securityGroups = props.rotationSecurityGroups ?? [new ec2.SecurityGroup(this, 'RotationSecurityGroup', {
      vpc: props.vpc,
      description: 'Secrets Manager hosted rotation: HTTPS to Secrets Manager and the database port to the database only',
      allowAllOutbound: false,
    })];
    if (props.rotationSecurityGroups === undefined) {
      securityGroups[0].addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to Secrets Manager (its endpoint or a VPC endpoint)');
    }
    this.hostedRotation = hostedRotationFor(props.engine, strategy, {
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups,
      functionName: props.rotationFunctionName,
    });
    this.rotationSchedule = secret.addRotationSchedule('RotationSchedule', {
      hostedRotation: this.hostedRotation,
      automaticallyAfter: this.rotationInterval,
      // Single user: the hosted function logs in with the current password to change it,
      // so an immediate rotation of a freshly generated password (not yet set on the
      // existing database) could only fail. Multi user: the superuser sets it, so rotating
      // at once replaces the generated value with one the database already knows.
      rotateImmediatelyOnUpdate: props.rotateImmediatelyOnUpdate ?? strategy.isMultiUser,
    });
    if (props.rotationFunctionName !== undefined) {
      // Lambda writes to /aws/lambda/<function name> and creates it only if it does not exist: a
      // log group created here first is the one the hosted function uses. The schedule (which
      // starts the first rotation) waits for it.
      const rotationLogGroup = new logs.LogGroup(this, 'RotationFunctionLogs', {
        logGroupName: `/aws/lambda/${props.rotationFunctionName}`,
        retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
        encryptionKey: props.logEncryptionKey,
        removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      });
      this.rotationSchedule.node.addDependency(rotationLogGroup);
      this.rotationLogGroup = rotationLogGroup;
    } else {
      Annotations.of(this).addWarningV2('@cdk-guardrails/secrets-rotation:hostedRotationLogGroup',
        'No rotationFunctionName: Lambda creates the hosted rotation function\'s log group on the first rotation, unencrypted by your key and kept forever. Set rotationFunctionName so that the construct creates it (logEncryptionKey, logRetention).');
    }
    if (!strategy.isMultiUser) {
      Annotations.of(this).addInfo(`Single-user rotation: set the password of '${props.username}' on the database to the generated value in the secret before the first rotation`);
    }

    if (props.database !== undefined) {
      props.database.connections.allowFrom(this.hostedRotation, ec2.Port.tcp(port), 'Secrets Manager hosted rotation of the database credentials');
    } else {
      Annotations.of(this).addWarningV2('@cdk-guardrails/secrets-rotation:databaseIngress',
        'No database given: allow the rotation function\'s security group (hostedRotation.connections) on the database port, or rotation will time out');
    }

    applySecretAccessPolicy(this, secret, key, props.allowedCrossAccountRoleArns ?? [], props.administratorArns);
  }

  /** Grant read access (GetSecretValue, DescribeSecret and kms:Decrypt via Secrets Manager) to the current version. */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return grantSecretRead(this, grantee, this.secret, this.encryptionKey);
  }
}

const DEFAULT_EXCLUDE_CHARACTERS = " %+~`#$&*()|[]{}:;<>?!'/@\"\\";

function requireText(scope: Construct, prop: string, value: string | undefined): void {
  if (value === undefined || (!Token.isUnresolved(value) && value.trim() === '')) {
    throw new Error(`${scope.node.path}: ${prop} is required and must not be empty, got ${JSON.stringify(value)}`);
  }
}

function hostedRotationFor(
  engine: DatabaseEngine,
  strategy: DatabaseRotationStrategy,
  options: secretsmanager.SingleUserHostedRotationOptions,
): secretsmanager.HostedRotation {
  const H = secretsmanager.HostedRotation;
  const multi = strategy.masterSecret !== undefined ? { ...options, masterSecret: strategy.masterSecret } : undefined;
  switch (engine) {
    case DatabaseEngine.MYSQL: return multi ? H.mysqlMultiUser(multi) : H.mysqlSingleUser(options);
    case DatabaseEngine.POSTGRESQL: return multi ? H.postgreSqlMultiUser(multi) : H.postgreSqlSingleUser(options);
    case DatabaseEngine.ORACLE: return multi ? H.oracleMultiUser(multi) : H.oracleSingleUser(options);
    case DatabaseEngine.MARIADB: return multi ? H.mariaDbMultiUser(multi) : H.mariaDbSingleUser(options);
    case DatabaseEngine.SQLSERVER: return multi ? H.sqlServerMultiUser(multi) : H.sqlServerSingleUser(options);
    case DatabaseEngine.REDSHIFT: return multi ? H.redshiftMultiUser(multi) : H.redshiftSingleUser(options);
    case DatabaseEngine.MONGODB: return multi ? H.mongoDbMultiUser(multi) : H.mongoDbSingleUser(options);
    default: throw new Error(`unknown database engine ${engine.secretEngine}`);
  }
}
