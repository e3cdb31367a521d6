import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { RotatingSecretProps } from './common';
import { DatabaseEngine, DatabaseRotationStrategy } from './database-engine';

/** Properties of a RotatingDatabaseSecret. */
export interface RotatingDatabaseSecretProps extends RotatingSecretProps {
  /**
   * Engine of the database; selects the rotation and the default port. PostgreSQL, MySQL and
   * MariaDB: this package's rotation function (TLS required and verified); the other engines: the
   * Secrets Manager hosted rotation, whose role this construct cannot bound (a warning says so).
   */
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

  /** The VPC in which the rotation function runs: the one that can reach the database. */
  readonly vpc: ec2.IVpc;

  /**
   * Subnets of the rotation function. They need a route to Secrets Manager
   * (a NAT gateway or a `secretsmanager` interface VPC endpoint).
   *
   * @default - the VPC's default selection (private subnets)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups of the rotation function.
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
   * Name of the rotation function (1 to 64 letters, digits, '-', '_'). Name it under a prefix the
   * permissions boundary protects. Hosted rotation (engines other than PostgreSQL, MySQL, MariaDB):
   * with a name, the construct also creates the function's log group, `/aws/lambda/<name>`, before
   * the first rotation, so Lambda writes into it (encrypted, with a retention) instead of creating its own.
   *
   * @default - a generated name
   */
  readonly rotationFunctionName?: string;

  /**
   * Name of the rotation function's role (1 to 64 letters, digits, '+=,.@_-'). Not for the hosted
   * rotation (engines other than PostgreSQL, MySQL, MariaDB), whose role AWS names.
   *
   * @default - a generated name
   */
  readonly rotationRoleName?: string;

  /**
   * Name of the rotation function's log group. Not for the hosted rotation, whose log group is
   * `/aws/lambda/<rotationFunctionName>`.
   *
   * @default - `/aws/lambda/<rotationFunctionName>` with a function name, a generated name without
   */
  readonly rotationLogGroupName?: string;

  /**
   * Key that encrypts the rotation function's log group (its key policy must allow
   * `logs.<region>.amazonaws.com`, as the logs key of `@cdk-guardrails/kms-hierarchy` does).
   * The hosted rotation needs `rotationFunctionName` for it: its log group is named after the function.
   *
   * @default - CloudWatch Logs' own encryption
   */
  readonly logEncryptionKey?: kms.IKey;

  /**
   * Retention of the rotation function's log group. The hosted rotation needs `rotationFunctionName` for it.
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
