/**
 * Rotation function of RotatingDatabaseSecret for PostgreSQL, MySQL and MariaDB.
 *
 * Environment:
 *   ENGINE              postgres | mysql | mariadb (the secret's engine field must match)
 *   PASSWORD_LENGTH     length of a generated password
 *   EXCLUDE_CHARACTERS  characters never in a generated password
 *   MASTER_SECRET_ARN   multi-user rotation: the superuser's secret (the secret's masterarn must name it)
 *   NODE_EXTRA_CA_CERTS the runtime's CA bundle, which holds the Amazon RDS certificate authorities
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mysqlConnector } from './mysql';
import { postgresConnector } from './postgres';
import { DB_ENGINES, DbConnector, DbEngineName, DbRotationSettings, rotateDatabaseSecret } from './rotation';
import { secretsManagerPort } from '../shared/sdk';
import { RotationEvent } from '../shared/steps';

/** Reads the function's settings; fails fast on a broken deployment. */
export function dbSettingsFromEnv(env: Record<string, string | undefined>): DbRotationSettings {
  const engine = env.ENGINE as DbEngineName;
  if (!(DB_ENGINES as readonly string[]).includes(engine)) {
    throw new Error(`ENGINE: received '${env.ENGINE}'; expected one of ${DB_ENGINES.join(', ')}`);
  }
  const passwordLength = Number(env.PASSWORD_LENGTH);
  if (!Number.isInteger(passwordLength) || passwordLength < 8 || passwordLength > 4096) {
    throw new Error(`PASSWORD_LENGTH: received '${env.PASSWORD_LENGTH}'; expected an integer from 8 to 4096`);
  }
  const masterSecretArn = env.MASTER_SECRET_ARN === undefined || env.MASTER_SECRET_ARN === '' ? undefined : env.MASTER_SECRET_ARN;
  return { engine, passwordLength, excludeCharacters: env.EXCLUDE_CHARACTERS ?? '', masterSecretArn };
}

export function connectorFor(engine: DbEngineName): DbConnector {
  return engine === 'postgres' ? postgresConnector() : mysqlConnector();
}

const secretsClient = new SecretsManagerClient({});

export async function handler(event: RotationEvent): Promise<void> {
  const settings = dbSettingsFromEnv(process.env);
  await rotateDatabaseSecret(event, {
    secrets: secretsManagerPort(secretsClient),
    database: connectorFor(settings.engine),
    settings,
    logger: { info: (message) => console.log(JSON.stringify({ step: event.Step, secretId: event.SecretId, message })) },
  });
}
