#!/usr/bin/env node
// The Python bindings of every published package (packages/<name>/dist/python/, sources only), in one
// jsii-pacmak run: the packages with a `package:python` script, with that script's flags. One run loads
// the assemblies and translates the README samples once for all packages: about 60 s on two cores
// against about 145 s for one run per package (lerna), with the same output (compared file by file).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const packages = readdirSync(join(root, 'packages'))
  .map((name) => join(root, 'packages', name))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .filter((dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).scripts?.['package:python'] !== undefined)
  .sort();

const flags = new Set(
  packages.map((dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).scripts['package:python'].replace(/^jsii-pacmak\s+/, '')),
);
if (flags.size !== 1) {
  console.error(`package-python: the packages' package:python scripts differ (${[...flags].join(' | ')}); expected one jsii-pacmak command line for all`);
  process.exit(1);
}

console.log(`package-python: ${packages.length} packages: ${packages.map((d) => d.split('/').pop()).join(', ')}`);
execFileSync('npx', ['jsii-pacmak', ...[...flags][0].split(/\s+/), ...packages], { cwd: root, stdio: 'inherit' });
