/**
 * Structural checks on bucket policies (JSON), shared by the Aspect (on resolved
 * CloudFormation JSON) and the migration CLI (on live policies). No aws-cdk-lib import.
 */
import { StatementJson } from './statements';

export interface PolicyDocumentJson {
  Version?: string;
  Id?: string;
  Statement?: any; // one statement or an array of them
}

export function statementsOf(doc: PolicyDocumentJson | undefined): any[] {
  if (!doc || doc.Statement === undefined) return [];
  return Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
}

function asArray(v: unknown): unknown[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** Stable JSON for comparing values that may be CloudFormation intrinsics. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as any)[k])}`)
      .join(',')}}`;
  }
  // IAM compares condition values as strings: true/'true' and 1.2/'1.2' are the same.
  return JSON.stringify(String(v));
}

function normalizeCondition(condition: unknown): string {
  const out: Record<string, Record<string, string>> = {};
  for (const [op, block] of Object.entries((condition ?? {}) as Record<string, any>)) {
    out[op] = {};
    for (const [key, value] of Object.entries(block ?? {})) {
      const values = asArray(value).map(canonical).sort();
      // Condition keys are case-insensitive.
      out[op][key.toLowerCase()] = values.join('|');
    }
  }
  return canonical(out);
}

function isEveryone(principal: unknown): boolean {
  if (principal === '*') return true;
  if (principal && typeof principal === 'object') {
    const aws = (principal as any).AWS;
    return asArray(aws).some((p) => p === '*');
  }
  return false;
}

function actionCovers(granted: unknown, wanted: string): boolean {
  const w = wanted.toLowerCase();
  return asArray(granted).some((a) => {
    if (typeof a !== 'string') return false;
    const g = a.toLowerCase();
    if (g === '*' || g === 's3:*' || g === w) return true;
    // s3:Put* style wildcards
    if (g.endsWith('*') && w.startsWith(g.slice(0, -1))) return true;
    return false;
  });
}

function resourceCovers(granted: unknown, wanted: unknown): boolean {
  const want = canonical(wanted);
  return asArray(granted).some((r) => r === '*' || canonical(r) === want);
}

/**
 * True if `policy` holds a statement that denies at least what `expected` denies:
 * Deny, principal everyone, an action that covers the expected action, every expected
 * resource, and the same condition (operators, keys and values; values compared as strings).
 * A stricter statement with a different shape is not recognised (reported as missing).
 */
export function hasEquivalentStatement(policy: PolicyDocumentJson | undefined, expected: StatementJson): boolean {
  const wantedCondition = normalizeCondition(expected.Condition);
  const wantedActions = asArray(expected.Action) as string[];
  const wantedResources = asArray(expected.Resource);
  return statementsOf(policy).some(
    (st) =>
      st?.Effect === 'Deny' &&
      st.NotAction === undefined &&
      st.NotResource === undefined &&
      st.NotPrincipal === undefined &&
      isEveryone(st.Principal) &&
      wantedActions.every((a) => actionCovers(st.Action, a)) &&
      wantedResources.every((r) => resourceCovers(st.Resource, r)) &&
      normalizeCondition(st.Condition) === wantedCondition,
  );
}

/**
 * True if `policy` denies every principal a PUT without an encryption header (`Null
 * s3:x-amz-server-side-encryption = true`): the bucket's owner enforces encryption headers already,
 * whatever exemptions for service deliveries the statement has.
 */
export function deniesPutsWithoutEncryptionHeader(policy: PolicyDocumentJson | undefined): boolean {
  return statementsOf(policy).some(
    (st) =>
      st?.Effect === 'Deny' &&
      st.NotAction === undefined &&
      isEveryone(st.Principal) &&
      actionCovers(st.Action, 's3:PutObject') &&
      asArray(st.Condition?.Null?.['s3:x-amz-server-side-encryption']).some((v) => String(v) === 'true'),
  );
}

/** The expected statements that `policy` does not already enforce. */
export function missingStatements(policy: PolicyDocumentJson | undefined, expected: StatementJson[]): StatementJson[] {
  return expected.filter((e) => !hasEquivalentStatement(policy, e));
}

/**
 * Service principals that the policy allows to put objects (for example
 * `logging.s3.amazonaws.com` for server access logs). AWS services deliver such objects
 * without SSE request headers, so a statement denying PUTs without the header would stop delivery.
 */
export function serviceWriters(policy: PolicyDocumentJson | undefined): string[] {
  const out = new Set<string>();
  for (const st of statementsOf(policy)) {
    if (st?.Effect !== 'Allow' || !st.Principal || typeof st.Principal !== 'object') continue;
    const services = asArray(st.Principal.Service);
    if (services.length === 0 || !actionCovers(st.Action, 's3:PutObject')) continue;
    for (const s of services) out.add(typeof s === 'string' ? s : JSON.stringify(s));
  }
  return [...out];
}
