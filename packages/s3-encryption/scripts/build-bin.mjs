#!/usr/bin/env node
// Builds the migration CLI ahead of time: bin-src/cli.ts -> bin/s3-encryption-migrate.js
//
// Bundled with esbuild, so @aws-sdk/client-s3, commander and cli-progress are devDependencies
// only: the published jsii package has no non-jsii runtime dependency (no bundledDependencies),
// and nothing of the SDK appears in the construct API. The bundle is what the tests ran against
// (same versions as package-lock.json).
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import aliases from '../../../scripts/esbuild-aliases.cjs';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(pkgDir, 'bin', 's3-encryption-migrate.js');
await build({
  entryPoints: [join(pkgDir, 'bin-src', 'cli.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  alias: aliases,
  banner: { js: '#!/usr/bin/env node' },
  minify: false,
  sourcemap: false,
  legalComments: 'eof',
  logLevel: 'warning',
});
chmodSync(outfile, 0o755);
console.log('build-bin: bin/s3-encryption-migrate.js');
