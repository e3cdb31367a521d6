/**
 * RED-TEAM red11 FINDINGS (helper red11): an attack on 51e48e9 "R9-2 fixed" (config
 * `iam.assumerEntryRoleArns`; SCP protect-cross-account-roles `DenyAssumerAssumption`, and the entry
 * roles as resources of `DenyAssumerRoleChanges`), with the red10 fixes of d1f1d56.
 * Each `test.failing` is a hole still open: it asserts what should hold and fails today, so the suite
 * stays green while it is open; when a fix lands, turn it into a plain `test`. The plain tests pin the
 * paths checked and found closed, the legitimate principals that must keep working, and the facts
 * (and unverified assumptions) the findings rest on.
 *
 * Evaluated like red9-findings.semantic.test.ts: prod synthesized, every generated SCP with
 * FullAWSAccess (and, for placement, the compiled documents of each target); the attackers are
 * principals of the security account outside any boundary with `Allow *:*` (another admin role, the
 * log admin, the key admin), so the SCPs are all that holds them, and the resource's own policy (a
 * trust policy) grants the request unless a test gives the real one.
 *
 * Assumptions (not verified against AWS): aws:PrincipalArn of a role session is the role's ARN with
 * its path (as red9); `sts:AssumeRoleWithSAML` and `sts:AssumeRoleWithWebIdentity` are not calls of a
 * principal of the account, so no SCP of the account holds them (AWS documents that they need no AWS
 * credentials; the repository's own comments rely on it); STS refuses `AssumeRoleWithSAML` on IAM
 * Identity Center roles (`AWSReservedSSO_*`, documented in the STS API reference); STS resolves a
 * `RoleArn` as written (case and path), so an ARN variant does not reach the assumer (R11-4);
 * `iam:AddRoleToInstanceProfile` needs `iam:PassRole` on the role (documented; the evaluator has no
 * resource type for it).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GuardrailsConfig, loadConfig, parseConfig } from '@cdk-guardrails/config';
import { ALLOW_EVERYTHING, evaluate, PolicyJson } from '@cdk-guardrails/policy-test-kit';
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

const role = (name: string, account = SECURITY) => `arn:aws:iam::${account}:role/${name}`;
const SEC_ADMIN = role('security-team-admin');
const SEC_LOG_ADMIN = role(config.principals.logAdminRoleName);
const SEC_KEY_ADMIN = role(config.principals.keyAdminRoleName);
const BREAK_GLASS = role(config.principals.breakGlassRoleName);
const WORKLOAD_BOUNDED_ADMIN = role('bounded/workload-admin', LEDGER);
const UNLISTED_ADMIN = role('team-admin', UNLISTED);
const PIPELINE = config.principals.pipelineRoleArns[0];
const QUALIFIER = config.principals.cdkQualifier;
const cdk = (kind: string, account: string, region: string) => role(`cdk-${QUALIFIER}-${kind}-role-${account}-${region}`, account);
const SEC_EXEC = cdk('cfn-exec', SECURITY, HOME);
const SPEC = config.iam.crossAccountRoles.find((r) => r.name === 'GuardrailsSecurityAudit')!;
const AUDITOR = SPEC.assumerRoleArns![0];
const ENTRY = config.iam.assumerEntryRoleArns![0];
const SECURITY_AUDIT = role('GuardrailsSecurityAudit', LEDGER);
const REPLICA_READER = role(`guardrails-trail-reader-${REPLICA}`, LEDGER);
/** The SAML provider IAM Identity Center creates in each account it provisions (the entry role's trust names it). */
const SSO_SAML_PROVIDER = `arn:aws:iam::${SECURITY}:saml-provider/AWSSSO_0123456789abcdef_DO_NOT_DELETE`;
/** A SAML provider of the security account for a plain IAM entry role (an external IdP federated into the account). */
const AUDITORS_SAML_PROVIDER = `arn:aws:iam::${SECURITY}:saml-provider/GuardrailsAuditorsIdP`;
/** A plain IAM entry role (config accepts it: the schema asks only for an exact role ARN). */
const PLAIN_ENTRY = role('GuardrailsAuditorsSignIn');

const stacks = prodStacks(config);
const stackOf = (name: string) => stacks.find(([s]) => s.stackName === name)!;
const homeTemplate = stackOf(`prod-workload-ledger-${HOME}`)[1];
const auditRole = Object.values<any>(homeTemplate.Resources).find((r) => r.Type === 'AWS::IAM::Role' && r.Properties.RoleName === 'GuardrailsSecurityAudit');
const AUDIT_TRUST: PolicyJson = resolver(stackOf(`prod-workload-ledger-${HOME}`)[0], homeTemplate)(auditRole.Properties.AssumeRolePolicyDocument);
const WORKLOAD_BOUNDARY: PolicyJson = accountBoundaryOf(stacks, `prod-workload-ledger-${HOME}`);

const rawProd = () => JSON.parse(readFileSync(join(CONFIG_DIR, 'prod.json'), 'utf8'));
/** prod with a plain IAM role as the only entry role. */
const withPlainEntry = (): GuardrailsConfig => {
  const raw = rawProd();
  raw.iam.assumerEntryRoleArns = [PLAIN_ENTRY];
  return parseConfig(raw, 'prod');
};
const PLAIN_SCPS = scpDocumentsOf(withPlainEntry());

const request = (principal: string, action: string, resource: string, region: string, context: RequestContext = {}) =>
  scpRequest(principal, action, resource, region, context, principal.split(':')[4]);
/** Any principal with `Allow *:*` under the SCPs alone; the resource's own policy grants it. */
const underScps = (principal: string, action: string, resource: string, region = HOME, context: RequestContext = {}, scps = SCPS) =>
  evaluateUnderScps(scps, principal, action, resource, region, context, principal.split(':')[4]);
/** The trust a human would give the auditor or a plain entry role: the security account's root (R9-2's premise). */
const ROOT_TRUST: PolicyJson = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${SECURITY}:root` }, Action: 'sts:AssumeRole' }],
};
/** sts:AssumeRole on `target` (trusting the security account's root) by `principal` with `Allow *:*`, under `scps`. */
const assumeRootTrusted = (principal: string, target: string, scps = SCPS, context: RequestContext = {}) =>
  evaluate({
    identityPolicies: [ALLOW_EVERYTHING],
    serviceControlPolicies: scps,
    resourcePolicy: ROOT_TRUST,
    request: request(principal, 'sts:AssumeRole', target, EAST, { 'aws:MultiFactorAuthPresent': 'true', ...context }),
  });
/** Assuming GuardrailsSecurityAudit of ledger with its real trust policy (external id, MFA, the assumers). */
const assumeAudit = (principal: string, context: RequestContext) =>
  evaluate({
    identityPolicies: [ALLOW_EVERYTHING],
    serviceControlPolicies: SCPS,
    resourcePolicy: AUDIT_TRUST,
    request: request(principal, 'sts:AssumeRole', SECURITY_AUDIT, EAST, context),
  });
const statementsOf = (docs: PolicyJson[]) => docs.flatMap((d) => ([] as any[]).concat(d.Statement));
const statement = (docs: PolicyJson[], sid: string) => statementsOf(docs).find((s) => s.Sid === sid);

describe('red11 findings (attack on the R9-2 fix)', () => {
  // R11-1 MEDIUM (config-dependent), fixed: DenyAssumerRoleChanges also covers the SAML and OIDC providers of
  // the assumers' accounts (create, update, delete, client ids, tags; not reads), to all but the deployers.
  // Path (before the fix): DenyAssumerAssumption holds sts:AssumeRole only, and says so:
  // the entry roles are reached by federation (sts:AssumeRoleWithSAML), which no principal of the account
  // calls and no SCP holds. Who may federate is the SAML provider's metadata, and no statement protects the
  // security account's identity providers: any admin of the security account outside a boundary (another
  // team's admin, the log admin, the key admin) calls iam:UpdateSAMLProvider with its own IdP's metadata
  // (or DeleteSAMLProvider, then CreateSAMLProvider under the same name: same ARN, the trust still names it),
  // signs an assertion for the entry role and calls sts:AssumeRoleWithSAML: its session's aws:PrincipalArn
  // is the entry role, which DenyAssumerAssumption excepts, so it assumes GuardrailsAuditor, then
  // GuardrailsSecurityAudit of every workload account and every trail reader. Reached when an entry role is
  // a plain IAM role federated through a SAML provider of the account (identities.ts names "IAM Identity
  // Center or a SAML provider"; config accepts any role ARN), or when an assumer's own trust names a SAML
  // provider (then no entry role is needed at all: AssumeRoleWithSAML into the assumer). The shipped
  // Identity Center entry trusts AWSSSO_<id>_DO_NOT_DELETE; STS documents that AssumeRoleWithSAML does not
  // work on AWSReservedSSO_ roles (not verified offline, nor for the console's SAML sign-in endpoint), which
  // would close it there. The workload accounts' bounded admins are held by the boundary (control below);
  // the security account's admins are not bounded. OIDC providers are the same class (Add/RemoveClientID,
  // thumbprints, delete and re-create), less direct: the issuer's keys are not the admin's.
  // Fix: in protect-cross-account-roles, deny `iam:*SAMLProvider*` and `iam:*OpenIDConnectProvider*` changes
  // (Create, Update, Delete, Add/RemoveClientID, Tag/Untag) on `arn:aws:iam::<assumer account>:saml-provider/*`
  // and `.../oidc-provider/*` to all but the deployers (Identity Center's service-linked role, which
  // maintains AWSSSO_*, is not governed by SCPs); or refuse plain IAM entry roles in config (R11-2).
  test.each([
    ['another admin of the security account rewrites', SEC_ADMIN, 'iam:UpdateSAMLProvider', AUDITORS_SAML_PROVIDER],
    ['the log admin of the security account rewrites', SEC_LOG_ADMIN, 'iam:UpdateSAMLProvider', AUDITORS_SAML_PROVIDER],
    ["the security account's key admin rewrites", SEC_KEY_ADMIN, 'iam:UpdateSAMLProvider', AUDITORS_SAML_PROVIDER],
    ['another admin of the security account deletes (to re-create under the same name)', SEC_ADMIN, 'iam:DeleteSAMLProvider', AUDITORS_SAML_PROVIDER],
    ['another admin of the security account re-creates', SEC_ADMIN, 'iam:CreateSAMLProvider', AUDITORS_SAML_PROVIDER],
    ["another admin of the security account rewrites (Identity Center's own)", SEC_ADMIN, 'iam:UpdateSAMLProvider', SSO_SAML_PROVIDER],
  ])('R11-1 fixed: %s a SAML provider of the security account that an entry role trusts (%s, %s on %s)', async (_what, principal, action, provider) => {
    expect(await underScps(principal, action, provider, EAST, {}, PLAIN_SCPS)).toBe('ExplicitlyDenied');
  });
  test('R11-1 facts and mutation: config accepts a plain (SAML-federated) entry role; its session assumes the auditor; without the provider actions the admin rewrites the provider; reads stay open; the bounded admin of a workload account is held', async () => {
    const plain = withPlainEntry();
    expect(plain.iam.assumerEntryRoleArns).toEqual([PLAIN_ENTRY]);
    // The session AssumeRoleWithSAML gives is the entry role's: the one principal DenyAssumerAssumption excepts.
    expect(await assumeRootTrusted(PLAIN_ENTRY, AUDITOR, PLAIN_SCPS)).toBe('Allowed');
    expect(statement(PLAIN_SCPS, 'DenyAssumerAssumption').Action).toEqual('sts:AssumeRole');
    const changes = statement(PLAIN_SCPS, 'DenyAssumerRoleChanges');
    expect(changes.Resource).toEqual(expect.arrayContaining([`arn:aws:iam::${SECURITY}:saml-provider/*`, `arn:aws:iam::${SECURITY}:oidc-provider/*`]));
    const withoutProviders = PLAIN_SCPS.map((d) => ({
      ...d,
      Statement: ([] as any[])
        .concat(d.Statement)
        .map((st) => (st.Sid === 'DenyAssumerRoleChanges' ? { ...st, Action: st.Action.filter((a: string) => !/Provider|ClientID/.test(a)) } : st)),
    }));
    expect(await underScps(SEC_ADMIN, 'iam:UpdateSAMLProvider', AUDITORS_SAML_PROVIDER, EAST, {}, withoutProviders)).toBe('Allowed');
    // reading the providers stays open; the deployers still change them
    expect(await underScps(SEC_ADMIN, 'iam:GetSAMLProvider', AUDITORS_SAML_PROVIDER, EAST, {}, PLAIN_SCPS)).toBe('Allowed');
    expect(await underScps(cdk('cfn-exec', SECURITY, HOME), 'iam:UpdateSAMLProvider', AUDITORS_SAML_PROVIDER, EAST, {}, PLAIN_SCPS)).toBe('Allowed');
    // Closed for the bounded admins of the workload accounts: the boundary denies iam:*Provider* (DenyRolesOutsidePath).
    const ledgerProvider = `arn:aws:iam::${LEDGER}:saml-provider/GuardrailsAuditorsIdP`;
    expect(await evaluateAsBounded(WORKLOAD_BOUNDARY, SCPS, WORKLOAD_BOUNDED_ADMIN, 'iam:UpdateSAMLProvider', ledgerProvider, HOME, {}, LEDGER)).toBe(
      'ExplicitlyDenied',
    );
  });

  // R11-2 LOW (config-dependent), fixed: DenyAssumerAssumption names the entry roles too (nobody assumes one
  // with sts:AssumeRole; they are reached by federation). Path (before the fix): the
  // entry role's own assumption is held by nothing: DenyAssumerRoleChanges holds no sts: action and
  // DenyAssumerAssumption names the assumers only. With a plain IAM entry role (config accepts any exact
  // role ARN of the assumers' account) whose trust is the security account's root, every admin of the
  // security account assumes the entry role, then the auditor: R9-2 moved one step. The Identity Center
  // entry of the shipped configs is safe from this (its AWS-made trust admits only SAML federation,
  // control below). Fix: a statement `DenyEntryAssumption` (Deny sts:AssumeRole on the entry roles to every
  // principal: they are reached by federation only; cross-account callers from outside the environment are
  // not governed by these SCPs anyway), or config refuses entry roles outside
  // `aws-reserved/sso.amazonaws.com/` unless an explicit opt-in says they are federation-only.
  test.each([
    ['another admin of the security account', SEC_ADMIN],
    ['the log admin of the security account', SEC_LOG_ADMIN],
    ["the security account's key admin", SEC_KEY_ADMIN],
  ])('R11-2 fixed: %s (%s) does not assume a plain entry role that trusts the account root', async (_what, principal) => {
    expect(await assumeRootTrusted(principal, PLAIN_ENTRY, PLAIN_SCPS)).toBe('ExplicitlyDenied');
  });
  test('R11-2 facts and mutation: without the entry roles in DenyAssumerAssumption the admin assumes the plain entry role; the Identity Center entry admits no sts:AssumeRole (its trust)', async () => {
    expect(await assumeRootTrusted(SEC_ADMIN, AUDITOR, PLAIN_SCPS)).toBe('ExplicitlyDenied');
    const withoutEntries = PLAIN_SCPS.map((d) => ({
      ...d,
      Statement: ([] as any[])
        .concat(d.Statement)
        .map((st) => (st.Sid === 'DenyAssumerAssumption' ? { ...st, Resource: ([] as string[]).concat(st.Resource).filter((r) => r !== PLAIN_ENTRY) } : st)),
    }));
    expect(await assumeRootTrusted(SEC_ADMIN, PLAIN_ENTRY, withoutEntries)).toBe('Allowed');
    // The trust Identity Center gives its roles: only its SAML provider, only AssumeRoleWithSAML (and TagSession).
    const ssoTrust: PolicyJson = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: SSO_SAML_PROVIDER },
          Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'],
          Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } },
        },
      ],
    };
    for (const principal of [SEC_ADMIN, SEC_LOG_ADMIN, BREAK_GLASS]) {
      const result = await evaluate({
        identityPolicies: [ALLOW_EVERYTHING],
        serviceControlPolicies: SCPS,
        resourcePolicy: ssoTrust,
        request: request(principal, 'sts:AssumeRole', ENTRY, EAST, { 'aws:MultiFactorAuthPresent': 'true' }),
      });
      expect([principal, result]).not.toEqual([principal, 'Allowed']);
    }
  });

  // R11-3 (possible MEDIUM, availability), fixed on an assumption: prod's GuardrailsSecurityAudit and trail
  // readers required `aws:MultiFactorAuthPresent true`, and since R9-2 the auditors reach the auditor only
  // from a federated entry role (Identity Center). AWS MFA applies to IAM users and their sessions; a SAML
  // or Identity Center session carries no such key (AWS's federation workshop: SAML "precludes the use of
  // AWS MFA"; reports of SSO users refused by MFA conditions), nor does a chain from it: every auditor
  // would have been refused. Fix: config refuses requireMfa (iam.crossAccountRoles[].requireMfa,
  // auditLogs.readers.requireMfa) when the assumers are roles of the environment's accounts; prod sets both
  // false; MFA is Identity Center's to enforce. Not verified against an account.
  test('R11-3 fixed: the auditor reaches GuardrailsSecurityAudit without an MFA key; config refuses requireMfa for assumers of the environment', async () => {
    expect(SPEC.requireMfa).toBe(false);
    expect(await assumeAudit(AUDITOR, { 'sts:ExternalId': SPEC.externalId })).toBe('Allowed');
    expect(await assumeAudit(AUDITOR, {})).not.toBe('Allowed');
    const raw = JSON.parse(readFileSync(join(CONFIG_DIR, 'prod.json'), 'utf8'));
    raw.iam.crossAccountRoles[0].requireMfa = true;
    raw.auditLogs.readers.requireMfa = true;
    expect(() => parseConfig(raw, 'prod')).toThrow(/iam\.crossAccountRoles\[0\]\.requireMfa: received true; expected false when the assumers are roles/);
    expect(() => parseConfig(raw, 'prod')).toThrow(/auditLogs\.readers\.requireMfa: received true; expected false when the assumers are roles/);
  });

  // R11-4 UNVERIFIED (hardening), paths FIXED: DenyAssumerAssumption named the assumer's exact ARN
  // (`arn:aws:iam::555555555555:role/GuardrailsAuditor`); ARN matching is case-sensitive and path-exact, so
  // a RoleArn written in another case or with a path was not matched. IAM role names are unique whatever
  // their case and path (R9-3), so the deny held only if STS refuses such a RoleArn for the existing role
  // rather than resolving it by name (not verified). Now each assumer and entry is also written
  // `role/*/<name>`: the role of that name under any other path (about 40 characters per role, once:
  // not per account). Case stays uncovered: ARN matching cannot ignore case; it holds if STS resolves a
  // RoleArn as written. The entry side fails closed: a variant of the entry's ARN is not excepted.
  test('R11-4 fixed (paths): DenyAssumerAssumption matches the assumer and the entry under any path; a case variant stays unmatched (unverified); an entry ARN variant is not excepted', async () => {
    const anyPath = (arn: string) => arn.replace(/:role\/(?:.*\/)?([^/]+)$/, ':role/*/$1');
    expect(statement(SCPS, 'DenyAssumerAssumption').Resource).toEqual([AUDITOR, anyPath(AUDITOR), ENTRY, anyPath(ENTRY)]);
    for (const variant of [AUDITOR, role('x/GuardrailsAuditor'), role('aws-reserved/x/y/GuardrailsAuditor')]) {
      expect([variant, await underScps(SEC_ADMIN, 'sts:AssumeRole', variant, EAST)]).toEqual([variant, 'ExplicitlyDenied']);
    }
    // Mutation: with the exact ARNs of before, the path variant went through.
    const exact = SCPS.map((d) => ({
      ...d,
      Statement: ([] as any[]).concat(d.Statement).map((st) => (st.Sid === 'DenyAssumerAssumption' ? { ...st, Resource: [AUDITOR, ENTRY] } : st)),
    }));
    expect(await underScps(SEC_ADMIN, 'sts:AssumeRole', role('x/GuardrailsAuditor'), EAST, {}, exact)).toBe('Allowed');
    // Case: not covered (ARN matching is case-sensitive).
    expect(await underScps(SEC_ADMIN, 'sts:AssumeRole', role('guardrailsauditor'), EAST)).toBe('Allowed');
    // Control: the entry role (its exact ARN) still assumes the auditor.
    expect(await assumeRootTrusted(ENTRY, AUDITOR)).toBe('Allowed');
    const lower = role(ENTRY.split(':role/')[1].toLowerCase());
    const pathless = role(ENTRY.split('/').pop()!);
    for (const variant of [lower, pathless]) {
      expect([variant, await assumeRootTrusted(variant, AUDITOR)]).toEqual([variant, 'ExplicitlyDenied']);
    }
  });

  // Checked and closed.
  test.each([
    ['another admin of the security account', SEC_ADMIN],
    ['the log admin of the security account', SEC_LOG_ADMIN],
    ["the security account's key admin", SEC_KEY_ADMIN],
    ['break-glass (a manager: it changes the auditor, it does not become it)', BREAK_GLASS],
    ['the pipeline (a deployer)', PIPELINE],
    ['an admin of an account of the OUs that config does not list', UNLISTED_ADMIN],
  ])('closed: %s (%s) does not assume the auditor, whatever session tags or source identity it sets', async (_what, principal) => {
    expect(await assumeRootTrusted(principal, AUDITOR)).toBe('ExplicitlyDenied');
    expect(
      await assumeRootTrusted(principal, AUDITOR, SCPS, {
        'aws:TagKeys': ['team'],
        'aws:RequestTag/team': 'auditors',
        'sts:SourceIdentity': 'auditor',
        'sts:RoleSessionName': 'auditor',
      }),
    ).toBe('ExplicitlyDenied');
  });
  test('closed: no admin of the security account passes the auditor or the entry role to a service (EC2, Lambda), nor re-trusts, extends or re-creates them', async () => {
    for (const target of [AUDITOR, ENTRY]) {
      for (const action of ['iam:PassRole', 'iam:UpdateAssumeRolePolicy', 'iam:AttachRolePolicy', 'iam:PutRolePolicy', 'iam:DeleteRole', 'iam:CreateRole']) {
        for (const principal of [SEC_ADMIN, SEC_LOG_ADMIN]) {
          expect([target, action, await underScps(principal, action, target, HOME)]).not.toEqual([target, action, 'Allowed']);
        }
      }
    }
    for (const action of ['iam:PassRole', 'iam:UpdateAssumeRolePolicy', 'iam:DeleteRole', 'iam:CreateRole']) {
      expect([action, await underScps(SEC_ADMIN, action, PLAIN_ENTRY, HOME, {}, PLAIN_SCPS)]).toEqual([action, 'ExplicitlyDenied']);
    }
  });
  test.each([['dev'], ['staging'], ['prod']])(
    'closed (placement): %s compiles DenyAssumerAssumption for its assumers and entry roles, on the target of DenyAssumerRoleChanges or one above it',
    (env) => {
      const c = loadConfig(env, { configDir: CONFIG_DIR });
      const compiled = compiledServiceControlPolicies(c);
      const holding = (sid: string) => compiled.filter((p) => statementsOf([JSON.parse(p.toJson())]).some((s) => s.Sid === sid)).map((p) => p.target);
      expect(holding('DenyAssumerAssumption')).toHaveLength(1);
      // The same target as DenyAssumerRoleChanges, or one before it: config lists the targets from the
      // root down to the accounts, so an earlier target holds every account a later one holds.
      const order = c.organizationPolicies.targets.map((t) => t.name);
      expect(order.indexOf(holding('DenyAssumerAssumption')[0])).toBeLessThanOrEqual(order.indexOf(holding('DenyAssumerRoleChanges')[0]));
      const docs = compiled.map((p) => JSON.parse(p.toJson()));
      const deny = statement(docs, 'DenyAssumerAssumption');
      const anyPath = (arn: string) => arn.replace(/:role\/(?:.*\/)?([^/]+)$/, ':role/*/$1');
      expect(([] as string[]).concat(deny.Resource).sort()).toEqual(
        [...new Set(c.iam.crossAccountRoles.flatMap((r) => r.assumerRoleArns ?? [])), ...c.iam.assumerEntryRoleArns!].flatMap((a) => [a, anyPath(a)]).sort(),
      );
      expect(([] as string[]).concat(deny.Condition.ArnNotEquals['aws:PrincipalARN'])).toEqual(c.iam.assumerEntryRoleArns);
      expect(([] as string[]).concat(statement(docs, 'DenyAssumerRoleChanges').Resource)).toEqual(expect.arrayContaining(c.iam.assumerEntryRoleArns!));
    },
  );
  // The compiler packs statements into the targets' slots by size, so the target moves with sizes: it
  // was prod-accounts until R11-4's path variants (then the security account had to get that target's
  // documents, as for R8-1); it was the OU after R11-4, and prod-accounts again since red14's statements.
  // Nothing pins it: the placement test above holds it to the target of DenyAssumerRoleChanges or one above.
  test('placement fact: prod puts it in one of its two targets (prod-accounts today), by packing, not pinned', () => {
    const compiled = compiledServiceControlPolicies(config);
    const target = compiled.filter((p) => p.toJson().includes('"DenyAssumerAssumption"')).map((p) => p.target);
    expect(target).toHaveLength(1);
    expect(['ou-prod', 'prod-accounts']).toContain(target[0]);
  });

  // Legitimate principals still work.
  test('control: the entry role assumes the auditor; the auditor assumes GuardrailsSecurityAudit (with MFA) and the replica reader; dev and staging entries too', async () => {
    expect(await assumeRootTrusted(ENTRY, AUDITOR)).toBe('Allowed');
    expect(await assumeAudit(AUDITOR, { 'sts:ExternalId': SPEC.externalId, 'aws:MultiFactorAuthPresent': 'true' })).toBe('Allowed');
    expect(await underScps(AUDITOR, 'sts:AssumeRole', REPLICA_READER, EAST)).toBe('Allowed');
    for (const env of ['dev', 'staging']) {
      const c = loadConfig(env, { configDir: CONFIG_DIR });
      const scps = scpDocumentsOf(c);
      const assumer = c.iam.crossAccountRoles[0].assumerRoleArns![0];
      const entry = c.iam.assumerEntryRoleArns![0];
      const res = await evaluateUnderScps(scps, entry, 'sts:AssumeRole', assumer, HOME, {}, entry.split(':')[4]);
      expect([env, res]).toEqual([env, 'Allowed']);
    }
  });
  test('control: the deployers (execution role, pipeline) still change the auditor and a plain entry role', async () => {
    for (const deployer of [SEC_EXEC, PIPELINE]) {
      for (const action of ['iam:UpdateAssumeRolePolicy', 'iam:AttachRolePolicy', 'iam:CreateRole']) {
        expect([deployer, action, await underScps(deployer, action, AUDITOR, HOME)]).toEqual([deployer, action, 'Allowed']);
        expect([deployer, action, await underScps(deployer, action, PLAIN_ENTRY, HOME, {}, PLAIN_SCPS)]).toEqual([deployer, action, 'Allowed']);
      }
    }
  });
});
