import { mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Acknowledge, ComplianceReport, GuardrailsChecks, WaiverDetails } from '../lib';

const RULE = 'Guardrails-IamRolePermissionsBoundary';
const REASON = 'test role, boundary attached by the caller later';
const TODAY = new Date('2027-03-01T12:00:00Z');

function appWithRoles(outdir: string, waivers: Record<string, WaiverDetails | undefined>) {
  const app = new App({ outdir });
  const stack = new Stack(app, 'S', { env: { account: '111111111111', region: 'eu-west-1' } });
  Validations.of(app).addPlugins(new GuardrailsChecks(app));
  for (const [id, waiver] of Object.entries(waivers)) {
    new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    Acknowledge.atPath(stack, `${id}/Resource`, [RULE], REASON, waiver, TODAY);
  }
  return app;
}

describe('waivers: acknowledgements with an owner and an expiry', () => {
  test('an expired waiver fails synth naming the rule, the path, the owner and the date', () => {
    const app = new App();
    const stack = new Stack(app, 'S');
    new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    expect(() =>
      Acknowledge.atPath(stack, 'Role/Resource', [RULE], REASON, { owner: 'platform-security', expires: '2027-02-28', ticket: 'SEC-1' }, TODAY),
    ).toThrow(
      /^Acknowledge\.atPath \(Guardrails-IamRolePermissionsBoundary at Role\/Resource\): the waiver expired on 2027-02-28 \(today is 2027-03-01\); owner: platform-security, ticket SEC-1\. /,
    );
    // Control: on its last day it still holds.
    expect(Acknowledge.atPath(stack, 'Role/Resource', [RULE], REASON, { owner: 'platform-security', expires: '2027-03-01' }, TODAY)).toHaveLength(1);
  });

  test.each([
    [{ owner: ' ' }, /owner: received " "; expected a team or person/],
    [{ owner: 'a', expires: '2027-02-30' }, /expires: received "2027-02-30"; expected a calendar date YYYY-MM-DD/],
    [{ owner: 'a', expires: '01/03/2027' }, /expires: received "01\/03\/2027"; expected a calendar date/],
    [{ owner: 'a', ticket: '' }, /ticket: received ""; expected a ticket reference/],
  ])('a malformed waiver is refused: %j', (waiver, message) => {
    const stack = new Stack(new App(), 'S');
    expect(() => Acknowledge.atPath(stack, 'X', [RULE], REASON, waiver as WaiverDetails, TODAY)).toThrow(message);
  });

  test('the report carries owner, expiry and ticket with each waived finding, and lists the waivers expiring within 30 days', () => {
    const dir = mkdtempSync(join(tmpdir(), 'waivers-'));
    const app = appWithRoles(dir, {
      Soon: { owner: 'platform-security', expires: '2027-03-20', ticket: 'SEC-7' },
      Later: { owner: 'payments-team', expires: '2027-09-30' },
      Plain: undefined,
    });
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      ComplianceReport.synth(app, { appName: 'app', environment: 'dev', reportDirectory: dir, today: TODAY });
    } finally {
      spy.mockRestore();
    }
    const json = JSON.parse(readFileSync(join(dir, 'compliance-report.json'), 'utf8'));
    const section = json.apps.app;
    const byPath = Object.fromEntries(section.findings.map((f: any) => [f.constructPath, f]));
    expect(byPath['S/Soon/Resource']).toMatchObject({ acknowledged: true, owner: 'platform-security', expires: '2027-03-20', ticket: 'SEC-7' });
    expect(byPath['S/Later/Resource']).toMatchObject({ acknowledged: true, owner: 'payments-team', expires: '2027-09-30' });
    expect(byPath['S/Plain/Resource'].owner).toBeUndefined();
    expect(section.expiringWaivers).toEqual([
      { id: `Guardrails::${RULE}`, constructPath: 'S/Soon/Resource', owner: 'platform-security', expires: '2027-03-20', daysLeft: 19, ticket: 'SEC-7' },
    ]);
    const text = readFileSync(join(dir, 'compliance-report.txt'), 'utf8');
    expect(text).toMatch(
      /Waivers expiring within 30 days \(fix the finding or renew the waiver with its owner\): 1\n {2}2027-03-20 \(19 days\) {2}platform-security SEC-7 {2}Guardrails::Guardrails-IamRolePermissionsBoundary {2}S\/Soon\/Resource/,
    );
    expect(text).toMatch(/reason: test role, boundary attached by the caller later \(owner payments-team, expires 2027-09-30\)/);
    const sarif = JSON.parse(readFileSync(join(dir, 'compliance-report.sarif'), 'utf8'));
    const soon = sarif.runs[0].results.find((r: any) => r.locations[0].logicalLocations[0].fullyQualifiedName === 'S/Soon/Resource');
    expect(soon.suppressions[0]).toMatchObject({
      status: 'accepted',
      justification: REASON,
      properties: { owner: 'platform-security', expires: '2027-03-20', ticket: 'SEC-7' },
    });
  });
});
