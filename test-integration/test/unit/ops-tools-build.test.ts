// scripts/ops/tools.mjs: deploy / diff / destroy compile the operator tools (config, ops-tools)
// themselves when their dist/ is missing or stale, so that they run from a fresh `npm ci` checkout
// and check arguments and credentials before the big build. Driven on a small fixture repository
// (two workspaces of one file each, the real TypeScript), never on this repository's dist/.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './support';

const TOOLS = pathToFileURL(join(ROOT, 'scripts', 'ops', 'tools.mjs')).href;

/** Every file of the fixture is an hour old, so that a file written or touched later is newer than any build. */
const AN_HOUR_AGO = new Date(Date.now() - 3_600_000);

function writeOld(file: string, text: string): void {
  writeFileSync(file, text);
  utimesSync(file, AN_HOUR_AGO, AN_HOUR_AGO);
}

/** A repository with packages/config and packages/ops-tools, each src/index.ts compiled to dist/ by its tsconfig.json. */
function fixtureRepository(): string {
  const root = mkdtempSync(join(tmpdir(), 'ops-tools-build-'));
  writeOld(join(root, 'package.json'), JSON.stringify({ name: 'fixture', private: true }));
  writeOld(join(root, 'tsconfig.base.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, types: [] } }));
  mkdirSync(join(root, 'node_modules'));
  symlinkSync(join(ROOT, 'node_modules', 'typescript'), join(root, 'node_modules', 'typescript'), 'dir');
  for (const [workspace, source] of [
    ['config', 'export const PRODUCTION = ["prod"];\n'],
    ['ops-tools', 'export const TOOL = "ops";\n'],
  ]) {
    const dir = join(root, 'packages', workspace);
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeOld(join(dir, 'package.json'), JSON.stringify({ name: workspace, main: 'dist/index.js' }));
    writeOld(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ extends: '../../tsconfig.base.json', compilerOptions: { outDir: 'dist', rootDir: 'src' }, include: ['src/**/*.ts'] }),
    );
    writeOld(join(dir, 'src', 'index.ts'), source);
  }
  return root;
}

interface BuildRun {
  built?: string[];
  lines?: string[];
  error?: string;
  name?: string;
}

/** ensureToolsBuilt on `root`, in a child process (tools.mjs is an ES module). */
function ensureBuilt(root: string): BuildRun {
  const code = `import { ensureToolsBuilt } from ${JSON.stringify(TOOLS)};
const lines = [];
try {
  const built = ensureToolsBuilt({ root: process.argv[1], log: (l) => lines.push(l) });
  console.log(JSON.stringify({ built, lines }));
} catch (e) {
  console.log(JSON.stringify({ error: e.message, name: e.name }));
}`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', code, root], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as BuildRun;
}

/** Marks a file as changed now, after the last build. */
function touch(file: string): void {
  const now = new Date();
  utimesSync(file, now, now);
}

describe('ensureToolsBuilt (scripts/ops/tools.mjs)', () => {
  test('builds what is missing or stale, config before ops-tools, and nothing that is up to date', () => {
    // GIVEN a fresh checkout, where nothing is compiled
    const root = fixtureRepository();
    // WHEN the tools are loaded the first time THEN both workspaces are built, config first
    const first = ensureBuilt(root);
    expect(first.built).toEqual(['packages/config', 'packages/ops-tools']);
    expect(first.lines?.[0]).toMatch(/^building the operator tools: packages\/config \(not built\): tsc -p packages\/config\/tsconfig.json$/);
    expect(existsSync(join(root, 'packages', 'ops-tools', 'dist', 'index.js'))).toBe(true);
    // AND an up-to-date build is not repeated
    expect(ensureBuilt(root)).toEqual({ built: [], lines: [] });

    // WHEN a source of ops-tools changes THEN only ops-tools is rebuilt
    touch(join(root, 'packages', 'ops-tools', 'src', 'index.ts'));
    const changed = ensureBuilt(root);
    expect(changed.built).toEqual(['packages/ops-tools']);
    expect(changed.lines?.[0]).toMatch(/\(packages\/ops-tools\/src\/index\.ts changed\)/);

    // WHEN config gets a new source file THEN only config is rebuilt, and the file is compiled
    writeFileSync(join(root, 'packages', 'config', 'src', 'names.ts'), 'export const PREFIX = "guardrails";\n');
    const added = ensureBuilt(root);
    expect(added.built).toEqual(['packages/config']);
    expect(added.lines?.[0]).toMatch(/\(packages\/config\/src\/names\.ts not compiled\)/);
    expect(existsSync(join(root, 'packages', 'config', 'dist', 'names.js'))).toBe(true);

    // WHEN a build setting changes (a package.json) THEN that workspace is rebuilt
    touch(join(root, 'packages', 'ops-tools', 'package.json'));
    expect(ensureBuilt(root).lines).toEqual([expect.stringMatching(/packages\/ops-tools \(packages\/ops-tools\/package\.json changed\)/)]);
  }, 120_000);

  test('compiles the facts package in place first (config imports it at run time), and only when a lib source is newer', () => {
    // GIVEN a checkout with packages/facts, never compiled
    const root = fixtureRepository();
    const facts = join(root, 'packages', 'facts', 'lib');
    mkdirSync(facts, { recursive: true });
    writeOld(join(facts, 'index.ts'), 'export class MinimumTls {\n  public static readonly VERSION = 1.2;\n}\n');
    // WHEN the tools are loaded THEN facts is compiled beside its sources, before config
    const first = ensureBuilt(root);
    expect(first.built).toEqual(['packages/facts', 'packages/config', 'packages/ops-tools']);
    expect(first.lines?.[0]).toMatch(/^building the operator tools: packages\/facts \(packages\/facts\/lib\/index\.ts not compiled\): tsc in place$/);
    expect(existsSync(join(facts, 'index.js'))).toBe(true);
    expect(existsSync(join(facts, 'index.d.ts'))).toBe(true);
    // AND not again while up to date; again when a source changes
    expect(ensureBuilt(root).built).toEqual([]);
    touch(join(facts, 'index.ts'));
    expect(ensureBuilt(root).built).toEqual(['packages/facts']);
  }, 120_000);

  test("fails if a workspace does not compile: tsc's message, nothing emitted, ops-tools not built, and the next run tries again", () => {
    // GIVEN a type error in config
    const root = fixtureRepository();
    writeFileSync(join(root, 'packages', 'config', 'src', 'index.ts'), 'export const PRODUCTION: number = "prod";\n');
    // WHEN the tools are loaded THEN the build fails naming the workspace and tsc's error, and emits nothing
    const failed = ensureBuilt(root);
    expect(failed.name).toBe('ToolsBuildError');
    expect(failed.error).toMatch(/^the operator tools could not be built: tsc -p packages\/config\/tsconfig.json failed \(exit 1\); nothing was run\./);
    expect(failed.error).toMatch(/src\/index\.ts\(1,14\): error TS2322: Type 'string' is not assignable to type 'number'/);
    expect(existsSync(join(root, 'packages', 'config', 'dist', 'index.js'))).toBe(false);
    expect(existsSync(join(root, 'packages', 'ops-tools', 'dist'))).toBe(false);
    // AND it is still stale: the next run builds again
    expect(ensureBuilt(root).error).toMatch(/tsc -p packages\/config\/tsconfig.json failed/);
  }, 60_000);
});
