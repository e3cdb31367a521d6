import { Annotations, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { FUNCTION_NAME, LOG_GROUP_NAME, ROLE_NAME, validateName } from './private/resource-names';
import { buildRotationFunction, handlerDir, restrictInvokePermissionToThisAccount } from './private/rotation-function';
import { validateRotationInterval } from './private/rotation-interval';
import { DatabaseEngine, DatabaseRotationStrategy } from './database-engine';
import { grantMasterSecretRead, hostedRotationFor } from './private/database-rotation';
import { applySecretAccessPolicy, grantSecretRead, requireCustomerManagedKey } from './private/secret-guardrails';
import { RotationLimits } from './rotation-limits';
import { RotatingDatabaseSecretProps } from './rotating-database-secret-props';
import { propError } from './private/errors';

/**
 * Credentials of an existing database in Secrets Manager: a generated password, encrypted with a
 * customer managed key, rotated (every 30 days by default) and protected by a resource policy that
 * denies principals outside the account. PostgreSQL, MySQL and MariaDB are rotated by this
 * package's function: its own role (a permissions boundary applied to the app reaches it; only it
 * and the administrators may write the secret's values), its own log group, TLS to the database
 * required and verified. Other engines use the Secrets Manager hosted rotation.
 */
export class RotatingDatabaseSecret extends Construct implements ec2.IConnectable {
  /** The secret. Its JSON holds engine, host, port, username, password (and dbname, masterarn). */
  public readonly secret: secretsmanager.ISecret;

  /** The customer managed key that encrypts the secret. */
  public readonly encryptionKey: kms.IKey;

  /** ARN of the secret. */
  public readonly secretArn: string;

  /** The hosted rotation (engines other than PostgreSQL, MySQL, MariaDB); undefined with this package's function. */
  public readonly hostedRotation?: secretsmanager.HostedRotation;

  /** This package's rotation function (PostgreSQL, MySQL, MariaDB); undefined with the hosted rotation. */
  public readonly rotationFunction?: lambda.IFunction;

  /** The role of this package's rotation function; undefined with the hosted rotation (AWS creates that role). */
  public readonly rotationRole?: iam.IRole;

  /** The rotation function's network: allow it to the database and to the Secrets Manager endpoint. */
  public readonly connections: ec2.Connections;

  /** The rotation schedule. */
  public readonly rotationSchedule: secretsmanager.RotationSchedule;

  /** Time between two rotations. */
  public readonly rotationInterval: Duration;

  /**
   * Log group of the rotation function: always with this package's function; with the hosted
   * rotation `/aws/lambda/<rotationFunctionName>`, created here so that it is encrypted, expires and
   * can be shipped (undefined without `rotationFunctionName`).
   */
  public readonly rotationLogGroup?: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: RotatingDatabaseSecretProps) {
    super(scope, id);

    const key = requireCustomerManagedKey(this, props.encryptionKey);
    if (props.engine === undefined) {
      throw propError(
        this,
        'engine',
        'undefined',
        'a DatabaseEngine (engine is required)',
        'Use one of DatabaseEngine.MYSQL, POSTGRESQL, ORACLE, MARIADB, SQLSERVER, REDSHIFT, MONGODB',
      );
    }
    requireText(this, 'host', props.host);
    requireText(this, 'username', props.username);
    if (props.vpc === undefined) {
      throw propError(this, 'vpc', 'undefined', 'the VPC that can reach the database (vpc is required): the rotation function must run in it');
    }
    const own = OWN_ROTATION_ENGINES.includes(props.engine);
    validateName(this.node.path, 'rotationFunctionName', props.rotationFunctionName, FUNCTION_NAME);
    validateName(this.node.path, 'rotationRoleName', props.rotationRoleName, ROLE_NAME);
    validateName(this.node.path, 'rotationLogGroupName', props.rotationLogGroupName, LOG_GROUP_NAME);
    if (!own) {
      if (props.rotationFunctionName === undefined && (props.logEncryptionKey !== undefined || props.logRetention !== undefined)) {
        throw new Error(
          `${this.node.path}: rotationFunctionName: received undefined; expected a function name when logEncryptionKey or logRetention is set, because the hosted function's log group is named after it (/aws/lambda/<rotationFunctionName>)`,
        );
      }
      for (const [prop, value] of [
        ['rotationRoleName', props.rotationRoleName],
        ['rotationLogGroupName', props.rotationLogGroupName],
      ] as const) {
        if (value !== undefined) {
          throw new Error(
            `${this.node.path}: ${prop}: received '${value}'; expected undefined for ${props.engine.secretEngine}: the Secrets Manager hosted rotation names its own role and log group (${prop} applies to PostgreSQL, MySQL and MariaDB)`,
          );
        }
      }
    }
    const port = props.port ?? props.engine.defaultPort;
    if (!Token.isUnresolved(port) && !(Number.isInteger(port) && port >= 1 && port <= 65535)) {
      throw propError(this, 'port', String(port), 'an integer from 1 to 65535');
    }
    this.rotationInterval = props.rotationInterval ?? Duration.days(RotationLimits.DEFAULT_DATABASE_DAYS);
    validateRotationInterval(this, 'rotationInterval', this.rotationInterval, props.maxRotationInterval);
    const strategy = props.rotationStrategy ?? DatabaseRotationStrategy.singleUser();
    if (own && strategy.isMultiUser && !Token.isUnresolved(props.username) && props.username.endsWith(CLONE_SUFFIX)) {
      throw new Error(
        `${this.node.path}: username: received '${props.username}'; expected a name not ending in ${CLONE_SUFFIX} for multi-user rotation: its clone would be '${props.username}${CLONE_SUFFIX}', and the rotation alternates with '${props.username.slice(0, -CLONE_SUFFIX.length)}', another user`,
      );
    }
    if (own && strategy.isMultiUser && !Token.isUnresolved(props.username)) {
      const limit = props.engine === DatabaseEngine.POSTGRESQL ? 63 : 32;
      if (props.username.length + CLONE_SUFFIX.length > limit) {
        throw new Error(
          `${this.node.path}: username: received '${props.username}' (${props.username.length} characters); expected at most ${limit - CLONE_SUFFIX.length} for multi-user rotation on ${props.engine.secretEngine}: its clone '${props.username}${CLONE_SUFFIX}' must fit ${props.engine.secretEngine}'s ${limit}-character limit`,
        );
      }
    }
    const excludeCharacters = props.excludeCharacters ?? DEFAULT_EXCLUDE_CHARACTERS;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

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
      description:
        props.description ??
        `Credentials of ${props.username} on a ${props.engine.secretEngine} database, rotated by ${own ? 'its own rotation function' : 'Secrets Manager'}`,
      encryptionKey: key,
      removalPolicy,
      generateSecretString: {
        secretStringTemplate: stack.toJsonString(template),
        generateStringKey: 'password',
        passwordLength: props.engine.passwordLength,
        // This package's function never generates quotes or backslashes either (its second line of
        // defence against escaping mistakes): the first value follows the same rule.
        excludeCharacters: own ? uniqueCharacters(excludeCharacters + ALWAYS_EXCLUDED) : excludeCharacters,
      },
    });
    this.secret = secret;
    this.encryptionKey = key;
    this.secretArn = secret.secretArn;

    // aws-cdk-lib's default security group for the hosted function allows all egress on every
    // protocol. Ours allows HTTPS out (Secrets Manager, directly or through a VPC endpoint) and, by
    // `database` below, the database port to the database only.
    const securityGroups = props.rotationSecurityGroups ?? [
      new ec2.SecurityGroup(this, 'RotationSecurityGroup', {
        vpc: props.vpc,
        description: 'Database secret rotation: HTTPS to Secrets Manager and the database port to the database only',
        allowAllOutbound: false,
      }),
    ];
    if (props.rotationSecurityGroups === undefined) {
      securityGroups[0].addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to Secrets Manager (its endpoint or a VPC endpoint)');
    }
    // Single user: the function logs in with the current password to change it, so an immediate
    // rotation of a freshly generated password (not yet set on the existing database) could only
    // fail. Multi user: the superuser sets it, so rotating at once replaces the generated value with
    // one the database already knows.
    const rotateImmediatelyOnUpdate = props.rotateImmediatelyOnUpdate ?? strategy.isMultiUser;

    let writerRoleArns: string[] | undefined;
    if (own) {
      const environment: Record<string, string> = {
        ENGINE: props.engine.secretEngine,
        PASSWORD_LENGTH: String(props.engine.passwordLength),
        EXCLUDE_CHARACTERS: excludeCharacters,
        // The one user this function rotates (multi user: and its clone): a value naming another is refused.
        USERNAME: props.username,
        // Lambda's Node.js runtimes ship the Amazon RDS certificate authorities in this bundle but,
        // from Node.js 20, do not load it unless told to: the function verifies the database's certificate.
        NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem',
      };
      if (strategy.masterSecret !== undefined) {
        environment.MASTER_SECRET_ARN = strategy.masterSecret.secretArn;
      }
      const parts = buildRotationFunction(this, {
        handlerDir: handlerDir('db-rotation'),
        description: `Rotates the ${props.engine.secretEngine} credentials in ${secret.node.path}`,
        roleDescription: `Rotates one ${props.engine.secretEngine} database secret`,
        functionName: props.rotationFunctionName,
        roleName: props.rotationRoleName,
        logGroupName: props.rotationLogGroupName ?? (props.rotationFunctionName === undefined ? undefined : `/aws/lambda/${props.rotationFunctionName}`),
        logEncryptionKey: props.logEncryptionKey,
        logRetention: props.logRetention,
        removalPolicy,
        vpc: props.vpc,
        vpcSubnets: props.vpcSubnets,
        securityGroups,
        environment,
        // Secrets Manager runs one rotation of a secret at a time.
        reservedConcurrentExecutions: 1,
        secretKey: key,
      });
      if (strategy.masterSecret !== undefined) {
        grantMasterSecretRead(this, parts.role, strategy.masterSecret);
      }
      // RotationSchedule grants the function, on this secret only: DescribeSecret, GetSecretValue,
      // PutSecretValue, UpdateSecretVersionStage, and GetRandomPassword on '*' (no resource).
      this.rotationSchedule = secret.addRotationSchedule('RotationSchedule', {
        rotationLambda: parts.rotationFunction,
        automaticallyAfter: this.rotationInterval,
        rotateImmediatelyOnUpdate,
      });
      restrictInvokePermissionToThisAccount(parts.rotationFunction);
      this.rotationFunction = parts.rotationFunction;
      this.rotationRole = parts.role;
      this.rotationLogGroup = parts.logGroup;
      this.connections = parts.rotationFunction.connections;
      writerRoleArns = [parts.role.roleArn];
    } else {
      const hostedRotation = hostedRotationFor(props.engine, strategy, {
        vpc: props.vpc,
        vpcSubnets: props.vpcSubnets,
        securityGroups,
        functionName: props.rotationFunctionName,
      });
      this.hostedRotation = hostedRotation;
      this.rotationSchedule = secret.addRotationSchedule('RotationSchedule', {
        hostedRotation,
        automaticallyAfter: this.rotationInterval,
        rotateImmediatelyOnUpdate,
      });
      // Bound to the secret by addRotationSchedule: its connections exist from here on.
      this.connections = hostedRotation.connections;
      Annotations.of(this).addWarningV2(
        '@cdk-guardrails/secrets-rotation:hostedRotationRole',
        `The Secrets Manager hosted rotation of ${props.engine.secretEngine} creates its own role, with no permissions boundary and a name nobody chooses: a boundary applied to the app does not reach it, and the secret's policy cannot name it as the one writer of its values. PostgreSQL, MySQL and MariaDB are rotated by this package's own function instead.`,
      );
      if (props.rotationFunctionName !== undefined) {
        // Lambda writes to /aws/lambda/<function name> and creates it only if it does not exist: a
        // log group created here first is the one the hosted function uses. The schedule (which
        // starts the first rotation) waits for it.
        const rotationLogGroup = new logs.LogGroup(this, 'RotationFunctionLogs', {
          logGroupName: `/aws/lambda/${props.rotationFunctionName}`,
          retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
          encryptionKey: props.logEncryptionKey,
          removalPolicy,
        });
        this.rotationSchedule.node.addDependency(rotationLogGroup);
        this.rotationLogGroup = rotationLogGroup;
      } else {
        Annotations.of(this).addWarningV2(
          '@cdk-guardrails/secrets-rotation:hostedRotationLogGroup',
          "No rotationFunctionName: Lambda creates the hosted rotation function's log group on the first rotation, unencrypted by your key and kept forever. Set rotationFunctionName so that the construct creates it (logEncryptionKey, logRetention).",
        );
      }
    }
    if (!strategy.isMultiUser) {
      Annotations.of(this).addInfo(
        `Single-user rotation: set the password of '${props.username}' on the database to the generated value in the secret before the first rotation`,
      );
    }

    if (props.database !== undefined) {
      props.database.connections.allowFrom(this.connections, ec2.Port.tcp(port), 'Rotation of the database credentials');
    } else {
      Annotations.of(this).addWarningV2(
        '@cdk-guardrails/secrets-rotation:databaseIngress',
        "No database given: allow the rotation function's security group (connections) on the database port, or rotation will time out",
      );
    }

    // With this package's function, only its role (and the administrators) may write a value or move a
    // label. The hosted rotation's role has a name nobody chooses: no such statement (undefined).
    applySecretAccessPolicy(this, secret, key, props.allowedCrossAccountRoleArns ?? [], props.administratorArns, writerRoleArns);
  }
  /** Grant read access (GetSecretValue, DescribeSecret and kms:Decrypt via Secrets Manager) to the current version. */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return grantSecretRead(this, grantee, this.secret, this.encryptionKey);
  }
}

const DEFAULT_EXCLUDE_CHARACTERS = ' %+~`#$&*()|[]{}:;<>?!\'/@"\\';

/** Engines this package's rotation function rotates (lambda-src/db-rotation). */
const OWN_ROTATION_ENGINES: DatabaseEngine[] = [DatabaseEngine.POSTGRESQL, DatabaseEngine.MYSQL, DatabaseEngine.MARIADB];

/** The clone of multi-user rotation: `<username>_clone` (as AWS's templates). */
const CLONE_SUFFIX = '_clone';

/** Never in a password this package's function generates (lambda-src/db-rotation ALWAYS_EXCLUDED). */
const ALWAYS_EXCLUDED = '\'"\\';

function uniqueCharacters(s: string): string {
  return [...new Set(s)].join('');
}

function requireText(scope: Construct, prop: string, value: string | undefined): void {
  if (value === undefined || (!Token.isUnresolved(value) && value.trim() === '')) {
    throw propError(scope, prop, String(JSON.stringify(value)), 'a non-empty string (required)');
  }
}
