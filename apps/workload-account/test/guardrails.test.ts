import { join } from 'node:path';
import { createApp } from '@cdk-guardrails/app-kit';
import { loadConfig, parseConfig } from '@cdk-guardrails/config';
import { evaluate, resolveIntrinsics } from '@cdk-guardrails/policy-test-kit';
import { CfnResource, Stack, Stage } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { WorkloadGuardrailsStack } from '../src/guardrails-stack';
import { buildWorkloadApp } from '../src/workload-app';

const CONFIG_DIR = join(__dirname, '..', '..', '..', 'config');

function synth(env: string, config = loadConfig(env, { configDir: CONFIG_DIR })) {
  const stacks = buildWorkloadApp(createApp({ context: { env } }), config) as WorkloadGuardrailsStack[];
  return { config, stacks, templates: stacks.map((s) => Template.fromStack(s)) };
}

test.each(['dev', 'staging', 'prod'])(
  "%s: every stack deploys through the config's CDK bootstrap (principals.cdkQualifier), whose roles the SCPs and boundaries name",
  (env) => {
    const { config, stacks, templates } = synth(env);
    const q = config.principals.cdkQualifier;
    expect(q).not.toBe('hnb659fds');
    templates.forEach((t) => expect(t.toJSON().Parameters.BootstrapVersion.Default).toBe(`/cdk-bootstrap/${q}/version`));
    // the CLI assumes the qualifier's deploy role (the one the SCPs let only the pipeline assume)
    stacks.forEach((s) => expect(Stage.of(s)!.synth().getStackByName(s.stackName).assumeRoleArn).toContain(`:role/cdk-${q}-deploy-role-`));
  },
);

const logicalId = (stack: Stack, construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as CfnResource);

/** The data bucket's synthesized policy as plain JSON, with the bucket and data key named. */
function dataBucketPolicy(stack: WorkloadGuardrailsStack, template: Template) {
  const bucketId = logicalId(stack, stack.dataBucket!);
  const keyId = logicalId(stack, stack.keys.dataKey);
  const [policy] = Object.values(template.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: bucketId } } }));
  const names = { bucket: 'data-bucket', keyArn: `arn:aws:kms:${stack.region}:${stack.account}:key/1234abcd-12ab-34cd-56ef-1234567890ab` };
  const resolved = resolveIntrinsics(policy.Properties.PolicyDocument, {
    account: stack.account,
    region: stack.region,
    refs: { [bucketId]: names.bucket },
    getAtts: { [`${bucketId}.Arn`]: `arn:aws:s3:::${names.bucket}`, [`${keyId}.Arn`]: names.keyArn },
  });
  return { policy: resolved, ...names };
}

async function put(env: string, context: Record<string, string>) {
  const { stacks, templates } = synth(env);
  const stack = stacks[0];
  const { policy, bucket, keyArn } = dataBucketPolicy(stack, templates[0]);
  const writer = `arn:aws:iam::${stack.account}:role/writer`;
  return evaluate({
    resourcePolicy: policy,
    identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: `arn:aws:s3:::${bucket}/*` }] }],
    request: {
      action: 's3:PutObject',
      principal: writer,
      resource: `arn:aws:s3:::${bucket}/report.csv`,
      resourceAccount: stack.account,
      context: {
        'aws:SecureTransport': 'true',
        's3:TlsVersion': '1.2',
        ...Object.fromEntries(Object.entries(context).map(([k, v]) => [k, v === 'KEY' ? keyArn : v])),
      },
    },
  });
}

describe('encrypted buckets follow the environment (dev SSE-S3, prod SSE-KMS with the data key)', () => {
  test('dev buckets default to SSE-S3, prod buckets to SSE-KMS with the data key and a Bucket Key', () => {
    const dev = synth('dev');
    dev.templates[0].hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    const prod = synth('prod');
    const stack = prod.stacks[0];
    prod.templates[0].hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [logicalId(stack, stack.keys.dataKey), 'Arn'] } },
            BucketKeyEnabled: true,
          },
        ],
      },
    });
  });

  test('an unencrypted PUT is denied in both', async () => {
    await expect(put('dev', {})).resolves.toBe('ExplicitlyDenied');
    await expect(put('prod', {})).resolves.toBe('ExplicitlyDenied');
  });

  test('plain HTTP is denied in both', async () => {
    await expect(put('dev', { 'aws:SecureTransport': 'false', 's3:x-amz-server-side-encryption': 'AES256' })).resolves.toBe('ExplicitlyDenied');
    await expect(
      put('prod', { 'aws:SecureTransport': 'false', 's3:x-amz-server-side-encryption': 'aws:kms', 's3:x-amz-server-side-encryption-aws-kms-key-id': 'KEY' }),
    ).resolves.toBe('ExplicitlyDenied');
  });

  test('flipping the config flips the policy: AES256 allowed in dev, denied in prod; the data key allowed in prod', async () => {
    await expect(put('dev', { 's3:x-amz-server-side-encryption': 'AES256' })).resolves.toBe('Allowed');
    await expect(put('prod', { 's3:x-amz-server-side-encryption': 'AES256' })).resolves.toBe('ExplicitlyDenied');
    await expect(put('prod', { 's3:x-amz-server-side-encryption': 'aws:kms', 's3:x-amz-server-side-encryption-aws-kms-key-id': 'KEY' })).resolves.toBe(
      'Allowed',
    );
    await expect(
      put('prod', {
        's3:x-amz-server-side-encryption': 'aws:kms',
        's3:x-amz-server-side-encryption-aws-kms-key-id': 'arn:aws:kms:eu-west-1:666666666666:key/00000000-0000-0000-0000-000000000000',
      }),
    ).resolves.toBe('ExplicitlyDenied');
  });

  test('the same account switched to SSE_KMS in dev gets the prod-style policy', async () => {
    const raw = JSON.parse(readFileSync(join(CONFIG_DIR, 'dev.json'), 'utf8'));
    raw.s3 = { encryption: 'SSE_KMS', kmsKey: { source: 'create' } };
    const { stacks, templates } = synth('dev', parseConfig(raw, 'dev'));
    const { policy } = dataBucketPolicy(stacks[0], templates[0]);
    expect(JSON.stringify(policy)).toMatch(/GuardrailsDenyWrongKmsKey/);
  });
});

describe('security-event capture and shipping', () => {
  test.each(['dev', 'staging', 'prod'])('%s: IAM changes are captured in us-east-1 only, for every workload account', (env) => {
    const { stacks, templates, config } = synth(env);
    for (const account of config.workloadAccounts) {
      const east = stacks.findIndex((s) => s.account === account.accountId && s.region === 'us-east-1');
      expect(east).toBeGreaterThanOrEqual(0);
      templates[east].hasResourceProperties('AWS::Events::Rule', { EventPattern: Match.objectLike({ source: ['aws.iam'] }) });
    }
    stacks.forEach((stack, i) => {
      if (stack.region !== 'us-east-1') {
        expect(JSON.stringify(templates[i].findResources('AWS::Events::Rule'))).not.toMatch(/"aws\.iam"/);
      }
    });
  });

  test.each(['dev', 'staging', 'prod'])(
    '%s: every region subscribes its audit, security, app and database-rotation log groups to the same-region destination',
    (env) => {
      const { stacks, templates, config } = synth(env);
      stacks.forEach((stack, i) => {
        const destination = `arn:aws:logs:${stack.region}:${config.securityAccount.accountId}:destination:${config.securityAccount.destinationName}`;
        const filters = Object.values(templates[i].findResources('AWS::Logs::SubscriptionFilter'));
        // Application log groups opt in (class app); the capture-only us-east-1 stacks have none. Each
        // database rotation's log group (/guardrails/lambda/guardrails-rotate-db-<name>) ships as security class.
        const databases = config.workloadAccounts.find((a) => a.accountId === stack.account)!.databases.filter((db) => db.region === stack.region);
        // The audit log group exists where a trail runs: the home region (the multi-region trail) and
        // the regions whose data bucket has a data-events trail.
        const hasTrail = Object.keys(templates[i].findResources('AWS::CloudTrail::Trail')).length === 1;
        const expected = [
          ...(stack.dataBucket ? [expect.stringMatching(/^guardrails-app-/)] : []),
          ...(hasTrail ? [expect.stringMatching(/^guardrails-audit-/)] : []),
          ...Array.from({ length: databases.length + 1 }, () => expect.stringMatching(/^guardrails-security-/)),
        ];
        expect(filters.map((f) => f.Properties.FilterName).sort()).toEqual(expected);
        for (const db of databases) {
          templates[i].hasResourceProperties('AWS::Logs::SubscriptionFilter', {
            LogGroupName: Match.objectLike({ Ref: Match.stringLikeRegexp(`${db.name.replace(/-/g, '')}`) }),
          });
        }
        for (const filter of filters) expect(JSON.stringify(filter.Properties.DestinationArn)).toContain(destination);
        // An organization-wide destination policy needs a sender role (prod names an organization).
        for (const filter of filters) expect(filter.Properties.RoleArn !== undefined).toBe(config.organizationId !== undefined);
      });
    },
  );

  test.each(['dev', 'staging', 'prod'])(
    '%s: no dark region: each account has exactly one multi-region trail, in its home stack, with global service events; no other trail records management events',
    (env) => {
      const { stacks, templates, config } = synth(env);
      for (const account of config.workloadAccounts) {
        const own = stacks.map((s, i) => [s, templates[i]] as const).filter(([s]) => s.account === account.accountId);
        const trails = own.flatMap(([s, t]) => Object.values<any>(t.findResources('AWS::CloudTrail::Trail')).map((trail) => [s, trail] as const));
        const multi = trails.filter(([, trail]) => trail.Properties.IsMultiRegionTrail === true);
        expect(multi.map(([s]) => s.region)).toEqual([account.regions[0]]);
        expect(multi[0][1].Properties).toMatchObject({ IncludeGlobalServiceEvents: true, IsLogging: true, EnableLogFileValidation: true });
        for (const [s, trail] of trails.filter(([, t]) => t.Properties.IsMultiRegionTrail !== true)) {
          // Single-region trails elsewhere record the restricted bucket's data events only: no second (charged) copy.
          expect([s.stackName, trail.Properties.IncludeGlobalServiceEvents, trail.Properties.EventSelectors]).toEqual([s.stackName, false, undefined]);
          expect(trail.Properties.AdvancedEventSelectors.map((a: any) => a.FieldSelectors[0])).toEqual([{ Field: 'eventCategory', Equals: ['Data'] }]);
        }
      }
    },
  );

  test('the trail validates its log files, is encrypted with the logs key and also writes to the audit log group', () => {
    const { stacks, templates } = synth('prod');
    const stack = stacks[0];
    templates[0].hasResourceProperties('AWS::CloudTrail::Trail', {
      EnableLogFileValidation: true,
      KMSKeyId: { 'Fn::GetAtt': [logicalId(stack, stack.keys.logsKey), 'Arn'] },
      CloudWatchLogsLogGroupArn: Match.anyValue(),
    });
  });
});

describe('rotating secrets', () => {
  test.each(['dev', 'staging', 'prod'])(
    '%s: DB credentials rotate every 30 days, API keys and tokens every 90, all with the secrets key and a resource policy',
    (env) => {
      const { stacks, templates } = synth(env);
      const full = stacks.map((s, i) => [s, templates[i]] as const).filter(([s]) => s.dataBucket !== undefined);
      for (const [stack, template] of full) {
        const secretsKeyArn = { 'Fn::GetAtt': [logicalId(stack, stack.keys.secretsKey), 'Arn'] };
        for (const secret of Object.values(template.findResources('AWS::SecretsManager::Secret'))) {
          expect(secret.Properties.KmsKeyId).toEqual(secretsKeyArn);
        }
        const schedules = Object.values(template.findResources('AWS::SecretsManager::RotationSchedule'))
          .map((s) => s.Properties.RotationRules.ScheduleExpression)
          .sort();
        const expected = (stack.region === 'eu-west-1' && stack.stackName.includes('payments') ? ['rate(30 days)'] : [])
          .concat(stack.stackName.includes('payments') ? ['rate(90 days)'] : [], ['rate(90 days)'])
          .sort();
        expect(schedules).toEqual(expected);
        expect(Object.keys(template.findResources('AWS::SecretsManager::ResourcePolicy'))).toHaveLength(schedules.length);
        template.allResourcesProperties('AWS::SecretsManager::ResourcePolicy', { BlockPublicPolicy: true });
      }
    },
  );
});

describe('detective controls', () => {
  test('the Config recorder, rules, GuardDuty and Access Analyzer are on by default; each can be switched off in config', () => {
    const on = synth('dev').templates[0];
    on.resourceCountIs('AWS::Config::ConfigurationRecorder', 1);
    on.resourceCountIs('AWS::GuardDuty::Detector', 1);
    on.resourceCountIs('AWS::AccessAnalyzer::Analyzer', 1);
    expect(Object.keys(on.findResources('AWS::Config::ConfigRule')).length).toBeGreaterThan(5);

    const raw = JSON.parse(readFileSync(join(CONFIG_DIR, 'dev.json'), 'utf8'));
    raw.detectiveControls = { configRecorder: false, configRules: true, guardDuty: false, accessAnalyzer: false };
    const off = synth('dev', parseConfig(raw, 'dev')).templates[0];
    off.resourceCountIs('AWS::Config::ConfigurationRecorder', 0);
    off.resourceCountIs('AWS::GuardDuty::Detector', 0);
    off.resourceCountIs('AWS::AccessAnalyzer::Analyzer', 0);
  });
});

describe('Security Hub', () => {
  test('comes from config securityHub: the hub and the configured standards in every regional baseline, no aggregator (the security account has it); off in config, none', () => {
    for (const [env, pci] of [
      ['dev', false],
      ['prod', true],
    ] as const) {
      // Every regional baseline (where GuardDuty is); not the us-east-1 capture-only stacks.
      const baselines = synth(env).templates.filter((t) => Object.keys(t.findResources('AWS::GuardDuty::Detector')).length > 0);
      expect(baselines.length).toBeGreaterThan(0);
      for (const template of baselines) {
        template.resourceCountIs('AWS::SecurityHub::Hub', 1);
        template.hasResourceProperties('AWS::SecurityHub::Hub', {
          ControlFindingGenerator: 'SECURITY_CONTROL',
          AutoEnableControls: true,
          EnableDefaultStandards: false,
        });
        template.resourceCountIs('AWS::SecurityHub::Standard', pci ? 3 : 2);
        template.resourceCountIs('AWS::SecurityHub::FindingAggregator', 0);
      }
    }
    const raw = JSON.parse(readFileSync(join(CONFIG_DIR, 'dev.json'), 'utf8'));
    raw.securityHub = { enabled: false };
    synth('dev', parseConfig(raw, 'dev')).templates[0].resourceCountIs('AWS::SecurityHub::Hub', 0);
  });
});

describe('GuardDuty protection plans', () => {
  test('come from config detectiveControls.guardDutyProtection, S3 protection always on', () => {
    const [detector] = Object.values<any>(synth('prod').templates[0].findResources('AWS::GuardDuty::Detector'));
    // as shipped: the DataSources form AWS Control Tower CT.GUARDDUTY.PR.1 checks
    expect(detector.Properties.DataSources).toEqual({
      S3Logs: { Enable: true },
      Kubernetes: { AuditLogs: { Enable: true } },
      MalwareProtection: { ScanEc2InstanceWithFindings: { EbsVolumes: true } },
    });

    const raw = JSON.parse(readFileSync(join(CONFIG_DIR, 'dev.json'), 'utf8'));
    raw.detectiveControls = { guardDutyProtection: { eksAuditLogs: false, runtimeMonitoring: true, eksAgentManagement: true } };
    const [changed] = Object.values<any>(synth('dev', parseConfig(raw, 'dev')).templates[0].findResources('AWS::GuardDuty::Detector'));
    expect(changed.Properties.DataSources).toBeUndefined();
    expect(changed.Properties.Features).toEqual(
      expect.arrayContaining([
        { Name: 'S3_DATA_EVENTS', Status: 'ENABLED' },
        { Name: 'EKS_AUDIT_LOGS', Status: 'DISABLED' },
        expect.objectContaining({
          Name: 'RUNTIME_MONITORING',
          Status: 'ENABLED',
          AdditionalConfiguration: expect.arrayContaining([{ Name: 'EKS_ADDON_MANAGEMENT', Status: 'ENABLED' }]),
        }),
      ]),
    );
  });
});

describe('stateful resources and tags', () => {
  const STATEFUL = ['AWS::KMS::Key', 'AWS::Logs::LogGroup', 'AWS::S3::Bucket', 'AWS::SecretsManager::Secret'];

  test('prod retains every key, log group, bucket and secret', () => {
    for (const template of synth('prod').templates) {
      for (const type of STATEFUL) {
        for (const [id, resource] of Object.entries(template.findResources(type))) {
          expect([id, resource.DeletionPolicy]).toEqual([id, 'Retain']);
        }
      }
    }
  });

  test('tags from config are on the stateful resources', () => {
    for (const template of synth('prod').templates) {
      for (const type of STATEFUL) {
        for (const [id, resource] of Object.entries(template.findResources(type))) {
          expect([id, resource.Properties.Tags]).toEqual([id, expect.arrayContaining([{ Key: 'project', Value: 'cdk-guardrails' }])]);
        }
      }
    }
  });
});

describe('backup', () => {
  test('prod backs up the data bucket daily into a vault encrypted with the data key and locked in compliance mode; dev has no backup plan', () => {
    const { stacks, templates, config } = synth('prod');
    const stack = stacks[0];
    templates[0].hasResourceProperties('AWS::Backup::BackupVault', {
      BackupVaultName: 'prod-guardrails',
      EncryptionKeyArn: { 'Fn::GetAtt': [logicalId(stack, stack.keys.dataKey), 'Arn'] },
      LockConfiguration: Match.objectLike({ MinRetentionDays: (config.backup.vaultLock as any).minRetentionDays }),
    });
    templates[0].hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: { BackupPlanRule: [Match.objectLike({ Lifecycle: { DeleteAfterDays: config.backup.retentionDays } })] },
    });
    expect(JSON.stringify(templates[0].findResources('AWS::Backup::BackupSelection'))).toContain(logicalId(stack, stack.dataBucket!));
    // The capture-only us-east-1 stacks hold no data bucket, hence no plan.
    stacks.forEach((s, i) => templates[i].resourceCountIs('AWS::Backup::BackupPlan', s.dataBucket ? 1 : 0));
    for (const template of synth('dev').templates) template.resourceCountIs('AWS::Backup::BackupPlan', 0);
  });
});
