import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GuardrailsConfig, loadConfig } from '@cdk-guardrails/config';
import { AccountAccess } from './credentials';
import { DeployedStack, readDeployedStacks, REPO_ROOT } from './outputs';
import type { Preflight } from './preflight';

/** What the suites run against: the config of the deployed environment, its stacks and access per account. */
export interface IntegrationContext {
  /** Set when nothing can run (no outputs, preflight not run). */
  readonly skipReason?: string;
  readonly config?: GuardrailsConfig;
  readonly stacks: DeployedStack[];
  readonly access: Record<string, AccountAccess>;
}

/** AWS SDK client settings for one account and region. */
export interface AwsTarget {
  readonly region: string;
  readonly profile?: string;
  readonly maxAttempts: number;
}

const STRICT = process.env.GUARDRAILS_INTEGRATION_STRICT === '1';

let cached: IntegrationContext | undefined;

/** Reads what preflight resolved; synchronous, so suites can register one test per stack. */
export function integrationContext(): IntegrationContext {
  if (cached) return cached;
  const preflightFile = process.env.GUARDRAILS_PREFLIGHT_FILE;
  if (!preflightFile || !existsSync(preflightFile)) {
    cached = { skipReason: 'the credentials preflight did not run: use npm run test:integration (jest.integration.config.js)', stacks: [], access: {} };
    return cached;
  }
  const preflight = JSON.parse(readFileSync(preflightFile, 'utf8')) as Preflight;
  const outputs = readDeployedStacks();
  if (preflight.outputsSkipReason || !outputs.ok) {
    cached = { skipReason: preflight.outputsSkipReason ?? (outputs.ok ? 'no outputs' : outputs.reason), stacks: [], access: {} };
    return cached;
  }
  // The expectations come from the config of the deployed environment in this checkout: after
  // changing the config, deploy before running the suites.
  const config = loadConfig(outputs.environment, { configDir: join(REPO_ROOT, 'config') });
  cached = { config, stacks: outputs.stacks, access: preflight.access };
  return cached;
}

/**
 * Registers one passing test named "skipped: <reason>": a skip is always visible in the
 * report (never a silent describe.skip). With GUARDRAILS_INTEGRATION_STRICT=1 the test fails instead.
 */
export function reportSkipped(reason: string): void {
  test(`skipped: ${reason}`, () => {
    // The reason is the test's name, so the report prints it; preflight printed the details.
    if (STRICT) throw new Error(`GUARDRAILS_INTEGRATION_STRICT=1 and this check could not run: ${reason}`);
  });
}

/** A describe block whose tests are registered only when outputs and config are there. */
export function describeIntegration(title: string, body: (ctx: Required<Pick<IntegrationContext, 'config'>> & IntegrationContext) => void): void {
  describe(title, () => {
    const ctx = integrationContext();
    if (ctx.skipReason || !ctx.config) {
      reportSkipped(ctx.skipReason ?? 'no config');
      return;
    }
    body(ctx as Required<Pick<IntegrationContext, 'config'>> & IntegrationContext);
  });
}

/**
 * Runs `body` for each stack that matches, in a describe block named after the stack; a stack
 * whose account has no credentials gets a "skipped" test instead. No matching stack is a skip too.
 */
export function forEachStack(
  ctx: IntegrationContext,
  what: string,
  filter: (s: DeployedStack) => boolean,
  body: (stack: DeployedStack, target: AwsTarget) => void,
): void {
  const matching = ctx.stacks.filter(filter);
  if (matching.length === 0) {
    reportSkipped(`no ${what} in the outputs`);
    return;
  }
  for (const stack of matching) {
    describe(`${stack.stackName} (${stack.accountId}, ${stack.region})`, () => {
      const target = targetFor(ctx, stack.accountId, stack.region);
      if ('reason' in target) {
        reportSkipped(target.reason);
        return;
      }
      body(stack, target);
    });
  }
}

/** Client settings for an account and region, or the reason there are none. */
export function targetFor(ctx: IntegrationContext, accountId: string, region: string): AwsTarget | { reason: string } {
  const access = ctx.access[accountId];
  if (!access) return { reason: `account ${accountId} is not in the outputs' accounts` };
  if (!access.ok) return { reason: access.reason };
  return { region, profile: access.profile, maxAttempts: 3 };
}

/** A required output of a stack; a missing one is a failure (the deployed stack is not what the suites expect). */
export function output(stack: DeployedStack, key: string): string {
  const value = stack.outputs[key];
  if (value === undefined) throw new Error(`stack ${stack.stackName} has no output ${key}; redeploy with the current apps (apps/*/src/outputs.ts)`);
  return value;
}
