/**
 * Guard rules evaluated in-process, by the CloudFormation Guard evaluator that aws-cdk-lib already
 * ships: its built-in CloudFormation validation is `@aws/cloudformation-validate` (a WASM build, a
 * bundled dependency of aws-cdk-lib), whose engines take Guard DSL rules and report "exactly what
 * `cfn-guard validate` reports" (its README). @cdklabs/cdk-validator-cfnguard instead spawns the
 * cfn-guard binary it ships, a static build whose allocator made it about 90% of a synth
 * (bench/RESULTS.md).
 *
 * The findings are shaped as that plugin shapes cfn-guard's: one violation per template, rule and
 * fix, each violating resource with the paths that failed (`/Resources/<id>/Properties/...`), the
 * description and the fix parsed from the rule's custom message (`[CT.X.PR.n]: ...`, `[FIX]: ...`).
 * test/control-tower-validator.test.ts compares both on templates many rules fail, and
 * bench/synth/compare-findings.mjs compares the compliance reports of whole environments.
 */
import { readFileSync } from 'fs';
import { dirname } from 'path';
import { PolicyViolationBeta1, PolicyViolatingResourceBeta1 } from 'aws-cdk-lib';
import { namespacedRuleText, namespacePrefix, withoutNamespace } from './guard-rule-merge';
import { GuardRuleScope, reducedTemplate } from './guard-template';
import { evaluateInThreads, validationThreads } from './thread-pool';

/** What @cdklabs/cdk-validator-cfnguard puts in every violation's rule metadata. */
const RULE_DOC_URL = 'https://github.com/cdklabs/cdk-validator-cfnguard#bundled-control-tower-rules';

/** A Guard rule file: its name (`ct-s3-pr-10`) and its text. */
export interface GuardRuleSource {
  readonly name: string;
  readonly content: string;
}

interface GuardDiagnostic {
  readonly ruleId: string;
  readonly source: string;
  readonly severity?: string;
  readonly message: string;
  readonly ruleDescription?: string;
  readonly propertyPath?: string;
  readonly entity?: { readonly logicalId?: string };
}

interface Engine {
  validateTemplate(template: unknown, config: Record<string, unknown>): { status?: string; diagnostics?: GuardDiagnostic[] };
}

interface ValidateModule {
  CelEngine: new (config: { guardRules: GuardRuleSource[] }) => Engine;
  TemplateFile: new (path: string) => unknown;
  TemplateContent: new (content: string, name: string) => unknown;
}

let validateModule: ValidateModule | undefined;

/** Where aws-cdk-lib's own copy of @aws/cloudformation-validate is (not published on the registry in this version). */
function cloudFormationValidatePath(): string {
  const cdkLib = dirname(require.resolve('aws-cdk-lib/package.json'));
  return require.resolve('@aws/cloudformation-validate', { paths: [cdkLib] });
}

/** aws-cdk-lib's own copy of @aws/cloudformation-validate, loaded once. */
function cloudFormationValidate(): ValidateModule {
  if (validateModule === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    validateModule = require(cloudFormationValidatePath()) as ValidateModule;
  }
  return validateModule;
}

/**
 * One engine per rule set for the life of the process: building one compiles its rules. The
 * CelEngine with Guard rules only: it evaluates Guard rules as the CompositeEngine does (same
 * diagnostics, test/control-tower-guard-parity.test.ts) without the CompositeEngine's built-in
 * layer, which `disableBuiltinRules` turns off anyway, at about 60% of its cost.
 *
 * The rule files are given to it as one file, each in a namespace of its own (guard-rule-merge.ts):
 * the evaluator pays a cost per rule file and template, and one file costs about 15% less than the
 * same rules as 26 files on a workload template (bench/RESULTS.md). A file that cannot be
 * namespaced is given as a file of its own; if one of those already holds a name that looks
 * namespaced, nothing is merged, so every namespaced name in a diagnostic is one this module wrote.
 */
interface CompiledRules {
  readonly engine: Engine;
  /** The rule files as the engine was given them (a worker thread compiles the same). */
  readonly sources: GuardRuleSource[];
  /** True if diagnostics name namespaced rules (`ct<n>__rule`) to be read back with `withoutNamespace`. */
  readonly merged: boolean;
}

const engines = new Map<string, CompiledRules>();

/** The name of the merged rule file (no bundled file is named so: theirs are `ct-<service>-pr-<n>`). */
const MERGED_RULES_NAME = 'control-tower-namespaced-rules';

/** The rule files as the evaluator is given them: the namespaced ones merged into one, the others as they are. */
export function mergedRuleSources(rules: readonly GuardRuleSource[]): { sources: GuardRuleSource[]; merged: boolean } {
  const namespaced = rules.map((r, i) => namespacedRuleText(r.content, namespacePrefix(i)));
  const alone = rules.filter((_, i) => namespaced[i] === undefined);
  const mergeable = namespaced.filter((t): t is string => t !== undefined);
  if (mergeable.length === 0 || alone.some((r) => withoutNamespace(r.content) !== r.content)) {
    return { sources: rules.map((r) => ({ name: r.name, content: r.content })), merged: false };
  }
  return { sources: [{ name: MERGED_RULES_NAME, content: mergeable.join('\n') }, ...alone.map((r) => ({ name: r.name, content: r.content }))], merged: true };
}

function engineFor(rules: readonly GuardRuleSource[], merge: boolean): CompiledRules {
  const key = `${merge}\n${rules.map((r) => r.name).join('\n')}`;
  let compiled = engines.get(key);
  if (compiled === undefined) {
    const cv = cloudFormationValidate();
    const { sources, merged } = merge ? mergedRuleSources(rules) : { sources: rules.map((r) => ({ name: r.name, content: r.content })), merged: false };
    compiled = { engine: new cv.CelEngine({ guardRules: sources }), merged, sources };
    engines.set(key, compiled);
  }
  return compiled;
}

/**
 * The diagnostics as the rule files alone would report them: the namespace taken off the rule id and
 * the message, and those of the merged file in the order of the rule files (the engine's order within a file).
 */
function unmerged(diagnostics: readonly GuardDiagnostic[]): GuardDiagnostic[] {
  const file = (d: GuardDiagnostic): number => Number(/^ct(\d+)__/.exec(d.ruleId)?.[1] ?? -1);
  return diagnostics
    .map((d, i) => ({ d, i, n: file(d) }))
    .sort((a, b) => a.n - b.n || a.i - b.i)
    .map(({ d }) => ({ ...d, ruleId: withoutNamespace(d.ruleId), message: withoutNamespace(d.message) }));
}

/** The description and the fix of a rule's custom message, parsed as @cdklabs/cdk-validator-cfnguard parses them. */
export function parseGuardMessage(message: string): { description: string; fix: string } {
  let description = '';
  let fix: string | undefined;
  for (const line of message.split('\n').map((l) => l.trim())) {
    if (line === '') continue;
    if (line.startsWith('[FIX]')) fix = line.replace(/^\[FIX\]:\s*/, '');
    else description = line;
  }
  // Without a [FIX] line the plugin uses the whole message as the fix.
  return { description, fix: fix ?? message };
}

/** `Properties.A.0.B` of resource `Id` as the JSON pointer cfn-guard reports: `/Resources/Id/Properties/A/0/B`. */
function location(logicalId: string, propertyPath: string | undefined): string {
  return ['', 'Resources', logicalId, ...(propertyPath ? propertyPath.split('.') : [])].join('/');
}

/** What the evaluator reports on one template. */
interface GuardReport {
  readonly status?: string;
  readonly diagnostics?: GuardDiagnostic[];
}

/** One template as the evaluator is given it: its reduced text, or (none) the file as it is. */
interface GuardInput {
  readonly path: string;
  readonly content?: string;
}

const VALIDATE_CONFIG = { disableBuiltinRules: true, detailLevel: 'DETAILED' };

/** A worker thread's part (thread-pool.ts): compiles the same rules, evaluates input `i`. */
const WORKER_SETUP = `
const cv = require(data.modulePath);
const engine = new cv.CelEngine({ guardRules: data.sources });
return (i) => {
  const input = data.inputs[i];
  const template = input.content !== undefined ? new cv.TemplateContent(input.content, input.path) : new cv.TemplateFile(input.path);
  const report = engine.validateTemplate(template, data.config);
  return { status: report.status, diagnostics: report.diagnostics };
};
`;

/**
 * The evaluator's report on every input, in the order of the inputs, shared between this thread and
 * `threads` worker threads (thread-pool.ts), each with the same rules: the same reports as one thread.
 */
function evaluateAll(
  engine: Engine,
  sources: readonly GuardRuleSource[],
  inputs: readonly GuardInput[],
  threads: number,
  inThisThread: boolean,
): GuardReport[] {
  const cv = cloudFormationValidate();
  return evaluateInThreads<GuardReport>({
    count: inputs.length,
    threads,
    inThisThread,
    workerSetup: WORKER_SETUP,
    workerData: { modulePath: cloudFormationValidatePath(), sources, inputs, config: VALIDATE_CONFIG },
    evaluate: (i) => {
      const input = inputs[i];
      return engine.validateTemplate(
        input.content !== undefined ? new cv.TemplateContent(input.content, input.path) : new cv.TemplateFile(input.path),
        VALIDATE_CONFIG,
      );
    },
    failure: (i, message) =>
      new Error(
        `${inputs[i].path}: the Control Tower Guard rules could not evaluate this template (${message}); the compliance gate does not pass a template it could not check`,
      ),
  });
}

/**
 * The violations of the Guard rules on each template, in the shape of @cdklabs/cdk-validator-cfnguard's report.
 * With `scope` (what the rules look at), each template is first reduced to that part (guard-template.ts).
 * `merge: false` gives the evaluator each rule file as a file of its own (the reference the tests compare with).
 * `threads`: worker threads beside the synth's own (default `validationThreads(templatePaths.length)`);
 * `inThisThread: false` leaves every template to them (the tests of the worker threads).
 */
export function guardViolations(
  rules: readonly GuardRuleSource[],
  templatePaths: readonly string[],
  scope?: GuardRuleScope,
  options: { readonly merge?: boolean; readonly threads?: number; readonly inThisThread?: boolean } = {},
): PolicyViolationBeta1[] {
  if (rules.length === 0) return [];
  const { engine, merged, sources } = engineFor(rules, options.merge ?? true);
  const inputs: GuardInput[] = templatePaths.map((path) => ({
    path,
    content: scope !== undefined ? reducedTemplate(readFileSync(path, 'utf8'), scope) : undefined,
  }));
  const reports = evaluateAll(engine, sources, inputs, options.threads ?? validationThreads(templatePaths.length), options.inThisThread ?? true);
  const violations: PolicyViolationBeta1[] = [];
  templatePaths.forEach((templatePath, t) => {
    const report = reports[t];
    // Fail closed: with the built-in rules off, anything but Guard results means the template was not
    // evaluated (a JSON parse error such as nesting past the parser's limit or a lone surrogate escape:
    // F1101, status ERROR). Passing it with no finding would let the gate pass what cfn-guard refuses.
    const problem = (report.diagnostics ?? []).find((d) => d.source !== 'GUARD');
    if (report.status !== 'OK' || problem !== undefined) {
      throw new Error(
        `${templatePath}: the Control Tower Guard rules could not evaluate this template (status ${report.status}${problem ? `; ${problem.ruleId}: ${problem.message}` : ''}); the compliance gate does not pass a template it could not check`,
      );
    }
    // Per rule and fix, in the order reported: the resources with their failing paths.
    const groups = new Map<string, { ruleName: string; description: string; fix: string; resources: Map<string, string[]> }>();
    for (const d of merged ? unmerged(report.diagnostics ?? []) : (report.diagnostics ?? [])) {
      if (d.source !== 'GUARD') continue;
      const { description, fix } = parseGuardMessage(d.ruleDescription ?? d.message);
      const key = `${d.ruleId}\n${fix}`;
      const group = groups.get(key) ?? { ruleName: d.ruleId, description, fix, resources: new Map<string, string[]>() };
      groups.set(key, group);
      const logicalId = d.entity?.logicalId ?? 'N/A';
      group.resources.set(logicalId, [...(group.resources.get(logicalId) ?? []), location(logicalId, d.propertyPath)]);
    }
    for (const g of groups.values()) {
      const violatingResources: PolicyViolatingResourceBeta1[] = [...g.resources].map(([resourceLogicalId, locations]) => ({
        resourceLogicalId,
        locations,
        templatePath,
      }));
      violations.push({ ruleName: g.ruleName, description: g.description, fix: g.fix, ruleMetadata: { DocumentationUrl: RULE_DOC_URL }, violatingResources });
    }
  });
  return violations;
}
