// Loads the operator tools (packages/ops-tools, compiled to dist/) for scripts/ops/run.mjs.
//
// deploy / diff / destroy must check their arguments and credentials before the big build (every
// package, then synth), and must work from a fresh `npm ci` checkout, where nothing is compiled
// yet. So before loading the tools, this builds what they run from, the facts package (in place),
// config and ops-tools, with tsc (a few seconds), but only when their output is missing or older than their
// sources; otherwise it only compares file times. A failed build emits nothing (--noEmitOnError):
// a broken dist/ is never run, and the next run tries again.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The workspaces the tools run from, in build order (ops-tools imports config). */
export const TOOL_WORKSPACES = ['packages/config', 'packages/ops-tools'];

/** Raised when the tools cannot be built; run.mjs prints the message and exits 1. */
export class ToolsBuildError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ToolsBuildError';
  }
}

function mtime(file) {
  return statSync(file).mtimeMs;
}

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/**
 * Why a workspace's dist/ must be rebuilt: missing, a source without its compiled file, a source
 * newer than its compiled file, or a build setting (package.json, its tsconfig.json, the root
 * tsconfig.base.json) newer than dist/index.js. undefined when it is up to date.
 */
export function staleReason(workspace, root = ROOT) {
  const dir = join(root, workspace);
  const index = join(dir, 'dist', 'index.js');
  if (!existsSync(index)) return 'not built';
  const built = mtime(index);
  for (const setting of [join(dir, 'package.json'), join(dir, 'tsconfig.json'), join(root, 'tsconfig.base.json')]) {
    if (existsSync(setting) && mtime(setting) > built) return `${relative(root, setting)} changed`;
  }
  for (const source of sourceFiles(join(dir, 'src'))) {
    const compiled = join(dir, 'dist', relative(join(dir, 'src'), source)).replace(/\.ts$/, '.js');
    if (!existsSync(compiled)) return `${relative(root, source)} not compiled`;
    if (mtime(source) > mtime(compiled)) return `${relative(root, source)} changed`;
  }
  return undefined;
}

/**
 * Builds the stale tool workspaces, in order, with the repository's TypeScript. Returns the
 * workspaces it built; throws ToolsBuildError with tsc's messages when a build fails.
 */
export function ensureToolsBuilt({ root = ROOT, log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
  const built = [];
  ensureFactsBuilt(root, tsc, log, built);
  for (const workspace of TOOL_WORKSPACES) {
    const reason = staleReason(workspace, root);
    if (reason === undefined) continue;
    log(`building the operator tools: ${workspace} (${reason}): tsc -p ${workspace}/tsconfig.json`);
    const result = spawnSync(process.execPath, [tsc, '-p', join(root, workspace, 'tsconfig.json'), '--noEmitOnError'], { cwd: root, encoding: 'utf8' });
    if (result.status !== 0) {
      throw new ToolsBuildError(
        [
          `the operator tools could not be built: tsc -p ${workspace}/tsconfig.json failed (exit ${result.status ?? result.signal}); nothing was run.`,
          `${result.stdout ?? ''}${result.stderr ?? ''}`.trim(),
          'Fix the error (npm run build shows the same), or run npm ci if dependencies are missing.',
        ]
          .filter((l) => l !== '')
          .join('\n'),
      );
    }
    built.push(workspace);
  }
  return built;
}

/** Where @cdk-guardrails/facts lives: a jsii package compiled in place (lib/*.ts -> lib/*.js), which config imports at run time. */
export const FACTS_WORKSPACE = 'packages/facts';

/** Why the facts package must be compiled (a lib/*.ts without a newer lib/*.js); undefined when up to date or absent. */
export function factsStaleReason(root = ROOT) {
  const lib = join(root, FACTS_WORKSPACE, 'lib');
  if (!existsSync(lib)) return undefined;
  for (const source of sourceFiles(lib)) {
    const compiled = source.replace(/\.ts$/, '.js');
    if (!existsSync(compiled)) return `${relative(root, source)} not compiled`;
    if (mtime(source) > mtime(compiled)) return `${relative(root, source)} changed`;
  }
  return undefined;
}

/**
 * Compiles the facts package in place with tsc, as jsii would (the same .js and .d.ts beside the
 * sources; `npm run build` later runs jsii itself, which also writes the .jsii assembly).
 */
function ensureFactsBuilt(root, tsc, log, built) {
  const reason = factsStaleReason(root);
  if (reason === undefined) return;
  const dir = join(root, FACTS_WORKSPACE);
  const sources = sourceFiles(join(dir, 'lib')).map((f) => relative(dir, f));
  log(`building the operator tools: ${FACTS_WORKSPACE} (${reason}): tsc in place`);
  const args = ['--declaration', '--target', 'ES2020', '--module', 'commonjs', '--strict', '--skipLibCheck', '--noEmitOnError', ...sources];
  const result = spawnSync(process.execPath, [tsc, ...args], { cwd: dir, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new ToolsBuildError(
      `the operator tools could not be built: tsc in ${FACTS_WORKSPACE} failed (exit ${result.status ?? result.signal}); nothing was run.\n${`${result.stdout ?? ''}${result.stderr ?? ''}`.trim()}`,
    );
  }
  built.push(FACTS_WORKSPACE);
}

/** The operator tools (@cdk-guardrails/ops-tools), built first when needed. */
export function loadOpsTools({ root = ROOT } = {}) {
  ensureToolsBuilt({ root });
  return createRequire(join(root, 'package.json'))('@cdk-guardrails/ops-tools');
}
