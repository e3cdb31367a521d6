#!/usr/bin/env node
// `prepack` of every published package (run by `npm pack`, `npm publish` and jsii-pacmak, which
// packs before it builds the Python wheel): copies the repository's LICENSE into the package, so
// the npm tarball and the wheel carry the license text while git keeps a single copy
// (packages/*/LICENSE is ignored). Run from the package directory.
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './jsii-packages.mjs';

const source = join(REPO_ROOT, 'LICENSE');
if (!existsSync(source)) {
  console.error(`prepack: ${source} is missing; the package would be published without its license`);
  process.exit(1);
}
copyFileSync(source, join(process.cwd(), 'LICENSE'));
