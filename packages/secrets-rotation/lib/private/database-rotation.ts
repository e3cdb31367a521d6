import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { DatabaseEngine, DatabaseRotationStrategy } from '../database-engine';

/**
 * Multi user: the function reads the superuser's secret. Its key may be one this construct does not
 * know (an RDS-managed master secret): decrypt through Secrets Manager, for that secret only.
 */
export function grantMasterSecretRead(scope: Construct, role: iam.IRole, master: secretsmanager.ISecret): void {
  master.grantRead(role);
  if (master.encryptionKey === undefined) {
    const stack = Stack.of(scope);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'DecryptMasterSecretThroughSecretsManager',
        actions: ['kms:Decrypt'],
        resources: [stack.formatArn({ service: 'kms', resource: 'key', resourceName: '*' })],
        conditions: {
          StringEquals: {
            'kms:ViaService': `secretsmanager.${stack.region}.amazonaws.com`,
            'kms:EncryptionContext:SecretARN': master.secretArn,
          },
        },
      }),
    );
  }
}

/** The Secrets Manager hosted rotation of an engine this package's function does not rotate. */
export function hostedRotationFor(
  engine: DatabaseEngine,
  strategy: DatabaseRotationStrategy,
  options: secretsmanager.SingleUserHostedRotationOptions,
): secretsmanager.HostedRotation {
  const H = secretsmanager.HostedRotation;
  const multi = strategy.masterSecret !== undefined ? { ...options, masterSecret: strategy.masterSecret } : undefined;
  switch (engine) {
    case DatabaseEngine.MYSQL:
      return multi ? H.mysqlMultiUser(multi) : H.mysqlSingleUser(options);
    case DatabaseEngine.POSTGRESQL:
      return multi ? H.postgreSqlMultiUser(multi) : H.postgreSqlSingleUser(options);
    case DatabaseEngine.ORACLE:
      return multi ? H.oracleMultiUser(multi) : H.oracleSingleUser(options);
    case DatabaseEngine.MARIADB:
      return multi ? H.mariaDbMultiUser(multi) : H.mariaDbSingleUser(options);
    case DatabaseEngine.SQLSERVER:
      return multi ? H.sqlServerMultiUser(multi) : H.sqlServerSingleUser(options);
    case DatabaseEngine.REDSHIFT:
      return multi ? H.redshiftMultiUser(multi) : H.redshiftSingleUser(options);
    case DatabaseEngine.MONGODB:
      return multi ? H.mongoDbMultiUser(multi) : H.mongoDbSingleUser(options);
    default:
      throw new Error(`unknown database engine ${engine.secretEngine}`);
  }
}
