/**
 * aws-cdk-lib's built-in CloudFormation template validation (`CloudFormationValidatePlugin`, on by
 * default in every app), with the templates shared between the synth's thread and worker threads
 * (thread-pool.ts). It is the same plugin: each thread runs the plugin's own `validate` on one
 * template at a time, and the per-template reports are put together as the plugin puts together its
 * diagnostics (one violation per rule, severity and description, its resources in template order),
 * so the report is the one the plugin writes for all templates at once (test/threaded-template-validation.test.ts).
 *
 * Registered at the app instead of the default instance (aws-cdk-lib adds the default only when the
 * app registers none), and only where the default would run: not with `builtinCloudFormationValidation:
 * false` or `CDK_VALIDATION=false`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, CloudFormationValidatePlugin, IPolicyValidationContext, PolicyValidationPluginReport, PolicyViolation, Validations } from 'aws-cdk-lib';
import { evaluateInThreads, validationThreads } from './thread-pool';

type StackTemplate = IPolicyValidationContext['stackTemplates'][number];

/** A worker thread's part: the plugin, its engine loaded for every type of the app, validating template `i`. */
const WORKER_SETUP = `
const { CloudFormationValidatePlugin } = require(data.cdkLib);
const plugin = new CloudFormationValidatePlugin();
plugin.validate({ templatePaths: [data.warmup.templatePath], stackTemplates: [data.warmup] });
return (i) => plugin.validate({ templatePaths: [data.templates[i].templatePath], stackTemplates: [data.templates[i]] }).violations;
`;

/** The resource types of the templates, exactly as the plugin reads them (it loads the rules of those types). */
function resourceTypes(templates: readonly StackTemplate[]): string[] {
  const types = new Set<string>();
  for (const t of templates) {
    try {
      const parsed = JSON.parse(readFileSync(t.templatePath, 'utf8')) as { Resources?: Record<string, { Type?: unknown }> };
      for (const resource of Object.values(parsed?.Resources ?? {})) {
        if (resource && typeof resource === 'object' && typeof resource.Type === 'string') types.add(resource.Type);
      }
    } catch {
      // As the plugin: a template that does not parse brings no type (its validation reports it).
    }
  }
  return [...types].sort();
}

/** The plugin's report on one template after another, put together as the plugin does for all at once. */
export function combinedReport(perTemplate: readonly (readonly PolicyViolation[])[]): PolicyValidationPluginReport {
  const violations: PolicyViolation[] = [];
  for (const templateViolations of perTemplate) {
    for (const v of templateViolations) {
      const existing = violations.find((x) => x.ruleName === v.ruleName && x.severity === v.severity && x.description === v.description);
      if (existing !== undefined) (existing.violatingResources as unknown[]).push(...v.violatingResources);
      else violations.push({ ...v, violatingResources: [...v.violatingResources] });
    }
  }
  return { success: violations.every((v) => v.severity !== 'error' && v.severity !== 'fatal'), violations };
}

/** CloudFormationValidatePlugin with the templates shared out over worker threads. */
export class ThreadedTemplateValidation extends CloudFormationValidatePlugin {
  /**
   * @param threads worker threads beside the synth's own (default `validationThreads(templates)`)
   * @param inThisThread false: the synth's thread validates no template itself (the tests of the workers)
   */
  constructor(
    private readonly threads?: number,
    private readonly inThisThread: boolean = true,
  ) {
    super();
  }

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const templates = context.stackTemplates;
    const threads = this.threads ?? validationThreads(templates.length);
    if (threads <= 0) return super.validate(context);
    // Each engine is loaded once for every type of the app, by a template holding one resource of each:
    // the plugin reloads its engine whenever a template brings a type it has not loaded.
    const dir = mkdtempSync(join(tmpdir(), 'guardrails-validate-'));
    try {
      const warmup: StackTemplate = {
        stackConstructPath: 'guardrails-validation-warmup',
        templatePath: join(dir, 'warmup.template.json'),
        accountId: undefined,
        region: undefined,
      };
      const types = resourceTypes(templates);
      writeFileSync(warmup.templatePath, JSON.stringify({ Resources: Object.fromEntries(types.map((t, i) => [`R${i}`, { Type: t }])) }));
      super.validate({ ...context, templatePaths: [warmup.templatePath], stackTemplates: [warmup] });
      const perTemplate = evaluateInThreads<PolicyViolation[]>({
        count: templates.length,
        threads,
        inThisThread: this.inThisThread,
        workerSetup: WORKER_SETUP,
        workerData: { cdkLib: require.resolve('aws-cdk-lib'), warmup, templates: templates.map((t) => ({ ...t })) },
        evaluate: (i) => super.validate({ ...context, templatePaths: [templates[i].templatePath], stackTemplates: [templates[i]] }).violations,
        failure: (i, message) => new Error(`${templates[i].templatePath}: the built-in CloudFormation validation failed on this template (${message})`),
      });
      return combinedReport(perTemplate);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

let shared: ThreadedTemplateValidation | undefined;

/**
 * Registers the built-in template validation with threads on the app, last (where aws-cdk-lib puts the
 * default), if the default would run: the app's `builtinCloudFormationValidation` is not false,
 * `CDK_VALIDATION` is not `false`, and the app has no CloudFormationValidatePlugin of its own. One
 * instance for the process, as aws-cdk-lib's default: its engine is reused by every app.
 */
export function addThreadedTemplateValidation(app: App): void {
  // aws-cdk-lib keeps the App prop `builtinCloudFormationValidation` (default true) and the registered
  // plugins in these fields (what its synthesis reads to decide whether to add the default).
  const internals = app as unknown as { _builtinCloudFormationValidation?: boolean; _validationPlugins?: unknown[] };
  if (internals._builtinCloudFormationValidation === false || process.env.CDK_VALIDATION === 'false') return;
  if ((internals._validationPlugins ?? []).some((p) => p instanceof CloudFormationValidatePlugin)) return;
  shared ??= new ThreadedTemplateValidation();
  Validations.of(app).addPlugins(shared);
}
