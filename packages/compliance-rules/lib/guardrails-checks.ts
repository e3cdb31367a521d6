import { DefaultLogClass } from '@cdk-guardrails/facts';
import { CfnResource, Duration, PolicyValidationPluginReport, PolicyViolation } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, NagPackProps } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { propError } from './private/errors';
import { NagRule } from './private/rule';
import {
  IamCrossAccountTrustExternalId,
  IamHumanRoleRequiresMfa,
  IamRolePermissionsBoundary,
  KmsKeyPolicyAdminOnly,
  LogClassRetention,
  CentralLogShippingRequirement,
  LogGroupClassRetentionAndKey,
  LogGroupShippedToCentralAccount,
  S3BucketBlocksSseC,
  S3BucketPolicyEnforcesEncryption,
  SecretRotationWithinClassLimit,
  SecurityHubRequirement,
  SecurityHubStandardsEnabled,
} from './rules';

/** Properties of the Guardrails rule pack. */
export interface GuardrailsChecksProps extends NagPackProps {
  /**
   * Longest rotation interval of database credentials.
   *
   * @default Duration.days(30)
   */
  readonly maxDatabaseSecretRotation?: Duration;

  /**
   * Longest rotation interval of API keys and service tokens.
   *
   * @default Duration.days(90)
   */
  readonly maxTokenSecretRotation?: Duration;

  /**
   * Classes of log groups, told by name, with the retention each must carry. The first
   * class whose pattern matches a log group's name applies.
   *
   * @default - GuardrailsChecks.DEFAULT_LOG_CLASSES: audit 3653 days, security 90 days, app 30 days
   */
  readonly logClasses?: LogClassRetention[];

  /**
   * Regular expression (JavaScript syntax) a role's permissions boundary must match: its ARN
   * as written in the template, or the name of a managed policy of the same stack.
   *
   * @default - any permissions boundary is accepted; a role without one is reported
   */
  readonly permissionsBoundaryPattern?: string;

  /**
   * The log groups that must be shipped to the central account's log destinations
   * (`Guardrails-LogGroupShippedToCentralAccount`).
   *
   * @default - the rule does not run
   */
  readonly centralLogShipping?: CentralLogShippingRequirement;

  /**
   * Whether the environment accepts object writes with customer-provided keys (SSE-C). `true`
   * switches `Guardrails-S3BucketBlocksSseC` off: set it only where the buckets deliberately
   * allow SSE-C (config `accountBaseline.blockSseCObjectWrites` false).
   *
   * @default false - every bucket must block SSE-C (`Guardrails-S3BucketBlocksSseC` runs)
   */
  readonly allowSseC?: boolean;
  /**
   * What AWS Security Hub must look like in the app (`Guardrails-SecurityHubStandardsEnabled`): the
   * standards every hub enables with no control disabled and, optionally, the detective controls a
   * hub must stand beside and the finding aggregator. Give it where Security Hub is enabled.
   *
   * @default - the rule does not run
   */
  readonly securityHub?: SecurityHubRequirement;
}

/** An AWS region name. */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** The part of a Security Hub standards ARN after `standards/`: `<name>/v/<version>`. */
const STANDARDS_ARN_PATH = /^[a-z0-9]+(-[a-z0-9]+)*\/v\/\d+(\.\d+)*$/;

interface RuleDefinition {
  readonly rule: NagRule;
  readonly info: string;
  readonly explanation: string;
  readonly fix: string;
}

/**
 * The cdk-guardrails rule pack for what the standard cdk-nag packs do not check: bucket
 * policies that enforce encryption, SSE-C blocked on every bucket, secret rotation class limits,
 * log class retention and key, key policies without `kms:*` grants, external ids on cross-account
 * trust, MFA on roles people assume, permissions boundaries on every role and, when configured,
 * log groups shipped to the central account and the Security Hub standards. Every rule reports at
 * error level.
 *
 * Register it like any cdk-nag v3 pack, and acknowledge a finding on the construct that
 * owns the resource, naming the reason:
 *
 * ```ts
 * Validations.of(app).addPlugins(new GuardrailsChecks(app));
 * Validations.of(role).acknowledge({ id: 'Guardrails-IamRolePermissionsBoundary', reason: '...' });
 * ```
 *
 * Each violation in the CDK validation report carries a `suggestedFix`. Invalid props fail in the
 * constructor in the project's error style, led by the class name (the pack is not a construct):
 * `GuardrailsChecks: <prop>: received <X>; expected <Y>`.
 */
export class GuardrailsChecks extends NagPack {
  /** Pack name: the prefix of every rule id (`Guardrails-<Rule>`). */
  public static readonly PACK_NAME = 'Guardrails';

  /** The project's log classes (DESIGN: audit 10 years, security 90 days, app 30 days), told by a `audit`/`security`/`app` name segment. */
  public static readonly DEFAULT_LOG_CLASSES: LogClassRetention[] = DefaultLogClass.ALL.map((c) => ({
    className: c.name,
    logGroupNamePattern: c.logGroupNamePattern,
    retentionDays: c.retentionDays,
  }));

  /** The name shown in the validation report. */
  public readonly name = GuardrailsChecks.PACK_NAME;

  private readonly definitions: RuleDefinition[];

  constructor(scope?: IConstruct, props: GuardrailsChecksProps = {}) {
    super(scope, props);
    this.packName = GuardrailsChecks.PACK_NAME;
    const database = props.maxDatabaseSecretRotation ?? Duration.days(30);
    const token = props.maxTokenSecretRotation ?? Duration.days(90);
    // The pack is not a construct: its errors start with the class name, not the optional scope's path
    // (the scope is where findings are reported, not what is wrong).
    const where = 'GuardrailsChecks';
    for (const [prop, value] of [
      ['maxDatabaseSecretRotation', database],
      ['maxTokenSecretRotation', token],
    ] as const) {
      // Not integral: a sub-hour duration must get this error, not Duration's "cannot be converted into a whole number of hours".
      if (value.toHours({ integral: false }) < 4) {
        throw propError(where, prop, value.toHumanString(), 'at least 4 hours (the shortest rotation Secrets Manager accepts)');
      }
    }
    const classes = props.logClasses ?? GuardrailsChecks.DEFAULT_LOG_CLASSES;
    classes.forEach((c, i) => {
      const regexError = regularExpressionError(c.logGroupNamePattern);
      if (regexError !== undefined) {
        throw propError(
          where,
          `logClasses[${i}].logGroupNamePattern`,
          `${JSON.stringify(c.logGroupNamePattern)} for class '${c.className}' (${regexError})`,
          'a JavaScript regular expression',
        );
      }
      if (!Number.isInteger(c.retentionDays) || c.retentionDays <= 0) {
        throw propError(where, `logClasses[${i}].retentionDays`, `${c.retentionDays} for class '${c.className}'`, 'a positive whole number of days');
      }
    });
    if (props.centralLogShipping !== undefined) {
      const req = props.centralLogShipping;
      if (!/^\d{12}$/.test(req.destinationAccountId ?? '')) {
        throw propError(where, 'centralLogShipping.destinationAccountId', JSON.stringify(req.destinationAccountId), 'a 12-digit AWS account id');
      }
      if (!req.logGroupNamePatterns || req.logGroupNamePatterns.length === 0) {
        throw propError(where, 'centralLogShipping.logGroupNamePatterns', 'an empty list', 'at least one regular expression of log group names');
      }
      req.logGroupNamePatterns.forEach((p, i) => {
        const error = regularExpressionError(p);
        if (error !== undefined)
          throw propError(where, `centralLogShipping.logGroupNamePatterns[${i}]`, `${JSON.stringify(p)} (${error})`, 'a JavaScript regular expression');
      });
    }
    props.securityHub?.companionResourceTypes?.forEach((type, i) => {
      if (!/^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$/.test(type) || type.startsWith('AWS::SecurityHub::')) {
        throw propError(
          where,
          `securityHub.companionResourceTypes[${i}]`,
          JSON.stringify(type),
          'a CloudFormation resource type other than Security Hub\'s, such as "AWS::GuardDuty::Detector"',
        );
      }
    });
    const aggregation = props.securityHub?.aggregation;
    if (aggregation !== undefined) {
      if (!/^\d{12}$/.test(aggregation.accountId ?? '')) {
        throw propError(where, 'securityHub.aggregation.accountId', JSON.stringify(aggregation.accountId), 'a 12-digit AWS account id');
      }
      const regions = [aggregation.region, ...(aggregation.linkedRegions ?? [])];
      regions.forEach((region, i) => {
        if (!REGION.test(region ?? '')) {
          const prop = i === 0 ? 'securityHub.aggregation.region' : `securityHub.aggregation.linkedRegions[${i - 1}]`;
          throw propError(where, prop, JSON.stringify(region), 'a region name such as eu-central-1');
        }
      });
      if (!aggregation.linkedRegions || aggregation.linkedRegions.length === 0) {
        throw propError(where, 'securityHub.aggregation.linkedRegions', 'an empty list', 'at least one region to aggregate, or no aggregation');
      }
    }
    props.securityHub?.standardsArnPaths.forEach((path, i) => {
      if (!STANDARDS_ARN_PATH.test(path)) {
        throw propError(
          where,
          `securityHub.standardsArnPaths[${i}]`,
          JSON.stringify(path),
          'the part of a standards ARN after "standards/", such as "aws-foundational-security-best-practices/v/1.0.0"',
        );
      }
    });
    if (props.permissionsBoundaryPattern !== undefined) {
      const regexError = regularExpressionError(props.permissionsBoundaryPattern);
      if (regexError !== undefined) {
        throw propError(
          where,
          'permissionsBoundaryPattern',
          `${JSON.stringify(props.permissionsBoundaryPattern)} (${regexError})`,
          'a JavaScript regular expression',
        );
      }
    }
    const classList = classes.map((c) => `${c.className} ${c.retentionDays} days`).join(', ');

    this.definitions = [
      {
        rule: S3BucketPolicyEnforcesEncryption,
        info: "The S3 bucket's policy does not deny unencrypted PUTs, or (SSE-KMS) does not pin the bucket's KMS key by ARN.",
        explanation:
          'Default encryption can be overridden per request; only a Deny on s3:PutObject when s3:x-amz-server-side-encryption is Null, and for SSE-KMS a Deny when s3:x-amz-server-side-encryption-aws-kms-key-id is not the key ARN, makes encryption with the right key a guarantee.',
        fix: 'Create the bucket with @cdk-guardrails/s3-encryption EncryptedBucket, or add BucketEncryptionGuard (GuardMode.FIX) to the stack, so the bucket policy gets the deny statements; pin the key by ARN, never by alias.',
      },
      ...(props.allowSseC === true
        ? []
        : [
            {
              rule: S3BucketBlocksSseC,
              info: "The S3 bucket's encryption rule does not block SSE-C (BlockedEncryptionTypes EncryptionType ['SSE-C']).",
              explanation:
                'With SSE-C the caller holds the only key: ransomware with write access re-writes objects under a key of its own. Only the bucket setting makes S3 refuse every SSE-C write (PUT, copy, POST, multipart upload, replication) from every principal; a bucket policy Deny depends on its principals and conditions.',
              fix: "Create the bucket with @cdk-guardrails/s3-encryption EncryptedBucket or AccessLogBucket (SSE-C blocked unless allowSseC), or set blockedEncryptionTypes: [s3.BlockedEncryptionType.SSE_C] on the s3.Bucket; where SSE-C is allowed on purpose, set the pack's allowSseC.",
            },
          ]),
      {
        rule: SecretRotationWithinClassLimit({ database, token }),
        info: `The secret rotates less often than its class allows (database credentials ${database.toHumanString()}, API keys and tokens ${token.toHumanString()}), or its schedule is not a rate() expression.`,
        explanation:
          'Credential lifetime is a compliance limit per class. A HostedRotationLambda schedule, a secret attached to a database (AWS::SecretsManager::SecretTargetAttachment), or a secret whose generated JSON has an "engine" field, is a database credential; every other rotated secret is a token.',
        fix: `Set rotationInterval (automaticallyAfter) to at most ${database.toHumanString()} for database credentials and ${token.toHumanString()} for API keys and service tokens (for example with maxRotationInterval on the @cdk-guardrails/secrets-rotation constructs), as rate(N days).`,
      },
      {
        rule: LogGroupClassRetentionAndKey(classes),
        info: `The log group is not encrypted with a KMS key, or does not carry its class retention (${classList}; unclassified log groups need a retention).`,
        explanation: 'Log groups hold audit evidence and personal data: they are encrypted with the logs key and kept exactly as long as their class requires.',
        fix: 'Pass the logs key as encryptionKey and set retention to the class value (name the log group with its class segment, e.g. /guardrails/audit/...), or give an unclassified log group an explicit retention.',
      },
      {
        rule: KmsKeyPolicyAdminOnly,
        info: 'The KMS key policy grants a key-administration action (kms:PutKeyPolicy, ScheduleKeyDeletion, DisableKey, DeleteImportedKeyMaterial, ReplicateKey; named, or through a wildcard such as *, kms:*, kms:?* or kms:Put*, or a NotAction allow) to a principal other than the account root.',
        explanation:
          "Whoever holds PutKeyPolicy, ReplicateKey or ScheduleKeyDeletion can take or destroy the key: only the account's administration statement (arn:<partition>:iam::<account>:root) may hold them; everyone else gets the actions they use.",
        fix: 'Replace the statement with the specific actions the principal needs (for example kms:Decrypt, kms:GenerateDataKey with kms:ViaService); use @cdk-guardrails/kms-hierarchy keys, whose administration statement lists key-management actions only.',
      },
      {
        rule: IamCrossAccountTrustExternalId,
        info: 'The role trusts principals of another account (or everyone) without requiring an external id.',
        explanation:
          'A third party that assumes roles for several customers can be tricked into using its access for someone else (confused deputy); a per-customer sts:ExternalId condition prevents it.',
        fix: 'Add Condition StringEquals { "sts:ExternalId": "<id agreed with the other account>" } to the trust statement (iam.Role with externalIds, or @cdk-guardrails/iam-least-privilege CrossAccountRole).',
      },
      {
        rule: IamHumanRoleRequiresMfa,
        info: 'The role lets an account, an IAM user or everyone assume it (without an external id) in a trust statement that does not require MFA.',
        explanation:
          'Humans assume roles through their account or IAM user; a stolen access key must not be enough. Every such Allow statement needs Bool aws:MultiFactorAuthPresent true (or NumericLessThan aws:MultiFactorAuthAge): BoolIfExists passes without MFA, and one statement without the condition opens the role.',
        fix: 'Add Condition Bool { "aws:MultiFactorAuthPresent": "true" } to every trust statement for people (iam.AccountPrincipal(...).withConditions, or @cdk-guardrails/iam-least-privilege CrossAccountRole with requireMfa); trust a role ARN or a service for machines instead.',
      },
      {
        rule: IamRolePermissionsBoundary(props.permissionsBoundaryPattern),
        info:
          props.permissionsBoundaryPattern === undefined
            ? 'The IAM role or user has no permissions boundary.'
            : `The IAM role or user has no permissions boundary matching /${props.permissionsBoundaryPattern}/.`,
        explanation:
          'The permissions boundary caps what any role can do, whatever policies are attached later, and keeps roles from escalating their own privileges.',
        fix: 'Attach the project boundary: iam.PermissionsBoundary.of(scope).apply(boundary) on the stack (the @cdk-guardrails/iam-least-privilege PermissionsBoundary), or set permissionsBoundary on the role.',
      },
      ...(props.securityHub === undefined
        ? []
        : [
            {
              rule: SecurityHubStandardsEnabled(props.securityHub),
              info: `The Security Hub hub does not enable every required standard in its template (${props.securityHub.standardsArnPaths.join(', ') || 'none required'}), sets AutoEnableControls false or is conditional; or the standard disables controls (DisabledStandardsControls); or this detective control's stack has no hub${props.securityHub.aggregation ? `; or the hub of ${props.securityHub.aggregation.accountId} in ${props.securityHub.aggregation.region} has no finding aggregator linking ${props.securityHub.aggregation.linkedRegions.join(', ')}` : ''}.`,
              explanation:
                'Security Hub reports only what its enabled standards and controls check: a standard left out, a control disabled in the template or new controls left off quietly remove checks the compliance catalogue counts on.',
              fix: 'Create the hub with @cdk-guardrails/detective-controls SecurityHub (or DetectiveControls enableSecurityHub) with the configured standards, and linkedRegions in the aggregation region; remove DisabledStandardsControls, or record a control switched off on purpose as a waiver (Acknowledge.atPath on the standard, with owner and expiry).',
            },
          ]),
      ...(props.centralLogShipping === undefined
        ? []
        : [
            {
              rule: LogGroupShippedToCentralAccount(props.centralLogShipping),
              info: `The log group is not shipped to a log destination of the central account ${props.centralLogShipping.destinationAccountId} by a subscription filter in its template.`,
              explanation:
                'Security-relevant logs must leave the account they describe: an administrator of that account can stop or delete its own log groups, not the central copy.',
              fix: 'Ship it with @cdk-guardrails/central-logging CentralLogShipping (a subscription filter on the log group, to the destination ARN of the security account in the same region).',
            },
          ]),
    ];
  }

  /**
   * Validate a construct tree directly; violations carry the rule's suggested fix.
   */
  public validateScope(scope: IConstruct): PolicyValidationPluginReport {
    const report = super.validateScope(scope);
    const fixes = new Map(this.definitions.map((d) => [`${this.packName}-${d.rule.name}`, d.fix]));
    const violations: PolicyViolation[] = report.violations.map((v) => ({
      ...v,
      fix: v.fix ?? fixes.get(v.ruleName.replace(/\[.*\]$/, '')),
    }));
    return { ...report, violations };
  }

  protected checkResource(node: CfnResource): void {
    for (const definition of this.definitions) {
      this.applyRule({
        info: definition.info,
        explanation: definition.explanation,
        level: NagMessageLevel.ERROR,
        rule: definition.rule,
        node,
      });
    }
  }
}

/** Why `pattern` is not a JavaScript regular expression, or undefined if it is one. */
function regularExpressionError(pattern: string): string | undefined {
  try {
    new RegExp(pattern);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
