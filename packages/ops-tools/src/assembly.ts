// The deployment plan, read from the synthesized cloud assemblies (cdk.out/<env>/<app>/manifest.json)
// and cdk.out/<env>/deploy-order.json: which stacks, in which order, one CDK CLI call per app and account.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACCOUNT_ID } from '@cdk-guardrails/config';
import { OpsError } from './ops-error';
import { APPS, ROOT } from './repository';

/** One stack of deploy-order.json, as scripts/synth.mjs writes it. */
export interface OrderedStack {
  readonly app: string;
  readonly stack: string;
  readonly account: string;
  readonly region: string;
}

/** A stack of deploy-order.json checked against its app's manifest, with its artifact id (what the CDK CLI selects). */
export interface PlannedStack extends OrderedStack {
  readonly artifactId: string;
}

/** The stacks of one app in one account: one CDK CLI call, with that account's credentials. */
export interface DeploymentGroup {
  readonly app: string;
  readonly account: string;
  /** Artifact ids, in deployment order. */
  readonly stacks: string[];
  readonly regions: string[];
}

/** The part of a cloud assembly manifest the plan reads. */
interface ManifestArtifact {
  readonly type?: string;
  readonly environment?: string;
  readonly dependencies?: readonly string[];
  readonly properties?: { readonly stackName?: string };
}

function readArtifacts(manifestFile: string): Record<string, ManifestArtifact> {
  return (JSON.parse(readFileSync(manifestFile, 'utf8')) as { artifacts?: Record<string, ManifestArtifact> }).artifacts ?? {};
}

/** aws://<account>/<region> of an artifact, or undefineds when it is environment-agnostic or malformed. */
function accountAndRegion(environment: string | undefined): { account?: string; region?: string } {
  const [, account, region] = /^aws:\/\/([^/]+)\/(.+)$/.exec(environment ?? '') ?? [];
  return { account, region };
}

/**
 * The stacks of one synthesized cloud assembly (its manifest.json) in dependency order, each after
 * the stacks it depends on, with their account and region. scripts/synth.mjs writes
 * deploy-order.json from it.
 */
export function stacksInOrder(outdir: string, app: string): OrderedStack[] {
  const artifacts = readArtifacts(join(outdir, 'manifest.json'));
  const stacks = Object.entries(artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack');
  const names = new Set(stacks.map(([id]) => id));
  const ordered: OrderedStack[] = [];
  const done = new Set<string>();
  const visit = (id: string): void => {
    if (done.has(id)) return;
    done.add(id);
    for (const dep of artifacts[id].dependencies ?? []) if (names.has(dep)) visit(dep);
    const { account, region } = accountAndRegion(artifacts[id].environment);
    // An environment-agnostic stack keeps undefined here; readDeployOrder refuses it by name.
    ordered.push({ app, stack: artifacts[id].properties?.stackName ?? id, account: account as string, region: region as string });
  };
  for (const [id] of stacks) visit(id);
  return ordered;
}

/**
 * The stacks of the synthesized assembly in deployment order (cdk.out/<env>/deploy-order.json,
 * written by scripts/synth.mjs), each checked against its app's manifest so that deploy acts on
 * exactly what synth printed.
 */
export function readDeployOrder(env: string, cdkOut = join(ROOT, 'cdk.out')): PlannedStack[] {
  const file = join(cdkOut, env, 'deploy-order.json');
  if (!existsSync(file)) {
    throw new OpsError(`no synthesized assembly for "${env}": ${file} is missing. Run: npm run synth -- --env ${env}`);
  }
  const order: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(order) || order.length === 0) throw new OpsError(`${file} lists no stacks; run npm run synth -- --env ${env} again`);
  const manifests = new Map<string, Record<string, ManifestArtifact>>();
  return (order as OrderedStack[]).map((entry, i) => {
    if (!APPS.includes(entry.app)) throw new OpsError(`${file}[${i}]: unknown app "${entry.app}"`);
    if (!manifests.has(entry.app)) {
      const manifestFile = join(cdkOut, env, entry.app, 'manifest.json');
      if (!existsSync(manifestFile)) throw new OpsError(`${manifestFile} is missing; run npm run synth -- --env ${env} again`);
      manifests.set(entry.app, readArtifacts(manifestFile));
    }
    const artifacts = manifests.get(entry.app) ?? {};
    const found = Object.entries(artifacts).find(([id, a]) => a.type === 'aws:cloudformation:stack' && (a.properties?.stackName ?? id) === entry.stack);
    if (!found) {
      throw new OpsError(
        `${file} names stack ${entry.stack}, which is not in cdk.out/${env}/${entry.app}: the assembly is stale or mixed; run npm run synth -- --env ${env} again`,
      );
    }
    const [artifactId, artifact] = found;
    const { account, region } = accountAndRegion(artifact.environment);
    if (account !== entry.account || region !== entry.region) {
      throw new OpsError(
        `${file}: stack ${entry.stack} is for ${entry.account}/${entry.region} but the assembly says ${account}/${region}; run npm run synth -- --env ${env} again`,
      );
    }
    if (account === undefined || region === undefined || !ACCOUNT_ID.safeParse(account).success) {
      throw new OpsError(`stack ${entry.stack} has no concrete account (${artifact.environment}); every stack must name its account`);
    }
    return { app: entry.app, stack: entry.stack, artifactId, account, region };
  });
}

/**
 * Deployment groups: one per app and account, apps in APPS order (security first), accounts in
 * the order they first appear, stacks in deploy order. One CDK CLI call per group, because one
 * call uses one set of credentials.
 */
export function planGroups(order: readonly PlannedStack[], apps: readonly string[] = APPS): DeploymentGroup[] {
  const groups: DeploymentGroup[] = [];
  for (const app of APPS.filter((a) => apps.includes(a))) {
    for (const entry of order.filter((e) => e.app === app)) {
      let group = groups.find((g) => g.app === app && g.account === entry.account);
      if (!group) {
        group = { app, account: entry.account, stacks: [], regions: [] };
        groups.push(group);
      }
      group.stacks.push(entry.artifactId);
      if (!group.regions.includes(entry.region)) group.regions.push(entry.region);
    }
  }
  return groups;
}

/** Destroy order: the reverse of deployment (workloads first, then the security account; dependents before dependencies). */
export function destroyGroups(groups: readonly DeploymentGroup[]): DeploymentGroup[] {
  return [...groups].reverse().map((g) => ({ ...g, stacks: [...g.stacks].reverse() }));
}
