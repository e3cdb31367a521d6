/**
 * Issue 15: the security account, which holds the central audit store, must not be a dark account.
 * Each of its regions gets AWS Config (recorder, delivery to a bucket encrypted with the data key,
 * the guardrail rules), GuardDuty and IAM Access Analyzer, switchable in config as for workloads;
 * global resources (IAM) are recorded once, in the first region. The evidence is protected as in
 * the workload accounts.
 */
import { join } from 'node:path';
import { compliancePlugins, createApp } from '@cdk-guardrails/app-kit';
import { guardrailAdministratorArns, GuardrailsConfig, loadConfig } from '@cdk-guardrails/config';
import { ALLOW_EVERYTHING, evaluate, PolicyJson, resolveIntrinsics } from '@cdk-guardrails/policy-test-kit';
import { App, CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { LoggingStack } from '../src/logging-stack';
import { buildSecurityApp } from '../src/security-app';

jest.setTimeout(120_000);

const CONFIG_DIR = join(__dirname, '..', '..', '..', 'config');
const prod = loadConfig('prod', { configDir: CONFIG_DIR });
const ACCOUNT = prod.securityAccount.accountId;

function loggingStacks(config: GuardrailsConfig): LoggingStack[] {
  return buildSecurityApp(createApp({ context: { env: config.environment } }), config).filter((s): s is LoggingStack => s instanceof LoggingStack);
}
const count = (stack: LoggingStack, type: string) =>
  Object.values<any>(Template.fromStack(stack).toJSON().Resources).filter(
    // the unused-access analyzer (first region only) is counted apart: unused-access-analyzer.semantic.test.ts of the workload app
    (r) => r.Type === type && !(type === 'AWS::AccessAnalyzer::Analyzer' && String(r.Properties?.Type).endsWith('_UNUSED_ACCESS')),
  ).length;

test('every region of the security account records its configuration, runs GuardDuty and Access Analyzer; global resources once, in the first region', () => {
  const stacks = loggingStacks(prod);
  expect(stacks.map((s) => s.region)).toEqual(prod.securityAccount.regions);
  for (const stack of stacks) {
    const t = Template.fromStack(stack);
    for (const type of ['AWS::Config::ConfigurationRecorder', 'AWS::Config::DeliveryChannel', 'AWS::GuardDuty::Detector', 'AWS::AccessAnalyzer::Analyzer']) {
      expect([stack.region, type, count(stack, type)]).toEqual([stack.region, type, 1]);
    }
    expect(count(stack, 'AWS::Config::ConfigRule')).toBeGreaterThan(0);
    const recorder = Object.values<any>(t.toJSON().Resources).find((r) => r.Type === 'AWS::Config::ConfigurationRecorder')!;
    const global = JSON.stringify(recorder.Properties.RecordingGroup);
    // The first region records IAM (global resources); the others do not repeat them.
    expect([stack.region, global.includes('"IncludeGlobalResourceTypes":true') || global.includes('AWS::IAM::')]).toEqual([
      stack.region,
      stack.region === prod.securityAccount.regions[0],
    ]);
  }
});

test('each control can be switched off in config (an organization or Control Tower already runs it)', () => {
  const off: GuardrailsConfig = {
    ...prod,
    securityAccount: {
      ...prod.securityAccount,
      detectiveControls: { ...prod.securityAccount.detectiveControls, configRecorder: false, configRules: false, guardDuty: false, accessAnalyzer: false },
    },
  };
  for (const stack of loggingStacks(off)) {
    for (const type of ['AWS::Config::ConfigurationRecorder', 'AWS::Config::ConfigRule', 'AWS::GuardDuty::Detector', 'AWS::AccessAnalyzer::Analyzer']) {
      expect([stack.region, type, count(stack, type)]).toEqual([stack.region, type, 0]);
    }
  }
});

test('the GuardDuty detector has the plans of config securityAccount.detectiveControls.guardDutyProtection, S3 protection always', () => {
  const detectorOf = (config: GuardrailsConfig) =>
    loggingStacks(config).map(
      (stack) => Object.values<any>(Template.fromStack(stack).toJSON().Resources).find((r) => r.Type === 'AWS::GuardDuty::Detector')!.Properties,
    );
  // prod as shipped: the DataSources form AWS Control Tower CT.GUARDDUTY.PR.1 checks
  for (const detector of detectorOf(prod)) {
    expect(detector.DataSources).toEqual({
      S3Logs: { Enable: true },
      Kubernetes: { AuditLogs: { Enable: true } },
      MalwareProtection: { ScanEc2InstanceWithFindings: { EbsVolumes: true } },
    });
  }
  const plans = { ...prod.securityAccount.detectiveControls.guardDutyProtection, ebsMalwareProtection: false, rdsLoginEvents: true };
  const withRds: GuardrailsConfig = {
    ...prod,
    securityAccount: { ...prod.securityAccount, detectiveControls: { ...prod.securityAccount.detectiveControls, guardDutyProtection: plans } },
  };
  for (const detector of detectorOf(withRds)) {
    expect(detector.DataSources).toBeUndefined();
    expect(detector.Features).toEqual(
      expect.arrayContaining([
        { Name: 'S3_DATA_EVENTS', Status: 'ENABLED' },
        { Name: 'EBS_MALWARE_PROTECTION', Status: 'DISABLED' },
        { Name: 'RDS_LOGIN_EVENTS', Status: 'ENABLED' },
      ]),
    );
  }
});

test('the recorder role is exempt from the boundary (it reads every resource type) and protected by the tag', () => {
  const [stack] = loggingStacks(prod);
  const role = Object.values<any>(Template.fromStack(stack).toJSON().Resources).find(
    (r) => r.Type === 'AWS::IAM::Role' && JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('config.amazonaws.com'),
  )!;
  expect(role.Properties.PermissionsBoundary).toBeUndefined();
  expect(role.Properties.Tags).toEqual(expect.arrayContaining([{ Key: 'guardrails:protected', Value: 'true' }]));
});

describe('the Config bucket of the security account (evidence)', () => {
  const [stack] = loggingStacks(prod);
  const template = Template.fromStack(stack).toJSON();
  const [bucketId] = Object.entries<any>(template.Resources).find(([id, r]) => r.Type === 'AWS::S3::Bucket' && id.startsWith('DetectiveControlsConfigBucket'))!;
  const bucketArn = `arn:aws:s3:::${bucketId.toLowerCase()}`;
  // The data key lives in the keys stack: its ARN reaches this stack as a stack output reference.
  const DATA_KEY_ARN = `arn:aws:kms:${stack.region}:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
  const withStackOutputs = (doc: unknown): unknown =>
    JSON.parse(JSON.stringify(doc), (_k, v) => (v && typeof v === 'object' && 'Fn::GetStackOutput' in v ? DATA_KEY_ARN : v));
  const policy: PolicyJson = resolveIntrinsics(
    withStackOutputs(
      Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::S3::BucketPolicy' && r.Properties.Bucket.Ref === bucketId)!.Properties.PolicyDocument,
    ),
    {
      account: ACCOUNT,
      region: stack.region,
      refs: new Proxy({}, { get: (_t, id: string) => id.toLowerCase() }),
      getAtts: new Proxy({}, { get: (_t, key: string) => (key.startsWith(bucketId) ? bucketArn : `arn:aws:iam::${ACCOUNT}:role/${key.split('.')[0]}`) }),
    },
  );
  const asPrincipal = (principal: string, action: string, resource: string) =>
    evaluate({
      request: {
        principal,
        action,
        resource,
        resourceAccount: ACCOUNT,
        context: {
          'aws:PrincipalArn': principal,
          'aws:PrincipalAccount': ACCOUNT,
          'aws:PrincipalIsAWSService': 'false',
          'aws:SecureTransport': 'true',
          's3:ResourceAccount': ACCOUNT,
          's3:x-amz-server-side-encryption': 'aws:kms',
        },
      },
      identityPolicies: [ALLOW_EVERYTHING],
      resourcePolicy: policy,
    });
  const snapshot = `${bucketArn}/AWSLogs/${ACCOUNT}/Config/${stack.region}/2026/12/3/ConfigSnapshot/forged.json.gz`;

  test('a bounded admin of the security account cannot forge, delete or re-policy the configuration history; the administrators can', async () => {
    const admin = `arn:aws:iam::${ACCOUNT}:role/workload-admin`;
    for (const [action, resource] of [
      ['s3:PutObject', snapshot],
      ['s3:DeleteObjectVersion', snapshot],
      ['s3:PutBucketPolicy', bucketArn],
      ['s3:PutLifecycleConfiguration', bucketArn],
    ]) {
      expect([action, await asPrincipal(admin, action, resource)]).toEqual([action, 'ExplicitlyDenied']);
    }
    const breakGlass = guardrailAdministratorArns(prod, ACCOUNT).find((a) => a.endsWith(`/${prod.principals.breakGlassRoleName}`))!;
    expect(await asPrincipal(breakGlass, 's3:PutBucketPolicy', bucketArn)).toBe('Allowed');
  });
});

describe.each(['dev', 'prod'])('%s: the security account records every region with a multi-region trail of its own', (env) => {
  const config = env === 'prod' ? prod : loadConfig(env, { configDir: CONFIG_DIR });
  const stacks = loggingStacks(config);

  test("one multi-region trail, in the first region: every region's management events and the global service events, validated, KMS-encrypted, into the audit log group", () => {
    const trails = stacks.flatMap((stack) =>
      Object.values<any>(Template.fromStack(stack).toJSON().Resources)
        .filter((r) => r.Type === 'AWS::CloudTrail::Trail')
        .map((r) => [stack.region, r] as const),
    );
    expect(trails.map(([region]) => region)).toEqual([config.securityAccount.regions[0]]);
    expect(trails[0][1].Properties).toMatchObject({
      IsLogging: true,
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      EventSelectors: [{ IncludeManagementEvents: true, ReadWriteType: 'All' }],
    });
    expect(trails[0][1].Properties.KMSKeyId).toBeDefined();
    expect(trails[0][1].Properties.CloudWatchLogsLogGroupArn).toBeDefined();
  });

  test('its audit log group keeps the audit class retention; its trail bucket has the configured Object Lock and only the administrators delete its objects', () => {
    const home = stacks[0];
    const t = Template.fromStack(home);
    t.hasResource('AWS::Logs::LogGroup', {
      Properties: { LogGroupName: '/guardrails/audit/cloudtrail', RetentionInDays: config.logging.retentionDays.audit },
      DeletionPolicy: config.removalPolicy === 'retain' ? 'Retain' : 'Delete',
    });
    const [bucket] = Object.entries<any>(t.toJSON().Resources)
      .filter(([id, r]) => r.Type === 'AWS::S3::Bucket' && id.startsWith('TrailBucket'))
      .map(([, r]) => r);
    const lock = config.auditLogs.objectLock;
    expect(bucket.Properties.ObjectLockConfiguration).toEqual(
      lock.mode === 'none'
        ? undefined
        : { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: lock.mode.toUpperCase(), Days: lock.retentionDays } } },
    );
    const policy = JSON.stringify(Object.values<any>(t.toJSON().Resources).filter((r) => r.Type === 'AWS::S3::BucketPolicy'));
    expect(policy).toContain('DenyLogObjectChangesExceptServices');
    // The other regions run no trail (the first region's records them) but still capture S3 policy changes.
    for (const other of stacks.slice(1)) {
      expect(count(other, 'AWS::CloudTrail::Trail')).toBe(0);
      Template.fromStack(other).hasResourceProperties('AWS::Events::Rule', { EventPattern: { source: ['aws.s3'] } });
    }
  });
});

test('Security Hub (config securityHub): a hub with the configured standards in every region; the finding aggregator only in the first, linking the others', () => {
  const stacks = loggingStacks(prod);
  const [home, ...others] = prod.securityAccount.regions;
  for (const stack of stacks) {
    expect([stack.region, count(stack, 'AWS::SecurityHub::Hub')]).toEqual([stack.region, 1]);
    const standards = Object.values<any>(Template.fromStack(stack).toJSON().Resources)
      .filter((r) => r.Type === 'AWS::SecurityHub::Standard')
      .map((r) => JSON.stringify(r.Properties.StandardsArn));
    expect(standards.map((arn) => arn.match(/standards\/([a-z-]+\/v\/[\d.]+)/)![1])).toEqual([
      'aws-foundational-security-best-practices/v/1.0.0',
      'cis-aws-foundations-benchmark/v/5.0.0',
      'pci-dss/v/4.0.1',
    ]);
    expect([stack.region, count(stack, 'AWS::SecurityHub::FindingAggregator')]).toEqual([stack.region, stack.region === home ? 1 : 0]);
  }
  Template.fromStack(stacks[0]).hasResourceProperties('AWS::SecurityHub::FindingAggregator', { RegionLinkingMode: 'SPECIFIED_REGIONS', Regions: others });
  // control: switched off in config, no hub at all
  const off = loggingStacks({ ...prod, securityHub: { ...prod.securityHub, enabled: false, aggregationRegions: [] } });
  expect(off.map((s) => count(s, 'AWS::SecurityHub::Hub'))).toEqual(off.map(() => 0));
});

test("the gate's Guardrails-SecurityHubStandardsEnabled passes the app's hubs, and reports each one a change weakens", () => {
  const findings = (stacks: LoggingStack[]) => {
    const app = stacks[0].node.root as App;
    const guardrails = compliancePlugins(app, prod).find((p) => p.name === 'Guardrails')! as any;
    return guardrails
      .validateScope(app)
      .violations.filter((v: any) => v.ruleName === 'Guardrails-SecurityHubStandardsEnabled')
      .flatMap((v: any) => v.violatingResources.map((r: any) => r.constructPath));
  };
  const child = (stack: LoggingStack, id: string) =>
    stack.node.findChild('DetectiveControls').node.findChild('Controls').node.findChild('SecurityHub').node.findChild(id) as CfnResource;
  expect(findings(loggingStacks(prod))).toEqual([]);
  // A standard left out of one region, a control disabled in another, the aggregator removed from the first.
  const stacks = loggingStacks(prod);
  const [home, second, third] = stacks;
  third.node.findChild('DetectiveControls').node.findChild('Controls').node.findChild('SecurityHub').node.tryRemoveChild('PciDss');
  child(second, 'CisFoundationsBenchmark').addPropertyOverride('DisabledStandardsControls', [
    { StandardsControlArn: `arn:aws:securityhub:${second.region}:${ACCOUNT}:control/cis-aws-foundations-benchmark/v/5.0.0/3.1` },
  ]);
  home.node.findChild('DetectiveControls').node.findChild('Controls').node.findChild('SecurityHub').node.tryRemoveChild('FindingAggregator');
  const path = (stack: LoggingStack, id: string) => `${stack.node.path}/DetectiveControls/Controls/SecurityHub/${id}`;
  expect(findings(stacks).sort()).toEqual([path(home, 'Resource'), path(second, 'CisFoundationsBenchmark'), path(third, 'Resource')].sort());
});
