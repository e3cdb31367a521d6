/** Cross-field rules of the StackSet deployment (config stackSets) and of the organization policies (organizationPolicies). */
import { ConfigProblem, problem } from './config-problem';
import { GuardrailsConfig } from './schema';

/**
 * The StackSet baseline is service-managed: StackSets deploys it in each target account with the
 * role it creates there, `stacksets-exec-<id>` (not `AWSCloudFormationStackSetExecutionRole`, the
 * self-managed default). The SCPs exempt, and the boundaries protect, the role by the exact name in
 * `principals.stackSetExecutionRoleName`; a wrong name would block the baseline and exempt a role
 * anyone could create.
 */
export function stackSetExecutionRole(config: GuardrailsConfig): ConfigProblem[] {
  const name = config.principals.stackSetExecutionRoleName;
  // Assumption: the id after the prefix is alphanumeric (observed: 32 hexadecimal characters); any
  // other name, the self-managed default in particular, is refused.
  if (config.stackSets === undefined || /^stacksets-exec-[0-9A-Za-z]{8,64}$/.test(name)) return [];
  return [
    problem(
      'principals.stackSetExecutionRoleName',
      name,
      'with stackSets (service-managed StackSets), the exact name of the role StackSets created in the target accounts, ' +
        '"stacksets-exec-" and the id StackSets gave it (IAM console of a target account, Roles, search "stacksets-exec")',
    ),
  ];
}

/**
 * Service-managed StackSets target organizational units, so the baseline ships through an
 * organization-wide destination (which needs `organizationId`), and a destination exists only in
 * the security account's regions: a baseline region without one would ship nothing.
 */
export function stackSetTargets(config: GuardrailsConfig): ConfigProblem[] {
  if (config.stackSets === undefined) return [];
  const problems: ConfigProblem[] = [];
  if (config.organizationId === undefined) {
    problems.push(
      problem(
        'organizationId',
        null,
        'the AWS Organizations id (o-...) with stackSets: service-managed StackSets target organizational units, and the baseline ships through an organization-wide destination',
      ),
    );
  }
  config.stackSets.regions.forEach((region, i) => {
    if (!config.securityAccount.regions.includes(region)) {
      problems.push(
        problem(
          `stackSets.regions[${i}]`,
          region,
          `one of securityAccount.regions (${config.securityAccount.regions.join(', ')}): the baseline ships to the central destination of its own region`,
        ),
      );
    }
  });
  return problems;
}

/**
 * RCPs are written only with `organizationId` (never assumed): trusted accounts without it would
 * be a setting that does nothing. A trusted account of the environment itself is already inside.
 */
export function organizationPolicies(config: GuardrailsConfig): ConfigProblem[] {
  const trusted = config.organizationPolicies.trustedAccountIds;
  if (trusted.length > 0 && config.organizationId === undefined) {
    return [
      problem(
        'organizationPolicies.trustedAccountIds',
        trusted,
        'no trusted accounts without organizationId: they only take effect in the RCPs, which need organizationId',
      ),
    ];
  }
  const own = new Set([config.securityAccount.accountId, ...config.workloadAccounts.map((a) => a.accountId)]);
  const problems = trusted.flatMap((id, i) =>
    own.has(id)
      ? [problem(`organizationPolicies.trustedAccountIds[${i}]`, id, 'an account outside the environment (its own accounts are in the organization)')]
      : [],
  );
  // With organizationId the RCP identity perimeter denies sts:AssumeRole to principals outside the
  // organization: a cross-account role for a third party (a vendor, an auditor) would stop working
  // at the first deploy of the RCPs. Config cannot tell which accounts are in the organization, so
  // every account a cross-account role trusts must be listed (an account of the organization is
  // harmless there: it passes the perimeter anyway).
  if (config.organizationId !== undefined) {
    const listed = new Set(trusted);
    config.iam.crossAccountRoles.forEach((role, i) =>
      role.trustedAccountIds.forEach((id, j) => {
        if (!own.has(id) && !listed.has(id)) {
          problems.push(
            problem(
              `iam.crossAccountRoles[${i}].trustedAccountIds[${j}]`,
              id,
              'an account also listed in organizationPolicies.trustedAccountIds: with organizationId the RCP identity perimeter denies sts:AssumeRole on this role to principals outside the organization unless their account is trusted (listing an account of the organization is harmless)',
            ),
          );
        }
      }),
    );
  }
  return problems;
}
