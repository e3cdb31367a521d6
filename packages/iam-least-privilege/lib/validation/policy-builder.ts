import { Duration, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { isKnownConditionKey } from './private/iam-dataset';
import { escalationAction } from './private/escalation-actions';
import { Conditions, isCidr, mergeConditions, simplify, validateActions, validateOrgId, validateResources, validateTag } from './private/builder-checks';
import { propError } from '../private/errors';

/** The longest a session can carry an MFA context: GetSessionToken allows 36 hours. */
const MAX_MFA_AGE_SECONDS = 36 * 60 * 60;
const SID = /^[A-Za-z0-9]*$/;
const CONDITION_OPERATOR =
  /^(ForAllValues:|ForAnyValue:)?(StringEquals|StringNotEquals|StringEqualsIgnoreCase|StringNotEqualsIgnoreCase|StringLike|StringNotLike|NumericEquals|NumericNotEquals|NumericLessThan|NumericLessThanEquals|NumericGreaterThan|NumericGreaterThanEquals|DateEquals|DateNotEquals|DateLessThan|DateLessThanEquals|DateGreaterThan|DateGreaterThanEquals|Bool|BinaryEquals|IpAddress|NotIpAddress|ArnEquals|ArnLike|ArnNotEquals|ArnNotLike)(IfExists)?$|^Null$/;

/** One requirement: the conditions that satisfy it (allow) and the alternatives that violate it (deny). */
interface Requirement {
  /** Alternatives (OR) of condition sets that satisfy the requirement; each set is ANDed. */
  readonly satisfiedBy: Conditions[];
  /** Alternatives (OR) of condition sets that violate it; each becomes its own Deny statement. */
  readonly violatedBy: Conditions[];
  /** Sid suffixes for the violatedBy (deny) or satisfiedBy (allow) alternatives. */
  readonly denySuffixes: string[];
  readonly allowSuffixes: string[];
}

/**
 * A typed builder for one least-privilege policy statement and its conditions.
 *
 * - `allow(actions, resources)`: an Allow that every `require...` narrows (ANDed). A
 *   requirement with alternatives (the source-IP one) becomes one statement per
 *   alternative, because IAM can only OR different condition keys across statements.
 * - `deny(actions, resources)`: a guardrail that denies the actions UNLESS every
 *   requirement is met: one Deny statement per way a requirement can be violated.
 * - `denyAllExcept(actions, resources)`: a Deny with `NotAction` (for example "deny
 *   everything except MFA self-service unless MFA is present").
 *
 * The builder refuses `Action: "*"`, malformed actions, services and actions the IAM
 * dataset does not know, and, in an Allow, a wildcard action or a privilege-escalation action
 * (`iam:PassRole`, `iam:CreatePolicyVersion`, ...: `PolicyRule.ESCALATION_ACTION_ON_ALL_RESOURCES`)
 * on `Resource: "*"`. The
 * same rules run again on the synthesized templates (`PolicyValidator`).
 *
 * @example
 * const statements = PolicyStatementBuilder
 *   .allow(['s3:GetObject'], [bucket.arnForObjects('*')])
 *   .requireMfa(Duration.hours(1))
 *   .restrictSourceIp(['203.0.113.0/24'])
 *   .toStatements();
 */
export class PolicyStatementBuilder {
  /**
   * An Allow statement granting `actions` on `resources`.
   *
   * @param actions IAM actions such as `s3:GetObject`; `*` alone is refused, and a
   * wildcard (`s3:Get*`) is refused together with the resource `*`
   * @param resources resource ARNs; `*` only for actions without resource-level permissions, and
   * never with a privilege-escalation action (`iam:PassRole`, `iam:CreatePolicyVersion`, the
   * actions of `PolicyRule.ESCALATION_ACTION_ON_ALL_RESOURCES`)
   */
  public static allow(actions: string[], resources: string[]): PolicyStatementBuilder {
    return new PolicyStatementBuilder('PolicyStatementBuilder.allow', iam.Effect.ALLOW, actions, resources, false);
  }

  /**
   * A Deny statement for `actions` on `resources` that applies unless every requirement
   * added with `require...` is met (each requirement adds one Deny per way it can be violated).
   */
  public static deny(actions: string[], resources: string[]): PolicyStatementBuilder {
    return new PolicyStatementBuilder('PolicyStatementBuilder.deny', iam.Effect.DENY, actions, resources, false);
  }

  /**
   * A Deny statement for every action EXCEPT `actions` (`NotAction`) on `resources`,
   * applying unless every requirement is met. `NotAction` is only offered in a Deny:
   * in an Allow it grants every current and future action except the listed ones.
   */
  public static denyAllExcept(actions: string[], resources: string[]): PolicyStatementBuilder {
    return new PolicyStatementBuilder('PolicyStatementBuilder.denyAllExcept', iam.Effect.DENY, actions, resources, true);
  }

  private readonly effect: iam.Effect;
  private readonly actions: string[];
  private readonly resources: string[];
  private readonly notAction: boolean;
  private readonly principals: iam.IPrincipal[] = [];
  private readonly requirements: Requirement[] = [];
  private readonly scopeConditions: Conditions = {};
  private sid?: string;

  /** @param where the factory the caller used, leading any error (the builder has no construct path) */
  private constructor(where: string, effect: iam.Effect, actions: string[], resources: string[], notAction: boolean) {
    this.effect = effect;
    this.notAction = notAction;
    this.actions = validateActions(where, actions, effect === iam.Effect.ALLOW && !notAction);
    this.resources = validateResources(where, resources);
    if (effect === iam.Effect.ALLOW) {
      const wildcard = this.actions.find((a) => !Token.isUnresolved(a) && /[*?]/.test(a));
      if (wildcard && this.resources.includes('*')) {
        throw propError(
          where,
          'actions',
          `the wildcard action '${wildcard}' with resources ['*'], which grants that whole family of actions on every resource`,
          'the actions listed one by one, or resources scoped to ARNs',
        );
      }
      const escalation = this.resources.includes('*')
        ? this.actions.map((a) => (Token.isUnresolved(a) ? undefined : escalationAction(a))).find((a) => a)
        : undefined;
      if (escalation) {
        throw propError(
          where,
          'resources',
          `['*'] with the action '${escalation}', which on every resource is a privilege escalation`,
          `the ARNs of the resources '${escalation}' needs (for example the roles to pass or the policies to change); '*' only for actions without resource-level permissions`,
        );
      }
    }
  }

  /**
   * Set the statement id. Statements this builder splits get a suffix (for example `ViaAwsService`).
   *
   * @param sid letters and digits only
   */
  public withSid(sid: string): PolicyStatementBuilder {
    if (!Token.isUnresolved(sid) && (!SID.test(sid) || sid.length === 0)) {
      throw propError('PolicyStatementBuilder.withSid', 'sid', `'${sid}'`, 'letters and digits only');
    }
    this.sid = sid;
    return this;
  }

  /**
   * Add principals, for resource policies (bucket, key, queue, secret policies) and trust policies.
   */
  public forPrincipals(...principals: iam.IPrincipal[]): PolicyStatementBuilder {
    if (principals.length === 0) {
      throw propError('PolicyStatementBuilder.forPrincipals', 'principals', 'an empty list', 'at least one principal');
    }
    this.principals.push(...principals);
    return this;
  }

  /**
   * Require MFA.
   *
   * Allow: `Bool aws:MultiFactorAuthPresent = true` (and `NumericLessThanEquals
   * aws:MultiFactorAuthAge` when `maxAge` is set). Deny: denies when
   * `BoolIfExists aws:MultiFactorAuthPresent = false` (the key is absent for long-term
   * access keys, and IfExists makes that absence count as "no MFA"), and, with `maxAge`,
   * when `aws:MultiFactorAuthAge` is greater than it.
   *
   * @param maxAge the longest time since the MFA authentication, 1 second to 36 hours
   * @default - MFA must be present; its age is not limited
   */
  public requireMfa(maxAge?: Duration): PolicyStatementBuilder {
    let seconds: number | undefined;
    if (maxAge !== undefined && !maxAge.isUnresolved()) {
      seconds = maxAge.toSeconds();
      if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_MFA_AGE_SECONDS) {
        throw propError('PolicyStatementBuilder.requireMfa', 'maxAge', `${seconds}`, `a whole number of seconds from 1 to ${MAX_MFA_AGE_SECONDS} (36 hours)`);
      }
    }
    const satisfied: Conditions = { Bool: { 'aws:MultiFactorAuthPresent': 'true' } };
    const violatedBy: Conditions[] = [{ BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } }];
    const denySuffixes = ['WithoutMfa'];
    if (seconds !== undefined) {
      satisfied.NumericLessThanEquals = { 'aws:MultiFactorAuthAge': String(seconds) };
      violatedBy.push({ NumericGreaterThan: { 'aws:MultiFactorAuthAge': String(seconds) } });
      denySuffixes.push('MfaTooOld');
    }
    this.requirements.push({ satisfiedBy: [satisfied], violatedBy, denySuffixes, allowSuffixes: [''] });
    return this;
  }

  /**
   * Require the request to come from one of `cidrs`, or to be made by an AWS service on
   * the principal's behalf (`aws:ViaAWSService`).
   *
   * `aws:SourceIp` alone would also block the calls that AWS services make for you with
   * your credentials (for example CloudFormation creating resources, or S3 calling KMS
   * for SSE-KMS), because their source address is the service's. Allow: two statements,
   * one with `IpAddress aws:SourceIp`, one with `Bool aws:ViaAWSService = true`. Deny:
   * one statement with `NotIpAddress aws:SourceIp` AND `Bool aws:ViaAWSService = false`.
   * Requests through a VPC endpoint carry `aws:VpcSourceIp`, not `aws:SourceIp`: from a
   * VPC, prefer `aws:SourceVpce` conditions (`withCondition`).
   *
   * @param cidrs IPv4 or IPv6 CIDR ranges, for example `203.0.113.0/24`
   */
  public restrictSourceIp(cidrs: string[]): PolicyStatementBuilder {
    if (cidrs.length === 0) {
      throw propError('PolicyStatementBuilder.restrictSourceIp', 'cidrs', 'an empty list', 'at least one CIDR range such as 203.0.113.0/24');
    }
    for (const cidr of cidrs) {
      if (!Token.isUnresolved(cidr) && !isCidr(cidr)) {
        throw propError('PolicyStatementBuilder.restrictSourceIp', 'cidrs', `'${cidr}', which is not a CIDR range`, 'IPv4 a.b.c.d/0-32 or IPv6 x:x::/0-128');
      }
    }
    this.requirements.push({
      satisfiedBy: [{ IpAddress: { 'aws:SourceIp': cidrs } }, { Bool: { 'aws:ViaAWSService': 'true' } }],
      violatedBy: [{ NotIpAddress: { 'aws:SourceIp': cidrs }, Bool: { 'aws:ViaAWSService': 'false' } }],
      denySuffixes: ['OutsideSourceIp'],
      allowSuffixes: ['FromSourceIp', 'ViaAwsService'],
    });
    return this;
  }

  /**
   * Require the calling principal to belong to the organization (`aws:PrincipalOrgID`).
   *
   * Deny: `StringNotEqualsIfExists aws:PrincipalOrgID` together with
   * `BoolIfExists aws:PrincipalIsAWSService = false`, so AWS service principals (which
   * belong to no organization) are not denied.
   *
   * @param orgId the organization id, `o-` followed by 10 to 32 lowercase letters or digits
   */
  public requireOrganization(orgId: string): PolicyStatementBuilder {
    validateOrgId('requireOrganization', orgId);
    this.requirements.push({
      satisfiedBy: [{ StringEquals: { 'aws:PrincipalOrgID': orgId } }],
      violatedBy: [{ StringNotEqualsIfExists: { 'aws:PrincipalOrgID': orgId }, BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } }],
      denySuffixes: ['OutsideOrganization'],
      allowSuffixes: [''],
    });
    return this;
  }

  /**
   * Require the target resource to belong to the organization (`aws:ResourceOrgID`).
   *
   * @param orgId the organization id, `o-` followed by 10 to 32 lowercase letters or digits
   */
  public requireResourceOrganization(orgId: string): PolicyStatementBuilder {
    validateOrgId('requireResourceOrganization', orgId);
    return this.equalsRequirement('aws:ResourceOrgID', orgId, 'ResourceOutsideOrganization');
  }

  /**
   * Require a tag on the target resource (`aws:ResourceTag/<key>` = value): attribute-based access.
   */
  public requireResourceTag(key: string, value: string): PolicyStatementBuilder {
    validateTag('requireResourceTag', key, value);
    return this.equalsRequirement(`aws:ResourceTag/${key}`, value, 'WithoutResourceTag');
  }

  /**
   * Require a tag on the calling principal (`aws:PrincipalTag/<key>` = value).
   */
  public requirePrincipalTag(key: string, value: string): PolicyStatementBuilder {
    validateTag('requirePrincipalTag', key, value);
    return this.equalsRequirement(`aws:PrincipalTag/${key}`, value, 'WithoutPrincipalTag');
  }

  /**
   * Require the request to set a tag to a value (`aws:RequestTag/<key>` = value), for create and tag actions.
   */
  public requireRequestTag(key: string, value: string): PolicyStatementBuilder {
    validateTag('requireRequestTag', key, value);
    return this.equalsRequirement(`aws:RequestTag/${key}`, value, 'WithoutRequestTag');
  }

  /**
   * Require the request to set a tag, with any value (`Null aws:RequestTag/<key>`).
   * In a Deny: "deny creating it without the tag".
   */
  public requireRequestTagKey(key: string): PolicyStatementBuilder {
    validateTag('requireRequestTagKey', key, '');
    this.requirements.push({
      satisfiedBy: [{ Null: { [`aws:RequestTag/${key}`]: 'false' } }],
      violatedBy: [{ Null: { [`aws:RequestTag/${key}`]: 'true' } }],
      denySuffixes: ['WithoutRequestTagKey'],
      allowSuffixes: [''],
    });
    return this;
  }

  /**
   * Add a condition to every statement the builder produces (ANDed). In a Deny this
   * narrows when the Deny applies; it is not a requirement.
   *
   * @param operator an IAM condition operator such as `StringEquals` or `ArnLikeIfExists`
   * @param key a condition key the IAM dataset knows, such as `iam:PermissionsBoundary`
   * @param values the values (ORed by IAM)
   */
  public withCondition(operator: string, key: string, values: string[]): PolicyStatementBuilder {
    if (!CONDITION_OPERATOR.test(operator)) {
      throw propError('PolicyStatementBuilder.withCondition', 'operator', `unknown condition operator '${operator}'`, 'an IAM condition operator');
    }
    if (!Token.isUnresolved(key) && !isKnownConditionKey(key)) {
      throw propError('PolicyStatementBuilder.withCondition', 'key', `condition key '${key}'`, 'a condition key known to the IAM dataset');
    }
    if (values.length === 0) {
      throw propError('PolicyStatementBuilder.withCondition', 'values', `an empty list for '${operator}' '${key}'`, 'at least one value');
    }
    mergeConditions('PolicyStatementBuilder.withCondition', this.scopeConditions, { [operator]: { [key]: values } });
    return this;
  }

  /**
   * The `iam.PolicyStatement`s this builder describes (more than one when a requirement
   * has alternatives, or, for a Deny, when several requirements can be violated).
   */
  public toStatements(): iam.PolicyStatement[] {
    const alternatives = this.effect === iam.Effect.ALLOW ? this.allowAlternatives() : this.denyAlternatives();
    return alternatives.map(({ conditions, suffix }) => {
      const merged: Conditions = {};
      mergeConditions('PolicyStatementBuilder.toStatements', merged, this.scopeConditions);
      mergeConditions('PolicyStatementBuilder.toStatements', merged, conditions);
      return new iam.PolicyStatement({
        sid: this.sid !== undefined ? `${this.sid}${suffix}` : undefined,
        effect: this.effect,
        actions: this.notAction ? undefined : this.actions,
        notActions: this.notAction ? this.actions : undefined,
        resources: this.resources,
        principals: this.principals.length > 0 ? [...this.principals] : undefined,
        conditions: Object.keys(merged).length > 0 ? simplify(merged) : undefined,
      });
    });
  }

  private equalsRequirement(key: string, value: string, denySuffix: string): PolicyStatementBuilder {
    this.requirements.push({
      satisfiedBy: [{ StringEquals: { [key]: value } }],
      violatedBy: [{ StringNotEquals: { [key]: value } }],
      denySuffixes: [denySuffix],
      allowSuffixes: [''],
    });
    return this;
  }

  /** Allow: the cross product of every requirement's alternatives (all requirements ANDed). */
  private allowAlternatives(): { conditions: Conditions; suffix: string }[] {
    let result: { conditions: Conditions; suffix: string }[] = [{ conditions: {}, suffix: '' }];
    for (const req of this.requirements) {
      const next: { conditions: Conditions; suffix: string }[] = [];
      for (const partial of result) {
        req.satisfiedBy.forEach((alt, i) => {
          const conditions: Conditions = {};
          mergeConditions('PolicyStatementBuilder.toStatements', conditions, partial.conditions);
          mergeConditions('PolicyStatementBuilder.toStatements', conditions, alt);
          next.push({ conditions, suffix: partial.suffix + req.allowSuffixes[i] });
        });
      }
      result = next;
    }
    return result;
  }

  /** Deny: unconditional without requirements, otherwise one Deny per violation (ORed). */
  private denyAlternatives(): { conditions: Conditions; suffix: string }[] {
    if (this.requirements.length === 0) return [{ conditions: {}, suffix: '' }];
    return this.requirements.flatMap((req) => req.violatedBy.map((conditions, i) => ({ conditions, suffix: req.denySuffixes[i] })));
  }
}
