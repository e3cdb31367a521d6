import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, CfnWaitConditionHandle, IPolicyValidationContextBeta1, PolicyValidationPluginReportBeta1, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { controlTowerRuleFiles, ControlTowerGuardValidator, inapplicableRuleFiles, templateResourceTypes } from '../src';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Synthesizes the stacks `build` adds (no plugins) and returns the validation context of their templates. */
function templates(build: (app: App) => void): IPolicyValidationContextBeta1 {
  const dir = mkdtempSync(join(tmpdir(), 'ct-select-'));
  dirs.push(dir);
  const app = new App({ outdir: dir });
  build(app);
  return { appConstruct: app, templatePaths: app.synth().stacks.map((s) => s.templateFullPath) };
}

/**
 * The findings of a report as comparable strings: rule, template, resource, description and fix (what
 * the compliance report records of each finding).
 */
function findings(report: PolicyValidationPluginReportBeta1): string[] {
  return report.violations
    .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.templatePath.split('/').pop()} ${r.resourceLogicalId} | ${v.description} | ${v.fix}`))
    .sort();
}

/** The distinct failing paths of each finding. */
function locations(report: PolicyValidationPluginReportBeta1): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const v of report.violations) {
    for (const r of v.violatingResources) {
      const key = `${v.ruleName} ${r.templatePath.split('/').pop()} ${r.resourceLogicalId}`;
      out.set(key, new Set([...(out.get(key) ?? []), ...r.locations]));
    }
  }
  return out;
}

/** Two stacks with resources several Control Tower rules fail: a short-lived unencrypted log group, a bare bucket, a queue. */
function nonCompliant(app: App): void {
  const logsStack = new Stack(app, 'Logs', { env: { account: '111111111111', region: 'eu-west-1' } });
  new logs.LogGroup(logsStack, 'Short', { retention: logs.RetentionDays.ONE_WEEK, removalPolicy: RemovalPolicy.DESTROY });
  const data = new Stack(app, 'Data', { env: { account: '111111111111', region: 'eu-west-1' } });
  new s3.Bucket(data, 'Bare');
  new sqs.Queue(data, 'Queue', { encryption: sqs.QueueEncryption.UNENCRYPTED });
}

test('every bundled rule file is read, with the resource types it names', () => {
  const files = controlTowerRuleFiles();
  expect(files.length).toBeGreaterThan(200);
  expect(files.find((f) => f.name === 'ct-kms-pr-3')?.resourceTypes).toEqual(['AWS::KMS::Key']);
  // Types written in single quotes count too (this file names its type only so).
  expect(files.find((f) => f.name === 'ct-autoscaling-pr-5')?.resourceTypes).toContain('AWS::AutoScaling::LaunchConfiguration');
});

test('only the rule files naming none of the templates resource types are left out', () => {
  const types = templateResourceTypes(templates(nonCompliant).templatePaths);
  expect(types).toEqual(new Set(['AWS::Logs::LogGroup', 'AWS::S3::Bucket', 'AWS::SQS::Queue']));
  const left = inapplicableRuleFiles(types);
  expect(left).toEqual(expect.arrayContaining(['ct-redshift-pr-1', 'ct-kms-pr-3', 'ct-lambda-pr-3']));
  for (const applies of ['ct-s3-pr-1', 'ct-s3-pr-10', 'ct-cloudwatch-pr-2', 'ct-sqs-pr-1']) expect(left).not.toContain(applies);
  // A file naming no type at all would always run.
  expect(inapplicableRuleFiles(types, [{ name: 'untyped', resourceTypes: [] }])).toEqual([]);
});

test('the selected rule files, evaluated in-process, find exactly what the plugin finds with cfn-guard and every rule file', () => {
  const context = templates(nonCompliant);
  const reference = new CfnGuardValidator().validate(context);
  const all = findings(reference);
  const selected = new ControlTowerGuardValidator().validate(context);
  // The comparison means something only if the whole rule set finds plenty here.
  expect(all.length).toBeGreaterThan(5);
  expect(all.some((f) => f.startsWith('cloudwatch_log_group_retention_period_check '))).toBe(true);
  expect(all.some((f) => f.includes(' Data.template.json '))).toBe(true);
  expect(all.every((f) => / \| \[CT\.[A-Z0-9]+\.PR\.\d+\]: .+ \| .+/.test(f))).toBe(true);
  expect(selected.success).toBe(false);
  expect(findings(selected)).toEqual(all);
  // Each failing path the in-process evaluator names is one cfn-guard names too. cfn-guard also lists
  // the clauses of an OR that failed on the way (`/Properties`, repeated), the evaluator only the deciding ones.
  const expected = locations(reference);
  for (const [key, paths] of locations(selected)) {
    expect([...paths].filter((p) => !expected.get(key)?.has(p))).toEqual([]);
  }
});

test('templates no rule file applies to pass, as they do under the whole rule set', () => {
  const context = templates((app) => new CfnWaitConditionHandle(new Stack(app, 'Empty'), 'Handle'));
  expect(inapplicableRuleFiles(templateResourceTypes(context.templatePaths))).toHaveLength(controlTowerRuleFiles().length);
  const all = new CfnGuardValidator().validate(context);
  expect(all.violations).toEqual([]);
  expect(new ControlTowerGuardValidator().validate(context)).toEqual({ success: true, violations: [] });
});

test('the plugin keeps the name acknowledgements are written against', () => {
  const plugin = new ControlTowerGuardValidator();
  expect(plugin.name).toBe('cdk-validator-cfnguard');
  expect(plugin.ruleIds).toEqual(new CfnGuardValidator().ruleIds);
});

describe('fail closed: what the in-process evaluator cannot read is not passed', () => {
  /** A template file written as given (JSON text), in a fresh directory. */
  function rawTemplate(text: string): IPolicyValidationContextBeta1 {
    const dir = mkdtempSync(join(tmpdir(), 'ct-raw-'));
    dirs.push(dir);
    const path = join(dir, 'Raw.template.json');
    writeFileSync(path, text);
    return { appConstruct: new App(), templatePaths: [path] };
  }
  const queue = '"Q":{"Type":"AWS::SQS::Queue","Properties":{}}';

  test('a lone surrogate escape (a JSON parse error in-process; cfn-guard refuses the file too) fails the plugin, naming the template', () => {
    const context = rawTemplate(`{"Resources":{${queue},"M":{"Type":"AWS::CloudFormation::WaitConditionHandle","Metadata":{"s":"\\ud800"}}}}`);
    expect(() => new ControlTowerGuardValidator().validate(context)).toThrow(
      /Raw\.template\.json: the Control Tower Guard rules could not evaluate this template \(status ERROR; F1101: JSON parse error/,
    );
  });

  test('nesting deeper than the in-process parser reads fails the plugin instead of passing the queue beside it', () => {
    const deep = '{"a":'.repeat(200) + '1' + '}'.repeat(200);
    const context = rawTemplate(`{"Resources":{${queue},"M":{"Type":"AWS::CloudFormation::WaitConditionHandle","Metadata":${deep}}}}`);
    expect(() => new ControlTowerGuardValidator().validate(context)).toThrow(/could not evaluate this template/);
  });

  test('control: the same queue in a readable template is reported, not refused', () => {
    const report = new ControlTowerGuardValidator().validate(rawTemplate(`{"Resources":{${queue}}}`));
    expect(report.violations.map((v) => v.ruleName)).toEqual(expect.arrayContaining(['sqs_queue_encrypted_check']));
  });

  test('resource types as Guard sees them: a lower-case type key and a list count, so their rule files are not left out', () => {
    const context = rawTemplate('{"Resources":{"A":{"type":"AWS::SQS::Queue"},"B":{"Type":["AWS::SNS::Topic"]},"C":{"Type":"AWS::S3::Bucket"}}}');
    expect(templateResourceTypes(context.templatePaths)).toEqual(new Set(['AWS::SQS::Queue', 'AWS::SNS::Topic', 'AWS::S3::Bucket']));
    const report = new ControlTowerGuardValidator().validate(context);
    expect(report.violations.some((v) => v.ruleName === 'sqs_queue_encrypted_check' && v.violatingResources.some((r) => r.resourceLogicalId === 'A'))).toBe(
      true,
    );
  });
});
