import * as fs from 'fs';
import * as path from 'path';
import { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, PolicyViolation } from 'aws-cdk-lib';
import { PolicyRule } from './policy-rule';
import { RULE_DESCRIPTIONS } from './private/document-rules';
import { iamDatasetVersion } from './private/iam-dataset';
import { analyzeTemplate, extractPolicies } from './private/template-policies';

/**
 * A CDK validation plugin that runs the least-privilege policy rules on every
 * synthesized template, so `cdk synth` prints a report (and fails) naming each
 * violating resource, its construct path, the rule and the offending statement.
 *
 * Same rules and suppressions as `PolicyValidator` (suppressions travel in the template
 * Metadata). Register it on the app:
 *
 * @example
 * Validations.of(app).addPlugins(new LeastPrivilegeValidationPlugin());
 */
export class LeastPrivilegeValidationPlugin implements IPolicyValidationPlugin {
  /** The plugin name printed in the report. */
  public readonly name = 'cdk-guardrails-least-privilege';
  /** The package version. */
  public readonly version?: string;
  /** Every rule the plugin evaluates. */
  public readonly ruleIds?: string[] = Object.values(PolicyRule);

  constructor() {
    this.version = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version;
  }

  /** Reads each template of the assembly and reports every unsuppressed finding. */
  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const violations: PolicyViolation[] = [];
    let policies = 0;
    let suppressed = 0;
    const stacks = context.stackTemplates ?? context.templatePaths.map((templatePath) => ({ templatePath, accountId: undefined, region: undefined }));
    for (const stack of stacks) {
      const template = JSON.parse(fs.readFileSync(stack.templatePath, 'utf8'));
      const ctx = { account: stack.accountId, region: stack.region };
      policies += extractPolicies(template, ctx).length;
      for (const f of analyzeTemplate(template, ctx)) {
        if (f.suppressed) {
          suppressed++;
          continue;
        }
        violations.push({
          ruleName: f.rule,
          description: `[${f.rule}] ${f.message} (at ${f.location})`,
          fix: RULE_DESCRIPTIONS[f.rule].fix,
          severity: 'error',
          violatingResources: [{ resourceLogicalId: f.logicalId, templatePath: stack.templatePath, locations: [f.location] }],
        });
      }
    }
    return {
      success: violations.length === 0,
      violations,
      pluginVersion: this.version,
      metadata: {
        templates: String(stacks.length),
        policies: String(policies),
        suppressed: String(suppressed),
        dataset: iamDatasetVersion(),
      },
    };
  }
}
