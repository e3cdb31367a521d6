#!/usr/bin/env node
// Pins aws-cdk-lib to another version in every package.json of the repository (the root and every
// workspace), for CI's job on the oldest supported aws-cdk-lib. Run `npm install` afterwards; the
// change is for that job's checkout only, never committed.
//
//   node scripts/release/use-aws-cdk-lib.mjs --peer-floor   the floor of the published packages' peer range
//   node scripts/release/use-aws-cdk-lib.mjs 2.276.0        a given version
//   node scripts/release/use-aws-cdk-lib.mjs --print-floor  only print the floor; change nothing
//
// Prints the version. Fails if the published packages disagree on the floor.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsiiPackages, REPO_ROOT } from './jsii-packages.mjs';

/** The lowest version the published packages' caret range admits: `^2.269.0` -> `2.269.0`. */
function peerFloor() {
  const floors = new Map();
  for (const { manifest } of jsiiPackages()) {
    const range = manifest.peerDependencies?.['aws-cdk-lib'];
    const match = /^\^(\d+\.\d+\.\d+)$/.exec(range ?? '');
    if (!match) throw new Error(`${manifest.name}: peerDependencies["aws-cdk-lib"] is ${JSON.stringify(range)}; expected a caret range such as "^2.269.0"`);
    floors.set(manifest.name, match[1]);
  }
  const distinct = [...new Set(floors.values())];
  if (distinct.length !== 1) {
    throw new Error(
      `the published packages disagree on the aws-cdk-lib floor: ${[...floors].map(([n, v]) => `${n} ^${v}`).join(', ')}; use one floor (README "Supported versions")`,
    );
  }
  return distinct[0];
}

function manifests() {
  const root = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
  const files = [join(REPO_ROOT, 'package.json')];
  for (const pattern of root.workspaces) {
    const dir = join(REPO_ROOT, pattern.replace(/\/\*$/, ''));
    if (pattern.endsWith('/*')) {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const file = join(dir, entry.name, 'package.json');
        if (entry.isDirectory() && existsSync(file)) files.push(file);
      }
    } else if (existsSync(join(dir, 'package.json'))) {
      files.push(join(dir, 'package.json'));
    }
  }
  return files;
}

const arg = process.argv[2];
if (arg === '--print-floor') {
  console.log(peerFloor());
  process.exit(0);
}
const version = arg === '--peer-floor' ? peerFloor() : arg;
if (!/^\d+\.\d+\.\d+$/.test(version ?? '')) {
  console.error(`use-aws-cdk-lib: received ${JSON.stringify(arg)}; expected --peer-floor, --print-floor or an exact version such as 2.276.0`);
  process.exit(1);
}
for (const file of manifests()) {
  const manifest = JSON.parse(readFileSync(file, 'utf8'));
  let changed = false;
  for (const field of ['dependencies', 'devDependencies']) {
    if (manifest[field]?.['aws-cdk-lib'] !== undefined && manifest[field]['aws-cdk-lib'] !== version) {
      manifest[field]['aws-cdk-lib'] = version;
      changed = true;
    }
  }
  if (changed) writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
}
console.log(version);
