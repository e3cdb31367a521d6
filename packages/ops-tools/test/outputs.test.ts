// cfn-outputs/flat-outputs.json: the CLI's per-call outputs files merged and flattened.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectFlatOutputs, flattenOutputs, rawOutputsFile } from '../src';

describe('flattenOutputs', () => {
  test('{ Stack: { Key: value } } from several files becomes { "Stack.Key": value }, sorted', () => {
    const flat = flattenOutputs([
      { 'dev-workload-payments-eu-west-1': { DataBucketName: 'b', AccountId: '222222222222' } },
      { 'dev-security-keys-eu-west-1': { LogsKeyArn: 'arn:k' } },
    ]);
    expect(flat).toEqual({
      'dev-security-keys-eu-west-1.LogsKeyArn': 'arn:k',
      'dev-workload-payments-eu-west-1.AccountId': '222222222222',
      'dev-workload-payments-eu-west-1.DataBucketName': 'b',
    });
    expect(Object.keys(flat)).toEqual([...Object.keys(flat)].sort());
  });

  test('keeps only the stacks of the current assembly (a removed stack does not linger)', () => {
    const flat = flattenOutputs([{ old: { K: 'v' }, current: { K: 'w' } }], ['current']);
    expect(flat).toEqual({ 'current.K': 'w' });
  });

  test('a stack without outputs contributes nothing', () => {
    expect(flattenOutputs([{ s: {} }, {}])).toEqual({});
  });
});

describe('collectFlatOutputs', () => {
  test('reads every raw file of the environment (one per app and account), not those of another environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ops-outputs-'));
    const group = (app: string, account: string) => ({ app, account, stacks: [], regions: [] });
    for (const [env, app, account, stack] of [
      ['dev', 'security-account', '111111111111', 'dev-security-keys-eu-west-1'],
      ['dev', 'workload-account', '222222222222', 'dev-workload-payments-eu-west-1'],
      ['prod', 'workload-account', '666666666666', 'prod-workload-payments-eu-west-1'],
    ]) {
      const file = rawOutputsFile(env, group(app, account), dir);
      expect(file).toBe(join(dir, 'raw', env, `${app}-${account}.json`));
      mkdirSync(join(dir, 'raw', env), { recursive: true });
      writeFileSync(file, JSON.stringify({ [stack]: { Region: 'eu-west-1' } }));
    }
    expect(collectFlatOutputs('dev', undefined, dir)).toEqual({
      'dev-security-keys-eu-west-1.Region': 'eu-west-1',
      'dev-workload-payments-eu-west-1.Region': 'eu-west-1',
    });
    expect(collectFlatOutputs('staging', undefined, dir)).toEqual({});
  });
});
