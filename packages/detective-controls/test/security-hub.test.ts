import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DetectiveControls, SecurityHub, SecurityHubProps } from '../lib';

function newStack(region = 'eu-west-1'): Stack {
  return new Stack(new App(), 'TestStack', { env: { account: '111111111111', region } });
}

function templateOf(props?: SecurityHubProps, region?: string): Template {
  const stack = newStack(region);
  new SecurityHub(stack, 'SecurityHub', props);
  return Template.fromStack(stack);
}

/** The standards ARNs, with the partition (a pseudo parameter) resolved to 'aws'. */
function standardsOf(template: Template): string[] {
  const resolve = (arn: any): string =>
    typeof arn === 'string' ? arn : arn['Fn::Join'][1].map((part: any) => (part.Ref === 'AWS::Partition' ? 'aws' : part)).join(arn['Fn::Join'][0]);
  return Object.values(template.findResources('AWS::SecurityHub::Standard')).map((r) => resolve(r.Properties.StandardsArn));
}

const FSBP = 'arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0';
const CIS = 'arn:aws:securityhub:eu-west-1::standards/cis-aws-foundations-benchmark/v/5.0.0';
const PCI = 'arn:aws:securityhub:eu-west-1::standards/pci-dss/v/4.0.1';

describe('SecurityHub', () => {
  test('by default: the hub with consolidated control findings and auto-enabled controls, no default standards; FSBP and CIS v5.0.0', () => {
    // WHEN
    const template = templateOf();

    // THEN
    template.resourceCountIs('AWS::SecurityHub::Hub', 1);
    template.hasResourceProperties('AWS::SecurityHub::Hub', {
      ControlFindingGenerator: 'SECURITY_CONTROL',
      AutoEnableControls: true,
      EnableDefaultStandards: false,
    });
    expect(standardsOf(template)).toEqual([FSBP, CIS]);
    template.resourceCountIs('AWS::SecurityHub::FindingAggregator', 0);
  });

  test('each standard is switchable: PCI DSS v4.0.1 on, CIS off', () => {
    const template = templateOf({ standards: { pciDss: true, cisFoundationsBenchmark: false } });
    expect(standardsOf(template)).toEqual([FSBP, PCI]);
  });

  test('every standard waits for the hub (a standard cannot be enabled before Security Hub)', () => {
    const template = templateOf({ standards: { pciDss: true } });
    const hubId = Object.keys(template.findResources('AWS::SecurityHub::Hub'))[0];
    for (const standard of Object.values(template.findResources('AWS::SecurityHub::Standard'))) {
      expect(standard.DependsOn).toContain(hubId);
    }
  });

  test('the standards ARNs are those of the stack region', () => {
    expect(standardsOf(templateOf({}, 'us-east-1'))).toEqual([
      'arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0',
      'arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/5.0.0',
    ]);
  });

  test('linkedRegions: a finding aggregator in this region for exactly those regions, after the hub', () => {
    const template = templateOf({ linkedRegions: ['eu-central-1', 'us-east-1'] });
    template.hasResourceProperties('AWS::SecurityHub::FindingAggregator', { RegionLinkingMode: 'SPECIFIED_REGIONS', Regions: ['eu-central-1', 'us-east-1'] });
    const hubId = Object.keys(template.findResources('AWS::SecurityHub::Hub'))[0];
    expect(Object.values(template.findResources('AWS::SecurityHub::FindingAggregator'))[0].DependsOn).toContain(hubId);
  });

  test('fails if linkedRegions is empty, names the aggregation region, a region twice or no region', () => {
    expect(() => templateOf({ linkedRegions: [] })).toThrow(/TestStack\/SecurityHub: linkedRegions: received an empty list; expected at least one region/);
    expect(() => templateOf({ linkedRegions: ['eu-west-1'] })).toThrow(
      /linkedRegions: received 'eu-west-1'; expected regions other than the aggregation region eu-west-1/,
    );
    expect(() => templateOf({ linkedRegions: ['us-east-1', 'us-east-1'] })).toThrow(/linkedRegions: received 'us-east-1' twice; expected each region once/);
    expect(() => templateOf({ linkedRegions: ['Frankfurt'] })).toThrow(/linkedRegions: received 'Frankfurt'; expected region names/);
  });
});

describe('DetectiveControls with Security Hub', () => {
  const base = { enableConfigRecorder: false, enableConfigRules: false, enableGuardDuty: false, enableAccessAnalyzer: false };

  test('off by default (one hub per account and region; often enabled by a delegated administrator)', () => {
    const stack = newStack();
    new DetectiveControls(stack, 'Detective', base);
    Template.fromStack(stack).resourceCountIs('AWS::SecurityHub::Hub', 0);
  });

  test('enableSecurityHub creates the hub and the standards of securityHub under Detective/SecurityHub', () => {
    const stack = newStack();
    const controls = new DetectiveControls(stack, 'Detective', { ...base, enableSecurityHub: true, securityHub: { standards: { pciDss: true } } });
    expect(controls.securityHub?.node.path).toBe('TestStack/Detective/SecurityHub');
    expect(standardsOf(Template.fromStack(stack))).toEqual([FSBP, CIS, PCI]);
  });

  test('fails if securityHub is given without enableSecurityHub', () => {
    expect(() => new DetectiveControls(newStack(), 'Detective', { ...base, securityHub: { standards: { pciDss: true } } })).toThrow(
      /TestStack\/Detective: securityHub: received a value with enableSecurityHub undefined; expected securityHub only with enableSecurityHub true/,
    );
  });
});
