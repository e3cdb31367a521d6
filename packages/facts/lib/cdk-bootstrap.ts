/**
 * The CDK bootstrap facts the guardrails agree on. `cdk bootstrap` without `--qualifier` names its
 * roles `cdk-hnb659fds-*`; such roles exist in any account a team bootstrapped that way, before any
 * guardrail was attached. An exemption of those names in every account (an SCP's
 * `aws:PrincipalARN` pattern, an evidence subscriber pattern) therefore exempts roles that nobody
 * protected when they were created: in an account the guardrails govern but do not deploy to, its
 * administrator updates a stack of its own and CloudFormation runs the template as the exempt role.
 */
export class CdkBootstrap {
  /** CDK's default bootstrap qualifier (`DefaultStackSynthesizer.DEFAULT_QUALIFIER`). */
  public static readonly DEFAULT_QUALIFIER = 'hnb659fds';

  /**
   * Whether `arnPattern` is an IAM role pattern of any account ('*' or '?' in the account) that
   * matches a role name of CDK's default qualifier (`cdk-hnb659fds-*`), in any letter case:
   * 'arn:aws:iam::*:role/cdk-hnb659fds-cfn-exec-role-*' and 'arn:aws:iam::*:role/cdk-*' do;
   * 'arn:aws:iam::*:role/cdk-acme-*' and 'arn:aws:iam::111122223333:role/cdk-hnb659fds-*' do not.
   */
  public static patternMatchesDefaultRolesAnywhere(arnPattern: string): boolean {
    const m = /^arn:[^:]*:iam::([^:]*):role\/(.*)$/.exec(arnPattern);
    if (m === null || !/[*?]/.test(m[1])) return false;
    return globsIntersect(m[2], `cdk-${CdkBootstrap.DEFAULT_QUALIFIER}-*`, true);
  }

  private constructor() {}
}

/**
 * True if some string matches both IAM wildcards `a` and `b` ('*' any characters, '?' one
 * character): a walk over the pairs of positions, where a '*' may stay or move on.
 */
export function globsIntersect(a: string, b: string, caseInsensitive = false): boolean {
  const x = caseInsensitive ? a.toLowerCase() : a;
  const y = caseInsensitive ? b.toLowerCase() : b;
  const seen = new Set<number>();
  const stack: [number, number][] = [[0, 0]];
  const push = (i: number, j: number) => {
    const key = i * (y.length + 1) + j;
    if (!seen.has(key)) {
      seen.add(key);
      stack.push([i, j]);
    }
  };
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [i, j] = next;
    if (i === x.length && j === y.length) return true;
    // A '*' may match nothing.
    if (x[i] === '*') push(i + 1, j);
    if (y[j] === '*') push(i, j + 1);
    if (i === x.length || j === y.length) continue;
    // One character both accept: a literal against the same literal or a wildcard, or any character
    // under two wildcards. A '*' that consumes it stays where it is.
    const cx = x[i];
    const cy = y[j];
    if (cx !== '*' && cx !== '?' && cy !== '*' && cy !== '?' && cx !== cy) continue;
    push(cx === '*' ? i : i + 1, cy === '*' ? j : j + 1);
  }
  return false;
}
