/**
 * The MySQL / MariaDB statements of the rotation (recorded), the grants a clone gets, and the
 * driver's TLS behaviour against a server that offers none (mysql2's own server implementation).
 */
import * as net from 'net';
import * as mysql from 'mysql2';
import { createConnection } from 'mysql2/promise';
import * as fs from 'fs';
import * as path from 'path';
import * as tls from 'tls';
import { cloneGrantStatements, mysqlConnectionOptions, mysqlConnector, mysqlSession } from '../lambda-src/db-rotation/mysql';

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

test('single user: the logged-in user changes its own password (MariaDB: SET PASSWORD, which needs no CREATE USER privilege)', async () => {
  const mysqlDb = recorder();
  await mysqlSession(mysqlDb.db, async () => undefined, 'mysql').setOwnPassword('new-Password_2.x');
  expect(mysqlDb.statements).toEqual(["ALTER USER CURRENT_USER() IDENTIFIED BY 'new-Password_2.x'"]);
  const mariaDb = recorder();
  await mysqlSession(mariaDb.db, async () => undefined, 'mariadb').setOwnPassword('new-Password_2.x');
  expect(mariaDb.statements).toEqual(["SET PASSWORD = PASSWORD('new-Password_2.x')"]);
});

test('attack: a failed statement never carries the password into the logs (mysql2 attaches the SQL to its errors; the runtime logs every property)', async () => {
  const failing = {
    query: async (sql: string): Promise<[any, unknown]> => {
      throw Object.assign(new Error('The MySQL server is running with the --read-only option so it cannot execute this statement'), {
        code: 'ER_OPTION_PREVENTS_STATEMENT',
        errno: 1290,
        sql,
        sqlMessage: `near '${sql.slice(-20)}'`,
      });
    },
  };
  const err = await mysqlSession(failing, async () => undefined)
    .setOwnPassword('NEW-Pending-Password-4f9Q')
    .then(
      () => undefined,
      (e) => e,
    );
  expect(err).toBeInstanceOf(Error);
  expect(err.message).toMatch(/^ER_OPTION_PREVENTS_STATEMENT \(errno 1290\): The MySQL server is running with the --read-only option/);
  expect(JSON.stringify({ ...err, message: err.message, stack: err.stack })).not.toContain('NEW-Pending-Password-4f9Q');
  expect(err.sql).toBeUndefined();
  const echoing = {
    query: async (sql: string): Promise<[any, unknown]> => {
      throw new Error(`You have an error near '${sql}'`);
    },
  };
  const echoed = await mysqlSession(echoing, async () => undefined)
    .setOwnPassword('NEW-Pending-Password-4f9Q')
    .then(
      () => undefined,
      (e) => e,
    );
  expect(echoed.message).toContain('***');
  expect(echoed.message).not.toContain('NEW-Pending-Password-4f9Q');
});

test("multi user: a missing clone is created with the original user's grants and partial revokes (no GRANT OPTION, no USAGE line)", async () => {
  const { db, statements } = recorder({
    'SELECT User FROM mysql.user': [],
    'SHOW GRANTS FOR': [
      { 'Grants for ledger_app@%': 'GRANT USAGE ON *.* TO `ledger_app`@`%`' },
      { 'Grants for ledger_app@%': 'GRANT SELECT, INSERT ON `ledger`.* TO `ledger_app`@`%`' },
      { 'Grants for ledger_app@%': 'GRANT UPDATE ON `ledger`.`entries` TO `ledger_app`@`%` WITH GRANT OPTION' },
      { 'Grants for ledger_app@%': 'REVOKE INSERT ON `ledger`.`audit` FROM `ledger_app`@`%`' },
    ],
  });
  await mysqlSession(db, async () => undefined).upsertUser('ledger_app_clone', 'clone-Password-1', 'ledger_app');
  expect(statements).toEqual([
    "SELECT User FROM mysql.user WHERE User = 'ledger_app_clone'",
    "CREATE USER 'ledger_app_clone'@'%' IDENTIFIED BY 'clone-Password-1'",
    "SHOW GRANTS FOR 'ledger_app'@'%'",
    "GRANT SELECT, INSERT ON `ledger`.* TO 'ledger_app_clone'@'%'",
    "GRANT UPDATE ON `ledger`.`entries` TO 'ledger_app_clone'@'%'",
    "REVOKE INSERT ON `ledger`.`audit` FROM 'ledger_app_clone'@'%'",
  ]);
});

test('multi user: the original user only gets its new password; an existing clone gets its password and the grants again (an interrupted rotation, grants added since)', async () => {
  const base = recorder({ 'SELECT User FROM mysql.user': [{ User: 'ledger_app' }] });
  await mysqlSession(base.db, async () => undefined).upsertUser('ledger_app', 'base-Password-2', 'ledger_app');
  expect(base.statements).toEqual(["SELECT User FROM mysql.user WHERE User = 'ledger_app'", "ALTER USER 'ledger_app'@'%' IDENTIFIED BY 'base-Password-2'"]);
  const clone = recorder({
    'SELECT User FROM mysql.user': [{ User: 'ledger_app_clone' }],
    'SHOW GRANTS FOR': [{ g: 'GRANT SELECT ON `ledger`.* TO `ledger_app`@`%`' }],
  });
  await mysqlSession(clone.db, async () => undefined).upsertUser('ledger_app_clone', 'clone-Password-2', 'ledger_app');
  expect(clone.statements).toEqual([
    "SELECT User FROM mysql.user WHERE User = 'ledger_app_clone'",
    "ALTER USER 'ledger_app_clone'@'%' IDENTIFIED BY 'clone-Password-2'",
    "SHOW GRANTS FOR 'ledger_app'@'%'",
    "GRANT SELECT ON `ledger`.* TO 'ledger_app_clone'@'%'",
  ]);
});

test('values are escaped: a crafted user name stays one string literal', async () => {
  const { db, statements } = recorder({ 'SELECT User FROM mysql.user': [{ User: 'x' }] });
  await mysqlSession(db, async () => undefined).upsertUser("x'; DROP DATABASE ledger; --", 'p', 'ledger_app');
  expect(statements[1]).toBe("ALTER USER 'x\\'; DROP DATABASE ledger; --'@'%' IDENTIFIED BY 'p'");
});

test('cloneGrantStatements keeps role grants, partial revokes and MariaDB default roles, and skips anything else', () => {
  expect(
    cloneGrantStatements(
      [
        { g: 'GRANT `app_reader`@`%` TO `ledger_app`@`%`' },
        { g: 'REVOKE INSERT ON `ledger`.* FROM `ledger_app`@`%`' },
        { g: 'GRANT PROXY ON ``@`` TO `ledger_app`@`%`' },
        { g: 'SET DEFAULT ROLE `app_reader` FOR `ledger_app`@`%`' },
        { g: 'CREATE USER something' },
      ],
      "'c'@'%'",
    ),
  ).toEqual([
    "GRANT `app_reader`@`%` TO 'c'@'%'",
    "REVOKE INSERT ON `ledger`.* FROM 'c'@'%'",
    "GRANT PROXY ON ``@`` TO 'c'@'%'",
    "SET DEFAULT ROLE `app_reader` FOR 'c'@'%'",
  ]);
});

test('the driver always requires TLS and verifies the server certificate', () => {
  const options = mysqlConnectionOptions({ engine: 'mysql', host: 'db.example.com', port: 3306, username: 'u', password: 'p', dbname: 'ledger' });
  expect(options.ssl).toEqual({ rejectUnauthorized: true, verifyIdentity: true });
  expect(options).toMatchObject({ host: 'db.example.com', port: 3306, database: 'ledger' });
});

test('attack: a server (or a man in the middle) that offers no TLS never receives the password', async () => {
  let authenticated = false;
  const server = mysql.createServer((conn: any) => {
    conn.serverHandshake({
      protocolVersion: 10,
      serverVersion: '8.0.36',
      connectionId: 1,
      statusFlags: 2,
      characterSet: 8,
      capabilityFlags: 0xffffff & ~0x800, // everything but CLIENT_SSL
      authCallback: (_params: unknown, cb: (err: unknown) => void) => {
        authenticated = true;
        cb(null);
      },
    });
    conn.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => (server as any).listen(0, '127.0.0.1', () => resolve()));
  const port = ((server as any)._server.address() as net.AddressInfo).port;
  try {
    await expect(mysqlConnector().connect({ engine: 'mysql', host: '127.0.0.1', port, username: 'ledger_app', password: 'secret-Password-9' })).rejects.toThrow(
      /does not support secure connection/,
    );
  } finally {
    (server as any).close();
  }
  expect(authenticated).toBe(false);
});

/**
 * A man in the middle with a certificate a trusted CA issued for another name (the red team's
 * reproduction: mysql2 checks the certificate's name only with verifyIdentity). The fake server
 * asks for full caching_sha2 authentication, for which mysql2 sends the password in clear inside
 * TLS: it would capture it. The test CA (test/fixtures/tls) stands for any CA the runtime trusts.
 */
describe('TLS identity (a certificate for another name)', () => {
  const fixture = (name: string) => fs.readFileSync(path.join(__dirname, 'fixtures', 'tls', name));

  function packet(seq: number, payload: Buffer): Buffer {
    const header = Buffer.alloc(4);
    header.writeUIntLE(payload.length, 0, 3);
    header[3] = seq;
    return Buffer.concat([header, payload]);
  }

  function handshake(): Buffer {
    const caps = 0x00ffffff; // CLIENT_SSL, PLUGIN_AUTH, SECURE_CONNECTION among them
    const low = Buffer.alloc(2);
    low.writeUInt16LE(caps & 0xffff);
    const high = Buffer.alloc(2);
    high.writeUInt16LE(caps >>> 16);
    return Buffer.concat([
      Buffer.from([10]),
      Buffer.from('8.0.36\0'),
      Buffer.from([1, 0, 0, 0]),
      Buffer.alloc(8, 0x41),
      Buffer.from([0]),
      low,
      Buffer.from([0x21]),
      Buffer.from([2, 0]),
      high,
      Buffer.from([21]),
      Buffer.alloc(10),
      Buffer.concat([Buffer.alloc(12, 0x42), Buffer.from([0])]),
      Buffer.from('caching_sha2_password\0'),
    ]);
  }

  /** Connects with our options (plus the test CA) to a fake server presenting `certName`'s certificate; returns the outcome and what it captured. */
  async function attempt(certName: string, verifyIdentity: boolean): Promise<{ outcome: string; captured: string[] }> {
    const captured: string[] = [];
    const server = net.createServer((socket) => {
      socket.on('error', () => undefined);
      socket.write(packet(0, handshake()));
      const onReadable = () => {
        if (socket.read(36) === null) return; // the SSLRequest; the ClientHello stays buffered
        socket.removeListener('readable', onReadable);
        const secure = new tls.TLSSocket(socket, { isServer: true, key: fixture(`${certName}.key`), cert: fixture(`${certName}.pem`) });
        secure.on('error', () => undefined);
        let stage = 0;
        secure.on('data', (buf: Buffer) => {
          if (stage === 0) {
            stage = 1;
            secure.write(packet(buf[3] + 1, Buffer.from([1, 4]))); // perform full authentication
          } else {
            captured.push(buf.subarray(4, buf.length - 1).toString());
            secure.write(packet(buf[3] + 1, Buffer.concat([Buffer.from([0xff, 0x15, 0x04]), Buffer.from('#28000Access denied')])));
          }
        });
      };
      socket.on('readable', onReadable);
    });
    const sockets = new Set<net.Socket>();
    server.on('connection', (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.address() as net.AddressInfo).port;
    const options = mysqlConnectionOptions({ engine: 'mysql', host: 'localhost', port, username: 'admin', password: 'SUPERUSER-Secret-123' });
    const ssl = { ...(options.ssl as object), ca: fixture('ca.pem'), ...(verifyIdentity ? {} : { verifyIdentity: false }) };
    const outcome = await createConnection({ ...options, ssl }).then(
      async (c) => {
        await c.end();
        return 'connected';
      },
      (e: Error) => e.message,
    );
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
    return { outcome, captured };
  }

  test('attack: a certificate for another name is refused before the password is sent', async () => {
    const { outcome, captured } = await attempt('evil.example', true);
    expect(outcome).toMatch(/Hostname\/IP does not match certificate's altnames/);
    expect(captured).toEqual([]);
  });

  test('why verifyIdentity: without it the same man in the middle gets the password', async () => {
    const { captured } = await attempt('evil.example', false);
    expect(captured).toEqual(['SUPERUSER-Secret-123']);
  });

  test('control: a certificate for the host name is accepted (the server then answers for itself)', async () => {
    const { outcome, captured } = await attempt('localhost', true);
    // The handshake went through TLS and authentication reached the server, which refused the login.
    expect(outcome).toMatch(/Access denied/);
    expect(captured).toEqual(['SUPERUSER-Secret-123']);
  });
});
