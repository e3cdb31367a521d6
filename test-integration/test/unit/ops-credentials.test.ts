// The scripts fail fast, before any build or CDK CLI process, when credentials are missing,
// hang, or belong to another account. Runs the real scripts as child processes. No AWS endpoint
// is ever called: without credentials the SDK fails while resolving them (before any request),
// and the other cases point STS at a local server (AWS_ENDPOINT_URL_STS).
import { join } from 'node:path';
import { fakeSts, FakeSts, fixtureAssembly, noCredentialsEnv, runScript } from './support';

const FAKE_KEYS = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLEONLY', AWS_SECRET_ACCESS_KEY: 'not-a-real-secret' };

describe('fast failure before the CDK CLI', () => {
  test.each([
    ['deploy.mjs', ['--env', 'dev']],
    ['diff.mjs', ['--env', 'dev']],
    ['destroy.mjs', ['--env', 'dev', '--confirm', 'dev']],
  ])(
    '%s without credentials fails before any build or CLI (from credential resolution) and says what to do',
    async (script, args) => {
      // GIVEN no credentials anywhere WHEN the script runs
      const result = await runScript(script, [...args, '--sts-timeout', '2000'], noCredentialsEnv());
      // THEN it fails with a clear message, from credential resolution (no request was sent)
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/no usable AWS credentials from the default credential chain/);
      expect(result.stderr).toMatch(/Could not load credentials from any providers/);
      expect(result.stderr).toMatch(/export AWS_PROFILE=<profile>/);
      expect(result.stdout).not.toMatch(/building and synthesizing|CDK CLI call/);
    },
    20_000,
  );

  test('a profile that does not exist fails naming the profile', async () => {
    const result = await runScript('deploy.mjs', ['--env', 'dev', '--profile', 'no-such-profile', '--sts-timeout', '2000'], noCredentialsEnv());
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no usable AWS credentials from profile "no-such-profile"/);
  }, 20_000);

  describe('with a local STS', () => {
    let sts: FakeSts | undefined;
    afterEach(async () => {
      await sts?.close();
      sts = undefined;
    });

    test('credentials of another account: fails naming the security account to assume and the --deployer-account way', async () => {
      sts = await fakeSts('999999999999');
      const result = await runScript(
        'deploy.mjs',
        ['--env', 'dev', '--sts-timeout', '3000'],
        noCredentialsEnv({ ...FAKE_KEYS, AWS_ENDPOINT_URL_STS: sts.url }),
      );
      expect(sts.requests()).toBe(1);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /resolve to account 999999999999 .* but the security-account stacks of "dev" are in account 111111111111 \(the security account\)/,
      );
      expect(result.stderr).toMatch(/--account-profile 111111111111=<profile of account 111111111111>/);
      expect(result.stderr).toMatch(/--deployer-account 999999999999/);
      expect(result.stdout).not.toMatch(/building and synthesizing/);
    }, 20_000);

    test("the security account's credentials cannot deploy the workload account: fails at the workload account, before any build", async () => {
      sts = await fakeSts('111111111111');
      const result = await runScript(
        'deploy.mjs',
        ['--env', 'dev', '--sts-timeout', '3000'],
        noCredentialsEnv({ ...FAKE_KEYS, AWS_ENDPOINT_URL_STS: sts.url }),
      );
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/111111111111 \(the security account\): current credentials -> arn:aws:sts::111111111111/);
      expect(result.stderr).toMatch(/the workload-account stacks of "dev" are in account 222222222222 \(workload account "payments"\)/);
      expect(result.stdout).not.toMatch(/building and synthesizing/);
    }, 20_000);

    test("an STS that does not answer fails with the --sts-timeout message, not never (the test's own timeout bounds the wait)", async () => {
      sts = await fakeSts('hang');
      const result = await runScript('diff.mjs', ['--env', 'dev', '--sts-timeout', '1500'], noCredentialsEnv({ ...FAKE_KEYS, AWS_ENDPOINT_URL_STS: sts.url }));
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/no answer from AWS STS within 1500 ms|TimeoutError|timed? ?out/i);
    }, 20_000);
  });

  test('--dry-run prints the plan without credentials: security account first, the synthesized assembly, one call per account', async () => {
    // GIVEN an assembly synthesized elsewhere (a CI artifact), as scripts/synth.mjs leaves it
    const cdkOut = fixtureAssembly('dev', [
      { app: 'security-account', stack: 'dev-security-keys-eu-west-1', account: '111111111111', region: 'eu-west-1' },
      { app: 'workload-account', stack: 'dev-workload-payments-eu-west-1', account: '222222222222', region: 'eu-west-1' },
    ]);
    // WHEN planning a deploy of it
    const result = await runScript('deploy.mjs', ['--env', 'dev', '--dry-run', '--cdk-out', cdkOut], noCredentialsEnv());
    // THEN the security account comes first, each call deploys that assembly, and nothing else happened
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/1\. security-account in 111111111111 \(the security account\) \[eu-west-1\]: dev-security-keys-eu-west-1/);
    expect(result.stdout).toMatch(/2\. workload-account in 222222222222 \(workload account "payments"\) \[eu-west-1\]: dev-workload-payments-eu-west-1/);
    const calls = result.stdout.split('\n').filter((l) => / deploy --app /.test(l));
    expect(calls).toHaveLength(2);
    expect(calls[0]).toContain(`--app ${join(cdkOut, 'dev', 'security-account')} `);
    expect(calls[0]).toMatch(/--require-approval broadening .*--exclusively dev-security-keys-eu-west-1$/);
    expect(calls[1]).toContain(`--app ${join(cdkOut, 'dev', 'workload-account')} `);
    expect(result.stdout).toMatch(/--dry-run: credentials not checked, nothing synthesized or changed/);
  }, 20_000);
});
