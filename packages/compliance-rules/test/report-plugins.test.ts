import { mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ComplianceReport } from '../lib';

const TODAY = new Date('2026-06-01T12:00:00Z');

/** A rule pack that runs and finds nothing: the CDK validation report leaves it out. */
class SilentPack implements IPolicyValidationPlugin {
  public readonly name = 'Silent';
  public validate(_context: IPolicyValidationContext): PolicyValidationPluginReport {
    return { success: true, violations: [] };
  }
}

function section(dir: string) {
  return JSON.parse(readFileSync(join(dir, 'compliance-report.json'), 'utf8')).apps['my-app'];
}

describe('ComplianceReport: the rule packs that ran', () => {
  test('lists every registered plugin, also one that found nothing (which the CDK validation report leaves out)', () => {
    // GIVEN
    const dir = mkdtempSync(join(tmpdir(), 'report-plugins-'));
    const app = new App({ outdir: join(dir, 'out') });
    new s3.CfnBucket(new Stack(app, 'S'), 'Bucket');
    Validations.of(app).addPlugins(new SilentPack());
    // WHEN
    ComplianceReport.synth(app, { appName: 'my-app', environment: 'dev', today: TODAY, reportDirectory: dir });
    // THEN
    const validationReport = JSON.parse(readFileSync(join(dir, 'out', 'validation-report.json'), 'utf8'));
    expect(validationReport.pluginReports.map((p: any) => p.pluginName)).not.toContain('Silent');
    expect(section(dir).plugins).toEqual(['Silent']);
  });

  test('lists none when synthesis failed before the plugins ran', () => {
    // GIVEN an app whose synthesis fails (an error annotation) before validation
    const dir = mkdtempSync(join(tmpdir(), 'report-plugins-'));
    const app = new App({ outdir: join(dir, 'out') });
    const stack = new Stack(app, 'S');
    new s3.CfnBucket(stack, 'Bucket');
    stack.node.addValidation({ validate: () => ['broken on purpose'] });
    Validations.of(app).addPlugins(new SilentPack());
    // WHEN
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(() => ComplianceReport.synth(app, { appName: 'my-app', environment: 'dev', today: TODAY, reportDirectory: dir })).toThrow(/broken on purpose/);
    } finally {
      stderr.mockRestore();
    }
    // THEN
    expect(section(dir)).toMatchObject({ plugins: [], passed: false });
  });
});
