/**
 * PostgreSQL: the SQL of a rotation, and a connector through the `pg` driver (pure JavaScript,
 * bundled at build time) that always verifies the server's TLS certificate.
 *
 * Passwords are sent as SCRAM-SHA-256 verifiers, never in clear text: a database that logs DDL
 * (log_statement = 'ddl', pgaudit) logs the verifier, from which the password cannot be recovered.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'crypto';
import { Client, ClientConfig, escapeIdentifier, escapeLiteral } from 'pg';
import { DbConnector, DbCredentials, DbSession } from './rotation';

/** What the SQL needs of a connection: `pg.Client` and PGlite both have it. */
export interface PgQueryable {
  query(text: string, params?: unknown[]): Promise<{ rows: any[] }>;
}

/** PostgreSQL's SCRAM iteration count (scram_iterations' default). */
export const SCRAM_ITERATIONS = 4096;

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for `password` (RFC 5802, RFC 7677; the format of
 * pg_authid.rolpassword). The password must be printable ASCII: SASLprep leaves it unchanged.
 */
export function scramSha256Verifier(password: string, salt: Buffer = randomBytes(16), iterations = SCRAM_ITERATIONS): string {
  if (!/^[\x21-\x7e]+$/.test(password)) {
    throw new Error('the password must be printable ASCII without spaces to be hashed for PostgreSQL');
  }
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/** The rotation's statements on one PostgreSQL connection. */
export function postgresSession(db: PgQueryable, close: () => Promise<void>): DbSession {
  return {
    async setOwnPassword(newPassword) {
      // A role may change its own password (no CREATEROLE needed); CURRENT_USER needs no identifier.
      await db.query(`ALTER ROLE CURRENT_USER WITH PASSWORD ${escapeLiteral(scramSha256Verifier(newPassword))}`);
    },
    async upsertUser(username, password, likeUsername) {
      const verifier = escapeLiteral(scramSha256Verifier(password));
      // One transaction, and the membership re-asserted at every rotation: a rotation interrupted
      // between CREATE ROLE and GRANT must not leave a clone that logs in without the privileges.
      await db.query('BEGIN');
      try {
        const exists = await db.query('SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1', [username]);
        await db.query(`${exists.rows.length === 0 ? 'CREATE' : 'ALTER'} ROLE ${escapeIdentifier(username)} WITH LOGIN PASSWORD ${verifier}`);
        // The clone is a member of the original user: it has exactly its privileges (and any granted later).
        if (username !== likeUsername) await db.query(`GRANT ${escapeIdentifier(likeUsername)} TO ${escapeIdentifier(username)}`);
        await db.query('COMMIT');
      } catch (err) {
        await db.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    },
    async ping() {
      await db.query('SELECT 1');
    },
    close,
  };
}

/** SQLSTATE of a refused login: invalid_password, invalid_authorization_specification. */
const AUTH_FAILURES = new Set(['28P01', '28000']);

/** The pg client options: TLS required and verified against the runtime's CA bundle (NODE_EXTRA_CA_CERTS). */
export function postgresClientConfig(c: DbCredentials): ClientConfig {
  return {
    host: c.host,
    port: c.port,
    user: c.username,
    password: c.password,
    database: c.dbname ?? 'postgres',
    ssl: { rejectUnauthorized: true, servername: c.host },
    connectionTimeoutMillis: 5000,
    statement_timeout: 10000,
    application_name: 'cdk-guardrails-rotation',
  };
}

export function postgresConnector(): DbConnector {
  return {
    async connect(c) {
      const client = new Client(postgresClientConfig(c));
      try {
        await client.connect();
      } catch (err) {
        await client.end().catch(() => undefined);
        if (AUTH_FAILURES.has((err as { code?: string }).code ?? '')) return undefined;
        throw err;
      }
      return postgresSession(client, () => client.end());
    },
  };
}
