import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { accountOfPrincipal, awsPrincipals, conditionValues, isOwnAccount, renderedProperties, statementCoversAction, statementsOf } from '../private/cfn';
import { NagRule, namedRule } from '../private/rule';

/**
 * Role trust policies that let principals of another account (or everyone) assume the
 * role require an external id (`StringEquals` on `sts:ExternalId`), the protection against
 * the confused-deputy problem for third parties. Service principals and principals of the
 * role's own account are not affected. A principal whose account cannot be told from the
 * template counts as foreign.
 *
 * @param node the CfnResource to check
 */
export const IamCrossAccountTrustExternalId: NagRule = namedRule('IamCrossAccountTrustExternalId', (node: CfnResource): NagRuleResult => {
  if (node.cfnResourceType !== 'AWS::IAM::Role') return NagRuleCompliance.NOT_APPLICABLE;
  for (const statement of statementsOf(renderedProperties(node).AssumeRolePolicyDocument)) {
    if (statement.Effect !== 'Allow' || !statementCoversAction(statement, 'sts:AssumeRole')) continue;
    const foreign = awsPrincipals(statement).some((p) => !isOwnAccount(node, accountOfPrincipal(p)));
    if (!foreign) continue;
    const externalIds = conditionValues(statement, 'StringEquals', 'sts:ExternalId');
    if (externalIds === undefined || externalIds.length === 0 || externalIds.some((id) => id === '' || id === '*')) {
      return NagRuleCompliance.NON_COMPLIANT;
    }
  }
  return NagRuleCompliance.COMPLIANT;
});
