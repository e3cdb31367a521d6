import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '@cdk-guardrails/app-kit';
import { GUARDRAIL_NAMES, limitedRegionPrincipalArnsOf, loadConfig } from '@cdk-guardrails/config';
import { OrganizationPolicyCompiler } from '@cdk-guardrails/iam-least-privilege';
import { ALLOW_EVERYTHING, evaluate } from '@cdk-guardrails/policy-test-kit';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { serviceControlPolicies, writeResourceControlPolicies, writeServiceControlPolicies } from '../src/identities';
import { buildWorkloadApp } from '../src/workload-app';

const CONFIG_DIR = join(__dirname, '..', '..', '..', 'config');

function synth(env: string) {
  const config = loadConfig(env, { configDir: CONFIG_DIR });
  const stacks = buildWorkloadApp(createApp({ context: { env } }), config);
  return { config, stacks, templates: stacks.map((s) => Template.fromStack(s)) };
}

describe.each(['dev', 'prod'])('%s', (env) => {
  const { config, stacks, templates } = synth(env);

  test('every role carries the account boundary, except the AWS Config recorder, AWS Backup and account settings roles and the metadata-read cross-account roles (exempt with a reason)', () => {
    // The cross-account roles whose only policies read metadata (SecurityAudit, ViewOnlyAccess): their reads on '*' are what the boundary refuses (red8 R8-2).
    const metadataReaders = config.iam.crossAccountRoles
      .filter((r) => r.awsManagedPolicies.length > 0 && r.awsManagedPolicies.every((m) => ['SecurityAudit', 'ViewOnlyAccess'].includes(m)))
      .map((r) => r.name);
    expect(metadataReaders).toEqual(['GuardrailsSecurityAudit']);
    templates.forEach((template) => {
      // The account settings function's role makes the calls the boundary denies (S3 Block Public Access, EBS default encryption).
      const settingsRoles = Object.values(template.findResources('AWS::Lambda::Function'))
        .filter((fn: any) => fn.Properties.FunctionName === GUARDRAIL_NAMES.accountSettingsFunction)
        .map((fn: any) => fn.Properties.Role['Fn::GetAtt'][0]);
      for (const [id, role] of Object.entries(template.findResources('AWS::IAM::Role'))) {
        if (metadataReaders.includes(role.Properties.RoleName)) {
          // ... protected by name instead (boundary and SCP protections), not by the tag.
          expect(role.Properties.PermissionsBoundary).toBeUndefined();
          expect(role.Properties.ManagedPolicyArns).toHaveLength(1);
        } else if (id.startsWith('DetectiveControlsRecorderRole') || id.startsWith('BackupRole') || settingsRoles.includes(id)) {
          expect(role.Properties.PermissionsBoundary).toBeUndefined();
          expect(role.Properties.Tags).toEqual(expect.arrayContaining([{ Key: 'guardrails:protected', Value: 'true' }]));
        } else {
          expect([id, role.Properties.PermissionsBoundary]).toEqual([id, expect.anything()]);
        }
      }
    });
  });

  test('the boundary is created once per account, in its home stack', () => {
    for (const account of config.workloadAccounts) {
      const own = stacks.map((s, i) => [s, templates[i]] as const).filter(([s]) => s.account === account.accountId);
      const counts = own.map(
        ([, t]) => Object.values(t.findResources('AWS::IAM::ManagedPolicy', { Properties: { ManagedPolicyName: 'GuardrailsPermissionsBoundary' } })).length,
      );
      expect(counts).toEqual([1, ...new Array(own.length - 1).fill(0)]);
    }
  });

  test('the logs-writer and S3 read-only example roles are scoped to their log group and bucket', () => {
    const template = templates[0];
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: Match.anyValue() }] },
      Roles: [{ Ref: Match.stringLikeRegexp('^IdentitiesAppLogsWriter') }],
    });
    const reader = JSON.stringify(
      template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^IdentitiesDataReader') }] } }),
    );
    expect(reader).toMatch(/DataBucket/);
    // Under SSE-KMS the reader may decrypt with the data key, only through S3.
    expect(/kms:Decrypt/.test(reader)).toBe(config.s3.encryption === 'SSE_KMS');
  });

  test('cross-account roles from config require the external id, which no output contains', () => {
    const spec = config.iam.crossAccountRoles[0];
    templates[0].hasResourceProperties('AWS::IAM::Role', {
      RoleName: spec.name,
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Condition: Match.objectLike({ StringEquals: { 'sts:ExternalId': spec.externalId } }) })],
      },
    });
    for (const template of templates) expect(JSON.stringify(template.toJSON().Outputs ?? {})).not.toContain(spec.externalId);
  });

  test('operators must use MFA; the IP restriction exempts calls AWS services make', () => {
    const template = templates[0];
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } })]),
      },
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Condition: Match.objectLike({ Bool: { 'aws:ViaAWSService': 'false' } }) })] },
    });
  });
});

test('the SCP documents cover every configured region plus us-east-1 and the audit replica region, and each stays under 5,120 characters', () => {
  const config = loadConfig('prod', { configDir: CONFIG_DIR });
  const dir = mkdtempSync(join(tmpdir(), 'scp-'));
  writeServiceControlPolicies(config, dir);
  const files = readdirSync(dir).sort();
  // Packed into the prod targets: 3 free slots on the OU (FullAWSAccess and Control Tower's SCP), then the accounts.
  expect(files[0]).toBe('scp-ou-prod-1.json');
  expect(files.filter((f) => f.startsWith('scp-ou-prod-'))).toHaveLength(3);
  expect(files.every((f) => /^scp-(ou-prod|prod-accounts)-\d\.json$/.test(f))).toBe(true);
  for (const file of files) expect(readFileSync(join(dir, file), 'utf8').length).toBeLessThanOrEqual(5120);
  // Every statement of every source SCP is written once.
  const written = files.flatMap((f) => [].concat(JSON.parse(readFileSync(join(dir, f), 'utf8')).Statement) as any[]).map((s) => s.Sid);
  const sources = serviceControlPolicies(config)
    .flatMap((p) => [].concat(JSON.parse(p.toJson()).Statement) as any[])
    .map((s) => s.Sid);
  expect(written.sort()).toEqual(sources.sort());
  expect(written).toEqual(expect.arrayContaining(['DenyS3PutWithSseC', 'DenyRunInstancesWithoutImdsV2', 'DenyInstanceMetadataOptionChanges']));
  const regions = files.map((f) => readFileSync(join(dir, f), 'utf8')).find((d) => d.includes('DenyOutsideAllowedRegions'))!;
  for (const region of ['eu-west-1', 'eu-central-1', 'us-east-1', 'eu-north-1']) expect(regions).toContain(region);
  // Exemptions name a role in every account the SCPs govern ('arn:aws:iam::*:role/<exact name>'), or,
  // for the CDK roles whose names hold the account, a pattern under cdk-<qualifier>-; every one is
  // protected by a deny on creating or taking over a matching role, which the compiler checks
  // (bypass.semantic.test.ts attacks them). Nothing else is a pattern.
  const q = config.principals.cdkQualifier;
  const cdkPattern = new RegExp(`^arn:(aws|\\*):iam::\\*:role/cdk-${q}-(cfn-exec|deploy|file-publishing|image-publishing)-role-\\*(-[a-z]+-[a-z]+-\\d)?$`);
  const patternsSeen = new Set<string>();
  for (const file of files) {
    for (const statement of [].concat(JSON.parse(readFileSync(join(dir, file), 'utf8')).Statement) as any[]) {
      const exempt: string[] = [].concat(statement.Condition?.ArnNotEquals?.['aws:PrincipalARN'] ?? []);
      for (const arn of exempt.filter((a) => /[*?]/.test(a))) {
        patternsSeen.add(arn);
        // ... and, for the limited regions only, the CDK roles of a region and the audit replication roles.
        const limitedOnly = new RegExp(`^arn:aws:iam::\\*:role/(cdk-${q}-\\*-[a-z]+-[a-z]+-\\d|guardrails-audit-replication-\\*)$`);
        const allowed =
          /^arn:aws:iam::\*:role\/[\w+=,.@-]+$/.test(arn) || cdkPattern.test(arn) || (statement.Sid.startsWith('DenyInLimited') && limitedOnly.test(arn));
        expect([arn, allowed]).toEqual([arn, true]);
      }
      // The other exception: the named log writers (guardrails-log-writer-*, at path '/', which bounded
      // identities cannot create roles under; bypass.semantic.test.ts "no forged record").
      expect(statement.Condition?.ArnNotLike).toEqual(
        statement.Sid === 'DenyGuardrailLogForgery' ? { 'aws:PrincipalARN': ['arn:*:iam::*:role/guardrails-log-writer-*'] } : undefined,
      );
    }
  }
  expect([...patternsSeen]).toEqual(
    expect.arrayContaining(['arn:aws:iam::*:role/GuardrailsBreakGlass', `arn:aws:iam::*:role/cdk-${q}-cfn-exec-role-*-eu-west-1`]),
  );
  expect(regions).not.toContain('ap-southeast-2');
});

test('the SCPs do not grow with the accounts but for the foreign-key list and the account regions: 174 workload accounts fit two targets, 300 fail naming the target', () => {
  const prod = loadConfig('prod', { configDir: CONFIG_DIR });
  const many = (n: number) => ({
    ...prod,
    workloadAccounts: Array.from({ length: n }, (_, i) => ({ ...prod.workloadAccounts[0], name: `a${i}`, accountId: String(400000000000 + i) })),
  });
  const sizes = (n: number) =>
    Object.fromEntries(
      serviceControlPolicies(many(n))
        .map((p) => [p.name, p.sizeInCharacters])
        .filter(([name]) => !String(name).startsWith('deny-foreign-kms-keys') && !String(name).startsWith('account-region-restriction')),
    );
  expect(sizes(300)).toEqual(sizes(1));
  const targets = { targets: [{ name: 'ou', slotsUsed: 2 }, { name: 'accounts-ou' }] };
  const compiled = OrganizationPolicyCompiler.compileServiceControlPolicies(serviceControlPolicies(many(174)), targets);
  expect(compiled.every((c) => c.sizeInCharacters <= 5120)).toBe(true);
  expect(compiled.map((c) => c.toJson()).join('')).not.toContain('400000000173:role');
  // 33 characters an account (the foreign-key list): 300 need more documents than the 7 free slots;
  // synth names the target and the fix, never truncating.
  expect(() => OrganizationPolicyCompiler.compileServiceControlPolicies(serviceControlPolicies(many(300)), targets)).toThrow(
    /target 'accounts-ou' overflows by \d+; expected at most 7 documents .*or add a target/,
  );
  // These accounts run guardrails in every region of the environment, with the limited regions
  // us-east-1 (IAM capture) and the replica: none needs a statement for the regions outside its own
  // (red5 A16); only the security account (not in the replica region) does. The limited regions have
  // one statement each, whatever the number of accounts (red7 R7-1): no account list grows there.
  const statementsOf = (n: number) =>
    serviceControlPolicies(many(n))
      .filter((p) => p.name.startsWith('account-region-restriction'))
      .flatMap((p) => JSON.parse(p.toJson()).Statement as any[]);
  const outsideAccounts = statementsOf(300)
    .filter((s) => s.Sid.startsWith('DenyOutside'))
    .flatMap((s: any) => s.Condition.StringEquals['aws:PrincipalAccount']);
  expect(outsideAccounts).toEqual([prod.securityAccount.accountId]);
  const limitedOf = (n: number) => statementsOf(n).filter((s) => s.Sid.startsWith('DenyInLimited'));
  expect(limitedOf(300)).toEqual(limitedOf(1));
  expect(limitedOf(300)).toHaveLength(2);
  const fewerRegions = (n: number) => ({
    ...many(n),
    workloadAccounts: many(n).workloadAccounts.map((a, i) => (i === 0 ? a : { ...a, regions: ['eu-west-1'] })),
  });
  const restrictionSize = (n: number) =>
    serviceControlPolicies(fewerRegions(n))
      .filter((p) => p.name.startsWith('account-region-restriction'))
      .reduce((sum, p) => sum + p.sizeInCharacters, 0);
  // An account in fewer regions than the environment gets its outside statement: 15 characters (the limited ones none).
  expect((restrictionSize(151) - restrictionSize(51)) / 100).toBe(15);
});

test("A16: every account of prod may act only in its own regions, and in its limited ones (us-east-1 IAM capture, audit replica) only as a deployer or a role of that region's stacks (red6 R6-2, red7 R7-1), in documents of its configured targets; an unlisted account not in the limited regions", () => {
  const config = loadConfig('prod', { configDir: CONFIG_DIR });
  const dir = mkdtempSync(join(tmpdir(), 'scp-'));
  writeServiceControlPolicies(config, dir);
  const targets = config.organizationPolicies.targets.map((t) => t.name);
  const documents = readdirSync(dir).map((f) => ({
    target: /^scp-(.+)-\d+\.json$/.exec(f)![1],
    statements: [].concat(JSON.parse(readFileSync(join(dir, f), 'utf8')).Statement) as any[],
  }));
  const all = documents.flatMap((d) => d.statements.map((s) => ({ target: d.target, s })));
  const environmentWide = all.find((x) => x.s.Sid === 'DenyOutsideAllowedRegions')!;
  const sorted = (v: unknown) => ([] as string[]).concat(v as string[]).sort();
  // The regions each account of prod may act in, from config (not from the code under test): its own
  // regions for everyone; us-east-1 (unless one of its regions) and the replica region only for the
  // deployers and the roles of those stacks.
  const replica = config.auditLogs.replicaRegion!;
  const expected: Array<[string, string[], string[]]> = [
    [config.securityAccount.accountId, sorted(config.securityAccount.regions), []],
    ...config.workloadAccounts.map((a): [string, string[], string[]] => [
      a.accountId,
      sorted(a.regions),
      sorted([...(a.regions.includes('us-east-1') ? [] : ['us-east-1']), replica]),
    ]),
  ];
  // ledger (eu-west-1 only) must not reach eu-central-1; the security account not the replica region.
  expect(expected.find(([id]) => id === '777777777777')!.slice(1)).toEqual([['eu-west-1'], ['eu-north-1', 'us-east-1']]);
  expect(expected[0][1]).not.toContain('eu-north-1');
  const environmentExempt = sorted(environmentWide.s.Condition.ArnNotEquals['aws:PrincipalARN']);
  // An unlisted account of the targets (a StackSet target): the environment's regions, but the
  // limited ones, where no account of it runs guardrails (red7 R7-1: the region statements hold it).
  const environmentRegions = sorted(environmentWide.s.Condition.StringNotEquals['aws:RequestedRegion']);
  expected.push(['999999999999', environmentRegions.filter((r) => r !== 'us-east-1' && r !== replica), sorted(['us-east-1', replica])]);
  for (const [accountId, regions, limited] of expected) {
    const mine = (x: { s: any }) => x.s.Effect === 'Deny' && sorted(x.s.Condition?.StringEquals?.['aws:PrincipalAccount'] ?? []).includes(accountId);
    const outside = all.filter((x) => mine(x) && x.s.Condition.StringNotEquals);
    // The limited regions' statements: one a region, for every account but those listed as full there.
    const inLimited = all.filter(
      (x) =>
        x.s.Effect === 'Deny' &&
        String(x.s.Sid).startsWith('DenyInLimited') &&
        (mine(x) ||
          (x.s.Condition.StringEquals['aws:PrincipalAccount'] === undefined &&
            !sorted(x.s.Condition.StringNotEquals?.['aws:PrincipalAccount'] ?? []).includes(accountId))),
    );
    // What the account's principals may reach: the environment's regions, narrowed by its own statements.
    const reachableByLimited = outside.reduce(
      (r, x) => r.filter((region) => sorted(x.s.Condition.StringNotEquals['aws:RequestedRegion']).includes(region)),
      environmentRegions,
    );
    const deniedToOthers = inLimited.flatMap((x) => sorted(x.s.Condition.StringEquals['aws:RequestedRegion']));
    const reachableByEveryone = reachableByLimited.filter((r) => !deniedToOthers.includes(r));
    expect([accountId, reachableByEveryone, sorted(reachableByLimited.filter((r) => deniedToOthers.includes(r)))]).toEqual([accountId, regions, limited]);
    expect([accountId, reachableByLimited]).toEqual([accountId, sorted([...regions, ...limited])]);
    for (const x of [...outside, ...inLimited]) {
      expect(targets).toContain(x.target);
      // The same global-service actions as the environment-wide statement (in a limited region less
      // Direct Connect, red7 R7-3); its principal exemptions, and in a limited region also the
      // deployers and that region's stacks' roles, of that region only.
      expect(x.s.NotAction).toEqual(
        outside.includes(x) ? environmentWide.s.NotAction : environmentWide.s.NotAction.filter((a: string) => a !== 'directconnect:*'),
      );
      expect(x.s.Resource).toBe('*');
      const exempt = sorted(x.s.Condition.ArnNotEquals['aws:PrincipalARN']);
      if (outside.includes(x)) {
        expect(exempt).toEqual(environmentExempt);
        expect(Object.keys(x.s.Condition).sort()).toEqual(['ArnNotEquals', 'StringEquals', 'StringNotEquals']);
      } else {
        const [region] = x.s.Condition.StringEquals['aws:RequestedRegion'];
        expect(x.s.Condition.StringEquals['aws:RequestedRegion']).toEqual([region]);
        expect(exempt).toEqual(sorted([...new Set([...environmentExempt, ...limitedRegionPrincipalArnsOf(config, region)])]));
      }
    }
  }
});

test("a limited region that is a StackSet region (full for the targets config does not list) is held per account, with that region's roles only (red7 R7-1)", async () => {
  const prod = loadConfig('prod', { configDir: CONFIG_DIR });
  const payments = prod.workloadAccounts[0].accountId;
  const stackSets = {
    organizationalUnitIds: ['ou-ab12-cdef3456'],
    regions: ['us-east-1'],
    adminAccountId: prod.securityAccount.accountId,
    adminRegion: 'eu-west-1',
    callAs: 'DELEGATED_ADMIN' as const,
    excludedAccountIds: [payments],
    maxConcurrentPercentage: 25,
    failureTolerancePercentage: 0,
  };
  const statements = serviceControlPolicies({ ...prod, stackSets })
    .filter((p) => p.name.startsWith('account-region-restriction'))
    .flatMap((p) => [].concat(JSON.parse(p.toJson()).Statement) as any[]);
  const perAccount = statements.filter((st) => st.Sid.startsWith('DenyInLimitedAccountRegions'));
  expect(perAccount.map((st) => st.Condition.StringEquals)).toEqual([{ 'aws:PrincipalAccount': [payments], 'aws:RequestedRegion': ['us-east-1'] }]);
  expect(perAccount[0].Condition.ArnNotEquals['aws:PrincipalARN']).toContain('arn:aws:iam::*:role/guardrails-log-writer-sender-us-east-1');
  expect(perAccount[0].Condition.ArnNotEquals['aws:PrincipalARN']).not.toContain('arn:aws:iam::*:role/guardrails-audit-replication-*');
  expect(statements.filter((st) => st.Sid.startsWith('DenyInLimitedRegion')).map((st) => st.Condition.StringEquals)).toEqual([
    { 'aws:RequestedRegion': ['eu-north-1'] },
  ]);
  // Semantics: payments' admin is denied in us-east-1, a StackSet target config does not list is not.
  const scps = [ALLOW_EVERYTHING, { Version: '2012-10-17', Statement: statements }];
  const run = (account: string) =>
    evaluate({
      identityPolicies: [ALLOW_EVERYTHING],
      serviceControlPolicies: scps,
      request: {
        action: 'ec2:RunInstances',
        principal: `arn:aws:iam::${account}:role/admin`,
        resource: `arn:aws:ec2:us-east-1:${account}:instance/*`,
        resourceAccount: account,
        context: { 'aws:PrincipalArn': `arn:aws:iam::${account}:role/admin`, 'aws:PrincipalAccount': account, 'aws:RequestedRegion': 'us-east-1' },
      },
    });
  expect(await run(payments)).toBe('ExplicitlyDenied');
  expect(await run('999999999999')).toBe('Allowed');
});

describe('organization policies', () => {
  test('RCPs are written only with organizationId: prod (o-...) gets the data perimeter, dev none', () => {
    const prod = mkdtempSync(join(tmpdir(), 'rcp-'));
    const files = writeResourceControlPolicies(loadConfig('prod', { configDir: CONFIG_DIR }), prod);
    expect(files.map((f) => f.slice(prod.length + 1))).toEqual(['rcp-ou-prod-1.json']);
    const rcp = JSON.parse(readFileSync(files[0], 'utf8'));
    expect(rcp.Statement.map((s: any) => s.Sid)).toEqual(['EnforceOrgIdentities', 'EnforceConfusedDeputyProtection', 'EnforceSecureTransport']);
    expect(JSON.stringify(rcp)).toContain('"aws:PrincipalOrgID":"o-exampleorg1"');
    const dev = mkdtempSync(join(tmpdir(), 'rcp-'));
    expect(writeResourceControlPolicies(loadConfig('dev', { configDir: CONFIG_DIR }), dev)).toEqual([]);
    expect(readdirSync(dev)).toEqual([]);
  });

  test('the SSE-C and IMDSv2 statements follow their switches', () => {
    const config = loadConfig('dev', { configDir: CONFIG_DIR });
    const sids = (c: typeof config) => serviceControlPolicies(c).flatMap((p) => JSON.parse(p.toJson()).Statement.map((s: any) => s.Sid));
    expect(sids(config)).toEqual(expect.arrayContaining(['DenyS3PutWithSseC', 'DenyRunInstancesWithoutImdsV2']));
    const off = { ...config, organizationPolicies: { ...config.organizationPolicies, denySseC: false, requireImdsV2: false } };
    expect(sids(off)).not.toContain('DenyS3PutWithSseC');
    expect(sids(off)).not.toContain('DenyRunInstancesWithoutImdsV2');
  });

  test('a delegated StackSets administrator account: only the deployers create or change any StackSet there; the management account (SELF) needs no statement', () => {
    const prod = loadConfig('prod', { configDir: CONFIG_DIR });
    const stackSets = { organizationalUnitIds: ['ou-ab12-cdef3456'], regions: ['eu-west-1'], adminAccountId: '999999999999', adminRegion: 'eu-west-1' };
    const statement = (c: typeof prod) =>
      serviceControlPolicies(c)
        .flatMap((p) => JSON.parse(p.toJson()).Statement)
        .find((s: any) => s.Sid === 'DenyStackSetAdministration');
    const delegated = statement({ ...prod, stackSets: { ...stackSets, callAs: 'DELEGATED_ADMIN' } } as typeof prod);
    expect(delegated.Condition.StringEquals).toEqual({ 'aws:PrincipalAccount': ['999999999999'] });
    expect(delegated.Action).toEqual(expect.arrayContaining(['cloudformation:CreateStackSet', 'cloudformation:CreateStackInstances']));
    // The deployers are excepted: the StackSet execution role among them.
    expect(JSON.stringify(delegated.Condition.ArnNotEquals)).toContain(prod.principals.stackSetExecutionRoleName);
    expect(statement({ ...prod, stackSets: { ...stackSets, callAs: 'SELF' } } as typeof prod)).toBeUndefined();
    expect(statement(prod)).toBeUndefined();
    // It still fits prod's slots.
    const written = writeServiceControlPolicies(
      { ...prod, stackSets: { ...stackSets, callAs: 'DELEGATED_ADMIN' } } as typeof prod,
      mkdtempSync(join(tmpdir(), 'scp-')),
    );
    expect(written.length).toBeGreaterThan(0);
  });

  test('synth fails naming the target when the SCPs do not fit its free slots', () => {
    const config = loadConfig('prod', { configDir: CONFIG_DIR });
    const full = { ...config, organizationPolicies: { ...config.organizationPolicies, targets: [{ name: 'ou-prod', scpSlotsUsed: 2, rcpSlotsUsed: 1 }] } };
    expect(() => writeServiceControlPolicies(full, mkdtempSync(join(tmpdir(), 'scp-')))).toThrow(
      /^OrganizationPolicyCompiler: policies: received SCP statements that need \d documents of 5120 characters: target 'ou-prod' overflows by \d+; expected at most 3 documents/,
    );
  });
});
