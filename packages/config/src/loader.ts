import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { z } from 'zod';
import { ConfigProblem, crossFieldProblems } from './cross-field';
import { CONFIG_SCHEMA, GuardrailsConfig, STACK_SETS } from './schema';

/** Thrown for any invalid configuration, before a single construct is created. */
export class ConfigError extends Error {
  constructor(
    public readonly file: string,
    public readonly problems: ConfigProblem[],
    summary?: string,
  ) {
    super(summary ?? [`Invalid configuration in ${file}:`, ...problems.map((p) => `  - ${p.path}: received ${p.received}; expected ${p.expected}`)].join('\n'));
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  /**
   * Folder holding <env>.json.
   * @default the nearest `config/` folder holding <env>.json, from the current directory upwards
   */
  readonly configDir?: string;
}

const ENV_NAME = /^[a-z][a-z0-9-]{0,15}$/;

/** Load and validate config/<envName>.json. Throws ConfigError naming the file, the field, the value and what is allowed. */
export function loadConfig(envName: string, options: LoadConfigOptions = {}): GuardrailsConfig {
  if (!ENV_NAME.test(envName)) {
    throw new ConfigError(`config/${envName}.json`, [
      { path: '(environment name)', received: JSON.stringify(envName), expected: 'a lower-case name such as dev, staging or prod' },
    ]);
  }
  const dir = options.configDir ?? findConfigDir(envName);
  const file = join(dir, `${envName}.json`);
  const shown = relative(process.cwd(), file) || file;
  if (!existsSync(file)) {
    const available = existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => /^[a-z][a-z0-9-]*\.json$/.test(f) && !f.endsWith('.schema.json'))
          .map((f) => f.replace(/\.json$/, ''))
      : [];
    throw new ConfigError(
      shown,
      [],
      `No configuration for environment "${envName}": ${shown} does not exist. Environments found: ${available.join(', ') || 'none'}.`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(shown, [], `Invalid configuration in ${shown}: not valid JSON (${(e as Error).message})`);
  }
  return parseConfig(raw, envName, shown);
}

/** Validate an already-parsed config object (used by loadConfig, tests and tools). */
export function parseConfig(raw: unknown, envName: string, file = `config/${envName}.json`): GuardrailsConfig {
  const result = CONFIG_SCHEMA.safeParse(raw, { reportInput: true });
  if (!result.success) {
    throw new ConfigError(file, result.error.issues.flatMap(toProblems));
  }
  const problems = crossFieldProblems(result.data, envName);
  if (problems.length > 0) throw new ConfigError(file, problems);
  return result.data;
}

/**
 * The config with its `stackSets` section replaced by targets given elsewhere (the
 * `stackset-targets` context of the StackSet app), validated exactly as the file's section: the
 * schema, then the cross-field rules over the merged config. Throws ConfigError naming `source`.
 */
export function withStackSetTargets(config: GuardrailsConfig, raw: unknown, source: string): GuardrailsConfig {
  const result = STACK_SETS.safeParse(raw, { reportInput: true });
  if (!result.success) throw new ConfigError(source, result.error.issues.flatMap(toProblems));
  const merged: GuardrailsConfig = { ...config, stackSets: result.data };
  const problems = crossFieldProblems(merged, config.environment);
  if (problems.length > 0) throw new ConfigError(source, problems);
  return merged;
}

function toProblems(issue: z.core.$ZodIssue): ConfigProblem[] {
  const path = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path: path ? `${path}.${key}` : key,
      received: 'an unknown field',
      expected: `only the fields the schema defines (config/config.schema.json); remove "${key}" or check its spelling`,
    }));
  }
  if (issue.code === 'invalid_union' && issue.errors.length > 0 && 'discriminator' in issue && issue.discriminator) {
    // A discriminated union whose discriminator matched: report the inner problems instead.
    return issue.errors.flat().flatMap(toProblems);
  }
  let input = 'input' in issue ? issue.input : undefined;
  if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator && input && typeof input === 'object') {
    // No variant matched the discriminator: show the discriminator's value, not the whole object.
    input = (input as Record<string, unknown>)[issue.discriminator];
  }
  const received = input !== undefined ? truncate(JSON.stringify(input)) : 'nothing (the field is missing)';
  return [{ path: path || '(top level)', received, expected: issue.message.replace(/^expected /, '') }];
}

function formatPath(path: PropertyKey[]): string {
  return path.reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)), '');
}

function truncate(s: string): string {
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

function findConfigDir(envName: string): string {
  let dir = resolve(process.cwd());
  for (;;) {
    const candidate = join(dir, 'config');
    if (existsSync(join(candidate, `${envName}.json`))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return join(process.cwd(), 'config');
    dir = parent;
  }
}
