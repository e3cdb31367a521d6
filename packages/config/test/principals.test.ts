import {
  accountRegions,
  limitedRegionPrincipalArns,
  limitedRegionPrincipalArnsOf,
  organizationLimitedRegions,
  boundaryProtections,
  guardrailStackNames,
  scpGuardrailStackNames,
  stackDeployerArns,
  bootstrapRegions,
  cdkDeployRoleArns,
  cdkRoleArn,
  deployedRegions,
  executionRoleArns,
  guardrailAdministratorArns,
  keyAdministratorArns,
  loadConfig,
  parseConfig,
  protectedPrincipalArns,
  scpExemptPrincipalArns,
  scpGuardrailAdministratorArns,
  scpProtectedPrincipalArns,
  accountSettingsRoleArns,
  evidenceDestinationName,
  evidenceSubscriberArnPatterns,
} from '../src';
import { CONFIG_DIR, problemsOf } from './support/configs';

const prod = loadConfig('prod', { configDir: CONFIG_DIR });
const SECURITY = prod.securityAccount.accountId;
const PAYMENTS = prod.workloadAccounts[0].accountId;

function minimal(principals: unknown): unknown {
  return {
    environment: 'dev',
    securityAccount: { accountId: '111111111111', regions: ['eu-west-1', 'us-east-1'] },
    // A qualifier of its own unless the test names one (config refuses CDK's default).
    principals: principals === undefined ? undefined : { cdkQualifier: 'grdtest', ...(principals as object) },
    workloadAccounts: [{ name: 'a', accountId: '222222222222', regions: ['eu-west-1'] }],
    s3: { encryption: 'SSE_S3' },
    compliance: { waiverOwner: 'guardrails-maintainers', waiverReviewBy: '2027-06-01' },
    removalPolicy: 'destroy',
  };
}

describe('config.principals', () => {
  test('fails without a pipeline role: nobody could deploy once the CDK roles are protected', () => {
    expect(problemsOf(minimal({ pipelineRoleArns: [] }))).toMatch(/principals\.pipelineRoleArns: .*expected at least one pipeline role ARN/);
    expect(problemsOf(minimal(undefined))).toMatch(/principals: received nothing/);
  });

  test('fails on a pipeline role pattern: exemptions name exact ARNs', () => {
    expect(problemsOf(minimal({ pipelineRoleArns: ['arn:aws:iam::111111111111:role/pipeline-*'] }))).toMatch(
      /principals\.pipelineRoleArns\[0\]: received "arn:aws:iam::111111111111:role\/pipeline-\*"; expected an exact IAM role ARN/,
    );
  });

  test('fails on a role name with a wildcard or a path', () => {
    expect(problemsOf(minimal({ pipelineRoleArns: ['arn:aws:iam::111111111111:role/p'], breakGlassRoleName: 'BreakGlass*' }))).toMatch(
      /principals\.breakGlassRoleName: received "BreakGlass\*"; expected an IAM role name/,
    );
    expect(problemsOf(minimal({ pipelineRoleArns: ['arn:aws:iam::111111111111:role/p'], cdkQualifier: 'HNB659FDS' }))).toMatch(
      /principals\.cdkQualifier: received "HNB659FDS"; expected the CDK bootstrap qualifier/,
    );
  });

  test("cdkQualifier is required and never CDK's default: the SCPs exempt its execution roles in every account they govern (R9-1)", () => {
    const base = { pipelineRoleArns: ['arn:aws:iam::111111111111:role/p'] };
    expect(problemsOf(minimal({ ...base, cdkQualifier: undefined }))).toMatch(
      /principals\.cdkQualifier: received nothing \(the field is missing\); expected the CDK bootstrap qualifier of the environment \(cdk bootstrap --qualifier\)/,
    );
    expect(problemsOf(minimal({ ...base, cdkQualifier: 'hnb659fds' }))).toMatch(
      /principals\.cdkQualifier: received "hnb659fds"; expected a qualifier of your own, not CDK's default "hnb659fds": the SCPs exempt the qualifier's execution roles in every account they govern/,
    );
    expect(parseConfig(minimal({ ...base, cdkQualifier: 'grdprod' }), 'dev').principals.cdkQualifier).toBe('grdprod');
    for (const env of ['dev', 'staging', 'prod']) expect(loadConfig(env, { configDir: CONFIG_DIR }).principals.cdkQualifier).not.toBe('hnb659fds');
  });

  test('boundedRolePath: a path below "/" without wildcards or policy variables', () => {
    const base = { pipelineRoleArns: ['arn:aws:iam::111111111111:role/p'] };
    for (const bad of ['/', 'bounded/', '/bounded', '/bound*/', '/b?/', '/${aws:username}/']) {
      expect(problemsOf(minimal({ ...base, boundedRolePath: bad }))).toContain(`principals.boundedRolePath: received "${bad}"`);
      expect(problemsOf(minimal({ ...base, boundedRolePath: bad }))).toMatch(/expected an IAM path below "\/"/);
    }
    const parsed = parseConfig(minimal({ ...base, boundedRolePath: '/bounded/team-a/' }), 'dev');
    expect(parsed.principals.boundedRolePath).toBe('/bounded/team-a/');
  });

  test('with service-managed StackSets, the StackSet execution role must be the stacksets-exec-<id> role StackSets created', () => {
    const withStackSets = (principals: unknown) => ({
      ...(minimal(principals) as object),
      organizationId: 'o-abcd123456',
      stackSets: { organizationalUnitIds: ['ou-ab12-cdef3456'], regions: ['eu-west-1'], adminAccountId: '999999999999', adminRegion: 'eu-west-1' },
    });
    const base = { pipelineRoleArns: ['arn:aws:iam::111111111111:role/p'] };
    expect(problemsOf(withStackSets(base))).toMatch(
      /principals\.stackSetExecutionRoleName: received "AWSCloudFormationStackSetExecutionRole"; expected with stackSets \(service-managed StackSets\), the exact name of the role StackSets created/,
    );
    const parsed = parseConfig(withStackSets({ ...base, stackSetExecutionRoleName: 'stacksets-exec-0123456789abcdef0123456789abcdef' }), 'dev');
    expect(parsed.principals.stackSetExecutionRoleName).toBe('stacksets-exec-0123456789abcdef0123456789abcdef');
  });
});

describe('principal queries', () => {
  test('evidence subscribers (red-team A14): the execution role of the region, the StackSet execution role with stackSets, the sender role with an organization; no other principal', () => {
    const accountMode = parseConfig(minimal({ pipelineRoleArns: ['arn:aws:iam::111111111111:role/pipeline'] }), 'dev');
    expect(accountMode.organizationId).toBeUndefined();
    expect(evidenceSubscriberArnPatterns(accountMode, 'eu-west-1')).toEqual(['arn:aws:iam::*:role/cdk-grdtest-cfn-exec-role-*-eu-west-1']);
    const expected = [
      'arn:aws:iam::*:role/cdk-grdprod-cfn-exec-role-*-eu-west-1',
      ...(prod.stackSets !== undefined ? [`arn:aws:iam::*:role/${prod.principals.stackSetExecutionRoleName}`] : []),
      ...(prod.organizationId !== undefined ? ['arn:aws:iam::*:role/guardrails-log-writer-sender-eu-west-1'] : []),
    ];
    expect(evidenceSubscriberArnPatterns(prod, 'eu-west-1')).toEqual(expected);
    // each one is a name the SCPs exempt or protect (CDK qualifier, StackSet execution role, log writer roles)
    for (const pattern of evidenceSubscriberArnPatterns(prod, 'eu-west-1'))
      expect(pattern).toMatch(/^arn:aws:iam::\*:role\/(cdk-grdprod-|guardrails-log-writer-|AWSCloudFormationStackSetExecutionRole$)/);
    expect(evidenceDestinationName('guardrails-central-logs')).toBe('guardrails-central-logs-evidence');
  });

  test('CDK role ARNs follow cdk bootstrap naming', () => {
    expect(cdkRoleArn(prod, 'cfn-exec', PAYMENTS, 'eu-west-1')).toBe(`arn:aws:iam::${PAYMENTS}:role/cdk-grdprod-cfn-exec-role-${PAYMENTS}-eu-west-1`);
  });

  test('an account is bootstrapped where its stacks deploy: workloads add us-east-1 and the replica region', () => {
    expect(bootstrapRegions(prod, SECURITY).sort()).toEqual(['eu-central-1', 'eu-west-1', 'us-east-1']);
    expect(bootstrapRegions(prod, PAYMENTS).sort()).toEqual(['eu-central-1', 'eu-north-1', 'eu-west-1', 'us-east-1']);
    expect(executionRoleArns(prod, PAYMENTS)).toHaveLength(4);
  });

  test("key administrators are the region's execution role, the key admin and break-glass: never the account root", () => {
    expect(keyAdministratorArns(prod, PAYMENTS, 'eu-west-1')).toEqual([
      `arn:aws:iam::${PAYMENTS}:role/cdk-grdprod-cfn-exec-role-${PAYMENTS}-eu-west-1`,
      `arn:aws:iam::${PAYMENTS}:role/GuardrailsKeyAdmin`,
      `arn:aws:iam::${PAYMENTS}:role/GuardrailsBreakGlass`,
    ]);
  });

  test('guardrail administrators: execution roles, StackSet execution role, log admin, break-glass', () => {
    const arns = guardrailAdministratorArns(prod, SECURITY);
    expect(arns).toContain(`arn:aws:iam::${SECURITY}:role/GuardrailsLogAdmin`);
    expect(arns).toContain(`arn:aws:iam::${SECURITY}:role/AWSCloudFormationStackSetExecutionRole`);
    expect(arns).not.toContain(`arn:aws:iam::${SECURITY}:role/GuardrailsKeyAdmin`);
    expect(arns.every((a) => !/[*?]/.test(a))).toBe(true);
  });

  test('protected principals include the Control Tower roles and, in workload accounts, the cross-account roles', () => {
    expect(protectedPrincipalArns(prod, PAYMENTS)).toEqual(
      expect.arrayContaining([`arn:aws:iam::${PAYMENTS}:role/AWSControlTowerExecution`, `arn:aws:iam::${PAYMENTS}:role/GuardrailsSecurityAudit`]),
    );
    expect(protectedPrincipalArns(prod, SECURITY)).not.toContain(`arn:aws:iam::${SECURITY}:role/GuardrailsSecurityAudit`);
  });

  test('SCP exemptions name roles in every governed account (a constant list), each of them protected; key and log admins are not exempt', () => {
    const arns = scpExemptPrincipalArns(prod);
    expect(arns).toEqual([
      'arn:aws:iam::*:role/cdk-grdprod-cfn-exec-role-*-eu-central-1',
      'arn:aws:iam::*:role/cdk-grdprod-cfn-exec-role-*-eu-north-1',
      'arn:aws:iam::*:role/cdk-grdprod-cfn-exec-role-*-eu-west-1',
      'arn:aws:iam::*:role/cdk-grdprod-cfn-exec-role-*-us-east-1',
      'arn:aws:iam::*:role/AWSCloudFormationStackSetExecutionRole',
      'arn:aws:iam::*:role/AWSControlTowerExecution',
      'arn:aws:iam::*:role/GuardrailsBreakGlass',
    ]);
    // The same list for one account or many: it does not grow with the accounts.
    const more = { ...prod, workloadAccounts: [...prod.workloadAccounts, { ...prod.workloadAccounts[0], name: 'more', accountId: '999999999999' }] };
    expect(scpExemptPrincipalArns(more)).toEqual(arns);
    expect(arns.filter((a) => a.includes('GuardrailsLogAdmin') || a.includes('GuardrailsKeyAdmin'))).toEqual([]);
    expect(cdkDeployRoleArns(prod)).toContain('arn:aws:iam::*:role/cdk-grdprod-deploy-role-*-eu-north-1');
    // Every named exemption is a protected name too (the CDK roles are protected by their qualifier).
    const protectedArns = scpProtectedPrincipalArns(prod);
    for (const a of [...arns, ...stackDeployerArns(prod), ...scpGuardrailAdministratorArns(prod)].filter((x) => !x.includes(':role/cdk-grdprod-'))) {
      expect(protectedArns).toContain(a);
    }
    expect(protectedArns).toContain(prod.principals.pipelineRoleArns[0]);
    // Not the cross-account roles: their assumers may assume them, so the workload app protects them
    // with an SCP of their own (protect-cross-account-roles, red7 R7-5).
    expect(protectedArns).not.toContain('arn:aws:iam::*:role/GuardrailsSecurityAudit');
  });

  test('the settings roles: one name per bootstrapped or StackSet region, in every governed account', () => {
    expect(accountSettingsRoleArns(prod)).toEqual(
      ['eu-central-1', 'eu-north-1', 'eu-west-1', 'us-east-1'].map((r) => `arn:aws:iam::*:role/guardrails-account-settings-${r}`),
    );
    const withStackSets = { ...prod, stackSets: { ...({} as any), regions: ['ap-southeast-2'] } } as typeof prod;
    expect(accountSettingsRoleArns(withStackSets)).toContain('arn:aws:iam::*:role/guardrails-account-settings-ap-southeast-2');
  });

  test('the pipeline role is protected in its own account; the stacks and boundary policies each boundary protects', () => {
    const pipeline = prod.principals.pipelineRoleArns[0];
    expect(protectedPrincipalArns(prod, pipeline.split(':')[4])).toContain(pipeline);
    expect(protectedPrincipalArns(prod, PAYMENTS)).not.toContain(pipeline);
    expect(guardrailStackNames(prod, SECURITY)).toEqual(['prod-security-*']);
    expect(guardrailStackNames(prod, PAYMENTS)).toEqual(['prod-workload-*']);
    expect(boundaryProtections(prod, PAYMENTS)).toMatchObject({
      protectedStackNames: ['prod-workload-*'],
      protectedPolicyNames: ['GuardrailsDeploymentBoundary'],
      boundedRolePath: '/bounded/',
    });
    expect(scpGuardrailStackNames(prod)).toEqual(['prod-security-*', 'prod-workload-*', 'CDKToolkit', 'StackSet-*']);
  });

  test('stack deployers: pipelines, deploy roles, StackSet and Control Tower roles, break-glass; never an execution role', () => {
    const deployers = stackDeployerArns(prod);
    expect(deployers).toEqual(
      expect.arrayContaining([...prod.principals.pipelineRoleArns, ...cdkDeployRoleArns(prod), 'arn:aws:iam::*:role/GuardrailsBreakGlass']),
    );
    expect(deployers.some((a) => a.includes('cfn-exec'))).toBe(false);
    // Patterns only for an account ('*') and for the CDK roles' names (which hold the account).
    expect(deployers.filter((a) => /[*?]/.test(a.split(':role/')[1])).every((a) => a.includes(':role/cdk-grdprod-deploy-role-*-'))).toBe(true);
  });

  test('the region SCP regions include the audit replica region and the StackSet regions', () => {
    expect(deployedRegions(prod)).toEqual(['eu-central-1', 'eu-north-1', 'eu-west-1', 'us-east-1']);
    const withStackSets = { ...prod, stackSets: { ...({} as any), regions: ['ap-southeast-2'] } } as typeof prod;
    expect(deployedRegions(withStackSets)).toContain('ap-southeast-2');
  });
  test("each account's own regions (per-account region SCP): its stack regions; limited, us-east-1 IAM capture and audit replica; never outside the environment", () => {
    expect(accountRegions(prod)).toEqual([
      { accountId: SECURITY, regions: ['eu-central-1', 'eu-west-1', 'us-east-1'], limitedRegions: [] },
      { accountId: PAYMENTS, regions: ['eu-central-1', 'eu-west-1'], limitedRegions: ['eu-north-1', 'us-east-1'] },
      { accountId: prod.workloadAccounts[1].accountId, regions: ['eu-west-1'], limitedRegions: ['eu-north-1', 'us-east-1'] },
    ]);
    const deployed = new Set(deployedRegions(prod));
    expect(accountRegions(prod).every((a) => [...a.regions, ...a.limitedRegions].every((r) => deployed.has(r)))).toBe(true);
    // A workload account with us-east-1 among its regions runs its whole stack there: not limited.
    const east = { ...prod, workloadAccounts: [{ ...prod.workloadAccounts[0], regions: ['us-east-1', 'eu-west-1'] }] };
    expect(accountRegions(east).find((a) => a.accountId === PAYMENTS)).toEqual({
      accountId: PAYMENTS,
      regions: ['eu-west-1', 'us-east-1'],
      limitedRegions: ['eu-north-1'],
    });
  });

  test('who may act in the limited regions: the deployers and the roles of those stacks, by protected names; none without limited regions', () => {
    expect(limitedRegionPrincipalArns(prod)).toEqual([
      ...prod.principals.pipelineRoleArns,
      'arn:aws:iam::*:role/GuardrailsSecurityAudit',
      'arn:aws:iam::*:role/cdk-grdprod-*-eu-north-1',
      'arn:aws:iam::*:role/guardrails-audit-replication-*',
      'arn:aws:iam::*:role/guardrails-trail-reader-eu-north-1',
      'arn:aws:iam::*:role/cdk-grdprod-*-us-east-1',
      'arn:aws:iam::*:role/guardrails-account-settings-us-east-1',
      'arn:aws:iam::*:role/guardrails-log-writer-sender-us-east-1',
    ]);
    // The replication roles are protected by the SCPs' list (only S3 assumes them).
    expect(scpProtectedPrincipalArns(prod)).toContain('arn:aws:iam::*:role/guardrails-audit-replication-*');
    // A cross-account role with a policy that writes is not one of them.
    const admin = {
      ...prod,
      iam: { ...prod.iam, crossAccountRoles: [{ ...prod.iam.crossAccountRoles[0], awsManagedPolicies: ['SecurityAudit', 'PowerUserAccess'] }] },
    };
    expect(limitedRegionPrincipalArns(admin)).not.toContain('arn:aws:iam::*:role/GuardrailsSecurityAudit');
    const noReaders = { ...prod, auditLogs: { ...prod.auditLogs, readers: undefined } } as typeof prod;
    expect(limitedRegionPrincipalArns(noReaders)).not.toContain('arn:aws:iam::*:role/guardrails-trail-reader-eu-north-1');
    const noLimits = {
      ...prod,
      auditLogs: { ...prod.auditLogs, replicaRegion: undefined },
      workloadAccounts: prod.workloadAccounts.map((a) => ({ ...a, regions: [...a.regions, 'us-east-1'] })),
    } as typeof prod;
    expect(accountRegions(noLimits).every((a) => a.limitedRegions.length === 0)).toBe(true);
    expect(limitedRegionPrincipalArns(noLimits)).toEqual([]);
  });

  test("organizationLimitedRegions (red7 R7-1): one entry a limited region, with that region's principals only and the accounts full there; a StackSet region is never one", () => {
    const byRegion = Object.fromEntries(organizationLimitedRegions(prod).map((l) => [l.region, l]));
    expect(Object.keys(byRegion)).toEqual(['eu-north-1', 'us-east-1']);
    expect(byRegion['us-east-1'].fullAccountIds).toEqual([SECURITY]);
    expect(byRegion['eu-north-1'].fullAccountIds).toEqual([]);
    expect(byRegion['us-east-1'].principalArns).toEqual(limitedRegionPrincipalArnsOf(prod, 'us-east-1'));
    // Each region's own roles only: none of the other region's.
    expect(byRegion['us-east-1'].principalArns).not.toContain('arn:aws:iam::*:role/guardrails-audit-replication-*');
    expect(byRegion['us-east-1'].principalArns).not.toContain('arn:aws:iam::*:role/cdk-grdprod-*-eu-north-1');
    expect(byRegion['eu-north-1'].principalArns).not.toContain('arn:aws:iam::*:role/guardrails-log-writer-sender-us-east-1');
    expect(byRegion['eu-north-1'].principalArns).not.toContain('arn:aws:iam::*:role/cdk-grdprod-*-us-east-1');
    // The union is limitedRegionPrincipalArns.
    expect(new Set([...byRegion['us-east-1'].principalArns, ...byRegion['eu-north-1'].principalArns])).toEqual(new Set(limitedRegionPrincipalArns(prod)));
    // A workload account with us-east-1 among its regions is full there.
    const east = { ...prod, workloadAccounts: [{ ...prod.workloadAccounts[0], regions: ['us-east-1', 'eu-west-1'] }, prod.workloadAccounts[1]] };
    expect(organizationLimitedRegions(east).find((l) => l.region === 'us-east-1')!.fullAccountIds).toEqual([SECURITY, PAYMENTS]);
    // us-east-1 as a StackSet region runs the baseline in accounts config does not list: not held
    // for all, so an account excluded from the StackSets keeps it as a limited region of its own.
    const stackSets = {
      organizationalUnitIds: ['ou-ab12-cdef3456'],
      regions: ['us-east-1'],
      adminAccountId: SECURITY,
      adminRegion: 'eu-west-1',
      callAs: 'DELEGATED_ADMIN' as const,
      excludedAccountIds: [PAYMENTS],
      maxConcurrentPercentage: 25,
      failureTolerancePercentage: 0,
    };
    const withStackSets = { ...prod, stackSets };
    expect(organizationLimitedRegions(withStackSets).map((l) => l.region)).toEqual(['eu-north-1']);
    expect(accountRegions(withStackSets).find((a) => a.accountId === PAYMENTS)!.limitedRegions).toContain('us-east-1');
  });

  test('with stackSets: the StackSet regions for listed workload accounts not excluded; adminRegion for a delegated administrator of the environment', () => {
    const ledger = prod.workloadAccounts[1].accountId;
    const stackSets = {
      organizationalUnitIds: ['ou-ab12-cdef3456'],
      regions: ['eu-central-1'],
      adminAccountId: SECURITY,
      adminRegion: 'eu-west-1',
      callAs: 'DELEGATED_ADMIN' as const,
      excludedAccountIds: [] as string[],
      maxConcurrentPercentage: 25,
      failureTolerancePercentage: 0,
    };
    const regionsOf = (config: typeof prod, id: string) => accountRegions(config).find((a) => a.accountId === id)!.regions;
    expect(regionsOf(prod, ledger)).not.toContain('eu-central-1');
    expect(regionsOf({ ...prod, stackSets }, ledger)).toContain('eu-central-1');
    expect(regionsOf({ ...prod, stackSets: { ...stackSets, excludedAccountIds: [ledger] } }, ledger)).not.toContain('eu-central-1');
    // A delegated administrator that is a workload account gets adminRegion (a region of the environment).
    const admin = { ...stackSets, adminAccountId: ledger, adminRegion: 'eu-central-1', excludedAccountIds: [ledger] };
    expect(regionsOf({ ...prod, stackSets: admin }, ledger)).toContain('eu-central-1');
    expect(regionsOf({ ...prod, stackSets: { ...admin, callAs: 'SELF' as const } }, ledger)).not.toContain('eu-central-1');
  });
});
