import { AWSCURRENT, AWSPENDING, AWSPREVIOUS, SecretsManagerPort } from '../lambda-src/shared/steps';
import { ALWAYS_EXCLUDED, DbRotationDependencies, DbRotationSettings, rotateDatabaseSecret } from '../lambda-src/db-rotation/rotation';
import { dbSettingsFromEnv } from '../lambda-src/db-rotation';
import { FakeDatabase } from './support/fake-database';
import { FakeSecretsManager } from './support/fake-secrets-manager';

const ARN = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/ledger-db/credentials-AbCdEf';
const MASTER_ARN = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:rds!db-1234-XyZ';
const HOST = 'ledger-db.internal.example.com';
const EXCLUDE = ' %+~`#$&*()|[]{}:;<>?!\'/@"\\';
const single: DbRotationSettings = { engine: 'postgres', passwordLength: 32, excludeCharacters: EXCLUDE, username: 'ledger_app' };
const multi: DbRotationSettings = { ...single, masterSecretArn: MASTER_ARN };

function secretValue(fields: Record<string, unknown> = {}): string {
  return JSON.stringify({ engine: 'postgres', host: HOST, port: 5432, username: 'ledger_app', password: 'initial-Password-1', dbname: 'ledger', ...fields });
}

/** The secret being rotated, and (multi user) the superuser's secret, behind one port. */
function secretsWithMaster(secret: FakeSecretsManager, master?: FakeSecretsManager): SecretsManagerPort {
  const route = (id: string) => (master !== undefined && id === master.arn ? master : secret);
  return {
    describeSecret: (id) => route(id).describeSecret(id),
    getSecretValue: (id, s) => route(id).getSecretValue(id, s),
    putSecretValue: (id, t, v, st) => route(id).putSecretValue(id, t, v, st),
    updateSecretVersionStage: (id, st, to, from) => route(id).updateSecretVersionStage(id, st, to, from),
    getRandomPassword: (l, p, e) => secret.getRandomPassword(l, p, e),
  };
}

/** Drive the four steps the way Secrets Manager does: in order, stopping at the first failure. */
async function rotateAll(sm: FakeSecretsManager, deps: DbRotationDependencies, token: string): Promise<void> {
  sm.startRotation(token);
  for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) {
    await rotateDatabaseSecret({ Step: step, SecretId: ARN, ClientRequestToken: token }, deps);
  }
}

function field(sm: FakeSecretsManager, stage: string, name: string): unknown {
  return JSON.parse(sm.valueOf(stage)!)[name];
}

describe('single-user database rotation', () => {
  function setup(initial = secretValue()) {
    const sm = new FakeSecretsManager(ARN, initial);
    const db = new FakeDatabase(HOST, 5432);
    db.addUser('ledger_app', 'initial-Password-1');
    const deps: DbRotationDependencies = { secrets: sm, database: db, settings: single };
    return { sm, db, deps };
  }

  test('a rotation changes the password on the database and in the secret; the old one stops working', async () => {
    const { sm, db, deps } = setup();
    await rotateAll(sm, deps, 'token-1');
    const password = field(sm, AWSCURRENT, 'password') as string;
    expect(password).not.toBe('initial-Password-1');
    expect(password).toHaveLength(32);
    expect(db.accepts('ledger_app', password)).toBe(true);
    expect(db.accepts('ledger_app', 'initial-Password-1')).toBe(false);
    expect(field(sm, AWSPREVIOUS, 'password')).toBe('initial-Password-1');
    // Everything but the password is kept.
    expect(JSON.parse(sm.valueOf(AWSCURRENT)!)).toMatchObject({ engine: 'postgres', host: HOST, port: 5432, username: 'ledger_app', dbname: 'ledger' });
  });

  test('generated passwords never hold the configured exclusions, quotes or backslashes', async () => {
    const { sm, deps } = setup();
    for (let i = 0; i < 5; i++) await rotateAll(sm, deps, `token-${i}`);
    for (const c of ALWAYS_EXCLUDED + EXCLUDE) expect(sm.lastExcludeCharacters).toContain(c);
    const password = field(sm, AWSCURRENT, 'password') as string;
    expect([...password].filter((c) => (ALWAYS_EXCLUDED + EXCLUDE).includes(c))).toEqual([]);
  });

  test('every step can run twice (Secrets Manager retries) with the same result', async () => {
    const { sm, db, deps } = setup();
    sm.startRotation('token-1');
    for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) {
      await rotateDatabaseSecret({ Step: step, SecretId: ARN, ClientRequestToken: 'token-1' }, deps);
      await rotateDatabaseSecret({ Step: step, SecretId: ARN, ClientRequestToken: 'token-1' }, deps);
    }
    expect(db.accepts('ledger_app', field(sm, AWSCURRENT, 'password') as string)).toBe(true);
    expect(sm.stagesOf('token-1')).toContain(AWSCURRENT);
  });

  test('a rotation that died after setSecret completes when Secrets Manager retries it', async () => {
    const { sm, db, deps } = setup();
    // setSecret ran, then the function died: the database has the pending password, the secret
    // still says the old one is current. Secrets Manager retries the same version (a new rotation
    // cannot start while AWSPENDING sits on another version than AWSCURRENT).
    sm.startRotation('token-1');
    await rotateDatabaseSecret({ Step: 'createSecret', SecretId: ARN, ClientRequestToken: 'token-1' }, deps);
    await rotateDatabaseSecret({ Step: 'setSecret', SecretId: ARN, ClientRequestToken: 'token-1' }, deps);
    expect(db.accepts('ledger_app', 'initial-Password-1')).toBe(false);
    for (const step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret']) {
      await rotateDatabaseSecret({ Step: step, SecretId: ARN, ClientRequestToken: 'token-1' }, deps);
    }
    expect(db.accepts('ledger_app', field(sm, AWSCURRENT, 'password') as string)).toBe(true);
    expect(sm.stagesOf('token-1')).toContain(AWSCURRENT);
  });

  test('setSecret falls back to the previous password when the current one is refused', async () => {
    const { sm, db, deps } = setup();
    await rotateAll(sm, deps, 'token-1');
    // Somebody restored the database's old password (a snapshot restore): only AWSPREVIOUS logs in.
    db.addUser('ledger_app', 'initial-Password-1');
    await rotateAll(sm, deps, 'token-2');
    expect(db.accepts('ledger_app', field(sm, AWSCURRENT, 'password') as string)).toBe(true);
  });

  test('a rotation the database refuses fails at setSecret and leaves AWSCURRENT alone', async () => {
    const { sm, db, deps } = setup();
    db.addUser('ledger_app', 'changed-by-hand');
    await expect(rotateAll(sm, deps, 'token-1')).rejects.toThrow(/refused the previous, current and pending credentials/);
    expect(field(sm, AWSCURRENT, 'password')).toBe('initial-Password-1');
    expect(sm.stagesOf('token-1')).toEqual([AWSPENDING]);
  });

  test('a network or TLS error fails the step: no other connection is tried', async () => {
    const { sm, db, deps } = setup();
    db.unreachable = new Error('self-signed certificate in certificate chain');
    await expect(rotateAll(sm, deps, 'token-1')).rejects.toThrow(/self-signed certificate/);
    expect(db.logins).toEqual([]);
  });

  test('attack: a pending value that names another host never gets a password sent there', async () => {
    const { sm, db, deps } = setup();
    sm.startRotation('token-1');
    // Whoever could write AWSPENDING (the secret's policy lets only the rotation role and the
    // administrators) points the rotation at a host of its own.
    await sm.putSecretValue(ARN, 'token-1', secretValue({ host: 'attacker.example.net', password: 'x' }), [AWSPENDING]);
    await expect(rotateDatabaseSecret({ Step: 'setSecret', SecretId: ARN, ClientRequestToken: 'token-1' }, deps)).rejects.toThrow(
      /AWSPENDING host .* differs from the AWSCURRENT one/,
    );
    await expect(rotateDatabaseSecret({ Step: 'testSecret', SecretId: ARN, ClientRequestToken: 'token-1' }, deps)).rejects.toThrow(/differs/);
    expect(db.logins).toEqual([]);
  });

  test('attack: a current value naming another user (the superuser) is refused: the function rotates the user it was deployed for only', async () => {
    const { sm, db, deps } = setup();
    await sm.putSecretValue(ARN, 'v2', secretValue({ username: 'postgres', password: 'initial-Password-1' }), ['AWSCURRENT']);
    sm.startRotation('token-1');
    await expect(rotateDatabaseSecret({ Step: 'createSecret', SecretId: ARN, ClientRequestToken: 'token-1' }, deps)).rejects.toThrow(
      "username: received 'postgres'; expected 'ledger_app', the user this function rotates",
    );
    expect(db.logins).toEqual([]);
  });

  test("a host given as an IP address is refused: the certificate's name could not be verified", async () => {
    const { sm, deps } = setup(secretValue({ host: '10.20.1.5' }));
    sm.startRotation('t');
    await expect(rotateDatabaseSecret({ Step: 'createSecret', SecretId: ARN, ClientRequestToken: 't' }, deps)).rejects.toThrow(
      /host: received an IP address; expected the DNS name the database's TLS certificate carries/,
    );
  });

  test('a pending value for another user is refused (single user changes its own password only)', async () => {
    const { sm, deps } = setup();
    sm.startRotation('token-1');
    await sm.putSecretValue(ARN, 'token-1', secretValue({ username: 'postgres' }), [AWSPENDING]);
    await expect(rotateDatabaseSecret({ Step: 'setSecret', SecretId: ARN, ClientRequestToken: 'token-1' }, deps)).rejects.toThrow(
      `the AWSPENDING value of secret ${ARN}: username: received 'postgres'; expected 'ledger_app'`,
    );
  });

  test('a secret of another engine, or with a masterarn, is refused with the field named', async () => {
    const other = setup(secretValue({ engine: 'mysql' }));
    other.sm.startRotation('t');
    await expect(rotateDatabaseSecret({ Step: 'createSecret', SecretId: ARN, ClientRequestToken: 't' }, other.deps)).rejects.toThrow(
      `engine: received "mysql"; expected 'postgres'`,
    );
    const withMaster = setup(secretValue({ masterarn: MASTER_ARN }));
    withMaster.sm.startRotation('t');
    await expect(rotateDatabaseSecret({ Step: 'createSecret', SecretId: ARN, ClientRequestToken: 't' }, withMaster.deps)).rejects.toThrow(
      /masterarn: received ".*"; expected none \(single-user rotation\)/,
    );
    const badPort = setup(secretValue({ port: 0 }));
    badPort.sm.startRotation('t');
    await expect(rotateDatabaseSecret({ Step: 'createSecret', SecretId: ARN, ClientRequestToken: 't' }, badPort.deps)).rejects.toThrow(
      'port: received 0; expected an integer from 1 to 65535',
    );
  });

  test('no secret value is ever logged', async () => {
    const { sm, deps } = setup();
    const lines: string[] = [];
    await rotateAll(sm, { ...deps, logger: { info: (m) => lines.push(m) } }, 'token-1');
    const secrets = ['initial-Password-1', field(sm, AWSCURRENT, 'password') as string];
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) for (const s of secrets) expect(line).not.toContain(s);
  });
});

describe('multi-user database rotation', () => {
  function setup() {
    const sm = new FakeSecretsManager(ARN, secretValue({ masterarn: MASTER_ARN }));
    // A secret RDS manages for the master user holds only username and password.
    const master = new FakeSecretsManager(MASTER_ARN, JSON.stringify({ username: 'postgres', password: 'master-Password-1' }));
    const db = new FakeDatabase(HOST, 5432, ['postgres']);
    db.addUser('postgres', 'master-Password-1');
    db.addUser('ledger_app', 'initial-Password-1');
    const deps: DbRotationDependencies = { secrets: secretsWithMaster(sm, master), database: db, settings: multi };
    return { sm, master, db, deps };
  }

  test('the rotation alternates between the user and its clone; the previous credentials keep working', async () => {
    const { sm, db, deps } = setup();
    await rotateAll(sm, deps, 'token-1');
    expect(field(sm, AWSCURRENT, 'username')).toBe('ledger_app_clone');
    expect(db.users.get('ledger_app_clone')!.memberOf).toEqual(['ledger_app']);
    expect(db.accepts('ledger_app_clone', field(sm, AWSCURRENT, 'password') as string)).toBe(true);
    expect(db.accepts('ledger_app', 'initial-Password-1')).toBe(true);
    await rotateAll(sm, deps, 'token-2');
    expect(field(sm, AWSCURRENT, 'username')).toBe('ledger_app');
    expect(db.accepts('ledger_app', field(sm, AWSCURRENT, 'password') as string)).toBe(true);
    expect(db.accepts('ledger_app_clone', field(sm, AWSPREVIOUS, 'password') as string)).toBe(true);
    expect(field(sm, AWSCURRENT, 'masterarn')).toBe(MASTER_ARN);
  });

  test("the superuser logs in on the secret's host; a superuser secret naming another host is refused", async () => {
    const { sm, master, db, deps } = setup();
    await master.putSecretValue(MASTER_ARN, 'm2', JSON.stringify({ username: 'postgres', password: 'master-Password-1', host: 'other.example.com' }), [
      AWSCURRENT,
    ]);
    await expect(rotateAll(sm, deps, 'token-1')).rejects.toThrow('the superuser secret ' + MASTER_ARN + " names host 'other.example.com', not '" + HOST + "'");
    expect(db.logins.filter((l) => l.username === 'postgres')).toEqual([]);
  });

  test('attack: a secret whose masterarn names another superuser secret is refused before anything is read', async () => {
    const { sm, deps } = setup();
    const evil = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:someone-elses-admin-AbC';
    await sm.putSecretValue(ARN, 'v2', secretValue({ masterarn: evil }), [AWSCURRENT]);
    sm.startRotation('token-1');
    await expect(rotateDatabaseSecret({ Step: 'createSecret', SecretId: ARN, ClientRequestToken: 'token-1' }, deps)).rejects.toThrow(
      `masterarn: received "${evil}"; expected '${MASTER_ARN}'`,
    );
  });

  test("a user name whose clone would pass the engine's limit is refused at createSecret", async () => {
    const sm = new FakeSecretsManager(ARN, secretValue({ engine: 'mysql', port: 3306, username: 'u'.repeat(27), masterarn: MASTER_ARN }));
    const deps: DbRotationDependencies = {
      secrets: sm,
      database: new FakeDatabase(HOST, 3306),
      settings: { ...multi, engine: 'mysql', username: 'u'.repeat(27) },
    };
    sm.startRotation('t');
    await expect(rotateDatabaseSecret({ Step: 'createSecret', SecretId: ARN, ClientRequestToken: 't' }, deps)).rejects.toThrow(
      /is longer than 32 characters, the limit of mysql/,
    );
  });
});

describe('settings from the environment', () => {
  test('engine, length, exclusions and the master secret', () => {
    expect(dbSettingsFromEnv({ ENGINE: 'mariadb', PASSWORD_LENGTH: '32', EXCLUDE_CHARACTERS: '/@', MASTER_SECRET_ARN: MASTER_ARN, USERNAME: 'app' })).toEqual({
      engine: 'mariadb',
      passwordLength: 32,
      excludeCharacters: '/@',
      masterSecretArn: MASTER_ARN,
      username: 'app',
    });
    expect(dbSettingsFromEnv({ ENGINE: 'postgres', PASSWORD_LENGTH: '30', USERNAME: 'app' }).masterSecretArn).toBeUndefined();
  });
  test('a broken deployment fails fast, naming the variable', () => {
    expect(() => dbSettingsFromEnv({ ENGINE: 'oracle', PASSWORD_LENGTH: '32', USERNAME: 'app' })).toThrow(
      "ENGINE: received 'oracle'; expected one of postgres, mysql, mariadb",
    );
    expect(() => dbSettingsFromEnv({ ENGINE: 'mysql', PASSWORD_LENGTH: '4', USERNAME: 'app' })).toThrow("PASSWORD_LENGTH: received '4'");
    expect(() => dbSettingsFromEnv({ ENGINE: 'mysql', PASSWORD_LENGTH: '32' })).toThrow("USERNAME: received ''");
    // Multi user from admin_clone would alternate to 'admin' and change that user's password.
    expect(() => dbSettingsFromEnv({ ENGINE: 'mysql', PASSWORD_LENGTH: '32', USERNAME: 'admin_clone', MASTER_SECRET_ARN: MASTER_ARN })).toThrow(
      "USERNAME: received 'admin_clone'; expected a name not ending in _clone",
    );
  });
});
