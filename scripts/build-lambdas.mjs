#!/usr/bin/env node
// Builds every Lambda handler of one package ahead of time:
//   <package>/lambda-src/<name>/index.ts  ->  <package>/lambda/<name>/index.js
// so that `cdk synth` only points Code.fromAsset at a ready directory (no bundling,
// no Docker at synth). Run from the package directory (npm run build:lambda).
import { build } from 'esbuild';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import aliases from './esbuild-aliases.cjs';

const pkgDir = process.cwd();
const srcRoot = join(pkgDir, 'lambda-src');
if (!existsSync(srcRoot)) {
  console.error(`build-lambdas: ${srcRoot} does not exist`);
  process.exit(1);
}
const names = readdirSync(srcRoot, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(srcRoot, d.name, 'index.ts')))
  .map((d) => d.name);

for (const name of names) {
  await build({
    entryPoints: [join(srcRoot, name, 'index.ts')],
    outfile: join(pkgDir, 'lambda', name, 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    alias: aliases,
    // The AWS SDK v3 is bundled (not taken from the Lambda runtime) so the code that
    // runs is the code that was tested, at the version in package-lock.json.
    minify: false,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
  console.log(`build-lambdas: lambda/${name}/index.js`);
}
