/**
 * Rotation function of RotatingDatabaseSecret for PostgreSQL, MySQL and MariaDB.
 *
 * Environment:
 *   ENGINE              postgres | mysql | mariadb (the secret's engine field must match)
 *   PASSWORD_LENGTH     length of a generated password
 *   EXCLUDE_CHARACTERS  characters never in a generated password
 *   MASTER_SECRET_ARN   multi-user rotation: the superuser's secret (the secret's masterarn must name it)
 *   USERNAME            the user the construct was given: the secret's username must be it (multi
 *                       user: it or <it>_clone)
 *   NODE_EXTRA_CA_CERTS the runtime's CA bundle, which holds the Amazon RDS certificate authorities
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mysqlConnector } from './mysql';
import { postgresConnector } from './postgres';
import { CLONE_SUFFIX, DB_ENGINES, DbConnector, DbEngineName, DbRotationSettings, rotateDatabaseSecret } from './rotation';
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
  const username = env.USERNAME;
  if (!username) {
    throw new Error(`USERNAME: received '${env.USERNAME ?? ''}'; expected the database user the secret holds`);
  }
  if (masterSecretArn !== undefined && username.endsWith(CLONE_SUFFIX)) {
    throw new Error(
      `USERNAME: received '${username}'; expected a name not ending in ${CLONE_SUFFIX} for multi-user rotation (its clone would be '${username}${CLONE_SUFFIX}', and a rotation from it would change '${username.slice(0, -CLONE_SUFFIX.length)}')`,
    );
  }
  return { engine, passwordLength, excludeCharacters: env.EXCLUDE_CHARACTERS ?? '', masterSecretArn, username };
}

export function connectorFor(engine: DbEngineName): DbConnector {
  return engine === 'postgres' ? postgresConnector() : mysqlConnector(engine);
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
