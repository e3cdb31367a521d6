import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '@cdk-guardrails/app-kit';
import { loadConfig } from '@cdk-guardrails/config';
import { RotatingApiKey } from '@cdk-guardrails/secrets-rotation';
import { Template, Match } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import {
  baselineSettingsFromConfig, buildWorkloadStackSets, STACKSET_TEMPLATE_MAX_BYTES, StackSetTargets, WorkloadBaselineSettings, WorkloadBaselineStack, WorkloadStackSetsStack, synthesizeBaselineTemplate,
} from '../src/stackset';

jest.setTimeout(240_000);

const SETTINGS: WorkloadBaselineSettings = {
  environment: 'prod',
  organizationId: 'o-abcd123456',
  securityAccountId: '111111111111',
  destinationName: 'prod-guardrails-central-logs',
  keyRotationDays: 365,
  aliasPrefix: 'guardrails-prod',
  s3Encryption: 'SSE_KMS',
  auditRetentionDays: 3653,
  securityRetentionDays: 90,
  maxSecretRotationDays: 90,
  configRecorder: true,
  configRules: true,
  guardDuty: true,
  accessAnalyzer: true,
  removalPolicy: 'retain',
  tags: { project: 'cdk-guardrails' },
  principals: {
    cdkQualifier: 'hnb659fds',
    breakGlassRoleName: 'GuardrailsBreakGlass',
    keyAdminRoleName: 'GuardrailsKeyAdmin',
    logAdminRoleName: 'GuardrailsLogAdmin',
    stackSetExecutionRoleName: 'stacksets-exec-guardrails',
    controlTowerRoleNames: ['AWSControlTowerExecution'],
  },
};
const TARGETS: StackSetTargets = {
  organizationalUnitIds: ['ou-ab12-cdef3456'],
  regions: ['us-east-1', 'eu-west-1'],
  adminAccountId: '999999999999',
  adminRegion: 'eu-west-1',
};

function adminStack(settings = SETTINGS, targets = TARGETS) {
  const app = createApp();
  const stack = new WorkloadStackSetsStack(app, 'prod-workload-stacksets', { settings, targets });
  return { app, stack, template: Template.fromStack(stack) };
}

describe('workload guardrails as service-managed StackSets', () => {
  // One synthesis shared by the read-only assertions below (each builds two baseline templates).
  let shared: ReturnType<typeof adminStack>;
  beforeAll(() => { shared = adminStack(); });

  test('one service-managed StackSet per region, targeting the OUs with auto-deployment, the security account excluded', () => {
    // GIVEN OUs and two regions WHEN the administrator stack is synthesized
    const { template } = shared;
    // THEN
    template.resourceCountIs('AWS::CloudFormation::StackSet', 2);
    for (const region of TARGETS.regions) {
      template.hasResourceProperties('AWS::CloudFormation::StackSet', {
        StackSetName: `prod-workload-guardrails-${region}`,
        PermissionModel: 'SERVICE_MANAGED',
        AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
        CallAs: 'SELF',
        Capabilities: ['CAPABILITY_NAMED_IAM'],
        ManagedExecution: { Active: true },
        StackInstancesGroup: [{
          Regions: [region],
          DeploymentTargets: { OrganizationalUnitIds: ['ou-ab12-cdef3456'], Accounts: ['111111111111'], AccountFilterType: 'DIFFERENCE' },
        }],
        // The template is a file asset in the administrator account's bootstrap bucket.
        TemplateURL: Match.objectLike({ 'Fn::Sub': Match.stringLikeRegexp('^https://s3\\.eu-west-1\\..*/cdk-hnb659fds-assets-999999999999-eu-west-1/[0-9a-f]{64}\\.json$') }),
      });
    }
  });

  test('the administrator stack is in the administrator account and region; each template is one file asset of it', () => {
    const { app, stack } = shared;
    expect([stack.account, stack.region]).toEqual(['999999999999', 'eu-west-1']);
    const assembly = app.synth();
    const artifact = assembly.getStackByName(stack.stackName);
    const assetManifest = JSON.parse(readFileSync(join(assembly.directory, `${stack.artifactId}.assets.json`), 'utf8'));
    const files = Object.values<any>(assetManifest.files).filter((f) => /^Template-/.test(f.displayName));
    expect(files.map((f) => f.displayName).sort()).toEqual(['Template-eu-west-1', 'Template-us-east-1']);
    for (const f of files) expect(f.source.packaging).toBe('file');
    expect(artifact.stackName).toBe('prod-workload-stacksets');
  });

  test('the baseline template is account-agnostic, has no assets and no bootstrap rule, and holds the guardrails', () => {
    const app = createApp();
    const stack = new WorkloadBaselineStack(app, 'Baseline', { settings: SETTINGS, region: 'us-east-1', homeRegion: true });
    const template = Template.fromStack(stack);
    const json = JSON.stringify(template.toJSON());
    // No literal workload account: every ARN uses AWS::AccountId; the security account appears only as the destination / boundary resource account.
    // No bootstrap dependency (the boundary names the qualifier only to deny the CDK roles to bounded identities).
    expect(json).not.toMatch(/BootstrapVersion|cdk-bootstrap|cdk-hnb659fds-(assets|container-assets)/);
    expect([...new Set(json.match(/\b\d{12}\b/g))]).toEqual(['111111111111']);
    expect(json).toMatch(/AWS::AccountId/);
    expect(Object.keys(template.toJSON().Parameters ?? {})).toEqual([]);
    template.resourceCountIs('AWS::Lambda::Function', 0);
    template.resourceCountIs('AWS::KMS::Key', 3);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    // The home region's template runs each account's multi-region trail (no dark region).
    template.hasResourceProperties('AWS::CloudTrail::Trail', { IsLogging: true, IsMultiRegionTrail: true, IncludeGlobalServiceEvents: true, EnableLogFileValidation: true });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', { ManagedPolicyName: 'GuardrailsPermissionsBoundary-us-east-1' });
    template.hasResourceProperties('AWS::Logs::SubscriptionFilter', {
      DestinationArn: 'arn:aws:logs:us-east-1:111111111111:destination:prod-guardrails-central-logs',
      RoleArn: Match.anyValue(),
    });
    // IAM changes are captured in us-east-1 only.
    template.hasResourceProperties('AWS::Events::Rule', { EventPattern: Match.objectLike({ source: ['aws.iam'] }) });
    // Every role but the exempt Config recorder carries the regional boundary.
    const roles = Object.entries<any>(template.findResources('AWS::IAM::Role'));
    expect(roles.length).toBeGreaterThan(0);
    const [boundaryId] = Object.keys(template.findResources('AWS::IAM::ManagedPolicy', { Properties: { ManagedPolicyName: 'GuardrailsPermissionsBoundary-us-east-1' } }));
    for (const [id, role] of roles) {
      if (/Recorder/.test(id)) continue;
      expect(role.Properties.PermissionsBoundary).toEqual({ Ref: boundaryId });
    }
    // Stateful resources are retained.
    for (const type of ['AWS::KMS::Key', 'AWS::S3::Bucket']) {
      for (const r of Object.values<any>(template.findResources(type))) expect(r.DeletionPolicy).toBe('Retain');
    }
    // The guardrails protect themselves in every target account: keys administered only by the
    // StackSet execution role, key admin and break-glass of that account; bucket configuration only
    // by the StackSet execution role, log admin and break-glass; the named roles and the rules protected.
    const roleOf = (name: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, `:role/${name}`]] });
    for (const key of Object.values<any>(template.findResources('AWS::KMS::Key'))) {
      const admin = key.Properties.KeyPolicy.Statement.find((st: any) => st.Sid === 'KeyAdministration');
      expect(admin.Condition.ArnEquals['aws:PrincipalArn']).toEqual(['stacksets-exec-guardrails', 'GuardrailsKeyAdmin', 'GuardrailsBreakGlass'].map(roleOf));
    }
    const policies = Object.values<any>(template.findResources('AWS::S3::BucketPolicy'));
    expect(policies.length).toBe(template.toJSON().Resources && Object.keys(template.findResources('AWS::S3::Bucket')).length);
    for (const policy of policies) {
      const deny = policy.Properties.PolicyDocument.Statement.find((st: any) => st.Sid === 'DenyBucketConfigurationChanges');
      expect(deny.Condition.ArnNotEquals['aws:PrincipalArn']).toEqual(['stacksets-exec-guardrails', 'GuardrailsLogAdmin', 'GuardrailsBreakGlass'].map(roleOf));
    }
    expect(json).toContain(':role/AWSControlTowerExecution');
    template.hasResourceProperties('AWS::Events::Rule', { Name: 'guardrails-iam-changes' });
  });

  test('outside us-east-1 the baseline captures no IAM events and records no global resources; outside the home region it runs no trail (the home one records every region)', () => {
    const app = createApp();
    const stack = new WorkloadBaselineStack(app, 'Baseline', { settings: SETTINGS, region: 'eu-west-1', homeRegion: false });
    const template = Template.fromStack(stack);
    expect(JSON.stringify(template.findResources('AWS::Events::Rule'))).not.toMatch(/aws\.iam/);
    template.resourceCountIs('AWS::CloudTrail::Trail', 0);
    expect(Object.keys(template.findResources('AWS::S3::Bucket')).filter((id) => id.startsWith('TrailBucket'))).toEqual([]);
    // The S3-change rule still writes into the security log group, shipped as class security.
    template.hasResourceProperties('AWS::Events::Rule', { EventPattern: Match.objectLike({ source: ['aws.s3'] }) });
    template.hasResourceProperties('AWS::Config::ConfigurationRecorder', {
      RecordingGroup: Match.objectLike({ IncludeGlobalResourceTypes: false }),
    });
  });

  test('the trail bucket gets the Object Lock of the settings (none by default)', () => {
    const trailBucket = (settings: WorkloadBaselineSettings) => {
      const stack = new WorkloadBaselineStack(createApp(), 'Baseline', { settings, region: 'eu-west-1', homeRegion: true });
      const buckets = Template.fromStack(stack).findResources('AWS::S3::Bucket');
      return Object.entries(buckets).find(([id]) => id.startsWith('TrailBucket'))![1].Properties;
    };
    expect(trailBucket(SETTINGS).ObjectLockConfiguration).toBeUndefined();
    const locked = trailBucket({ ...SETTINGS, auditObjectLockMode: 'compliance', auditObjectLockDays: 3653 });
    expect(locked.ObjectLockEnabled).toBe(true);
    expect(locked.ObjectLockConfiguration).toEqual({ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 3653 } } });
    expect(trailBucket({ ...SETTINGS, auditObjectLockMode: 'governance', auditObjectLockDays: 30 }).ObjectLockConfiguration.Rule.DefaultRetention)
      .toEqual({ Mode: 'GOVERNANCE', Days: 30 });
    expect(() => trailBucket({ ...SETTINGS, auditObjectLockMode: 'compliance' }))
      .toThrow(/settings\.auditObjectLockDays: received undefined; expected 1-36500 days with auditObjectLockMode "compliance"/);
  });

  test('the synthesized template is minified and under the 1 MB TemplateURL limit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stackset-test-'));
    const { file, bytes } = synthesizeBaselineTemplate(SETTINGS, 'us-east-1', true, dir);
    const text = readFileSync(file, 'utf8');
    rmSync(dir, { recursive: true, force: true });
    expect(text).toBe(JSON.stringify(JSON.parse(text)));
    expect(bytes).toBeLessThan(STACKSET_TEMPLATE_MAX_BYTES);
  });

  test('fails if an asset-bearing construct is added to the baseline, naming the reason and the fix', () => {
    const app = createApp();
    const stack = new WorkloadBaselineStack(app, 'Baseline', { settings: SETTINGS, region: 'eu-west-1', homeRegion: false });
    expect(() => new RotatingApiKey(stack, 'Key', { encryptionKey: new kms.Key(stack, 'K', { enableKeyRotation: true }) }))
      .toThrow(/StackSet templates cannot carry assets.*bootstrap bucket.*per-account CDK app/s);
  });

  test.each([
    [{ ...SETTINGS, organizationId: '' }, TARGETS, /settings\.organizationId: received ""; expected an AWS Organizations id/],
    [SETTINGS, { ...TARGETS, organizationalUnitIds: [] }, /targets\.organizationalUnitIds: received \[\]; expected at least one OU id/],
    [SETTINGS, { ...TARGETS, organizationalUnitIds: ['ou-bad'] }, /targets\.organizationalUnitIds: received "ou-bad"/],
    [SETTINGS, { ...TARGETS, organizationalUnitIds: Array.from({ length: 51 }, (_v, i) => `ou-ab12-${String(i).padStart(8, '0')}`) }, /received "51 OUs"; expected at most 50/],
    [SETTINGS, { ...TARGETS, regions: ['eu-west-1', 'eu-west-1'] }, /targets\.regions: .*each region once/],
    [SETTINGS, { ...TARGETS, adminAccountId: '1234' }, /targets\.adminAccountId: received "1234"/],
    [SETTINGS, { ...TARGETS, maxConcurrentPercentage: 0 }, /targets\.maxConcurrentPercentage: received 0; expected an integer percentage from 1 to 100/],
  ])('fails on bad input (%#)', (settings, targets, message) => {
    expect(() => new WorkloadStackSetsStack(createApp(), 'S', { settings, targets })).toThrow(message);
  });
});

describe('StackSets from an environment config', () => {
  const CONFIG_DIR = join(__dirname, '..', '..', '..', 'config');

  test('settings come from the config; a config without organizationId is refused, naming the field', () => {
    const prod = loadConfig('prod', { configDir: CONFIG_DIR });
    const withoutOrg = { ...prod, organizationId: undefined };
    expect(() => baselineSettingsFromConfig(withoutOrg)).toThrow(/organizationId: received nothing; expected the AWS Organizations id/);
    const settings = baselineSettingsFromConfig({ ...prod, organizationId: 'o-abcd123456' });
    expect(settings).toMatchObject({
      environment: 'prod',
      securityAccountId: prod.securityAccount.accountId,
      destinationName: prod.securityAccount.destinationName,
      s3Encryption: prod.s3.encryption,
      removalPolicy: 'retain',
      auditObjectLockMode: prod.auditLogs.objectLock.mode,
      auditObjectLockDays: prod.auditLogs.objectLock.mode === 'none' ? undefined : prod.auditLogs.objectLock.retentionDays,
    });
    expect(settings.auditObjectLockMode).toBe('compliance');
  });

  test('buildWorkloadStackSets adds one administrator stack named after the environment', () => {
    const prod = { ...loadConfig('prod', { configDir: CONFIG_DIR }), organizationId: 'o-abcd123456' };
    const app = createApp();
    const stack = buildWorkloadStackSets(app, prod, { ...TARGETS, regions: ['eu-west-1'] });
    expect(stack.stackName).toBe('prod-workload-stacksets');
    expect(stack.terminationProtection).toBe(true);
    Template.fromStack(stack).resourceCountIs('AWS::CloudFormation::StackSet', 1);
  });
});

describe('stackset-main: targets from context', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { stackSetTargetsFromContext } = require('../src/stackset-main');

  test('accepts inline JSON and objects', () => {
    expect(stackSetTargetsFromContext(JSON.stringify(TARGETS))).toEqual(TARGETS);
    expect(stackSetTargetsFromContext(TARGETS)).toEqual(TARGETS);
  });

  test('fails if the context is missing or not JSON, naming the key', () => {
    expect(() => stackSetTargetsFromContext(undefined)).toThrow(/stackset-targets: received nothing; expected config.stackSets, or -c stackset-targets=/);
    expect(() => stackSetTargetsFromContext('/no/such/file.json')).toThrow(/stackset-targets: received "\/no\/such\/file.json"; expected inline JSON or the path/);
    expect(() => stackSetTargetsFromContext('{not json')).toThrow(/stackset-targets: not valid JSON/);
  });
});
