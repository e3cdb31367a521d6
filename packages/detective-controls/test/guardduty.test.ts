import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DetectiveControls, DetectiveControlsProps, FindingPublishingFrequency } from '../lib';

function newStack(): Stack {
  return new Stack(new App(), 'TestStack', { env: { account: '111111111111', region: 'eu-west-1' } });
}

function detectorOf(props: DetectiveControlsProps): Record<string, any> {
  const stack = newStack();
  new DetectiveControls(stack, 'Detective', { enableConfigRecorder: false, enableConfigRules: false, enableAccessAnalyzer: false, ...props });
  const detectors = Object.values(Template.fromStack(stack).findResources('AWS::GuardDuty::Detector'));
  expect(detectors).toHaveLength(1);
  return detectors[0].Properties;
}

/** The AWS Control Tower proactive control itself (the rule file the compliance gate runs), on a template with this detector only. */
function controlTowerS3Protection(properties: Record<string, any>): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'ct-guardduty-'));
  const templatePath = join(dir, 'template.json');
  writeFileSync(templatePath, JSON.stringify({ Resources: { Detector: { Type: 'AWS::GuardDuty::Detector', Properties: properties } } }));
  const rule = require.resolve('@cdklabs/cdk-validator-cfnguard/rules/control-tower/cfn-guard/guardduty/ct-guardduty-pr-1.guard');
  return new CfnGuardValidator({ controlTowerRulesEnabled: false, rules: [rule] }).validate({ templatePaths: [templatePath], appConstruct: new App() }).success;
}

describe('GuardDuty detector', () => {
  test('by default: S3 protection, EKS audit logs and EBS malware protection as DataSources, publishing every 15 minutes', () => {
    // WHEN
    const detector = detectorOf({});

    // THEN
    expect(detector).toEqual({
      Enable: true,
      FindingPublishingFrequency: 'FIFTEEN_MINUTES',
      DataSources: {
        S3Logs: { Enable: true },
        Kubernetes: { AuditLogs: { Enable: true } },
        MalwareProtection: { ScanEc2InstanceWithFindings: { EbsVolumes: true } },
      },
    });
  });

  test('by default passes AWS Control Tower CT.GUARDDUTY.PR.1 (S3 protection on)', () => {
    expect(controlTowerS3Protection(detectorOf({}))).toBe(true);
    // control: the rule does fail a detector without DataSources.S3Logs
    expect(controlTowerS3Protection({ Enable: true, Features: [{ Name: 'S3_DATA_EVENTS', Status: 'ENABLED' }] })).toBe(false);
  });

  test('plans with a data source can be switched off and stay DataSources (CT.GUARDDUTY.PR.1 still passes)', () => {
    // WHEN
    const detector = detectorOf({
      guardDutyProtection: { eksAuditLogs: false, ebsMalwareProtection: false },
      findingPublishingFrequency: FindingPublishingFrequency.ONE_HOUR,
    });

    // THEN
    expect(detector.FindingPublishingFrequency).toBe('ONE_HOUR');
    expect(detector.DataSources).toEqual({
      S3Logs: { Enable: true },
      Kubernetes: { AuditLogs: { Enable: false } },
      MalwareProtection: { ScanEc2InstanceWithFindings: { EbsVolumes: false } },
    });
    expect(detector.Features).toBeUndefined();
    expect(controlTowerS3Protection(detector)).toBe(true);
  });

  test('a plan without a data source writes every plan as Features, S3 always enabled, never both', () => {
    // WHEN
    const detector = detectorOf({ guardDutyProtection: { eksAuditLogs: false, rdsLoginEvents: true, lambdaNetworkLogs: false } });

    // THEN
    expect(detector.DataSources).toBeUndefined();
    expect(detector.Features).toEqual([
      { Name: 'S3_DATA_EVENTS', Status: 'ENABLED' },
      { Name: 'EKS_AUDIT_LOGS', Status: 'DISABLED' },
      { Name: 'EBS_MALWARE_PROTECTION', Status: 'ENABLED' },
      { Name: 'RDS_LOGIN_EVENTS', Status: 'ENABLED' },
      { Name: 'LAMBDA_NETWORK_LOGS', Status: 'DISABLED' },
    ]);
  });

  test('Runtime Monitoring with the agent management chosen', () => {
    // WHEN
    const detector = detectorOf({ guardDutyProtection: { runtimeMonitoring: true, eksAgentManagement: true, ec2AgentManagement: true } });

    // THEN
    expect(detector.Features).toContainEqual({
      Name: 'RUNTIME_MONITORING',
      Status: 'ENABLED',
      AdditionalConfiguration: [
        { Name: 'EKS_ADDON_MANAGEMENT', Status: 'ENABLED' },
        { Name: 'ECS_FARGATE_AGENT_MANAGEMENT', Status: 'DISABLED' },
        { Name: 'EC2_AGENT_MANAGEMENT', Status: 'ENABLED' },
      ],
    });
    expect(detector.Features).toContainEqual({ Name: 'S3_DATA_EVENTS', Status: 'ENABLED' });
  });

  test('Runtime Monitoring switched off explicitly has no agent management', () => {
    expect(detectorOf({ guardDutyProtection: { runtimeMonitoring: false } }).Features).toContainEqual({ Name: 'RUNTIME_MONITORING', Status: 'DISABLED' });
  });

  test('switched off: no detector', () => {
    // GIVEN
    const stack = newStack();

    // WHEN
    const controls = new DetectiveControls(stack, 'Detective', { enableGuardDuty: false });

    // THEN
    Template.fromStack(stack).resourceCountIs('AWS::GuardDuty::Detector', 0);
    expect(controls.detector).toBeUndefined();
  });

  test('S3 protection cannot be switched off: an unknown key does not reach the detector', () => {
    // A JavaScript caller may pass keys the struct does not have; S3 protection stays on.
    const detector = detectorOf({ guardDutyProtection: { s3Logs: false, s3DataEvents: false } as any });
    expect(detector.DataSources.S3Logs).toEqual({ Enable: true });
  });
});

describe('GuardDuty validation', () => {
  test('fails if guardDutyProtection is given with GuardDuty switched off', () => {
    expect(() => new DetectiveControls(newStack(), 'Detective', { enableGuardDuty: false, guardDutyProtection: { eksAuditLogs: false } })).toThrow(
      /^TestStack\/Detective: guardDutyProtection: received a value with enableGuardDuty false; expected guardDutyProtection only with enableGuardDuty true\. Remove/,
    );
  });

  test.each([
    ['eksAgentManagement', 'EKS_ADDON_MANAGEMENT', undefined],
    ['ecsFargateAgentManagement', 'ECS_FARGATE_AGENT_MANAGEMENT', false],
    ['ec2AgentManagement', 'EC2_AGENT_MANAGEMENT', undefined],
  ])('fails if %s (%s) is true with runtimeMonitoring %s', (prop, name, runtimeMonitoring) => {
    expect(() => new DetectiveControls(newStack(), 'Detective', { guardDutyProtection: { [prop]: true, runtimeMonitoring } })).toThrow(
      new RegExp(
        `^TestStack/Detective: guardDutyProtection\\.${prop}: received true with runtimeMonitoring ${runtimeMonitoring}; expected ${prop} \\(${name}\\) only with runtimeMonitoring true`,
      ),
    );
  });
});
