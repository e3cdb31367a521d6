import { RCP_SUPPORTED_SERVICES } from './rcp-catalogue';

/** A way one RCP statement breaks the AWS Organizations rules: what it has, and what is allowed. */
export interface RcpProblem {
  readonly received: string;
  readonly expected: string;
}

/**
 * The AWS Organizations rules an RCP statement must follow (AWS Organizations User Guide, "RCP
 * syntax"): `Deny` only (no Allow but AWS's own `RCPFullAWSAccess`), `Principal: "*"` and no
 * `NotPrincipal`, an `Action` list (no `NotAction`) of services that support RCPs, never `*` alone.
 * Shared by `new ResourceControlPolicy` (which throws on the first) and the policy validator
 * (which reports each, for RCP files written by anything).
 */
export function rcpStatementProblems(s: any): RcpProblem[] {
  const problems: RcpProblem[] = [];
  if (s === null || typeof s !== 'object' || Array.isArray(s)) return [{ received: JSON.stringify(s), expected: 'a statement object' }];
  if (s.Effect !== 'Deny') {
    problems.push({ received: `Effect '${s.Effect}'`, expected: "'Deny' (AWS Organizations allows no Allow in an RCP but its own RCPFullAWSAccess)" });
  }
  if (s.NotPrincipal !== undefined) problems.push({ received: 'a NotPrincipal', expected: "Principal '*' (RCPs do not support NotPrincipal)" });
  else if (s.Principal !== '*')
    problems.push({ received: `Principal ${JSON.stringify(s.Principal)}`, expected: "Principal '*' (the only principal an RCP may name)" });
  if (s.NotAction !== undefined) problems.push({ received: 'a NotAction', expected: 'an Action list of services that support RCPs' });
  const actions: unknown[] = s.Action === undefined ? [] : [].concat(s.Action);
  if (actions.length === 0 && s.NotAction === undefined) problems.push({ received: 'no Action', expected: 'an Action list of services that support RCPs' });
  for (const a of actions) {
    const service = typeof a === 'string' ? a.split(':')[0].toLowerCase() : '';
    if (typeof a !== 'string' || a === '*' || !a.includes(':') || !RCP_SUPPORTED_SERVICES.includes(service)) {
      problems.push({
        received: typeof a === 'string' ? `the action '${a}'` : `the action ${JSON.stringify(a)}`,
        expected: `actions of the services that support RCPs (${RCP_SUPPORTED_SERVICES.join(', ')}); '*' alone is not allowed`,
      });
    }
  }
  return problems;
}
