/**
 * RED-TEAM red8 FINDINGS (helper red8): an attack on 52d75da, the fix of red7 R7-5 (config
 * `iam.crossAccountRoles[].assumerRoleArns`; CrossAccountRole `trustedPrincipalArns`; the cross-account
 * roles moved from protect-guardrail-principals to the SCP `protect-cross-account-roles` with the trail
 * readers: `DenyCrossAccountRoleChanges` and `DenyCrossAccountRoleChangesByAssumers`).
 * Each `test.failing` is a hole still open (or a legitimate principal wrongly denied): it asserts what
 * should hold and fails today, so the suite stays green while it is open; when a fix lands, turn it
 * into a plain `test`. The plain tests pin the paths checked and found closed, and the facts the
 * findings rest on.
 *
 * Evaluated like red7-findings.semantic.test.ts: prod synthesized, every generated SCP with
 * FullAWSAccess (and, where the packing matters, the compiled documents); the bounded admin has
 * `Allow *:*` inside GuardrailsPermissionsBoundary; principals outside the boundary (the log and key
 * admins, any other admin role of the security account) have `Allow *:*`, so the SCPs are all that
 * holds them. The SCP targets of prod govern the security account too.
 *
 * Assumption (not verified against AWS): aws:PrincipalArn of a role session is the role's ARN with
 * its path; MFA presence carries over into a chained role session (the legitimate path, a human via
 * GuardrailsAuditor into GuardrailsSecurityAudit, needs it as much as the attack paths below do).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '@cdk-guardrails/config';
import { ALLOW_EVERYTHING, evaluate, PolicyJson, resolveIntrinsics } from '@cdk-guardrails/policy-test-kit';
import { compiledServiceControlPolicies } from '../src/identities';
import { evaluateAsBounded, evaluateUnderScps, prodStacks, RequestContext, scpRequest } from './support/prod-templates';
import { CONFIG_DIR, HOME, EAST, REPLICA, SECURITY, PROD as config, PROD_SCPS as SCPS } from './support/prod-fixture';

jest.setTimeout(300_000);

const WORKLOAD = config.workloadAccounts.find((a) => a.name === 'ledger')!.accountId;
const COMPILED: PolicyJson[] = [ALLOW_EVERYTHING, ...compiledServiceControlPolicies(config).map((c) => JSON.parse(c.toJson()))];
const role = (name: string, account = WORKLOAD) => `arn:aws:iam::${account}:role/${name}`;
const ADMIN = role('bounded/workload-admin');
const LOG_ADMIN = role(config.principals.logAdminRoleName);
const KEY_ADMIN = role(config.principals.keyAdminRoleName);
const SEC_LOG_ADMIN = role(config.principals.logAdminRoleName, SECURITY);
const SEC_KEY_ADMIN = role(config.principals.keyAdminRoleName, SECURITY);
const SEC_ADMIN = role('security-team-admin', SECURITY);
const SEC_BOUNDED_ADMIN = role('bounded/security-admin', SECURITY);
const SECURITY_AUDIT = role('GuardrailsSecurityAudit');
const HOME_READER = role(`guardrails-trail-reader-${HOME}`);
const REPLICA_READER = role(`guardrails-trail-reader-${REPLICA}`);
const SPEC = config.iam.crossAccountRoles.find((r) => r.name === 'GuardrailsSecurityAudit')!;
const AUDITOR = SPEC.assumerRoleArns![0];
const IMDS = { 'ec2:MetadataHttpTokens': 'required' };
const instance = (region: string) => `arn:aws:ec2:${region}:${WORKLOAD}:instance/*`;

const stacks = prodStacks(config);
const templateOf = (name: string) => stacks.find(([s]) => s.stackName === name)![1];
const homeTemplate = templateOf(`prod-workload-ledger-${HOME}`);
const boundaryOf = (template: any, account: string): PolicyJson =>
  resolveIntrinsics(
    Object.values<any>(template.Resources).find(
      (r) => r.Type === 'AWS::IAM::ManagedPolicy' && r.Properties.ManagedPolicyName === 'GuardrailsPermissionsBoundary',
    ).Properties.PolicyDocument,
    { account, region: HOME },
  );
const BOUNDARY = boundaryOf(homeTemplate, WORKLOAD);
const SECURITY_BOUNDARY = boundaryOf(templateOf(`prod-security-keys-${HOME}`), SECURITY);
const auditRole = Object.values<any>(homeTemplate.Resources).find((r) => r.Type === 'AWS::IAM::Role' && r.Properties.RoleName === 'GuardrailsSecurityAudit');
/** The role's boundary as synthesized (none since red8 R8-2). */
const ROLE_BOUNDARIES: PolicyJson[] = auditRole.Properties.PermissionsBoundary ? [BOUNDARY] : [];
const TRUST: PolicyJson = resolveIntrinsics(auditRole.Properties.AssumeRolePolicyDocument, { account: WORKLOAD, region: HOME });
const MFA = { 'sts:ExternalId': SPEC.externalId, 'aws:MultiFactorAuthPresent': 'true' };

/**
 * An excerpt of what the AWS managed policy SecurityAudit grants (the role's only policy; the
 * managed policy's text is not in this repository): read-only calls, on '*'.
 */
const SECURITY_AUDIT_EXCERPT: PolicyJson = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: [
        'ec2:Describe*',
        'iam:Get*',
        'iam:List*',
        'guardduty:Get*',
        'guardduty:List*',
        'config:Describe*',
        'lambda:List*',
        'lambda:GetPolicy',
        'cloudformation:DescribeStacks',
        'cloudformation:GetTemplate',
        's3:GetBucketPolicy',
        'kms:ListKeys',
        'kms:GetKeyPolicy',
        'cloudtrail:DescribeTrails',
        'cloudtrail:GetEventSelectors',
      ],
      Resource: '*',
    },
  ],
};

const request = (principal: string, action: string, resource: string, region: string, context: RequestContext = {}) =>
  scpRequest(principal, action, resource, region, context, WORKLOAD);
/** Any principal with `Allow *:*` under the SCPs alone; the resource's own policy grants it (the SCPs are the subject). */
const underScps = (principal: string, action: string, resource: string, region: string, context: RequestContext = {}, scps = SCPS) =>
  evaluateUnderScps(scps, principal, action, resource, region, context, WORKLOAD);
/** The bounded admin of ledger: `Allow *:*` inside the account's permissions boundary, under the SCPs. */
const asBoundedAdmin = (action: string, resource: string, region: string, context: RequestContext = {}) =>
  evaluateAsBounded(BOUNDARY, SCPS, ADMIN, action, resource, region, context, WORKLOAD);
/** Assuming GuardrailsSecurityAudit of ledger: the caller's `Allow *:*`, the SCPs, the role's real trust policy. */
const assumeAudit = (principal: string, region = EAST, scps = SCPS) =>
  evaluate({
    identityPolicies: [ALLOW_EVERYTHING],
    serviceControlPolicies: scps,
    resourcePolicy: TRUST,
    request: request(principal, 'sts:AssumeRole', SECURITY_AUDIT, region, MFA),
  });
/** A session of GuardrailsSecurityAudit: its SecurityAudit policy (excerpt), its permissions boundary as synthesized, the SCPs. */
const asSecurityAudit = (action: string, resource: string, region: string, boundaries: PolicyJson[] = [BOUNDARY]) =>
  evaluate({
    identityPolicies: [SECURITY_AUDIT_EXCERPT],
    permissionsBoundaries: boundaries,
    serviceControlPolicies: SCPS,
    request: request(SECURITY_AUDIT, action, resource, region, resource.startsWith('arn:aws:s3:::') ? { 's3:ResourceAccount': WORKLOAD } : {}),
  });
const statementsOf = (docs: PolicyJson[]) => docs.flatMap((d) => ([] as any[]).concat(d.Statement));
const statement = (sid: string, docs = SCPS) => statementsOf(docs).find((s) => s.Sid === sid);

describe('red8 findings (attack on the R7-5 fix, protect-cross-account-roles)', () => {
  // R8-1 MEDIUM. Path: the assumers themselves are protected by nothing. The fix makes
  // arn:aws:iam::555555555555:role/GuardrailsAuditor (prod's assumerRoleArns and auditLogs.readers) the
  // one principal of the governed accounts that may assume GuardrailsSecurityAudit (an exemption of
  // DenyInLimitedAccountRegions) and every trail reader, but no SCP statement and no boundary names
  // that role: any admin of the security account outside the boundary (GuardrailsLogAdmin,
  // GuardrailsKeyAdmin, any other role with Allow *:*) creates it, rewrites its trust or attaches
  // policies to it, then assumes it and from there GuardrailsSecurityAudit in every workload account
  // (read-only there, in the limited regions too) and the trail readers (every workload trail's log
  // files, the replica's too). A bounded admin of the security account does the same (trust, policies)
  // if the auditor role carries the security account's boundary, as a bounded role would. Before the
  // fix, the takeover reached the trail readers only (GuardrailsSecurityAudit was unassumable). The
  // compiler's exemption check (checkPatternExemptionsProtected) looks only at wildcard exemptions,
  // not at the exact exceptions of the statement that protects them. Fix: protect the assumers too:
  // in protect-cross-account-roles a Deny of iam:CreateRole and ROLE_MUTATION_ACTIONS (PassRole
  // included, sts:AssumeRole* not: humans assume the auditor) on the exact assumerRoleArns and
  // auditLogs.readers to all but the managers; add them (mutations) to the security account's
  // boundary protections; and have the compiler require a protection for every exact aws:PrincipalARN
  // exception of a statement that protects an exemption pattern.
  // FIXED (SCP part): protect-cross-account-roles `DenyAssumerRoleChanges` denies creating, changing and
  // passing the assumers (assumerRoleArns, auditLogs.readers) to all but the managers; assuming them
  // stays open (their own trust decides). It governs the bounded admins of the security account too,
  // so no boundary change is needed. The compiler's check of exact exceptions stays open (breaking for
  // users whose exact exemptions are not protected): see the closing note.
  test.each([
    ['the log admin of the security account', SEC_LOG_ADMIN, 'iam:CreateRole'],
    ['the log admin of the security account', SEC_LOG_ADMIN, 'iam:UpdateAssumeRolePolicy'],
    ['the key admin of the security account', SEC_KEY_ADMIN, 'iam:AttachRolePolicy'],
    ['the key admin of the security account', SEC_KEY_ADMIN, 'iam:PutRolePolicy'],
    ['another admin role of the security account', SEC_ADMIN, 'iam:UpdateAssumeRolePolicy'],
    ['another admin role of the security account', SEC_ADMIN, 'iam:PassRole'],
  ])('R8-1 (fixed): %s (%s) cannot take over the assumer GuardrailsAuditor: %s', async (_what, principal, action) => {
    expect(await underScps(principal, action, AUDITOR, EAST)).toBe('ExplicitlyDenied');
  });
  test.each([['iam:UpdateAssumeRolePolicy'], ['iam:AttachRolePolicy'], ['iam:PutRolePolicy']])(
    'R8-1 (fixed): a bounded admin of the security account cannot %s on GuardrailsAuditor (were it a bounded role)',
    async (action) => {
      const decision = await evaluate({
        identityPolicies: [ALLOW_EVERYTHING],
        permissionsBoundaries: [SECURITY_BOUNDARY],
        serviceControlPolicies: SCPS,
        request: request(SEC_BOUNDED_ADMIN, action, AUDITOR, EAST, {
          'iam:PermissionsBoundary': `arn:aws:iam::${SECURITY}:policy/GuardrailsPermissionsBoundary`,
        }),
      });
      expect(decision).toBe('ExplicitlyDenied');
    },
  );
  test('R8-1 facts and mutation: what the takeover would yield (the assumer passes the SCPs and the trust); DenyAssumerRoleChanges is what denies it; the protected names next to it are denied', async () => {
    expect(config.auditLogs.readers!.principalArns).toContain(AUDITOR);
    // The assumer is a resource of DenyAssumerRoleChanges (and, for sts:AssumeRole only, of red9 R9-2's
    // DenyAssumerAssumption); without DenyAssumerRoleChanges the takeover works.
    const naming = statementsOf(SCPS).filter((s) => ([] as string[]).concat(s.Resource).includes(AUDITOR));
    expect(naming.map((s) => s.Sid).sort()).toEqual(['DenyAssumerAssumption', 'DenyAssumerRoleChanges']);
    const without = SCPS.map((d: any) => ({ ...d, Statement: ([] as any[]).concat(d.Statement).filter((st) => st.Sid !== 'DenyAssumerRoleChanges') }));
    for (const action of ['iam:CreateRole', 'iam:UpdateAssumeRolePolicy', 'iam:AttachRolePolicy']) {
      expect([action, await underScps(SEC_LOG_ADMIN, action, AUDITOR, EAST, {}, without)]).toEqual([action, 'Allowed']);
    }
    // control: the security account's execution role (a deployer) still manages the auditor, and the entry role
    // assumes it (since red9 R9-2 only the entry roles do; before, anyone its own trust admitted).
    const exec = role(`cdk-grdprod-cfn-exec-role-${SECURITY}-${HOME}`, SECURITY);
    for (const action of ['iam:CreateRole', 'iam:UpdateAssumeRolePolicy', 'iam:AttachRolePolicy']) {
      expect([action, await underScps(exec, action, AUDITOR, HOME)]).toEqual([action, 'Allowed']);
    }
    expect(await underScps(config.iam.assumerEntryRoleArns![0], 'sts:AssumeRole', AUDITOR, HOME)).toBe('Allowed');
    expect(await underScps(role('human-sso-session', SECURITY), 'sts:AssumeRole', AUDITOR, HOME)).toBe('ExplicitlyDenied');
    // Whoever is the auditor assumes GuardrailsSecurityAudit of ledger, and a trail reader ...
    expect(await assumeAudit(AUDITOR)).toBe('Allowed');
    expect(await underScps(AUDITOR, 'sts:AssumeRole', REPLICA_READER, EAST)).toBe('Allowed');
    // ... and GuardrailsSecurityAudit acts in the limited regions (the SCPs exempt it there).
    expect(await underScps(SECURITY_AUDIT, 'ec2:DescribeInstances', '*', REPLICA)).toBe('Allowed');
    // control: the protected names of the security account are denied to the same attackers
    for (const target of [role(config.principals.breakGlassRoleName, SECURITY), config.principals.pipelineRoleArns[0]]) {
      expect([target, await underScps(SEC_LOG_ADMIN, 'iam:UpdateAssumeRolePolicy', target, EAST)]).toEqual([target, 'ExplicitlyDenied']);
    }
  });

  // R8-2 MEDIUM (a legitimate principal wrongly denied; R7-4 and R7-5 fixed on paper only). Path:
  // GuardrailsSecurityAudit is a LeastPrivilegeRole, so it carries GuardrailsPermissionsBoundary, whose
  // Allow names resources of the account only (`arn:*:<service>:*:<account>:*`) and a short list of
  // resource-less actions: every List/Describe call authorized on '*' (ec2:DescribeInstances,
  // iam:ListRoles, iam:GetAccountAuthorizationDetails, guardduty:ListDetectors, lambda:ListFunctions,
  // kms:ListKeys), S3 reads without s3:ResourceAccount, is implicitly denied; the boundary's
  // DenyGuardrailRoleChanges (iam:*Role*, reads included) and DenyGuardrailResourceChanges (NotAction
  // without cloudformation:GetTemplate) explicitly deny reading the guardrail roles and stacks. Now that
  // the security team can assume the role, it can audit almost nothing, and nothing of the limited
  // regions that R7-4 exempted it for (red7's R7-4 tests evaluated the SCPs only, not the boundary).
  // Fix: no permissions boundary on the cross-account roles whose policies are only AWS's read-only
  // ones (they are protected by name in the boundary and the SCPs, and only deployers change them), or
  // a boundary of their own that allows read-only actions on '*'.
  // FIXED: a cross-account role whose policies are only AWS's metadata-read ones (config
  // METADATA_READ_AWS_MANAGED_POLICIES: SecurityAudit, ViewOnlyAccess) has no boundary
  // (CrossAccountRole withoutPermissionsBoundaryReason); ReadOnlyAccess, which reads content, keeps it.
  test.each([
    ['ec2:DescribeInstances', '*', EAST],
    ['ec2:DescribeInstances', '*', REPLICA],
    ['ec2:DescribeInstances', '*', HOME],
    ['iam:ListRoles', '*', EAST],
    ['iam:GetAccountAuthorizationDetails', '*', EAST],
    ['iam:GetRole', role(config.principals.breakGlassRoleName), EAST],
    ['guardduty:ListDetectors', '*', HOME],
    ['lambda:ListFunctions', '*', EAST],
    ['kms:ListKeys', '*', HOME],
    ['cloudformation:GetTemplate', `arn:aws:cloudformation:${HOME}:${WORKLOAD}:stack/prod-workload-ledger-${HOME}/abc`, HOME],
  ])('R8-2 (fixed): GuardrailsSecurityAudit (as synthesized: no boundary) may %s on %s in %s', async (action, resource, region) => {
    expect(await asSecurityAudit(action, resource, region, ROLE_BOUNDARIES)).toBe('Allowed');
  });
  test('R8-2 facts and mutation: the role carries no boundary (the reason recorded); with the boundary, the reads are denied', async () => {
    expect(auditRole.Properties.PermissionsBoundary).toBeUndefined();
    expect(ROLE_BOUNDARIES).toEqual([]);
    for (const [action, resource, region] of [
      ['ec2:DescribeInstances', '*', EAST],
      ['iam:GetRole', role(config.principals.breakGlassRoleName), EAST],
      ['cloudformation:GetTemplate', `arn:aws:cloudformation:${HOME}:${WORKLOAD}:stack/prod-workload-ledger-${HOME}/abc`, HOME],
    ]) {
      expect([action, await asSecurityAudit(action, resource, region, [])]).toEqual([action, 'Allowed']);
      expect([action, await asSecurityAudit(action, resource, region)]).not.toEqual([action, 'Allowed']);
    }
    // control: what the boundary names does pass
    expect(await asSecurityAudit('cloudtrail:DescribeTrails', '*', HOME)).toBe('Allowed');
  });

  // R8-3 LOW (fails closed: the configured auditors are denied, nothing opens). Path: the schema
  // accepts an assumer of any partition (`arn:aws[a-z-]*:`), and the cross-field check compares only
  // the account: `arn:aws-cn:iam::555555555555:role/GuardrailsAuditor` in prod (partition aws) passes,
  // and the trust policy's ArnEquals then matches nobody, silently. Fix: require the assumers'
  // partition to be the environment's (the ARNs of config's principals), as for the other role ARNs.
  // FIXED: the schema accepts assumers of the aws partition only.
  test('R8-3 (fixed): config refuses an assumer of another partition', () => {
    const raw = JSON.parse(readFileSync(join(CONFIG_DIR, 'prod.json'), 'utf8'));
    raw.iam.crossAccountRoles[0].assumerRoleArns = [`arn:aws-cn:iam::${SECURITY}:role/GuardrailsAuditor`];
    expect(() => parseConfig(raw, 'prod')).toThrow(/assumerRoleArns/);
  });

  describe('checked and closed: the fix holds against these paths', () => {
    test('old vs new protection: DenyCrossAccountRoleChanges denies every role action DenyGuardrailRoleChanges denied; its exceptions are the old ones less the CDK deploy roles, plus the assumers', () => {
      const now = statement('DenyCrossAccountRoleChanges');
      const old = statement('DenyGuardrailRoleChanges');
      const roleActions = (actions: string[]) => actions.filter((a) => a.startsWith('sts:') || /Role/.test(a)).sort();
      expect(roleActions(now.Action)).toEqual(roleActions(old.Action));
      expect([...now.Resource].sort()).toEqual(['arn:aws:iam::*:role/GuardrailsSecurityAudit', 'arn:aws:iam::*:role/guardrails-trail-reader-*']);
      const nowExceptions: string[] = now.Condition.ArnNotEquals['aws:PrincipalARN'];
      const oldExceptions: string[] = old.Condition.ArnNotEquals['aws:PrincipalARN'];
      expect(nowExceptions.filter((a) => !oldExceptions.includes(a))).toEqual([AUDITOR]);
      expect(oldExceptions.filter((a) => !nowExceptions.includes(a)).every((a) => /cdk-grdprod-deploy-role/.test(a))).toBe(true);
      // DenyAssumerRoleChanges denies every one of those actions but assuming, on the roles and the assumers, to all but the managers.
      const changes = statement('DenyAssumerRoleChanges');
      // (since red11 R11-1 with the identity-provider changes, on the providers of the assumers' accounts)
      const providerActions = ['iam:Create*Provider', 'iam:Delete*Provider', 'iam:Update*Provider*', 'iam:*Tag*Provider', 'iam:*ClientID*'];
      expect([...changes.Action].sort()).toEqual([...now.Action.filter((a: string) => !a.startsWith('sts:')), ...providerActions].sort());
      // (and, since red9 R9-2, the entry roles that alone may assume the assumers)
      const providers = [`arn:aws:iam::${SECURITY}:saml-provider/*`, `arn:aws:iam::${SECURITY}:oidc-provider/*`];
      expect([...changes.Resource].sort()).toEqual([...now.Resource, AUDITOR, ...config.iam.assumerEntryRoleArns!, ...providers].sort());
      expect(changes.Condition.ArnNotEquals['aws:PrincipalARN']).not.toContain(AUDITOR);
      // ... and the workload boundary still protects GuardrailsSecurityAudit by name (iam:*Role*, sts:AssumeRole*).
      const inBoundary = ([] as any[]).concat(BOUNDARY.Statement).find((s) => s.Sid === 'DenyGuardrailRoleChanges');
      expect(inBoundary.Resource).toContain(SECURITY_AUDIT.replace(/^arn:aws:/, 'arn:*:'));
      expect(inBoundary.Action).toEqual(expect.arrayContaining(['iam:*Role*', 'sts:AssumeRole*']));
    });

    // Every action the brief names, by the workload's bounded admin, log and key admins, in every region.
    const ACTIONS = [
      'iam:CreateRole',
      'iam:DeleteRole',
      'iam:UpdateAssumeRolePolicy',
      'iam:AttachRolePolicy',
      'iam:PutRolePolicy',
      'iam:PassRole',
      'sts:AssumeRole',
      'iam:TagRole',
      'iam:UntagRole',
      'iam:UpdateRoleDescription',
      'iam:PutRolePermissionsBoundary',
      'iam:DeleteRolePermissionsBoundary',
    ];
    test.each([
      ['GuardrailsSecurityAudit', SECURITY_AUDIT],
      ['the home trail reader', HOME_READER],
      ['the replica trail reader', REPLICA_READER],
    ])('no principal of a workload account (bounded admin, log admin, key admin) changes, passes or assumes %s (%s), in any region', async (_what, target) => {
      for (const region of [HOME, EAST, REPLICA]) {
        for (const action of ACTIONS) {
          expect([action, region, await asBoundedAdmin(action, target, region)]).toEqual([action, region, 'ExplicitlyDenied']);
          for (const principal of [LOG_ADMIN, KEY_ADMIN]) {
            expect([principal, action, region, await underScps(principal, action, target, region)]).toEqual([principal, action, region, 'ExplicitlyDenied']);
          }
        }
      }
    });
    test.each([
      ['the log admin of the security account', SEC_LOG_ADMIN],
      ['another admin of the security account', SEC_ADMIN],
      ['the auditor itself', AUDITOR],
    ])('%s creates no GuardrailsSecurityAudit or reader-named role in its own account, changes none anywhere', async (_what, principal) => {
      for (const target of [role('GuardrailsSecurityAudit', SECURITY), role(`guardrails-trail-reader-${REPLICA}`, SECURITY), SECURITY_AUDIT, REPLICA_READER]) {
        for (const action of ['iam:CreateRole', 'iam:UpdateAssumeRolePolicy', 'iam:AttachRolePolicy', 'iam:PassRole', 'iam:TagRole']) {
          expect([target, action, await underScps(principal, action, target, EAST)]).toEqual([target, action, 'ExplicitlyDenied']);
        }
      }
    });
    test('other roles of the security account cannot assume GuardrailsSecurityAudit (SCPs and trust), nor a trail reader (SCPs)', async () => {
      for (const principal of [SEC_LOG_ADMIN, SEC_KEY_ADMIN, SEC_ADMIN, role('path/GuardrailsAuditor', SECURITY)]) {
        expect([principal, await assumeAudit(principal)]).toEqual([principal, 'ExplicitlyDenied']);
        expect([principal, await assumeAudit(principal, EAST, [ALLOW_EVERYTHING])]).toEqual([principal, 'ImplicitlyDenied']);
        expect([principal, await underScps(principal, 'sts:AssumeRole', REPLICA_READER, EAST)]).toEqual([principal, 'ExplicitlyDenied']);
      }
      // An IAM user of the auditor's name is not the auditor either.
      expect(await assumeAudit(`arn:aws:iam::${SECURITY}:user/GuardrailsAuditor`, EAST, [ALLOW_EVERYTHING])).toBe('ImplicitlyDenied');
    });
    test('path and case tricks: a role named like an exempt one under a path, or in another case, is not exempt in the limited regions', async () => {
      for (const [name, region] of [
        ['bounded/GuardrailsSecurityAudit', EAST],
        ['guardrailssecurityaudit', EAST],
        ['GUARDRAILSSECURITYAUDIT', REPLICA],
        [`bounded/guardrails-trail-reader-${REPLICA}`, REPLICA],
        [`x/guardrails-trail-reader-${REPLICA}`, REPLICA],
      ]) {
        expect([name, await underScps(role(name), 'ec2:RunInstances', instance(region), region, IMDS)]).toEqual([name, 'ExplicitlyDenied']);
      }
      // control: the exempt name itself acts there
      expect(await underScps(SECURITY_AUDIT, 'ec2:RunInstances', instance(EAST), EAST, IMDS)).toBe('Allowed');
    });
    test('the assumer cannot escalate through the session: no session tags, no source identity (the trust allows sts:AssumeRole only), no service principal', async () => {
      for (const action of ['sts:TagSession', 'sts:SetSourceIdentity']) {
        const decision = await evaluate({
          identityPolicies: [ALLOW_EVERYTHING],
          serviceControlPolicies: SCPS,
          resourcePolicy: TRUST,
          request: request(AUDITOR, action, SECURITY_AUDIT, EAST, MFA),
        });
        expect([action, decision]).toEqual([action, 'ImplicitlyDenied']);
      }
      // Instance profiles: AddRoleToInstanceProfile needs iam:PassRole on the role, which the SCPs deny
      // (DenyAssumerRoleChanges for the auditor); and EC2 could not assume it anyway.
      expect(await underScps(AUDITOR, 'iam:PassRole', SECURITY_AUDIT, EAST)).toBe('ExplicitlyDenied');
      expect(await underScps(LOG_ADMIN, 'iam:PassRole', SECURITY_AUDIT, EAST)).toBe('ExplicitlyDenied');
      expect(
        await evaluate({
          resourcePolicy: TRUST,
          request: { principal: 'ec2.amazonaws.com', action: 'sts:AssumeRole', resource: SECURITY_AUDIT, resourceAccount: WORKLOAD },
        }),
      ).toBe('ImplicitlyDenied');
    });
    // Since R8-2 the role has no boundary: the SCPs (protected names) hold it from the guardrail roles
    // even with Allow *:* (were its policies widened, which only the deployers can do); its own policy,
    // AWS's SecurityAudit, grants no sts:AssumeRole (assumption from AWS's description: read-only
    // metadata; the policy text is not in this repository).
    test('no chaining out of GuardrailsSecurityAudit into the guardrail roles: the SCPs deny it, whatever its policies', async () => {
      for (const target of [LOG_ADMIN, KEY_ADMIN, role(config.principals.breakGlassRoleName), REPLICA_READER]) {
        const decision = await evaluate({
          identityPolicies: [ALLOW_EVERYTHING],
          serviceControlPolicies: SCPS,
          resourcePolicy: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { AWS: SECURITY_AUDIT }, Action: 'sts:AssumeRole', Resource: target }],
          },
          request: request(SECURITY_AUDIT, 'sts:AssumeRole', target, EAST),
        });
        expect([target, decision]).toEqual([target, 'ExplicitlyDenied']);
      }
    });
    test('packing: the compiled documents hold both statements unchanged, and decide as the policies do', async () => {
      for (const sid of ['DenyCrossAccountRoleChanges', 'DenyAssumerRoleChanges']) {
        expect(statementsOf(COMPILED).filter((s) => s.Sid === sid)).toEqual([statement(sid)]);
      }
      expect(await underScps(AUDITOR, 'iam:CreateRole', SECURITY_AUDIT, EAST, {}, COMPILED)).toBe('ExplicitlyDenied');
      expect(await underScps(SEC_LOG_ADMIN, 'sts:AssumeRole', SECURITY_AUDIT, EAST, {}, COMPILED)).toBe('ExplicitlyDenied');
      expect(await underScps(LOG_ADMIN, 'iam:UpdateAssumeRolePolicy', REPLICA_READER, REPLICA, {}, COMPILED)).toBe('ExplicitlyDenied');
      expect(await assumeAudit(AUDITOR, EAST, COMPILED)).toBe('Allowed');
    });
    test('config: a trusted account of the environment listed twice still needs assumerRoleArns', () => {
      const raw = JSON.parse(readFileSync(join(CONFIG_DIR, 'prod.json'), 'utf8'));
      raw.iam.crossAccountRoles[0].trustedAccountIds = [SECURITY, SECURITY];
      delete raw.iam.crossAccountRoles[0].assumerRoleArns;
      expect(() => parseConfig(raw, 'prod')).toThrow(/iam\.crossAccountRoles\[0\]\.assumerRoleArns: received nothing/);
    });
    test('legitimate: the execution roles of every region and the StackSet role still deploy the roles, the auditor assumes the readers; the CDK deploy roles no longer may (they never needed to)', async () => {
      const deployers = [
        ...[HOME, EAST, REPLICA].map((r) => role(`cdk-grdprod-cfn-exec-role-${WORKLOAD}-${r}`)),
        role(config.principals.stackSetExecutionRoleName),
        role(config.principals.breakGlassRoleName),
      ];
      for (const principal of deployers) {
        for (const target of [SECURITY_AUDIT, HOME_READER, REPLICA_READER]) {
          for (const action of ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:UpdateAssumeRolePolicy', 'iam:TagRole', 'iam:AttachRolePolicy', 'iam:DeleteRole']) {
            expect([principal, target, action, await underScps(principal, action, target, HOME)]).toEqual([principal, target, action, 'Allowed']);
          }
        }
      }
      for (const target of [HOME_READER, REPLICA_READER]) expect(await underScps(AUDITOR, 'sts:AssumeRole', target, EAST)).toBe('Allowed');
      expect(await underScps(role(`cdk-grdprod-deploy-role-${WORKLOAD}-${HOME}`), 'iam:UpdateAssumeRolePolicy', SECURITY_AUDIT, HOME)).toBe('ExplicitlyDenied');
    });
  });
});
