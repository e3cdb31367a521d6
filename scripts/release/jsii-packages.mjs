// The published packages of this repository: every packages/<name> whose package.json has a
// `jsii` key. The release scripts (docgen, prepack, the pack check, the aws-cdk-lib pin) all
// read this list, so a new construct package is covered without editing any of them.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** @returns {{ dir: string, manifest: any }[]} sorted by directory name */
export function jsiiPackages(root = REPO_ROOT) {
  const packagesDir = join(root, 'packages');
  return readdirSync(packagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(packagesDir, entry.name, 'package.json')))
    .map((entry) => {
      const dir = join(packagesDir, entry.name);
      return { dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) };
    })
    .filter(({ manifest }) => manifest.jsii !== undefined)
    .sort((a, b) => a.dir.localeCompare(b.dir));
}

// `node scripts/release/jsii-packages.mjs` prints their directories, relative to the root, one a line.
if (process.argv[1] && fileURLToPath(import.meta.url) === join(process.argv[1])) {
  for (const { dir } of jsiiPackages()) console.log(dir.slice(REPO_ROOT.length + 1));
}
