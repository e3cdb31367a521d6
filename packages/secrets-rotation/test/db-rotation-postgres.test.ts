/**
 * The PostgreSQL statements of the rotation, run on a real PostgreSQL (PGlite: PostgreSQL compiled
 * to WebAssembly, in a child process, no server or network), and the driver's TLS behaviour against a
 * server that offers none.
 */
import * as net from 'net';
import { PgliteBridge } from './support/pglite-bridge';
import { postgresClientConfig, postgresConnector, postgresSession, scramSha256Verifier } from '../lambda-src/db-rotation/postgres';

/** Whether `password` matches a pg_authid SCRAM verifier (recomputed with its salt and iterations). */
function verifies(stored: string, password: string): boolean {
  const m = /^SCRAM-SHA-256\$(\d+):([^$]+)\$/.exec(stored);
  if (!m) return false;
  return scramSha256Verifier(password, Buffer.from(m[2], 'base64'), Number(m[1])) === stored;
}

async function storedPassword(db: PgliteBridge, role: string): Promise<string> {
  const { rows } = await db.query('SELECT rolpassword FROM pg_authid WHERE rolname = $1', [role]);
  return rows[0].rolpassword;
}

let db: PgliteBridge;
jest.setTimeout(30_000);
beforeAll(() => {
  db = new PgliteBridge();
});
beforeEach(async () => {
  await db.exec(`
    RESET ROLE;
    DROP TABLE IF EXISTS ledger;
    DROP ROLE IF EXISTS "LedgerApp_clone", "LedgerApp", "x; DROP TABLE ledger; --";
    SET password_encryption = 'scram-sha-256';
    CREATE ROLE "LedgerApp" LOGIN PASSWORD 'initial-Password-1';
    CREATE TABLE ledger (id int);
    INSERT INTO ledger VALUES (1);
    GRANT SELECT ON ledger TO "LedgerApp";
  `);
});
afterAll(async () => {
  await db.close();
});

test('our SCRAM-SHA-256 verifier is the one PostgreSQL computes for the same password and salt', async () => {
  const stored = await storedPassword(db, 'LedgerApp');
  expect(stored).toMatch(/^SCRAM-SHA-256\$4096:/);
  expect(verifies(stored, 'initial-Password-1')).toBe(true);
  expect(verifies(stored, 'initial-Password-2')).toBe(false);
});

test('single user: the user (no CREATEROLE, not a superuser) changes its own password, sent as a verifier', async () => {
  await db.exec('SET ROLE "LedgerApp"');
  const statements: string[] = [];
  const recording = {
    query: (text: string, params?: unknown[]) => {
      statements.push(text);
      return db.query(text, params);
    },
  };
  await postgresSession(recording, async () => undefined).setOwnPassword('new-Password-2/x');
  await db.exec('RESET ROLE');
  expect(verifies(await storedPassword(db, 'LedgerApp'), 'new-Password-2/x')).toBe(true);
  expect(verifies(await storedPassword(db, 'LedgerApp'), 'initial-Password-1')).toBe(false);
  // The clear-text password is in no statement (a database that logs DDL logs only the verifier).
  expect(statements.join('\n')).not.toContain('new-Password-2/x');
});

test("multi user: the clone is created able to log in, with the original user's privileges; the next rotation only changes its password", async () => {
  const session = postgresSession(db, async () => undefined);
  await session.upsertUser('LedgerApp_clone', 'clone-Password-1', 'LedgerApp');
  const { rows } = await db.query("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'LedgerApp_clone'");
  expect(rows).toEqual([{ rolcanlogin: true }]);
  expect(verifies(await storedPassword(db, 'LedgerApp_clone'), 'clone-Password-1')).toBe(true);
  await db.exec('SET ROLE "LedgerApp_clone"');
  expect((await db.query('SELECT id FROM ledger')).rows).toEqual([{ id: 1 }]);
  await db.exec('RESET ROLE');

  await session.upsertUser('LedgerApp_clone', 'clone-Password-2', 'LedgerApp');
  expect(verifies(await storedPassword(db, 'LedgerApp_clone'), 'clone-Password-2')).toBe(true);
  await session.upsertUser('LedgerApp', 'base-Password-2', 'LedgerApp');
  expect(verifies(await storedPassword(db, 'LedgerApp'), 'base-Password-2')).toBe(true);
});

test('a clone left without its membership by an interrupted rotation gets it back at the next one (membership re-asserted every time)', async () => {
  // What an interrupted rotation of an older version could leave: the clone, able to log in, not a member.
  await db.exec(`CREATE ROLE "LedgerApp_clone" LOGIN PASSWORD 'x'`);
  await postgresSession(db, async () => undefined).upsertUser('LedgerApp_clone', 'clone-Password-2', 'LedgerApp');
  await db.exec('SET ROLE "LedgerApp_clone"');
  expect((await db.query('SELECT id FROM ledger')).rows).toEqual([{ id: 1 }]);
  await db.exec('RESET ROLE');
});

test('creating the clone is one transaction: a GRANT that fails leaves no clone behind', async () => {
  const session = postgresSession(db, async () => undefined);
  await expect(session.upsertUser('LedgerApp_clone', 'clone-Password-1', 'NoSuchRole')).rejects.toThrow(/does not exist/);
  expect((await db.query("SELECT 1 FROM pg_roles WHERE rolname = 'LedgerApp_clone'")).rows).toEqual([]);
});

test('user names are quoted identifiers: a crafted name creates exactly that role and runs nothing else', async () => {
  const session = postgresSession(db, async () => undefined);
  await session.upsertUser('x; DROP TABLE ledger; --', 'clone-Password-1', 'LedgerApp');
  expect((await db.query('SELECT count(*)::int AS n FROM ledger')).rows).toEqual([{ n: 1 }]);
  expect((await db.query("SELECT 1 AS found FROM pg_roles WHERE rolname = 'x; DROP TABLE ledger; --'")).rows).toEqual([{ found: 1 }]);
});

test('a password that is not printable ASCII is refused before any statement', () => {
  expect(() => scramSha256Verifier('pässword')).toThrow(/printable ASCII/);
  expect(() => scramSha256Verifier('with space')).toThrow(/printable ASCII/);
});

test('the driver always verifies TLS: the server certificate against the runtime CAs, for the host name', () => {
  const config = postgresClientConfig({ engine: 'postgres', host: 'db.example.com', port: 5432, username: 'u', password: 'p', dbname: 'ledger' });
  expect(config.ssl).toEqual({ rejectUnauthorized: true, servername: 'db.example.com' });
  expect(config.database).toBe('ledger');
  expect(postgresClientConfig({ engine: 'postgres', host: 'h', port: 1, username: 'u', password: 'p' }).database).toBe('postgres');
});

test('attack: a server (or a man in the middle) that declines TLS never receives the password', async () => {
  const received: Buffer[] = [];
  const server = net.createServer((socket) => {
    socket.on('data', (chunk) => {
      received.push(chunk);
      // The answer to SSLRequest of a server without TLS: 'N'. A client that went on would now send
      // its startup message and, on request, the password in clear.
      socket.write('N');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  try {
    await expect(
      postgresConnector().connect({ engine: 'postgres', host: '127.0.0.1', port, username: 'ledger_app', password: 'secret-Password-9' }),
    ).rejects.toThrow(/does not support SSL/);
  } finally {
    server.close();
  }
  const bytes = Buffer.concat(received);
  expect(bytes.length).toBe(8); // the SSLRequest and nothing else
  expect(bytes.readUInt32BE(4)).toBe(80877103);
  expect(bytes.toString('latin1')).not.toContain('secret-Password-9');
});
