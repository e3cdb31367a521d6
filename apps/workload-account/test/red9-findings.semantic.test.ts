/**
 * RED-TEAM red9 FINDINGS (helper red9): an attack on dbecd09 (red7 R7-1: one `DenyInLimitedRegion*`
 * statement per organization limited region, us-east-1 and the audit replica region, for every
 * governed account but those full there), 419379e (red7 R7-2: `DenySecretReplicasInLimitedRegion*`,
 * `DenyKeyReplicasInLimitedRegion*`) and 0fd5f8d (red8: SCP protect-cross-account-roles
 * `DenyCrossAccountRoleChanges` and `DenyAssumerRoleChanges`; GuardrailsSecurityAudit without a
 * permissions boundary).
 * Each `test.failing` is a hole still open (or a legitimate principal wrongly denied): it asserts what
 * should hold and fails today, so the suite stays green while it is open; when a fix lands, turn it
 * into a plain `test`. The plain tests pin the paths checked and found closed, and the facts the
 * findings rest on.
 *
 * Evaluated like red8-findings.semantic.test.ts: prod synthesized, every generated SCP with
 * FullAWSAccess (and, where the packing matters, the compiled documents of each target); the bounded
 * admin has `Allow *:*` inside GuardrailsPermissionsBoundary; principals outside the boundary (the
 * log and key admins, any other admin role of the security account, any role of an account of the
 * targeted OUs that config does not list) have `Allow *:*`, so the SCPs are all that holds them.
 *
 * Assumptions (not verified against AWS): aws:PrincipalArn of a role session is the role's ARN with
 * its path; CloudFormation operates an existing stack with the stack's service role for anyone who
 * may operate the stack, without iam:PassRole (AWS documents it for UpdateStack and CreateChangeSet
 * `RoleARN`; docs/operations.md "Deploy nothing else with this qualifier" relies on it too); IAM role
 * names are unique in an account whatever their path and case.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '@cdk-guardrails/config';
import { ALLOW_EVERYTHING, evaluate, PolicyJson } from '@cdk-guardrails/policy-test-kit';
import { checkPatternExemptionsProtected } from '@cdk-guardrails/iam-least-privilege/lib/identities/private/exemption-protection';
import { compiledServiceControlPolicies } from '../src/identities';
import {
  evaluateAsBounded,
  evaluateUnderScps,
  prodStacks,
  RequestContext,
  resolver,
  scpDocumentsOf,
  scpRequest,
  accountBoundaryOf,
} from './support/prod-templates';
import { CONFIG_DIR, HOME, EAST, REPLICA, LEDGER, SECURITY, UNLISTED, PROD as config, PROD_SCPS as SCPS } from './support/prod-fixture';

jest.setTimeout(300_000);

const CENTRAL = 'eu-central-1';
const PAYMENTS = config.workloadAccounts.find((a) => a.name === 'payments')!.accountId;
const COMPILED = compiledServiceControlPolicies(config);
const role = (name: string, account = LEDGER) => `arn:aws:iam::${account}:role/${name}`;
const ADMIN = role('bounded/workload-admin');
const LOG_ADMIN = role(config.principals.logAdminRoleName);
const KEY_ADMIN = role(config.principals.keyAdminRoleName);
const SEC_ADMIN = role('security-team-admin', SECURITY);
const SEC_LOG_ADMIN = role(config.principals.logAdminRoleName, SECURITY);
const UNLISTED_ADMIN = role('team-admin', UNLISTED);
const PIPELINE = config.principals.pipelineRoleArns[0];
const SECURITY_AUDIT = role('GuardrailsSecurityAudit');
const REPLICA_READER = role(`guardrails-trail-reader-${REPLICA}`);
const SPEC = config.iam.crossAccountRoles.find((r) => r.name === 'GuardrailsSecurityAudit')!;
const AUDITOR = SPEC.assumerRoleArns![0];
const QUALIFIER = config.principals.cdkQualifier;
const cdk = (kind: string, account: string, region: string) => role(`cdk-${QUALIFIER}-${kind}-role-${account}-${region}`, account);
const IMDS = { 'ec2:MetadataHttpTokens': 'required' };
const instance = (account: string, region: string) => `arn:aws:ec2:${region}:${account}:instance/*`;
const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const key = (account: string, region = HOME) => `arn:aws:kms:${region}:${account}:key/${KEY_ID}`;

const stacks = prodStacks(config);
const stackOf = (name: string) => stacks.find(([s]) => s.stackName === name)!;
const homeTemplate = stackOf(`prod-workload-ledger-${HOME}`)[1];
const resourceOf = (template: any, pick: (r: any) => boolean) => Object.values<any>(template.Resources).find(pick);
const BOUNDARY: PolicyJson = accountBoundaryOf(stacks, `prod-workload-ledger-${HOME}`);
const auditRole = resourceOf(homeTemplate, (r) => r.Type === 'AWS::IAM::Role' && r.Properties.RoleName === 'GuardrailsSecurityAudit');
const TRUST: PolicyJson = resolver(stackOf(`prod-workload-ledger-${HOME}`)[0], homeTemplate)(auditRole.Properties.AssumeRolePolicyDocument);
const MFA = { 'sts:ExternalId': SPEC.externalId, 'aws:MultiFactorAuthPresent': 'true' };

/** The resource's account from its ARN, or the caller's for an ARN without one. */
const request = (principal: string, action: string, resource: string, region: string, context: RequestContext = {}) =>
  scpRequest(principal, action, resource, region, context, principal.split(':')[4]);
/** Any principal with `Allow *:*` under the SCPs alone; the resource's own policy grants it (the SCPs are the subject). */
const underScps = (principal: string, action: string, resource: string, region: string, context: RequestContext = {}, scps = SCPS) =>
  evaluateUnderScps(scps, principal, action, resource, region, context, principal.split(':')[4]);
/** The bounded admin of ledger: `Allow *:*` inside the account's permissions boundary, under the SCPs. */
const asBoundedAdmin = (action: string, resource: string, region: string, context: RequestContext = {}) =>
  evaluateAsBounded(BOUNDARY, SCPS, ADMIN, action, resource, region, context, ADMIN.split(':')[4]);
/** Assuming GuardrailsSecurityAudit of ledger: the caller's `Allow *:*`, the SCPs, the role's real trust policy. */
const assumeAudit = (principal: string, region = EAST, scps = SCPS) =>
  evaluate({
    identityPolicies: [ALLOW_EVERYTHING],
    serviceControlPolicies: scps,
    resourcePolicy: TRUST,
    request: request(principal, 'sts:AssumeRole', SECURITY_AUDIT, region, MFA),
  });
const statementsOf = (docs: PolicyJson[]) => docs.flatMap((d) => ([] as any[]).concat(d.Statement));

describe('red9 findings (attack on R7-1, R7-2 and the red8 fixes)', () => {
  // R9-1 MEDIUM, fixed. Path (before the fix): an account of the targeted OUs that config does not list,
  // bootstrapped by its team with CDK's default qualifier (prod's cdkQualifier was "hnb659fds", so any
  // plain `cdk bootstrap` collided), with an application stack deployed through that bootstrap (any
  // name: not one of the protected stack names). Its admin updates that stack (cloudformation:UpdateStack
  // or a change set, no RoleARN: CloudFormation uses the stack's service role without iam:PassRole), and
  // the template runs as cdk-hnb659fds-cfn-exec-role-<account>-<region>, which every SCP exempted by the
  // any-account pattern arn:aws:iam::*:role/cdk-hnb659fds-cfn-exec-role-*-<region>. The template could
  // then create a role named like an exemption and run code with it: a principal every statement
  // excepts, in us-east-1, the replica region, any region, and every protection. The protection of the
  // pattern denies creating such a role, not the ones a plain bootstrap made before the SCPs existed.
  // Fix: config requires a qualifier of the environment's own and refuses CDK's default; the library
  // refuses any exemption pattern of every account that matches a default-qualifier role (validate.ts,
  // exemption-protection.ts); the apps synthesize with the config's qualifier.
  const STACK = `arn:aws:cloudformation:${HOME}:${UNLISTED}:stack/team-app/*`;
  const teamCdk = (kind: string, region: string) => role(`cdk-hnb659fds-${kind}-role-${UNLISTED}-${region}`, UNLISTED);
  const TEAM_EXEC = teamCdk('cfn-exec', HOME);
  const CRAFTED = role(`cdk-hnb659fds-cfn-exec-role-x-${EAST}`, UNLISTED);
  test("R9-1 facts: prod's qualifier is its own; the unlisted admin still updates its own CDK stack, which runs as the team's exec role", async () => {
    expect(QUALIFIER).not.toBe('hnb659fds');
    expect(JSON.stringify(SCPS)).not.toContain('hnb659fds');
    for (const action of ['cloudformation:UpdateStack', 'cloudformation:CreateChangeSet', 'cloudformation:ExecuteChangeSet']) {
      expect([action, await underScps(UNLISTED_ADMIN, action, STACK, HOME)]).toEqual([action, 'Allowed']);
    }
  });
  test.each([
    ['us-east-1', EAST],
    ['the replica region', REPLICA],
    ['a region outside the environment', 'ap-south-1'],
  ])('R9-1 fixed: the unlisted team exec role, and a role it names like the CDK execution role, do not act in %s (%s)', async (_what, region) => {
    expect(await underScps(CRAFTED, 'ec2:RunInstances', instance(UNLISTED, region), region, IMDS)).toBe('ExplicitlyDenied');
    expect(await underScps(teamCdk('cfn-exec', region), 'ec2:RunInstances', instance(UNLISTED, region), region, IMDS)).toBe('ExplicitlyDenied');
  });
  test('R9-1 fixed: nor does the unlisted team exec role create the protected cross-account or exemption role names in its account', async () => {
    expect(await underScps(TEAM_EXEC, 'iam:CreateRole', role('GuardrailsSecurityAudit', UNLISTED), HOME)).toBe('ExplicitlyDenied');
    expect(await underScps(TEAM_EXEC, 'iam:CreateRole', cdk('cfn-exec', UNLISTED, EAST), HOME)).toBe('ExplicitlyDenied');
    expect(await underScps(TEAM_EXEC, 'iam:CreateRole', role(config.principals.breakGlassRoleName, UNLISTED), HOME)).toBe('ExplicitlyDenied');
  });
  test("R9-1 control: the environment's own execution roles still act in their regions, and deploy the protected roles", async () => {
    expect(await underScps(cdk('cfn-exec', LEDGER, EAST), 'ec2:RunInstances', instance(LEDGER, EAST), EAST, IMDS)).toBe('Allowed');
    expect(await underScps(cdk('cfn-exec', LEDGER, HOME), 'iam:CreateRole', SECURITY_AUDIT, HOME)).toBe('Allowed');
  });
  test("R9-1 mutation: the layout that allowed it is refused before anything is written (config, then the library's compile check)", () => {
    const raw = JSON.parse(readFileSync(join(CONFIG_DIR, 'prod.json'), 'utf8'));
    raw.principals.cdkQualifier = 'hnb659fds';
    expect(() => parseConfig(raw, 'prod')).toThrow(/principals\.cdkQualifier: received "hnb659fds"; expected a qualifier of your own, not CDK's default/);
    // The SCPs as prod compiled them, with the exemption patterns renamed to the default qualifier: the takeover
    // protection alone would accept them (the renamed protection covers the renamed patterns).
    const renamed = compiledServiceControlPolicies(config).map((p) => ({
      name: p.name,
      toJson: () => p.toJson().split(`cdk-${QUALIFIER}-`).join('cdk-hnb659fds-'),
    }));
    expect(() => checkPatternExemptionsProtected('compile', renamed)).toThrow(
      /expected no exemption of CDK's default qualifier's roles \(cdk-hnb659fds-\*\) in every account/,
    );
    expect(() =>
      checkPatternExemptionsProtected(
        'compile',
        compiledServiceControlPolicies(config).map((p) => ({ name: p.name, toJson: () => p.toJson() })),
      ),
    ).not.toThrow();
  });

  // R9-2 MEDIUM, fixed. Path (before the fix): R8-1 protects the assumer GuardrailsAuditor (the one
  // principal that assumes GuardrailsSecurityAudit of every workload account and every trail reader,
  // i.e. every workload trail's log files, the replicas too) from changes, but who could assume the
  // assumer was left to its own trust policy, which nothing in the repository creates or checks. With
  // the common trust of the security account (its root, or any admin permission set), every admin of the
  // security account that signs in with MFA became the auditor: no SCP statement named the assumer for
  // sts:AssumeRole. Fix: config names the entry roles (iam.assumerEntryRoleArns, required when an
  // assumer is a role of an environment account: the auditors' IAM Identity Center role), and the SCP
  // protect-cross-account-roles denies sts:AssumeRole on the assumers to every other principal
  // (DenyAssumerAssumption) and protects the entry roles like the assumers (DenyAssumerRoleChanges).
  // Residual, documented: who may sign in with the entry role is Identity Center's (or the SAML
  // provider's) decision; whoever administers Identity Center can assign it (facts below).
  const ROOT_TRUST: PolicyJson = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${SECURITY}:root` }, Action: 'sts:AssumeRole' }],
  };
  const ENTRY = config.iam.assumerEntryRoleArns![0];
  const assumeAuditor = (principal: string, scps = SCPS) =>
    evaluate({
      identityPolicies: [ALLOW_EVERYTHING],
      serviceControlPolicies: scps,
      resourcePolicy: ROOT_TRUST,
      request: request(principal, 'sts:AssumeRole', AUDITOR, EAST, { 'aws:MultiFactorAuthPresent': 'true' }),
    });
  const withoutStatement = (sid: string) => SCPS.map((d) => ({ ...d, Statement: ([] as any[]).concat(d.Statement).filter((st) => st.Sid !== sid) }));
  test.each([
    ['another admin role of the security account', SEC_ADMIN],
    ['the log admin of the security account', SEC_LOG_ADMIN],
    ["the security account's key admin", role(config.principals.keyAdminRoleName, SECURITY)],
    ["the security account's execution role (a deployer: it manages the auditor, it does not become it)", cdk('cfn-exec', SECURITY, HOME)],
  ])('R9-2 fixed: %s (%s) does not become the auditor, though GuardrailsAuditor trusts the security account', async (_what, principal) => {
    expect(await assumeAuditor(principal)).toBe('ExplicitlyDenied');
  });
  test("R9-2 control and mutation: the auditors' entry role assumes the auditor; without DenyAssumerAssumption any admin does", async () => {
    expect(ENTRY).toMatch(/^arn:aws:iam::\d{12}:role\/aws-reserved\/sso\.amazonaws\.com\//);
    expect(await assumeAuditor(ENTRY)).toBe('Allowed');
    expect(await assumeAuditor(SEC_ADMIN, withoutStatement('DenyAssumerAssumption'))).toBe('Allowed');
  });
  test('R9-2 fixed: no admin of the security account creates, re-trusts or extends an entry role; a deployer may (a plain IAM entry role)', async () => {
    // An Identity Center role lives under the reserved path aws-reserved/, which only Identity Center's
    // service-linked role changes (the simulator refuses IAM changes there to anyone); the SCP names it too.
    for (const action of ['iam:CreateRole', 'iam:UpdateAssumeRolePolicy', 'iam:AttachRolePolicy', 'iam:PutRolePolicy']) {
      expect([action, await underScps(SEC_ADMIN, action, ENTRY, HOME)]).not.toEqual([action, 'Allowed']);
    }
    const changes = statementsOf(SCPS).find((st) => st.Sid === 'DenyAssumerRoleChanges');
    expect(changes.Resource).toContain(ENTRY);
    // A plain IAM role as the entry: the SCP alone holds the admins off it.
    const raw = JSON.parse(readFileSync(join(CONFIG_DIR, 'prod.json'), 'utf8'));
    const plain = role('GuardrailsAuditorsSignIn', SECURITY);
    raw.iam.assumerEntryRoleArns = [plain];
    const scps = scpDocumentsOf(parseConfig(raw, 'prod'));
    for (const action of ['iam:CreateRole', 'iam:UpdateAssumeRolePolicy', 'iam:AttachRolePolicy', 'iam:PutRolePolicy', 'iam:PassRole']) {
      expect([action, await underScps(SEC_ADMIN, action, plain, HOME, {}, scps)]).toEqual([action, 'ExplicitlyDenied']);
      expect([action, await underScps(SEC_LOG_ADMIN, action, plain, HOME, {}, scps)]).toEqual([action, 'ExplicitlyDenied']);
    }
    expect(await underScps(cdk('cfn-exec', SECURITY, HOME), 'iam:UpdateAssumeRolePolicy', plain, HOME, {}, scps)).toBe('Allowed');
    expect(await assumeAuditor(plain, scps)).toBe('Allowed');
    expect(await assumeAuditor(SEC_ADMIN, scps)).toBe('ExplicitlyDenied');
  });
  test('R9-2 fixed: config requires the entry roles when an assumer is a role of an environment account, and refuses one of another account', () => {
    const raw = JSON.parse(readFileSync(join(CONFIG_DIR, 'prod.json'), 'utf8'));
    delete raw.iam.assumerEntryRoleArns;
    expect(() => parseConfig(raw, 'prod')).toThrow(
      /iam\.assumerEntryRoleArns: received nothing \(the field is missing\); expected the exact ARNs of the roles that may assume/,
    );
    raw.iam.assumerEntryRoleArns = [`arn:aws:iam::${LEDGER}:role/auditors`];
    expect(() => parseConfig(raw, 'prod')).toThrow(
      /iam\.assumerEntryRoleArns\[0\]: received "arn:aws:iam::777777777777:role\/auditors"; expected a role of an account of the assumers \(555555555555\)/,
    );
    raw.iam.assumerEntryRoleArns = [`arn:aws:iam::${SECURITY}:role/auditor-*`];
    expect(() => parseConfig(raw, 'prod')).toThrow(
      /iam\.assumerEntryRoleArns\[0\]: received "arn:aws:iam::555555555555:role\/auditor-\*"; expected the exact ARN of an IAM role/,
    );
  });
  test('R9-2 facts: the auditor reaches GuardrailsSecurityAudit and the trail readers; two statements name it, one for sts:AssumeRole only; Identity Center changes stay exempt everywhere (the residual)', async () => {
    expect(await assumeAudit(AUDITOR)).toBe('Allowed');
    expect(await underScps(AUDITOR, 'sts:AssumeRole', REPLICA_READER, EAST)).toBe('Allowed');
    const naming = statementsOf(SCPS).filter((s) => ([] as string[]).concat(s.Resource ?? []).includes(AUDITOR));
    expect(naming.map((s) => s.Sid).sort()).toEqual(['DenyAssumerAssumption', 'DenyAssumerRoleChanges']);
    expect(naming.find((s) => s.Sid === 'DenyAssumerRoleChanges').Action.some((a: string) => a.startsWith('sts:'))).toBe(false);
    // not sts:AssumeRoleWithSAML: Identity Center signs the auditors in with it, and no principal of the account calls it
    expect(naming.find((s) => s.Sid === 'DenyAssumerAssumption').Action).toEqual('sts:AssumeRole');
    // An Identity Center role as the assumer parses, and its permission set is changed through sso:*, which no statement holds.
    const raw = JSON.parse(readFileSync(join(CONFIG_DIR, 'prod.json'), 'utf8'));
    const sso = `arn:aws:iam::${SECURITY}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Auditor_0123456789abcdef`;
    raw.iam.crossAccountRoles[0].assumerRoleArns = [sso];
    raw.auditLogs.readers.principalArns = [sso];
    const withSso = parseConfig(raw, 'prod');
    const permissionSet = 'arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0123456789abcdef';
    for (const action of ['sso:PutInlinePolicyToPermissionSet', 'sso:ProvisionPermissionSet', 'sso:CreateAccountAssignment']) {
      expect([action, await underScps(SEC_ADMIN, action, permissionSet, HOME, {}, scpDocumentsOf(withSso))]).toEqual([action, 'Allowed']);
    }
  });

  // R9-3 LOW (denial of onboarding). Path: IAM role names are unique in an account whatever their path
  // and case, but the protections name exact ARNs without a path: `arn:aws:iam::555555555555:role/
  // GuardrailsAuditor`, `arn:aws:iam::*:role/GuardrailsSecurityAudit`, `.../guardrails-trail-reader-*`.
  // Before the role exists (a new environment, an account about to be listed in config, the auditor
  // "created by hand after the documents are attached"), an admin creates `x/GuardrailsAuditor` or
  // `x/GuardrailsSecurityAudit` (or another case): the deployer's CreateRole then fails, and the
  // account stays unguarded or the audit chain is never built. The squatted role is no exemption
  // (closed below). Fix: also deny creating the names under any path, `arn:aws:iam::*:role/*/<name>`
  // (and `.../*/guardrails-trail-reader-*`, the assumers likewise), in protect-cross-account-roles.
  test.failing.each([
    ['the security account admin squats the auditor under a path', SEC_ADMIN, role('x/GuardrailsAuditor', SECURITY)],
    ['an unlisted account admin squats the audit role under a path', UNLISTED_ADMIN, role('x/GuardrailsSecurityAudit', UNLISTED)],
    ['an unlisted account admin squats the replica reader under a path', UNLISTED_ADMIN, role(`x/guardrails-trail-reader-${REPLICA}`, UNLISTED)],
  ])('R9-3: %s (%s creates %s)', async (_what, principal, target) => {
    expect(await underScps(principal, 'iam:CreateRole', target, HOME)).toBe('ExplicitlyDenied');
  });

  // R9-4 LOW. Path: R7-2's reasoning ("nothing of theirs watches the replica there") holds for any
  // region where the account runs no guardrails, but the fix holds replicas only in the organization
  // limited regions and outside replicaRegions. Ledger (regions: eu-west-1) makes Secrets Manager
  // create a replica, or replicates a multi-Region key, into eu-central-1, where ledger has no Config,
  // GuardDuty or security-class rule, and where its own principals cannot even look (its
  // DenyOutsideAccountRegions). Fix: per set of accounts with an outside-regions statement, deny
  // secretsmanager:CreateSecret/ReplicateSecretToRegions with ForAnyValue:StringNotEquals
  // secretsmanager:AddReplicaRegions <its regions> and kms:ReplicateKey with StringNotEquals
  // kms:ReplicaRegion <its regions> (aws:PrincipalAccount <accounts>); red7's control "a replica in
  // another region of the environment" (eu-central-1 Allowed) would then be a test of the fix.
  const SECRET = `arn:aws:secretsmanager:${HOME}:${LEDGER}:secret:staging-AbCdEf`;
  test.failing.each([['secretsmanager:CreateSecret'], ['secretsmanager:ReplicateSecretToRegions']])(
    'R9-4: the bounded admin of ledger makes no %s replica in eu-central-1, a region where ledger runs no guardrails',
    async (action) => {
      expect(await asBoundedAdmin(action, SECRET, HOME, { 'secretsmanager:AddReplicaRegions': [CENTRAL] })).toBe('ExplicitlyDenied');
    },
  );
  test.failing('R9-4: the log admin of ledger replicates no key into eu-central-1', async () => {
    expect(await underScps(LOG_ADMIN, 'kms:ReplicateKey', key(LEDGER), HOME, { 'kms:ReplicaRegion': CENTRAL })).toBe('ExplicitlyDenied');
  });
  test('R9-4 facts: ledger acts in eu-central-1 not at all (its own statement); payments, whose region it is, replicates there', async () => {
    expect(await underScps(LOG_ADMIN, 'secretsmanager:GetSecretValue', `arn:aws:secretsmanager:${CENTRAL}:${LEDGER}:secret:staging-AbCdEf`, CENTRAL)).toBe(
      'ExplicitlyDenied',
    );
    expect(await underScps(role('admin', PAYMENTS), 'kms:ReplicateKey', key(PAYMENTS), HOME, { 'kms:ReplicaRegion': CENTRAL })).toBe('Allowed');
  });

  // R9-5 MEDIUM. Path: the packing. OrganizationPolicyCompiler pins to the first target (the
  // environment's OU) only the statements that protect exemption patterns, and documents the case of
  // "an account of the OU that is not, or not yet, attached to a later target's documents" (prod's
  // second target, `prod-accounts`: each of the listed accounts). R7-1 and R7-2 promise to hold exactly
  // such accounts (the accounts of the targeted OUs that config does not list), and the threat model
  // says they are "held by region-restriction and the limited regions' statements", but neither is
  // pinned: in prod's layout DenyOutsideAllowedRegions (region-restriction) and
  // DenyKeyReplicasInLimitedRegion6 land in `scp-prod-accounts-*`, and DenyInLimitedRegion* sit in the
  // OU's documents by first-fit luck (with one free slot on the OU, enough for the pinned statements,
  // they move to the later targets). An unlisted account of the OU then acts in every region outside the environment and
  // replicates keys into us-east-1. Fix: pin to the first target every statement that must hold the
  // accounts config does not list (region-restriction, DenyInLimitedRegion*, the replica statements),
  // as protectingStatementIndexes does for the exemption protections, and fail the compile when they
  // do not fit there; or require (and document) that every later target hold every account of the OU.
  // FIXED: OrganizationPolicyCompiler `firstTargetPolicyNames` pins whole source policies to the first
  // target; the workload app pins region-restriction and account-region-restriction-limited-regions
  // (the limited-region and replica statements, now a policy of their own), and synth fails naming the
  // first target if they do not fit there.
  const firstTargetDocs = (compiled = COMPILED): PolicyJson[] => [
    ALLOW_EVERYTHING,
    ...compiled.filter((c) => c.target === config.organizationPolicies.targets[0].name).map((c) => JSON.parse(c.toJson())),
  ];
  test('R9-5 (fixed): an unlisted account of the OU (first target only) acts in no region outside the environment', async () => {
    expect(await underScps(UNLISTED_ADMIN, 'ec2:RunInstances', instance(UNLISTED, 'ap-south-1'), 'ap-south-1', IMDS, firstTargetDocs())).toBe(
      'ExplicitlyDenied',
    );
  });
  test('R9-5 (fixed): an unlisted account of the OU (first target only) replicates no key into us-east-1', async () => {
    expect(await underScps(UNLISTED_ADMIN, 'kms:ReplicateKey', key(UNLISTED), HOME, { 'kms:ReplicaRegion': EAST }, firstTargetDocs())).toBe('ExplicitlyDenied');
  });
  test('R9-5 (fixed): with one free SCP slot on the OU (a child OU next on the path), synth fails naming the OU instead of leaving its unlisted accounts unheld', () => {
    const busier = {
      ...config,
      organizationPolicies: {
        ...config.organizationPolicies,
        // the OU with one free slot (the pinned protections alone needed one), then a child OU and the accounts
        targets: [
          { ...config.organizationPolicies.targets[0], scpSlotsUsed: 4 },
          { name: 'ou-prod-workloads', scpSlotsUsed: 1, rcpSlotsUsed: 1 },
          ...config.organizationPolicies.targets.slice(1),
        ],
      },
    };
    expect(() => compiledServiceControlPolicies(busier)).toThrow(
      /targets: received statements that protect exemption patterns or must reach every account \(DenyOutsideAllowedRegions, .*DenyInLimitedRegion3, DenyInLimitedRegion4, .*\) that need 3 documents, and 1 free SCP slots on the first target 'ou-prod'/,
    );
  });
  test("R9-5 facts: prod packs them in the OU's documents, which hold the unlisted account in the limited regions (secrets too) and outside the environment", async () => {
    const where = (sid: string) => COMPILED.filter((c) => statementsOf([JSON.parse(c.toJson())]).some((s) => s.Sid === sid)).map((c) => c.target);
    expect(where('DenyOutsideAllowedRegions')).toEqual(['ou-prod']);
    expect(where('DenyKeyReplicasInLimitedRegion6')).toEqual(['ou-prod']);
    expect(where('DenyInLimitedRegion3')).toEqual(['ou-prod']);
    expect(where('DenyInLimitedRegion4')).toEqual(['ou-prod']);
    for (const region of [EAST, REPLICA]) {
      expect(await underScps(UNLISTED_ADMIN, 'ec2:RunInstances', instance(UNLISTED, region), region, IMDS, firstTargetDocs())).toBe('ExplicitlyDenied');
    }
    const secret = `arn:aws:secretsmanager:${HOME}:${UNLISTED}:secret:x-AbCdEf`;
    expect(
      await underScps(UNLISTED_ADMIN, 'secretsmanager:CreateSecret', secret, HOME, { 'secretsmanager:AddReplicaRegions': [EAST] }, firstTargetDocs()),
    ).toBe('ExplicitlyDenied');
    // ... and the protections of the exemption patterns are pinned there (the compiler's promise): no role named like an exemption.
    expect(await underScps(UNLISTED_ADMIN, 'iam:CreateRole', role(`cdk-${QUALIFIER}-x-${EAST}`, UNLISTED), HOME, {}, firstTargetDocs())).toBe(
      'ExplicitlyDenied',
    );
    expect(await underScps(UNLISTED_ADMIN, 'iam:CreateRole', role('GuardrailsSecurityAudit', UNLISTED), HOME, {}, firstTargetDocs())).toBe('ExplicitlyDenied');
  });

  describe('checked and closed: the changes hold against these paths', () => {
    test('the statements: one DenyInLimitedRegion a region, the replica statements for us-east-1 only (region-restriction denies eu-north-1 replicas to all)', () => {
      const limited = statementsOf(SCPS).filter((s) => String(s.Sid).startsWith('DenyInLimitedRegion'));
      expect(limited.map((s) => [s.Condition.StringEquals['aws:RequestedRegion'], s.Condition.StringNotEquals?.['aws:PrincipalAccount']])).toEqual([
        [[REPLICA], undefined],
        [[EAST], [SECURITY]],
      ]);
      expect(
        statementsOf(SCPS)
          .filter((s) => /Replicas/.test(String(s.Sid)))
          .map((s) => s.Sid),
      ).toEqual(['DenySecretReplicasOutsideRegions', 'DenyKeyReplicasOutsideRegions', 'DenySecretReplicasInLimitedRegion5', 'DenyKeyReplicasInLimitedRegion6']);
      expect(statementsOf(SCPS).filter((s) => String(s.Sid).startsWith('DenyInLimitedAccountRegions'))).toEqual([]);
    });

    test.each([
      ['the bounded admin of ledger', ADMIN],
      ['the log admin of ledger', LOG_ADMIN],
      ['the key admin of ledger', KEY_ADMIN],
      ['an admin of an unlisted account', UNLISTED_ADMIN],
      ['an admin of the security account', SEC_ADMIN],
      ['the log admin of the security account', SEC_LOG_ADMIN],
    ])('%s (%s) cannot create a role named like an exemption of the limited regions, under any path', async (_what, principal) => {
      const account = principal.split(':')[4];
      for (const name of [
        `cdk-${QUALIFIER}-lookup-role-${account}-${EAST}`,
        `cdk-${QUALIFIER}-x-${EAST}`,
        `cdk-${QUALIFIER}-x/y-${EAST}`,
        `cdk-${QUALIFIER}-x/y-${REPLICA}`,
        'guardrails-audit-replication-x',
        'guardrails-audit-replication-x/y',
        `guardrails-trail-reader-${REPLICA}`,
        `guardrails-account-settings-${EAST}`,
        `guardrails-log-writer-sender-${EAST}`,
        'GuardrailsSecurityAudit',
      ]) {
        expect([name, await underScps(principal, 'iam:CreateRole', role(name, account), HOME)]).toEqual([name, 'ExplicitlyDenied']);
      }
    });
    test('a role under the bounded path, or a path variant of an exact exemption, is no exemption in the limited regions', async () => {
      for (const [name, region] of [
        [`bounded/cdk-${QUALIFIER}-x-${EAST}`, EAST],
        [`bounded/guardrails-audit-replication-x`, REPLICA],
        [`x/guardrails-account-settings-${EAST}`, EAST],
        [`x/guardrails-log-writer-sender-${EAST}`, EAST],
        [`x/guardrails-trail-reader-${REPLICA}`, REPLICA],
        ['x/GuardrailsAuditor', EAST],
      ]) {
        expect([name, await underScps(role(name), 'ec2:RunInstances', instance(LEDGER, region), region, IMDS)]).toEqual([name, 'ExplicitlyDenied']);
      }
      // ... and the squatted auditor names (R9-3) assume nothing: the trust and the SCPs name the exact ARN.
      for (const squat of [role('x/GuardrailsAuditor', SECURITY), role('guardrailsauditor', SECURITY), role('GUARDRAILSAUDITOR', SECURITY)]) {
        expect([squat, await assumeAudit(squat)]).toEqual([squat, 'ExplicitlyDenied']);
        expect([squat, await assumeAudit(squat, EAST, [ALLOW_EVERYTHING])]).toEqual([squat, 'ImplicitlyDenied']);
      }
    });
    test('the CDK roles of the limited regions are no foothold: only the pipeline assumes them, nobody but the deployers passes them', async () => {
      for (const kind of ['lookup', 'deploy', 'file-publishing', 'image-publishing', 'cfn-exec']) {
        for (const region of [EAST, REPLICA]) {
          const target = cdk(kind, LEDGER, region);
          for (const principal of [ADMIN, LOG_ADMIN, KEY_ADMIN, SEC_ADMIN, AUDITOR]) {
            expect([principal, target, await underScps(principal, 'sts:AssumeRole', target, HOME)]).toEqual([principal, target, 'ExplicitlyDenied']);
          }
          expect([target, await underScps(LOG_ADMIN, 'iam:PassRole', target, HOME)]).toEqual([target, 'ExplicitlyDenied']);
          expect([target, await underScps(PIPELINE, 'sts:AssumeRole', target, HOME)]).toEqual([target, 'Allowed']);
        }
      }
      // the guardrail stacks of the limited regions, whose service role is the exec role, are not operated by anyone else
      for (const stack of [`stack/prod-workload-ledger-${EAST}/x`, `stack/prod-workload-ledger-audit-replica-${REPLICA}/x`, 'stack/CDKToolkit/x']) {
        const region = stack.includes(REPLICA) ? REPLICA : EAST;
        const arn = `arn:aws:cloudformation:${region}:${LEDGER}:${stack}`;
        for (const action of ['cloudformation:UpdateStack', 'cloudformation:CreateChangeSet']) {
          for (const where of [region, HOME]) {
            expect([stack, action, where, await underScps(LOG_ADMIN, action, arn, where)]).toEqual([stack, action, where, 'ExplicitlyDenied']);
          }
        }
      }
    });
    test('the roles of the limited regions are assumed, passed and changed by nobody but the deployers (replication, reader, account settings, log sender)', async () => {
      const targets = [
        role(`guardrails-audit-replication-${HOME}`),
        REPLICA_READER,
        role(`guardrails-account-settings-${EAST}`),
        role(`guardrails-log-writer-sender-${EAST}`),
      ];
      for (const target of targets) {
        for (const action of ['sts:AssumeRole', 'iam:PassRole', 'iam:UpdateAssumeRolePolicy', 'iam:PutRolePolicy']) {
          for (const principal of [LOG_ADMIN, KEY_ADMIN, SEC_ADMIN]) {
            expect([target, action, principal, await underScps(principal, action, target, HOME)]).toEqual([target, action, principal, 'ExplicitlyDenied']);
          }
        }
      }
      // the account settings function itself is changed by nobody else there (the log admin, exempt from
      // DenyGuardrailResourceChanges in its home regions, is held in us-east-1 by the region statement)
      const fn = `arn:aws:lambda:${EAST}:${LEDGER}:function:guardrails-account-settings`;
      for (const principal of [LOG_ADMIN, KEY_ADMIN, SEC_ADMIN]) {
        for (const action of ['lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration', 'lambda:InvokeFunction']) {
          expect([principal, action, await underScps(principal, action, fn, EAST)]).toEqual([principal, action, 'ExplicitlyDenied']);
        }
      }
    });
    test('self-managed StackSets are no way to the exempt StackSet execution role (the administration role assumes it under the SCPs)', async () => {
      for (const account of [LEDGER, UNLISTED]) {
        const adminRole = role('AWSCloudFormationStackSetAdministrationRole', account);
        expect(await underScps(adminRole, 'sts:AssumeRole', role('AWSCloudFormationStackSetExecutionRole', account), HOME)).toBe('ExplicitlyDenied');
      }
    });

    test.each([
      ['the security account admin in the replica region', SEC_ADMIN, REPLICA],
      ['the pipeline (security account) in the replica region', PIPELINE, REPLICA],
      ['the security account deploy role in the replica region', cdk('deploy', SECURITY, REPLICA), REPLICA],
      ['the auditor in the replica region (regional calls)', AUDITOR, REPLICA],
      ['ledger (eu-west-1) in eu-central-1', LOG_ADMIN, CENTRAL],
      ['payments outside the environment', role('admin', PAYMENTS), 'ap-south-1'],
      ['an unlisted account in us-east-1', UNLISTED_ADMIN, EAST],
      ['an unlisted account in the replica region', UNLISTED_ADMIN, REPLICA],
      ['the replica region roles in us-east-1', role(`guardrails-audit-replication-${HOME}`), EAST],
      ['the us-east-1 roles in the replica region', role(`guardrails-log-writer-sender-${EAST}`), REPLICA],
      ['an Identity Center role of ledger in us-east-1', role('aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0123456789abcdef'), EAST],
    ])('still denied: %s (%s in %s)', async (_what, principal, region) => {
      const account = principal.split(':')[4];
      expect(await underScps(principal, 'ec2:RunInstances', instance(account, region), region, IMDS)).toBe('ExplicitlyDenied');
    });

    test('the full-account exception (aws:PrincipalAccount) opens nothing INTO a workload account in us-east-1: its keys there serve only its own account', async () => {
      const [stack, template] = stackOf(`prod-workload-ledger-${EAST}`);
      const resolve = resolver(stack, template);
      const keys = Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::KMS::Key');
      expect(keys.length).toBeGreaterThan(0);
      for (const k of keys) {
        const policy: PolicyJson = resolve(k.Properties.KeyPolicy);
        for (const action of ['kms:Decrypt', 'kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion']) {
          const decision = await evaluate({
            identityPolicies: [ALLOW_EVERYTHING],
            serviceControlPolicies: SCPS,
            resourcePolicy: policy,
            request: request(SEC_ADMIN, action, key(LEDGER, EAST), EAST, { 'kms:CallerAccount': SECURITY, 'kms:ViaService': `s3.${EAST}.amazonaws.com` }),
          });
          expect([action, decision]).toEqual([action, 'ImplicitlyDenied']);
        }
      }
      // ... and the exception is the principal's account: a workload principal acting on a security account resource there is held.
      expect(await underScps(LOG_ADMIN, 'sqs:SendMessage', `arn:aws:sqs:${EAST}:${SECURITY}:anything`, EAST)).toBe('ExplicitlyDenied');
      expect(await underScps(LOG_ADMIN, 'kms:Decrypt', key(SECURITY, EAST), EAST)).toBe('ExplicitlyDenied');
    });

    test('replicas: into us-east-1 denied to every workload principal, the exemptions included, allowed to the security account; into the replica region denied to all', async () => {
      for (const principal of [LOG_ADMIN, cdk('cfn-exec', LEDGER, HOME), role('GuardrailsBreakGlass'), UNLISTED_ADMIN]) {
        const account = principal.split(':')[4];
        const secret = `arn:aws:secretsmanager:${HOME}:${account}:secret:x-AbCdEf`;
        expect([
          principal,
          await underScps(principal, 'secretsmanager:CreateSecret', secret, HOME, { 'secretsmanager:AddReplicaRegions': [CENTRAL, EAST] }),
        ]).toEqual([principal, 'ExplicitlyDenied']);
        expect([principal, await underScps(principal, 'kms:ReplicateKey', key(account), HOME, { 'kms:ReplicaRegion': EAST })]).toEqual([
          principal,
          'ExplicitlyDenied',
        ]);
      }
      const secSecret = `arn:aws:secretsmanager:${HOME}:${SECURITY}:secret:x-AbCdEf`;
      expect(await underScps(SEC_ADMIN, 'secretsmanager:ReplicateSecretToRegions', secSecret, HOME, { 'secretsmanager:AddReplicaRegions': [EAST] })).toBe(
        'Allowed',
      );
      expect(await underScps(SEC_ADMIN, 'kms:ReplicateKey', key(SECURITY), HOME, { 'kms:ReplicaRegion': REPLICA })).toBe('ExplicitlyDenied');
      expect(await underScps(SEC_ADMIN, 'secretsmanager:ReplicateSecretToRegions', secSecret, HOME, { 'secretsmanager:AddReplicaRegions': [REPLICA] })).toBe(
        'ExplicitlyDenied',
      );
    });

    test('packing: the documents of the whole path hold the new statements once and unchanged, and decide as the policies do (a listed account)', async () => {
      const sids = statementsOf(SCPS)
        .map((s) => String(s.Sid))
        .filter((sid) =>
          /^Deny(InLimitedRegion|SecretReplicasInLimitedRegion|KeyReplicasInLimitedRegion|OutsideAccountRegions|CrossAccountRoleChanges|AssumerRoleChanges)/.test(
            sid,
          ),
        );
      expect(sids.length).toBe(8);
      expect([...new Set(COMPILED.map((c) => c.target))].sort()).toEqual(config.organizationPolicies.targets.map((t) => t.name).sort());
      const docs: PolicyJson[] = [ALLOW_EVERYTHING, ...COMPILED.map((c) => JSON.parse(c.toJson()))];
      for (const sid of sids) {
        expect([sid, statementsOf(docs).filter((s) => s.Sid === sid)]).toEqual([sid, [statementsOf(SCPS).find((s) => s.Sid === sid)]]);
      }
      expect(await underScps(role('admin', LEDGER), 'ec2:RunInstances', instance(LEDGER, EAST), EAST, IMDS, docs)).toBe('ExplicitlyDenied');
      expect(await underScps(SEC_ADMIN, 'ec2:RunInstances', instance(SECURITY, REPLICA), REPLICA, IMDS, docs)).toBe('ExplicitlyDenied');
      expect(await underScps(LOG_ADMIN, 'kms:ReplicateKey', key(LEDGER), HOME, { 'kms:ReplicaRegion': EAST }, docs)).toBe('ExplicitlyDenied');
      expect(await underScps(SEC_ADMIN, 'iam:UpdateAssumeRolePolicy', AUDITOR, HOME, {}, docs)).toBe('ExplicitlyDenied');
      expect(await underScps(SEC_ADMIN, 'ec2:RunInstances', instance(SECURITY, EAST), EAST, IMDS, docs)).toBe('Allowed');
    });

    test('GuardrailsSecurityAudit (no boundary since R8-2) is taken over no other way: instance profiles, a service, a service-linked or Identity Center role of its name', async () => {
      for (const principal of [LOG_ADMIN, SEC_ADMIN]) {
        for (const target of [SECURITY_AUDIT, AUDITOR]) {
          expect([principal, target, await underScps(principal, 'iam:PassRole', target, HOME)]).toEqual([principal, target, 'ExplicitlyDenied']);
        }
      }
      expect(auditRole.Properties.PermissionsBoundary).toBeUndefined();
      const lookalikes = [
        role('aws-service-role/ec2.amazonaws.com/AWSServiceRoleForX_GuardrailsAuditor', SECURITY),
        role('aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_GuardrailsAuditor_0123456789abcdef', SECURITY),
      ];
      for (const principal of lookalikes) {
        expect([principal, await assumeAudit(principal)]).toEqual([principal, 'ExplicitlyDenied']);
        expect([principal, await underScps(principal, 'sts:AssumeRole', REPLICA_READER, EAST)]).toEqual([principal, 'ExplicitlyDenied']);
      }
      for (const service of ['ec2.amazonaws.com', 'lambda.amazonaws.com']) {
        expect(
          await evaluate({
            resourcePolicy: TRUST,
            request: { principal: service, action: 'sts:AssumeRole', resource: SECURITY_AUDIT, resourceAccount: LEDGER },
          }),
        ).toBe('ImplicitlyDenied');
      }
    });

    test('legitimate: the deployers, the replication role, the account settings and sender roles, the auditor and the security account still act where they must', async () => {
      const cases: Array<[string, string, string, string, Record<string, string>]> = [
        [
          cdk('deploy', LEDGER, REPLICA),
          'cloudformation:UpdateStack',
          `arn:aws:cloudformation:${REPLICA}:${LEDGER}:stack/prod-workload-ledger-audit-replica-${REPLICA}/x`,
          REPLICA,
          {},
        ],
        [cdk('cfn-exec', LEDGER, REPLICA), 's3:PutBucketPolicy', `arn:aws:s3:::prod-guardrails-audit-replica-${LEDGER}-${REPLICA}`, REPLICA, {}],
        [
          cdk('file-publishing', LEDGER, EAST),
          's3:PutObject',
          `arn:aws:s3:::cdk-${QUALIFIER}-assets-${LEDGER}-${EAST}/x`,
          EAST,
          { 's3:x-amz-server-side-encryption': 'aws:kms', 's3:x-amz-server-side-encryption-aws-kms-key-id': key(LEDGER, EAST) },
        ],
        [role(`guardrails-audit-replication-${HOME}`), 's3:ReplicateObject', `arn:aws:s3:::prod-guardrails-audit-replica-${LEDGER}-${REPLICA}/x`, REPLICA, {}],
        [role(`guardrails-audit-replication-${HOME}`), 'kms:Encrypt', key(LEDGER, REPLICA), REPLICA, {}],
        [role(`guardrails-account-settings-${EAST}`), 'ec2:EnableEbsEncryptionByDefault', '*', EAST, {}],
        [role(`guardrails-log-writer-sender-${EAST}`), 'logs:PutLogEvents', `arn:aws:logs:${EAST}:${LEDGER}:log-group:/guardrails/security/x:*`, EAST, {}],
        [REPLICA_READER, 's3:GetObject', `arn:aws:s3:::prod-guardrails-audit-replica-${LEDGER}-${REPLICA}/x`, REPLICA, {}],
        [SECURITY_AUDIT, 'ec2:DescribeInstances', '*', REPLICA, {}],
        [SECURITY_AUDIT, 'iam:GetAccountAuthorizationDetails', '*', EAST, {}],
        [role('aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0123456789abcdef', SECURITY), 'ec2:DescribeInstances', '*', EAST, {}],
        [
          cdk('deploy', SECURITY, EAST),
          'cloudformation:UpdateStack',
          `arn:aws:cloudformation:${EAST}:${SECURITY}:stack/prod-security-keys-${EAST}/x`,
          EAST,
          {},
        ],
      ];
      for (const [principal, action, resource, region, context] of cases) {
        expect([principal, action, region, await underScps(principal, action, resource, region, context)]).toEqual([principal, action, region, 'Allowed']);
      }
      expect(await assumeAudit(AUDITOR, HOME)).toBe('Allowed');
    });

    test('with a StackSet region (us-east-1, payments excluded): the unlisted targets are full there, the excluded account is held per account, the replica region still holds every account', async () => {
      const stackSets = {
        organizationalUnitIds: ['ou-ab12-cdef3456'],
        regions: [EAST],
        adminAccountId: SECURITY,
        adminRegion: HOME,
        callAs: 'DELEGATED_ADMIN' as const,
        excludedAccountIds: [PAYMENTS],
        maxConcurrentPercentage: 25,
        failureTolerancePercentage: 0,
      };
      const scps = scpDocumentsOf({ ...config, stackSets });
      const run = (principal: string, region: string) =>
        underScps(principal, 'ec2:RunInstances', instance(principal.split(':')[4], region), region, IMDS, scps);
      expect(await run(UNLISTED_ADMIN, EAST)).toBe('Allowed');
      expect(await run(role('admin', LEDGER), EAST)).toBe('Allowed');
      expect(await run(role('admin', PAYMENTS), EAST)).toBe('ExplicitlyDenied');
      expect(await run(role(`guardrails-account-settings-${EAST}`, PAYMENTS), EAST)).toBe('Allowed');
      for (const principal of [UNLISTED_ADMIN, role('admin', LEDGER), role('admin', PAYMENTS), SEC_ADMIN]) {
        expect([principal, await run(principal, REPLICA)]).toEqual([principal, 'ExplicitlyDenied']);
      }
      // ... and the StackSet execution role, exempt, acts in the StackSet region of the unlisted targets.
      expect(await run(role(config.principals.stackSetExecutionRoleName, UNLISTED), EAST)).toBe('Allowed');
    });
  });
});
