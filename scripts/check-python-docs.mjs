#!/usr/bin/env node
// Checks the generated Python bindings (npm run package:python) for TypeScript left in Python code
// samples: every ```python block of each package's README.md and module docstrings, and every
// docstring example (jsii-pacmak writes samples it could not translate verbatim). A sample counts
// as TypeScript when it has a line starting with `const `/`let `/`import {`, `new X(`, `this,` as an
// argument, or an arrow `=>`. Run after npm run package:python:  node scripts/check-python-docs.mjs
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TYPESCRIPT = [/^\s*(const|let|import \{|export )/m, /\bnew [A-Z]\w*\(/, /\(this,/, /=>/, /;\s*$/m];

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === '_jsii' ? [] : files(path);
    return /\.(py|md)$/.test(name) ? [path] : [];
  });
}

/** The code of every python-fenced block (```python ... ```) in a text. */
export function pythonBlocks(text) {
  return [...text.matchAll(/```python\n([\s\S]*?)```/g)].map((m) => m[1]);
}

export function looksLikeTypeScript(code) {
  return TYPESCRIPT.some((re) => re.test(code));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const problems = [];
  let checked = 0;
  for (const pkg of readdirSync(join(ROOT, 'packages'))) {
    const out = join(ROOT, 'packages', pkg, 'dist', 'python');
    if (!existsSync(out)) continue;
    for (const file of files(out)) {
      for (const block of pythonBlocks(readFileSync(file, 'utf8'))) {
        checked++;
        if (looksLikeTypeScript(block)) problems.push(`${relative(ROOT, file)}: a python sample is TypeScript:\n${block.split('\n').slice(0, 4).join('\n')}`);
      }
    }
  }
  if (checked === 0) {
    console.error('check-python-docs: no generated Python found (run npm run package:python first)');
    process.exit(1);
  }
  if (problems.length > 0) {
    console.error(
      `check-python-docs: ${problems.length} of ${checked} python samples are TypeScript (the package:python script must translate them: --rosetta-unknown-snippets translate):\n\n${problems.join('\n\n')}`,
    );
    process.exit(1);
  }
  console.log(`check-python-docs: ${checked} python samples, none is TypeScript`);
}
