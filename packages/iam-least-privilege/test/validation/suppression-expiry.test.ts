import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Aspects, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { validatePolicies } from '../../bin-src/validate-policies/run';
import { PolicyRule, PolicyValidator } from '../../lib/validation';
import { on, onAsync } from './helpers';

const ENV = { account: '111111111111', region: 'eu-west-1' };
const REASON = 'Read-only inventory job scans every bucket of the account';

/** A role with a wildcard action on "*", suppressed with the given waiver. */
function appWithSuppressedRole(waiver: { owner: string; expires: string; ticket?: string }) {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'lp-expiry-')) });
  const stack = new Stack(app, 'S', { env: ENV });
  const role = new iam.Role(stack, 'Inventory', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:Get*'], resources: ['*'] }));
  PolicyValidator.suppress(role, PolicyRule.WILDCARD_ACTION_ON_ALL_RESOURCES, REASON, waiver);
  return { app, stack };
}

const noCredentials = async () => ({ reason: 'no AWS credentials (test)' });

describe('suppressions carry an owner and an expiry', () => {
  test('control: a suppression before its expiry suppresses the finding at synth', () => {
    const { app, stack } = appWithSuppressedRole({ owner: 'inventory-team', expires: '2026-06-30' });
    Aspects.of(app).add(new PolicyValidator());
    expect(() => on('2026-06-30', () => app.synth())).not.toThrow();
    expect(JSON.stringify(app.synth().getStackByName(stack.stackName).template)).toContain('"owner":"inventory-team"');
  });

  test('an expired suppression fails synth, naming the rule, the owner and the date, and the finding is open again', () => {
    const { app } = appWithSuppressedRole({ owner: 'inventory-team', expires: '2026-06-30' });
    Aspects.of(app).add(new PolicyValidator());
    const run = () => on('2026-07-01', () => app.synth());
    expect(run).toThrow(
      /SUPPRESSION_EXPIRED.*the suppression of WILDCARD_ACTION_ON_ALL_RESOURCES \(owner inventory-team\) expired 2026-06-30 \(today 2026-07-01\)/s,
    );
  });

  test('validate-policies fails on an expired suppression naming it, and passes the day before', async () => {
    const { app } = appWithSuppressedRole({ owner: 'inventory-team', expires: '2026-06-30', ticket: 'SEC-1' });
    const dir = app.synth().directory;
    const lines: string[] = [];
    const expired = await onAsync('2026-07-01', () =>
      validatePolicies({ assemblyDir: dir, resolveCredentials: noCredentials, log: (l: string) => lines.push(l) }),
    );
    expect(expired.exitCode).toBe(1);
    expect(lines.join('\n')).toMatch(
      /FAIL .*S\/Inventory.*\[SUPPRESSION_EXPIRED\] the suppression of WILDCARD_ACTION_ON_ALL_RESOURCES \(owner inventory-team\) expired 2026-06-30/,
    );
    expect(lines.join('\n')).toMatch(/\[WILDCARD_ACTION_ON_ALL_RESOURCES\]/);
    const validLines: string[] = [];
    const valid = await onAsync('2026-06-30', () =>
      validatePolicies({ assemblyDir: dir, resolveCredentials: noCredentials, log: (l: string) => validLines.push(l) }),
    );
    expect(validLines.filter((l) => l.includes('FAIL'))).toEqual([]);
    expect(valid.exitCode).toBe(0);
  });

  test.each([
    [
      { owner: '', expires: '2026-06-30' },
      /^PolicyValidator\.suppress: owner: received ""; expected the owner of the suppression of WILDCARD_ACTION_ON_ALL_RESOURCES on 'S\/Inventory'/,
    ],
    [{ owner: 'inventory-team', expires: '2026-02-30' }, /^PolicyValidator\.suppress: expires: received "2026-02-30"; expected a calendar date YYYY-MM-DD/],
    [{ owner: 'inventory-team', expires: undefined as unknown as string }, /expires: received undefined; expected a calendar date/],
  ])('PolicyValidator.suppress refuses %j', (waiver, message) => {
    expect(() => appWithSuppressedRole(waiver)).toThrow(message);
  });

  test('SUPPRESSION_EXPIRED cannot itself be suppressed', () => {
    const stack = new Stack(new App(), 'S');
    expect(() => PolicyValidator.suppress(stack, PolicyRule.SUPPRESSION_EXPIRED, REASON, { owner: 'o', expires: '2026-06-30' })).toThrow(
      /cannot be suppressed/,
    );
  });
});
