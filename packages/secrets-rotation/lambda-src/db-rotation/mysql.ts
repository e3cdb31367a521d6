/**
 * MySQL and MariaDB: the SQL of a rotation, and a connector through the `mysql2` driver (pure
 * JavaScript, bundled at build time) that always verifies the server's TLS certificate and its name.
 * MySQL rewrites ALTER USER / CREATE USER ... IDENTIFIED BY in its general and binary logs, so the
 * password is not logged in clear text.
 *
 * Users are `'<name>'@'%'` (the host part of AWS's templates); MySQL 5.7+ or MariaDB 10.2+.
 */
import { createConnection, ConnectionOptions, escape } from 'mysql2/promise';
import { DbConnector, DbCredentials, DbSession } from './rotation';

/** What the SQL needs of a connection: `query(sql)` resolving to `[rows, fields]`, as mysql2's promise API does. */
export interface MysqlQueryable {
  query(sql: string): Promise<[any, unknown]>;
}

/**
 * The rotation's statements on one MySQL or MariaDB connection. Every statement's error is rethrown
 * without its SQL (mysql2 attaches the statement, password included, to the error it throws, and the
 * Lambda runtime logs every property of an error) and with the password masked in its message.
 */
export function mysqlSession(db: MysqlQueryable, close: () => Promise<void>, engine: 'mysql' | 'mariadb' = 'mysql'): DbSession {
  const user = (name: string) => `${escape(name)}@'%'`;
  return {
    async setOwnPassword(newPassword) {
      // MariaDB: ALTER USER needs the global CREATE USER privilege even for oneself; SET PASSWORD
      // does not (AWS's MariaDB template uses it too). MySQL 8 removed PASSWORD().
      const sql = engine === 'mariadb' ? `SET PASSWORD = PASSWORD(${escape(newPassword)})` : `ALTER USER CURRENT_USER() IDENTIFIED BY ${escape(newPassword)}`;
      await run(db, sql, [newPassword]);
    },
    async upsertUser(username, password, likeUsername) {
      const existing = await run(db, `SELECT User FROM mysql.user WHERE User = ${escape(username)}`, []);
      if ((existing as unknown[]).length === 0) {
        await run(db, `CREATE USER ${user(username)} IDENTIFIED BY ${escape(password)}`, [password]);
      } else {
        await run(db, `ALTER USER ${user(username)} IDENTIFIED BY ${escape(password)}`, [password]);
      }
      if (username === likeUsername) return;
      // At every rotation, not only when the clone is created: a rotation interrupted after CREATE
      // USER, or grants given to the original user since, would leave the clone with less. The
      // clone gets the original's grants and partial revokes, without GRANT OPTION (as AWS's templates).
      const grants = await run(db, `SHOW GRANTS FOR ${user(likeUsername)}`, []);
      for (const statement of cloneGrantStatements(grants as Array<Record<string, string>>, user(username))) {
        await run(db, statement, []);
      }
    },
    async ping() {
      await run(db, 'SELECT 1', []);
    },
    close,
  };
}

async function run(db: MysqlQueryable, sql: string, secrets: string[]): Promise<unknown> {
  try {
    const [rows] = await db.query(sql);
    return rows;
  } catch (err) {
    throw sanitizedError(err, secrets);
  }
}

/** An error with the driver's code and a message without the given secrets; nothing else (no `sql`). */
export function sanitizedError(err: unknown, secrets: string[]): Error {
  const e = err as { code?: string; errno?: number; message?: string };
  let message = String(e?.message ?? err);
  for (const secret of secrets) if (secret !== '') message = message.split(secret).join('***');
  return Object.assign(new Error(`${e?.code ?? 'error'}${e?.errno !== undefined ? ` (errno ${e.errno})` : ''}: ${message}`), {
    code: e?.code,
    errno: e?.errno,
  });
}

/**
 * The statements that give `target` what SHOW GRANTS lists for the original user: each GRANT (the
 * grantee replaced, GRANT OPTION dropped), each partial REVOKE, MariaDB's SET DEFAULT ROLE. Lines
 * that grant nothing but USAGE are skipped.
 */
export function cloneGrantStatements(rows: Array<Record<string, string>>, target: string): string[] {
  const out: string[] = [];
  for (const row of rows) {
    const line = Object.values(row)[0];
    if (typeof line !== 'string') continue;
    const [verb, joiner] = line.startsWith('GRANT ')
      ? ['GRANT', ' TO ']
      : line.startsWith('REVOKE ')
        ? ['REVOKE', ' FROM ']
        : line.startsWith('SET DEFAULT ROLE ')
          ? ['SET', ' FOR ']
          : [undefined, undefined];
    if (verb === undefined || joiner === undefined) continue;
    const at = line.lastIndexOf(joiner);
    if (at < 0) continue;
    const head = line.slice(0, at);
    if (/^GRANT USAGE ON \*\.\*$/.test(head)) continue;
    out.push(`${head}${joiner}${target}`);
  }
  return out;
}

/** ER_ACCESS_DENIED_ERROR, and MySQL 8's ER_ACCESS_DENIED_NO_PASSWORD_ERROR. */
const AUTH_FAILURES = new Set([1045, 1698]);

/** The mysql2 options: TLS required and verified against the runtime's CA bundle (NODE_EXTRA_CA_CERTS). */
export function mysqlConnectionOptions(c: DbCredentials): ConnectionOptions {
  return {
    host: c.host,
    port: c.port,
    user: c.username,
    password: c.password,
    database: c.dbname,
    // verifyIdentity: mysql2 checks the certificate's names against the host only with it (a
    // certificate any trusted CA issued for another name would otherwise be accepted).
    ssl: { rejectUnauthorized: true, verifyIdentity: true },
    connectTimeout: 5000,
  };
}

export function mysqlConnector(engine: 'mysql' | 'mariadb' = 'mysql'): DbConnector {
  return {
    async connect(c) {
      let connection;
      try {
        connection = await createConnection(mysqlConnectionOptions(c));
      } catch (err) {
        if (AUTH_FAILURES.has((err as { errno?: number }).errno ?? 0)) return undefined;
        throw sanitizedError(err, [c.password]);
      }
      return mysqlSession(connection, () => connection.end(), engine);
    },
  };
}
