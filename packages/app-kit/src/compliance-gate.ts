/**
 * The compliance gate both apps run at every synth: the cdk-nag packs (AwsSolutions, NIST 800-53 R5,
 * PCI DSS 3.2.1, HIPAA Security), the AWS Control Tower proactive-control rules (cfn-guard, through
 * @cdklabs/cdk-validator-cfnguard) and the project's Guardrails pack as validation plugins, configured
 * from the environment's config, plus the plumbing for per-construct acknowledgements. Each app keeps
 * its own list of acknowledgements (path inside each stack + a specific reason).
 */
import { DefaultLogClass, SecurityHubStandard } from '@cdk-guardrails/facts';
import { Acknowledge, GuardrailsChecks, Waiver } from '@cdk-guardrails/compliance-rules';
import { PermissionsBoundary } from '@cdk-guardrails/iam-least-privilege';
import { App, CfnResource, Duration, IPolicyValidationPlugin, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { GuardrailsConfig, PRODUCTION_ENVIRONMENTS } from '@cdk-guardrails/config';
import { ControlTowerGuardValidator } from './control-tower-validator';
import { addThreadedTemplateValidation } from './threaded-template-validation';

/**
 * One acknowledgement: rule ids on the constructs at `path` in each stack, with the reason. Give the
 * ids either as a list (`ids`, the same in every stack) or as a function of the stack (`idsForStack`,
 * for ids that name a logical id, the account or the region): exactly one of the two.
 */
export interface Acknowledgement {
  /** Path of the constructs, relative to each stack; `*` matches one path segment. */
  readonly path: string;
  /** The acknowledged rule ids, the same in every stack. Not together with `idsForStack`. */
  readonly ids?: string[];
  /** The acknowledged rule ids in a given stack (an empty list acknowledges nothing there). Not together with `ids`. */
  readonly idsForStack?: (stack: Stack) => string[];
  /** Why the finding is acceptable here: true and specific to the construct. */
  readonly reason: string;
  /** Owner of the waiver; default: the gate's `WaiverDefaults.owner` (config compliance.waiverOwner). */
  readonly owner?: string;
  /** Last day (`YYYY-MM-DD`, UTC) the waiver holds; default: `WaiverDefaults.expires` (config compliance.waiverReviewBy). */
  readonly expires?: string;
  /** Ticket that tracks the waiver; default: none. */
  readonly ticket?: string;
}

/**
 * Owner and expiry of the acknowledgements that name none: the apps' acknowledgements are
 * by-design decisions of this repository, owned by the team that owns the guardrails and
 * reviewed by a date (config compliance: waiverOwner, waiverReviewBy).
 */
export interface WaiverDefaults {
  readonly owner: string;
  readonly expires: string;
}

/** The owner and review date of the by-design waivers, from config. */
export function waiverDefaultsOf(config: GuardrailsConfig): WaiverDefaults {
  return { owner: config.compliance.waiverOwner, expires: config.compliance.waiverReviewBy };
}

/** The options of `ComplianceReport.synth` that depend on the environment: production, and the day waivers expire against. */
export function complianceReportOptions(environment: string, env: NodeJS.ProcessEnv = process.env): { production: boolean; today?: Date } {
  const today = env.GUARDRAILS_TODAY;
  if (today !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(today)) {
    throw new Error(`GUARDRAILS_TODAY: received ${JSON.stringify(today)}; expected a date YYYY-MM-DD (or unset: today)`);
  }
  return { production: PRODUCTION_ENVIRONMENTS.includes(environment), ...(today !== undefined ? { today: new Date(`${today}T00:00:00Z`) } : {}) };
}

/**
 * Checks an acknowledgement before it is applied: a path, a reason, and exactly one of `ids` (not
 * empty) and `idsForStack`. `where` names it in the error (for example `acknowledgements[3]`).
 */
export function validateAcknowledgement(ack: Acknowledgement, where: string): void {
  const at = `${where} (path '${ack.path}')`;
  if (typeof ack.path !== 'string' || ack.path.trim() === '') {
    throw new Error(`${where}: path: received ${JSON.stringify(ack.path)}; expected a construct path relative to each stack`);
  }
  if (ack.ids !== undefined && ack.idsForStack !== undefined) {
    throw new Error(`${at}: ids: received both ids and idsForStack; expected exactly one of them`);
  }
  if (ack.ids === undefined && ack.idsForStack === undefined) {
    throw new Error(`${at}: ids: received neither ids nor idsForStack; expected exactly one of them`);
  }
  if (ack.ids !== undefined && (!Array.isArray(ack.ids) || ack.ids.length === 0 || ack.ids.some((id) => typeof id !== 'string' || id === ''))) {
    throw new Error(`${at}: ids: received ${JSON.stringify(ack.ids)}; expected a non-empty list of rule ids`);
  }
  if (ack.idsForStack !== undefined && typeof ack.idsForStack !== 'function') {
    throw new Error(`${at}: idsForStack: received ${typeof ack.idsForStack}; expected a function of the stack`);
  }
  if (typeof ack.reason !== 'string' || ack.reason.trim() === '') {
    throw new Error(`${at}: reason: received ${JSON.stringify(ack.reason)}; expected a true and specific reason`);
  }
}

/** The rule ids an acknowledgement names in the given stack. */
export function acknowledgedIds(ack: Acknowledgement, stack: Stack): string[] {
  return ack.idsForStack !== undefined ? ack.idsForStack(stack) : (ack.ids ?? []);
}

/** The log classes whose log groups must reach the central account (Guardrails-LogGroupShippedToCentralAccount). */
export const SHIPPED_LOG_CLASSES: readonly string[] = ['audit', 'security'];

/** The compliance packs besides AwsSolutions, by their rule-id prefix. */
export const COMPLIANCE_PACKS: readonly string[] = ['NIST.800.53.R5', 'PCI.DSS.321', 'HIPAA.Security'];

/** The ids of one cdk-nag rule in the given packs (default: NIST, PCI and HIPAA). */
export function packRuleIds(rule: string, which: readonly string[] = COMPLIANCE_PACKS): string[] {
  return which.map((pack) => `${pack}-${rule}`);
}

/** The L1 resource at a stack-relative path, if the stack has it. */
export function resourceAt(stack: Stack, path: string): CfnResource | undefined {
  let current: IConstruct | undefined = stack;
  for (const segment of path.split('/')) current = current?.node.tryFindChild(segment);
  return current && CfnResource.isCfnResource(current) ? current : undefined;
}

/**
 * The logical id of the L1 resource at a stack-relative path, as cdk-nag writes it in a finding id
 * (`<LogicalId.Arn>`); `fallback` when the stack has no such resource (the acknowledgement then
 * matches nothing).
 */
export function logicalIdAt(stack: Stack, path: string, fallback: string): string {
  const resource = resourceAt(stack, path);
  return resource ? stack.resolve(resource.logicalId) : fallback;
}

/** The resource types DetectiveControls creates beside the Security Hub hub: where one is, the hub must be too. */
export const SECURITY_HUB_COMPANIONS: readonly string[] = ['AWS::GuardDuty::Detector', 'AWS::Config::ConfigurationRecorder'];

/** The ARN paths of the Security Hub standards config enables (`securityHub.standards`), as detective-controls creates them. */
export function securityHubStandardsArnPaths(config: GuardrailsConfig): string[] {
  const chosen: Record<string, boolean> = config.securityHub.standards;
  return SecurityHubStandard.ALL.filter((s) => {
    if (typeof chosen[s.name] !== 'boolean') {
      throw new Error(`config/${config.environment}.json: securityHub.standards.${s.name}: received ${JSON.stringify(chosen[s.name])}; expected true or false`);
    }
    return chosen[s.name];
  }).map((s) => s.arnPath);
}

/** The plugins of the gate, configured from the environment's config. */
/** What differs between the apps that run the gate. */
export interface ComplianceGateOptions {
  /**
   * The name of the permissions boundary every role must carry (Guardrails-IamRolePermissionsBoundary).
   * The StackSet baseline names its boundary per region (`GuardrailsPermissionsBoundary-<region>`).
   * @default PermissionsBoundary.DEFAULT_POLICY_NAME (GuardrailsPermissionsBoundary)
   */
  readonly permissionsBoundaryName?: string;
}

export function compliancePlugins(app: App, config: GuardrailsConfig, options: ComplianceGateOptions = {}): IPolicyValidationPlugin[] {
  const boundaryName = options.permissionsBoundaryName ?? PermissionsBoundary.DEFAULT_POLICY_NAME;
  if (!/^[\w+=,.@-]{1,128}$/.test(boundaryName)) {
    throw new Error(
      `addComplianceGate: permissionsBoundaryName: received '${boundaryName}'; expected an IAM managed policy name (1 to 128 letters, digits and '+=,.@_-')`,
    );
  }
  const retention = config.logging.retentionDays;
  return [
    new AwsSolutionsChecks(app),
    new NIST80053R5Checks(app),
    new PCIDSS321Checks(app),
    new HIPAASecurityChecks(app),
    new ControlTowerGuardValidator(),
    new GuardrailsChecks(app, {
      // Class limits (30 days for database credentials, 90 for API keys and tokens), not the
      // configured intervals, which may be shorter.
      maxDatabaseSecretRotation: Duration.days(30),
      maxTokenSecretRotation: Duration.days(90),
      // Only the account's own boundary counts (created in the home stack, referenced by name elsewhere).
      permissionsBoundaryPattern: `(^|/)${boundaryName.replace(/[.+]/g, '\\$&')}$`,
      // Log groups are classed by a path segment: /guardrails/central/<class>, /guardrails/<class>/...
      logClasses: DefaultLogClass.ALL.map((c) => ({
        className: c.name,
        logGroupNamePattern: c.logGroupNamePattern,
        retentionDays: retention[c.name as keyof typeof retention],
      })),
      // Security-relevant changes leave the account: the audit and security classes are shipped to the
      // security account's log destinations (its own log groups are the central copy).
      centralLogShipping: {
        destinationAccountId: config.securityAccount.accountId,
        logGroupNamePatterns: DefaultLogClass.ALL.filter((c) => SHIPPED_LOG_CLASSES.includes(c.name)).map((c) => c.logGroupNamePattern),
      },
      // Every bucket blocks SSE-C unless the environment allows it (config accountBaseline.blockSseCObjectWrites
      // false: the apps' buckets then write BlockedEncryptionTypes NONE, and Guardrails-S3BucketBlocksSseC is off).
      allowSseC: !config.accountBaseline.blockSseCObjectWrites,
      // Where config enables Security Hub, every hub runs the configured standards with no control disabled, and
      // every stack with the other detective controls (DetectiveControls creates the hub beside them) has a hub.
      securityHub: config.securityHub.enabled
        ? {
            standardsArnPaths: securityHubStandardsArnPaths(config),
            companionResourceTypes: [...SECURITY_HUB_COMPANIONS],
            // The security account's first region aggregates the configured regions (its logging stack's hub).
            aggregation:
              config.securityHub.aggregationRegions.length > 0
                ? {
                    accountId: config.securityAccount.accountId,
                    region: config.securityAccount.regions[0],
                    linkedRegions: [...config.securityHub.aggregationRegions],
                  }
                : undefined,
          }
        : undefined,
    }),
  ];
}

/**
 * Applies acknowledgements to every stack of the app, each as a waiver (its own owner and expiry, or
 * `defaults`); returns how many constructs each matched.
 */
export function applyAcknowledgements(app: App, acks: Acknowledgement[], defaults: WaiverDefaults): number[] {
  // Every acknowledgement is checked before any is applied.
  acks.forEach((ack, index) => validateAcknowledgement(ack, `acknowledgements[${index}]`));
  const stacks = app.node.children.filter((c): c is Stack => Stack.isStack(c));
  return acks.map((ack) =>
    stacks.reduce((matched, stack) => {
      return matched + Acknowledge.atPath(stack, ack.path, acknowledgedIds(ack, stack), waiverOf(ack, defaults)).length;
    }, 0),
  );
}

/**
 * Registers the gate on the app: the plugins, aws-cdk-lib's built-in template validation with worker
 * threads (threaded-template-validation.ts; where the default would run), then the app's acknowledgements.
 */
export function addComplianceGate(app: App, config: GuardrailsConfig, acks: Acknowledgement[], options: ComplianceGateOptions = {}): void {
  Validations.of(app).addPlugins(...compliancePlugins(app, config, options));
  addThreadedTemplateValidation(app);
  applyAcknowledgements(app, acks, waiverDefaultsOf(config));
}

/** The waiver of an acknowledgement: its reason, its owner and expiry or the defaults, its ticket. */
export function waiverOf(ack: Acknowledgement, defaults: WaiverDefaults): Waiver {
  return {
    reason: ack.reason,
    owner: ack.owner ?? defaults.owner,
    expires: ack.expires ?? defaults.expires,
    ...(ack.ticket !== undefined ? { ticket: ack.ticket } : {}),
  };
}
