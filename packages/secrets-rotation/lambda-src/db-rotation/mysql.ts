/**
 * MySQL and MariaDB: the SQL of a rotation, and a connector through the `mysql2` driver (pure
 * JavaScript, bundled at build time) that always verifies the server's TLS certificate.
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

/** The rotation's statements on one MySQL or MariaDB connection. */
export function mysqlSession(db: MysqlQueryable, close: () => Promise<void>): DbSession {
  const user = (name: string) => `${escape(name)}@'%'`;
  return {
    async setOwnPassword(newPassword) {
      await db.query(`ALTER USER CURRENT_USER() IDENTIFIED BY ${escape(newPassword)}`);
    },
    async upsertUser(username, password, likeUsername) {
      const [existing] = await db.query(`SELECT User FROM mysql.user WHERE User = ${escape(username)}`);
      if ((existing as unknown[]).length === 0) {
        await db.query(`CREATE USER ${user(username)} IDENTIFIED BY ${escape(password)}`);
        // The clone gets the original user's grants, without GRANT OPTION (AWS's templates do the same).
        const [grants] = await db.query(`SHOW GRANTS FOR ${user(likeUsername)}`);
        for (const statement of cloneGrants(grants as Array<Record<string, string>>)) {
          await db.query(`${statement} TO ${user(username)}`);
        }
      } else {
        await db.query(`ALTER USER ${user(username)} IDENTIFIED BY ${escape(password)}`);
      }
    },
    async ping() {
      await db.query('SELECT 1');
    },
    close,
  };
}

/**
 * The grant statements of SHOW GRANTS, without their grantee: `GRANT SELECT ON `db`.* TO `u`@`%``
 * gives `GRANT SELECT ON `db`.*`. Lines that are not GRANTs (or grant nothing but USAGE) are skipped.
 */
export function cloneGrants(rows: Array<Record<string, string>>): string[] {
  const out: string[] = [];
  for (const row of rows) {
    const line = Object.values(row)[0];
    if (typeof line !== 'string' || !line.startsWith('GRANT ')) continue;
    const at = line.lastIndexOf(' TO ');
    if (at < 0) continue;
    const grant = line.slice(0, at);
    if (/^GRANT USAGE ON \*\.\*$/.test(grant)) continue;
    out.push(grant);
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
    ssl: { rejectUnauthorized: true },
    connectTimeout: 5000,
  };
}

export function mysqlConnector(): DbConnector {
  return {
    async connect(c) {
      let connection;
      try {
        connection = await createConnection(mysqlConnectionOptions(c));
      } catch (err) {
        if (AUTH_FAILURES.has((err as { errno?: number }).errno ?? 0)) return undefined;
        throw err;
      }
      return mysqlSession(connection as unknown as MysqlQueryable, () => connection.end());
    },
  };
}
