#!/usr/bin/env node
// Compares the findings of two compliance reports (cdk.out/<env>/compliance-report.json), app by app:
// a performance change must leave the same findings (rule, construct, acknowledgement, description).
// Exit 0 when the sets are identical, 1 otherwise (the differences are printed).
//   node bench/synth/compare-findings.mjs before/compliance-report.json after/compliance-report.json
import { readFileSync } from 'node:fs';

const [a, b] = process.argv.slice(2);
if (!a || !b) {
  console.error('usage: compare-findings.mjs <before compliance-report.json> <after compliance-report.json>');
  process.exit(2);
}

/** Every finding of a report as one canonical line, with its multiplicity. */
function findings(file) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const lines = new Map();
  for (const [app, section] of Object.entries(report.apps ?? {})) {
    for (const f of section.findings ?? []) {
      const keys = Object.keys(f).sort();
      const line = `${app} ${JSON.stringify(f, keys)}`;
      lines.set(line, (lines.get(line) ?? 0) + 1);
    }
  }
  return lines;
}

const before = findings(a);
const after = findings(b);
let differences = 0;
for (const [line, count] of before) {
  const other = after.get(line) ?? 0;
  if (other !== count) {
    differences++;
    console.log(`- (${count} before, ${other} after) ${line}`);
  }
}
for (const [line, count] of after) {
  if (!before.has(line)) {
    differences++;
    console.log(`+ (${count} after) ${line}`);
  }
}
const total = (m) => [...m.values()].reduce((s, c) => s + c, 0);
console.log(`${total(before)} findings before, ${total(after)} after; ${differences === 0 ? 'identical' : `${differences} differences`}`);
process.exit(differences === 0 ? 0 : 1);
