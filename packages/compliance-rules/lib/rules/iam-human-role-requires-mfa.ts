import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { asArray, awsPrincipals, conditionValues, renderedProperties, Statement, statementCoversAction, statementsOf } from '../private/cfn';
import { NagRule, namedRule } from '../private/rule';

/**
 * Roles that humans assume require MFA. A trust statement is a human one when it is an
 * `Allow` of `sts:AssumeRole` (directly or through a wildcard) to an account (`123456789012`,
 * `arn:...:iam::<account>:root`), an IAM user (`arn:...:iam::<account>:user/...`) or everyone
 * (`*`), and carries no `sts:ExternalId` condition (a third party's machine, checked by
 * IamCrossAccountTrustExternalId). Every such statement must require MFA itself: `Bool`
 * `aws:MultiFactorAuthPresent` `true`, or `NumericLessThan`/`NumericLessThanEquals` on
 * `aws:MultiFactorAuthAge`. `BoolIfExists` does not count (it passes when the key is absent,
 * as it is for access keys), nor does an MFA statement beside another Allow without it, nor a
 * Deny. Service principals, role ARNs (role sessions carry no MFA) and federated principals
 * (`sts:AssumeRoleWithSAML` / `sts:AssumeRoleWithWebIdentity`: the identity provider enforces
 * MFA, which the template cannot show) are not affected.
 *
 * @param node the CfnResource to check
 */
export const IamHumanRoleRequiresMfa: NagRule = namedRule('IamHumanRoleRequiresMfa', (node: CfnResource): NagRuleResult => {
  if (node.cfnResourceType !== 'AWS::IAM::Role') return NagRuleCompliance.NOT_APPLICABLE;
  for (const statement of statementsOf(renderedProperties(node).AssumeRolePolicyDocument)) {
    if (statement.Effect !== 'Allow' || !statementCoversAction(statement, 'sts:AssumeRole')) continue;
    if (!awsPrincipals(statement).some(isHumanPrincipal)) continue;
    if (conditionValues(statement, 'StringEquals', 'sts:ExternalId') !== undefined) continue;
    if (!requiresMfa(statement)) return NagRuleCompliance.NON_COMPLIANT;
  }
  return NagRuleCompliance.COMPLIANT;
});

/** An account, account root, IAM user or everyone: principals a person signs in as. */
function isHumanPrincipal(principal: string): boolean {
  if (principal === '*' || /^\d{12}$/.test(principal)) return true;
  return /^arn:(?:\$\{[^}]*\}|[^:]+):iam::(?:\$\{[^}]*\}|[^:]+):(?:root|user\/.*)$/.test(principal);
}

/** Whether the statement itself only matches sessions signed in with MFA. */
function requiresMfa(statement: Statement): boolean {
  const present = conditionValues(statement, 'Bool', 'aws:MultiFactorAuthPresent');
  if (present !== undefined && present.length > 0 && present.every((v) => String(v).toLowerCase() === 'true')) return true;
  for (const operator of ['NumericLessThan', 'NumericLessThanEquals']) {
    const age = conditionValues(statement, operator, 'aws:MultiFactorAuthAge');
    if (age !== undefined && age.length > 0 && asArray(age).every((v) => /^\d+$/.test(String(v)))) return true;
  }
  return false;
}
