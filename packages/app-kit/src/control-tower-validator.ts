/**
 * The Control Tower Guard rules, evaluated only where they can find something, in-process.
 *
 * @cdklabs/cdk-validator-cfnguard runs all 237 rule files of its bundled rule set against every
 * template, and cfn-guard's cost grows with rules x templates: about 90% of a synth was spent there
 * (bench/RESULTS.md). A rule file reads only the resources of the types it names
 * (`Resources.*[ Type == 'AWS::S3::Bucket' ]`) and is skipped when the templates have none of them,
 * so a file that names none of the templates' resource types cannot report anything. This plugin
 * keeps the plugin's name (acknowledgement ids stay `cdk-validator-cfnguard::<rule>`) and, per
 * synth, disables the files that cannot report on the templates: for a file whose rules all have
 * one of the bundled guard shapes (guard-rule-gates.ts), when no template holds a type the file
 * reports on and no top-level key its hook rules read; for any other file, when none of the types it
 * names occurs. A file that names no type is always run. The rules that remain are evaluated by the Guard evaluator aws-cdk-lib ships
 * (`guard-engine.ts`), not by spawning the plugin's cfn-guard binary. The same findings as the plugin
 * with every rule file, tested on synthesized templates (test/control-tower-validator.test.ts) and
 * compared on whole environments by `bench/synth/compare-findings.mjs`.
 */
import { readdirSync, readFileSync } from 'fs';
import { dirname, join, parse } from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { IPolicyValidationContextBeta1, IPolicyValidationPluginBeta1, PolicyValidationPluginReportBeta1 } from 'aws-cdk-lib';
import { CONTROL_TOWER_PLUGIN } from './control-tower';
import { guardViolations } from './guard-engine';
import { GuardRuleGates, guardRuleGates } from './guard-rule-gates';
import { readsMetadata } from './guard-template';

/** A rule file of the bundled rule set: its name (`ct-kms-pr-3`) and the resource types it names. */
export interface GuardRuleFile {
  readonly name: string;
  readonly resourceTypes: readonly string[];
  /**
   * What a template must hold before any rule of the file can report (guard-rule-gates.ts); without
   * gates the file runs whenever a template holds a type it names.
   */
  readonly gates?: GuardRuleGates;
}

const RESOURCE_TYPE = /AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g;

let ruleFiles: GuardRuleFile[] | undefined;
/** The text of each rule file, by name. */
const ruleTexts = new Map<string, string>();

/** The rule files bundled with @cdklabs/cdk-validator-cfnguard, read once. */
export function controlTowerRuleFiles(): readonly GuardRuleFile[] {
  if (ruleFiles !== undefined) return ruleFiles;
  const rulesDir = join(dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')), 'rules', 'control-tower', 'cfn-guard');
  const files: GuardRuleFile[] = [];
  for (const service of readdirSync(rulesDir)) {
    for (const file of readdirSync(join(rulesDir, service))) {
      if (!file.endsWith('.guard')) continue;
      // Every mention counts, comments included: more types only means the file runs more often.
      const text = readFileSync(join(rulesDir, service, file), 'utf8');
      const types = new Set(text.match(RESOURCE_TYPE) ?? []);
      files.push({ name: parse(file).name, resourceTypes: [...types].sort(), gates: guardRuleGates(text) });
      ruleTexts.set(parse(file).name, text);
    }
  }
  ruleFiles = files;
  return files;
}

/**
 * The resource types of the given CloudFormation templates, as Guard's `Type == '...'` queries can see
 * them: Guard matches the key case-insensitively and a list element-wise, so `"type": "AWS::SQS::Queue"`
 * and `"Type": ["AWS::SQS::Queue"]` count (CloudFormation would refuse them, but a rule file left out
 * for them would be a finding the gate misses).
 */
export function templateResourceTypes(templatePaths: readonly string[]): Set<string> {
  return templateKeys(templatePaths).types;
}

/** The resource types of the templates (as `templateResourceTypes`) and their top-level keys, in lower case. */
export function templateKeys(templatePaths: readonly string[]): { types: Set<string>; topLevelKeys: Set<string> } {
  const types = new Set<string>();
  const topLevelKeys = new Set<string>();
  for (const path of templatePaths) {
    const template = JSON.parse(readFileSync(path, 'utf8')) as { Resources?: Record<string, Record<string, unknown>> };
    if (template !== null && typeof template === 'object') for (const key of Object.keys(template)) topLevelKeys.add(key.toLowerCase());
    for (const resource of Object.values(template.Resources ?? {})) {
      if (resource === null || typeof resource !== 'object') continue;
      for (const [key, value] of Object.entries(resource)) {
        if (key.toLowerCase() !== 'type') continue;
        for (const t of Array.isArray(value) ? value : [value]) if (typeof t === 'string') types.add(t);
      }
    }
  }
  return { types, topLevelKeys };
}

/**
 * The rule files that cannot report on templates with these resource types and top-level keys (lower
 * case): a file with gates, when no template holds a type it reports on nor a key its hook rules read;
 * a file without, when none of the types it names occurs. Without `topLevelKeys`, only the types count.
 */
export function inapplicableRuleFiles(
  types: ReadonlySet<string>,
  files: readonly GuardRuleFile[] = controlTowerRuleFiles(),
  topLevelKeys?: ReadonlySet<string>,
): string[] {
  const cannotReport = (f: GuardRuleFile): boolean => {
    if (f.gates === undefined || topLevelKeys === undefined) return f.resourceTypes.length > 0 && !f.resourceTypes.some((t) => types.has(t));
    return !f.gates.reportsOn.some((t) => types.has(t)) && !f.gates.hookKeys.some((k) => topLevelKeys.has(k.toLowerCase()));
  };
  return files.filter(cannotReport).map((f) => f.name);
}

/** The Control Tower Guard rules of @cdklabs/cdk-validator-cfnguard, only the files that apply to the templates. */
export class ControlTowerGuardValidator implements IPolicyValidationPluginBeta1 {
  public readonly name = CONTROL_TOWER_PLUGIN;
  public readonly version: string | undefined;
  public readonly ruleIds: string[] | undefined;

  constructor() {
    const all = new CfnGuardValidator();
    this.version = all.version;
    this.ruleIds = all.ruleIds;
  }

  public validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    const { types, topLevelKeys } = templateKeys(context.templatePaths);
    const disabled = new Set(inapplicableRuleFiles(types, controlTowerRuleFiles(), topLevelKeys));
    const applicable = controlTowerRuleFiles().filter((f) => !disabled.has(f.name));
    const rules = applicable.map((f) => ({ name: f.name, content: ruleTexts.get(f.name) ?? '' }));
    // What the rules look at, so each template is reduced to it; none if a rule names no resource type.
    const scope = applicable.every((f) => f.resourceTypes.length > 0)
      ? { resourceTypes: new Set(applicable.flatMap((f) => f.resourceTypes)), readsMetadata: rules.some((r) => readsMetadata(r.content)) }
      : undefined;
    const violations = guardViolations(rules, context.templatePaths, scope);
    return { success: violations.length === 0, violations };
  }
}
