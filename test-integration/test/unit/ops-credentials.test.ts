// The scripts fail fast, before any build or CDK CLI process, when credentials are missing,
// hang, or belong to another account. Runs the real scripts as child processes. No AWS endpoint
// is ever called: without credentials the SDK fails while resolving them (before any request),
// and the other cases point STS at a local server (AWS_ENDPOINT_URL_STS).
import { spawn } from 'node:child_process';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

/** An environment with no AWS credentials anywhere, instance metadata off, and STS pointed at a closed local port. */
function noCredentialsEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_')) env[k] = v;
  return {
    ...env,
    AWS_CONFIG_FILE: '/nonexistent/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9',
    AWS_REGION: 'eu-west-1',
    ...extra,
  };
}

function runScript(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts', script), ...args], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

/** A local stand-in for STS GetCallerIdentity (query protocol, XML), or one that never answers. */
function fakeSts(account: string | 'hang'): Promise<{ server: Server; url: string; requests: () => number }> {
  let count = 0;
  const server = createServer((req, res) => {
    count++;
    req.resume();
    if (account === 'hang') return; // never answers
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(`<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:sts::${account}:assumed-role/Admin/tester</Arn><UserId>AROAEXAMPLE:tester</UserId><Account>${account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => count,
  })));
}

const FAKE_KEYS = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLEONLY', AWS_SECRET_ACCESS_KEY: 'not-a-real-secret' };

describe('fast failure before the CDK CLI', () => {
  test.each([
    ['deploy.mjs', ['--env', 'dev']],
    ['diff.mjs', ['--env', 'dev']],
    ['destroy.mjs', ['--env', 'dev', '--confirm', 'dev']],
  ])('%s without credentials fails in seconds, says what to do, and starts no build or CLI', async (script, args) => {
    // GIVEN no credentials anywhere WHEN the script runs
    const result = await runScript(script, [...args, '--sts-timeout', '2000'], noCredentialsEnv());
    // THEN it fails with a clear message, from credential resolution (no request was sent)
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no usable AWS credentials from the default credential chain/);
    expect(result.stderr).toMatch(/Could not load credentials from any providers/);
    expect(result.stderr).toMatch(/export AWS_PROFILE=<profile>/);
    expect(result.stdout).not.toMatch(/building and synthesizing|CDK CLI call/);
    expect(result.ms).toBeLessThan(10_000);
  }, 20_000);

  test('a profile that does not exist fails naming the profile', async () => {
    const result = await runScript('deploy.mjs', ['--env', 'dev', '--profile', 'no-such-profile', '--sts-timeout', '2000'], noCredentialsEnv());
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no usable AWS credentials from profile "no-such-profile"/);
  }, 20_000);

  describe('with a local STS', () => {
    let sts: Awaited<ReturnType<typeof fakeSts>> | undefined;
    afterEach(() => new Promise<void>((resolve) => {
      if (!sts) return resolve();
      sts.server.closeAllConnections();
      sts.server.close(() => resolve());
    }));

    test('credentials of another account: fails naming the security account to assume and the --deployer-account way', async () => {
      sts = await fakeSts('999999999999');
      const result = await runScript('deploy.mjs', ['--env', 'dev', '--sts-timeout', '3000'], noCredentialsEnv({ ...FAKE_KEYS, AWS_ENDPOINT_URL_STS: sts.url }));
      expect(sts.requests()).toBe(1);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/resolve to account 999999999999 .* but the security-account stacks of "dev" are in account 111111111111 \(the security account\)/);
      expect(result.stderr).toMatch(/--account-profile 111111111111=<profile of account 111111111111>/);
      expect(result.stderr).toMatch(/--deployer-account 999999999999/);
      expect(result.stdout).not.toMatch(/building and synthesizing/);
    }, 20_000);

    test('the security account\'s credentials cannot deploy the workload account: fails at the workload account, before any build', async () => {
      sts = await fakeSts('111111111111');
      const result = await runScript('deploy.mjs', ['--env', 'dev', '--sts-timeout', '3000'], noCredentialsEnv({ ...FAKE_KEYS, AWS_ENDPOINT_URL_STS: sts.url }));
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/111111111111 \(the security account\): current credentials -> arn:aws:sts::111111111111/);
      expect(result.stderr).toMatch(/the workload-account stacks of "dev" are in account 222222222222 \(workload account "payments"\)/);
      expect(result.stdout).not.toMatch(/building and synthesizing/);
    }, 20_000);

    test('an STS that does not answer fails after --sts-timeout, not never', async () => {
      sts = await fakeSts('hang');
      const result = await runScript('diff.mjs', ['--env', 'dev', '--sts-timeout', '1500'], noCredentialsEnv({ ...FAKE_KEYS, AWS_ENDPOINT_URL_STS: sts.url }));
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/no answer from AWS STS within 1500 ms|TimeoutError|timed? ?out/i);
      expect(result.ms).toBeLessThan(10_000);
    }, 20_000);
  });

  test('--dry-run prints the plan without credentials: security account first, the synthesized assembly, one call per account', async () => {
    // GIVEN an assembly synthesized elsewhere (a CI artifact), as scripts/synth.mjs leaves it
    const cdkOut = mkdtempSync(join(tmpdir(), 'ops-dry-run-'));
    const stacks = [
      { app: 'security-account', stack: 'dev-security-keys-eu-west-1', account: '111111111111', region: 'eu-west-1' },
      { app: 'workload-account', stack: 'dev-workload-payments-eu-west-1', account: '222222222222', region: 'eu-west-1' },
    ];
    mkdirSync(join(cdkOut, 'dev'));
    writeFileSync(join(cdkOut, 'dev', 'deploy-order.json'), JSON.stringify(stacks));
    for (const s of stacks) {
      mkdirSync(join(cdkOut, 'dev', s.app));
      writeFileSync(join(cdkOut, 'dev', s.app, 'manifest.json'), JSON.stringify({
        artifacts: { [s.stack]: { type: 'aws:cloudformation:stack', environment: `aws://${s.account}/${s.region}`, properties: { stackName: s.stack } } },
      }));
    }
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
