import { join } from 'node:path';
import { GuardrailsConfig, loadConfig, parseConfig } from '@cdk-guardrails/config';
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as securityhub from 'aws-cdk-lib/aws-securityhub';
import { App, Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Acknowledgement, acknowledgedIds, applyAcknowledgements, compliancePlugins, securityHubStandardsArnPaths, validateAcknowledgement } from '../src';

const REASON = 'a reason that is long enough to say why this finding is acceptable here';
const DEFAULTS = { owner: 'guardrails-maintainers', expires: '2027-06-01' };

function appWithQueues(): { app: App; stacks: Stack[] } {
  const app = new App();
  const stacks = ['One', 'Two'].map((name) => {
    const stack = new Stack(app, name, { env: { account: '111111111111', region: 'eu-west-1' } });
    new sqs.Queue(stack, 'Queue');
    return stack;
  });
  return { app, stacks };
}

test('ids apply the same rule ids in every stack; idsForStack computes them per stack', () => {
  // GIVEN
  const { app, stacks } = appWithQueues();
  const perStack: Acknowledgement = { path: 'Queue/Resource', idsForStack: (stack) => [`AwsSolutions-SQS3[${stack.stackName}]`], reason: REASON };
  const fixed: Acknowledgement = { path: 'Queue/Resource', ids: ['AwsSolutions-SQS4'], reason: REASON };

  // WHEN
  const matched = applyAcknowledgements(app, [perStack, fixed], DEFAULTS);

  // THEN
  expect(matched).toEqual([2, 2]);
  expect(stacks.map((stack) => acknowledgedIds(perStack, stack))).toEqual(['AwsSolutions-SQS3[One]', 'AwsSolutions-SQS3[Two]'].map((id) => [id]));
  expect(acknowledgedIds(fixed, stacks[0])).toEqual(['AwsSolutions-SQS4']);
});

test('fails if an acknowledgement gives both ids and idsForStack', () => {
  const { app } = appWithQueues();
  const both: Acknowledgement = { path: 'Queue/Resource', ids: ['AwsSolutions-SQS4'], idsForStack: () => ['AwsSolutions-SQS3'], reason: REASON };
  expect(() => applyAcknowledgements(app, [both], DEFAULTS)).toThrow(
    "acknowledgements[0] (path 'Queue/Resource'): ids: received both ids and idsForStack; expected exactly one of them",
  );
});

test('fails if an acknowledgement gives neither ids nor idsForStack, or an empty list', () => {
  expect(() => validateAcknowledgement({ path: 'Queue/Resource', reason: REASON }, 'acks[2]')).toThrow(
    "acks[2] (path 'Queue/Resource'): ids: received neither ids nor idsForStack; expected exactly one of them",
  );
  expect(() => validateAcknowledgement({ path: 'Queue/Resource', ids: [], reason: REASON }, 'acks[2]')).toThrow(
    "acks[2] (path 'Queue/Resource'): ids: received []; expected a non-empty list of rule ids",
  );
});

test('fails if an acknowledgement has no path or no reason', () => {
  expect(() => validateAcknowledgement({ path: '', ids: ['AwsSolutions-SQS4'], reason: REASON }, 'acks[0]')).toThrow(
    'acks[0]: path: received ""; expected a construct path relative to each stack',
  );
  expect(() => validateAcknowledgement({ path: 'Queue/Resource', ids: ['AwsSolutions-SQS4'], reason: ' ' }, 'acks[0]')).toThrow(
    'acks[0] (path \'Queue/Resource\'): reason: received " "; expected a true and specific reason',
  );
});

test('nothing is applied when one acknowledgement of the list is invalid', () => {
  const { app, stacks } = appWithQueues();
  const valid: Acknowledgement = { path: 'Queue/Resource', ids: ['AwsSolutions-SQS4'], reason: REASON };
  expect(() => applyAcknowledgements(app, [valid, { path: 'Queue/Resource', reason: REASON }], DEFAULTS)).toThrow(/acknowledgements\[1\]/);
  const metadataOf = (stack: Stack) => stack.node.findChild('Queue').node.defaultChild!.node.metadata.length;
  const control = appWithQueues();
  expect(metadataOf(stacks[0])).toBe(metadataOf(control.stacks[0]));
  applyAcknowledgements(control.app, [valid], DEFAULTS);
  expect(metadataOf(control.stacks[0])).toBeGreaterThan(metadataOf(stacks[0]));
});

test("the gate's Guardrails pack requires the audit and security log groups of a workload account to be shipped to the security account", () => {
  const config = loadConfig('prod', { configDir: join(__dirname, '..', '..', '..', 'config') });
  const app = new App();
  const workload = new Stack(app, 'Workload', { env: { account: config.workloadAccounts[0].accountId, region: 'eu-west-1' } });
  const audit = new logs.LogGroup(workload, 'Audit', { logGroupName: '/guardrails/audit/cloudtrail' });
  new logs.LogGroup(workload, 'App', { logGroupName: '/guardrails/app/orders' });
  const guardrails = compliancePlugins(app, config).find((p) => p.name === 'Guardrails')! as any;
  const shippingFindings = () =>
    guardrails
      .validateScope(app)
      .violations.filter((v: any) => v.ruleName === 'Guardrails-LogGroupShippedToCentralAccount')
      .flatMap((v: any) => v.violatingResources.map((r: any) => r.constructPath));
  expect(shippingFindings()).toEqual(['Workload/Audit/Resource']);
  // Control: shipped to the security account's destination, it complies.
  new logs.CfnSubscriptionFilter(workload, 'Ship', {
    logGroupName: audit.logGroupName,
    destinationArn: `arn:aws:logs:eu-west-1:${config.securityAccount.accountId}:destination:${config.securityAccount.destinationName}`,
    filterPattern: '',
  });
  expect(shippingFindings()).toEqual([]);
});

/** The findings of one rule of the gate's Guardrails pack over the app. */
function gateFindings(app: App, config: GuardrailsConfig, ruleId: string): string[] {
  const guardrails = compliancePlugins(app, config).find((p) => p.name === 'Guardrails')! as any;
  return guardrails
    .validateScope(app)
    .violations.filter((v: any) => v.ruleName === ruleId)
    .flatMap((v: any) => v.violatingResources.map((r: any) => r.constructPath));
}

test("the gate's Guardrails pack requires every bucket to block SSE-C, unless config allows SSE-C", () => {
  const config = loadConfig('prod', { configDir: join(__dirname, '..', '..', '..', 'config') });
  const app = new App();
  const stack = new Stack(app, 'Workload', { env: { account: config.workloadAccounts[0].accountId, region: 'eu-west-1' } });
  new s3.Bucket(stack, 'Open');
  new s3.Bucket(stack, 'Blocked', { blockedEncryptionTypes: [s3.BlockedEncryptionType.SSE_C] });
  expect(config.accountBaseline.blockSseCObjectWrites).toBe(true);
  expect(gateFindings(app, config, 'Guardrails-S3BucketBlocksSseC')).toEqual(['Workload/Open/Resource']);
  // An environment that switches the block off (its buckets write NONE) does not run the rule.
  const raw = JSON.parse(JSON.stringify(config));
  raw.accountBaseline.blockSseCObjectWrites = false;
  expect(gateFindings(app, parseConfig(raw, config.environment), 'Guardrails-S3BucketBlocksSseC')).toEqual([]);
});

test("the gate's Guardrails pack requires config's Security Hub standards in every hub, and nothing where Security Hub is off", () => {
  const config = loadConfig('prod', { configDir: join(__dirname, '..', '..', '..', 'config') });
  expect(config.securityHub.enabled).toBe(true);
  expect(securityHubStandardsArnPaths(config)).toEqual([
    'aws-foundational-security-best-practices/v/1.0.0',
    'cis-aws-foundations-benchmark/v/5.0.0',
    'pci-dss/v/4.0.1',
  ]);
  const app = new App();
  const stack = new Stack(app, 'Workload', { env: { account: config.workloadAccounts[0].accountId, region: 'eu-west-1' } });
  new securityhub.CfnHub(stack, 'Hub', { autoEnableControls: true });
  // FSBP and CIS, but not the PCI DSS standard prod's config enables.
  for (const path of securityHubStandardsArnPaths(config).slice(0, 2)) {
    new securityhub.CfnStandard(stack, path.split('/')[0], { standardsArn: `arn:aws:securityhub:eu-west-1::standards/${path}` });
  }
  expect(gateFindings(app, config, 'Guardrails-SecurityHubStandardsEnabled')).toEqual(['Workload/Hub']);
  // Control: without PCI DSS in config, the same hub complies; with Security Hub off, the rule does not run.
  const raw = JSON.parse(JSON.stringify(config));
  raw.securityHub.standards.pciDss = false;
  expect(gateFindings(app, parseConfig(raw, config.environment), 'Guardrails-SecurityHubStandardsEnabled')).toEqual([]);
  const off = JSON.parse(JSON.stringify(config));
  off.securityHub = { ...off.securityHub, enabled: false, aggregationRegions: [] };
  const offConfig = parseConfig(off, config.environment);
  expect(securityHubStandardsArnPaths(offConfig).length).toBeGreaterThan(0);
  const other = new Stack(app, 'Other', { env: { account: config.workloadAccounts[0].accountId, region: 'eu-west-1' } });
  new securityhub.CfnHub(other, 'Hub', { autoEnableControls: false });
  new guardduty.CfnDetector(new Stack(app, 'NoHub', { env: { account: config.workloadAccounts[0].accountId, region: 'eu-west-1' } }), 'Detector', {
    enable: true,
  });
  expect(gateFindings(app, offConfig, 'Guardrails-SecurityHubStandardsEnabled')).toEqual([]);
  // With Security Hub on, a GuardDuty detector in a stack without a hub is reported too.
  expect(gateFindings(app, config, 'Guardrails-SecurityHubStandardsEnabled').sort()).toEqual(['NoHub/Detector', 'Other/Hub', 'Workload/Hub']);
});

test("the gate's Guardrails pack requires the finding aggregator of securityHub.aggregationRegions in the security account's first region", () => {
  const config = loadConfig('prod', { configDir: join(__dirname, '..', '..', '..', 'config') });
  expect(config.securityHub.aggregationRegions.length).toBeGreaterThan(0);
  const app = new App();
  const home = new Stack(app, 'Home', { env: { account: config.securityAccount.accountId, region: config.securityAccount.regions[0] } });
  new securityhub.CfnHub(home, 'Hub', {});
  for (const path of securityHubStandardsArnPaths(config)) {
    new securityhub.CfnStandard(home, path.split('/')[0], { standardsArn: `arn:aws:securityhub:${config.securityAccount.regions[0]}::standards/${path}` });
  }
  expect(gateFindings(app, config, 'Guardrails-SecurityHubStandardsEnabled')).toEqual(['Home/Hub']);
  // Control: an aggregator that links every configured region.
  new securityhub.CfnFindingAggregator(home, 'Aggregator', { regionLinkingMode: 'SPECIFIED_REGIONS', regions: [...config.securityHub.aggregationRegions] });
  expect(gateFindings(app, config, 'Guardrails-SecurityHubStandardsEnabled')).toEqual([]);
});

test("the gate's boundary rule accepts only the boundary it is told (the StackSet baseline's is named per region); a bad name fails naming it", () => {
  const config = loadConfig('prod', { configDir: join(__dirname, '..', '..', '..', 'config') });
  const app = new App();
  const stack = new Stack(app, 'Workload', { env: { account: config.workloadAccounts[0].accountId, region: 'eu-west-1' } });
  const roleWith = (id: string, policyName: string) =>
    new iam.Role(stack, id, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      permissionsBoundary: iam.ManagedPolicy.fromManagedPolicyName(stack, `${id}Boundary`, policyName),
    });
  roleWith('Account', 'GuardrailsPermissionsBoundary');
  roleWith('Regional', 'GuardrailsPermissionsBoundary-eu-west-1');
  roleWith('OtherRegion', 'GuardrailsPermissionsBoundary-eu-central-1');
  const findings = (options: { permissionsBoundaryName?: string }) => {
    const guardrails = compliancePlugins(app, config, options).find((p) => p.name === 'Guardrails')! as any;
    return guardrails
      .validateScope(app)
      .violations.filter((v: any) => v.ruleName === 'Guardrails-IamRolePermissionsBoundary')
      .flatMap((v: any) => v.violatingResources.map((r: any) => r.constructPath))
      .sort();
  };
  expect(findings({})).toEqual(['Workload/OtherRegion/Resource', 'Workload/Regional/Resource']);
  expect(findings({ permissionsBoundaryName: 'GuardrailsPermissionsBoundary-eu-west-1' })).toEqual([
    'Workload/Account/Resource',
    'Workload/OtherRegion/Resource',
  ]);
  expect(() => compliancePlugins(app, config, { permissionsBoundaryName: 'Guardrails*' })).toThrow(
    "addComplianceGate: permissionsBoundaryName: received 'Guardrails*'; expected an IAM managed policy name",
  );
});
