/**
 * Issue 15 (forensics): nobody could read the trail log files (the logs key serves the account's
 * principals through Kinesis and SQS only). Prod names the security account's auditor role in
 * config (auditLogs.readers); each workload trail region gets guardrails-trail-reader-<region>,
 * which only that role may assume, with MFA. Evaluated on the real prod templates: the trust policy,
 * the reader's identity policy, the account boundary, every generated SCP, the trail bucket's policy
 * and the logs key's policy.
 */
import { join } from 'node:path';
import { auditReplicaBucketName, loadConfig, roleArn, trailReaderRoleName } from '@cdk-guardrails/config';
import { ALLOW_EVERYTHING, evaluate, PolicyJson } from '@cdk-guardrails/policy-test-kit';
import { serviceControlPolicies } from '../src/identities';
import { KEY_ID, prodStacks, resolver } from './support/prod-templates';

jest.setTimeout(300_000);

const config = loadConfig('prod', { configDir: join(__dirname, '..', '..', '..', 'config') });
const SCPS: PolicyJson[] = [ALLOW_EVERYTHING, ...serviceControlPolicies(config).map((p) => JSON.parse(p.toJson()))];
const SECURITY = config.securityAccount.accountId;
const AUDITOR = config.auditLogs.readers!.principalArns[0];

const stacks = prodStacks(config);
const boundaries = new Map<string, PolicyJson>();
for (const [stack, template] of stacks) {
  const boundary = Object.values<any>(template.Resources).find(
    (r) => r.Type === 'AWS::IAM::ManagedPolicy' && r.Properties.ManagedPolicyName === 'GuardrailsPermissionsBoundary',
  );
  if (boundary && !boundaries.has(stack.account)) boundaries.set(stack.account, resolver(stack, template)(boundary.Properties.PolicyDocument));
}

interface Reader {
  readonly label: string;
  readonly account: string;
  readonly region: string;
  readonly arn: string;
  readonly trust: PolicyJson;
  readonly identity: PolicyJson;
  readonly boundary: PolicyJson;
  readonly bucketArn: string;
  readonly bucketPolicy: PolicyJson;
  readonly keyArn: string;
  readonly keyPolicy: PolicyJson;
  readonly tags: Array<{ Key: string; Value: string }>;
}

const readers: Reader[] = stacks.flatMap(([stack, template]) => {
  const resources = template.Resources;
  const [roleId, role] =
    Object.entries<any>(resources).find(([, r]) => r.Type === 'AWS::IAM::Role' && r.Properties.RoleName === trailReaderRoleName(stack.region)) ?? [];
  if (!roleId) return [];
  const resolve = resolver(stack, template);
  const [bucketId] = Object.entries<any>(resources).find(([id, r]) => r.Type === 'AWS::S3::Bucket' && id.startsWith('SecurityLoggingTrailBucket'))!;
  const bucketPolicy = Object.values<any>(resources).find((r) => r.Type === 'AWS::S3::BucketPolicy' && r.Properties.Bucket.Ref === bucketId)!;
  const [keyId, key] = Object.entries<any>(resources).find(([id, r]) => r.Type === 'AWS::KMS::Key' && id.startsWith('KeysLogsKey'))!;
  const policies = Object.values<any>(resources).filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(roleId));
  return [
    {
      label: `${stack.account} ${stack.region}`,
      account: stack.account,
      region: stack.region,
      arn: roleArn(stack.account, trailReaderRoleName(stack.region)),
      trust: resolve(role.Properties.AssumeRolePolicyDocument),
      identity: { Version: '2012-10-17', Statement: policies.flatMap((p) => resolve(p.Properties.PolicyDocument).Statement) },
      boundary: boundaries.get(stack.account)!,
      bucketArn: resolve({ 'Fn::GetAtt': [bucketId, 'Arn'] }),
      bucketPolicy: resolve(bucketPolicy.Properties.PolicyDocument),
      keyArn: resolve({ 'Fn::GetAtt': [keyId, 'Arn'] }),
      keyPolicy: resolve(key.Properties.KeyPolicy),
      tags: role.Properties.Tags ?? [],
    },
  ];
});

test('every workload account has a trail reader in each region with a trail', () => {
  const expected = stacks
    .filter(([s, t]) => s.stackName.startsWith('prod-workload-') && Object.values<any>(t.Resources).some((r) => r.Type === 'AWS::CloudTrail::Trail'))
    .map(([s]) => `${s.account} ${s.region}`);
  expect(readers.map((r) => r.label).sort()).toEqual(expected.sort());
  expect(readers.length).toBeGreaterThan(0);
});

describe.each(readers.map((r) => [r.label, r] as [string, Reader]))('trail reader %s', (_label, reader) => {
  const assume = (principal: string, mfa: boolean, identityAccount = SECURITY, externalId: string = config.auditLogs.readers!.externalId) =>
    evaluate({
      request: {
        principal: `arn:aws:sts::${identityAccount}:assumed-role/${principal.split('/').pop()}/session`,
        action: 'sts:AssumeRole',
        resource: reader.arn,
        resourceAccount: reader.account,
        context: {
          'aws:PrincipalArn': principal,
          'aws:PrincipalAccount': identityAccount,
          'aws:MultiFactorAuthPresent': mfa ? 'true' : 'false',
          'aws:SecureTransport': 'true',
          'aws:RequestedRegion': reader.region,
          ...(externalId ? { 'sts:ExternalId': externalId } : {}),
        },
      },
      identityPolicies: [ALLOW_EVERYTHING],
      serviceControlPolicies: SCPS,
      resourcePolicy: reader.trust,
    });

  test('only the configured auditor of the security account assumes it, with the external id (and no MFA key: red11 R11-3)', async () => {
    expect(await assume(AUDITOR, true)).toBe('Allowed');
    // prod's auditor is reached from a federated entry role (Identity Center): its chained session carries
    // no MFA key, so config refuses requireMfa for readers of the environment's accounts.
    expect(config.auditLogs.readers!.requireMfa).toBe(false);
    expect(await assume(AUDITOR, false)).toBe('Allowed');
    expect(await assume(AUDITOR, true, SECURITY, '')).not.toBe('Allowed'); // no external id
    expect(await assume(AUDITOR, true, SECURITY, 'guessed')).not.toBe('Allowed');
    expect(await assume(roleArn(SECURITY, 'workload-admin'), true)).not.toBe('Allowed');
    // ...not a bounded admin of the workload account itself (its trust names the security account only)
    expect(await assume(roleArn(reader.account, 'workload-admin'), true, reader.account)).not.toBe('Allowed');
  });

  test('a bounded admin of the workload account cannot make it trust itself, widen its policy, pass or delete it (the role carries the protected tag); the execution role can', async () => {
    const change = (principal: string, action: string, boundary?: PolicyJson) =>
      evaluate({
        request: {
          principal: `arn:aws:sts::${reader.account}:assumed-role/${principal.split('/').pop()}/s`,
          action,
          resource: reader.arn,
          resourceAccount: reader.account,
          context: {
            'aws:PrincipalArn': principal,
            'aws:PrincipalAccount': reader.account,
            'aws:SecureTransport': 'true',
            'aws:RequestedRegion': reader.region,
            'aws:ResourceTag/guardrails:protected': 'true',
            'iam:PermissionsBoundary': `arn:aws:iam::${reader.account}:policy/GuardrailsPermissionsBoundary`,
          },
        },
        identityPolicies: [ALLOW_EVERYTHING],
        ...(boundary ? { permissionsBoundaries: [boundary] } : {}),
        serviceControlPolicies: SCPS,
      });
    // The tag the request context carries is the role's own.
    expect(reader.tags).toEqual(expect.arrayContaining([{ Key: 'guardrails:protected', Value: 'true' }]));
    for (const action of ['iam:UpdateAssumeRolePolicy', 'iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:PassRole', 'iam:DeleteRole']) {
      expect([action, await change(roleArn(reader.account, 'workload-admin'), action, reader.boundary)]).toEqual([action, 'ExplicitlyDenied']);
    }
    expect(
      await change(
        roleArn(reader.account, `cdk-${config.principals.cdkQualifier}-cfn-exec-role-${reader.account}-${reader.region}`),
        'iam:UpdateAssumeRolePolicy',
      ),
    ).toBe('Allowed');
  });

  const asReader = (action: string, resource: string, resourcePolicy: PolicyJson, context: Record<string, string> = {}) =>
    evaluate({
      request: {
        principal: `arn:aws:sts::${reader.account}:assumed-role/${trailReaderRoleName(reader.region)}/auditor`,
        action,
        resource,
        resourceAccount: reader.account,
        context: {
          'aws:PrincipalArn': reader.arn,
          'aws:PrincipalAccount': reader.account,
          'aws:SecureTransport': 'true',
          'aws:RequestedRegion': reader.region,
          's3:ResourceAccount': reader.account,
          ...context,
        },
      },
      identityPolicies: [reader.identity],
      permissionsBoundaries: [reader.boundary],
      serviceControlPolicies: SCPS,
      resourcePolicy,
    });
  const logFile = () =>
    `${reader.bucketArn}/AWSLogs/${reader.account}/CloudTrail/${reader.region}/2026/12/03/${reader.account}_CloudTrail_${reader.region}_20261203T0000Z_abc.json.gz`;

  test('reads the log files and their versions, and decrypts them through S3 of its region (key policy, identity, boundary)', async () => {
    for (const action of ['s3:GetObject', 's3:GetObjectVersion']) {
      expect([action, await asReader(action, logFile(), reader.bucketPolicy)]).toEqual([action, 'Allowed']);
    }
    expect(await asReader('s3:ListBucket', reader.bucketArn, reader.bucketPolicy)).toBe('Allowed');
    const decrypt = { 'kms:ViaService': `s3.${reader.region}.amazonaws.com`, 'kms:CallerAccount': reader.account };
    expect(reader.keyArn).toContain(KEY_ID);
    expect(await asReader('kms:Decrypt', reader.keyArn, reader.keyPolicy, decrypt)).toBe('Allowed');
    // Not directly (the key policy lets it decrypt through S3 only; through Kinesis and SQS the key
    // serves every principal of the account with the permission, by design of the logs key).
    expect(await asReader('kms:Decrypt', reader.keyArn, reader.keyPolicy, { 'kms:CallerAccount': reader.account })).not.toBe('Allowed');
    // Without its key policy statement the logs key refuses it (the statement is what grants it).
    const withoutReader = { ...reader.keyPolicy, Statement: (reader.keyPolicy.Statement as any[]).filter((st) => st.Sid !== 'TrailReaderDecryptsTrailLogs') };
    expect(await asReader('kms:Decrypt', reader.keyArn, withoutReader, decrypt)).not.toBe('Allowed');
  });

  test("runs log file validation: the trail and CloudTrail's public keys", async () => {
    for (const action of ['cloudtrail:DescribeTrails', 'cloudtrail:ListPublicKeys']) {
      expect([action, await asReader(action, '*', undefined as any)]).toEqual([action, 'Allowed']);
    }
    expect(await asReader('cloudtrail:GetTrail', `arn:aws:cloudtrail:${reader.region}:${reader.account}:trail/guardrails`, undefined as any)).toBe('Allowed');
  });

  test('writes, deletes and re-keys nothing', async () => {
    for (const action of ['s3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObjectRetention', 's3:PutObjectLegalHold']) {
      expect([action, await asReader(action, logFile(), reader.bucketPolicy)]).toEqual([action, expect.stringMatching(/Denied/)]);
    }
    for (const action of ['kms:Encrypt', 'kms:ReEncryptFrom', 'kms:CreateGrant']) {
      expect([action, await asReader(action, reader.keyArn, reader.keyPolicy, { 'kms:ViaService': `s3.${reader.region}.amazonaws.com` })]).toEqual([
        action,
        expect.stringMatching(/Denied/),
      ]);
    }
    expect(await asReader('cloudtrail:StopLogging', `arn:aws:cloudtrail:${reader.region}:${reader.account}:trail/guardrails`, undefined as any)).toMatch(
      /Denied/,
    );
  });
});

// The audit replica (auditLogs.replicaRegion) is read the same way, by a reader role of the replica
// region created in each account's home stack.
describe('replica reader', () => {
  const replicaRegion = config.auditLogs.replicaRegion!;
  const homes = stacks.filter(([, t]) =>
    Object.values<any>(t.Resources).some((r) => r.Type === 'AWS::IAM::Role' && r.Properties.RoleName === trailReaderRoleName(replicaRegion)),
  );

  test('one per workload account, in its home stack', () => {
    expect(homes.map(([s]) => s.account).sort()).toEqual([...new Set(config.workloadAccounts.map((a) => a.accountId))].sort());
  });

  test.each(homes.map(([s, t]) => [s.account, s, t] as [string, any, any]))(
    '%s: the auditor reads and decrypts the replica files through S3 of the replica region, and writes nothing',
    async (account, stack, template) => {
      const resolve = resolver(stack, template);
      const [roleId] = Object.entries<any>(template.Resources).find(
        ([, r]) => r.Type === 'AWS::IAM::Role' && r.Properties.RoleName === trailReaderRoleName(replicaRegion),
      )!;
      const identity = {
        Version: '2012-10-17',
        Statement: Object.values<any>(template.Resources)
          .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(roleId))
          .flatMap((p) => resolve(p.Properties.PolicyDocument).Statement),
      };
      const roleArnOf = roleArn(account, trailReaderRoleName(replicaRegion));
      const bucket = `arn:aws:s3:::${auditReplicaBucketName(config.environment, account, replicaRegion)}`;
      // The replica stack of the account: its bucket policy and its key policy.
      const [replicaStack, replicaTemplate] = stacks.find(
        ([s, t]) => s.account === account && s.region === replicaRegion && Object.values<any>(t.Resources).some((r) => r.Type === 'AWS::KMS::Key'),
      )!;
      const resolveReplica = resolver(replicaStack, replicaTemplate);
      const keyPolicy = resolveReplica(Object.values<any>(replicaTemplate.Resources).find((r) => r.Type === 'AWS::KMS::Key')!.Properties.KeyPolicy);
      const [replicaBucketId] = Object.entries<any>(replicaTemplate.Resources).find(([, r]) => r.Type === 'AWS::S3::Bucket')!;
      // The resolver names a bucket after its logical id; this one has a fixed name.
      const bucketPolicy = JSON.parse(
        JSON.stringify(resolveReplica(Object.values<any>(replicaTemplate.Resources).find((r) => r.Type === 'AWS::S3::BucketPolicy')!.Properties.PolicyDocument))
          .split(`arn:aws:s3:::${replicaBucketId.toLowerCase()}`)
          .join(`arn:aws:s3:::${auditReplicaBucketName(config.environment, account, replicaRegion)}`),
      );
      expect(JSON.stringify(bucketPolicy)).toContain(auditReplicaBucketName(config.environment, account, replicaRegion));
      const ask = (action: string, resource: string, context: Record<string, unknown> = {}) =>
        evaluate({
          request: {
            principal: `arn:aws:sts::${account}:assumed-role/${trailReaderRoleName(replicaRegion)}/auditor`,
            action,
            resource,
            resourceAccount: account,
            context: {
              'aws:PrincipalArn': roleArnOf,
              'aws:PrincipalAccount': account,
              'aws:SecureTransport': 'true',
              'aws:RequestedRegion': replicaRegion,
              's3:ResourceAccount': account,
              'kms:CallerAccount': account,
              ...context,
            },
          },
          identityPolicies: [identity],
          permissionsBoundaries: [boundaries.get(account)!],
          serviceControlPolicies: SCPS,
          resourcePolicy: action.startsWith('kms:') ? keyPolicy : bucketPolicy,
        });
      const file = `${bucket}/AWSLogs/${account}/CloudTrail/eu-west-1/2026/12/03/x.json.gz`;
      expect(await ask('s3:GetObject', file)).toBe('Allowed');
      expect(await ask('s3:ListBucket', bucket)).toBe('Allowed');
      const key = `arn:aws:kms:${replicaRegion}:${account}:key/${KEY_ID}`;
      const viaS3 = { 'kms:ViaService': `s3.${replicaRegion}.amazonaws.com`, 'kms:ResourceAliases': [`alias/${config.kms.aliasPrefix}/audit-replica`] };
      expect(await ask('kms:Decrypt', key, viaS3)).toBe('Allowed');
      expect(await ask('kms:Decrypt', key, { ...viaS3, 'kms:ResourceAliases': ['alias/someone-else'] })).not.toBe('Allowed');
      // The replica bucket's own policy refuses it too (ProtectLogObjects), not only its identity policy.
      for (const action of ['s3:PutObject', 's3:DeleteObjectVersion']) expect([action, await ask(action, file)]).toEqual([action, 'ExplicitlyDenied']);
    },
  );
});
