// cfn-outputs/: the CDK CLI's outputs file of each deploy call (raw/<env>/<app>-<account>.json),
// merged and flattened into flat-outputs.json for the integration suites.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeploymentGroup } from './assembly';
import { ROOT } from './repository';

/** The CLI's outputs file shape: { "<StackName>": { "<OutputKey>": value } }. */
export type NestedOutputs = Record<string, Record<string, unknown> | null | undefined>;

/**
 * Merges the CLI's outputs files into the flat shape { "<StackName>.<OutputKey>": value }. Only
 * stacks in `stackNames` (the current assembly) are kept; keys are sorted so the file diffs cleanly.
 */
export function flattenOutputs(nestedList: ReadonlyArray<NestedOutputs | null | undefined>, stackNames?: readonly string[]): Record<string, string> {
  const keep = stackNames ? new Set(stackNames) : undefined;
  const flat: Record<string, string> = {};
  for (const nested of nestedList) {
    for (const [stack, outputs] of Object.entries(nested ?? {})) {
      if (keep && !keep.has(stack)) continue;
      if (outputs === null || typeof outputs !== 'object') continue;
      for (const [key, value] of Object.entries(outputs)) {
        flat[`${stack}.${key}`] = String(value);
      }
    }
  }
  return Object.fromEntries(Object.entries(flat).sort(([a], [b]) => a.localeCompare(b)));
}

/** Name of the CLI's outputs file of one group, under cfn-outputs/raw/<env>/. */
export function rawOutputsFile(env: string, group: Pick<DeploymentGroup, 'app' | 'account'>, dir = join(ROOT, 'cfn-outputs')): string {
  return join(dir, 'raw', env, `${group.app}-${group.account}.json`);
}

/** The environment's flat outputs from every raw file written for it. */
export function collectFlatOutputs(env: string, stackNames?: readonly string[], dir = join(ROOT, 'cfn-outputs')): Record<string, string> {
  const rawDir = join(dir, 'raw', env);
  if (!existsSync(rawDir)) return {};
  const nested = readdirSync(rawDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(rawDir, f), 'utf8')) as NestedOutputs);
  return flattenOutputs(nested, stackNames);
}
