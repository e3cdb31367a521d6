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
import { availableParallelism } from 'os';
import { dirname } from 'path';
import { MessageChannel, MessagePort, Worker, receiveMessageOnPort } from 'worker_threads';
import { PolicyViolationBeta1, PolicyViolatingResourceBeta1 } from 'aws-cdk-lib';
import { namespacedRuleText, namespacePrefix, withoutNamespace } from './guard-rule-merge';
import { GuardRuleScope, reducedTemplate } from './guard-template';

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

/**
 * The number of worker threads that evaluate templates beside the synth's own thread: one less than
 * the cores Node may use (`os.availableParallelism()`), at most 7, or `GUARDRAILS_GUARD_THREADS`
 * (0: every template in the synth's thread). Each thread compiles the rules once (about 1.2 s of CPU
 * for the workload templates' rules, bench/RESULTS.md) and only pays off from a few templates on,
 * so a call never starts more threads than `templates / MIN_TEMPLATES_PER_THREAD`.
 */
export function guardThreads(templates: number, env: NodeJS.ProcessEnv = process.env): number {
  const setting = env.GUARDRAILS_GUARD_THREADS;
  let wanted: number;
  if (setting === undefined || setting === '') {
    wanted = Math.min(availableParallelism() - 1, 7);
  } else {
    if (!/^\d{1,2}$/.test(setting)) {
      throw new Error(
        `GUARDRAILS_GUARD_THREADS: received '${setting}'; allowed: a whole number of worker threads from 0 (evaluate every template in the synth's thread) to 99`,
      );
    }
    wanted = Number(setting);
  }
  return Math.max(0, Math.min(wanted, Math.floor(templates / MIN_TEMPLATES_PER_THREAD)));
}

/** Fewer templates than this per thread do not pay for compiling the rules once more. */
export const MIN_TEMPLATES_PER_THREAD = 8;

/** How long the synth's thread waits for a worker's template before evaluating it itself. */
const WORKER_GRACE_MS = 30_000;
/** How long it waits for the workers when it takes no template itself (tests of the worker threads). */
const WORKERS_ONLY_WAIT_MS = 600_000;

/**
 * The code of a worker thread: compiles the rules, then takes templates by index from the shared
 * counter until none is left, posting the evaluator's report on each. `state` (its slot in the
 * shared array): 0 compiling, 1 taking templates, 2 finished, 3 cancelled by the synth's thread
 * (which had nothing left for it when it was ready).
 */
const WORKER_SOURCE = `
const { workerData } = require('worker_threads');
const { modulePath, sources, inputs, shared, slot, port, config } = workerData;
const counter = new Int32Array(shared);
try {
  const cv = require(modulePath);
  const engine = new cv.CelEngine({ guardRules: sources });
  if (Atomics.compareExchange(counter, slot, 0, 1) === 0) {
    for (;;) {
      const i = Atomics.add(counter, 0, 1);
      if (i >= inputs.length) break;
      const input = inputs[i].content !== undefined ? new cv.TemplateContent(inputs[i].content, inputs[i].path) : new cv.TemplateFile(inputs[i].path);
      try {
        const report = engine.validateTemplate(input, config);
        port.postMessage({ i, report: { status: report.status, diagnostics: report.diagnostics } });
      } catch (e) {
        port.postMessage({ i, error: String((e && e.message) || e) });
      }
    }
  }
} finally {
  Atomics.store(counter, slot, 2);
  Atomics.notify(counter, slot);
}
`;

/**
 * The evaluator's report on every input, in the order of the inputs. With threads, the synth's
 * thread and the workers take the templates one by one from a shared counter, so a thread that is
 * slow to start takes fewer; the synth's thread then waits for the templates the workers took
 * (synchronously: a validation plugin returns its report), and evaluates itself any a worker did
 * not report within WORKER_GRACE_MS. Every template is evaluated, each by the same rules, and the
 * reports are put back in the order of the inputs: the same result as one thread (tested).
 */
function evaluateAll(
  engine: Engine,
  sources: readonly GuardRuleSource[],
  inputs: readonly GuardInput[],
  threads: number,
  inThisThread: boolean,
): GuardReport[] {
  const cv = cloudFormationValidate();
  const evaluate = (input: GuardInput): GuardReport =>
    engine.validateTemplate(input.content !== undefined ? new cv.TemplateContent(input.content, input.path) : new cv.TemplateFile(input.path), VALIDATE_CONFIG);
  if (threads <= 0) return inputs.map(evaluate);
  const shared = new SharedArrayBuffer(4 * (1 + threads));
  const counter = new Int32Array(shared);
  const workers: { worker: Worker; port: MessagePort; slot: number }[] = [];
  for (let w = 0; w < threads; w++) {
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { modulePath: cloudFormationValidatePath(), sources, inputs, shared, slot: 1 + w, port: port2, config: VALIDATE_CONFIG },
      transferList: [port2],
    });
    worker.unref();
    workers.push({ worker, port: port1, slot: 1 + w });
  }
  const reports: (GuardReport | undefined)[] = new Array(inputs.length);
  const errors = new Map<number, string>();
  if (inThisThread) {
    for (let i = Atomics.add(counter, 0, 1); i < inputs.length; i = Atomics.add(counter, 0, 1)) reports[i] = evaluate(inputs[i]);
  }
  for (const { worker, port, slot } of workers) {
    // A worker still compiling is told to stop when this thread has taken every template.
    if (!inThisThread || Atomics.compareExchange(counter, slot, 0, 3) !== 0) {
      const deadline = Date.now() + (inThisThread ? WORKER_GRACE_MS : WORKERS_ONLY_WAIT_MS);
      for (let state = Atomics.load(counter, slot); state !== 2 && Date.now() < deadline; state = Atomics.load(counter, slot)) {
        Atomics.wait(counter, slot, state, Math.max(1, deadline - Date.now()));
      }
    }
    for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
      const { i, report, error } = m.message as { i: number; report?: GuardReport; error?: string };
      if (error !== undefined) errors.set(i, error);
      else reports[i] = report;
    }
    port.close();
    void worker.terminate();
  }
  return inputs.map((input, i) => {
    const error = errors.get(i);
    if (error !== undefined)
      throw new Error(
        `${input.path}: the Control Tower Guard rules could not evaluate this template (${error}); the compliance gate does not pass a template it could not check`,
      );
    const report = reports[i];
    if (report !== undefined) return report;
    // Not reported by a worker (it failed, or is slow on this template): evaluated here.
    if (inThisThread) return evaluate(input);
    throw new Error(`${input.path}: no Guard worker thread reported on this template`);
  });
}

/**
 * The violations of the Guard rules on each template, in the shape of @cdklabs/cdk-validator-cfnguard's report.
 * With `scope` (what the rules look at), each template is first reduced to that part (guard-template.ts).
 * `merge: false` gives the evaluator each rule file as a file of its own (the reference the tests compare with).
 * `threads`: worker threads beside the synth's own (default `guardThreads(templatePaths.length)`);
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
  const reports = evaluateAll(engine, sources, inputs, options.threads ?? guardThreads(templatePaths.length), options.inThisThread ?? true);
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
