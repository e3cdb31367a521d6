// The deployment plan of scripts/deploy.mjs, diff.mjs and destroy.mjs, read from the synthesized
// assembly: which stacks, in which order, one CDK CLI call per app and account.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { destroyGroups, planGroups, readDeployOrder, stacksInOrder } from '../src';
import { assembly, PROD } from './fixtures';

describe('stacksInOrder', () => {
  test('each stack after the stacks it depends on, with its account and region; other artifacts left out', () => {
    // GIVEN a manifest that lists a dependent stack before its dependency
    const outdir = mkdtempSync(join(tmpdir(), 'ops-manifest-'));
    writeFileSync(
      join(outdir, 'manifest.json'),
      JSON.stringify({
        artifacts: {
          Tree: { type: 'cdk:tree' },
          Logging: {
            type: 'aws:cloudformation:stack',
            environment: 'aws://555555555555/eu-west-1',
            dependencies: ['Keys', 'Logging.assets'],
            properties: { stackName: 'prod-security-logging-eu-west-1' },
          },
          'Logging.assets': { type: 'cdk:asset-manifest' },
          Keys: { type: 'aws:cloudformation:stack', environment: 'aws://555555555555/eu-west-1', properties: { stackName: 'prod-security-keys-eu-west-1' } },
        },
      }),
    );
    // WHEN ordered THEN the keys come first, named by their stack names
    expect(stacksInOrder(outdir, 'security-account')).toEqual([
      { app: 'security-account', stack: 'prod-security-keys-eu-west-1', account: '555555555555', region: 'eu-west-1' },
      { app: 'security-account', stack: 'prod-security-logging-eu-west-1', account: '555555555555', region: 'eu-west-1' },
    ]);
  });
});

describe('readDeployOrder', () => {
  test('returns the stacks of deploy-order.json with their artifact ids, account and region', () => {
    const order = readDeployOrder('prod', assembly(PROD));
    expect(order.map((e) => [e.app, e.artifactId, e.account, e.region])).toEqual(PROD.map((e) => [e.app, e.stack, e.account, e.region]));
  });

  test('fails if nothing was synthesized, naming the command to run', () => {
    expect(() => readDeployOrder('staging', mkdtempSync(join(tmpdir(), 'ops-empty-')))).toThrow(
      /no synthesized assembly for "staging".*npm run synth -- --env staging/s,
    );
  });

  test('fails if deploy-order.json names a stack the assembly does not have (stale or mixed)', () => {
    const cdkOut = assembly(PROD, (app, artifacts) => {
      if (app === 'workload-account') delete artifacts['prod-workload-ledger-us-east-1'];
    });
    expect(() => readDeployOrder('prod', cdkOut)).toThrow(/names stack prod-workload-ledger-us-east-1, which is not in cdk.out\/prod\/workload-account/);
  });

  test('fails if the assembly puts a stack in another account than deploy-order.json says', () => {
    const cdkOut = assembly(PROD, (app, artifacts) => {
      if (app === 'security-account') (artifacts['prod-security-keys-eu-west-1'] as { environment: string }).environment = 'aws://999999999999/eu-west-1';
    });
    expect(() => readDeployOrder('prod', cdkOut)).toThrow(/is for 555555555555\/eu-west-1 but the assembly says 999999999999\/eu-west-1/);
  });

  test('fails if a stack is environment-agnostic (no concrete account)', () => {
    const agnostic = [{ ...PROD[0], account: 'unknown-account' }];
    expect(() => readDeployOrder('prod', assembly(agnostic))).toThrow(/has no concrete account/);
  });

  test('fails if deploy-order.json names an app this repository does not have', () => {
    const cdkOut = mkdtempSync(join(tmpdir(), 'ops-app-'));
    mkdirSync(join(cdkOut, 'prod'));
    writeFileSync(join(cdkOut, 'prod', 'deploy-order.json'), JSON.stringify([{ ...PROD[0], app: 'billing' }]));
    expect(() => readDeployOrder('prod', cdkOut)).toThrow(/deploy-order.json\[0\]: unknown app "billing"/);
  });
});

describe('planGroups / destroyGroups', () => {
  const order = () => readDeployOrder('prod', assembly(PROD));

  test('one CLI call per app and account: the security account first, then each workload account, stacks in deploy order', () => {
    const groups = planGroups(order());
    expect(groups).toEqual([
      { app: 'security-account', account: '555555555555', regions: ['eu-west-1', 'us-east-1'], stacks: PROD.slice(0, 4).map((e) => e.stack) },
      { app: 'workload-account', account: '666666666666', regions: ['eu-west-1', 'us-east-1'], stacks: PROD.slice(4, 6).map((e) => e.stack) },
      { app: 'workload-account', account: '777777777777', regions: ['eu-west-1', 'us-east-1'], stacks: PROD.slice(6, 8).map((e) => e.stack) },
    ]);
  });

  test('security first even if deploy-order.json listed a workload stack first', () => {
    const shuffled = [PROD[4], ...PROD.slice(0, 4)];
    const groups = planGroups(readDeployOrder('prod', assembly(shuffled)));
    expect(groups.map((g) => g.app)).toEqual(['security-account', 'workload-account']);
  });

  test('--app keeps only that app', () => {
    expect(planGroups(order(), ['workload-account']).map((g) => g.account)).toEqual(['666666666666', '777777777777']);
  });

  test('destroy runs in reverse: workloads first, the logging stacks before the keys they use', () => {
    const groups = destroyGroups(planGroups(order()));
    expect(groups.map((g) => g.account)).toEqual(['777777777777', '666666666666', '555555555555']);
    expect(groups[2].stacks).toEqual(
      PROD.slice(0, 4)
        .map((e) => e.stack)
        .reverse(),
    );
  });
});
