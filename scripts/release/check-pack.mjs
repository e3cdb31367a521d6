#!/usr/bin/env node
// Checks what `npm pack` would publish for every published package (packages/<name> with a `jsii`
// key), without writing a tarball: the license (copied by prepack), the README, the jsii assembly
// and the compiled entry point. Run after `npm run build`.
import { execFileSync } from 'node:child_process';
import { relative } from 'node:path';
import { jsiiPackages, REPO_ROOT } from './jsii-packages.mjs';

const REQUIRED = ['LICENSE', 'README.md', 'package.json', '.jsii', 'lib/index.js', 'lib/index.d.ts'];
const problems = [];
for (const { dir, manifest } of jsiiPackages()) {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--silent'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const [report] = JSON.parse(out);
  const files = new Set(report.files.map((f) => f.path));
  const missing = REQUIRED.filter((f) => !files.has(f));
  if (missing.length > 0) problems.push(`${relative(REPO_ROOT, dir)} (${manifest.name}): the tarball lacks ${missing.join(', ')}`);
  else console.log(`check-pack: ${manifest.name}@${manifest.version}: ${report.entryCount} files, ${REQUIRED.join(', ')} included`);
}
if (problems.length > 0) {
  console.error(
    `check-pack: ${problems.join('\n  ')}\n(LICENSE comes from the "prepack" script "node ../../scripts/release/prepack.mjs"; lib/ and .jsii from npm run build)`,
  );
  process.exit(1);
}
