import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quietly } from '@cdk-guardrails/policy-test-kit';
import { ComplianceReport } from '@cdk-guardrails/compliance-rules';
import { createApp } from '@cdk-guardrails/app-kit';
import { loadConfig } from '@cdk-guardrails/config';
import { Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { addComplianceGate } from '../src/compliance';
import { buildSecurityApp } from '../src/security-app';

// One environment for the whole file (prod: organization-wide destination, retained resources), to keep synth time down.
const ENV = 'prod';
const CONFIG_DIR = join(__dirname, '..', '..', '..', 'config');

/** Builds the app with its gate; `mutate` removes a guardrail before synth. */
function gatedApp(mutate?: (stacks: Stack[]) => void) {
  const outdir = mkdtempSync(join(tmpdir(), 'security-compliance-'));
  const config = loadConfig(ENV, { configDir: CONFIG_DIR });
  const app = createApp({ outdir, context: { env: ENV } });
  const stacks = buildSecurityApp(app, config);
  addComplianceGate(app, config);
  mutate?.(stacks);
  const synth = () => ComplianceReport.synth(app, { appName: 'security-account', environment: ENV, reportDirectory: outdir });
  const report = () => JSON.parse(readFileSync(join(outdir, 'compliance-report.json'), 'utf8')).apps['security-account'];
  return { synth, report, outdir, stacks };
}

/** The logs key of the first keys stack. */
function logsKeyOf(stacks: Stack[]): kms.CfnKey {
  const keysStack = stacks.find((s) => s.stackName.includes('-security-keys-'))!;
  return keysStack.node.findChild('Keys').node.findChild('LogsKey').node.defaultChild as kms.CfnKey;
}

describe('security app compliance gate', () => {
  test(`${ENV}: every pack passes with zero unacknowledged findings, and every acknowledgement names a resource and a reason`, () => {
    // GIVEN
    const { synth, report, outdir } = gatedApp();
    // WHEN
    synth();
    // THEN
    const section = report();
    expect(section.openFindings).toBe(0);
    for (const f of section.findings) {
      expect(f.acknowledged).toBe(true);
      expect(f.constructPath).toMatch(new RegExp(`^${ENV}-security-`));
      expect(f.reason.length).toBeGreaterThanOrEqual(20);
    }
    expect(readFileSync(join(outdir, 'compliance-report.txt'), 'utf8')).toMatch(/== security-account: 0 open, \d+ acknowledged/);
  });

  test(`${ENV}: turning off the logs key's rotation fails synth with the key rotation rules`, () => {
    // GIVEN the app, WHEN an escape hatch disables rotation of the logs key
    const { synth, report, stacks } = gatedApp((all) => {
      logsKeyOf(all).enableKeyRotation = false;
    });
    // THEN
    expect(() => quietly(synth)).toThrow(/LogsKey\/Resource[\s\S]*AwsSolutions-KMS5/);
    const open = report().findings.filter((f: any) => !f.acknowledged);
    const keyPath = logsKeyOf(stacks).node.path;
    expect(open.map((f: any) => [f.ruleId, f.constructPath]).sort()).toEqual([
      ['AwsSolutions-KMS5', keyPath],
      ['NIST.800.53.R5-KMSBackingKeyRotationEnabled', keyPath],
      ['PCI.DSS.321-KMSBackingKeyRotationEnabled', keyPath],
      // AWS Control Tower CT.KMS.PR.1, the same guarantee as a deploy-time hook.
      ['kms_key_rotation_enabled_check', keyPath],
    ]);
  });

  test(`${ENV}: shortening the central audit log group's retention fails synth with the log class rule and its fix`, () => {
    // GIVEN the app, WHEN the audit class log group is set to one year instead of the configured 10
    const { synth, report } = gatedApp((all) => {
      const logging = all.find((s) => s.stackName.includes('-security-logging-'))!;
      const audit = logging.node
        .findAll()
        .find((c) => c instanceof logs.CfnLogGroup && Stack.of(c).resolve(c.logGroupName) === '/guardrails/central/audit') as logs.CfnLogGroup;
      audit.retentionInDays = 365;
    });
    // THEN
    expect(() => quietly(synth)).toThrow(/AuditLogGroup[\s\S]*Guardrails-LogGroupClassRetentionAndKey/);
    expect(report().findings.filter((f: any) => !f.acknowledged)).toEqual([
      expect.objectContaining({
        ruleId: 'Guardrails-LogGroupClassRetentionAndKey',
        constructPath: expect.stringMatching(/-security-logging-.*AuditLogGroup/),
        suggestedFix: expect.stringMatching(/retention to the class value/),
      }),
    ]);
  });
});
