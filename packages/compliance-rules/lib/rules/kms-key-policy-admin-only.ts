import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { accountOfPrincipal, awsPrincipals, isOwnAccount, renderedProperties, statementCoversAction, statementsOf } from '../private/cfn';
import { NagRule, namedRule } from '../private/rule';

/**
 * The key-administration actions that let their holder take the key: re-write its policy
 * (`PutKeyPolicy`), copy its key material under a policy of its choosing (`ReplicateKey`), or
 * destroy it (`ScheduleKeyDeletion`, `DisableKey`, `DeleteImportedKeyMaterial`).
 */
const KEY_ADMINISTRATION_ACTIONS: readonly string[] = [
  'kms:PutKeyPolicy',
  'kms:ScheduleKeyDeletion',
  'kms:DisableKey',
  'kms:DeleteImportedKeyMaterial',
  'kms:ReplicateKey',
];

/**
 * KMS key policies grant the key-administration actions (`kms:PutKeyPolicy`,
 * `kms:ScheduleKeyDeletion`, `kms:DisableKey`, `kms:DeleteImportedKeyMaterial`,
 * `kms:ReplicateKey`) to no principal other than the account itself (the account's
 * administration statement, `arn:<partition>:iam::<this account>:root`, which delegates to
 * IAM). An action counts when it names one of them or matches one through a wildcard (`*`,
 * `kms:*`, `kms:?*`, `kms:Put*`, case-insensitive); a `NotAction` allow counts always. Any other
 * principal holding one (a service principal, another account, a role, everyone, or a
 * `NotPrincipal` allow) could re-write the key policy or destroy the key.
 *
 * @param node the CfnResource to check
 */
export const KmsKeyPolicyAdminOnly: NagRule = namedRule('KmsKeyPolicyAdminOnly', (node: CfnResource): NagRuleResult => {
  if (node.cfnResourceType !== 'AWS::KMS::Key' && node.cfnResourceType !== 'AWS::KMS::ReplicaKey') return NagRuleCompliance.NOT_APPLICABLE;
  for (const statement of statementsOf(renderedProperties(node).KeyPolicy)) {
    if (statement.Effect !== 'Allow') continue;
    // A NotAction allow grants everything it does not list: as good as kms:*.
    const administers = statement.NotAction !== undefined || KEY_ADMINISTRATION_ACTIONS.some((a) => statementCoversAction(statement, a));
    if (!administers) continue;
    if (statement.NotPrincipal !== undefined) return NagRuleCompliance.NON_COMPLIANT;
    const principal = statement.Principal;
    const onlyAws = principal !== undefined && principal !== '*' && Object.keys(principal).every((k) => k === 'AWS');
    if (!onlyAws) return NagRuleCompliance.NON_COMPLIANT;
    const roots = awsPrincipals(statement).every((p) => isAccountRoot(node, p));
    if (!roots) return NagRuleCompliance.NON_COMPLIANT;
  }
  return NagRuleCompliance.COMPLIANT;
});

function isAccountRoot(node: CfnResource, principal: string): boolean {
  const account = accountOfPrincipal(principal);
  if (!isOwnAccount(node, account)) return false;
  return /^\d{12}$/.test(principal) || principal === '${AWS::AccountId}' || /:root$/.test(principal);
}
