#!/usr/bin/env node
// Writes API.md (jsii-docgen, TypeScript) for every published package, or for the package
// directories given as arguments (`npm run docgen` in a package passes `.`).
//
//   node scripts/release/docgen.mjs            every packages/<name> with a `jsii` key
//   node scripts/release/docgen.mjs --check    the same, then fails if an API.md changed or is untracked
//
// Reads the `.jsii` assemblies `npm run build` wrote; it does not build (that is the slow part),
// and refuses an assembly older than its sources. The jsii-docgen CLI looks for dependency
// assemblies under the package directory only, and npm workspaces hoist aws-cdk-lib to the root:
// so each package's assembly and those of its dependencies are copied into a temporary directory
// and documented from there (copies, not links: jsii refuses a compressed assembly whose redirect
// resolves outside its directory). Deterministic: the same assemblies give the same API.md.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { jsiiPackages, REPO_ROOT } from './jsii-packages.mjs';

const require = createRequire(import.meta.url);
const { Documentation, Language } = require('jsii-docgen');

const args = process.argv.slice(2);
const check = args.includes('--check');
const dirs = args.filter((a) => a !== '--check').map((a) => resolve(a));
const packages = dirs.length > 0 ? dirs.map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) })) : jsiiPackages();

/** The newest modification time of the TypeScript sources under lib/ (not the generated .d.ts). */
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** The directory of an installed package, found the way Node finds it (node_modules up the tree). */
function packageDir(from, name) {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`docgen: cannot find the dependency ${name} from ${from} (npm ci first)`);
  }
}

/** Copies the assembly of `dir` (and, recursively, of its jsii dependencies) into `into`. */
function copyAssemblies(dir, into, seen = new Set()) {
  const assemblyFile = join(dir, '.jsii');
  const assembly = JSON.parse(readFileSync(assemblyFile, 'utf8'));
  const name = assembly.name ?? JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name;
  if (seen.has(name)) return;
  seen.add(name);
  const target = join(into, name.replace('/', '__'));
  mkdirSync(target);
  // A compressed assembly (aws-cdk-lib's) is a redirect to .jsii.gz next to it: copy both. Its own
  // dependencies (constructs) are not read from the redirect: our packages list them themselves.
  for (const file of ['.jsii', '.jsii.gz']) if (existsSync(join(dir, file))) copyFileSync(join(dir, file), join(target, file));
  for (const dependency of Object.keys(assembly.dependencies ?? {})) copyAssemblies(packageDir(dir, dependency), into, seen);
}

const written = [];
for (const { dir, manifest } of packages) {
  const where = relative(REPO_ROOT, dir) || '.';
  if (!existsSync(join(dir, '.jsii'))) {
    console.error(`docgen: ${where}/.jsii is missing: run \`npm run build\` first`);
    process.exit(1);
  }
  if (existsSync(join(dir, 'lib')) && newestSource(join(dir, 'lib')) > statSync(join(dir, '.jsii')).mtimeMs) {
    console.error(`docgen: ${where}/.jsii is older than its sources in lib/: run \`npm run build\` first`);
    process.exit(1);
  }
  const workdir = mkdtempSync(join(tmpdir(), 'docgen-'));
  try {
    copyAssemblies(dir, workdir);
    const docs = await Documentation.forAssembly(manifest.name, workdir);
    const markdown = await docs.toMarkdown({ language: Language.TYPESCRIPT, readme: false, allSubmodules: true });
    writeFileSync(join(dir, 'API.md'), markdown.render());
    written.push(join(dir, 'API.md'));
  } finally {
    rmSync(workdir, { recursive: true, force: true });
  }
}
console.log(`docgen: wrote ${written.map((f) => relative(REPO_ROOT, f)).join(', ')}`);

if (check) {
  const files = written.map((f) => relative(REPO_ROOT, f));
  const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=all', '--', ...files], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (status.trim() !== '') {
    execFileSync('git', ['--no-pager', 'diff', '--stat', '--', ...files], { cwd: REPO_ROOT, stdio: 'inherit' });
    console.error(`docgen: API.md is not current for:\n${status}Run \`npm run build && npm run docgen\` and commit the API.md files.`);
    process.exit(1);
  }
  console.log('docgen: every API.md is current');
}
