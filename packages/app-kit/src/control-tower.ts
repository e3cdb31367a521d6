/**
 * The AWS Control Tower proactive controls in the gate: the Guard rules that
 * @cdklabs/cdk-validator-cfnguard bundles (one `ct-<service>-pr-<n>.guard` file per control).
 * The plugin reports and acknowledges a finding by the Guard rule's name
 * (`kms_create_grant_aws_service_check`), not by the control id people know (`CT.KMS.PR.3`):
 * acknowledgements here are written with the control id and translated, so a control id that the
 * pinned rule set does not have fails synth instead of acknowledging nothing.
 */
import { readdirSync, readFileSync } from 'fs';
import { dirname, join } from 'path';

/** The plugin's name, the prefix of its acknowledgement ids. */
export const CONTROL_TOWER_PLUGIN = 'cdk-validator-cfnguard';

let ruleNames: Map<string, string> | undefined;

/** Control id (`CT.KMS.PR.3`) to Guard rule name, read once from the installed rule files. */
function controlTowerRuleNames(): Map<string, string> {
  if (ruleNames !== undefined) return ruleNames;
  const rulesDir = join(dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')), 'rules', 'control-tower', 'cfn-guard');
  const names = new Map<string, string>();
  for (const service of readdirSync(rulesDir)) {
    for (const file of readdirSync(join(rulesDir, service))) {
      const id = /^ct-([a-z0-9]+)-pr-(\d+)\.guard$/.exec(file);
      if (!id) continue;
      // The primary rule is the first `rule <name> when ...` of the file (the parameterized rules follow it).
      const rule = /^rule\s+([a-z0-9_]+)\s+when\b/m.exec(readFileSync(join(rulesDir, service, file), 'utf8'));
      if (rule) names.set(`CT.${id[1].toUpperCase()}.PR.${id[2]}`, rule[1]);
    }
  }
  ruleNames = names;
  return names;
}

/**
 * The acknowledgement id of a Control Tower control: `controlTowerRuleId('CT.KMS.PR.3')` is
 * `cdk-validator-cfnguard::kms_create_grant_aws_service_check`. Throws when the pinned rule set
 * has no such control.
 */
export function controlTowerRuleId(controlId: string): string {
  const name = controlTowerRuleNames().get(controlId);
  if (name === undefined) {
    throw new Error(
      `controlTowerRuleId: controlId: received '${controlId}'; expected a control of the Guard rules bundled with @cdklabs/cdk-validator-cfnguard (CT.<SERVICE>.PR.<n>, e.g. CT.KMS.PR.3)`,
    );
  }
  return `${CONTROL_TOWER_PLUGIN}::${name}`;
}
