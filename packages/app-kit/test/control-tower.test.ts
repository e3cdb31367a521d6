import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ComplianceReport } from '@cdk-guardrails/compliance-rules';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { applyAcknowledgements, controlTowerRuleId, ControlTowerGuardValidator } from '../src';

test('control ids translate to the Guard rule names the plugin reports', () => {
  expect(controlTowerRuleId('CT.KMS.PR.3')).toBe('cdk-validator-cfnguard::kms_create_grant_aws_service_check');
  expect(controlTowerRuleId('CT.CLOUDWATCH.PR.2')).toBe('cdk-validator-cfnguard::cloudwatch_log_group_retention_period_check');
  expect(controlTowerRuleId('CT.S3.PR.9')).toBe('cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check');
});

test('a control id the pinned rule set does not have fails, naming it', () => {
  expect(() => controlTowerRuleId('CT.KMS.PR.99')).toThrow(/controlTowerRuleId: controlId: received 'CT.KMS.PR.99'; expected a control of the Guard rules/);
  expect(() => controlTowerRuleId('kms_create_grant_aws_service_check')).toThrow(/received 'kms_create_grant_aws_service_check'/);
});

describe('a Control Tower finding goes through the gate like any other', () => {
  function synth(acknowledge: boolean) {
    const dir = mkdtempSync(join(tmpdir(), 'ct-gate-'));
    const app = new App({ outdir: join(dir, 'dev', 'app') });
    Validations.of(app).addPlugins(new ControlTowerGuardValidator());
    const stack = new Stack(app, 'S', { env: { account: '111111111111', region: 'eu-west-1' } });
    new logs.LogGroup(stack, 'Short', { retention: logs.RetentionDays.ONE_MONTH });
    if (acknowledge) {
      applyAcknowledgements(
        app,
        [{ path: 'Short/Resource', ids: [controlTowerRuleId('CT.CLOUDWATCH.PR.2')], reason: 'the app log class is kept 30 days by design' }],
        { owner: 'guardrails-maintainers', expires: '2027-06-01' },
      );
    }
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const log = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    let failure: unknown;
    try {
      ComplianceReport.synth(app, { appName: 'app', environment: 'dev', today: new Date('2026-06-01T00:00:00Z') });
    } catch (e) {
      failure = e;
    } finally {
      spy.mockRestore();
      log.mockRestore();
    }
    return { failure, report: ComplianceReport.fromValidationReport(join(dir, 'dev', 'app', 'validation-report.json'), 'app', 'dev') };
  }

  test('unacknowledged, a 30-day log group fails CT.CLOUDWATCH.PR.2 (and CT.CLOUDWATCH.PR.3: no KMS key)', () => {
    const { failure, report } = synth(false);
    expect(failure).toBeDefined();
    expect(report.openFindings.map((f) => f.controlId).sort()).toEqual(['CT.CLOUDWATCH.PR.2', 'CT.CLOUDWATCH.PR.3']);
    expect(report.openFindings[0].constructPath).toBe('S/Short/Resource');
  });

  test('acknowledged by control id on its construct, CT.CLOUDWATCH.PR.2 is listed with the reason; the other control stays open', () => {
    const { report } = synth(true);
    const ct2 = report.findings.find((f) => f.controlId === 'CT.CLOUDWATCH.PR.2');
    expect(ct2).toMatchObject({ acknowledged: true, reason: 'the app log class is kept 30 days by design', constructPath: 'S/Short/Resource' });
    expect(report.openFindings.map((f) => f.controlId)).toEqual(['CT.CLOUDWATCH.PR.3']);
  });
});
