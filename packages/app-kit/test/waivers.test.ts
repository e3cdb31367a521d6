import { mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ComplianceReport, GuardrailsChecks } from '@cdk-guardrails/compliance-rules';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { applyAcknowledgements, complianceReportOptions, waiverDefaultsOf, waiverOf } from '../src';

/** The day the waivers are judged on: fixed, so no test depends on the real date. */
const TODAY = new Date('2027-05-15T00:00:00Z');
const DEFAULTS = { owner: 'guardrails-maintainers', expires: '2027-06-01' };
const RULE = 'Guardrails-IamRolePermissionsBoundary';
const REASON = 'the test role gets its boundary from the caller, not here';

function gate(ack: { owner?: string; expires?: string; ticket?: string }, today: Date, production = false) {
  const dir = mkdtempSync(join(tmpdir(), 'waivers-'));
  const app = new App({ outdir: join(dir, 'cdk.out') });
  const stack = new Stack(app, 'S', { env: { account: '111111111111', region: 'eu-west-1' } });
  new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  Validations.of(app).addPlugins(new GuardrailsChecks(app));
  applyAcknowledgements(app, [{ path: 'Role/Resource', ids: [RULE], reason: REASON, ...ack }], DEFAULTS);
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const log = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    ComplianceReport.synth(app, { appName: 'app', environment: production ? 'prod' : 'dev', reportDirectory: dir, today, production });
  } finally {
    spy.mockRestore();
    log.mockRestore();
  }
  return JSON.parse(readFileSync(join(dir, 'compliance-report.json'), 'utf8')).apps.app;
}

test('control: an acknowledgement without owner or expiry gets the defaults (config compliance) and suppresses the finding', () => {
  const section = gate({}, TODAY, true);
  expect(section.passed).toBe(true);
  expect(section.findings).toEqual([expect.objectContaining({ ruleId: RULE, acknowledged: true, owner: 'guardrails-maintainers', expires: '2027-06-01' })]);
  expect(section.expiringWaivers).toEqual([expect.objectContaining({ owner: 'guardrails-maintainers', expires: '2027-06-01', daysLeft: 17 })]);
});

test('an acknowledgement may override owner and expiry and name a ticket', () => {
  expect(waiverOf({ path: 'X', ids: [RULE], reason: REASON, owner: 'data-team', expires: '2027-01-31', ticket: 'SEC-9' }, DEFAULTS)).toEqual({
    reason: REASON,
    owner: 'data-team',
    expires: '2027-01-31',
    ticket: 'SEC-9',
  });
  const section = gate({ owner: 'data-team', expires: '2027-12-31', ticket: 'SEC-9' }, TODAY);
  expect(section.findings[0]).toMatchObject({ owner: 'data-team', expires: '2027-12-31', ticket: 'SEC-9' });
  expect(section.expiringWaivers).toEqual([]);
});

test('past the review date the by-design waivers fail synth, naming rule, path, owner and date', () => {
  expect(() => gate({}, new Date('2027-06-02T00:00:00Z'))).toThrow(
    /expired waiver: Guardrails::Guardrails-IamRolePermissionsBoundary at S\/Role\/Resource, owner guardrails-maintainers, expired 2027-06-01/,
  );
});

test('an acknowledgement with an expiry that is not a real date is refused at synth', () => {
  expect(() => gate({ expires: '2027-02-29' }, TODAY)).toThrow(/expires: received "2027-02-29"; expected a calendar date YYYY-MM-DD/);
});

test('waiverDefaultsOf reads config compliance', () => {
  expect(waiverDefaultsOf({ compliance: { waiverOwner: 'o', waiverReviewBy: '2027-01-01' } } as any)).toEqual({ owner: 'o', expires: '2027-01-01' });
});

test('complianceReportOptions: production from PRODUCTION_ENVIRONMENTS, today from GUARDRAILS_TODAY (else the real day)', () => {
  expect(complianceReportOptions('prod', {})).toEqual({ production: true });
  expect(complianceReportOptions('dev', { GUARDRAILS_TODAY: '2027-06-02' })).toEqual({ production: false, today: new Date('2027-06-02T00:00:00Z') });
  expect(() => complianceReportOptions('dev', { GUARDRAILS_TODAY: 'tomorrow' })).toThrow(/^GUARDRAILS_TODAY: received "tomorrow"; expected a date YYYY-MM-DD/);
});
