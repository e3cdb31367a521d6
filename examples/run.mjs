#!/usr/bin/env node
// Proves the examples against what users install: packs every published package of the
// repository (npm pack, the tarball npm publish would upload), installs the tarballs into a copy of
// examples/typescript (no workspace links), compiles it and synthesizes it with the AWS CDK CLI.
// The Python example (examples/python) runs where a Python jsii runtime is installed; otherwise
// it says it is skipped and why. Run after `npm run build`:  npm run examples [-- --keep]
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const keep = process.argv.includes('--keep');
const env = { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true', JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1' };
const work = mkdtempSync(join(tmpdir(), 'guardrails-examples-'));

function sh(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write(`${r.stdout}${r.stderr}`);
    throw new Error(`examples: ${cmd} ${args.join(' ')} failed in ${cwd} (exit ${r.status})`);
  }
  return r.stdout;
}

/** The packages npm would publish: jsii packages that are not private. */
function publishedPackages() {
  return readdirSync(join(ROOT, 'packages'))
    .map((dir) => join(ROOT, 'packages', dir))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
    .filter(({ pkg }) => pkg.jsii !== undefined && pkg.private !== true);
}

try {
  const packs = join(work, 'packs');
  mkdirSync(packs);
  const published = publishedPackages();
  for (const { dir, pkg } of published) {
    if (!existsSync(join(dir, '.jsii'))) throw new Error(`examples: ${pkg.name} is not built (no .jsii): run npm run build first`);
    sh('npm', ['pack', '--silent', '--pack-destination', packs], dir);
  }
  const tarballs = readdirSync(packs)
    .filter((f) => f.endsWith('.tgz'))
    .map((f) => join(packs, f));
  console.log(`examples: packed ${tarballs.length} packages`);

  const app = join(work, 'typescript');
  cpSync(join(ROOT, 'examples', 'typescript'), app, { recursive: true, filter: (src) => !/node_modules|dist|cdk\.out/.test(src) });
  sh('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], app);
  // The packages come from the tarballs, not from links into this repository.
  for (const { pkg } of published) {
    const installed = join(app, 'node_modules', ...pkg.name.split('/'));
    if (!existsSync(installed) || lstatSync(installed).isSymbolicLink()) throw new Error(`examples: ${pkg.name} is not installed from its tarball`);
    const version = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).version;
    if (version !== pkg.version) throw new Error(`examples: ${pkg.name} ${version} installed, ${pkg.version} packed`);
  }
  sh('npm', ['run', '--silent', 'build'], app);
  sh(join(app, 'node_modules', '.bin', 'cdk'), ['synth', '--quiet', '--output', 'cdk.out'], app);
  const template = JSON.parse(readFileSync(join(app, 'cdk.out', 'GuardrailsExample.template.json'), 'utf8'));
  console.log(`examples: typescript synthesized GuardrailsExample (${Object.keys(template.Resources).length} resources) from the packed packages`);

  const python = spawnSync('python3', ['-c', 'import jsii, aws_cdk'], { env, encoding: 'utf8' });
  if (python.status === 0) {
    const wheels = join(work, 'python-dist');
    for (const { dir } of published) sh(join(ROOT, 'node_modules', '.bin', 'jsii-pacmak'), ['--targets', 'python', '--outdir', wheels], dir);
    execFileSync(
      'python3',
      [
        '-m',
        'pip',
        'install',
        '--quiet',
        ...readdirSync(join(wheels, 'python'))
          .filter((f) => f.endsWith('.whl'))
          .map((f) => join(wheels, 'python', f)),
      ],
      { env, stdio: 'inherit' },
    );
    const pyApp = join(work, 'python');
    cpSync(join(ROOT, 'examples', 'python'), pyApp, { recursive: true });
    sh(join(app, 'node_modules', '.bin', 'cdk'), ['synth', '--quiet', '--app', 'python3 app.py', '--output', 'cdk.out'], pyApp);
    console.log('examples: python synthesized GuardrailsExample');
  } else {
    console.log('examples: python skipped: no Python jsii runtime here (python3 -c "import jsii, aws_cdk" failed; pip install aws-cdk-lib jsii needs PyPI)');
  }
} finally {
  if (keep) console.log(`examples: kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
