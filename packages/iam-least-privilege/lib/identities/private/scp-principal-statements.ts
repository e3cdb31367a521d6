import * as iam from 'aws-cdk-lib/aws-iam';
import { cdkBootstrapRolePattern, exceptPrincipals } from './guardrail-statements';
import { propError } from '../../private/errors';
import { GROUP_POLICY_ACTIONS, POLICY_EDIT_ACTIONS, ROLE_MANAGEMENT_ACTIONS, ROLE_USE_ACTIONS } from './perms';
import { validateBoundedRolePath, validateCdkBootstrapQualifier, validateIamNames, validateNonEmpty, validateScpPrincipalArns } from './validate';
import type { GuardrailPrincipalsProtectionOptions } from '../service-control-policy-options';

/**
 * The statements of ServiceControlPolicy.protectGuardrailPrincipals, after checking its options:
 * deny changing, passing or assuming the protected roles, the CDK bootstrap roles and the named
 * policies and groups (but for the managers, deploy roles and pipelines), and deny assuming the CDK
 * roles but for the pipelines.
 */
export function guardrailPrincipalsStatements(owner: string, options: GuardrailPrincipalsProtectionOptions): iam.PolicyStatement[] {
  validateScpPrincipalArns(owner, 'protectedPrincipalArns', options.protectedPrincipalArns ?? [], { rolesOnly: true });
  validateNonEmpty(
    owner,
    'managerPrincipalArns',
    options.managerPrincipalArns,
    'at least one exact IAM role or user ARN (without a manager, nobody can create or update the protected roles and the CDK bootstrap roles)',
  );
  validateScpPrincipalArns(owner, 'managerPrincipalArns', options.managerPrincipalArns);
  validateScpPrincipalArns(owner, 'pipelinePrincipalArns', options.pipelinePrincipalArns ?? []);
  validateScpPrincipalArns(owner, 'cdkDeployRoleArns', options.cdkDeployRoleArns ?? [], { rolesOnly: true });
  // Required (a JavaScript or Python caller can still leave it out): no silent default (red10 R10-4).
  const qualifier = options.cdkBootstrapQualifier;
  if (qualifier === undefined || qualifier === null) {
    throw propError(
      owner,
      'cdkBootstrapQualifier',
      'nothing',
      "the qualifier the accounts are bootstrapped with (`cdk bootstrap --qualifier`), for example 'grdprod'",
      "Without it the SCP would protect another bootstrap's roles than the accounts use",
    );
  }
  validateCdkBootstrapQualifier(owner, 'cdkBootstrapQualifier', qualifier);
  const cdkRoles = cdkBootstrapRolePattern(qualifier);
  const protectedArns = [...new Set(options.protectedPrincipalArns ?? [])];
  const managers = options.managerPrincipalArns;

  // One exception list, written once: an SCP has 5,120 characters and every account adds its
  // execution and deploy roles per region. The pipelines, deploy roles and managers may change,
  // pass or assume these roles; of them, only the pipelines may assume the CDK roles.
  const trusted = [...managers, ...(options.cdkDeployRoleArns ?? []), ...(options.pipelinePrincipalArns ?? [])];
  const policyNames = options.protectedPolicyNames ?? [];
  validateIamNames(owner, 'protectedPolicyNames', policyNames, 'a managed policy name', 'GuardrailsPermissionsBoundary');
  const groupNames = options.protectedGroupNames ?? [];
  validateIamNames(owner, 'protectedGroupNames', groupNames, 'an IAM group name', 'GuardrailsOperators');
  const statements = [
    new iam.PolicyStatement({
      sid: 'DenyGuardrailRoleChanges',
      effect: iam.Effect.DENY,
      // The boundary policies ride on the same statement (one exception list, written once): the
      // role actions never target a policy ARN, the policy edits never a role ARN.
      actions: [
        ...new Set([
          ...ROLE_MANAGEMENT_ACTIONS,
          ...ROLE_USE_ACTIONS,
          ...(policyNames.length > 0 ? POLICY_EDIT_ACTIONS : []),
          ...(groupNames.length > 0 ? GROUP_POLICY_ACTIONS : []),
        ]),
      ],
      resources: [
        ...protectedArns,
        cdkRoles,
        ...[...new Set(policyNames)].map((n) => `arn:*:iam::*:policy/${n}`),
        ...[...new Set(groupNames)].map((n) => `arn:*:iam::*:group/${n}`),
      ],
      conditions: exceptPrincipals(trusted),
    }),
    new iam.PolicyStatement({
      sid: 'DenyCdkRoleAssumption',
      effect: iam.Effect.DENY,
      actions: ['sts:AssumeRole*'],
      resources: [cdkRoles],
      conditions: exceptPrincipals(options.pipelinePrincipalArns ?? []),
    }),
  ];
  if (options.boundedRolePath !== undefined) {
    validateBoundedRolePath(owner, 'boundedRolePath', options.boundedRolePath);
    const boundaryNames = options.boundedRoleBoundaryNames ?? ['GuardrailsPermissionsBoundary'];
    validateNonEmpty(owner, 'boundedRoleBoundaryNames', boundaryNames, 'at least one managed policy name, such as GuardrailsPermissionsBoundary');
    validateIamNames(owner, 'boundedRoleBoundaryNames', boundaryNames, 'a managed policy name', 'GuardrailsPermissionsBoundary');
    statements.push(
      new iam.PolicyStatement({
        sid: 'DenyUnboundedRolesUnderPath',
        effect: iam.Effect.DENY,
        // CreateRole and PutRolePermissionsBoundary carry iam:PermissionsBoundary (a missing key, no
        // boundary requested, makes StringNotLike true: denied). No exception: the deployers create the
        // path's roles with the boundary too. Not DeleteRolePermissionsBoundary: denied to everyone it
        // could stop CloudFormation from replacing a role; the boundary denies it to bounded identities.
        actions: ['iam:CreateRole', 'iam:PutRolePermissionsBoundary'],
        resources: [`arn:*:iam::*:role${options.boundedRolePath}*`],
        conditions: { StringNotLike: { 'iam:PermissionsBoundary': [...new Set(boundaryNames)].map((n) => `arn:*:iam::*:policy/${n}`) } },
      }),
    );
  }
  return statements;
}
