/**
 * The check that makes a pattern exemption safe: an SCP that exempts `arn:aws:iam::*:role/<name>`
 * or a name pattern (`cdk-<qualifier>-cfn-exec-role-*-<region>`) exempts every role that matches
 * it in every account it governs. That is only as strong as the deny on creating such a role, or
 * taking over one that exists: whoever could create a matching role, rewrite its trust, attach a
 * policy to it, pass it or assume it would act as the exempt principal. So every exemption pattern
 * must be covered by a Deny, among the SCPs written or compiled together (they govern the same
 * accounts: `OrganizationPolicyTarget`), of all of `TAKEOVER_ACTIONS` on a resource pattern that
 * matches every ARN the exemption matches, conditioned on nothing but its own principal exceptions.
 */
import { CdkBootstrap } from '@cdk-guardrails/facts';
import { propError } from '../../private/errors';

/** What a protection must deny on every role an exemption pattern matches. */
export const TAKEOVER_ACTIONS: readonly string[] = [
  'iam:CreateRole',
  'iam:UpdateAssumeRolePolicy',
  'iam:AttachRolePolicy',
  'iam:PutRolePolicy',
  'iam:PassRole',
  'sts:AssumeRole',
];

const PRINCIPAL_ARN_KEY = 'aws:principalarn';
/** A role in any or one account whose name starts with a character that is not a wildcard (as `SCP_ROLE_PATTERN` of validate.ts). */
const EXEMPTION_PATTERN_SHAPE = /^arn:(\*|aws(-[a-z]+)*):iam::(\*|\d{12}):role\/[\w+=,.@/-]/;
const EXCEPTION_OPERATORS = new Set(['ArnNotEquals', 'ArnNotLike']);

interface Statement {
  readonly Sid?: string;
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly NotAction?: unknown;
  readonly Resource?: string | string[];
  readonly NotResource?: unknown;
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/**
 * True if every string that `pattern` matches is matched by `cover`. Both are IAM wildcards ('*' any
 * characters, '?' one character). A '*' of the pattern must fall inside a '*' of the cover; a '?' of
 * the pattern inside a '?' or a '*'.
 */
export function globCovers(cover: string, pattern: string, caseInsensitive = false): boolean {
  const c = caseInsensitive ? cover.toLowerCase() : cover;
  const p = caseInsensitive ? pattern.toLowerCase() : pattern;
  // reach[j]: the first i characters of c can match the first j of p (rolling over i).
  let reach = new Array<boolean>(p.length + 1).fill(false);
  reach[0] = true;
  for (let i = 0; i < c.length; i++) {
    const next = new Array<boolean>(p.length + 1).fill(false);
    if (c[i] === '*') {
      // '*' absorbs any run of the pattern, wildcards included.
      let seen = false;
      for (let j = 0; j <= p.length; j++) {
        seen = seen || reach[j];
        next[j] = seen;
      }
    } else {
      for (let j = 0; j < p.length; j++) {
        if (!reach[j]) continue;
        if (c[i] === '?' ? p[j] !== '*' : p[j] === c[i]) next[j + 1] = true;
      }
    }
    reach = next;
  }
  return reach[p.length];
}

/**
 * What a check says when it refuses a pattern `CdkBootstrap.patternMatchesDefaultRolesAnywhere` matches:
 * the protection that makes a pattern safe denies creating such a role, not the ones a plain `cdk
 * bootstrap` made before the SCPs existed.
 */
export const DEFAULT_QUALIFIER_EXPECTED =
  `no exemption of CDK's default qualifier's roles (cdk-${CdkBootstrap.DEFAULT_QUALIFIER}-*) in every account: bootstrap with a qualifier of your own ` +
  "(cdk bootstrap --qualifier <q>) and exempt 'arn:aws:iam::*:role/cdk-<q>-cfn-exec-role-*-<region>', or name each account's exact role";
export const DEFAULT_QUALIFIER_WHY =
  "A role of CDK's default qualifier exists in every account some team bootstrapped with a plain `cdk bootstrap`; in an account the SCPs govern " +
  'and nobody lists, its administrator updates a stack of its own and CloudFormation runs the template as the exempt execution role.';

/** True if the ARN pattern `cover` matches every ARN `pattern` matches, component by component (as ArnLike compares). */
function arnCovers(cover: string, pattern: string): boolean {
  const a = cover.split(':');
  const b = pattern.split(':');
  if (a.length < 6 || b.length < 6) return cover === '*' || globCovers(cover, pattern);
  const parts = (x: string[]) => [...x.slice(0, 5), x.slice(5).join(':')];
  const pa = parts(a);
  const pb = parts(b);
  return pa.every((component, i) => globCovers(component, pb[i]));
}

/** True if the statement denies every takeover action on every role the pattern matches, unconditionally but for its principal exceptions. */
function protects(s: Statement, pattern: string): boolean {
  if (s.Effect !== 'Deny' || s.NotAction !== undefined || s.NotResource !== undefined) return false;
  const conditions = Object.entries(s.Condition ?? {});
  // An exception by pattern must be an `ArnNotEquals` entry (an exemption pattern itself, shape-checked
  // and protected in turn); an `ArnNotLike` exception may only name exact principals. (Its patterns
  // are checked as exemptions too now, so this is a second line: `ArnNotLike '*'` excepts everyone.)
  const onlyExceptions = conditions.every(
    ([operator, keys]) =>
      EXCEPTION_OPERATORS.has(operator) &&
      Object.entries(keys).every(([k, v]) => k.toLowerCase() === PRINCIPAL_ARN_KEY && (operator === 'ArnNotEquals' || list(v).every((x) => !/[*?$]/.test(x)))),
  );
  if (!onlyExceptions) return false;
  const actions = list(s.Action);
  if (!TAKEOVER_ACTIONS.every((a) => actions.some((x) => globCovers(x, a, true)))) return false;
  return list(s.Resource).some((r) => arnCovers(r, pattern));
}

/**
 * Throws unless every exemption pattern (an `aws:PrincipalARN` exception of a Deny under any negated
 * operator, `ArnNotEquals` as `exceptPrincipals` writes them or `ArnNotLike`, `StringNotLike`... as a
 * hand-written statement might, with '*', '?' or a policy variable) of the SCPs written or compiled
 * together is protected by one of their Deny statements (see the file comment).
 */
export function checkPatternExemptionsProtected(owner: string, policies: { readonly name: string; toJson(): string }[]): void {
  const statements = policies.flatMap((p) => (JSON.parse(p.toJson()).Statement as Statement[]).map((s) => ({ policy: p.name, s })));
  for (const { policy, s } of statements) {
    for (const arn of exemptionPatterns(s)) {
      // The shape `validateScpPrincipalArns` allows, checked again on the documents themselves (a
      // subclass could override toJson): a role, any or one account, a name with a fixed first
      // character. A protection excepts principals too, often the same patterns (the deployers may
      // create the roles), so a pattern that could match any role, `role/*`, would be "protected" by
      // a deny that excepts everyone it matches.
      // A policy variable ('${aws:PrincipalTag/x}', '${aws:PrincipalARN}') makes the value depend on
      // the caller: an exemption anyone can tag themselves into, or an exception that equals everyone.
      if (!EXEMPTION_PATTERN_SHAPE.test(arn) || arn.includes('$')) {
        throw propError(
          owner,
          'policies',
          `the exemption pattern '${arn}' in ${policy}${s.Sid ? ` (${s.Sid})` : ''}`,
          "a role ARN pattern 'arn:<partition or *>:iam::<account id or *>:role/<name>' whose name starts with a character that is not a wildcard, without policy variables ('${...}')",
          'A pattern that can match any role protects nothing: the deny that protects it would except the same principals.',
        );
      }
      if (CdkBootstrap.patternMatchesDefaultRolesAnywhere(arn)) {
        throw propError(
          owner,
          'policies',
          `the exemption pattern '${arn}' in ${policy}${s.Sid ? ` (${s.Sid})` : ''}`,
          DEFAULT_QUALIFIER_EXPECTED,
          DEFAULT_QUALIFIER_WHY,
        );
      }
      if (statements.some((t) => protects(t.s, arn))) continue;
      throw propError(
        owner,
        'policies',
        `the exemption pattern '${arn}' in ${policy}${s.Sid ? ` (${s.Sid})` : ''} with no statement that protects it`,
        `a Deny of ${TAKEOVER_ACTIONS.join(', ')} on every role it matches, conditioned only on principal exceptions, ` +
          'in the SCPs written or compiled with it (ServiceControlPolicy.protectGuardrailPrincipals protectedPrincipalArns, or protectAccountBaseline settingsRoleArns)',
        'Otherwise anyone who can create a role of that name acts as the exempt principal.',
      );
    }
  }
}

/**
 * A negated condition operator: an exception of a Deny. Any letter case, an `IfExists` suffix or a
 * set prefix (`ForAllValues:`, `ForAnyValue:`) makes no difference to what it exempts.
 */
const NEGATED_OPERATOR = /^(forallvalues:|foranyvalue:)?(arnnot(equals|like)|stringnot(equals|like|equalsignorecase))(ifexists)?$/i;

/**
 * The wildcard or policy-variable `aws:PrincipalARN` values of a Deny's exceptions, under every
 * negated operator: `ArnNotEquals` as `exceptPrincipals` writes them (it matches wildcards as
 * `ArnNotLike` does), and `ArnNotLike`, `StringNotLike`... as a hand-written statement might.
 */
function exemptionPatterns(s: Statement): string[] {
  if (s.Effect !== 'Deny') return [];
  const values = Object.entries(s.Condition ?? {})
    .filter(([operator]) => NEGATED_OPERATOR.test(operator))
    .flatMap(([, keys]) => Object.entries(keys ?? {}).flatMap(([k, v]) => (k.toLowerCase() === PRINCIPAL_ARN_KEY ? list(v) : [])));
  // '$': a policy variable matches as a wildcard would (per caller); it is refused with the patterns.
  return values.filter((v) => /[*?$]/.test(v));
}

/** Each policy's name and document, read once: the check and the output then see the same text. */
export function snapshotPolicies(policies: readonly { readonly name: string; toJson(): string }[]): { name: string; toJson(): string }[] {
  return policies.map((p) => {
    const name = p.name;
    const json = p.toJson();
    return { name, toJson: () => json };
  });
}

/**
 * The statements (by position among all statements of `policies`, in order) that protect an
 * exemption pattern of `policies`: the compiler keeps them in the documents of the first target.
 */
export function protectingStatementIndexes(policies: { readonly name: string; toJson(): string }[]): Set<number> {
  const statements = policies.flatMap((p) => JSON.parse(p.toJson()).Statement as Statement[]);
  const patterns = [...new Set(statements.flatMap((s) => exemptionPatterns(s)))];
  const out = new Set<number>();
  statements.forEach((s, i) => {
    if (patterns.some((pattern) => protects(s, pattern))) out.add(i);
  });
  return out;
}
