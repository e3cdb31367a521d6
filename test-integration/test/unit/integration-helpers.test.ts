// The integration suites' own plumbing: reading the outputs file, credentials per account, and
// visible skips. Offline; no AWS call.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAccountProfiles, profileForAccount } from '../../src/credentials';
import { DeployedStack, readDeployedStacks } from '../../src/outputs';

function outputsFile(content: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'it-outputs-')), 'flat-outputs.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
}

const location = (stack: string, role: string, account: string, region: string, env = 'dev') => ({
  [`${stack}.GuardrailsEnvironment`]: env,
  [`${stack}.GuardrailsRole`]: role,
  [`${stack}.AccountId`]: account,
  [`${stack}.Region`]: region,
});

describe('readDeployedStacks', () => {
  test('a missing file is a skip reason naming the deploy command, not an error', () => {
    const result = readDeployedStacks('/nonexistent/flat-outputs.json');
    expect(result).toEqual({
      ok: false,
      reason: expect.stringMatching(/\/nonexistent\/flat-outputs.json does not exist \(deploy first: npm run deploy -- --env <name>\)/),
    });
  });

  test('an empty file is a skip reason', () => {
    expect(readDeployedStacks(outputsFile({}))).toMatchObject({ ok: false, reason: expect.stringMatching(/is empty/) });
  });

  test('groups "<Stack>.<Key>" by stack (keys may contain dots after the first)', () => {
    const file = outputsFile({
      ...location('dev-security-keys-eu-west-1', 'security-keys', '111111111111', 'eu-west-1'),
      ...location('dev-workload-payments-eu-west-1', 'workload', '222222222222', 'eu-west-1'),
      'dev-workload-payments-eu-west-1.DataBucketName': 'bucket.with.dots',
    });
    const result = readDeployedStacks(file);
    if (!result.ok) throw new Error(result.reason);
    expect(result.environment).toBe('dev');
    expect(result.stacks.map((s) => [s.stackName, s.role, s.accountId, s.region])).toEqual([
      ['dev-security-keys-eu-west-1', 'security-keys', '111111111111', 'eu-west-1'],
      ['dev-workload-payments-eu-west-1', 'workload', '222222222222', 'eu-west-1'],
    ]);
    expect(result.stacks[1].outputs.DataBucketName).toBe('bucket.with.dots');
  });

  test('fails if a stack lacks the location outputs (deployed without apps/*/src/outputs.ts)', () => {
    expect(() => readDeployedStacks(outputsFile({ 'old-stack.Foo': 'bar' }))).toThrow(
      /stack old-stack has no GuardrailsEnvironment, GuardrailsRole, AccountId, Region output/,
    );
  });

  test('fails if the file mixes environments', () => {
    const file = outputsFile({ ...location('a', 'workload', '1', 'r', 'dev'), ...location('b', 'workload', '2', 'r', 'prod') });
    expect(() => readDeployedStacks(file)).toThrow(/mixes environments dev, prod/);
  });
});

describe('GUARDRAILS_ACCOUNT_PROFILES', () => {
  test('parses <key>=<profile> pairs; empty means none', () => {
    expect(parseAccountProfiles('security=sec, payments=pay,333333333333=other')).toEqual({ security: 'sec', payments: 'pay', '333333333333': 'other' });
    expect(parseAccountProfiles(undefined)).toEqual({});
    expect(parseAccountProfiles(' ')).toEqual({});
  });

  test('fails if a pair is malformed', () => {
    expect(() => parseAccountProfiles('security')).toThrow(/"security" is not <account id \| security \| workload name>=<profile>/);
  });

  test('finds the profile by account id, "security" or workload name', () => {
    const stacks: DeployedStack[] = [
      { stackName: 's', role: 'security-keys', environment: 'dev', accountId: '111111111111', region: 'eu-west-1', outputs: {} },
      { stackName: 'w', role: 'workload', environment: 'dev', accountId: '222222222222', region: 'eu-west-1', outputs: { WorkloadAccountName: 'payments' } },
    ];
    const profiles = { security: 'sec', payments: 'pay' };
    expect(profileForAccount('111111111111', stacks, profiles)).toBe('sec');
    expect(profileForAccount('222222222222', stacks, profiles)).toBe('pay');
    expect(profileForAccount('222222222222', stacks, { '222222222222': 'by-id', payments: 'pay' })).toBe('by-id');
    expect(profileForAccount('333333333333', stacks, profiles)).toBeUndefined();
  });
});
