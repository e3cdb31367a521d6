// Shared by the tests: a prod-like assembly as scripts/synth.mjs leaves it, and the accounts of a config.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OrderedStack } from '../src';

/** Writes <cdkOut>/prod/deploy-order.json and a manifest per app; `manifestOverride` edits an app's artifacts first. */
export function assembly(entries: OrderedStack[], manifestOverride?: (app: string, artifacts: Record<string, unknown>) => void): string {
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

export const PROD: OrderedStack[] = [
  { app: 'security-account', stack: 'prod-security-keys-eu-west-1', account: '555555555555', region: 'eu-west-1' },
  { app: 'security-account', stack: 'prod-security-logging-eu-west-1', account: '555555555555', region: 'eu-west-1' },
  { app: 'security-account', stack: 'prod-security-keys-us-east-1', account: '555555555555', region: 'us-east-1' },
  { app: 'security-account', stack: 'prod-security-logging-us-east-1', account: '555555555555', region: 'us-east-1' },
  { app: 'workload-account', stack: 'prod-workload-payments-eu-west-1', account: '666666666666', region: 'eu-west-1' },
  { app: 'workload-account', stack: 'prod-workload-payments-us-east-1', account: '666666666666', region: 'us-east-1' },
  { app: 'workload-account', stack: 'prod-workload-ledger-eu-west-1', account: '777777777777', region: 'eu-west-1' },
  { app: 'workload-account', stack: 'prod-workload-ledger-us-east-1', account: '777777777777', region: 'us-east-1' },
];

export const ACCOUNTS = {
  environment: 'prod',
  cdkQualifier: 'grdprod',
  security: '555555555555',
  workloads: [
    { name: 'payments', accountId: '666666666666' },
    { name: 'ledger', accountId: '777777777777' },
  ],
};

/** The repository's config/ folder (the shipped dev, staging and prod configs). */
export const CONFIG_DIR = join(__dirname, '..', '..', '..', 'config');
