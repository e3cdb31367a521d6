import '@microsoft/jest-sarif';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Acknowledge, ComplianceReport, GuardrailsChecks } from '../lib';

/** The day the tests' waivers are judged on: fixed, so no test depends on the real date. */
const TODAY = new Date('2026-06-01T12:00:00Z');
const WAIVER = { reason: 'test role, boundary attached by the caller later', owner: 'platform-security', expires: '2026-12-31' };

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      toBeValidSarifLog(): R;
    }
  }
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** An app (synthesized into <dir>/dev/<name>) with one role without a permissions boundary, acknowledged or not. */
function synthApp(dir: string, name: string, acknowledge: boolean): void {
  const app = new App({ outdir: join(dir, 'dev', name) });
  const stack = new Stack(app, 'S', { env: { account: '111111111111', region: 'eu-west-1' } });
  new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  Validations.of(app).addPlugins(new GuardrailsChecks(app));
  if (acknowledge) Acknowledge.atPath(stack, 'Role/Resource', ['Guardrails-IamRolePermissionsBoundary'], WAIVER);
  const quiet = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const quietError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    ComplianceReport.synth(app, { appName: name, environment: 'dev', today: TODAY });
  } catch {
    // an open finding fails synth after the report is written
  } finally {
    quiet.mockRestore();
    quietError.mockRestore();
  }
}

describe('compliance-report.sarif', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sarif-'));
  dirs.push(dir);
  synthApp(dir, 'waived-app', true);
  synthApp(dir, 'open-app', false);
  const sarif = JSON.parse(readFileSync(join(dir, 'dev', 'compliance-report.sarif'), 'utf8'));

  test('is a valid SARIF 2.1.0 log (the published schema, vendored with @microsoft/jest-sarif)', () => {
    expect(sarif.version).toBe('2.1.0');
    expect(sarif).toBeValidSarifLog();
  });

  test('the schema check is real: a log with a level SARIF does not define fails it', () => {
    const broken = JSON.parse(JSON.stringify(sarif));
    broken.runs[0].results[0].level = 'fatal';
    expect(() => expect(broken).toBeValidSarifLog()).toThrow();
  });

  test('one run per app of the environment, each its own category', () => {
    expect(sarif.runs.map((r: any) => r.automationDetails.id).sort()).toEqual(['compliance-gate/dev/open-app/', 'compliance-gate/dev/waived-app/']);
  });

  test('an open finding is an error at its stack template and construct path; the template exists at that path', () => {
    const run = sarif.runs.find((r: any) => r.automationDetails.id === 'compliance-gate/dev/open-app/');
    expect(run.results).toEqual([
      expect.objectContaining({
        ruleId: 'Guardrails-IamRolePermissionsBoundary',
        level: 'error',
        locations: [
          {
            physicalLocation: { artifactLocation: { uri: 'open-app/S.template.json', uriBaseId: 'REPORTDIR' } },
            logicalLocations: [{ fullyQualifiedName: 'S/Role/Resource', kind: 'resource' }],
          },
        ],
      }),
    ]);
    expect(run.results[0].suppressions).toBeUndefined();
    expect(run.tool.driver.rules[run.results[0].ruleIndex].id).toBe('Guardrails-IamRolePermissionsBoundary');
    const base = new URL(run.originalUriBaseIds.REPORTDIR.uri);
    expect(existsSync(join(base.pathname, 'open-app/S.template.json'))).toBe(true);
  });

  test('an acknowledged finding stays visible as an accepted suppression with its reason', () => {
    const run = sarif.runs.find((r: any) => r.automationDetails.id === 'compliance-gate/dev/waived-app/');
    expect(run.results).toHaveLength(1);
    expect(run.results[0].suppressions).toEqual([
      {
        kind: 'external',
        status: 'accepted',
        justification: 'test role, boundary attached by the caller later',
        properties: { acknowledgedAt: 'S/Role/Resource', owner: 'platform-security', expires: '2026-12-31' },
      },
    ]);
  });
});
