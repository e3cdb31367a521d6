/**
 * The MySQL / MariaDB statements of the rotation (recorded), the grants a clone gets, and the
 * driver's TLS behaviour against a server that offers none (mysql2's own server implementation).
 */
import * as net from 'net';
import * as mysql from 'mysql2';
import { cloneGrants, mysqlConnectionOptions, mysqlConnector, mysqlSession } from '../lambda-src/db-rotation/mysql';

function recorder(results: Record<string, unknown[]> = {}) {
  const statements: string[] = [];
  const db = {
    query: async (sql: string): Promise<[any, unknown]> => {
      statements.push(sql);
      const key = Object.keys(results).find((k) => sql.startsWith(k));
      return [key === undefined ? [] : results[key], undefined];
    },
  };
  return { db, statements };
}

test('single user: the logged-in user changes its own password', async () => {
  const { db, statements } = recorder();
  await mysqlSession(db, async () => undefined).setOwnPassword('new-Password_2.x');
  expect(statements).toEqual(["ALTER USER CURRENT_USER() IDENTIFIED BY 'new-Password_2.x'"]);
});

test('multi user: a missing clone is created with the original user\'s grants (no GRANT OPTION, no USAGE line)', async () => {
  const { db, statements } = recorder({
    'SELECT User FROM mysql.user': [],
    'SHOW GRANTS FOR': [
      { 'Grants for ledger_app@%': 'GRANT USAGE ON *.* TO `ledger_app`@`%`' },
      { 'Grants for ledger_app@%': 'GRANT SELECT, INSERT ON `ledger`.* TO `ledger_app`@`%`' },
      { 'Grants for ledger_app@%': 'GRANT UPDATE ON `ledger`.`entries` TO `ledger_app`@`%` WITH GRANT OPTION' },
    ],
  });
  await mysqlSession(db, async () => undefined).upsertUser('ledger_app_clone', 'clone-Password-1', 'ledger_app');
  expect(statements).toEqual([
    "SELECT User FROM mysql.user WHERE User = 'ledger_app_clone'",
    "CREATE USER 'ledger_app_clone'@'%' IDENTIFIED BY 'clone-Password-1'",
    "SHOW GRANTS FOR 'ledger_app'@'%'",
    "GRANT SELECT, INSERT ON `ledger`.* TO 'ledger_app_clone'@'%'",
    "GRANT UPDATE ON `ledger`.`entries` TO 'ledger_app_clone'@'%'",
  ]);
});

test('multi user: an existing user only gets its new password', async () => {
  const { db, statements } = recorder({ 'SELECT User FROM mysql.user': [{ User: 'ledger_app' }] });
  await mysqlSession(db, async () => undefined).upsertUser('ledger_app', 'base-Password-2', 'ledger_app');
  expect(statements).toEqual([
    "SELECT User FROM mysql.user WHERE User = 'ledger_app'",
    "ALTER USER 'ledger_app'@'%' IDENTIFIED BY 'base-Password-2'",
  ]);
});

test('values are escaped: a crafted user name stays one string literal', async () => {
  const { db, statements } = recorder({ 'SELECT User FROM mysql.user': [{ User: 'x' }] });
  await mysqlSession(db, async () => undefined).upsertUser("x'; DROP DATABASE ledger; --", 'p', 'ledger_app');
  expect(statements[1]).toBe("ALTER USER 'x\\'; DROP DATABASE ledger; --'@'%' IDENTIFIED BY 'p'");
});

test('cloneGrants keeps role grants and skips lines that are not grants', () => {
  expect(cloneGrants([
    { g: 'GRANT `app_reader`@`%` TO `ledger_app`@`%`' },
    { g: 'REVOKE INSERT ON `ledger`.* FROM `ledger_app`@`%`' },
    { g: 'GRANT PROXY ON ``@`` TO `ledger_app`@`%`' },
  ])).toEqual(['GRANT `app_reader`@`%`', 'GRANT PROXY ON ``@``']);
});

test('the driver always requires TLS and verifies the server certificate', () => {
  const options = mysqlConnectionOptions({ engine: 'mysql', host: 'db.example.com', port: 3306, username: 'u', password: 'p', dbname: 'ledger' });
  expect(options.ssl).toEqual({ rejectUnauthorized: true });
  expect(options).toMatchObject({ host: 'db.example.com', port: 3306, database: 'ledger' });
});

test('attack: a server (or a man in the middle) that offers no TLS never receives the password', async () => {
  let authenticated = false;
  const server = mysql.createServer((conn: any) => {
    conn.serverHandshake({
      protocolVersion: 10, serverVersion: '8.0.36', connectionId: 1, statusFlags: 2, characterSet: 8,
      capabilityFlags: 0xffffff & ~0x800, // everything but CLIENT_SSL
      authCallback: (_params: unknown, cb: (err: unknown) => void) => { authenticated = true; cb(null); },
    });
    conn.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => (server as any).listen(0, '127.0.0.1', () => resolve()));
  const port = ((server as any)._server.address() as net.AddressInfo).port;
  try {
    await expect(mysqlConnector().connect({ engine: 'mysql', host: '127.0.0.1', port, username: 'ledger_app', password: 'secret-Password-9' }))
      .rejects.toThrow(/does not support secure connection/);
  } finally {
    (server as any).close();
  }
  expect(authenticated).toBe(false);
});
