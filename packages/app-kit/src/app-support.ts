/**
 * What both apps need around the config: the App with the project's feature flags,
 * the environment chosen with `-c env=...`, stack names, tags, removal policy, and a
 * main() wrapper that turns a ConfigError into a clear message and exit code 1.
 */
import { App, AppProps, RemovalPolicy, Tags } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import featureFlags from './feature-flags.json';
import { ConfigError, GuardrailsConfig, loadConfig } from '@cdk-guardrails/config';

/** The environment used when `-c env=...` is not given. */
export const DEFAULT_ENVIRONMENT = 'dev';

/**
 * The feature flags `cdk init` sets for a new project with this aws-cdk-lib version
 * (including @aws-cdk/core:validateAgainstDefaultRules). Both apps and their tests use
 * the same set, so a test synthesizes exactly what `cdk synth` does.
 */
export const APP_FEATURE_FLAGS: Record<string, unknown> = { ...featureFlags };

/** An App carrying the project's feature flags; context from the CLI (-c) wins. */
export function createApp(props: AppProps = {}): App {
  return new App({
    ...props,
    context: {
      // Creation stack traces cost ~20 % of synth memory and a quarter of the assembly at 100 accounts
      // (bench/RESULTS.md); `cdk synth --debug` (CDK_DEBUG=true) turns them back on.
      'aws:cdk:disable-creation-stack-traces': true,
      ...APP_FEATURE_FLAGS,
      ...(props.context ?? {}),
    },
  });
}

export interface SelectedEnvironment {
  readonly envName: string;
  readonly config: GuardrailsConfig;
}

/** Reads `-c env=<name>` (default dev) and loads config/<name>.json. */
export function selectEnvironment(app: App, configDir?: string): SelectedEnvironment {
  const fromContext = app.node.tryGetContext('env');
  const envName = fromContext === undefined ? DEFAULT_ENVIRONMENT : String(fromContext);
  return { envName, config: loadConfig(envName, { configDir: configDir ?? process.env.GUARDRAILS_CONFIG_DIR }) };
}

/** The context key the default stack synthesizer reads its qualifier from (`BOOTSTRAP_QUALIFIER_CONTEXT` of aws-cdk-lib). */
export const BOOTSTRAP_QUALIFIER_CONTEXT = '@aws-cdk/core:bootstrapQualifier';

/**
 * Makes every stack of `app` deploy through the config's CDK bootstrap (`principals.cdkQualifier`):
 * its deploy roles, its asset bucket and its version parameter `/cdk-bootstrap/<qualifier>/version`,
 * the roles the SCPs and boundaries name. Call it before the first stack. A different qualifier given
 * with `-c @aws-cdk/core:bootstrapQualifier=...` or in cdk.json is refused: the stacks would deploy
 * through a bootstrap the guardrails do not protect.
 */
export function useConfigBootstrapQualifier(app: App, config: GuardrailsConfig): void {
  const qualifier = config.principals.cdkQualifier;
  const given: unknown = app.node.tryGetContext(BOOTSTRAP_QUALIFIER_CONTEXT);
  if (given === qualifier) return;
  if (given !== undefined) {
    throw new Error(
      `context ${BOOTSTRAP_QUALIFIER_CONTEXT}: received ${JSON.stringify(given)}; expected nothing or ${JSON.stringify(qualifier)}, ` +
        `the qualifier of config/${config.environment}.json (principals.cdkQualifier). Change the config, not the context: the SCPs and boundaries protect that qualifier's roles`,
    );
  }
  app.node.setContext(BOOTSTRAP_QUALIFIER_CONTEXT, qualifier);
}

/** `<env>-<role>-<component>-<region>`, e.g. dev-security-keys-eu-west-1. CloudFormation allows 128 characters. */
export function stackName(envName: string, ...parts: string[]): string {
  const name = [envName, ...parts].join('-');
  if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(name)) {
    throw new Error(
      `stackName: name: received ${JSON.stringify(name)}; expected a CloudFormation stack name (a letter, then letters, digits or "-", at most 128 characters)`,
    );
  }
  return name;
}

/** Stateful resources (keys, log groups, buckets, secrets) follow the config; prod is validated to retain. */
export function removalPolicyOf(config: GuardrailsConfig): RemovalPolicy {
  return config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
}

/** Tags from config on every taggable resource in scope, plus the environment name. */
export function applyTags(scope: IConstruct, config: GuardrailsConfig): void {
  for (const [key, value] of Object.entries(config.tags)) Tags.of(scope).add(key, value);
  Tags.of(scope).add('guardrails:environment', config.environment);
}

/**
 * Runs an app's main body. An invalid config prints the loader's message (file, field,
 * value received, what is allowed) and exits 1 before any stack is built.
 */
export function runMain(body: () => void, exit: (code: number) => void = (code) => process.exit(code)): void {
  try {
    body();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      exit(1);
      return;
    }
    throw e;
  }
}
