/**
 * The four Secrets Manager rotation steps for database credentials (PostgreSQL, MySQL, MariaDB),
 * single user (the user changes its own password) or multi user (a superuser alternates between
 * `<user>` and `<user>_clone`), the behaviour of AWS's hosted rotation templates
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_available-rotation-templates.html)
 * in a function whose role, log group and code this package owns. Written against small
 * interfaces (Secrets Manager, the database) so tests drive it with in-memory fakes and a real
 * PostgreSQL; index.ts binds them to the AWS SDK and the pg / mysql2 drivers.
 *
 * Secret values are never logged. Every step is idempotent.
 */
import { isIP } from 'net';
import {
  AWSCURRENT,
  AWSPENDING,
  AWSPREVIOUS,
  runRotationStep,
  Logger,
  parseObject,
  requireCurrent,
  requirePending,
  RotationError,
  RotationEvent,
  SecretsManagerPort,
  SILENT,
} from '../shared/steps';

/** Engines this function rotates, as in the secret's `engine` field. */
export const DB_ENGINES = ['postgres', 'mysql', 'mariadb'] as const;
export type DbEngineName = (typeof DB_ENGINES)[number];

/** Longest user name, `_clone` included: PostgreSQL's NAMEDATALEN - 1, MySQL 5.7+ and MariaDB's 32 (MariaDB allows 80; 32 keeps both). */
export const MAX_USERNAME_LENGTH: Record<DbEngineName, number> = { postgres: 63, mysql: 32, mariadb: 32 };
export const CLONE_SUFFIX = '_clone';

/**
 * Characters never in a generated password, whatever the configuration: quotes and the backslash
 * would need escaping in the SQL that sets the password (it is escaped anyway; this is the second line).
 */
export const ALWAYS_EXCLUDED = '\'"\\';

/** What the function connects with: the fields of the secret JSON that matter. */
export interface DbCredentials {
  readonly engine: DbEngineName;
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  readonly dbname?: string;
}

/** An open connection, as one user. */
export interface DbSession {
  /** Single user: change the logged-in user's own password. */
  setOwnPassword(newPassword: string): Promise<void>;
  /**
   * Multi user, logged in as the superuser: create `username` if it does not exist (able to log in,
   * with the privileges of `likeUsername`), then set its password.
   */
  upsertUser(username: string, password: string, likeUsername: string): Promise<void>;
  /** A trivial query: proves the session works. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Opens sessions over TLS. */
export interface DbConnector {
  /**
   * Resolves to a session, or to undefined when the database refused these credentials (wrong
   * password, unknown user). Rejects on anything else (network, TLS, a server without TLS): a step
   * never falls back to an unverified or plain-text connection.
   */
  connect(credentials: DbCredentials): Promise<DbSession | undefined>;
}

export interface DbRotationSettings {
  readonly engine: DbEngineName;
  readonly passwordLength: number;
  /** Characters never in a generated password (ALWAYS_EXCLUDED are added). */
  readonly excludeCharacters: string;
  /** Multi user: the superuser's secret. The secret's `masterarn` field must name it. */
  readonly masterSecretArn?: string;
  /**
   * The user the function was deployed for: the secret's `username` must be it (multi user: it or
   * `<it>_clone`). A value naming another user (the superuser, say) is refused.
   */
  readonly username: string;
}

export interface DbRotationDependencies {
  readonly secrets: SecretsManagerPort;
  readonly database: DbConnector;
  readonly settings: DbRotationSettings;
  readonly logger?: Logger;
}

/** Entry point: the checks AWS's templates make, then the step. */
export async function rotateDatabaseSecret(event: RotationEvent, deps: DbRotationDependencies): Promise<void> {
  const log = deps.logger ?? SILENT;
  await runRotationStep(event, deps.secrets, log, {
    createSecret: (arn, token) => createSecret(arn, token, deps, log),
    setSecret: (arn, token) => setSecret(arn, token, deps, log),
    testSecret: (arn, token) => testSecret(arn, token, deps, log),
  });
}

/** A new password (and, multi user, the other user name) stored as AWSPENDING, unless it exists. */
async function createSecret(arn: string, token: string, deps: DbRotationDependencies, log: Logger): Promise<void> {
  const current = await requireCurrent(arn, deps.secrets);
  const fields = parseObject(current.secretString, arn, AWSCURRENT);
  const credentials = credentialsOf(fields, arn, AWSCURRENT, deps.settings);
  checkMasterArn(fields, arn, AWSCURRENT, deps.settings);
  checkDeployedUser(credentials.username, arn, AWSCURRENT, deps.settings);
  const pending = await deps.secrets.getSecretValue(arn, { versionId: token, versionStage: AWSPENDING });
  if (pending !== undefined) {
    log.info(`createSecret: AWSPENDING value already exists for version ${token}; nothing to do`);
    return;
  }
  const username = deps.settings.masterSecretArn === undefined ? credentials.username : alternateUsername(credentials.username);
  if (username.length > MAX_USERNAME_LENGTH[deps.settings.engine]) {
    throw new RotationError(
      `createSecret: user name '${username}' is longer than ${MAX_USERNAME_LENGTH[deps.settings.engine]} characters, the limit of ${deps.settings.engine}`,
    );
  }
  const exclude = uniqueCharacters(deps.settings.excludeCharacters + ALWAYS_EXCLUDED);
  const password = await deps.secrets.getRandomPassword(deps.settings.passwordLength, false, exclude);
  // The other fields (engine, host, port, dbname, masterarn, anything the user added) stay as they are.
  await deps.secrets.putSecretValue(arn, token, JSON.stringify({ ...fields, username, password }), [AWSPENDING]);
  log.info(`createSecret: stored a new AWSPENDING value for version ${token} (user ${username})`);
}

/** Make the database accept the pending credentials. */
async function setSecret(arn: string, token: string, deps: DbRotationDependencies, log: Logger): Promise<void> {
  const { current, pending } = await currentAndPending(arn, token, deps);
  const already = await deps.database.connect(pending);
  if (already !== undefined) {
    await already.close();
    log.info(`setSecret: the database already accepts version ${token}; nothing to do`);
    return;
  }
  if (deps.settings.masterSecretArn === undefined) {
    // Single user: log in as the user with its current password (or, after a rotation that failed
    // between setSecret and finishSecret, the previous one) and change it.
    let session = await deps.database.connect(current);
    if (session === undefined) {
      const previous = await previousCredentials(arn, deps, current);
      session = previous === undefined ? undefined : await deps.database.connect(previous);
    }
    if (session === undefined) {
      throw new RotationError(`setSecret: the database refused the previous, current and pending credentials of user ${current.username} (secret ${arn})`);
    }
    await withSession(session, (s) => s.setOwnPassword(pending.password));
    log.info(`setSecret: user ${pending.username} now has the password of version ${token}`);
    return;
  }
  const master = await masterCredentials(deps.settings.masterSecretArn, current, deps);
  const session = await deps.database.connect(master);
  if (session === undefined) {
    throw new RotationError(`setSecret: the database refused the superuser credentials of ${deps.settings.masterSecretArn}`);
  }
  await withSession(session, (s) => s.upsertUser(pending.username, pending.password, baseUsername(current.username)));
  log.info(`setSecret: user ${pending.username} now has the password of version ${token}`);
}

/** The pending credentials log in and run a query. */
async function testSecret(arn: string, token: string, deps: DbRotationDependencies, log: Logger): Promise<void> {
  const { pending } = await currentAndPending(arn, token, deps);
  const session = await deps.database.connect(pending);
  if (session === undefined) {
    throw new RotationError(`testSecret: the database refused the credentials of version ${token} (user ${pending.username})`);
  }
  await withSession(session, (s) => s.ping());
  log.info(`testSecret: version ${token} logs in`);
}

/**
 * The current and pending credentials, checked against each other: the pending value may change
 * the password (and, multi user, switch between the two user names) and nothing else. A pending
 * value that named another host would send a password there.
 */
async function currentAndPending(arn: string, token: string, deps: DbRotationDependencies): Promise<{ current: DbCredentials; pending: DbCredentials }> {
  const currentFields = parseObject((await requireCurrent(arn, deps.secrets)).secretString, arn, AWSCURRENT);
  const pendingFields = parseObject((await requirePending(arn, token, deps.secrets)).secretString, arn, AWSPENDING);
  const current = credentialsOf(currentFields, arn, AWSCURRENT, deps.settings);
  const pending = credentialsOf(pendingFields, arn, AWSPENDING, deps.settings);
  checkMasterArn(currentFields, arn, AWSCURRENT, deps.settings);
  checkMasterArn(pendingFields, arn, AWSPENDING, deps.settings);
  checkDeployedUser(current.username, arn, AWSCURRENT, deps.settings);
  checkDeployedUser(pending.username, arn, AWSPENDING, deps.settings);
  for (const field of ['host', 'port', 'dbname'] as const) {
    if (current[field] !== pending[field]) {
      throw new RotationError(`the AWSPENDING ${field} of secret ${arn} differs from the AWSCURRENT one: a rotation changes the password only`);
    }
  }
  const expected = deps.settings.masterSecretArn === undefined ? [current.username] : [current.username, alternateUsername(current.username)];
  if (!expected.includes(pending.username)) {
    throw new RotationError(`the AWSPENDING username of secret ${arn} is '${pending.username}'; expected ${expected.map((u) => `'${u}'`).join(' or ')}`);
  }
  return { current, pending };
}

async function previousCredentials(arn: string, deps: DbRotationDependencies, current: DbCredentials): Promise<DbCredentials | undefined> {
  const previous = await deps.secrets.getSecretValue(arn, { versionStage: AWSPREVIOUS });
  if (previous === undefined) return undefined;
  const fields = parseObject(previous.secretString, arn, AWSPREVIOUS);
  const credentials = credentialsOf(fields, arn, AWSPREVIOUS, deps.settings);
  // Only the same user on the same database: the previous value is not trusted to point elsewhere.
  if (credentials.username !== current.username || credentials.host !== current.host || credentials.port !== current.port) {
    return undefined;
  }
  return credentials;
}

/**
 * The superuser's credentials on the current value's database. A secret RDS manages
 * (ManageMasterUserPassword) holds only username and password; one that names a host must name
 * this one.
 */
async function masterCredentials(masterArn: string, current: DbCredentials, deps: DbRotationDependencies): Promise<DbCredentials> {
  const value = await deps.secrets.getSecretValue(masterArn, { versionStage: AWSCURRENT });
  if (value === undefined) {
    throw new RotationError(`setSecret: cannot read the superuser secret ${masterArn}`);
  }
  const fields = parseObject(value.secretString, masterArn, AWSCURRENT);
  if (typeof fields.username !== 'string' || fields.username === '' || typeof fields.password !== 'string' || fields.password === '') {
    throw new RotationError(`setSecret: the superuser secret ${masterArn} must hold a username and a password`);
  }
  if (fields.host !== undefined && fields.host !== current.host) {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- shows whatever the secret holds
    throw new RotationError(`setSecret: the superuser secret ${masterArn} names host '${String(fields.host)}', not '${current.host}'`);
  }
  return { ...current, username: fields.username, password: fields.password };
}

/** `<user>` <-> `<user>_clone`. */
export function alternateUsername(username: string): string {
  return username.endsWith(CLONE_SUFFIX) ? username.slice(0, -CLONE_SUFFIX.length) : `${username}${CLONE_SUFFIX}`;
}

function baseUsername(username: string): string {
  return username.endsWith(CLONE_SUFFIX) ? username.slice(0, -CLONE_SUFFIX.length) : username;
}

/** The credentials in a secret value; the error names the field and the stage, never the password. */
export function credentialsOf(fields: Record<string, unknown>, arn: string, stage: string, settings: DbRotationSettings): DbCredentials {
  const where = `the ${stage} value of secret ${arn}`;
  if (fields.engine !== settings.engine) {
    throw new RotationError(`${where}: engine: received ${JSON.stringify(fields.engine)}; expected '${settings.engine}', the engine this function rotates`);
  }
  for (const field of ['host', 'username', 'password'] as const) {
    if (typeof fields[field] !== 'string' || fields[field] === '') {
      throw new RotationError(`${where}: ${field}: expected a non-empty string`);
    }
  }
  if (isIP(fields.host as string) !== 0) {
    throw new RotationError(
      `${where}: host: received an IP address; expected the DNS name the database's TLS certificate carries (the Amazon RDS endpoint, not a CNAME or an address): the function verifies the certificate's name`,
    );
  }
  const username = fields.username as string;
  // eslint-disable-next-line no-control-regex -- control characters are what it rejects
  if (/['"\\`\u0000-\u001f]/.test(username)) {
    throw new RotationError(`${where}: username: received '${username}'; expected no quotes, backslashes, backticks or control characters`);
  }
  const port = typeof fields.port === 'string' ? Number(fields.port) : fields.port;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RotationError(`${where}: port: received ${JSON.stringify(fields.port)}; expected an integer from 1 to 65535`);
  }
  if (fields.dbname !== undefined && (typeof fields.dbname !== 'string' || fields.dbname === '')) {
    throw new RotationError(`${where}: dbname: expected a non-empty string when present`);
  }
  return {
    engine: settings.engine,
    host: fields.host as string,
    port,
    username,
    password: fields.password as string,
    dbname: fields.dbname,
  };
}

/** The secret's user must be the one the function was deployed for (multi user: or its clone). */
function checkDeployedUser(username: string, arn: string, stage: string, settings: DbRotationSettings): void {
  const allowed = settings.masterSecretArn === undefined ? [settings.username] : [settings.username, `${settings.username}${CLONE_SUFFIX}`];
  if (!allowed.includes(username)) {
    throw new RotationError(
      `the ${stage} value of secret ${arn}: username: received '${username}'; expected ${allowed.map((u) => `'${u}'`).join(' or ')}, the user this function rotates`,
    );
  }
}

/** Multi user: the secret's masterarn must be the one the function was deployed with; single user: none. */
function checkMasterArn(fields: Record<string, unknown>, arn: string, stage: string, settings: DbRotationSettings): void {
  const expected = settings.masterSecretArn;
  if (expected === undefined ? fields.masterarn !== undefined : fields.masterarn !== expected) {
    throw new RotationError(
      `the ${stage} value of secret ${arn}: masterarn: received ${JSON.stringify(fields.masterarn)}; expected ${expected === undefined ? 'none (single-user rotation)' : `'${expected}'`}`,
    );
  }
}

async function withSession(session: DbSession, work: (s: DbSession) => Promise<void>): Promise<void> {
  try {
    await work(session);
  } finally {
    await session.close();
  }
}

function uniqueCharacters(s: string): string {
  return [...new Set(s)].join('');
}
