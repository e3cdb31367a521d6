// Shared by the scripts' tests: run a script as a child process with no AWS credentials around,
// a local stand-in for STS, and a fixture assembly as scripts/synth.mjs leaves it. Nothing here
// reaches AWS.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..', '..');

/** An environment with no AWS credentials anywhere, instance metadata off, and STS pointed at a closed local port. */
export function noCredentialsEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_') && !k.startsWith('GUARDRAILS_')) env[k] = v;
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

export interface ScriptResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function runScript(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<ScriptResult> {
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

export interface FakeSts {
  server: Server;
  url: string;
  requests: () => number;
  close: () => Promise<void>;
}

/**
 * A local stand-in for STS GetCallerIdentity (query protocol, XML). `accounts` maps an access key
 * id (read from the SigV4 Authorization header) to the account to answer; a string answers the
 * same account for everyone; 'hang' never answers.
 */
export function fakeSts(accounts: string | Record<string, string>): Promise<FakeSts> {
  let count = 0;
  const server = createServer((req, res) => {
    count++;
    req.resume();
    if (accounts === 'hang') return;
    req.on('end', () => {
      const keyId = /Credential=([A-Z0-9]+)\//.exec(String(req.headers.authorization))?.[1] ?? '';
      const account = typeof accounts === 'string' ? accounts : accounts[keyId];
      if (!account) {
        res.writeHead(403, { 'content-type': 'text/xml' });
        res.end(
          '<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error><RequestId>1</RequestId></ErrorResponse>',
        );
        return;
      }
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(
        `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:sts::${account}:assumed-role/Admin/tester</Arn><UserId>AROAEXAMPLE:tester</UserId><Account>${account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
      );
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        requests: () => count,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      }),
    ),
  );
}

export interface FixtureStack {
  app: string;
  stack: string;
  account: string;
  region: string;
}

export const DEV_STACKS: FixtureStack[] = [
  { app: 'security-account', stack: 'dev-security-keys-eu-west-1', account: '111111111111', region: 'eu-west-1' },
  { app: 'security-account', stack: 'dev-security-logging-eu-west-1', account: '111111111111', region: 'eu-west-1' },
  { app: 'workload-account', stack: 'dev-workload-payments-eu-west-1', account: '222222222222', region: 'eu-west-1' },
  { app: 'workload-account', stack: 'dev-workload-payments-us-east-1', account: '222222222222', region: 'us-east-1' },
];

/** A cdk.out-like folder with <env>/deploy-order.json and a manifest per app. */
export function fixtureAssembly(env: string, stacks: FixtureStack[]): string {
  const cdkOut = mkdtempSync(join(tmpdir(), 'ops-assembly-'));
  mkdirSync(join(cdkOut, env));
  writeFileSync(join(cdkOut, env, 'deploy-order.json'), JSON.stringify(stacks));
  for (const app of new Set(stacks.map((s) => s.app))) {
    const artifacts = Object.fromEntries(
      stacks
        .filter((s) => s.app === app)
        .map((s) => [
          s.stack,
          {
            type: 'aws:cloudformation:stack',
            environment: `aws://${s.account}/${s.region}`,
            properties: { stackName: s.stack },
          },
        ]),
    );
    mkdirSync(join(cdkOut, env, app));
    writeFileSync(join(cdkOut, env, app, 'manifest.json'), JSON.stringify({ artifacts }));
  }
  return cdkOut;
}
