#!/usr/bin/env node
// Summarizes a .cpuprofile written by `run.mjs --cpu-prof`: total sampled time, self time per
// package/file and inclusive time of the heaviest functions.
//   node bench/synth/profile-summary.mjs bench/synth/profiles/bench10-workload.cpuprofile [--top 40]
import { readFileSync } from 'node:fs';

const [file, ...rest] = process.argv.slice(2);
const top = rest[0] === '--top' ? Number(rest[1]) : 40;
const p = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const short = (url) =>
  url
    .replace(/^file:\/\//, '')
    .replace(/.*node_modules\//, '')
    .replace(/^\/work\/main\//, '');
const where = (n) => `${n.callFrame.functionName || '(anonymous)'} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
const pkg = (url) => {
  const s = short(url);
  if (!s) return '(vm)';
  if (s.startsWith('node:')) return 'node internals';
  const parts = s.split('/');
  return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts.slice(0, s.startsWith('packages/') || s.startsWith('apps/') ? 2 : 1).join('/');
};
const selfByPkg = new Map();
const inclusive = new Map();
let total = 0;
p.samples.forEach((id, i) => {
  const dt = p.timeDeltas[i] ?? 0;
  total += dt;
  const leaf = nodes.get(id);
  selfByPkg.set(pkg(leaf.callFrame.url), (selfByPkg.get(pkg(leaf.callFrame.url)) ?? 0) + dt);
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const k = where(nodes.get(cur));
    if (!seen.has(k)) {
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
    }
  }
});
const ms = (us) => (us / 1000).toFixed(0).padStart(7);
console.log(`total sampled: ${ms(total)} ms\n\nself time by package:`);
for (const [k, v] of [...selfByPkg].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${ms(v)}  ${k}`);
console.log('\ninclusive time by function:');
for (const [k, v] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(v)}  ${k}`);
