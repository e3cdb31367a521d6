import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..');

/**
 * The file the deploy script writes; override with GUARDRAILS_OUTPUTS_FILE (a relative path is
 * taken from where npm was started, INIT_CWD, not from this workspace).
 */
export function outputsFile(): string {
  const override = process.env.GUARDRAILS_OUTPUTS_FILE;
  return override ? resolve(process.env.INIT_CWD ?? process.cwd(), override) : join(REPO_ROOT, 'cfn-outputs', 'flat-outputs.json');
}

/** One deployed stack, as its outputs describe it (see apps/*\/src/outputs.ts). */
export interface DeployedStack {
  readonly stackName: string;
  /** security-keys, security-logging, workload or workload-capture-only */
  readonly role: string;
  readonly environment: string;
  readonly accountId: string;
  readonly region: string;
  readonly outputs: Record<string, string>;
}

export type OutputsResult =
  | { readonly ok: true; readonly file: string; readonly environment: string; readonly stacks: DeployedStack[] }
  | { readonly ok: false; readonly reason: string };

const LOCATION_KEYS = ['GuardrailsEnvironment', 'GuardrailsRole', 'AccountId', 'Region'];

/**
 * Reads the flat outputs ({ "<StackName>.<OutputKey>": value }) and groups them by stack.
 * Never throws for a missing or empty file: the suites then report themselves skipped.
 * A file that exists but is malformed is an error (a broken deploy must not look like "skipped").
 */
export function readDeployedStacks(file: string = outputsFile()): OutputsResult {
  if (!existsSync(file)) {
    return { ok: false, reason: `no stack outputs: ${file} does not exist (deploy first: npm run deploy -- --env <name>)` };
  }
  const flat = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  if (flat === null || typeof flat !== 'object' || Array.isArray(flat)) {
    throw new Error(`${file}: expected an object { "<StackName>.<OutputKey>": value }`);
  }
  const byStack = new Map<string, Record<string, string>>();
  for (const [key, value] of Object.entries(flat)) {
    const dot = key.indexOf('.');
    if (dot <= 0) throw new Error(`${file}: key "${key}" is not "<StackName>.<OutputKey>"`);
    const stack = key.slice(0, dot);
    if (!byStack.has(stack)) byStack.set(stack, {});
    byStack.get(stack)![key.slice(dot + 1)] = String(value);
  }
  const stacks: DeployedStack[] = [];
  for (const [stackName, outputs] of byStack) {
    const missing = LOCATION_KEYS.filter((k) => outputs[k] === undefined);
    if (missing.length > 0) {
      throw new Error(`${file}: stack ${stackName} has no ${missing.join(', ')} output (apps/*/src/outputs.ts adds them; redeploy)`);
    }
    stacks.push({
      stackName,
      role: outputs.GuardrailsRole,
      environment: outputs.GuardrailsEnvironment,
      accountId: outputs.AccountId,
      region: outputs.Region,
      outputs,
    });
  }
  if (stacks.length === 0) {
    return { ok: false, reason: `no stack outputs: ${file} is empty (the last deploy wrote no outputs; deploy again)` };
  }
  const environments = [...new Set(stacks.map((s) => s.environment))];
  if (environments.length !== 1) {
    throw new Error(`${file} mixes environments ${environments.join(', ')}; it must hold one environment's stacks`);
  }
  return { ok: true, file, environment: environments[0], stacks };
}
