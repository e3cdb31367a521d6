import { mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { quietly } from '@cdk-guardrails/policy-test-kit';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Acknowledge, ComplianceReport, GuardrailsChecks, Waiver, Waivers } from '../lib';

/** The day the waivers are judged on: fixed, so no test depends on the real date. */
const TODAY = new Date('2026-06-01T08:00:00Z');
const RULE = 'Guardrails-IamRolePermissionsBoundary';
const REASON = 'test role, the boundary is attached by the caller later';

function appWithRole(waiver?: Waiver) {
  const dir = mkdtempSync(join(tmpdir(), 'waiver-'));
  const app = new App({ outdir: join(dir, 'cdk.out') });
  const stack = new Stack(app, 'S', { env: { account: '111111111111', region: 'eu-west-1' } });
  new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  Validations.of(app).addPlugins(new GuardrailsChecks(app));
  if (waiver) Acknowledge.atPath(stack, 'Role/Resource', [RULE], waiver);
  return { app, stack, dir };
}

function report(dir: string): any {
  return JSON.parse(readFileSync(join(dir, 'compliance-report.json'), 'utf8')).apps.app;
}

describe('waivers', () => {
  test('control: a valid waiver suppresses the finding and the report carries owner, expires and ticket (JSON, txt, SARIF)', () => {
    const { app, dir } = appWithRole({ reason: REASON, owner: 'platform-security', expires: '2026-12-31', ticket: 'SEC-42' });
    ComplianceReport.synth(app, { appName: 'app', environment: 'dev', reportDirectory: dir, today: TODAY });
    const section = report(dir);
    expect(section.passed).toBe(true);
    const finding = section.findings.find((f: any) => f.ruleId === RULE);
    expect(finding).toMatchObject({ acknowledged: true, reason: REASON, owner: 'platform-security', expires: '2026-12-31', ticket: 'SEC-42' });
    expect(section.expiringWaivers).toEqual([]);
    expect(readFileSync(join(dir, 'compliance-report.txt'), 'utf8')).toContain('owner platform-security, expires 2026-12-31, ticket SEC-42');
    const sarif = JSON.parse(readFileSync(join(dir, 'compliance-report.sarif'), 'utf8'));
    const result = sarif.runs[0].results.find((r: any) => r.ruleId === RULE);
    expect(result.suppressions[0]).toMatchObject({
      justification: REASON,
      properties: { owner: 'platform-security', expires: '2026-12-31', ticket: 'SEC-42' },
    });
  });

  test('without a waiver the finding stays open (the waiver is what suppresses it)', () => {
    const { app, dir } = appWithRole();
    expect(() => quietly(() => ComplianceReport.synth(app, { appName: 'app', environment: 'dev', reportDirectory: dir, today: TODAY }))).toThrow(
      /The IAM role or user has no permissions boundary/,
    );
  });

  test('an expired waiver fails synth naming the rule, the path, the owner and the date', () => {
    const { app, dir } = appWithRole({ reason: REASON, owner: 'team-expired', expires: '2026-05-31' });
    expect(() => quietly(() => ComplianceReport.synth(app, { appName: 'app', environment: 'dev', reportDirectory: dir, today: TODAY }))).toThrow(
      /expired waiver: Guardrails::Guardrails-IamRolePermissionsBoundary at S\/Role\/Resource, owner team-expired, expired 2026-05-31/,
    );
    expect(report(dir).passed).toBe(false);
  });

  test('a waiver expiring today still holds and is listed as expiring', () => {
    const { app, dir } = appWithRole({ reason: REASON, owner: 'platform-security', expires: '2026-06-01' });
    ComplianceReport.synth(app, { appName: 'app', environment: 'dev', reportDirectory: dir, today: TODAY });
    expect(report(dir).expiringWaivers).toEqual([
      { id: `Guardrails::${RULE}`, constructPath: 'S/Role/Resource', owner: 'platform-security', expires: '2026-06-01', daysLeft: 0 },
    ]);
  });

  test('a waiver expiring within 30 days is listed in the JSON and the txt; one in 31 days is not', () => {
    const soon = appWithRole({ reason: REASON, owner: 'platform-security', expires: '2026-07-01', ticket: 'SEC-7' });
    ComplianceReport.synth(soon.app, { appName: 'app', environment: 'dev', reportDirectory: soon.dir, today: TODAY });
    expect(report(soon.dir).expiringWaivers).toEqual([expect.objectContaining({ expires: '2026-07-01', daysLeft: 30, ticket: 'SEC-7' })]);
    expect(readFileSync(join(soon.dir, 'compliance-report.txt'), 'utf8')).toMatch(
      /Waivers expiring within 30 days[^\n]*: 1\n {2}2026-07-01 {2}platform-security {2}Guardrails::Guardrails-IamRolePermissionsBoundary {2}S\/Role\/Resource {2}SEC-7/,
    );
    const later = appWithRole({ reason: REASON, owner: 'platform-security', expires: '2026-07-02' });
    ComplianceReport.synth(later.app, { appName: 'app', environment: 'dev', reportDirectory: later.dir, today: TODAY });
    expect(report(later.dir).expiringWaivers).toEqual([]);
  });

  test('in production an acknowledgement without a waiver (no owner, no expiry) fails synth naming it; outside production it does not', () => {
    const prod = appWithRole();
    Validations.of(prod.stack.node.findChild('Role').node.findChild('Resource')).acknowledge({ id: `Guardrails::${RULE}`, reason: REASON });
    expect(() =>
      quietly(() => ComplianceReport.synth(prod.app, { appName: 'app', environment: 'prod', production: true, reportDirectory: prod.dir, today: TODAY })),
    ).toThrow(/waiver without owner or expiry in a production environment: Guardrails::Guardrails-IamRolePermissionsBoundary at S\/Role\/Resource/);
    const dev = appWithRole();
    Validations.of(dev.stack.node.findChild('Role').node.findChild('Resource')).acknowledge({ id: `Guardrails::${RULE}`, reason: REASON });
    ComplianceReport.synth(dev.app, { appName: 'app', environment: 'dev', reportDirectory: dev.dir, today: TODAY });
  });

  test('control: in production a waiver with owner and expiry passes', () => {
    const { app, dir } = appWithRole({ reason: REASON, owner: 'platform-security', expires: '2026-12-31' });
    ComplianceReport.synth(app, { appName: 'app', environment: 'prod', production: true, reportDirectory: dir, today: TODAY });
    expect(report(dir).passed).toBe(true);
  });

  test.each([
    [{ owner: '', expires: '2026-12-31' }, /owner: received ""; expected the team or person who owns the waiver/],
    [{ owner: 'platform-security', expires: '2026-02-30' }, /expires: received "2026-02-30"; expected a calendar date YYYY-MM-DD/],
    [{ owner: 'platform-security', expires: '31/12/2026' }, /expires: received "31\/12\/2026"; expected a calendar date YYYY-MM-DD/],
    [{ owner: 'platform-security', expires: undefined }, /expires: received undefined; expected a calendar date/],
    [{ owner: 'platform-security', expires: '2026-12-31', ticket: ' ' }, /ticket: received " "; expected a ticket id or URL/],
  ])('Acknowledge.atPath refuses a waiver %j', (partial, message) => {
    expect(() => appWithRole({ reason: REASON, ...(partial as any) })).toThrow(message);
    expect(() => appWithRole({ reason: REASON, ...(partial as any) })).toThrow(
      /^Acknowledge\.atPath \(Guardrails-IamRolePermissionsBoundary at Role\/Resource\): /,
    );
  });

  test('Waivers.isCalendarDate accepts real dates only', () => {
    expect(Waivers.isCalendarDate('2028-02-29')).toBe(true);
    expect(Waivers.isCalendarDate('2027-02-29')).toBe(false);
    expect(Waivers.isCalendarDate('2026-13-01')).toBe(false);
    expect(Waivers.isCalendarDate('2026-1-01')).toBe(false);
  });
});
