import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnWaitConditionHandle, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { evaluate, PolicyJson } from '@cdk-guardrails/policy-test-kit';
import { ServiceControlPolicy } from '../../lib';
import { ACCOUNT, FULL_AWS_ACCESS, withoutStatement } from './helpers';

jest.setTimeout(60_000);

const ADMIN = `arn:aws:iam::${ACCOUNT}:role/admin`;
const EXEC_ROLE = `arn:aws:iam::${ACCOUNT}:role/cdk-grdtest-cfn-exec-role-${ACCOUNT}-eu-west-1`;
const DEPLOY = `arn:aws:iam::${ACCOUNT}:role/cdk-grdtest-deploy-role-${ACCOUNT}-eu-west-1`;
// Test-only: the widest identity policy, so each SCP Deny is shown to win over any allow.
const ALLOW_ALL: PolicyJson = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/** An administrator in a member account, under FullAWSAccess plus `scp`. */
function underScp(scp: PolicyJson, action: string, resource: string, context: Record<string, string | string[]> = {}, principal = ADMIN) {
  return evaluate({
    identityPolicies: [ALLOW_ALL],
    serviceControlPolicies: [FULL_AWS_ACCESS, scp],
    // A KMS key is usable only if its key policy says so: here it does (the SCP is the subject).
    ...(action.startsWith('kms:')
      ? { resourcePolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: action, Resource: '*' }] } }
      : {}),
    request: { action, principal, resource, resourceAccount: ACCOUNT, context: { 'aws:PrincipalARN': principal, ...context } },
  });
}
const doc = (p: ServiceControlPolicy): PolicyJson => JSON.parse(p.toJson());

/** `ec2:RunInstances` in `region` by `principal` (`Allow *:*`) of `account`, under FullAWSAccess and `scps`. */
function runInstances(scps: PolicyJson[], principal: string, region: string, account = principal.split(':')[4]) {
  return evaluate({
    identityPolicies: [ALLOW_ALL],
    serviceControlPolicies: [FULL_AWS_ACCESS, ...scps],
    request: {
      action: 'ec2:RunInstances',
      principal,
      resource: `arn:aws:ec2:${region}:${account}:instance/*`,
      resourceAccount: account,
      context: { 'aws:PrincipalARN': principal, 'aws:RequestedRegion': region, 'aws:PrincipalAccount': account },
    },
  });
}

describe('ServiceControlPolicy documents', () => {
  const all = () => [
    ServiceControlPolicy.regionRestriction({ allowedRegions: ['eu-west-1', 'eu-central-1'] }),
    ServiceControlPolicy.protectSecurityServices({ exemptPrincipalArns: [EXEC_ROLE] }),
    ServiceControlPolicy.denyUnencryptedS3Writes({ requireKms: true }),
    ServiceControlPolicy.denyUnencryptedResourceCreation(),
    ServiceControlPolicy.denyLongTermCredentials(),
    ServiceControlPolicy.protectGuardrailPrincipals({
      cdkBootstrapQualifier: 'hnb659fds',
      protectedPrincipalArns: [`arn:aws:iam::${ACCOUNT}:role/break-glass`],
      managerPrincipalArns: [EXEC_ROLE],
      pipelinePrincipalArns: ['arn:aws:iam::333333333333:role/pipeline'],
      cdkDeployRoleArns: [`arn:aws:iam::${ACCOUNT}:role/cdk-grdtest-deploy-role-${ACCOUNT}-eu-west-1`],
    }),
    ServiceControlPolicy.protectGuardrailResources({ administratorArns: [EXEC_ROLE] }),
  ];

  test('every generated SCP is minified JSON under the 5,120-character limit', () => {
    for (const p of all()) {
      expect(p.toJson()).toBe(JSON.stringify(JSON.parse(p.toJson())));
      expect(p.sizeInCharacters).toBe(p.toJson().length);
      expect(Buffer.byteLength(p.toJson())).toBeLessThanOrEqual(ServiceControlPolicy.MAX_CHARACTERS);
    }
  });

  test('no SCP grants anything (Deny statements only)', () => {
    for (const p of all()) {
      expect(([] as any[]).concat(doc(p).Statement).every((s) => s.Effect === 'Deny')).toBe(true);
    }
  });

  test('writeFiles writes <dir>/<name>.json with exactly the checked content', () => {
    // GIVEN
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'scp-')) });
    new CfnWaitConditionHandle(new Stack(app, 'S'), 'Placeholder');
    const assembly = app.synth();
    // WHEN
    const files = ServiceControlPolicy.writeFiles(path.join(assembly.directory, 'scp'), all());
    // THEN
    expect(files.map((f) => path.relative(assembly.directory, f)).sort()).toEqual([
      'scp/deny-long-term-credentials.json',
      'scp/deny-unencrypted-resources.json',
      'scp/deny-unencrypted-s3-writes.json',
      'scp/protect-guardrail-principals.json',
      'scp/protect-guardrail-resources.json',
      'scp/protect-security-services.json',
      'scp/region-restriction.json',
    ]);
    for (const [i, p] of all().entries()) {
      expect(fs.readFileSync(path.join(assembly.directory, 'scp', `${p.name}.json`), 'utf8')).toBe(all()[i].toJson());
    }
  });

  test('fails if two SCPs share a name', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scp-'));
    expect(() =>
      ServiceControlPolicy.writeFiles(dir, [ServiceControlPolicy.denyUnencryptedResourceCreation(), ServiceControlPolicy.denyUnencryptedResourceCreation()]),
    ).toThrow(/^ServiceControlPolicy\.writeFiles: policies: received the name 'deny-unencrypted-resources' twice; expected each SCP with its own name/);
  });

  test('fails if an SCP is over the size limit', () => {
    expect(() =>
      ServiceControlPolicy.regionRestriction({
        allowedRegions: ['eu-west-1'],
        additionalExemptActions: Array.from({ length: 300 }, (_, i) => `ec2:DescribeSomething${i}`),
      }),
    ).toThrow(
      /^new ServiceControlPolicy: statements: received SCP 'region-restriction' of \d+ characters minified; expected at most 5120 characters minified \(the AWS Organizations limit is 5120\)\. Split it or drop statements\.$/,
    );
  });

  test('fails if an SCP contains a CDK token', () => {
    const stack = new Stack();
    expect(
      () =>
        new ServiceControlPolicy({
          name: 'tokens',
          statements: [new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['s3:DeleteBucket'], resources: [`arn:aws:s3:::${stack.account}-data`] })],
        }),
    ).toThrow(/statements: received SCP 'tokens' with a CDK token/);
  });

  test('fails if the name cannot be a file name', () => {
    expect(() => ServiceControlPolicy.denyUnencryptedResourceCreation({ name: '../escape' })).toThrow(/name: received '..\/escape'/);
  });

  test('fails if a region is malformed', () => {
    expect(() => ServiceControlPolicy.regionRestriction({ allowedRegions: ['Ireland'] })).toThrow(
      /^ServiceControlPolicy\.regionRestriction: allowedRegions: received 'Ireland'; expected a region name such as 'eu-west-1'$/,
    );
  });

  test('fails if no region is allowed', () => {
    expect(() => ServiceControlPolicy.regionRestriction({ allowedRegions: [] })).toThrow(/allowedRegions: received an empty list/);
  });

  test.each(['cdk-*', 'arn:aws:iam::*:role/*', 'arn:aws:iam::*:user/ci', `arn:aws:sts::${ACCOUNT}:assumed-role/admin/session`])(
    'fails if an exemption is neither an exact IAM role or user ARN nor a role pattern: %s',
    (arn) => {
      const escaped = arn.replace(/[*?.]/g, (c) => `\\${c}`);
      for (const build of [
        () => ServiceControlPolicy.protectSecurityServices({ exemptPrincipalArns: [arn] }),
        () => ServiceControlPolicy.regionRestriction({ allowedRegions: ['eu-west-1'], exemptPrincipalArns: [arn] }),
        () => ServiceControlPolicy.denyLongTermCredentials({ exemptPrincipalArns: [arn] }),
        () => ServiceControlPolicy.protectAccountBaseline({ exemptPrincipalArns: [arn] }),
        () => ServiceControlPolicy.protectAccountBaseline({ settingsRoleArns: [arn] }),
      ]) {
        expect(build).toThrow(new RegExp(`(exemptPrincipalArns|settingsRoleArns)(\\[0\\])?: received '${escaped}'; expected an exact IAM role`));
      }
    },
  );

  test.each(['arn:aws:iam::*:role/cdk-grdtest-cfn-exec-role-*', `arn:aws:iam::${ACCOUNT}:role/cdk-grdtest-cfn-exec-role-?`, 'arn:aws:iam::*:role/break-glass'])(
    'a role pattern is accepted at construction (and checked for protection when written or compiled): %s',
    (arn) => {
      const scp = doc(ServiceControlPolicy.denyLongTermCredentials({ exemptPrincipalArns: [arn] }));
      expect(([] as any[]).concat(scp.Statement)[0].Condition).toEqual({ ArnNotEquals: { 'aws:PrincipalARN': [arn] } });
    },
  );

  test('an exemption is an exact match (ArnNotEquals aws:PrincipalARN)', () => {
    const scp = doc(ServiceControlPolicy.protectSecurityServices({ exemptPrincipalArns: [EXEC_ROLE] }));
    const tamper = ([] as any[]).concat(scp.Statement).find((st) => st.Sid === 'DenySecurityServiceTampering');
    expect(tamper.Condition).toEqual({ ArnNotEquals: { 'aws:PrincipalARN': [EXEC_ROLE] } });
  });
});

describe('region restriction semantics', () => {
  const scp = doc(ServiceControlPolicy.regionRestriction({ allowedRegions: ['eu-west-1'] }));

  test('a request to another region is denied; allowed without the statement', async () => {
    const request = ['ec2:RunInstances', `arn:aws:ec2:us-west-2:${ACCOUNT}:instance/*`, { 'aws:RequestedRegion': 'us-west-2' }] as const;
    await expect(underScp(scp, ...request)).resolves.toBe('ExplicitlyDenied');
    await expect(underScp(withoutStatement(scp, 'DenyOutsideAllowedRegions'), ...request)).resolves.toBe('Allowed');
  });

  test('a request to an allowed region is allowed', async () => {
    await expect(underScp(scp, 'ec2:RunInstances', `arn:aws:ec2:eu-west-1:${ACCOUNT}:instance/*`, { 'aws:RequestedRegion': 'eu-west-1' })).resolves.toBe(
      'Allowed',
    );
  });

  test('global services (IAM, STS, Organizations) keep working from us-east-1', async () => {
    await expect(underScp(scp, 'iam:CreateRole', `arn:aws:iam::${ACCOUNT}:role/r`, { 'aws:RequestedRegion': 'us-east-1' })).resolves.toBe('Allowed');
    await expect(underScp(scp, 'sts:AssumeRole', `arn:aws:iam::${ACCOUNT}:role/r`, { 'aws:RequestedRegion': 'us-east-1' })).resolves.toBe('Allowed');
  });
});

describe('region restriction: replicas a service creates elsewhere (red7 R7-2)', () => {
  const scp = doc(
    ServiceControlPolicy.regionRestriction({
      allowedRegions: ['eu-west-1', 'eu-central-1', 'eu-north-1'],
      replicaRegions: ['eu-west-1', 'eu-central-1'],
      exemptPrincipalArns: [EXEC_ROLE],
    }),
  );
  const secret = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:orders-AbCdEf`;
  const key = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/mrk-1234abcd12ab34cd56ef1234567890ab`;
  const home = { 'aws:RequestedRegion': 'eu-west-1' };

  test.each([
    ['secretsmanager:ReplicateSecretToRegions', secret, { 'secretsmanager:AddReplicaRegions': ['ap-south-1'] }, 'DenySecretReplicasOutsideRegions'],
    [
      'secretsmanager:ReplicateSecretToRegions',
      secret,
      { 'secretsmanager:AddReplicaRegions': ['eu-central-1', 'eu-north-1'] },
      'DenySecretReplicasOutsideRegions',
    ],
    ['secretsmanager:CreateSecret', secret, { 'secretsmanager:AddReplicaRegions': ['us-east-1'] }, 'DenySecretReplicasOutsideRegions'],
    ['kms:ReplicateKey', key, { 'kms:ReplicaRegion': 'ap-south-1' }, 'DenyKeyReplicasOutsideRegions'],
    ['kms:ReplicateKey', key, { 'kms:ReplicaRegion': 'eu-north-1' }, 'DenyKeyReplicasOutsideRegions'],
  ] as Array<[string, string, Record<string, string | string[]>, string]>)(
    '%s to an allowed region, replica elsewhere, is denied; allowed without the statement',
    async (action, resource, context, sid) => {
      await expect(underScp(scp, action, resource, { ...home, ...context })).resolves.toBe('ExplicitlyDenied');
      await expect(underScp(withoutStatement(scp, sid), action, resource, { ...home, ...context })).resolves.toBe('Allowed');
    },
  );

  test('control: replicas in the replica regions and a secret without replicas; the exempt principals are not exempt from this one', async () => {
    await expect(
      underScp(scp, 'secretsmanager:ReplicateSecretToRegions', secret, { ...home, 'secretsmanager:AddReplicaRegions': ['eu-central-1'] }),
    ).resolves.toBe('Allowed');
    await expect(underScp(scp, 'secretsmanager:CreateSecret', secret, home)).resolves.toBe('Allowed');
    await expect(underScp(scp, 'kms:ReplicateKey', key, { ...home, 'kms:ReplicaRegion': 'eu-central-1' })).resolves.toBe('Allowed');
    // No principal is exempt from the replica rule, the exempt execution role included (it is exempt from the region statement).
    await expect(underScp(scp, 'kms:ReplicateKey', key, { ...home, 'kms:ReplicaRegion': 'ap-south-1' }, EXEC_ROLE)).resolves.toBe('ExplicitlyDenied');
    await expect(
      underScp(scp, 'ec2:RunInstances', `arn:aws:ec2:ap-south-1:${ACCOUNT}:instance/*`, { 'aws:RequestedRegion': 'ap-south-1' }, EXEC_ROLE),
    ).resolves.toBe('Allowed');
  });

  test('replicaRegions defaults to allowedRegions and must be among them', () => {
    const byDefault = doc(ServiceControlPolicy.regionRestriction({ allowedRegions: ['eu-west-1'] }));
    const statement = ([] as any[]).concat(byDefault.Statement).find((st) => st.Sid === 'DenyKeyReplicasOutsideRegions');
    expect(statement.Condition.StringNotEquals['kms:ReplicaRegion']).toEqual(['eu-west-1']);
    expect(() => ServiceControlPolicy.regionRestriction({ allowedRegions: ['eu-west-1'], replicaRegions: ['us-east-1'] })).toThrow(
      "ServiceControlPolicy.regionRestriction: replicaRegions: received 'us-east-1'; expected one of allowedRegions (eu-west-1)",
    );
  });
});

describe('account region restriction (each account only in its own regions)', () => {
  const OTHER = '222222222222';
  const policies = ServiceControlPolicy.accountRegionRestriction({
    accounts: [
      { accountId: ACCOUNT, regions: ['eu-west-1'] },
      { accountId: OTHER, regions: ['eu-west-1', 'eu-central-1'] },
    ],
    exemptPrincipalArns: [EXEC_ROLE],
  });
  const scp = doc(policies[0]);
  const request = (region: string, account = ACCOUNT) =>
    [
      'sqs:CreateQueue',
      `arn:aws:sqs:${region}:${account}:orders`,
      { 'aws:RequestedRegion': region, 'aws:PrincipalAccount': account },
      `arn:aws:iam::${account}:role/admin`,
    ] as const;

  test("a principal of the account acting in another account's region is denied; allowed without the statement", async () => {
    await expect(underScp(scp, ...request('eu-central-1'))).resolves.toBe('ExplicitlyDenied');
    const sid = ([] as any[]).concat(scp.Statement).find((st) => st.Condition.StringEquals['aws:PrincipalAccount'].includes(ACCOUNT)).Sid;
    await expect(underScp(withoutStatement(scp, sid), ...request('eu-central-1'))).resolves.toBe('Allowed');
  });

  test('control: each account in its own regions, global services anywhere, the exempt principals anywhere', async () => {
    await expect(underScp(scp, ...request('eu-west-1'))).resolves.toBe('Allowed');
    const other = request('eu-central-1', OTHER);
    await expect(
      evaluate({
        identityPolicies: [ALLOW_ALL],
        serviceControlPolicies: [FULL_AWS_ACCESS, scp],
        request: { action: other[0], principal: other[3], resource: other[1], resourceAccount: OTHER, context: { 'aws:PrincipalARN': other[3], ...other[2] } },
      }),
    ).resolves.toBe('Allowed');
    await expect(
      underScp(scp, 'iam:CreateRole', `arn:aws:iam::${ACCOUNT}:role/r`, { 'aws:RequestedRegion': 'us-east-1', 'aws:PrincipalAccount': ACCOUNT }),
    ).resolves.toBe('Allowed');
    const [action, resource, context] = request('eu-central-1');
    await expect(underScp(scp, action, resource, context, EXEC_ROLE)).resolves.toBe('Allowed');
  });

  test('accounts with the same regions share a statement, as many as fit a document; packed into documents within the limit', () => {
    const accounts = Array.from({ length: 600 }, (_, i) => ({
      accountId: String(400000000000 + i),
      regions: i % 3 === 0 ? ['eu-west-1'] : ['eu-central-1', 'eu-west-1'],
    }));
    const packed = ServiceControlPolicy.accountRegionRestriction({ accounts, exemptPrincipalArns: [EXEC_ROLE] });
    const statements = packed.flatMap((p) => ([] as any[]).concat(doc(p).Statement));
    const sets = statements.map((st) => JSON.stringify(st.Condition.StringNotEquals['aws:RequestedRegion']));
    // 200 accounts in eu-west-1 only, 400 in both: the first set needs two statements, the second one.
    expect(sets).toEqual([...sets].sort());
    expect(new Set(sets)).toEqual(new Set(['["eu-central-1","eu-west-1"]', '["eu-west-1"]']));
    expect(statements.length).toBe(3);
    expect(new Set(statements.flatMap((st) => st.Condition.StringEquals['aws:PrincipalAccount'])).size).toBe(600);
    expect(packed.every((p) => p.sizeInCharacters <= ServiceControlPolicy.MAX_CHARACTERS)).toBe(true);
    expect(packed.length).toBe(statements.length);
    expect(packed.map((p) => p.name).slice(0, 2)).toEqual(['account-region-restriction', 'account-region-restriction-2']);
  });

  describe('limited regions (red6 R6-2: a region where the account runs only a capture or replica stack)', () => {
    const SENDER = 'arn:aws:iam::*:role/log-sender-us-east-1';
    const limitedPolicies = ServiceControlPolicy.accountRegionRestriction({
      accounts: [
        { accountId: ACCOUNT, regions: ['eu-west-1'], limitedRegions: ['us-east-1'] },
        { accountId: OTHER, regions: ['eu-west-1', 'us-east-1'] },
      ],
      exemptPrincipalArns: [EXEC_ROLE],
      limitedRegionPrincipalArns: [SENDER],
    });
    const limitedScp = doc(limitedPolicies[0]);
    const sidOf = (prefix: string) => ([] as any[]).concat(limitedScp.Statement).find((st) => st.Sid.startsWith(prefix)).Sid;
    const asPrincipal = (principal: string, region: string, account = ACCOUNT) => runInstances([limitedScp], principal, region, account);
    const sender = `arn:aws:iam::${ACCOUNT}:role/log-sender-us-east-1`;

    test('an administrator of the account is denied its limited region; allowed without the limited statement', async () => {
      await expect(asPrincipal(`arn:aws:iam::${ACCOUNT}:role/admin`, 'us-east-1')).resolves.toBe('ExplicitlyDenied');
      const without = withoutStatement(limitedScp, sidOf('DenyInLimitedAccountRegions'));
      await expect(
        evaluate({
          identityPolicies: [ALLOW_ALL],
          serviceControlPolicies: [FULL_AWS_ACCESS, without],
          request: {
            action: 'ec2:RunInstances',
            principal: `arn:aws:iam::${ACCOUNT}:role/admin`,
            resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/*`,
            resourceAccount: ACCOUNT,
            context: { 'aws:PrincipalARN': `arn:aws:iam::${ACCOUNT}:role/admin`, 'aws:RequestedRegion': 'us-east-1', 'aws:PrincipalAccount': ACCOUNT },
          },
        }),
      ).resolves.toBe('Allowed');
    });

    test('no statement exempts Direct Connect (red7 R7-3, red13 R13-1: not a global service); a user exemption stays', () => {
      const notActionOf = (scp: PolicyJson, prefix: string) => ([] as any[]).concat(scp.Statement).find((st) => st.Sid.startsWith(prefix)).NotAction;
      expect(ServiceControlPolicy.GLOBAL_SERVICE_ACTIONS).not.toContain('directconnect:*');
      expect(notActionOf(limitedScp, 'DenyInLimitedAccountRegions')).not.toContain('directconnect:*');
      expect(notActionOf(limitedScp, 'DenyInLimitedAccountRegions')).toEqual(expect.arrayContaining(['iam:*', 'acm:*', 'cloudfront:*']));
      expect(notActionOf(limitedScp, 'DenyOutside')).not.toContain('directconnect:*');
      const withUserExemption = doc(
        ServiceControlPolicy.accountRegionRestriction({
          accounts: [{ accountId: ACCOUNT, regions: ['eu-west-1'], limitedRegions: ['us-east-1'] }],
          exemptPrincipalArns: [EXEC_ROLE],
          limitedRegionPrincipalArns: [SENDER],
          additionalExemptActions: ['directconnect:*'],
        })[0],
      );
      expect(notActionOf(withUserExemption, 'DenyInLimitedAccountRegions')).toContain('directconnect:*');
    });

    test('control: the limited-region principals and the exempt principals act there; everyone in the full regions; an account for which the region is full', async () => {
      await expect(asPrincipal(sender, 'us-east-1')).resolves.toBe('Allowed');
      await expect(asPrincipal(EXEC_ROLE, 'us-east-1')).resolves.toBe('Allowed');
      await expect(asPrincipal(`arn:aws:iam::${ACCOUNT}:role/admin`, 'eu-west-1')).resolves.toBe('Allowed');
      await expect(asPrincipal(`arn:aws:iam::${OTHER}:role/admin`, 'us-east-1', OTHER)).resolves.toBe('Allowed');
      // Global services from the limited region: IAM keeps working.
      await expect(
        underScp(limitedScp, 'iam:CreateRole', `arn:aws:iam::${ACCOUNT}:role/r`, { 'aws:RequestedRegion': 'us-east-1', 'aws:PrincipalAccount': ACCOUNT }),
      ).resolves.toBe('Allowed');
    });

    test('a limited-region principal is still held outside all of the regions of its account', async () => {
      await expect(asPrincipal(sender, 'eu-central-1')).resolves.toBe('ExplicitlyDenied');
    });

    test('the limited regions are let through by the outside-regions statement, and only the limited statement names the limited principals', () => {
      const statements = ([] as any[]).concat(limitedScp.Statement);
      const outside = statements.find((st) => st.Condition.StringEquals['aws:PrincipalAccount'].includes(ACCOUNT) && st.Sid.startsWith('DenyOutside'));
      expect(outside.Condition.StringNotEquals['aws:RequestedRegion']).toEqual(['eu-west-1', 'us-east-1']);
      expect(outside.Condition.ArnNotEquals['aws:PrincipalARN']).toEqual([EXEC_ROLE]);
      const limited = statements.find((st) => st.Sid.startsWith('DenyInLimited'));
      expect(limited.Condition.StringEquals).toEqual({ 'aws:PrincipalAccount': [ACCOUNT], 'aws:RequestedRegion': ['us-east-1'] });
      expect(limited.Condition.ArnNotEquals['aws:PrincipalARN']).toEqual([EXEC_ROLE, SENDER]);
    });

    test('checkExemptionsProtected: the same check for a set attached by tooling of your own (toJson alone checks nothing)', () => {
      // toJson of the unprotected set does not throw...
      expect(() => limitedPolicies.map((p) => p.toJson())).not.toThrow();
      // ...the check does, naming the pattern; with a protection of the name in the set it passes.
      expect(() => ServiceControlPolicy.checkExemptionsProtected(limitedPolicies)).toThrow(
        "ServiceControlPolicy.checkExemptionsProtected: policies: received the exemption pattern 'arn:aws:iam::*:role/log-sender-us-east-1'",
      );
      const protection = ServiceControlPolicy.protectGuardrailPrincipals({
        cdkBootstrapQualifier: 'hnb659fds',
        protectedPrincipalArns: [SENDER],
        managerPrincipalArns: [EXEC_ROLE],
        pipelinePrincipalArns: [EXEC_ROLE],
        cdkDeployRoleArns: [EXEC_ROLE],
      });
      expect(() => ServiceControlPolicy.checkExemptionsProtected([...limitedPolicies, protection])).not.toThrow();
    });

    test('organizationRegions: an account that reaches all of them needs no statement for the regions outside its own; one that does not gets one', () => {
      const policies = ServiceControlPolicy.accountRegionRestriction({
        accounts: [
          { accountId: ACCOUNT, regions: ['eu-west-1'], limitedRegions: ['us-east-1'] },
          { accountId: OTHER, regions: ['eu-west-1'] },
        ],
        exemptPrincipalArns: [EXEC_ROLE],
        limitedRegionPrincipalArns: [SENDER],
        organizationRegions: ['eu-west-1', 'us-east-1'],
      });
      const statements = policies.flatMap((p) => ([] as any[]).concat(doc(p).Statement));
      const outside = statements.filter((st) => st.Sid.startsWith('DenyOutside'));
      expect(outside.map((st) => st.Condition.StringEquals['aws:PrincipalAccount'])).toEqual([[OTHER]]);
      expect(statements.filter((st) => st.Sid.startsWith('DenyInLimited')).map((st) => st.Condition.StringEquals['aws:PrincipalAccount'])).toEqual([[ACCOUNT]]);
      // Nothing to say about any account: no document at all.
      expect(
        ServiceControlPolicy.accountRegionRestriction({
          accounts: [{ accountId: ACCOUNT, regions: ['eu-west-1', 'us-east-1'] }],
          exemptPrincipalArns: [EXEC_ROLE],
          organizationRegions: ['eu-west-1', 'us-east-1'],
        }),
      ).toEqual([]);
      expect(() =>
        ServiceControlPolicy.accountRegionRestriction({ accounts: [{ accountId: ACCOUNT, regions: ['eu-west-1'] }], organizationRegions: ['Ireland'] }),
      ).toThrow("organizationRegions: received 'Ireland'; expected a region name such as 'eu-west-1'");
    });

    test('a limited-region pattern that no policy protects is refused when the documents are written', () => {
      expect(() => ServiceControlPolicy.writeFiles(fs.mkdtempSync(path.join(os.tmpdir(), 'scp-')), limitedPolicies)).toThrow(
        "the exemption pattern 'arn:aws:iam::*:role/log-sender-us-east-1' in account-region-restriction (DenyInLimitedAccountRegions2) with no statement that protects it",
      );
    });
  });

  describe('organizationLimitedRegions (red7 R7-1: one statement a region, every governed account but those full there)', () => {
    const UNLISTED = '333333333333';
    const SENDER = 'arn:aws:iam::*:role/log-sender-us-east-1';
    const REPLICATOR = 'arn:aws:iam::*:role/replication-*';
    const policies = ServiceControlPolicy.accountRegionRestriction({
      accounts: [
        { accountId: ACCOUNT, regions: ['eu-west-1'], limitedRegions: ['eu-north-1', 'us-east-1'] },
        { accountId: OTHER, regions: ['eu-west-1', 'us-east-1'] },
      ],
      exemptPrincipalArns: [EXEC_ROLE],
      limitedRegionPrincipalArns: [ADMIN],
      organizationLimitedRegions: [
        { region: 'us-east-1', principalArns: [SENDER] },
        { region: 'eu-north-1', principalArns: [REPLICATOR] },
      ],
      organizationRegions: ['eu-west-1', 'us-east-1', 'eu-north-1'],
    });
    // The per-account statements, then the limited regions' in a policy of their own (pinned to the first target by the app: red9 R9-5).
    const merged = (ps: ServiceControlPolicy[]): PolicyJson => ({
      Version: '2012-10-17',
      Statement: ps.flatMap((p) => ([] as any[]).concat(doc(p).Statement)),
    });
    const scp = merged(policies);
    const statements = ([] as any[]).concat(scp.Statement);
    test("the limited regions' statements are a policy of their own, <name>-limited-regions", () => {
      expect(policies.map((p) => p.name)).toEqual(['account-region-restriction', 'account-region-restriction-limited-regions']);
      expect(([] as any[]).concat(doc(policies[1]).Statement).every((st) => /InLimitedRegion/.test(st.Sid))).toBe(true);
    });
    const run = (principal: string, region: string, scps: PolicyJson[] = [scp]) => runInstances(scps, principal, region);
    const role = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;

    test('one statement a region: its own principals only, the accounts full there excepted (listed ones automatically)', () => {
      const limited = statements.filter((st) => st.Sid.startsWith('DenyInLimitedRegion'));
      expect(limited.map((st) => [st.Condition.StringEquals, st.Condition.StringNotEquals, st.Condition.ArnNotEquals['aws:PrincipalARN']])).toEqual([
        [{ 'aws:RequestedRegion': ['eu-north-1'] }, undefined, [EXEC_ROLE, REPLICATOR]],
        [{ 'aws:RequestedRegion': ['us-east-1'] }, { 'aws:PrincipalAccount': [OTHER] }, [EXEC_ROLE, SENDER]],
      ]);
      // No statement per account for them (limitedRegionPrincipalArns do not apply there) ...
      expect(statements.filter((st) => st.Sid.startsWith('DenyInLimitedAccountRegions'))).toEqual([]);
      // ... and ACCOUNT reaches all the organization's regions: only OTHER, which does not list eu-north-1, is held outside its own.
      expect(statements.filter((st) => st.Sid.startsWith('DenyOutside')).map((st) => st.Condition.StringEquals['aws:PrincipalAccount'])).toEqual([[OTHER]]);
    });

    test("attack: an administrator of a listed or an unlisted account is denied in both regions; each region's principal in the other one too", async () => {
      for (const account of [ACCOUNT, UNLISTED]) {
        for (const region of ['us-east-1', 'eu-north-1']) {
          await expect(run(role(account, 'admin'), region)).resolves.toBe('ExplicitlyDenied');
        }
        await expect(run(role(account, 'log-sender-us-east-1'), 'eu-north-1')).resolves.toBe('ExplicitlyDenied');
        await expect(run(role(account, 'replication-x'), 'us-east-1')).resolves.toBe('ExplicitlyDenied');
      }
    });

    test('mutation: without the region statements, the administrators act in both regions', async () => {
      const without = { ...scp, Statement: statements.filter((st) => !st.Sid.startsWith('DenyInLimitedRegion')) };
      for (const region of ['us-east-1', 'eu-north-1']) {
        await expect(run(role(UNLISTED, 'admin'), region, [without])).resolves.toBe('Allowed');
        await expect(run(role(ACCOUNT, 'admin'), region, [without])).resolves.toBe('Allowed');
      }
    });

    test("control: each region's principals and the exempt principals act in it; the account full in us-east-1 acts there; everyone in eu-west-1", async () => {
      await expect(run(role(ACCOUNT, 'log-sender-us-east-1'), 'us-east-1')).resolves.toBe('Allowed');
      await expect(run(role(UNLISTED, 'replication-x'), 'eu-north-1')).resolves.toBe('Allowed');
      await expect(run(EXEC_ROLE, 'us-east-1')).resolves.toBe('Allowed');
      await expect(run(role(OTHER, 'admin'), 'us-east-1')).resolves.toBe('Allowed');
      // OTHER does not list eu-north-1: its outside statement denies even the region's principals there.
      await expect(run(role(OTHER, 'admin'), 'eu-north-1')).resolves.toBe('ExplicitlyDenied');
      await expect(run(role(OTHER, 'replication-x'), 'eu-north-1')).resolves.toBe('ExplicitlyDenied');
      await expect(run(role(UNLISTED, 'replication-x'), 'eu-north-1')).resolves.toBe('Allowed');
      await expect(run(role(ACCOUNT, 'admin'), 'eu-west-1')).resolves.toBe('Allowed');
      await expect(run(role(UNLISTED, 'admin'), 'eu-west-1')).resolves.toBe('Allowed');
    });

    test('fullAccountIds: an account that is not listed may be full in the region; a listed account must list the region', async () => {
      const withFull = ServiceControlPolicy.accountRegionRestriction({
        accounts: [{ accountId: ACCOUNT, regions: ['eu-west-1'] }],
        exemptPrincipalArns: [EXEC_ROLE],
        organizationLimitedRegions: [{ region: 'us-east-1', principalArns: [SENDER], fullAccountIds: [UNLISTED] }],
      });
      await expect(run(role(UNLISTED, 'admin'), 'us-east-1', [merged(withFull)])).resolves.toBe('Allowed');
      await expect(run(role(ACCOUNT, 'admin'), 'us-east-1', [merged(withFull)])).resolves.toBe('ExplicitlyDenied');
      // ... and the listed account is still held outside its regions and us-east-1.
      await expect(run(role(ACCOUNT, 'admin'), 'eu-central-1', [merged(withFull)])).resolves.toBe('ExplicitlyDenied');
    });

    describe('replicas in a limited region (red7 R7-2): Secrets Manager and KMS create them on a request to another region', () => {
      const replicaRequest = (principal: string, action: string, context: Record<string, string | string[]>, scps: PolicyJson[] = [scp]) => {
        const account = principal.split(':')[4];
        const resource = action.startsWith('kms:') ? `arn:aws:kms:eu-west-1:${account}:key/k` : `arn:aws:secretsmanager:eu-west-1:${account}:secret:s-AbCdEf`;
        return evaluate({
          identityPolicies: [ALLOW_ALL],
          serviceControlPolicies: [FULL_AWS_ACCESS, ...scps],
          // A key policy that lets the caller (KMS needs one: the evaluator denies a key without it).
          resourcePolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: action, Resource: resource }] },
          request: {
            action,
            principal,
            resource,
            resourceAccount: account,
            context: { 'aws:PrincipalARN': principal, 'aws:RequestedRegion': 'eu-west-1', 'aws:PrincipalAccount': account, ...context },
          },
        });
      };
      const cases: Array<[string, Record<string, string | string[]>]> = [
        ['secretsmanager:CreateSecret', { 'secretsmanager:AddReplicaRegions': ['us-east-1'] }],
        ['secretsmanager:ReplicateSecretToRegions', { 'secretsmanager:AddReplicaRegions': ['eu-central-1', 'us-east-1'] }],
        ['kms:ReplicateKey', { 'kms:ReplicaRegion': 'us-east-1' }],
      ];
      test.each(cases)('attack: %s into us-east-1 from eu-west-1 is denied to an account not full there, the exemptions included', async (action, context) => {
        for (const principal of [role(ACCOUNT, 'admin'), role(UNLISTED, 'admin'), EXEC_ROLE, role(ACCOUNT, 'log-sender-us-east-1')]) {
          await expect(replicaRequest(principal, action, context)).resolves.toBe('ExplicitlyDenied');
        }
      });
      test.each(cases)('mutation and control: %s is allowed without the replica statements, and to the account full in us-east-1', async (action, context) => {
        const without = { ...scp, Statement: statements.filter((st) => !/Replicas/.test(st.Sid)) };
        await expect(replicaRequest(role(ACCOUNT, 'admin'), action, context, [without])).resolves.toBe('Allowed');
        await expect(replicaRequest(role(OTHER, 'admin'), action, context)).resolves.toBe('Allowed');
      });
      test('control: a replica in a region that is not limited is not held by them; denyReplicas false writes none', async () => {
        await expect(replicaRequest(role(ACCOUNT, 'admin'), 'kms:ReplicateKey', { 'kms:ReplicaRegion': 'eu-central-1' })).resolves.toBe('Allowed');
        const off = ServiceControlPolicy.accountRegionRestriction({
          accounts: [{ accountId: ACCOUNT, regions: ['eu-west-1'] }],
          exemptPrincipalArns: [EXEC_ROLE],
          organizationLimitedRegions: [{ region: 'us-east-1', principalArns: [SENDER], denyReplicas: false }],
        });
        expect(off.flatMap((p) => ([] as any[]).concat(doc(p).Statement)).filter((st) => /Replicas/.test(st.Sid))).toEqual([]);
      });
    });

    test('the region principals are exemption patterns: refused when no policy written with them protects them', () => {
      expect(() => ServiceControlPolicy.checkExemptionsProtected(policies)).toThrow(
        /the exemption pattern 'arn:aws:iam::\*:role\/(log-sender-us-east-1|replication-\*)'/,
      );
    });
  });

  test.each([
    [
      {
        accounts: [{ accountId: ACCOUNT, regions: ['eu-west-1'] }],
        exemptPrincipalArns: [EXEC_ROLE],
        organizationLimitedRegions: [{ region: 'us-east-1', fullAccountIds: [ACCOUNT] }],
      },
      `organizationLimitedRegions[0].fullAccountIds: received '${ACCOUNT}', which accounts[0].regions does not list us-east-1 for`,
    ],
    [
      {
        accounts: [{ accountId: ACCOUNT, regions: ['eu-west-1'] }],
        exemptPrincipalArns: [EXEC_ROLE],
        organizationLimitedRegions: [{ region: 'us-east-1' }, { region: 'us-east-1' }],
      },
      "organizationLimitedRegions[1].region: received 'us-east-1' again; expected each region once",
    ],
    [
      { accounts: [{ accountId: ACCOUNT, regions: ['eu-west-1'] }], organizationLimitedRegions: [{ region: 'us-east-1' }] },
      'organizationLimitedRegions[0].principalArns: received none (and no exemptPrincipalArns); expected the principals that deploy and run the stacks of the region',
    ],
    [
      {
        accounts: [{ accountId: ACCOUNT, regions: ['eu-west-1'] }],
        organizationLimitedRegions: [{ region: 'us-east-1', principalArns: ['arn:aws:iam::*:role/*'] }],
      },
      "organizationLimitedRegions[0].principalArns[0]: received 'arn:aws:iam::*:role/*'",
    ],
    [
      { accounts: [{ accountId: ACCOUNT, regions: ['eu-west-1'] }], exemptPrincipalArns: [EXEC_ROLE], organizationLimitedRegions: [{ region: 'virginia' }] },
      "organizationLimitedRegions[0].region: received 'virginia'; expected a region name such as 'eu-west-1'",
    ],
    [
      {
        accounts: [{ accountId: ACCOUNT, regions: ['eu-west-1'] }],
        exemptPrincipalArns: [EXEC_ROLE],
        organizationLimitedRegions: [{ region: 'us-east-1', fullAccountIds: ['42'] }],
      },
      "organizationLimitedRegions[0].fullAccountIds[0]: received '42'; expected a 12-digit account id",
    ],
  ])('organizationLimitedRegions: refuses %j, naming the field, the value and what is allowed', (options, message) => {
    expect(() => ServiceControlPolicy.accountRegionRestriction(options as any)).toThrow(message);
  });

  test.each([
    [{ accounts: [] }, 'accounts: received an empty list; expected at least one account with its regions'],
    [{ accounts: [{ accountId: '1234', regions: ['eu-west-1'] }] }, "accounts[0].accountId: received '1234'; expected a 12-digit account id"],
    [{ accounts: [{ accountId: ACCOUNT, regions: [] }] }, 'accounts[0].regions: received an empty list'],
    [{ accounts: [{ accountId: ACCOUNT, regions: ['europe'] }] }, "accounts[0].regions: received 'europe'; expected a region name such as 'eu-west-1'"],
    [
      {
        accounts: [
          { accountId: ACCOUNT, regions: ['eu-west-1'] },
          { accountId: ACCOUNT, regions: ['eu-central-1'] },
        ],
      },
      `accounts[1].accountId: received '${ACCOUNT}'; expected each account once`,
    ],
    [
      { accounts: [{ accountId: ACCOUNT, regions: ['eu-west-1'], limitedRegions: ['eu-west-1'] }], exemptPrincipalArns: [EXEC_ROLE] },
      "accounts[0].limitedRegions: received 'eu-west-1', also in regions; expected regions that are not among the account's regions",
    ],
    [
      { accounts: [{ accountId: ACCOUNT, regions: ['eu-west-1'], limitedRegions: ['virginia'] }], exemptPrincipalArns: [EXEC_ROLE] },
      "accounts[0].limitedRegions: received 'virginia'; expected a region name such as 'eu-west-1'",
    ],
    [
      { accounts: [{ accountId: ACCOUNT, regions: ['eu-west-1'], limitedRegions: ['us-east-1'] }] },
      'limitedRegionPrincipalArns: received none (and no exemptPrincipalArns); expected the principals that deploy and run the stacks of the limited regions',
    ],
    [
      { accounts: [{ accountId: ACCOUNT, regions: ['eu-west-1'], limitedRegions: ['us-east-1'] }], limitedRegionPrincipalArns: ['arn:aws:iam::*:role/*'] },
      "limitedRegionPrincipalArns[0]: received 'arn:aws:iam::*:role/*'",
    ],
  ])('refuses %j, naming the field, the value and what is allowed', (options, message) => {
    expect(() => ServiceControlPolicy.accountRegionRestriction(options as any)).toThrow(message);
  });
});

describe('security services SCP semantics', () => {
  const scp = doc(ServiceControlPolicy.protectSecurityServices({ exemptPrincipalArns: [EXEC_ROLE] }));
  const trail = `arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/org`;

  test('stopping CloudTrail is denied even for an administrator; allowed without the statement', async () => {
    await expect(underScp(scp, 'cloudtrail:StopLogging', trail)).resolves.toBe('ExplicitlyDenied');
    await expect(underScp(withoutStatement(scp, 'DenySecurityServiceTampering'), 'cloudtrail:StopLogging', trail)).resolves.toBe('Allowed');
  });

  test("the exempt deployment role may change the trail; a role of another region's name may not", async () => {
    await expect(underScp(scp, 'cloudtrail:UpdateTrail', trail, {}, EXEC_ROLE)).resolves.toBe('Allowed');
    await expect(underScp(scp, 'cloudtrail:UpdateTrail', trail, {}, EXEC_ROLE.replace('eu-west-1', 'us-east-2'))).resolves.toBe('ExplicitlyDenied');
  });

  test('leaving the organization is denied', async () => {
    await expect(underScp(scp, 'organizations:LeaveOrganization', '*')).resolves.toBe('ExplicitlyDenied');
  });
});

describe('S3 encryption SCP semantics', () => {
  const object = 'arn:aws:s3:::data/k';
  const put = (scp: PolicyJson, context: Record<string, string>) =>
    underScp(scp, 's3:PutObject', object, { 'aws:SecureTransport': 'true', 's3:ResourceAccount': ACCOUNT, ...context });

  test('a PUT without an encryption header is denied; allowed without the statement', async () => {
    const scp = doc(ServiceControlPolicy.denyUnencryptedS3Writes());
    await expect(put(scp, {})).resolves.toBe('ExplicitlyDenied');
    await expect(put(withoutStatement(scp, 'DenyS3PutWithoutEncryptionHeader'), {})).resolves.toBe('Allowed');
    await expect(put(scp, { 's3:x-amz-server-side-encryption': 'AES256' })).resolves.toBe('Allowed');
  });

  test('a PUT over HTTP is denied', async () => {
    const scp = doc(ServiceControlPolicy.denyUnencryptedS3Writes());
    await expect(put(scp, { 'aws:SecureTransport': 'false', 's3:x-amz-server-side-encryption': 'aws:kms' })).resolves.toBe('ExplicitlyDenied');
  });

  test('with requireKms, SSE-S3 is denied and SSE-KMS allowed', async () => {
    const scp = doc(ServiceControlPolicy.denyUnencryptedS3Writes({ requireKms: true }));
    await expect(put(scp, { 's3:x-amz-server-side-encryption': 'AES256' })).resolves.toBe('ExplicitlyDenied');
    await expect(put(scp, { 's3:x-amz-server-side-encryption': 'aws:kms' })).resolves.toBe('Allowed');
  });

  test('without the header requirement, header-less PUTs (bucket default encryption) pass', async () => {
    const scp = doc(ServiceControlPolicy.denyUnencryptedS3Writes({ requireEncryptionHeader: false }));
    await expect(put(scp, {})).resolves.toBe('Allowed');
  });
});

describe('long-term credentials SCP semantics', () => {
  test('creating an access key is denied; allowed without the statement', async () => {
    const scp = doc(ServiceControlPolicy.denyLongTermCredentials());
    const user = `arn:aws:iam::${ACCOUNT}:user/svc`;
    await expect(underScp(scp, 'iam:CreateAccessKey', user)).resolves.toBe('ExplicitlyDenied');
    await expect(underScp(withoutStatement(scp, 'DenyAccessKeyCreation'), 'iam:CreateAccessKey', user)).resolves.toBe('Allowed');
  });
});

describe('S3 SCP: a KMS key of a foreign account (ransomware by foreign key)', () => {
  const OTHER = '999999999999';
  const scp = doc(ServiceControlPolicy.denyUnencryptedS3Writes({ requireKms: true, kmsKeyAccountIds: [ACCOUNT] }));
  const object = 'arn:aws:s3:::orders-data/2026/12/03/x.json';
  const put = (keyArn?: string) => ({
    's3:x-amz-server-side-encryption': 'aws:kms',
    'aws:SecureTransport': 'true',
    ...(keyArn !== undefined ? { 's3:x-amz-server-side-encryption-aws-kms-key-id': keyArn } : {}),
  });

  test("an object encrypted with another account's key is denied; allowed without the statement", async () => {
    const foreign = `arn:aws:kms:eu-west-1:${OTHER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    await expect(underScp(scp, 's3:PutObject', object, put(foreign))).resolves.toBe('ExplicitlyDenied');
    await expect(underScp(withoutStatement(scp, 'DenyS3PutWithForeignKmsKey'), 's3:PutObject', object, put(foreign))).resolves.toBe('Allowed');
  });

  test('control: a key of a listed account, or no key named (the bucket default), is allowed', async () => {
    await expect(underScp(scp, 's3:PutObject', object, put(`arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`))).resolves.toBe(
      'Allowed',
    );
    await expect(underScp(scp, 's3:PutObject', object, put())).resolves.toBe('Allowed');
  });

  test('an empty list or a malformed account id is refused', () => {
    expect(() => ServiceControlPolicy.denyUnencryptedS3Writes({ kmsKeyAccountIds: [] })).toThrow(/kmsKeyAccountIds: received an empty list/);
    expect(() => ServiceControlPolicy.denyUnencryptedS3Writes({ kmsKeyAccountIds: ['1234'] })).toThrow(
      /kmsKeyAccountIds\[0\]: received "1234"; expected a 12-digit AWS account id/,
    );
  });
});

describe('unencrypted resources SCP semantics', () => {
  const scp = doc(ServiceControlPolicy.denyUnencryptedResourceCreation());
  const volume = `arn:aws:ec2:eu-west-1:${ACCOUNT}:volume/*`;

  test('an unencrypted EBS volume is denied, an encrypted one allowed; allowed without the statement', async () => {
    await expect(underScp(scp, 'ec2:CreateVolume', volume, { 'ec2:Encrypted': 'false' })).resolves.toBe('ExplicitlyDenied');
    await expect(underScp(scp, 'ec2:CreateVolume', volume, { 'ec2:Encrypted': 'true' })).resolves.toBe('Allowed');
    await expect(underScp(withoutStatement(scp, 'DenyUnencryptedEbsVolumes'), 'ec2:CreateVolume', volume, { 'ec2:Encrypted': 'false' })).resolves.toBe(
      'Allowed',
    );
  });

  test('an unencrypted RDS cluster is denied, an encrypted one allowed', async () => {
    const cluster = `arn:aws:rds:eu-west-1:${ACCOUNT}:cluster:orders`;
    await expect(underScp(scp, 'rds:CreateDBCluster', cluster, { 'rds:StorageEncrypted': 'false' })).resolves.toBe('ExplicitlyDenied');
    await expect(underScp(scp, 'rds:CreateDBCluster', cluster, { 'rds:StorageEncrypted': 'true' })).resolves.toBe('Allowed');
    await expect(underScp(withoutStatement(scp, 'DenyUnencryptedRds'), 'rds:CreateDBCluster', cluster, { 'rds:StorageEncrypted': 'false' })).resolves.toBe(
      'Allowed',
    );
  });

  test('the SCP does not claim RDS instances: CreateDBInstance carries no rds:StorageEncrypted (scp-condition-keys.test.ts), so it is not in the statement', () => {
    const rds = (scp.Statement as any[]).find((st) => st.Sid === 'DenyUnencryptedRds');
    expect([].concat(rds.Action)).not.toContain('rds:CreateDBInstance');
  });

  test('turning off EBS encryption by default is denied', async () => {
    await expect(underScp(scp, 'ec2:DisableEbsEncryptionByDefault', '*')).resolves.toBe('ExplicitlyDenied');
  });
});

describe('guardrail principals SCP', () => {
  const deployRole = `arn:aws:iam::${ACCOUNT}:role/cdk-grdtest-deploy-role-${ACCOUNT}-eu-west-1`;
  const options = {
    protectedPrincipalArns: [`arn:aws:iam::${ACCOUNT}:role/break-glass`],
    managerPrincipalArns: [EXEC_ROLE],
    pipelinePrincipalArns: ['arn:aws:iam::333333333333:role/pipeline'],
    cdkDeployRoleArns: [deployRole],
  };

  test('is named protect-guardrail-principals, with the qualifier in the CDK role pattern', () => {
    const scp = ServiceControlPolicy.protectGuardrailPrincipals({ ...options, cdkBootstrapQualifier: 'abc123' });
    expect(scp.name).toBe('protect-guardrail-principals');
    expect(scp.toJson()).toContain('"arn:*:iam::*:role/cdk-abc123-*"');
    expect(scp.toJson()).not.toContain('grdtest-*');
  });

  test('without protected principals it still protects the CDK roles (no empty statement)', () => {
    const scp = doc(ServiceControlPolicy.protectGuardrailPrincipals({ cdkBootstrapQualifier: 'hnb659fds', ...options, protectedPrincipalArns: [] }));
    expect(([] as any[]).concat(scp.Statement).map((st) => st.Sid)).toEqual(['DenyGuardrailRoleChanges', 'DenyCdkRoleAssumption']);
  });

  test('fails if there is no manager', () => {
    expect(() => ServiceControlPolicy.protectGuardrailPrincipals({ cdkBootstrapQualifier: 'hnb659fds', ...options, managerPrincipalArns: [] })).toThrow(
      /managerPrincipalArns: received an empty list; expected at least one exact IAM role or user ARN/,
    );
  });

  test.each([
    ['protectedPrincipalArns', 'arn:aws:iam::*:user/break-glass'],
    ['protectedPrincipalArns', `arn:aws:iam::${ACCOUNT}:user/break-glass`],
    ['managerPrincipalArns', 'arn:aws:iam::111111111111:role/*'],
    ['pipelinePrincipalArns', 'arn:aws:iam::333333333333:user/pipeline-?'],
    ['cdkDeployRoleArns', `arn:aws:sts::${ACCOUNT}:assumed-role/cdk-grdtest-deploy-role/x`],
  ])('fails if %s holds %s', (prop, arn) => {
    expect(() => ServiceControlPolicy.protectGuardrailPrincipals({ cdkBootstrapQualifier: 'hnb659fds', ...options, [prop]: [arn] })).toThrow(
      new RegExp(`${prop}(\\[0\\])?: received '.*'; expected an exact IAM role`),
    );
  });

  test('fails without a qualifier, naming it (a JavaScript or Python caller; TypeScript requires it): no silent default (red10 R10-4)', () => {
    expect(() => ServiceControlPolicy.protectGuardrailPrincipals(options as any)).toThrow(
      /ServiceControlPolicy.protectGuardrailPrincipals: cdkBootstrapQualifier: received nothing; expected the qualifier the accounts are bootstrapped with/,
    );
  });

  describe('boundedRolePath (red13 R13-3): every role under the path carries an allowed boundary', () => {
    const withPath = (extra: Record<string, unknown> = {}) =>
      doc(ServiceControlPolicy.protectGuardrailPrincipals({ cdkBootstrapQualifier: 'grdtest', ...options, boundedRolePath: '/bounded/', ...extra }));
    const create = (scp: PolicyJson, principal: string, boundary?: string) =>
      evaluate({
        identityPolicies: [ALLOW_ALL],
        serviceControlPolicies: [FULL_AWS_ACCESS, scp],
        request: {
          action: 'iam:CreateRole',
          principal,
          resource: `arn:aws:iam::${ACCOUNT}:role/bounded/fn`,
          resourceAccount: ACCOUNT,
          context: {
            'aws:PrincipalARN': principal,
            'aws:PrincipalAccount': ACCOUNT,
            ...(boundary ? { 'iam:PermissionsBoundary': `arn:aws:iam::${ACCOUNT}:policy/${boundary}` } : {}),
          },
        },
      });
    test('denies an unbounded or otherwise-bounded role under the path to everyone, managers included; allows the named boundary', async () => {
      const scp = withPath();
      for (const principal of [EXEC_ROLE, `arn:aws:iam::${ACCOUNT}:role/admin`]) {
        await expect(create(scp, principal)).resolves.toBe('ExplicitlyDenied');
        await expect(create(scp, principal, 'Other')).resolves.toBe('ExplicitlyDenied');
        await expect(create(scp, principal, 'GuardrailsPermissionsBoundary')).resolves.toBe('Allowed');
        await expect(create(withoutStatement(scp, 'DenyUnboundedRolesUnderPath'), principal)).resolves.toBe('Allowed');
      }
      const named = withPath({ boundedRoleBoundaryNames: ['TeamBoundary', 'GuardrailsPermissionsBoundary-eu-west-1'] });
      await expect(create(named, EXEC_ROLE, 'GuardrailsPermissionsBoundary-eu-west-1')).resolves.toBe('Allowed');
      await expect(create(named, EXEC_ROLE, 'GuardrailsPermissionsBoundary')).resolves.toBe('ExplicitlyDenied');
    });
    test('no statement without the path; a bad path or name is refused', () => {
      const without = doc(ServiceControlPolicy.protectGuardrailPrincipals({ cdkBootstrapQualifier: 'grdtest', ...options }));
      expect(JSON.stringify(without)).not.toContain('DenyUnboundedRolesUnderPath');
      expect(() => withPath({ boundedRolePath: 'bounded' })).toThrow(/boundedRolePath: received 'bounded'/);
      expect(() => withPath({ boundedRoleBoundaryNames: ['Guardrails*'] })).toThrow(/boundedRoleBoundaryNames\[0\]: received 'Guardrails\*'/);
      expect(() => withPath({ boundedRoleBoundaryNames: [] })).toThrow(/boundedRoleBoundaryNames: received an empty list/);
    });
  });

  test('fails if the qualifier is not a CDK bootstrap qualifier', () => {
    expect(() => ServiceControlPolicy.protectGuardrailPrincipals({ ...options, cdkBootstrapQualifier: 'hnb*' })).toThrow(
      /cdkBootstrapQualifier: received 'hnb\*'; expected a CDK bootstrap qualifier of 1-10 letters, digits/,
    );
    expect(() => ServiceControlPolicy.protectGuardrailPrincipals({ ...options, cdkBootstrapQualifier: 'elevenchars' })).toThrow(
      /cdkBootstrapQualifier: received 'elevenchars'/,
    );
  });
});

describe('guardrail resources SCP', () => {
  test('is named protect-guardrail-resources and uses the prefix', () => {
    const scp = ServiceControlPolicy.protectGuardrailResources({ administratorArns: [EXEC_ROLE], namePrefix: 'sec' });
    expect(scp.name).toBe('protect-guardrail-resources');
    expect(scp.toJson()).toContain('"arn:*:logs:*:*:log-group:/sec/*"');
    expect(scp.toJson()).toContain('"arn:*:sqs:*:*:sec-*"');
  });

  test('fails without an administrator, or with a pattern', () => {
    expect(() => ServiceControlPolicy.protectGuardrailResources({ administratorArns: [] })).toThrow(
      /administratorArns: received an empty list; expected at least one exact IAM role or user ARN/,
    );
    expect(() => ServiceControlPolicy.protectGuardrailResources({ administratorArns: ['arn:aws:iam::*:user/log-admin'] })).toThrow(
      /administratorArns\[0\]: received 'arn:aws:iam::\*:user\/log-admin'; expected an exact IAM role ARN, or a role ARN pattern/,
    );
  });

  test('with stackDeployerArns, a second statement denies changing the guardrail stacks to all but them', () => {
    const doc = JSON.parse(
      ServiceControlPolicy.protectGuardrailResources({
        administratorArns: [EXEC_ROLE],
        stackDeployerArns: [DEPLOY],
        stackNames: ['prod-*-x', 'CDKToolkit'],
        stackSetNames: ['prod-set-*', 'exact-set'],
        cdkBootstrapQualifier: 'grdtest',
      }).toJson(),
    );
    const st = doc.Statement.find((x: any) => x.Sid === 'DenyGuardrailStackChanges');
    expect(st.NotAction).toEqual([
      'cloudformation:Describe*',
      'cloudformation:Get*',
      'cloudformation:List*',
      's3:Get*',
      's3:List*',
      'ssm:GetParameter*',
      'ecr:BatchCheck*',
      'ecr:BatchGet*',
      'ecr:Describe*',
      'ecr:Get*',
      'ecr:List*',
    ]);
    expect(st.Resource).toEqual([
      'arn:*:cloudformation:*:*:stack/guardrails-*',
      'arn:*:cloudformation:*:*:stack/prod-*-x/*',
      'arn:*:cloudformation:*:*:stack/CDKToolkit/*',
      // the StackSets (stackset/<name>:<id>)
      'arn:*:cloudformation:*:*:stackset/guardrails-*',
      'arn:*:cloudformation:*:*:stackset/prod-set-*',
      'arn:*:cloudformation:*:*:stackset/exact-set:*',
      // the CDK bootstrap assets of the default qualifier
      'arn:*:s3:::cdk-grdtest-assets-*',
      'arn:*:ssm:*:*:parameter/cdk-bootstrap/grdtest/*',
      'arn:*:ecr:*:*:repository/cdk-grdtest-container-assets-*',
    ]);
    expect(st.Condition).toEqual({
      ArnNotEquals: {
        'aws:PrincipalARN': [
          DEPLOY,
          'arn:*:iam::*:role/cdk-grdtest-file-publishing-role-*',
          'arn:*:iam::*:role/cdk-grdtest-image-publishing-role-*',
          'arn:*:iam::*:role/cdk-grdtest-cfn-exec-role-*',
        ],
      },
    });
    // without deployers: no stack statement (documented), and stackNames alone is refused
    expect(ServiceControlPolicy.protectGuardrailResources({ administratorArns: [EXEC_ROLE] }).toJson()).not.toContain('DenyGuardrailStackChanges');
    expect(() => ServiceControlPolicy.protectGuardrailResources({ administratorArns: [EXEC_ROLE], stackNames: ['CDKToolkit'] })).toThrow(
      /^ServiceControlPolicy\.protectGuardrailResources: stackNames: received \["CDKToolkit"\] without stackDeployerArns; expected the exact ARNs/,
    );
    expect(() => ServiceControlPolicy.protectGuardrailResources({ administratorArns: [EXEC_ROLE], stackSetNames: ['prod-set-*'] })).toThrow(
      /stackSetNames: received \["prod-set-\*"\] without stackDeployerArns; expected the exact ARNs/,
    );
    expect(() =>
      ServiceControlPolicy.protectGuardrailResources({
        administratorArns: [EXEC_ROLE],
        stackDeployerArns: [DEPLOY],
        stackSetNames: ['set/x'],
        cdkBootstrapQualifier: 'grdtest',
      }),
    ).toThrow(/stackSetNames\[0\]: received 'set\/x'; expected a CloudFormation stack name/);
    expect(() =>
      ServiceControlPolicy.protectGuardrailResources({
        administratorArns: [EXEC_ROLE],
        stackDeployerArns: ['arn:aws:iam::*:role/*'],
        cdkBootstrapQualifier: 'grdtest',
      }),
    ).toThrow(/stackDeployerArns\[0\]: received 'arn:aws:iam::\*:role\/\*'; expected an exact IAM role ARN, or a role ARN pattern/);
  });

  test('fails if the prefix has a wildcard or a slash', () => {
    for (const namePrefix of ['guard*', '/guardrails', '']) {
      expect(() => ServiceControlPolicy.protectGuardrailResources({ administratorArns: [EXEC_ROLE], namePrefix })).toThrow(
        /namePrefix: received '.*'; expected 1-32 letters, digits/,
      );
    }
  });
});
