#!/usr/bin/env node
// Synth benchmark: for N workload accounts x 2 regions, synthesizes a floor (aws-cdk-lib, one empty
// stack per account and region), the security app and the workload app, each in its own Node
// process exactly as `cdk synth` runs them (node dist/bin/main.js with CDK_OUTDIR and the env
// context), and prints wall time and peak RSS. Never asserts a duration; not part of `npm test`.
//
//   npm run build                                    # the apps run from their built dist/
//   node bench/synth/run.mjs                         # N = 1, 10, 100, 300
//   node bench/synth/run.mjs --sizes 1,10 --apps workload --timeout 600
//   node bench/synth/run.mjs --sizes 10 --apps workload --cpu-prof   # writes a .cpuprofile per child
//   node bench/synth/run.mjs --sizes 10,100 --apps workload --env CDK_VALIDATION=false   # without aws-cdk-lib's built-in template validation
//   node bench/synth/run.mjs --sizes 10,100 --apps workload --context aws:cdk:disable-creation-stack-traces=true
//   node bench/synth/run.mjs --sizes 10 --apps workload --keep        # keeps the assemblies (see where the MiB go)
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const require = createRequire(import.meta.url);

const APPS = {
  floor: join(here, 'floor.mjs'),
  // The hand-written floor of issue 20: the workload's resources written with plain aws-cdk-lib, built-in validation on, no other checks.
  handwritten: join(here, 'handwritten.cjs'),
  security: join(root, 'apps', 'security-account', 'dist', 'bin', 'main.js'),
  workload: join(root, 'apps', 'workload-account', 'dist', 'bin', 'main.js'),
};
/** Two regions per account: us-east-1 (IAM events) and eu-west-1, so each account has exactly two workload stacks. */
export const REGIONS = ['us-east-1', 'eu-west-1'];
const SECURITY_ACCOUNT = '111111111111';

function parseArgs(argv) {
  const opts = {
    sizes: [1, 10, 100, 300],
    apps: ['floor', 'handwritten', 'security', 'workload'],
    timeoutS: 1200,
    cpuProf: false,
    keep: false,
    context: {},
    env: {},
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i];
    if (flag === '--sizes')
      opts.sizes = value()
        .split(',')
        .map((s) => Number(s));
    else if (flag === '--apps') opts.apps = value().split(',');
    else if (flag === '--timeout') opts.timeoutS = Number(value());
    else if (flag === '--cpu-prof') opts.cpuProf = true;
    else if (flag === '--keep') opts.keep = true;
    else if (flag === '--context') {
      // --context key=value (repeatable), as `cdk synth -c`; the value is JSON when it parses (true, false, numbers).
      const pair = value();
      const eq = pair.indexOf('=');
      if (eq < 1) throw new Error(`bench/synth: --context expects key=value, received "${pair}"`);
      const raw = pair.slice(eq + 1);
      let parsed = raw;
      try {
        parsed = JSON.parse(raw);
      } catch {
        /* a plain string */
      }
      opts.context[pair.slice(0, eq)] = parsed;
    } else if (flag === '--env') {
      // --env NAME=value (repeatable): an environment variable of the app process, e.g. CDK_VALIDATION=false.
      const pair = value();
      const eq = pair.indexOf('=');
      if (eq < 1) throw new Error(`bench/synth: --env expects NAME=value, received "${pair}"`);
      opts.env[pair.slice(0, eq)] = pair.slice(eq + 1);
    } else
      throw new Error(
        `bench/synth: unknown argument "${argv[i]}" (--sizes 1,10,100,300 --apps floor,security,workload --timeout <s> --context key=value --env NAME=value --cpu-prof --keep)`,
      );
  }
  for (const n of opts.sizes) if (!Number.isInteger(n) || n < 1 || n > 5000) throw new Error(`bench/synth: --sizes: ${n} is not an integer in 1..5000`);
  for (const a of opts.apps) if (!(a in APPS)) throw new Error(`bench/synth: --apps: unknown app "${a}"; allowed: ${Object.keys(APPS).join(', ')}`);
  return opts;
}

/**
 * A valid config with N workload accounts, each in REGIONS, modelled on config/dev.json (one
 * database in eu-west-1, one API key, one service token, one cross-account role per account).
 * organizationId is set: with N accounts listed one by one the destination policy would exceed
 * its 5,120-byte limit (that failure is tested in central-logging, not benchmarked).
 */
export function benchConfig(n) {
  const dev = JSON.parse(readFileSync(join(root, 'config', 'dev.json'), 'utf8'));
  const environment = `bench${n}`;
  const template = dev.workloadAccounts[0];
  const workloadAccounts = Array.from({ length: n }, (_, i) => ({
    ...template,
    name: `acct${String(i + 1).padStart(4, '0')}`,
    accountId: String(300000000000 + i + 1),
    regions: REGIONS,
    databases: template.databases.map((db) => ({ ...db, region: 'eu-west-1' })),
  }));
  return {
    ...dev,
    environment,
    organizationId: 'o-abcd123456',
    // Like prod: the environment's OU, then its accounts. 300 accounts' foreign-key list needs the second target.
    organizationPolicies: {
      ...dev.organizationPolicies,
      targets: [
        { name: `ou-${environment}`, scpSlotsUsed: 2, rcpSlotsUsed: 1 },
        { name: `${environment}-accounts`, scpSlotsUsed: 1, rcpSlotsUsed: 1 },
      ],
    },
    securityAccount: { ...dev.securityAccount, accountId: SECURITY_ACCOUNT, regions: REGIONS, destinationName: `${environment}-central-logs` },
    // The first region is the home (aggregation) region: Security Hub aggregates the others into it.
    securityHub: { ...dev.securityHub, aggregationRegions: REGIONS.slice(1) },
    workloadAccounts,
    kms: { ...dev.kms, aliasPrefix: `guardrails-${environment}` },
    tags: { ...dev.tags, environment },
  };
}

function run(app, env, timeoutS) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const args = app === 'handwritten' ? [APPS[app], env.vars.CDK_OUTDIR, String(env.accounts)] : [APPS[app]];
    const child = spawn(process.execPath, env.nodeArgs.concat(args), { cwd: env.cwd, env: env.vars, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr = (stderr + d).slice(-4000);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutS * 1000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const wallS = Number(process.hrtime.bigint() - started) / 1e9;
      let usage = {};
      try {
        usage = JSON.parse(readFileSync(env.vars.BENCH_RSS_FILE, 'utf8'));
      } catch {
        /* killed before exit */
      }
      resolve({ code, signal, wallS, ...usage, stderr });
    });
  });
}

function dirSize(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    total += entry.isDirectory() ? dirSize(p) : statSync(p).size;
  }
  return total;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  for (const app of opts.apps) {
    if (!existsSync(APPS[app])) throw new Error(`bench/synth: ${APPS[app]} does not exist; run \`npm run build\` first`);
  }
  const { parseConfig } = require(join(root, 'packages', 'config', 'dist', 'index.js'));
  const work = mkdtempSync(join(tmpdir(), 'bench-synth-'));
  const configDir = join(work, 'config');
  mkdirSync(configDir);
  const cpu = cpus();
  console.log(`# bench/synth ${new Date().toISOString()}`);
  console.log(
    `# node ${process.version}, ${cpu.length} x ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB (${(freemem() / 2 ** 30).toFixed(1)} free), load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(`# regions per account: ${REGIONS.join(', ')}; context ${JSON.stringify(opts.context)}; env ${JSON.stringify(opts.env)}; work dir ${work}\n`);
  console.log(
    '| accounts | app | stacks | wall s | peak RSS MiB | user+sys CPU s | of which child processes s | assembly MiB | ms per stack beyond floor | marginal ms per added stack |',
  );
  console.log('|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  const results = [];
  const givenUp = new Set();
  const previous = {};
  const handwritten = {};
  const workload = {};
  try {
    for (const n of opts.sizes) {
      const config = benchConfig(n);
      parseConfig(config, config.environment); // an invalid bench config fails here, not in a child
      const configFile = join(configDir, `${config.environment}.json`);
      writeFileSync(configFile, JSON.stringify(config, null, 2));
      const floor = {};
      for (const app of opts.apps) {
        if (givenUp.has(app)) {
          console.log(`| ${n} | ${app} | - | skipped (a smaller size failed or exceeded --timeout ${opts.timeoutS}s) | | | | | | |`);
          continue;
        }
        const outdir = join(work, `cdk.out-${config.environment}-${app}`, config.environment, app === 'floor' ? 'floor' : `${app}-account`);
        mkdirSync(outdir, { recursive: true });
        const rssFile = join(work, `rss-${config.environment}-${app}.json`);
        const nodeArgs = ['--require', join(here, 'rss-hook.cjs')];
        if (opts.cpuProf) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${join(here, 'profiles')}`, `--cpu-prof-name=${config.environment}-${app}.cpuprofile`);
        const r = await run(
          app,
          {
            nodeArgs,
            accounts: n,
            cwd: app === 'handwritten' ? root : dirname(dirname(dirname(APPS[app]))),
            vars: {
              ...process.env,
              ...opts.env,
              CDK_OUTDIR: outdir,
              CDK_CONTEXT_JSON: JSON.stringify({ ...opts.context, env: config.environment }),
              GUARDRAILS_CONFIG_DIR: configDir,
              BENCH_CONFIG_FILE: configFile,
              BENCH_RSS_FILE: rssFile,
            },
          },
          opts.timeoutS,
        );
        // The compliance gate fails the synth at the very end, after every check ran and the assembly
        // and the report were written, when findings are open (other branches fix them): still a
        // complete measurement, reported as such.
        const gateFailed = r.code !== 0 && !r.signal && /Compliance gate: \d+ unacknowledged/.test(r.stderr) && existsSync(join(outdir, 'manifest.json'));
        if (gateFailed) console.error(`bench/synth: ${n} ${app}: the compliance gate reported open findings; measured anyway (every check ran)`);
        if (r.code !== 0 && !gateFailed) {
          const why = r.signal ? `killed (${r.signal}) after ${r.wallS.toFixed(0)} s` : `failed (exit ${r.code})`;
          console.log(`| ${n} | ${app} | - | ${why} | | | | | | |`);
          if (!r.signal) console.error(r.stderr);
          givenUp.add(app);
          results.push({ n, app, failed: why });
          continue;
        }
        const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
        const stacks = Object.values(manifest.artifacts ?? {}).filter((a) => a.type === 'aws:cloudformation:stack').length;
        const row = {
          n,
          app,
          stacks,
          wallS: r.wallS,
          rssMiB: r.maxRssKiB / 1024,
          // Own CPU plus that of the processes it waited for (cfn-guard): the whole cost of the synth.
          cpuS: (r.userMs + r.systemMs + (r.childrenMs ?? 0)) / 1000,
          childCpuS: (r.childrenMs ?? 0) / 1000,
          assemblyMiB: dirSize(outdir) / 2 ** 20,
          gateFailed,
        };
        if (app === 'floor') Object.assign(floor, row);
        if (app === 'handwritten') handwritten[n] = row;
        if (app === 'workload') workload[n] = row;
        const beyond = app !== 'floor' && floor.wallS !== undefined ? ((row.wallS - floor.wallS) * 1000) / stacks : undefined;
        row.msPerStackBeyondFloor = beyond;
        // Marginal cost: wall time added per stack added since the previous size of the same app.
        const prev = previous[app];
        row.marginalMsPerStack = prev && row.stacks > prev.stacks ? ((row.wallS - prev.wallS) * 1000) / (row.stacks - prev.stacks) : undefined;
        previous[app] = row;
        results.push(row);
        console.log(
          `| ${n} | ${app} | ${stacks} | ${row.wallS.toFixed(1)} | ${row.rssMiB.toFixed(0)} | ${row.cpuS.toFixed(1)} | ${row.childCpuS.toFixed(1)} | ${row.assemblyMiB.toFixed(1)} | ${beyond === undefined ? '' : beyond.toFixed(0)} | ${row.marginalMsPerStack === undefined ? '' : row.marginalMsPerStack.toFixed(0)} |`,
        );
        if (!opts.keep) rmSync(dirname(dirname(outdir)), { recursive: true, force: true });
      }
    }
  } finally {
    if (!opts.keep) rmSync(work, { recursive: true, force: true });
  }
  const ratios = printRatios(workload, handwritten);
  writeFileSync(
    join(here, 'last-run.json'),
    JSON.stringify(
      {
        date: new Date().toISOString(),
        context: opts.context,
        node: process.version,
        cpus: cpu.length,
        cpuModel: cpu[0]?.model,
        totalGiB: totalmem() / 2 ** 30,
        results,
        ratios,
      },
      null,
      2,
    ) + '\n',
  );
}

/** The workload app against the hand-written floor of the same size (issue 20's target: at most 2x wall and CPU, 1.5x peak RSS). */
function printRatios(workload, handwritten) {
  const sizes = Object.keys(workload).filter((n) => handwritten[n]);
  if (sizes.length === 0) return [];
  console.log(
    `\n# workload / hand-written (same run, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} at the end)\n`,
  );
  console.log('| accounts | stacks | wall ratio | CPU ratio | peak RSS ratio |');
  console.log('|---:|---:|---:|---:|---:|');
  return sizes.map((n) => {
    const w = workload[n];
    const h = handwritten[n];
    const r = { n: Number(n), stacks: w.stacks, wall: w.wallS / h.wallS, cpu: w.cpuS / h.cpuS, rss: w.rssMiB / h.rssMiB };
    console.log(`| ${n} | ${w.stacks} | ${r.wall.toFixed(2)}x | ${r.cpu.toFixed(2)}x | ${r.rss.toFixed(2)}x |`);
    return r;
  });
}

main().catch((e) => {
  console.error(e.message ?? e);
  process.exit(1);
});
