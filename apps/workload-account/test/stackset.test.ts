import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '@cdk-guardrails/app-kit';
import { evidenceDestinationName, loadConfig } from '@cdk-guardrails/config';
import { RotatingApiKey } from '@cdk-guardrails/secrets-rotation';
import { Stack } from 'aws-cdk-lib';
import { Template, Match } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { GuardrailsConfig, StackSetsConfig } from '@cdk-guardrails/config';
import {
  baselineApp,
  baselineTemplates,
  buildWorkloadStackSets,
  STACKSET_TEMPLATE_MAX_BYTES,
  stackSetTargetsOf,
  WorkloadBaselineStack,
  WorkloadStackSetsStack,
  synthesizeBaselineTemplate,
} from '../src/stackset';
import { WorkloadGuardrailsStack } from '../src/guardrails-stack';
import { WorkloadRegionalBaseline } from '../src/regional-baseline';

jest.setTimeout(240_000);

const CONFIG_DIR = join(__dirname, '..', '..', '..', 'config');
/** The prod config as the StackSet deployment sees it: the organization, the StackSets execution role, no backups. */
const PROD = loadConfig('prod', { configDir: CONFIG_DIR });
const CONFIG: GuardrailsConfig = {
  ...PROD,
  organizationId: 'o-abcd123456',
  principals: {
    ...PROD.principals,
    cdkQualifier: 'hnb659fds',
    breakGlassRoleName: 'GuardrailsBreakGlass',
    keyAdminRoleName: 'GuardrailsKeyAdmin',
    logAdminRoleName: 'GuardrailsLogAdmin',
    stackSetExecutionRoleName: 'stacksets-exec-guardrails',
    controlTowerRoleNames: ['AWSControlTowerExecution'],
    pipelineRoleArns: [],
  },
  auditLogs: { ...PROD.auditLogs, objectLock: { mode: 'none' }, s3DataEvents: false },
};
const TARGETS: StackSetsConfig = {
  organizationalUnitIds: ['ou-ab12-cdef3456'],
  regions: ['us-east-1', 'eu-west-1'],
  adminAccountId: '999999999999',
  adminRegion: 'eu-west-1',
  callAs: 'SELF',
  excludedAccountIds: [],
  maxConcurrentPercentage: 25,
  failureTolerancePercentage: 0,
};

function adminStack(config = CONFIG, targets = TARGETS) {
  const app = createApp();
  const templates = baselineTemplates(config, targets, mkdtempSync(join(tmpdir(), 'stackset-test-')));
  const stack = new WorkloadStackSetsStack(app, 'prod-workload-stacksets', { config, targets, templates });
  return { app, stack, template: Template.fromStack(stack) };
}

describe('workload guardrails as service-managed StackSets', () => {
  // One synthesis shared by the read-only assertions below (each builds two baseline templates).
  let shared: ReturnType<typeof adminStack>;
  beforeAll(() => {
    shared = adminStack();
  });

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
        StackInstancesGroup: [
          {
            Regions: [region],
            DeploymentTargets: { OrganizationalUnitIds: ['ou-ab12-cdef3456'], Accounts: [CONFIG.securityAccount.accountId], AccountFilterType: 'DIFFERENCE' },
          },
        ],
        // The template is a file asset in the administrator account's bootstrap bucket.
        TemplateURL: Match.objectLike({
          'Fn::Sub': Match.stringLikeRegexp('^https://s3\\.eu-west-1\\..*/cdk-hnb659fds-assets-999999999999-eu-west-1/[0-9a-f]{64}\\.json$'),
        }),
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
    const stack = new WorkloadBaselineStack(app, 'Baseline', { config: CONFIG, region: 'us-east-1', homeRegion: true });
    const template = Template.fromStack(stack);
    const json = JSON.stringify(template.toJSON());
    // No literal workload account: every ARN uses AWS::AccountId; the security account appears only as the destination / boundary resource account.
    // No bootstrap dependency (the boundary names the qualifier only to deny the CDK roles to bounded identities).
    expect(json).not.toMatch(/BootstrapVersion|cdk-bootstrap|cdk-hnb659fds-(assets|container-assets)/);
    expect([...new Set(json.match(/\b\d{12}\b/g))]).toEqual([CONFIG.securityAccount.accountId]);
    expect(json).toMatch(/AWS::AccountId/);
    expect(Object.keys(template.toJSON().Parameters ?? {})).toEqual([]);
    // One function only, the account settings function, its code inline (a StackSet carries no asset).
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'guardrails-account-settings', Code: { ZipFile: Match.anyValue() } });
    template.resourceCountIs('Custom::EbsEncryptionByDefault', 1);
    template.resourceCountIs('Custom::AccountPublicAccessBlock', 1);
    template.resourceCountIs('AWS::KMS::Key', 3);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    // The home region's template runs each account's multi-region trail (no dark region).
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      IsLogging: true,
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', { ManagedPolicyName: 'GuardrailsPermissionsBoundary-us-east-1' });
    // The audit and security classes ship to the evidence destination (red-team A14), with the sender role.
    template.hasResourceProperties('AWS::Logs::SubscriptionFilter', {
      DestinationArn: `arn:aws:logs:us-east-1:${CONFIG.securityAccount.accountId}:destination:${evidenceDestinationName(CONFIG.securityAccount.destinationName)}`,
      RoleArn: Match.anyValue(),
    });
    // IAM changes are captured in us-east-1 only.
    template.hasResourceProperties('AWS::Events::Rule', { EventPattern: Match.objectLike({ source: ['aws.iam'] }) });
    // Every role but the exempt Config recorder and the account settings function's role (outside the
    // boundary by design: the boundary denies the settings' calls; protected by the tag) carries the
    // regional boundary.
    const roles = Object.entries<any>(template.findResources('AWS::IAM::Role'));
    expect(roles.length).toBeGreaterThan(0);
    const [boundaryId] = Object.keys(
      template.findResources('AWS::IAM::ManagedPolicy', { Properties: { ManagedPolicyName: 'GuardrailsPermissionsBoundary-us-east-1' } }),
    );
    for (const [id, role] of roles) {
      if (/Recorder/.test(id)) continue;
      if (/^GuardrailsAccountSettingsFunction/.test(id)) {
        expect(role.Properties.PermissionsBoundary).toBeUndefined();
        expect(role.Properties.Tags).toEqual(expect.arrayContaining([{ Key: 'guardrails:protected', Value: 'true' }]));
        continue;
      }
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
    const stack = new WorkloadBaselineStack(app, 'Baseline', { config: CONFIG, region: 'eu-west-1', homeRegion: false });
    const template = Template.fromStack(stack);
    expect(JSON.stringify(template.findResources('AWS::Events::Rule'))).not.toMatch(/aws\.iam/);
    template.resourceCountIs('AWS::CloudTrail::Trail', 0);
    expect(Object.keys(template.findResources('AWS::S3::Bucket')).filter((id) => id.startsWith('SecurityLoggingTrailBucket'))).toEqual([]);
    // The S3-change rule still writes into the security log group, shipped as class security.
    template.hasResourceProperties('AWS::Events::Rule', { EventPattern: Match.objectLike({ source: ['aws.s3'] }) });
    template.hasResourceProperties('AWS::Config::ConfigurationRecorder', {
      RecordingGroup: Match.objectLike({ IncludeGlobalResourceTypes: false }),
    });
  });

  test('the trail bucket gets the Object Lock of the config (none in this config)', () => {
    const trailBucket = (config: GuardrailsConfig) => {
      const stack = new WorkloadBaselineStack(createApp(), 'Baseline', { config, region: 'eu-west-1', homeRegion: true });
      const buckets = Template.fromStack(stack).findResources('AWS::S3::Bucket');
      return Object.entries(buckets).find(([id]) => id.startsWith('SecurityLoggingTrailBucket'))![1].Properties;
    };
    expect(trailBucket(CONFIG).ObjectLockConfiguration).toBeUndefined();
    const locked = trailBucket({ ...CONFIG, auditLogs: { ...CONFIG.auditLogs, objectLock: { mode: 'compliance', retentionDays: 3653 } } });
    expect(locked.ObjectLockEnabled).toBe(true);
    expect(locked.ObjectLockConfiguration).toEqual({ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 3653 } } });
    expect(
      trailBucket({ ...CONFIG, auditLogs: { ...CONFIG.auditLogs, objectLock: { mode: 'governance', retentionDays: 30 } } }).ObjectLockConfiguration.Rule
        .DefaultRetention,
    ).toEqual({ Mode: 'GOVERNANCE', Days: 30 });
  });

  test('per-account resources stay out of the template: no audit replication, no trail readers, no imported keys', () => {
    // GIVEN a config with an audit replica region and trail readers (per-account resources)
    const config: GuardrailsConfig = {
      ...CONFIG,
      auditLogs: {
        ...CONFIG.auditLogs,
        replicaRegion: 'eu-central-1',
        readers: { principalArns: [`arn:aws:iam::${PROD.securityAccount.accountId}:role/Auditor`], externalId: 'auditors-external-id-1234', requireMfa: true },
      },
    };
    // WHEN the home region's baseline is synthesized
    const template = Template.fromStack(new WorkloadBaselineStack(createApp(), 'Baseline', { config, region: 'us-east-1', homeRegion: true }));
    // THEN no replication rule and no reader role; the three keys are created
    for (const bucket of Object.values<any>(template.findResources('AWS::S3::Bucket'))) expect(bucket.Properties.ReplicationConfiguration).toBeUndefined();
    expect(JSON.stringify(template.findResources('AWS::IAM::Role'))).not.toMatch(/guardrails-trail-reader|Auditor/);
    template.resourceCountIs('AWS::KMS::Key', 3);
  });

  test("with S3 data events on, every region records the data bucket's object-level events (the home one in its multi-region trail)", () => {
    const config: GuardrailsConfig = { ...CONFIG, auditLogs: { ...CONFIG.auditLogs, s3DataEvents: true } };
    for (const [region, homeRegion, multiRegion] of [
      ['us-east-1', true, true],
      ['eu-west-1', false, false],
    ] as const) {
      const template = Template.fromStack(new WorkloadBaselineStack(createApp(), 'Baseline', { config, region, homeRegion }));
      template.hasResourceProperties('AWS::CloudTrail::Trail', {
        IsMultiRegionTrail: multiRegion,
        AdvancedEventSelectors: Match.arrayWith([
          Match.objectLike({
            FieldSelectors: Match.arrayWith([{ Field: 'resources.type', Equals: ['AWS::S3::Object'] }]),
          }),
        ]),
      });
    }
  });

  test('the synthesized template is minified and under the 1 MB TemplateURL limit; its assembly is removed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stackset-test-'));
    const { file, bytes } = synthesizeBaselineTemplate(CONFIG, 'us-east-1', true, dir);
    const text = readFileSync(file, 'utf8');
    expect(readdirSync(dir)).toEqual(['prod-workload-baseline-us-east-1.template.json']);
    rmSync(dir, { recursive: true, force: true });
    expect(text).toBe(JSON.stringify(JSON.parse(text)));
    expect(bytes).toBeLessThan(STACKSET_TEMPLATE_MAX_BYTES);
  });

  test('fails if an asset-bearing construct is added to the baseline, naming the reason and the fix', () => {
    const app = createApp();
    const stack = new WorkloadBaselineStack(app, 'Baseline', { config: CONFIG, region: 'eu-west-1', homeRegion: false });
    expect(() => new RotatingApiKey(stack, 'Key', { encryptionKey: new kms.Key(stack, 'K', { enableKeyRotation: true }) })).toThrow(
      /StackSet templates cannot carry assets.*bootstrap bucket.*per-account CDK app/s,
    );
  });

  test("the baseline runs the per-account stacks' compliance gate: a bucket the packs and Control Tower rules refuse fails synth, naming it; the baseline as shipped passes", () => {
    const dir = mkdtempSync(join(tmpdir(), 'baseline-gate-'));
    try {
      const { app, stack } = baselineApp(CONFIG, 'eu-west-1', false, join(dir, 'attack'));
      new s3.CfnBucket(stack, 'Unguarded');
      let message = '';
      try {
        app.synth();
      } catch (e) {
        message = (e as Error).message;
      }
      // cdk-nag's packs, the Guardrails pack and the Control Tower rules each report it.
      expect(message).toMatch(/prod-workload-baseline-eu-west-1\/Unguarded/);
      expect(message).toContain("'AwsSolutions::AwsSolutions-S1'");
      expect(message).toContain('(Guardrails)');
      expect(message).toContain('CT.S3.PR.1');
      // Control: the same baseline without it synthesizes (every finding acknowledged or fixed).
      expect(() => baselineApp(CONFIG, 'eu-west-1', false, join(dir, 'control')).app.synth()).not.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('fails without an organization, naming the field', () => {
    const withoutOrg = { ...CONFIG, organizationId: undefined };
    expect(() => new WorkloadBaselineStack(createApp(), 'Baseline', { config: withoutOrg, region: 'eu-west-1', homeRegion: true })).toThrow(
      /config\/prod\.json: organizationId: received nothing; expected the AWS Organizations id/,
    );
    expect(() => baselineTemplates(withoutOrg, TARGETS, '/nonexistent')).toThrow(/organizationId: received nothing/);
  });

  test('fails when a target region has no template, naming the region', () => {
    expect(() => new WorkloadStackSetsStack(createApp(), 'S', { config: CONFIG, targets: TARGETS, templates: [] })).toThrow(
      /templates: received \[\]; expected a synthesized baseline template for every target region \(us-east-1 is missing\)/,
    );
  });
});

describe('one regional baseline for both deployments', () => {
  test('every resource of the StackSet baseline is, at the same construct path, in the per-account home stack (no second composition to drift)', () => {
    // GIVEN the same config, deployed per account (home stack of the first workload account) and as a StackSet
    const account = CONFIG.workloadAccounts[0];
    const app = createApp();
    const perAccount = new WorkloadGuardrailsStack(app, 'Guardrails', { config: CONFIG, account, region: account.regions[0], captureOnly: false });
    const baseline = new WorkloadBaselineStack(createApp(), 'Guardrails', { config: CONFIG, region: account.regions[0], homeRegion: true });
    // THEN both are the regional baseline
    expect(perAccount).toBeInstanceOf(WorkloadRegionalBaseline);
    expect(baseline).toBeInstanceOf(WorkloadRegionalBaseline);
    // AND each resource of the baseline has the same logical id (construct path) and type in the per-account stack
    const types = (stack: Stack) => Object.fromEntries(Object.entries<any>(Template.fromStack(stack).toJSON().Resources).map(([id, r]) => [id, r.Type]));
    const perAccountTypes = types(perAccount);
    const baselineTypes = types(baseline);
    expect(Object.keys(baselineTypes).length).toBeGreaterThan(40);
    const missing = Object.entries(baselineTypes).filter(([id, type]) => perAccountTypes[id] !== type && type !== 'AWS::CDK::Metadata');
    expect(missing).toEqual([]);
  });
});

describe('StackSets from an environment config', () => {
  test('buildWorkloadStackSets adds one administrator stack named after the environment; the templates are written into the assembly', () => {
    const app = createApp();
    const stack = buildWorkloadStackSets(app, CONFIG, { ...TARGETS, regions: ['eu-west-1'] });
    expect(stack.stackName).toBe('prod-workload-stacksets');
    expect(stack.terminationProtection).toBe(true);
    Template.fromStack(stack).resourceCountIs('AWS::CloudFormation::StackSet', 1);
    expect(readdirSync(join(app.outdir, 'stackset-templates'))).toEqual(['prod-workload-baseline-eu-west-1.template.json']);
  });
});

describe('targets from the stackset-targets context or config.stackSets', () => {
  const RAW = { organizationalUnitIds: ['ou-ab12-cdef3456'], regions: ['us-east-1', 'eu-west-1'], adminAccountId: '999999999999', adminRegion: 'eu-west-1' };

  test('accepts inline JSON, a file and objects, validated with the schema defaults', () => {
    expect(stackSetTargetsOf(CONFIG, JSON.stringify(RAW))).toEqual(TARGETS);
    expect(stackSetTargetsOf(CONFIG, RAW)).toEqual(TARGETS);
    const dir = mkdtempSync(join(tmpdir(), 'stackset-targets-'));
    writeFileSync(join(dir, 'targets.json'), JSON.stringify(RAW));
    expect(stackSetTargetsOf(CONFIG, join(dir, 'targets.json'))).toEqual(TARGETS);
    rmSync(dir, { recursive: true, force: true });
  });

  test('without context, config.stackSets; without either, fails naming both', () => {
    expect(stackSetTargetsOf({ ...CONFIG, stackSets: TARGETS }, undefined)).toBe(TARGETS);
    expect(() => stackSetTargetsOf({ ...CONFIG, stackSets: undefined }, undefined)).toThrow(
      /stackset-targets: received nothing; expected config\/prod\.json stackSets, or -c stackset-targets=/,
    );
  });

  test('a delegated administrator in the context must be the one in config: the SCPs, written from config, protect only that account', () => {
    const delegated = { ...RAW, callAs: 'DELEGATED_ADMIN' };
    expect(() => stackSetTargetsOf(CONFIG, delegated)).toThrow(
      /stackset-targets: received callAs "DELEGATED_ADMIN" with adminAccountId "999999999999"; expected the same administrator in config\/prod\.json stackSets .*now no stackSets/,
    );
    const other = { ...CONFIG, stackSets: { ...TARGETS, adminAccountId: '888888888888', callAs: 'DELEGATED_ADMIN' as const } };
    expect(() => stackSetTargetsOf(other, delegated)).toThrow(/now adminAccountId "888888888888", callAs "DELEGATED_ADMIN"/);
    // Control: the same administrator in config; SELF (the management account, never governed by SCPs) needs none.
    const same = { ...CONFIG, stackSets: { ...TARGETS, callAs: 'DELEGATED_ADMIN' as const } };
    expect(stackSetTargetsOf(same, delegated).callAs).toBe('DELEGATED_ADMIN');
    expect(stackSetTargetsOf(CONFIG, RAW).callAs).toBe('SELF');
  });

  test('fails if the context is not JSON or names no file', () => {
    expect(() => stackSetTargetsOf(CONFIG, '/no/such/file.json')).toThrow(
      /stackset-targets: received "\/no\/such\/file.json"; expected inline JSON or the path/,
    );
    expect(() => stackSetTargetsOf(CONFIG, '{not json')).toThrow(/stackset-targets: received text that is not JSON/);
  });

  test.each([
    [{ ...RAW, organizationalUnitIds: [] }, /organizationalUnitIds: received \[\]; expected at least one organizational unit/],
    [{ ...RAW, organizationalUnitIds: ['ou-bad'] }, /organizationalUnitIds\[0\]: received "ou-bad"/],
    [
      { ...RAW, organizationalUnitIds: Array.from({ length: 51 }, (_v, i) => `ou-ab12-${String(i).padStart(8, '0')}`) },
      /expected at most 50 organizational units/,
    ],
    [{ ...RAW, regions: ['eu-west-1', 'eu-west-1'] }, /regions: .*each region once/],
    [{ ...RAW, adminAccountId: '1234' }, /adminAccountId: received "1234"/],
    [{ ...RAW, maxConcurrentPercentage: 0 }, /maxConcurrentPercentage: received 0/],
    [{ ...RAW, extra: true }, /extra: received an unknown field/],
  ])('context targets are validated by the config schema, naming the field (%#)', (raw, message) => {
    expect(() => stackSetTargetsOf(CONFIG, raw)).toThrow(/Invalid configuration in -c stackset-targets/);
    expect(() => stackSetTargetsOf(CONFIG, raw)).toThrow(message);
  });

  test('context targets go through the cross-field rules too (the StackSets execution role name)', () => {
    const config = { ...CONFIG, principals: { ...CONFIG.principals, stackSetExecutionRoleName: 'AWSCloudFormationStackSetExecutionRole' } };
    expect(() => stackSetTargetsOf(config, RAW)).toThrow(/principals\.stackSetExecutionRoleName: received "AWSCloudFormationStackSetExecutionRole"/);
  });
});
