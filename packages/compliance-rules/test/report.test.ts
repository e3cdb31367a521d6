import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { quietly } from '@cdk-guardrails/policy-test-kit';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Acknowledge, ComplianceReport, GuardrailsChecks } from '../lib';

/** The day the tests' waivers are judged on: fixed, so no test depends on the real date. */
const TODAY = new Date('2026-06-01T12:00:00Z');
const WAIVER = { reason: 'test role, boundary attached by the caller later', owner: 'platform-security', expires: '2026-12-31' };
import { Validations } from 'aws-cdk-lib';

function appWithRole(outdir: string, acknowledge: boolean) {
  const app = new App({ outdir });
  const stack = new Stack(app, 'S', { env: { account: '111111111111', region: 'eu-west-1' } });
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  Validations.of(app).addPlugins(new GuardrailsChecks(app));
  if (acknowledge) Acknowledge.atPath(stack, 'Role/Resource', ['Guardrails-IamRolePermissionsBoundary'], WAIVER);
  return { app, role };
}

describe('ComplianceReport', () => {
  test('an acknowledged finding passes and is listed with its reason in the JSON and the table', () => {
    // GIVEN
    const dir = mkdtempSync(join(tmpdir(), 'report-'));
    const { app } = appWithRole(join(dir, 'dev', 'my-app'), true);
    // WHEN
    ComplianceReport.synth(app, { appName: 'my-app', environment: 'dev', today: TODAY });
    // THEN the report lands in the environment directory (parent of <env>/<app>)
    const json = JSON.parse(readFileSync(join(dir, 'dev', 'compliance-report.json'), 'utf8'));
    expect(json).toMatchObject({ environment: 'dev', passed: true, openFindings: 0, acknowledgedFindings: 1 });
    expect(json.apps['my-app'].findings).toEqual([
      expect.objectContaining({
        plugin: 'Guardrails',
        ruleId: 'Guardrails-IamRolePermissionsBoundary',
        constructPath: 'S/Role/Resource',
        acknowledged: true,
        reason: 'test role, boundary attached by the caller later',
      }),
    ]);
    expect(readFileSync(join(dir, 'dev', 'compliance-report.txt'), 'utf8')).toMatch(
      /acknowledged\s+error\s+Guardrails-IamRolePermissionsBoundary\s+S\/Role\/Resource\s+reason: test role/,
    );
  });

  test('fails if a finding is not acknowledged, printing rule, resource and fix, and still writes the report', () => {
    // GIVEN
    const dir = mkdtempSync(join(tmpdir(), 'report-'));
    const { app } = appWithRole(dir, false);
    const printed: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((s: any) => {
      printed.push(String(s));
      return true;
    });
    const errorSpy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    // WHEN / THEN
    try {
      expect(() => ComplianceReport.synth(app, { appName: 'my-app', environment: 'dev', today: TODAY, reportDirectory: dir })).toThrow(
        /Guardrails-IamRolePermissionsBoundary/,
      );
    } finally {
      spy.mockRestore();
      errorSpy.mockRestore();
    }
    const text = printed.join('');
    expect(text).toMatch(/Compliance gate FAILED for my-app \(dev\): 1 unacknowledged finding/);
    expect(text).toMatch(/Guardrails-IamRolePermissionsBoundary\n\s+resource: S\/Role\/Resource\n[\s\S]*fix:\s+Attach the project boundary/);
    expect(JSON.parse(readFileSync(join(dir, 'compliance-report.json'), 'utf8')).passed).toBe(false);
  });

  test('each app replaces only its own section; a report of another environment is replaced', () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-'));
    writeFileSync(
      join(dir, 'compliance-report.json'),
      JSON.stringify({
        environment: 'dev',
        today: TODAY,
        apps: { other: { app: 'other', passed: false, openFindings: 2, acknowledgedFindings: 0, findings: [] } },
      }),
    );
    const first = appWithRole(join(dir, 'a'), true);
    ComplianceReport.synth(first.app, { appName: 'my-app', environment: 'dev', today: TODAY, reportDirectory: dir });
    const merged = JSON.parse(readFileSync(join(dir, 'compliance-report.json'), 'utf8'));
    expect(Object.keys(merged.apps).sort()).toEqual(['my-app', 'other']);
    expect(merged).toMatchObject({ passed: false, openFindings: 2 });

    const second = appWithRole(join(dir, 'b'), true);
    quietly(() => ComplianceReport.synth(second.app, { appName: 'my-app', environment: 'prod', today: TODAY, reportDirectory: dir }));
    expect(Object.keys(JSON.parse(readFileSync(join(dir, 'compliance-report.json'), 'utf8')).apps)).toEqual(['my-app']);
  });
});

describe('Acknowledge', () => {
  test('qualifies rule ids with their pack', () => {
    expect(Acknowledge.qualifiedId('AwsSolutions-S1')).toBe('AwsSolutions::AwsSolutions-S1');
    expect(Acknowledge.qualifiedId('NIST.800.53.R5-LambdaDLQ')).toBe('NIST.800.53.R5::NIST.800.53.R5-LambdaDLQ');
    expect(Acknowledge.qualifiedId('AwsSolutions-IAM5[Action::s3:*]')).toBe('AwsSolutions::AwsSolutions-IAM5[Action::s3:*]');
    expect(Acknowledge.qualifiedId('Annotation::x')).toBe('Annotation::x');
  });

  test('matches paths with * segments and returns the constructs', () => {
    const stack = new Stack(new App(), 'S');
    new iam.Role(stack, 'A', { assumedBy: new iam.AccountRootPrincipal() });
    new iam.Role(stack, 'B', { assumedBy: new iam.AccountRootPrincipal() });
    expect(
      Acknowledge.atPath(stack, '*/Resource', ['Guardrails-IamRolePermissionsBoundary'], { ...WAIVER, reason: 'roles of the test, boundary later' }).map(
        (c) => c.node.path,
      ),
    ).toEqual(['S/A/Resource', 'S/B/Resource']);
    expect(
      Acknowledge.atPath(stack, 'Missing/Resource', ['Guardrails-IamRolePermissionsBoundary'], { ...WAIVER, reason: 'nothing matches this path' }),
    ).toEqual([]);
  });

  test('fails if the reason does not say why', () => {
    const stack = new Stack(new App(), 'S');
    expect(() => Acknowledge.atPath(stack, 'X', ['AwsSolutions-S1'], { ...WAIVER, reason: 'ok' })).toThrow(
      /^Acknowledge\.atPath: reason: received "ok" for AwsSolutions-S1 at X; expected a reason that says why, at least 20 characters$/,
    );
  });

  test('fails if a rule id has no pack prefix', () => {
    expect(() => Acknowledge.qualifiedId('S1')).toThrow(
      /^Acknowledge\.qualifiedId: ruleId: received "S1", which has no pack prefix; expected <Pack>-<Rule>, e.g\. AwsSolutions-S1$/,
    );
  });
});

describe('ComplianceReport when synthesis fails before validation', () => {
  test('the section is marked not validated (never "0 open") and the error is rethrown', () => {
    // GIVEN an app whose construct adds an error (synth stops before the validation plugins)
    const dir = mkdtempSync(join(tmpdir(), 'report-'));
    const { app, role } = appWithRole(join(dir, 'asm'), true);
    role.node.addValidation({ validate: () => ['the role is broken on purpose'] });
    // WHEN / THEN
    expect(() => quietly(() => ComplianceReport.synth(app, { appName: 'my-app', environment: 'dev', today: TODAY, reportDirectory: dir }))).toThrow(
      /broken on purpose/,
    );
    const section = JSON.parse(readFileSync(join(dir, 'compliance-report.json'), 'utf8')).apps['my-app'];
    expect(section).toMatchObject({ passed: false, error: expect.stringMatching(/^synthesis failed before the validation plugins ran: .*broken on purpose/) });
    expect(readFileSync(join(dir, 'compliance-report.txt'), 'utf8')).toMatch(/NOT VALIDATED: synthesis failed/);
  });
});

describe('ComplianceReport unused acknowledgements', () => {
  test('an acknowledgement that matched no finding is listed (not a failure); one that was used is not', () => {
    // GIVEN a role whose boundary finding is acknowledged, and a stale acknowledgement on a bucket-less path
    const dir = mkdtempSync(join(tmpdir(), 'report-'));
    const { app, role } = appWithRole(join(dir, 'asm'), true);
    Acknowledge.atPath(role, 'Resource', ['Guardrails-S3BucketPolicyEnforcesEncryption'], { ...WAIVER, reason: 'stale: this role is not a bucket at all' });
    // WHEN
    ComplianceReport.synth(app, { appName: 'my-app', environment: 'dev', today: TODAY, reportDirectory: dir });
    // THEN
    const section = JSON.parse(readFileSync(join(dir, 'compliance-report.json'), 'utf8')).apps['my-app'];
    expect(section.passed).toBe(true);
    expect(section.unusedAcknowledgements).toEqual([
      {
        id: 'Guardrails::Guardrails-S3BucketPolicyEnforcesEncryption',
        constructPath: 'S/Role/Resource',
        reason: 'stale: this role is not a bucket at all',
      },
    ]);
    expect(readFileSync(join(dir, 'compliance-report.txt'), 'utf8')).toMatch(
      /matched no finding[\s\S]*Guardrails::Guardrails-S3BucketPolicyEnforcesEncryption  S\/Role\/Resource/,
    );
  });
});

describe('ComplianceReport reading findings of other plugins', () => {
  function reportFile(violations: any[]): string {
    const dir = mkdtempSync(join(tmpdir(), 'report-ct-'));
    const file = join(dir, 'validation-report.json');
    writeFileSync(file, JSON.stringify({ pluginReports: [{ pluginName: 'cdk-validator-cfnguard', violations }] }));
    return file;
  }

  test('a Control Tower Guard rule finding carries its control id, shown beside the rule name', () => {
    const file = reportFile([
      {
        ruleName: 'kms_create_grant_aws_service_check',
        description: '[CT.KMS.PR.3]: Require an AWS KMS key policy to have a statement that limits creation of AWS KMS grants to AWS services',
        severity: 'error',
        violatingConstructs: [{ constructPath: 'S/Key/Resource' }],
      },
      { ruleName: 'my_rule', description: 'no control id here', violatingConstructs: [{ constructPath: 'S/Other/Resource' }] },
    ]);
    const report = ComplianceReport.fromValidationReport(file, 'app', 'dev');
    expect(report.findings.map((f) => [f.ruleId, f.controlId])).toEqual([
      ['kms_create_grant_aws_service_check', 'CT.KMS.PR.3'],
      ['my_rule', undefined],
    ]);
    const table = ComplianceReport.renderTable('dev', [report.toJson()]);
    expect(table).toMatch(/OPEN\s+error\s+CT\.KMS\.PR\.3 kms_create_grant_aws_service_check\s+S\/Key\/Resource/);
    expect(report.failureSummary()).toContain('[error] CT.KMS.PR.3 kms_create_grant_aws_service_check');
  });

  test('a finding the plugin did not map to a construct stays open and says so', () => {
    const file = reportFile([{ ruleName: 'r', description: '[CT.S3.PR.2]: x', violatingConstructs: [{ constructPath: '' }] }]);
    const report = ComplianceReport.fromValidationReport(file, 'app', 'dev');
    expect(report.openFindings).toHaveLength(1);
    expect(report.openFindings[0].constructPath).toMatch(/no construct path/);
  });
});
