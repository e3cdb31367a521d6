/**
 * The StackSet option (issue 9): the workload guardrails deployed as service-managed
 * CloudFormation StackSets that target organizational units, with automatic deployment to every
 * account that joins them, instead of one `cdk deploy` per account and region.
 *
 * Choice (docs/stacksets.md): the L1 `AWS::CloudFormation::StackSet`, no new dependency.
 * cdklabs `cdk-stacksets` accepts this aws-cdk-lib, but it is a 0.0.x release and would add a
 * package for what one L1 resource and one file asset do here.
 *
 * Shape: one StackSet per region, in a stack deployed to the StackSets administrator (the
 * management account or a delegated administrator). Each StackSet's template is a
 * {@link WorkloadBaselineStack} synthesized for that region with the account left to
 * `AWS::AccountId`, uploaded as a file asset of the administrator stack (the template is larger than
 * the 51,200 bytes `TemplateBody` accepts; `TemplateURL` accepts 1 MB).
 *
 * Assets: a StackSet instance is created by CloudFormation in each target account, which has no
 * access to the administrator's CDK bootstrap bucket and may not be bootstrapped at all. So the
 * baseline template must not reference any asset: it is synthesized with a synthesizer that refuses
 * assets, and the asset-bearing constructs (the rotation Lambdas of secrets-rotation) are not part
 * of the baseline. Per-account secrets stay with the per-account CDK app. Only the template itself
 * is an asset, of the administrator stack, read by CloudFormation in the administrator account.
 */
import { CentralLogDestination, CentralLogShipping, SecurityEventCapture, TrailScope } from '@cdk-guardrails/central-logging';
import { DetectiveControls } from '@cdk-guardrails/detective-controls';
import { PermissionsBoundary, PolicyValidator, RequirePermissionsBoundary } from '@cdk-guardrails/iam-least-privilege';
import { KeyHierarchy, KeySource } from '@cdk-guardrails/kms-hierarchy';
import { BucketEncryptionGuard, EncryptedBucket, EncryptionMode, GuardMode, ProtectBucketConfiguration, ProtectLogObjects } from '@cdk-guardrails/s3-encryption';
import { objectLockRetention } from './audit-replica-stack';
import { createApp, stackName } from '@cdk-guardrails/app-kit';
import {
  GUARDRAIL_NAME_PREFIX, GuardrailsConfig, logWriterRoleName, PrincipalsConfig, securityEventCaptureNames, workloadStackSetName,
} from '@cdk-guardrails/config';
import {
  Annotations, App, Aspects, Aws, BootstraplessSynthesizer, Duration, FileAssetSource, RemovalPolicy, Stack, StackProps, Tags,
} from 'aws-cdk-lib';
import * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Region where IAM events reach EventBridge. */
const IAM_EVENTS_REGION = 'us-east-1';
/** CloudFormation: a template given by TemplateURL may be up to 1 MB. */
export const STACKSET_TEMPLATE_MAX_BYTES = 1_000_000;
const MINIMUM_TLS_VERSION = 1.2;

/** What the baseline of one region needs: the environment's settings, nothing per account. */
export interface WorkloadBaselineSettings {
  /** Environment name (config `environment`), used in names and tags. */
  readonly environment: string;
  /** AWS Organizations id (`o-...`): required, every account of the targeted OUs ships through an organization-wide destination. */
  readonly organizationId: string;
  /** The central security account (config `securityAccount.accountId`). */
  readonly securityAccountId: string;
  /** Name of the central log destination in each region (config `securityAccount.destinationName`). */
  readonly destinationName: string;
  /** Key rotation period in days (config `kms.rotationPeriodDays`). */
  readonly keyRotationDays: number;
  /** Alias prefix of the keys (config `kms.aliasPrefix`). */
  readonly aliasPrefix: string;
  /** Data bucket encryption (config `s3.encryption`). */
  readonly s3Encryption: 'SSE_S3' | 'SSE_KMS';
  /** Retention of the local audit and security log groups, days (config `logging.retentionDays`). */
  readonly auditRetentionDays: number;
  readonly securityRetentionDays: number;
  /**
   * Object Lock of the trail bucket (config `auditLogs.objectLock`): `none`, `compliance` or `governance`.
   * Replication (`auditLogs.replicaRegion`) is not part of the baseline: it needs a replica bucket per
   * account, deployed first, which the per-account app creates.
   * @default 'none'
   */
  readonly auditObjectLockMode?: 'none' | 'compliance' | 'governance';
  /** Default retention of the trail bucket's log files under Object Lock, days (required with a mode other than none). */
  readonly auditObjectLockDays?: number;
  /** Longest rotation interval the Config rule accepts, days (the longest configured secret class). */
  readonly maxSecretRotationDays: number;
  /** Config `detectiveControls` switches. */
  readonly configRecorder: boolean;
  readonly configRules: boolean;
  readonly guardDuty: boolean;
  readonly accessAnalyzer: boolean;
  /** Config `removalPolicy`. */
  readonly removalPolicy: 'retain' | 'destroy';
  /** Config `tags` (plus `guardrails:environment`). */
  readonly tags: Record<string, string>;
  /**
   * Config `principals`: the named roles of every target account. The StackSet execution role
   * deploys the baseline, so it (with the key admin and break-glass) administers the keys, and
   * (with the log admin and break-glass) the buckets; nobody inside the boundary may take them over.
   */
  readonly principals: Pick<PrincipalsConfig, 'cdkQualifier' | 'breakGlassRoleName' | 'keyAdminRoleName' | 'logAdminRoleName' | 'stackSetExecutionRoleName' | 'controlTowerRoleNames' | 'boundedRolePath'>;
}

export interface WorkloadBaselineStackProps extends StackProps {
  readonly settings: WorkloadBaselineSettings;
  /** The region this template is for (the account is left to `AWS::AccountId`). */
  readonly region: string;
  /** Record global resources (IAM) with AWS Config in this region: exactly one region of the StackSets. */
  readonly homeRegion: boolean;
}

/** A synthesizer for StackSet templates: no bootstrap version rule, no deployment roles, and no assets. */
class StackSetTemplateSynthesizer extends BootstraplessSynthesizer {
  public addFileAsset(asset: FileAssetSource): never {
    throw new Error(
      `StackSet templates cannot carry assets: '${asset.fileName ?? asset.sourceHash}' would be uploaded to a CDK bootstrap bucket that `
      + 'the target accounts of a StackSet cannot read (and may not have). Keep asset-bearing constructs (Lambda code, for example '
      + 'the secrets-rotation functions) in the per-account CDK app, or pre-publish the code to an organization-readable bucket '
      + 'per region and reference it by bucket and key (docs/stacksets.md).',
    );
  }

  public addDockerImageAsset(): never {
    throw new Error('StackSet templates cannot carry Docker image assets (docs/stacksets.md)');
  }
}

/**
 * The account-agnostic guardrails of one region, as deployed to every account of the targeted OUs:
 * the key hierarchy, a regional permissions boundary on every role, trail and security-event
 * capture shipped to the same-region central destination (organization mode, sender role), an
 * encrypted data bucket with the bucket guard, and detective controls. Not included: per-account
 * secrets (Lambda assets, per-account config), the IAM identities of the home stack (operators
 * group, cross-account roles: global names per account, configured per account).
 */
export class WorkloadBaselineStack extends Stack {
  public readonly keys: KeyHierarchy;

  constructor(scope: Construct, id: string, props: WorkloadBaselineStackProps) {
    super(scope, id, { ...props, env: { region: props.region }, synthesizer: new StackSetTemplateSynthesizer() });
    const s = props.settings;
    const removalPolicy = s.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    // The target account is AWS::AccountId: the named roles' ARNs are built per account at deploy time.
    const p = s.principals;
    const roleArn = (name: string) => `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${name}`;

    this.keys = new KeyHierarchy(this, 'Keys', {
      dataKey: KeySource.create(),
      secretsKey: KeySource.create(),
      logsKey: KeySource.create(),
      rotationPeriod: Duration.days(s.keyRotationDays),
      aliasPrefix: s.aliasPrefix,
      removalPolicy,
      administratorArns: [p.stackSetExecutionRoleName, p.keyAdminRoleName, p.breakGlassRoleName].map(roleArn),
    });

    // IAM is global, but StackSets of different regions reach a new account in no guaranteed
    // order: each region carries its own boundary (named per region), so no instance depends on another.
    const boundary = new PermissionsBoundary(this, 'PermissionsBoundary', {
      managedPolicyName: `${PermissionsBoundary.DEFAULT_POLICY_NAME}-${props.region}`,
      resourceAccountIds: [s.securityAccountId],
      resourceAccountServices: ['logs'],
      requiredTagKeys: ['guardrails:environment'],
      protectedPrincipalArns: [...new Set([p.breakGlassRoleName, p.keyAdminRoleName, p.logAdminRoleName, p.stackSetExecutionRoleName, ...p.controlTowerRoleNames])].map(roleArn),
      cdkBootstrapQualifier: p.cdkQualifier,
      protectedResourceNamePrefix: GUARDRAIL_NAME_PREFIX,
      // The StackSet instances of this baseline (and any other StackSet's): only StackSets changes them.
      protectedStackNames: ['StackSet-*'],
      // As in the per-account stacks: bounded identities pass and assume only roles under the path.
      ...(p.boundedRolePath !== undefined ? { boundedRolePath: p.boundedRolePath } : {}),
    });
    boundary.applyTo(this);
    // Every role of the baseline is guardrail infrastructure (trail capture, shipping, recorder).
    PermissionsBoundary.protectRoles(this);

    // No dark region: the home region's StackSet runs each account's multi-region trail (every
    // region's management events, global service events); the other regions run none (the baseline
    // has no restricted data bucket whose data events would need a trail of their own).
    const trailBucket = props.homeRegion ? new EncryptedBucket(this, 'TrailBucket', {
      encryption: EncryptionMode.sseKms(this.keys.logsKey), removalPolicy, minimumTlsVersion: MINIMUM_TLS_VERSION,
      objectLockDefaultRetention: baselineObjectLock(s),
      // CloudTrail's digest files (log file validation) are SSE-S3 whatever the trail's key.
      sseS3DeliverySourceArns: [`arn:${Aws.PARTITION}:cloudtrail:${props.region}:${Aws.ACCOUNT_ID}:trail/*`],
    }) : undefined;
    const shipping = new CentralLogShipping(this, 'Shipping', {
      destinationArn: CentralLogDestination.arnFor(s.securityAccountId, props.region, s.destinationName),
      // New accounts are not listed anywhere: the destination must be organization-wide, which needs a sender role.
      useSenderRole: true,
      senderRoleName: logWriterRoleName('sender', props.region),
    });
    new SecurityEventCapture(this, 'Capture', {
      trailScope: props.homeRegion ? TrailScope.ALL_REGIONS : TrailScope.NONE,
      trailBucket,
      logsKey: this.keys.logsKey,
      shipping,
      captureIamChanges: props.region === IAM_EVENTS_REGION,
      auditLogRetention: s.auditRetentionDays,
      securityLogRetention: s.securityRetentionDays,
      removalPolicy,
      // Protected names (boundary, SCPs), the named trail its bucket accepts, the SCP's log writer.
      ...securityEventCaptureNames(props.region),
    });

    const encryption = s.s3Encryption === 'SSE_KMS' ? EncryptionMode.sseKms(this.keys.dataKey) : EncryptionMode.sseS3();
    Aspects.of(this).add(new BucketEncryptionGuard({ mode: GuardMode.FIX, encryption, minimumTlsVersion: MINIMUM_TLS_VERSION }));
    Aspects.of(this).add(new ProtectBucketConfiguration({
      administratorArns: [p.stackSetExecutionRoleName, p.logAdminRoleName, p.breakGlassRoleName].map(roleArn),
    }));
    Annotations.of(this).acknowledgeWarning('@cdk-guardrails/s3-encryption:guardKeptUserEncryption',
      'the trail bucket (logs key) and the AWS Config bucket (data key) are SSE-KMS by design in every environment');
    Annotations.of(this).acknowledgeWarning('@cdk-guardrails/s3-encryption:guardServiceWriters',
      'CloudTrail and AWS Config deliver to these buckets with SSE-KMS');
    new EncryptedBucket(this, 'DataBucket', { encryption, removalPolicy, minimumTlsVersion: MINIMUM_TLS_VERSION });

    const detective = new DetectiveControls(this, 'DetectiveControls', {
      enableConfigRecorder: s.configRecorder,
      configDeliveryKey: s.configRecorder ? this.keys.dataKey : undefined,
      includeGlobalResources: props.homeRegion,
      enableConfigRules: s.configRules,
      requireS3KmsEncryption: s.s3Encryption === 'SSE_KMS',
      maxSecretRotationInterval: Duration.days(s.maxSecretRotationDays),
      enableGuardDuty: s.guardDuty,
      enableAccessAnalyzer: s.accessAnalyzer,
      removalPolicy,
    });
    // Evidence: only the delivering services (and the Config recorder's role) write the trail and
    // Config buckets' objects; only the StackSet role, the log admin and break-glass delete them.
    const administrators = [p.stackSetExecutionRoleName, p.logAdminRoleName, p.breakGlassRoleName].map(roleArn);
    if (trailBucket) new ProtectLogObjects({ administratorArns: administrators }).applyTo(trailBucket);
    if (detective.configBucket) {
      new ProtectLogObjects({ administratorArns: administrators, writerArns: detective.recorderRole ? [detective.recorderRole.roleArn] : [] }).applyTo(detective.configBucket);
    }
    // The recorder role: DetectiveControls exempts it from the boundary and tags it guardrails:protected.

    for (const [key, value] of Object.entries(s.tags)) Tags.of(this).add(key, value);
    Tags.of(this).add('guardrails:environment', s.environment);
    Aspects.of(this).add(new PolicyValidator());
    Aspects.of(this).add(new RequirePermissionsBoundary());
  }
}

/** Where and how the StackSets deploy. */
export interface StackSetTargets {
  /** Organizational units (`ou-xxxx-xxxxxxxx`) or the root (`r-xxxx`) whose accounts get the baseline, including accounts that join later. */
  readonly organizationalUnitIds: string[];
  /** Regions to deploy to; the first one records global resources with AWS Config. */
  readonly regions: string[];
  /** The StackSets administrator: the management account or a delegated administrator. */
  readonly adminAccountId: string;
  /** Region of the administrator stack and of the StackSets. */
  readonly adminRegion: string;
  /** `DELEGATED_ADMIN` when adminAccountId is a delegated administrator, `SELF` in the management account. @default SELF */
  readonly callAs?: 'SELF' | 'DELEGATED_ADMIN';
  /** Accounts of the OUs to leave out (the security account always is). @default none */
  readonly excludedAccountIds?: string[];
  /** Percentage of accounts deployed at once per region. @default 25 */
  readonly maxConcurrentPercentage?: number;
  /** Percentage of accounts per region that may fail before the operation stops. @default 0 */
  readonly failureTolerancePercentage?: number;
}

export interface WorkloadStackSetsStackProps extends StackProps {
  readonly settings: WorkloadBaselineSettings;
  readonly targets: StackSetTargets;
}

const OU_ID = /^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$/;
const ORG_ID = /^o-[a-z0-9]{10,32}$/;
const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

function validate(props: WorkloadStackSetsStackProps): void {
  const { settings, targets } = props;
  const fail = (field: string, received: unknown, expected: string) => {
    throw new Error(`WorkloadStackSetsStack: ${field}: received ${JSON.stringify(received)}; expected ${expected}`);
  };
  if (!ORG_ID.test(settings.organizationId ?? '')) fail('settings.organizationId', settings.organizationId, 'an AWS Organizations id (o-...): service-managed StackSets and the organization-wide log destination need it');
  if (!ACCOUNT_ID.test(settings.securityAccountId)) fail('settings.securityAccountId', settings.securityAccountId, 'a 12-digit account id');
  if (!targets.organizationalUnitIds || targets.organizationalUnitIds.length === 0) fail('targets.organizationalUnitIds', targets.organizationalUnitIds, 'at least one OU id (ou-xxxx-xxxxxxxx) or the root id (r-xxxx)');
  // CreateStackInstances accepts at most 50 OUs per operation.
  if (targets.organizationalUnitIds.length > 50) fail('targets.organizationalUnitIds', `${targets.organizationalUnitIds.length} OUs`, 'at most 50 (the CreateStackInstances limit); target a parent OU instead');
  for (const ou of targets.organizationalUnitIds) if (!OU_ID.test(ou)) fail('targets.organizationalUnitIds', ou, 'an OU id (ou-xxxx-xxxxxxxx) or the root id (r-xxxx)');
  if (!targets.regions || targets.regions.length === 0) fail('targets.regions', targets.regions, 'at least one region');
  for (const r of targets.regions) if (!REGION.test(r)) fail('targets.regions', r, 'a region name such as eu-west-1');
  if (new Set(targets.regions).size !== targets.regions.length) fail('targets.regions', targets.regions, 'each region once');
  if (!ACCOUNT_ID.test(targets.adminAccountId)) fail('targets.adminAccountId', targets.adminAccountId, 'the 12-digit id of the management or delegated administrator account');
  if (!REGION.test(targets.adminRegion)) fail('targets.adminRegion', targets.adminRegion, 'a region name such as eu-west-1');
  for (const a of targets.excludedAccountIds ?? []) if (!ACCOUNT_ID.test(a)) fail('targets.excludedAccountIds', a, 'a 12-digit account id');
  const pct = (field: string, v: number | undefined, min: number) => {
    if (v !== undefined && (!Number.isInteger(v) || v < min || v > 100)) fail(field, v, `an integer percentage from ${min} to 100`);
  };
  pct('targets.maxConcurrentPercentage', targets.maxConcurrentPercentage, 1);
  pct('targets.failureTolerancePercentage', targets.failureTolerancePercentage, 0);
}

/**
 * Synthesizes the baseline of one region in a private App and returns the template file. The
 * private App has the project's feature flags and validations (policy validator, boundary
 * requirement); a violation fails here, as it would in the per-account app.
 */
export function synthesizeBaselineTemplate(settings: WorkloadBaselineSettings, region: string, homeRegion: boolean, outdir?: string): { file: string; bytes: number } {
  const dir = outdir ?? mkdtempSync(join(tmpdir(), 'guardrails-stackset-'));
  mkdirSync(dir, { recursive: true });
  const app: App = createApp({ outdir: join(dir, 'assembly') });
  const stack = new WorkloadBaselineStack(app, `${settings.environment}-workload-baseline-${region}`, {
    settings, region, homeRegion,
    description: `cdk-guardrails ${settings.environment}: workload guardrails baseline in ${region} (StackSet instance)`,
  });
  const assembly = app.synth();
  const template = readFileSync(join(assembly.directory, stack.templateFile), 'utf8');
  // Minified: whitespace counts against the 1 MB TemplateURL limit.
  const minified = JSON.stringify(JSON.parse(template));
  const file = join(dir, `${stack.stackName}.template.json`);
  writeFileSync(file, minified);
  rmSync(assembly.directory, { recursive: true, force: true });
  return { file, bytes: Buffer.byteLength(minified, 'utf8') };
}

/**
 * Deployed once, to the StackSets administrator: one service-managed StackSet per region, each
 * targeting the OUs (minus the security account and any excluded account) with automatic
 * deployment to accounts that join them.
 */
export class WorkloadStackSetsStack extends Stack {
  /** The StackSet of each region. */
  public readonly stackSets: Record<string, cloudformation.CfnStackSet> = {};

  constructor(scope: Construct, id: string, props: WorkloadStackSetsStackProps) {
    validate(props);
    super(scope, id, { ...props, env: { account: props.targets.adminAccountId, region: props.targets.adminRegion } });
    const { settings, targets } = props;
    const excluded = [...new Set([settings.securityAccountId, ...(targets.excludedAccountIds ?? [])])];

    // The baseline templates are written to a temporary directory; the assets copy them into the
    // cloud assembly at once, so the directory is removed afterwards (unless asset staging is
    // disabled, as under SAM, where the assembly points at the original files).
    const workDir = mkdtempSync(join(tmpdir(), 'guardrails-stackset-'));
    targets.regions.forEach((region, i) => {
      const { file, bytes } = synthesizeBaselineTemplate(settings, region, i === 0, workDir);
      if (bytes > STACKSET_TEMPLATE_MAX_BYTES) {
        throw new Error(`WorkloadStackSetsStack: the baseline template of ${region} is ${bytes} bytes, above the CloudFormation limit of ${STACKSET_TEMPLATE_MAX_BYTES} bytes for a TemplateURL; switch detective controls off that already exist, or split the baseline`);
      }
      const template = new s3assets.Asset(this, `Template-${region}`, { path: file });
      this.stackSets[region] = new cloudformation.CfnStackSet(this, `StackSet-${region}`, {
        stackSetName: workloadStackSetName(settings.environment, region),
        description: `cdk-guardrails ${settings.environment}: workload guardrails baseline in ${region}, every account of ${targets.organizationalUnitIds.join(', ')}`,
        permissionModel: 'SERVICE_MANAGED',
        autoDeployment: {
          enabled: true,
          // Removing an account from the OUs deletes its instance; retained resources (keys, buckets, log groups) stay.
          retainStacksOnAccountRemoval: false,
        },
        callAs: targets.callAs ?? 'SELF',
        capabilities: ['CAPABILITY_NAMED_IAM'],
        templateUrl: template.httpUrl,
        managedExecution: { Active: true },
        operationPreferences: {
          maxConcurrentPercentage: targets.maxConcurrentPercentage ?? 25,
          failureTolerancePercentage: targets.failureTolerancePercentage ?? 0,
          regionConcurrencyType: 'PARALLEL',
        },
        stackInstancesGroup: [{
          regions: [region],
          deploymentTargets: {
            organizationalUnitIds: [...targets.organizationalUnitIds],
            accounts: excluded,
            accountFilterType: 'DIFFERENCE',
          },
        }],
        tags: [{ key: 'guardrails:environment', value: settings.environment }],
      });
    });
    if (!this.node.tryGetContext('aws:cdk:disable-asset-staging')) rmSync(workDir, { recursive: true, force: true });
  }
}

/**
 * The baseline settings from an environment's config. Fails when the config names no
 * organization: service-managed StackSets and an organization-wide destination need one.
 */
export function baselineSettingsFromConfig(config: GuardrailsConfig): WorkloadBaselineSettings {
  if (!config.organizationId) {
    throw new Error(`config/${config.environment}.json: organizationId: received nothing; expected the AWS Organizations id (o-...) when deploying as StackSets (service-managed StackSets target organizational units, and the security app must then use an organization-wide destination)`);
  }
  const rotation = config.secrets.rotationDays;
  return {
    environment: config.environment,
    organizationId: config.organizationId,
    securityAccountId: config.securityAccount.accountId,
    destinationName: config.securityAccount.destinationName,
    keyRotationDays: config.kms.rotationPeriodDays,
    aliasPrefix: config.kms.aliasPrefix,
    s3Encryption: config.s3.encryption,
    auditRetentionDays: config.logging.retentionDays.audit,
    securityRetentionDays: config.logging.retentionDays.security,
    auditObjectLockMode: config.auditLogs.objectLock.mode,
    auditObjectLockDays: config.auditLogs.objectLock.mode === 'none' ? undefined : config.auditLogs.objectLock.retentionDays,
    maxSecretRotationDays: Math.max(rotation.database, rotation.apiKey, rotation.serviceToken),
    configRecorder: config.detectiveControls.configRecorder,
    configRules: config.detectiveControls.configRules,
    guardDuty: config.detectiveControls.guardDuty,
    accessAnalyzer: config.detectiveControls.accessAnalyzer,
    removalPolicy: config.removalPolicy,
    tags: { ...config.tags },
    principals: config.principals,
  };
}

/** Adds the StackSets administrator stack for an environment: `<env>-workload-stacksets`. */
export function buildWorkloadStackSets(app: App, config: GuardrailsConfig, targets: StackSetTargets): WorkloadStackSetsStack {
  const name = stackName(config.environment, 'workload', 'stacksets');
  return new WorkloadStackSetsStack(app, name, {
    stackName: name,
    description: `cdk-guardrails ${config.environment}: service-managed StackSets of the workload guardrails baseline`,
    settings: baselineSettingsFromConfig(config),
    targets: { ...targets, excludedAccountIds: [...(targets.excludedAccountIds ?? [])] },
    terminationProtection: config.removalPolicy === 'retain',
  });
}

/** The trail bucket's Object Lock retention from the baseline settings; fails on a mode without days. */
function baselineObjectLock(s: WorkloadBaselineSettings): s3.ObjectLockRetention | undefined {
  const mode = s.auditObjectLockMode ?? 'none';
  if (mode === 'none') return undefined;
  const days = s.auditObjectLockDays;
  if (mode !== 'compliance' && mode !== 'governance') {
    throw new Error(`settings.auditObjectLockMode: received ${JSON.stringify(mode)}; expected "none", "compliance" or "governance"`);
  }
  if (days === undefined || !Number.isInteger(days) || days < 1 || days > 36500) {
    throw new Error(`settings.auditObjectLockDays: received ${JSON.stringify(days)}; expected 1-36500 days with auditObjectLockMode "${mode}"`);
  }
  return objectLockRetention(mode, days);
}
