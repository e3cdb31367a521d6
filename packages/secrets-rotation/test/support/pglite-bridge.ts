import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';
import * as readline from 'readline';

/** A PostgreSQL (PGlite) in a child process, queried like `pg.Client` ({ rows }). */
export class PgliteBridge {
  private readonly child: ChildProcess;
  private readonly waiting = new Map<number, { resolve: (rows: any[]) => void; reject: (e: Error) => void }>();
  private nextId = 1;

  constructor() {
    this.child = spawn(process.execPath, [path.join(__dirname, 'pglite-child.cjs')], { stdio: ['pipe', 'pipe', 'inherit'] });
    readline.createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const res = JSON.parse(line);
      const w = this.waiting.get(res.id);
      this.waiting.delete(res.id);
      if (res.error !== undefined) w?.reject(new Error(res.error));
      else w?.resolve(res.rows);
    });
  }

  public query(sql: string, params?: unknown[]): Promise<{ rows: any[] }> {
    return this.send({ sql, params }).then((rows) => ({ rows }));
  }

  public async exec(sql: string): Promise<void> {
    await this.send({ exec: sql });
  }

  public close(): Promise<void> {
    return new Promise((resolve) => {
      this.child.on('exit', () => resolve());
      this.child.stdin!.end();
    });
  }

  private send(request: Record<string, unknown>): Promise<any[]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.stdin!.write(`${JSON.stringify({ id, ...request })}\n`);
    });
  }
}
