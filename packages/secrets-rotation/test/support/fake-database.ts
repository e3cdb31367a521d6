import { DbConnector, DbCredentials, DbSession } from '../../lambda-src/db-rotation/rotation';

interface User {
  password: string;
  /** Users whose privileges this one has (PostgreSQL membership, MySQL copied grants). */
  memberOf: string[];
}

/**
 * An in-memory database server with the semantics the rotation relies on: a login succeeds only
 * with a user's current password; a user may change its own password; a superuser may create users
 * and change anyone's. It records every login attempt (host, user) so tests see where credentials went.
 */
export class FakeDatabase implements DbConnector {
  public readonly users = new Map<string, User>();
  public readonly logins: Array<{ host: string; port: number; username: string; accepted: boolean }> = [];
  /** Set to make every connection fail like a network or TLS error. */
  public unreachable?: Error;

  constructor(
    public readonly host: string,
    public readonly port: number,
    private readonly superusers: string[] = [],
  ) {}

  public addUser(username: string, password: string): void {
    this.users.set(username, { password, memberOf: [] });
  }

  public accepts(username: string, password: string): boolean {
    return this.users.get(username)?.password === password;
  }

  async connect(c: DbCredentials): Promise<DbSession | undefined> {
    if (this.unreachable) throw this.unreachable;
    const accepted = c.host === this.host && c.port === this.port && this.accepts(c.username, c.password);
    this.logins.push({ host: c.host, port: c.port, username: c.username, accepted });
    if (c.host !== this.host || c.port !== this.port) {
      throw Object.assign(new Error(`connect ECONNREFUSED ${c.host}:${c.port}`), { code: 'ECONNREFUSED' });
    }
    if (!accepted) return undefined;
    const self = c.username;
    const superuser = this.superusers.includes(self);
    return {
      setOwnPassword: async (newPassword) => {
        this.users.get(self)!.password = newPassword;
      },
      upsertUser: async (username, password, likeUsername) => {
        if (!superuser) throw new Error(`permission denied: ${self} cannot create or alter ${username}`);
        const existing = this.users.get(username);
        if (existing) {
          existing.password = password;
        } else {
          if (!this.users.has(likeUsername)) throw new Error(`role ${likeUsername} does not exist`);
          this.users.set(username, { password, memberOf: [likeUsername] });
        }
      },
      ping: async () => undefined,
      close: async () => undefined,
    };
  }
}
