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
 * {@link WorkloadBaselineStack}, the same regional baseline the per-account stacks build on
 * (regional-baseline.ts), synthesized for that region with the account left to `AWS::AccountId`
 * (before the administrator stack is built, into the assembly directory: `baselineTemplates`), and
 * uploaded as a file asset of the administrator stack (the template is larger than the 51,200
 * bytes `TemplateBody` accepts; `TemplateURL` accepts 1 MB).
 *
 * Assets: a StackSet instance is created by CloudFormation in each target account, which has no
 * access to the administrator's CDK bootstrap bucket and may not be bootstrapped at all. So the
 * baseline template must not reference any asset: it is synthesized with a synthesizer that refuses
 * assets, and the asset-bearing constructs (the rotation Lambdas of secrets-rotation) are not part
 * of the baseline. Per-account secrets stay with the per-account CDK app. Only the template itself
 * is an asset, of the administrator stack, read by CloudFormation in the administrator account.
 */
import { Acknowledgement, addComplianceGate, applyTags, createApp, packRuleIds, stackName, useConfigBootstrapQualifier } from '@cdk-guardrails/app-kit';
import { TrailScope } from '@cdk-guardrails/central-logging';
import { GUARDRAIL_NAME_PREFIX, GuardrailsConfig, StackSetsConfig, withStackSetTargets, workloadStackSetName } from '@cdk-guardrails/config';
import { PermissionsBoundary, PolicyValidator, RequirePermissionsBoundary } from '@cdk-guardrails/iam-least-privilege';
import { App, Aspects, Aws, BootstraplessSynthesizer, FileAssetSource, Stack, StackProps } from 'aws-cdk-lib';
import * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workloadAcknowledgements } from './compliance';
import { baselineBoundaryName } from './baseline-boundary';
import { WorkloadRegionalBaseline } from './regional-baseline';

/** CloudFormation: a template given by TemplateURL may be up to 1 MB. */
export const STACKSET_TEMPLATE_MAX_BYTES = 1_000_000;

/** A synthesizer for StackSet templates: no bootstrap version rule, no deployment roles, and no assets. */
class StackSetTemplateSynthesizer extends BootstraplessSynthesizer {
  public addFileAsset(asset: FileAssetSource): never {
    throw new Error(
      `StackSet templates cannot carry assets: '${asset.fileName ?? asset.sourceHash}' would be uploaded to a CDK bootstrap bucket that ` +
        'the target accounts of a StackSet cannot read (and may not have). Keep asset-bearing constructs (Lambda code, for example ' +
        'the secrets-rotation functions) in the per-account CDK app, or pre-publish the code to an organization-readable bucket ' +
        'per region and reference it by bucket and key (docs/stacksets.md).',
    );
  }

  public addDockerImageAsset(): never {
    throw new Error('StackSet templates cannot carry Docker image assets (docs/stacksets.md)');
  }
}

export interface WorkloadBaselineStackProps extends StackProps {
  /** The environment's config; it must name the organization (`organizationId`). */
  readonly config: GuardrailsConfig;
  /** The region this template is for (the account is left to `AWS::AccountId`). */
  readonly region: string;
  /** Record global resources (IAM) with AWS Config and run the multi-region trail here: exactly one region of the StackSets. */
  readonly homeRegion: boolean;
}

/** The config's organization id, required by the StackSet deployment (fails naming the field). */
function requireOrganization(config: GuardrailsConfig): string {
  if (!config.organizationId) {
    throw new Error(
      `config/${config.environment}.json: organizationId: received nothing; expected the AWS Organizations id (o-...) when deploying as StackSets (service-managed StackSets target organizational units, and the security app must then use an organization-wide destination)`,
    );
  }
  return config.organizationId;
}

/**
 * The regional baseline (regional-baseline.ts) as deployed to every account of the targeted OUs.
 * Not included: per-account secrets (Lambda assets, per-account config), the IAM identities of the
 * home stack (operators group, cross-account roles: global names per account, configured per
 * account), backups, the audit replica and its readers.
 */
export class WorkloadBaselineStack extends WorkloadRegionalBaseline {
  constructor(scope: Construct, id: string, props: WorkloadBaselineStackProps) {
    requireOrganization(props.config);
    const { config, region } = props;
    // The target account is AWS::AccountId: the named roles' ARNs are built per account at deploy time.
    const p = config.principals;
    const roleArn = (name: string) => `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${name}`;
    super(scope, id, {
      ...props,
      env: { region },
      synthesizer: new StackSetTemplateSynthesizer(),
      // No dark region: the home region's StackSet runs each account's multi-region trail (every
      // region's management events, global service events); the other regions run a trail only
      // for the data bucket's object-level events (config auditLogs.s3DataEvents).
      trailScope: props.homeRegion ? TrailScope.ALL_REGIONS : config.auditLogs.s3DataEvents ? TrailScope.DATA_EVENTS_ONLY : TrailScope.NONE,
      captureOnly: false,
      stackSetInstance: true,
      // The StackSet execution role deploys the baseline, so it (with the key admin and break-glass)
      // administers the keys, and (with the log admin and break-glass) the buckets.
      keyAdministratorArns: [p.stackSetExecutionRoleName, p.keyAdminRoleName, p.breakGlassRoleName].map(roleArn),
      guardrailAdministratorArns: [p.stackSetExecutionRoleName, p.logAdminRoleName, p.breakGlassRoleName].map(roleArn),
      // IAM is global, but StackSets of different regions reach a new account in no guaranteed
      // order: each region carries its own boundary (named per region), so no instance depends on another.
      applyBoundary: (stack) =>
        new PermissionsBoundary(stack, 'PermissionsBoundary', {
          managedPolicyName: baselineBoundaryName(region),
          resourceAccountIds: [config.securityAccount.accountId],
          resourceAccountServices: ['logs'],
          requiredTagKeys: ['guardrails:environment'],
          protectedPrincipalArns: [
            ...new Set([p.breakGlassRoleName, p.keyAdminRoleName, p.logAdminRoleName, p.stackSetExecutionRoleName, ...p.controlTowerRoleNames]),
          ].map(roleArn),
          cdkBootstrapQualifier: p.cdkQualifier,
          protectedResourceNamePrefix: GUARDRAIL_NAME_PREFIX,
          // The StackSet instances of this baseline (and any other StackSet's): only StackSets changes them.
          protectedStackNames: ['StackSet-*'],
          // As in the per-account stacks: bounded identities pass and assume only roles under the path.
          ...(p.boundedRolePath !== undefined ? { boundedRolePath: p.boundedRolePath } : {}),
        }).applyTo(stack),
    });
  }
}

export { baselineBoundaryName } from './baseline-boundary';

/** What the baseline acknowledges beyond the per-account stacks' acknowledgements. */
export function baselineAcknowledgements(config: GuardrailsConfig): Acknowledgement[] {
  // With auditLogs.replicaRegion the per-account trail bucket replicates; the baseline's cannot.
  if (config.auditLogs.replicaRegion === undefined) return [];
  return [
    {
      path: 'SecurityLogging/TrailBucket/Resource',
      ids: packRuleIds('S3BucketReplicationEnabled'),
      reason: `an account deployed by the StackSets has no audit replica in ${config.auditLogs.replicaRegion}: the replica bucket and key are per-account resources that only the per-account app deploys (docs/stacksets.md); its trail is shipped to the security account (central audit log group, ${config.logging.retentionDays.audit} days, logs key), the copy that survives the account`,
    },
  ];
}

/** A baseline template written for one region. */
export interface BaselineTemplate {
  readonly region: string;
  /** The minified template file. */
  readonly file: string;
  readonly bytes: number;
}

/**
 * The private App of one region's baseline, with the project's feature flags, tags and validations,
 * as the per-account app has them: the policy validator, the boundary requirement and the compliance
 * gate (cdk-nag packs, Control Tower rules, Guardrails pack), so that an instance template Control
 * Tower's proactive controls would refuse fails at synth, once, not in every target account.
 */
export function baselineApp(config: GuardrailsConfig, region: string, homeRegion: boolean, outdir: string): { app: App; stack: WorkloadBaselineStack } {
  const app: App = createApp({ outdir });
  const stack = new WorkloadBaselineStack(app, `${config.environment}-workload-baseline-${region}`, {
    config,
    region,
    homeRegion,
    description: `cdk-guardrails ${config.environment}: workload guardrails baseline in ${region} (StackSet instance)`,
  });
  applyTags(app, config);
  Aspects.of(app).add(new PolicyValidator());
  Aspects.of(app).add(new RequirePermissionsBoundary());
  addComplianceGate(app, config, [...workloadAcknowledgements(config), ...baselineAcknowledgements(config)], {
    permissionsBoundaryName: baselineBoundaryName(region),
  });
  return { app, stack };
}

/**
 * Synthesizes the baseline of one region in a private App and writes the minified template into
 * `outdir` (`baselineApp`: a violation of the gate fails here). Fails when the template exceeds the
 * TemplateURL limit.
 */
export function synthesizeBaselineTemplate(config: GuardrailsConfig, region: string, homeRegion: boolean, outdir: string): BaselineTemplate {
  mkdirSync(outdir, { recursive: true });
  const assemblyDir = join(outdir, `assembly-${region}`);
  const { app, stack } = baselineApp(config, region, homeRegion, assemblyDir);
  const assembly = app.synth();
  const template = readFileSync(join(assembly.directory, stack.templateFile), 'utf8');
  rmSync(assemblyDir, { recursive: true, force: true });
  // Minified: whitespace counts against the 1 MB TemplateURL limit.
  const minified = JSON.stringify(JSON.parse(template));
  const bytes = Buffer.byteLength(minified, 'utf8');
  if (bytes > STACKSET_TEMPLATE_MAX_BYTES) {
    throw new Error(
      `WorkloadBaselineStack ${region}: template: received ${bytes} bytes; expected at most ${STACKSET_TEMPLATE_MAX_BYTES} bytes (the CloudFormation limit for a TemplateURL); switch off detective controls that already exist, or split the baseline`,
    );
  }
  const file = join(outdir, `${stack.stackName}.template.json`);
  writeFileSync(file, minified);
  return { region, file, bytes };
}

/**
 * The baseline template of every target region (the first records global resources), written
 * into `outdir`. Called before the administrator stack is built: no Stack constructor writes files.
 */
export function baselineTemplates(config: GuardrailsConfig, targets: StackSetsConfig, outdir: string): BaselineTemplate[] {
  requireOrganization(config);
  return targets.regions.map((region, i) => synthesizeBaselineTemplate(config, region, i === 0, outdir));
}

export interface WorkloadStackSetsStackProps extends StackProps {
  readonly config: GuardrailsConfig;
  /** Where the StackSets deploy (config `stackSets`, validated by the config loader or `withStackSetTargets`). */
  readonly targets: StackSetsConfig;
  /** The baseline template of each target region (`baselineTemplates`). */
  readonly templates: BaselineTemplate[];
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
    const { config, targets } = props;
    requireOrganization(config);
    super(scope, id, { ...props, env: { account: targets.adminAccountId, region: targets.adminRegion } });
    const excluded = [...new Set([config.securityAccount.accountId, ...targets.excludedAccountIds])];
    for (const region of targets.regions) {
      const template = props.templates.find((t) => t.region === region);
      if (template === undefined || !existsSync(template.file)) {
        throw new Error(
          `${this.node.path}: templates: received ${JSON.stringify(props.templates.map((t) => t.region))}; expected a synthesized baseline template for every target region (${region} is missing): build them with baselineTemplates()`,
        );
      }
      const asset = new s3assets.Asset(this, `Template-${region}`, { path: template.file });
      this.stackSets[region] = new cloudformation.CfnStackSet(this, `StackSet-${region}`, {
        stackSetName: workloadStackSetName(config.environment, region),
        description: `cdk-guardrails ${config.environment}: workload guardrails baseline in ${region}, every account of ${targets.organizationalUnitIds.join(', ')}`,
        permissionModel: 'SERVICE_MANAGED',
        autoDeployment: {
          enabled: true,
          // Removing an account from the OUs deletes its instance; retained resources (keys, buckets, log groups) stay.
          retainStacksOnAccountRemoval: false,
        },
        callAs: targets.callAs,
        capabilities: ['CAPABILITY_NAMED_IAM'],
        templateUrl: asset.httpUrl,
        managedExecution: { Active: true },
        operationPreferences: {
          maxConcurrentPercentage: targets.maxConcurrentPercentage,
          failureTolerancePercentage: targets.failureTolerancePercentage,
          regionConcurrencyType: 'PARALLEL',
        },
        stackInstancesGroup: [
          {
            regions: [region],
            deploymentTargets: {
              organizationalUnitIds: [...targets.organizationalUnitIds],
              accounts: excluded,
              accountFilterType: 'DIFFERENCE',
            },
          },
        ],
        tags: [{ key: 'guardrails:environment', value: config.environment }],
      });
    }
  }
}

/**
 * Adds the StackSets administrator stack for an environment, `<env>-workload-stacksets`, with
 * the baseline templates written into the app's assembly directory (`stackset-templates/`).
 */
export function buildWorkloadStackSets(app: App, config: GuardrailsConfig, targets: StackSetsConfig): WorkloadStackSetsStack {
  // Through the config's bootstrap, as the other apps (red10 R10-1): the SCPs protect and trust only
  // that qualifier's roles and assets; the templates the StackSets run are published to its bucket.
  useConfigBootstrapQualifier(app, config);
  const name = stackName(config.environment, 'workload', 'stacksets');
  return new WorkloadStackSetsStack(app, name, {
    stackName: name,
    description: `cdk-guardrails ${config.environment}: service-managed StackSets of the workload guardrails baseline`,
    config,
    targets,
    templates: baselineTemplates(config, targets, join(app.outdir, 'stackset-templates')),
    terminationProtection: config.removalPolicy === 'retain',
  });
}

/**
 * The StackSet targets of a synth: the `stackset-targets` context (inline JSON, or the path of a
 * JSON file) when given, else config `stackSets`; either is validated by the config's schema
 * (`withStackSetTargets`). Fails naming the context key when neither is there.
 */
export function stackSetTargetsOf(config: GuardrailsConfig, context: unknown): StackSetsConfig {
  if (context === undefined || context === null || context === '') {
    if (config.stackSets !== undefined) return config.stackSets;
    throw new Error(
      `stackset-targets: received nothing; expected config/${config.environment}.json stackSets, or -c stackset-targets=<JSON or file> with organizationalUnitIds, regions, adminAccountId, adminRegion (docs/stacksets.md)`,
    );
  }
  let raw: unknown = context;
  if (typeof context === 'string') {
    const text = context.trim();
    const json = text.startsWith('{') ? text : existsSync(text) ? readFileSync(text, 'utf8') : undefined;
    if (json === undefined) throw new Error(`stackset-targets: received "${text}"; expected inline JSON or the path of an existing JSON file`);
    try {
      raw = JSON.parse(json);
    } catch (e) {
      throw new Error(`stackset-targets: received text that is not JSON (${(e as Error).message}); expected inline JSON or the path of a JSON file`, {
        cause: e,
      });
    }
  }
  const targets = withStackSetTargets(config, raw, '-c stackset-targets').stackSets!;
  // The SCPs are written from config (bin/main.ts), not from this context: only with the delegated
  // administrator in config do they deny StackSet administration there to all but the deployers (a
  // service-managed StackSet of any name runs everywhere as the exempt StackSets execution role).
  const configured = config.stackSets;
  if (targets.callAs === 'DELEGATED_ADMIN' && (configured?.callAs !== 'DELEGATED_ADMIN' || configured.adminAccountId !== targets.adminAccountId)) {
    throw new Error(
      `stackset-targets: received callAs "DELEGATED_ADMIN" with adminAccountId "${targets.adminAccountId}"; expected the same administrator in config/${config.environment}.json ` +
        `stackSets (adminAccountId "${targets.adminAccountId}", callAs "DELEGATED_ADMIN"; now ${configured === undefined ? 'no stackSets' : `adminAccountId "${configured.adminAccountId}", callAs "${configured.callAs}"`}): ` +
        'the SCPs are written from the config, and only then let nobody but the deployers create or change StackSets in that account (docs/stacksets.md)',
    );
  }
  return targets;
}
