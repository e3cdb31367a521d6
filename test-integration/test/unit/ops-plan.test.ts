// The deployment plan of scripts/deploy.mjs, diff.mjs and destroy.mjs (scripts/ops/lib.cjs):
// which stacks, in which order, with which credentials and CDK CLI arguments.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ops = require('../../../scripts/ops/lib.cjs');

interface Entry { app: string; stack: string; account: string; region: string }

/** Writes cdk.out/<env>/deploy-order.json and a manifest per app, as scripts/synth.mjs leaves them. */
function assembly(entries: Entry[], manifestOverride?: (app: string, artifacts: Record<string, unknown>) => void): string {
  const cdkOut = mkdtempSync(join(tmpdir(), 'ops-plan-'));
  mkdirSync(join(cdkOut, 'prod'), { recursive: true });
  writeFileSync(join(cdkOut, 'prod', 'deploy-order.json'), JSON.stringify(entries));
  for (const app of new Set(entries.map((e) => e.app))) {
    const artifacts: Record<string, unknown> = { Tree: { type: 'cdk:tree' } };
    for (const e of entries.filter((x) => x.app === app)) {
      artifacts[e.stack] = { type: 'aws:cloudformation:stack', environment: `aws://${e.account}/${e.region}`, properties: { stackName: e.stack } };
    }
    manifestOverride?.(app, artifacts);
    mkdirSync(join(cdkOut, 'prod', app), { recursive: true });
    writeFileSync(join(cdkOut, 'prod', app, 'manifest.json'), JSON.stringify({ artifacts }));
  }
  return cdkOut;
}

const PROD: Entry[] = [
  { app: 'security-account', stack: 'prod-security-keys-eu-west-1', account: '555555555555', region: 'eu-west-1' },
  { app: 'security-account', stack: 'prod-security-logging-eu-west-1', account: '555555555555', region: 'eu-west-1' },
  { app: 'security-account', stack: 'prod-security-keys-us-east-1', account: '555555555555', region: 'us-east-1' },
  { app: 'security-account', stack: 'prod-security-logging-us-east-1', account: '555555555555', region: 'us-east-1' },
  { app: 'workload-account', stack: 'prod-workload-payments-eu-west-1', account: '666666666666', region: 'eu-west-1' },
  { app: 'workload-account', stack: 'prod-workload-payments-us-east-1', account: '666666666666', region: 'us-east-1' },
  { app: 'workload-account', stack: 'prod-workload-ledger-eu-west-1', account: '777777777777', region: 'eu-west-1' },
  { app: 'workload-account', stack: 'prod-workload-ledger-us-east-1', account: '777777777777', region: 'us-east-1' },
];

const ACCOUNTS = {
  environment: 'prod',
  security: '555555555555',
  workloads: [{ name: 'payments', accountId: '666666666666' }, { name: 'ledger', accountId: '777777777777' }],
};

describe('readDeployOrder', () => {
  test('returns the stacks of deploy-order.json with their artifact ids, account and region', () => {
    const order = ops.readDeployOrder('prod', assembly(PROD));
    expect(order.map((e: Entry & { artifactId: string }) => [e.app, e.artifactId, e.account, e.region])).toEqual(PROD.map((e) => [e.app, e.stack, e.account, e.region]));
  });

  test('fails if nothing was synthesized, naming the command to run', () => {
    expect(() => ops.readDeployOrder('staging', mkdtempSync(join(tmpdir(), 'ops-empty-')))).toThrow(/no synthesized assembly for "staging".*npm run synth -- --env staging/s);
  });

  test('fails if deploy-order.json names a stack the assembly does not have (stale or mixed)', () => {
    const cdkOut = assembly(PROD, (app, artifacts) => { if (app === 'workload-account') delete artifacts['prod-workload-ledger-us-east-1']; });
    expect(() => ops.readDeployOrder('prod', cdkOut)).toThrow(/names stack prod-workload-ledger-us-east-1, which is not in cdk.out\/prod\/workload-account/);
  });

  test('fails if the assembly puts a stack in another account than deploy-order.json says', () => {
    const cdkOut = assembly(PROD, (app, artifacts) => {
      if (app === 'security-account') (artifacts['prod-security-keys-eu-west-1'] as { environment: string }).environment = 'aws://999999999999/eu-west-1';
    });
    expect(() => ops.readDeployOrder('prod', cdkOut)).toThrow(/is for 555555555555\/eu-west-1 but the assembly says 999999999999\/eu-west-1/);
  });

  test('fails if a stack is environment-agnostic (no concrete account)', () => {
    const agnostic = [{ ...PROD[0], account: 'unknown-account' }];
    expect(() => ops.readDeployOrder('prod', assembly(agnostic))).toThrow(/has no concrete account/);
  });
});

describe('planGroups / destroyGroups', () => {
  const order = () => ops.readDeployOrder('prod', assembly(PROD));

  test('one CLI call per app and account: the security account first, then each workload account, stacks in deploy order', () => {
    const groups = ops.planGroups(order());
    expect(groups).toEqual([
      { app: 'security-account', account: '555555555555', regions: ['eu-west-1', 'us-east-1'], stacks: PROD.slice(0, 4).map((e) => e.stack) },
      { app: 'workload-account', account: '666666666666', regions: ['eu-west-1', 'us-east-1'], stacks: PROD.slice(4, 6).map((e) => e.stack) },
      { app: 'workload-account', account: '777777777777', regions: ['eu-west-1', 'us-east-1'], stacks: PROD.slice(6, 8).map((e) => e.stack) },
    ]);
  });

  test('security first even if deploy-order.json listed a workload stack first', () => {
    const shuffled = [PROD[4], ...PROD.slice(0, 4)];
    const groups = ops.planGroups(ops.readDeployOrder('prod', assembly(shuffled)));
    expect(groups.map((g: { app: string }) => g.app)).toEqual(['security-account', 'workload-account']);
  });

  test('--app keeps only that app', () => {
    expect(ops.planGroups(order(), ['workload-account']).map((g: { account: string }) => g.account)).toEqual(['666666666666', '777777777777']);
  });

  test('destroy runs in reverse: workloads first, the logging stacks before the keys they use', () => {
    const groups = ops.destroyGroups(ops.planGroups(order()));
    expect(groups.map((g: { account: string }) => g.account)).toEqual(['777777777777', '666666666666', '555555555555']);
    expect(groups[2].stacks).toEqual(PROD.slice(0, 4).map((e) => e.stack).reverse());
  });
});

describe('credentials per account', () => {
  const opts = (extra: Record<string, unknown> = {}) => ({ ...ops.parseArgs('deploy', ['--env', 'prod']), ...extra });

  test('profileFor: by account id, then "security" or workload name, then --profile, else none', () => {
    const o = opts({ profile: 'fallback', accountProfiles: { security: 'sec', ledger: 'led', '666666666666': 'pay' } });
    expect(ops.profileFor('555555555555', o, ACCOUNTS)).toBe('sec');
    expect(ops.profileFor('666666666666', o, ACCOUNTS)).toBe('pay');
    expect(ops.profileFor('777777777777', o, ACCOUNTS)).toBe('led');
    expect(ops.profileFor('777777777777', opts({ profile: 'fallback' }), ACCOUNTS)).toBe('fallback');
    expect(ops.profileFor('777777777777', opts(), ACCOUNTS)).toBeUndefined();
  });

  test('fails if --account-profile names an account the config does not have (a typo must not pick other credentials)', () => {
    expect(() => ops.checkAccountProfileKeys(opts({ accountProfiles: { paymnts: 'x' } }), ACCOUNTS)).toThrow(/"paymnts" is not an account of config\/prod.json.*payments, ledger/);
  });

  test('callerAccountProblem: none when the credentials are for the target account', () => {
    const group = { app: 'workload-account', account: '666666666666', stacks: ['s'] };
    expect(ops.callerAccountProblem({ callerAccount: '666666666666', callerArn: 'arn', group, accounts: ACCOUNTS, opts: opts() })).toBeNull();
  });

  test('callerAccountProblem: another account names the account to assume and the --deployer-account way', () => {
    const group = { app: 'security-account', account: '555555555555', stacks: ['prod-security-keys-eu-west-1'] };
    const message = ops.callerAccountProblem({ callerAccount: '666666666666', callerArn: 'arn:aws:sts::666666666666:assumed-role/Admin/me', group, accounts: ACCOUNTS, opts: opts(), profile: 'pay' });
    expect(message).toMatch(/profile "pay" resolve to account 666666666666/);
    expect(message).toMatch(/the security-account stacks of "prod" \(prod-security-keys-eu-west-1\) are in account 555555555555 \(the security account\)/);
    expect(message).toMatch(/--account-profile 555555555555=<profile of account 555555555555>/);
    expect(message).toMatch(/bootstrapped with --trust 666666666666, pass --deployer-account 666666666666/);
  });

  test('callerAccountProblem: a trusted deployer account may act on other accounts, no other account may', () => {
    const group = { app: 'workload-account', account: '777777777777', stacks: ['s'] };
    const o = opts({ deployerAccount: '444444444444' });
    expect(ops.callerAccountProblem({ callerAccount: '444444444444', callerArn: 'arn', group, accounts: ACCOUNTS, opts: o })).toBeNull();
    expect(ops.callerAccountProblem({ callerAccount: '666666666666', callerArn: 'arn', group, accounts: ACCOUNTS, opts: o })).toMatch(/--deployer-account 444444444444 was given, but these credentials are for 666666666666/);
  });
});

describe('cdkArgs', () => {
  const group = { app: 'workload-account', account: '666666666666', regions: ['eu-west-1'], stacks: ['a', 'b'] };

  test('deploy: the synthesized assembly, approval, concurrency, outputs file, only the listed stacks', () => {
    const opts = ops.parseArgs('deploy', ['--env', 'prod', '--require-approval', 'any-change']);
    const args = ops.cdkArgs({ command: 'deploy', env: 'prod', group, profile: 'pay', opts, outputsFile: '/o.json', cdkOut: '/repo/cdk.out' });
    expect(args).toEqual(['deploy', '--app', '/repo/cdk.out/prod/workload-account', '--no-notices', '--profile', 'pay',
      '--require-approval', 'any-change', '--concurrency', '1', '--outputs-file', '/o.json', '--progress', 'events', '--exclusively', 'a', 'b']);
    expect(args).not.toContain('--no-rollback');
  });

  test('diff passes --fail when asked; destroy passes --force (confirmation was --confirm); no profile means ambient credentials', () => {
    const diff = ops.cdkArgs({ command: 'diff', env: 'dev', group, opts: ops.parseArgs('diff', ['--env', 'dev', '--fail']), cdkOut: '/c' });
    expect(diff).toEqual(['diff', '--app', '/c/dev/workload-account', '--no-notices', '--fail', '--exclusively', 'a', 'b']);
    const destroy = ops.cdkArgs({ command: 'destroy', env: 'dev', group, opts: ops.parseArgs('destroy', ['--env', 'dev', '--confirm', 'dev']), cdkOut: '/c' });
    expect(destroy).toEqual(['destroy', '--app', '/c/dev/workload-account', '--no-notices', '--force', '--exclusively', 'a', 'b']);
  });
});

describe('bootstrap commands', () => {
  test('one per account with all its regions (workloads also us-east-1, where IAM changes are captured), matching the config package', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { keyLocations, loadConfig } = require('@cdk-guardrails/config');
    const config = loadConfig('prod', { configDir: join(__dirname, '..', '..', '..', 'config') });
    const accounts = ops.readConfigAccounts('prod');
    const targets = ops.deployTargets(accounts).flatMap((t: { accountId: string; regions: string[] }) => t.regions.map((region) => ({ accountId: t.accountId, region })));
    // keyLocations = every account and region that holds stacks (security regions, workload stack regions)
    expect(targets).toEqual(keyLocations(config));
  });

  test('with a deployer account: --trust it and name the execution policy (the CLI refuses --trust without it); not for the deployer itself', () => {
    const accounts = { ...ACCOUNTS, securityRegions: ['eu-west-1', 'us-east-1'], workloads: [{ name: 'payments', accountId: '666666666666', regions: ['eu-west-1'] }] };
    const opts = { ...ops.parseArgs('deploy', ['--env', 'prod', '--account-profile', 'payments=pay']), deployerAccount: '555555555555' };
    expect(ops.bootstrapCommands(accounts, opts).map((b: { command: string }) => b.command)).toEqual([
      'npx cdk bootstrap aws://555555555555/eu-west-1 aws://555555555555/us-east-1 --qualifier hnb659fds --custom-permissions-boundary GuardrailsDeploymentBoundary --cloudformation-execution-policies arn:aws:iam::aws:policy/AdministratorAccess',
      'npx cdk bootstrap aws://666666666666/eu-west-1 aws://666666666666/us-east-1 --profile pay --trust 555555555555 --qualifier hnb659fds --custom-permissions-boundary GuardrailsDeploymentBoundary --cloudformation-execution-policies arn:aws:iam::aws:policy/AdministratorAccess',
    ]);
  });

  test('the execution role is bounded: the deployment boundary is deployed first, in the account, and the bootstrap names it and the config qualifier', () => {
    const accounts = { ...ops.readConfigAccounts('prod'), cdkQualifier: 'acme01' };
    const [security] = ops.bootstrapCommands(accounts, ops.parseArgs('deploy', ['--env', 'prod', '--account-profile', 'security=sec']));
    expect(security.boundaryCommand).toBe('aws cloudformation deploy --template-file cdk.out/prod/bootstrap/deployment-boundary.template.json '
      + '--stack-name guardrails-deployment-boundary --capabilities CAPABILITY_NAMED_IAM --region eu-west-1 --profile sec');
    expect(security.command).toMatch(/ --qualifier acme01 --custom-permissions-boundary GuardrailsDeploymentBoundary /);
    expect(ops.readConfigAccounts('prod').cdkQualifier).toBe('hnb659fds');
  });
});
