// scripts/deploy.mjs, diff.mjs and destroy.mjs end to end, after the credential check: which CDK
// CLI calls they make, in which order, with which profile, what happens on a failure, and the
// outputs file. The CLI is a recording stand-in (GUARDRAILS_CDK_CLI), STS a local server keyed by
// access key id, the assembly a fixture (--cdk-out), the outputs a temporary folder.
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV_STACKS, fakeSts, FakeSts, fixtureAssembly, noCredentialsEnv, runScript } from './support';

/** A CDK CLI stand-in: logs each call (args, profile) as a JSON line; deploy writes an outputs file; FAKE_CLI_EXIT_<app> sets its exit code. */
function recordingCli(dir: string): string {
  const file = join(dir, 'fake-cdk.cjs');
  writeFileSync(
    file,
    `#!${process.execPath}
const fs = require('fs');
const args = process.argv.slice(2);
const app = args[args.indexOf('--app') + 1].split('/').pop();
const profile = args.includes('--profile') ? args[args.indexOf('--profile') + 1] : undefined;
const stacks = args.slice(args.indexOf('--exclusively') + 1);
fs.appendFileSync(process.env.FAKE_CLI_LOG, JSON.stringify({ command: args[0], app, profile, stacks, args }) + '\\n');
if (args[0] === 'deploy') {
  const out = args[args.indexOf('--outputs-file') + 1];
  fs.writeFileSync(out, JSON.stringify(Object.fromEntries(stacks.map((s) => [s, { GuardrailsEnvironment: 'dev', Marker: 'deployed-' + s }]))));
}
process.exit(Number(process.env['FAKE_CLI_EXIT_' + app.replace('-', '_')] ?? 0));
`,
  );
  chmodSync(file, 0o755);
  return file;
}

describe('the scripts after the credential check', () => {
  let sts: FakeSts;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const calls = () =>
    readFileSync(join(dir, 'calls.log'), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l));
  const profiles = ['--account-profile', 'security=sec', '--account-profile', 'payments=pay'];

  beforeEach(async () => {
    // GIVEN a profile per account (static keys), an STS that knows them, a recording CLI
    sts = await fakeSts({ AKIDSECURITYACCOUNT: '111111111111', AKIDPAYMENTSACCOUNT: '222222222222' });
    dir = mkdtempSync(join(tmpdir(), 'ops-run-'));
    writeFileSync(
      join(dir, 'credentials'),
      [
        '[sec]',
        'aws_access_key_id = AKIDSECURITYACCOUNT',
        'aws_secret_access_key = not-a-secret-1',
        '[pay]',
        'aws_access_key_id = AKIDPAYMENTSACCOUNT',
        'aws_secret_access_key = not-a-secret-2',
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'calls.log'), '');
    env = noCredentialsEnv({
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      AWS_ENDPOINT_URL_STS: sts.url,
      GUARDRAILS_CDK_CLI: recordingCli(dir),
      GUARDRAILS_OUTPUTS_DIR: join(dir, 'cfn-outputs'),
      FAKE_CLI_LOG: join(dir, 'calls.log'),
    });
  });
  afterEach(() => sts.close());

  test('deploy: security account first, then the workload account, each with its profile, on the given assembly; flat outputs of both', async () => {
    const cdkOut = fixtureAssembly('dev', DEV_STACKS);
    const result = await runScript('deploy.mjs', ['--env', 'dev', '--cdk-out', cdkOut, ...profiles], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(sts.requests()).toBe(2);
    expect(calls().map((c) => [c.command, c.app, c.profile, c.stacks])).toEqual([
      ['deploy', 'security-account', 'sec', ['dev-security-keys-eu-west-1', 'dev-security-logging-eu-west-1']],
      ['deploy', 'workload-account', 'pay', ['dev-workload-payments-eu-west-1', 'dev-workload-payments-us-east-1']],
    ]);
    expect(calls()[0].args).toEqual(expect.arrayContaining(['--app', join(cdkOut, 'dev', 'security-account'), '--require-approval', 'broadening']));
    const flat = JSON.parse(readFileSync(join(dir, 'cfn-outputs', 'flat-outputs.json'), 'utf8'));
    expect(flat['dev-security-keys-eu-west-1.Marker']).toBe('deployed-dev-security-keys-eu-west-1');
    expect(flat['dev-workload-payments-us-east-1.Marker']).toBe('deployed-dev-workload-payments-us-east-1');
    expect(Object.keys(flat)).toHaveLength(8);
    expect(result.stdout).toMatch(/Deployed dev\./);
  }, 30_000);

  test('deploy: a failure in the security account stops the run; the workload account is not touched and the message says so', async () => {
    const result = await runScript('deploy.mjs', ['--env', 'dev', '--cdk-out', fixtureAssembly('dev', DEV_STACKS), ...profiles], {
      ...env,
      FAKE_CLI_EXIT_security_account: '1',
    });
    expect(result.code).toBe(1);
    expect(calls().map((c) => c.app)).toEqual(['security-account']);
    expect(result.stderr).toMatch(/the CDK CLI failed for security-account in account 111111111111 \(exit 1\)/);
    expect(result.stderr).toMatch(/Not run: workload-account in 222222222222/);
    expect(result.stderr).toMatch(/CloudFormation rolled the failed stack back/);
    // the outputs of what did deploy are still written
    expect(existsSync(join(dir, 'cfn-outputs', 'flat-outputs.json'))).toBe(true);
  }, 30_000);

  test('diff --fail: differences in one account do not hide the next; the run exits 1 at the end', async () => {
    const result = await runScript('diff.mjs', ['--env', 'dev', '--fail', '--cdk-out', fixtureAssembly('dev', DEV_STACKS), ...profiles], {
      ...env,
      FAKE_CLI_EXIT_security_account: '1',
    });
    expect(calls().map((c) => [c.command, c.app])).toEqual([
      ['diff', 'security-account'],
      ['diff', 'workload-account'],
    ]);
    expect(calls()[0].args).toContain('--fail');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/diff dev: differences found \(--fail\)/);
  }, 30_000);

  test('destroy: workload account first, then the security account, stacks in reverse order', async () => {
    const result = await runScript('destroy.mjs', ['--env', 'dev', '--confirm', 'dev', '--cdk-out', fixtureAssembly('dev', DEV_STACKS), ...profiles], env);
    expect(result.code).toBe(0);
    expect(calls().map((c) => [c.command, c.app, c.profile, c.stacks])).toEqual([
      ['destroy', 'workload-account', 'pay', ['dev-workload-payments-us-east-1', 'dev-workload-payments-eu-west-1']],
      ['destroy', 'security-account', 'sec', ['dev-security-logging-eu-west-1', 'dev-security-keys-eu-west-1']],
    ]);
    expect(calls()[0].args).toContain('--force');
  }, 30_000);

  test('--app workload-account checks and deploys only the workload account', async () => {
    const result = await runScript(
      'deploy.mjs',
      ['--env', 'dev', '--app', 'workload-account', '--cdk-out', fixtureAssembly('dev', DEV_STACKS), '--account-profile', 'payments=pay'],
      env,
    );
    expect(result.code).toBe(0);
    expect(sts.requests()).toBe(1);
    expect(calls().map((c) => c.app)).toEqual(['workload-account']);
  }, 30_000);

  test('fails if the assembly has an account the config does not name (synthesized from another config)', async () => {
    const foreign = DEV_STACKS.map((s) => (s.app === 'workload-account' ? { ...s, account: '333333333333' } : s));
    const result = await runScript('deploy.mjs', ['--env', 'dev', '--cdk-out', fixtureAssembly('dev', foreign), ...profiles], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/workload-account stacks in account 333333333333, which config\/dev.json does not name/);
    expect(calls()).toEqual([]);
  }, 30_000);
});
