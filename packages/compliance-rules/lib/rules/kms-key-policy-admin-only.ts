import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { accountOfPrincipal, awsPrincipals, isOwnAccount, renderedProperties, statementsOf } from '../private/cfn';
import { NagRule, namedRule } from '../private/rule';

/**
 * KMS key policies grant `kms:*` to no principal other than the account itself (the
 * account's administration statement, `arn:<partition>:iam::<this account>:root`, which
 * delegates to IAM). Any other principal with `kms:*` (or `*`), a service principal, another
 * account, a role, everyone, or a `NotPrincipal` allow, could re-write the key policy
 * or schedule the key's deletion.
 *
 * @param node the CfnResource to check
 */
export const KmsKeyPolicyAdminOnly: NagRule = namedRule('KmsKeyPolicyAdminOnly', (node: CfnResource): NagRuleResult => {
  if (node.cfnResourceType !== 'AWS::KMS::Key' && node.cfnResourceType !== 'AWS::KMS::ReplicaKey') return NagRuleCompliance.NOT_APPLICABLE;
  for (const statement of statementsOf(renderedProperties(node).KeyPolicy)) {
    if (statement.Effect !== 'Allow') continue;
    // A NotAction allow grants everything it does not list: as good as kms:*.
    const fullAccess = statement.NotAction !== undefined || [statement.Action].flat().some((a) => a === '*' || String(a).toLowerCase() === 'kms:*');
    if (!fullAccess) continue;
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
