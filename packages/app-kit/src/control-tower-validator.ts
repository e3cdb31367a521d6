/**
 * The Control Tower Guard rules, evaluated only where they can find something, in-process.
 *
 * @cdklabs/cdk-validator-cfnguard runs all 237 rule files of its bundled rule set against every
 * template, and cfn-guard's cost grows with rules x templates: about 90% of a synth was spent there
 * (bench/RESULTS.md). A rule file reads only the resources of the types it names
 * (`Resources.*[ Type == 'AWS::S3::Bucket' ]`) and is skipped when the templates have none of them,
 * so a file that names none of the templates' resource types cannot report anything. This plugin
 * keeps the plugin's name (acknowledgement ids stay `cdk-validator-cfnguard::<rule>`) and, per
 * synth, disables the files none of whose named types occur in the templates. A file that names
 * no type is always run. The rules that remain are evaluated by the Guard evaluator aws-cdk-lib ships
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
import { readsMetadata } from './guard-template';

/** A rule file of the bundled rule set: its name (`ct-kms-pr-3`) and the resource types it names. */
export interface GuardRuleFile {
  readonly name: string;
  readonly resourceTypes: readonly string[];
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
      files.push({ name: parse(file).name, resourceTypes: [...types].sort() });
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
  const types = new Set<string>();
  for (const path of templatePaths) {
    const template = JSON.parse(readFileSync(path, 'utf8')) as { Resources?: Record<string, Record<string, unknown>> };
    for (const resource of Object.values(template.Resources ?? {})) {
      if (resource === null || typeof resource !== 'object') continue;
      for (const [key, value] of Object.entries(resource)) {
        if (key.toLowerCase() !== 'type') continue;
        for (const t of Array.isArray(value) ? value : [value]) if (typeof t === 'string') types.add(t);
      }
    }
  }
  return types;
}

/** The rule files that cannot report on templates with these resource types (none of their types occurs). */
export function inapplicableRuleFiles(types: ReadonlySet<string>, files: readonly GuardRuleFile[] = controlTowerRuleFiles()): string[] {
  return files.filter((f) => f.resourceTypes.length > 0 && !f.resourceTypes.some((t) => types.has(t))).map((f) => f.name);
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
    const disabled = new Set(inapplicableRuleFiles(templateResourceTypes(context.templatePaths)));
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
