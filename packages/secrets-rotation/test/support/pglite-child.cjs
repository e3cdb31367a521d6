// A real PostgreSQL (PGlite, WebAssembly) in a child process: jest's module sandbox cannot run
// PGlite's dynamic imports. Reads one JSON request per line on stdin ({ id, sql, params } or
// { id, exec }), answers one JSON line on stdout ({ id, rows } or { id, error }).
const readline = require('readline');
const { PGlite } = require('@electric-sql/pglite');

const db = new PGlite();
const rl = readline.createInterface({ input: process.stdin });
let queue = Promise.resolve();
rl.on('line', (line) => {
  const req = JSON.parse(line);
  queue = queue.then(async () => {
    try {
      if (req.exec !== undefined) {
        await db.exec(req.exec);
        process.stdout.write(`${JSON.stringify({ id: req.id, rows: [] })}\n`);
      } else {
        const result = await db.query(req.sql, req.params ?? []);
        process.stdout.write(`${JSON.stringify({ id: req.id, rows: result.rows })}\n`);
      }
    } catch (err) {
      process.stdout.write(`${JSON.stringify({ id: req.id, error: String(err && err.message ? err.message : err) })}\n`);
    }
  });
});
rl.on('close', () => {
  queue.then(() => db.close()).then(() => process.exit(0));
});
