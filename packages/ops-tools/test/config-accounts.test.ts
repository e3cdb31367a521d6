// The accounts and regions of an environment, read through @cdk-guardrails/config (validated as
// synth validates them) before any credentials are checked.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyLocations, loadConfig } from '@cdk-guardrails/config';
import { bootstrapTargets, deployTargets, describeAccount, OpsError, readConfigAccounts } from '../src';
import { ACCOUNTS, CONFIG_DIR } from './fixtures';

/** A config folder holding the shipped <env>.json with `edit` applied. */
function configDirWith(env: string, edit: (raw: Record<string, any>) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'ops-config-'));
  const raw = JSON.parse(readFileSync(join(CONFIG_DIR, `${env}.json`), 'utf8'));
  edit(raw);
  writeFileSync(join(dir, `${env}.json`), JSON.stringify(raw));
  return dir;
}

describe('readConfigAccounts', () => {
  test('the security account, the workload accounts with their regions, the replica region and the qualifier', () => {
    const config = loadConfig('prod', { configDir: CONFIG_DIR });
    const accounts = readConfigAccounts('prod');
    expect(accounts).toMatchObject({ environment: 'prod', security: config.securityAccount.accountId, securityRegions: config.securityAccount.regions });
    expect(accounts.workloads).toEqual(config.workloadAccounts.map((a) => ({ name: a.name, accountId: a.accountId, regions: a.regions })));
    expect(accounts.auditReplicaRegion).toBe(config.auditLogs.replicaRegion);
  });

  test("fails if the config is invalid, with the config's own message (file, field, value received, what is allowed), before any credentials", () => {
    // GIVEN a dev config whose security account id has 11 digits
    const dir = configDirWith('dev', (raw) => {
      raw.securityAccount.accountId = '11111111111';
    });
    // WHEN read THEN it fails as synth would, naming the field and the value
    let error: OpsError | undefined;
    try {
      readConfigAccounts('dev', dir);
    } catch (e) {
      error = e as OpsError;
    }
    expect(error).toBeInstanceOf(OpsError);
    expect(error?.exitCode).toBe(1);
    expect(error?.message).toMatch(/Invalid configuration in .*dev\.json/);
    expect(error?.message).toMatch(/securityAccount\.accountId: received "11111111111"; expected a 12-digit AWS account id/);
  });

  test('fails if a cross-field rule is broken (a workload account reusing the security account)', () => {
    const dir = configDirWith('dev', (raw) => {
      raw.workloadAccounts[0].accountId = raw.securityAccount.accountId;
    });
    expect(() => readConfigAccounts('dev', dir)).toThrow(/workloadAccounts\[0\]\.accountId: received "111111111111"/);
  });

  test('fails if the environment has no config, listing those it has', () => {
    expect(() => readConfigAccounts('qa')).toThrow(/No configuration for environment "qa": .*qa\.json does not exist\. Environments found: dev, prod, staging/);
  });
});

describe('deployTargets / bootstrapTargets', () => {
  test('one per account with all its regions (workloads also us-east-1, where IAM changes are captured): the key locations of the config', () => {
    const config = loadConfig('prod', { configDir: CONFIG_DIR });
    const accounts = readConfigAccounts('prod');
    const targets = deployTargets(accounts).flatMap((t) => t.regions.map((region) => ({ accountId: t.accountId, region })));
    // keyLocations = every account and region that holds stacks (security regions, workload stack regions)
    expect(targets).toEqual(keyLocations(config));
  });

  test('the audit replica region is bootstrapped in every workload account, not in the security account', () => {
    const accounts = {
      ...ACCOUNTS,
      securityRegions: ['eu-west-1'],
      workloads: [{ name: 'payments', accountId: '666666666666', regions: ['eu-west-1'] }],
      auditReplicaRegion: 'eu-north-1',
    };
    expect(bootstrapTargets(accounts).map((t) => [t.accountId, t.regions])).toEqual([
      ['555555555555', ['eu-west-1']],
      ['666666666666', ['eu-west-1', 'us-east-1', 'eu-north-1']],
    ]);
    expect(bootstrapTargets({ ...accounts, auditReplicaRegion: undefined })).toEqual(deployTargets(accounts));
  });

  test('describeAccount names the account from config', () => {
    expect(describeAccount('555555555555', ACCOUNTS)).toBe('555555555555 (the security account)');
    expect(describeAccount('777777777777', ACCOUNTS)).toBe('777777777777 (workload account "ledger")');
    expect(describeAccount('999999999999', ACCOUNTS)).toBe('999999999999 (not named in config)');
  });
});
