// Audit-log durability (config.auditLogs): Object Lock on every trail bucket, replication of every
// trail bucket of an account to a replica bucket in the replica region (its own stack and key,
// deployed first), and the permissions the replication role needs (key policy, boundary).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ComplianceReport } from '@cdk-guardrails/compliance-rules';
import { Acknowledgement, acknowledgedIds, createApp } from '@cdk-guardrails/app-kit';
import { auditReplicaBucketName, GuardrailsConfig, loadConfig, parseConfig } from '@cdk-guardrails/config';
import { evaluate, resolveIntrinsics } from '@cdk-guardrails/policy-test-kit';
import { CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AuditReplicaStack } from '../src/audit-replica-stack';
import { addComplianceGate, workloadAcknowledgements } from '../src/compliance';
import { WorkloadSecurityLogging } from '../src/security-logging';
import { auditReplicaStacks, buildWorkloadApp } from '../src/workload-app';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ops = require('@cdk-guardrails/ops-tools');

const CONFIG_DIR = join(__dirname, '..', '..', '..', 'config');
const REPLICA_REGION = 'eu-north-1';

// Synthesizing the prod app takes a while on a slow machine.
jest.setTimeout(120_000);

/** A shipped config with auditLogs replaced, validated like a file (schema and cross-field rules). */
function configWith(env: string, auditLogs: unknown): GuardrailsConfig {
  const raw = JSON.parse(readFileSync(join(CONFIG_DIR, `${env}.json`), 'utf8'));
  return parseConfig({ ...raw, auditLogs }, env);
}

function build(env: string, config: GuardrailsConfig = loadConfig(env, { configDir: CONFIG_DIR }), outdir?: string) {
  const app = createApp({ outdir, context: { env } });
  const stacks = buildWorkloadApp(app, config);
  return { app, config, stacks, replicas: auditReplicaStacks(app) };
}

/** The rule ids of an acknowledgement in `stack` (a list, or a function of the stack). */
const idsOf = (ack: Acknowledgement, stack: Stack): string[] => acknowledgedIds(ack, stack);
const trailBucketOf = (stack: Stack) => (stack.node.findChild('SecurityLogging') as WorkloadSecurityLogging).trailBucket!;
/** The stacks that run a trail (and so have a trail bucket): each account's home stack, and data-events trails. */
const withTrail = (stacks: Stack[]) => stacks.filter((s) => (s.node.findChild('SecurityLogging') as WorkloadSecurityLogging).trailBucket !== undefined);
const idOf = (stack: Stack, construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as CfnResource);

/** The trail bucket resource of a workload stack's template. */
function trailBucketResource(stack: Stack): any {
  return Template.fromStack(stack).toJSON().Resources[idOf(stack, trailBucketOf(stack))];
}

describe('audit logs off (dev)', () => {
  const { stacks, replicas, config } = build('dev');

  test('the shipped dev config turns neither Object Lock nor replication on', () => {
    expect(config.auditLogs).toEqual({ objectLock: { mode: 'none' }, s3DataEvents: false });
  });

  test('no S3 data events in dev (not restricted data): the trails keep their basic management-event selector', () => {
    expect(withTrail(stacks).length).toBeGreaterThan(0);
    for (const stack of withTrail(stacks)) {
      const trail = Object.values<any>(Template.fromStack(stack).toJSON().Resources).find((r) => r.Type === 'AWS::CloudTrail::Trail')!;
      expect(trail.Properties.AdvancedEventSelectors).toBeUndefined();
    }
  });

  test('trail buckets have no Object Lock and no replication; no replica stack, no replication role', () => {
    expect(withTrail(stacks).length).toBeGreaterThan(0);
    for (const stack of withTrail(stacks)) {
      const bucket = trailBucketResource(stack);
      expect(bucket.Properties.ObjectLockEnabled).toBeUndefined();
      expect(bucket.Properties.ObjectLockConfiguration).toBeUndefined();
      expect(bucket.Properties.ReplicationConfiguration).toBeUndefined();
      expect(trailBucketOf(stack).replicationRole).toBeUndefined();
      expect(JSON.stringify(Template.fromStack(stack).toJSON())).not.toContain('AuditReplicationDecryptsTrailLogs');
    }
    expect(replicas).toEqual([]);
  });

  test('the trail bucket replication acknowledgement stays (the reason is true without a replica region)', () => {
    const acks = workloadAcknowledgements(config);
    const trail = acks.filter((a) => a.path === 'SecurityLogging/TrailBucket/Resource');
    expect(trail.some((a) => idsOf(a, stacks[0]).includes('NIST.800.53.R5-S3BucketReplicationEnabled'))).toBe(true);
    expect(acks.some((a) => a.path.startsWith('AuditReplicaBucket/'))).toBe(false);
  });
});

describe('audit logs on (prod: compliance 3653 days, replica in eu-north-1)', () => {
  const { stacks, replicas, config } = build('prod');
  const accounts = config.workloadAccounts;

  test('the shipped prod config', () => {
    expect(config.auditLogs).toEqual({
      objectLock: { mode: 'compliance', retentionDays: 3653 },
      replicaRegion: REPLICA_REGION,
      s3DataEvents: true,
      readers: {
        principalArns: [`arn:aws:iam::${config.securityAccount.accountId}:role/GuardrailsAuditor`],
        externalId: 'prod-trail-reader-2c9e',
        // false: the auditor is reached from a federated entry role, whose sessions carry no MFA key (red11 R11-3)
        requireMfa: false,
      },
    });
  });

  test("S3 data events (prod): the home trail records every management event and its region's data bucket; the other regions' trails only their data bucket's object events", () => {
    let home = 0;
    let dataOnly = 0;
    for (const stack of stacks) {
      const template = Template.fromStack(stack).toJSON();
      const trail = Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::CloudTrail::Trail');
      const dataBucketId = Object.keys(template.Resources).find((id) => id.startsWith('DataBucket') && template.Resources[id].Type === 'AWS::S3::Bucket');
      if (dataBucketId === undefined) {
        // The us-east-1 capture-only stacks have no data bucket and no trail (the home trail records us-east-1).
        expect([stack.stackName, trail]).toEqual([stack.stackName, undefined]);
        continue;
      }
      const selectors = trail.Properties.AdvancedEventSelectors;
      const dataSelector = {
        Name: 'S3 object reads and writes of the restricted buckets',
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Data'] },
          { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
          { Field: 'resources.ARN', StartsWith: [{ 'Fn::Join': ['', [{ 'Fn::GetAtt': [dataBucketId, 'Arn'] }, '/']] }] },
        ],
      };
      if (trail.Properties.IsMultiRegionTrail) {
        home++;
        expect(selectors).toEqual([{ Name: 'Management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] }, dataSelector]);
      } else {
        dataOnly++;
        expect(selectors).toEqual([dataSelector]);
      }
    }
    expect(home).toBe(accounts.length);
    expect(dataOnly).toBeGreaterThan(0);
  });

  test("every trail bucket (the home region's, the data-events trails') has Object Lock compliance 3653 days", () => {
    expect(withTrail(stacks).map((s) => s.region)).toEqual(expect.arrayContaining(['eu-west-1', 'eu-central-1']));
    for (const stack of withTrail(stacks)) {
      const bucket = trailBucketResource(stack);
      expect(bucket.Properties.ObjectLockEnabled).toBe(true);
      expect(bucket.Properties.ObjectLockConfiguration).toEqual({
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 3653 } },
      });
      expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    }
  });

  test("every trail bucket replicates every SSE-KMS object to its account's replica bucket, encrypted with the replica key (alias ARN)", () => {
    for (const stack of withTrail(stacks)) {
      const replication = trailBucketResource(stack).Properties.ReplicationConfiguration;
      expect(replication.Rules).toHaveLength(1);
      const [rule] = replication.Rules;
      expect(rule.Status).toBe('Enabled');
      expect(rule.Filter).toEqual({ Prefix: '' });
      expect(rule.SourceSelectionCriteria).toEqual({ SseKmsEncryptedObjects: { Status: 'Enabled' } });
      expect(rule.Destination.Bucket).toBe(`arn:aws:s3:::prod-guardrails-audit-replica-${stack.account}-${REPLICA_REGION}`);
      expect(rule.Destination.Bucket).toBe(`arn:aws:s3:::${auditReplicaBucketName('prod', stack.account, REPLICA_REGION)}`);
      expect(rule.Destination.EncryptionConfiguration).toEqual({
        ReplicaKmsKeyID: `arn:aws:kms:${REPLICA_REGION}:${stack.account}:alias/guardrails-prod/audit-replica`,
      });
      // Same account: no ownership override.
      expect(rule.Destination.Account).toBeUndefined();
    }
  });

  test('one replica stack per workload account, in the replica region and that account, named after the account', () => {
    expect(replicas.map((s) => [s.stackName, s.account, s.region])).toEqual(
      accounts.map((a) => [`prod-workload-${a.name}-audit-replica-${REPLICA_REGION}`, a.accountId, REPLICA_REGION]),
    );
    for (const replica of replicas) expect(replica.terminationProtection).toBe(true);
  });

  test('replica bucket: fixed name, Object Lock like the source, versioned, SSE-KMS with its own key (Bucket Key), retained; key rotates, has the alias, retained', () => {
    for (const replica of replicas) {
      const template = Template.fromStack(replica);
      const keyId = idOf(replica, replica.key);
      // The replica bucket and the replica region's access-log bucket (its server access logs, CT.S3.PR.2).
      template.resourceCountIs('AWS::S3::Bucket', 2);
      template.resourceCountIs('AWS::KMS::Key', 1);
      const bucket = template.toJSON().Resources[idOf(replica, replica.bucket)];
      expect(bucket.Properties.BucketName).toBe(auditReplicaBucketName('prod', replica.account, REPLICA_REGION));
      expect(bucket.Properties.ObjectLockEnabled).toBe(true);
      expect(bucket.Properties.ObjectLockConfiguration).toEqual({
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 3653 } },
      });
      expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(bucket.Properties.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: idOf(replica, replica.accessLogBucket) } });
      expect(bucket.Properties.LifecycleConfiguration.Rules[0]).toMatchObject({ Id: 'AuditEvidence', ExpirationInDays: config.logging.retentionDays.audit });
      expect(bucket.Properties.NotificationConfiguration).toEqual({ EventBridgeConfiguration: { EventBridgeEnabled: true } });
      expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
        {
          BucketKeyEnabled: true,
          ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } },
          // accountBaseline.blockSseCObjectWrites
          BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] },
        },
      ]);
      expect(bucket.DeletionPolicy).toBe('Retain');
      expect(bucket.UpdateReplacePolicy).toBe('Retain');
      const key = template.toJSON().Resources[keyId];
      expect(key.Properties.EnableKeyRotation).toBe(true);
      expect(key.Properties.RotationPeriodInDays).toBe(config.kms.rotationPeriodDays);
      expect(key.DeletionPolicy).toBe('Retain');
      template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/guardrails-prod/audit-replica', TargetKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
      // applyTags runs on the whole app, the replica stacks included.
      expect(bucket.Properties.Tags).toEqual(expect.arrayContaining([{ Key: 'guardrails:environment', Value: 'prod' }]));
      expect(key.Properties.Tags).toEqual(expect.arrayContaining([{ Key: 'guardrails:environment', Value: 'prod' }]));
    }
  });

  test('replica key policy: administration for the account, use only through S3 of the replica region by this account (no other account)', async () => {
    for (const replica of replicas) {
      const keyArn = `arn:aws:kms:${REPLICA_REGION}:${replica.account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
      const policy = resolveIntrinsics(Template.fromStack(replica).toJSON().Resources[idOf(replica, replica.key)].Properties.KeyPolicy, {
        account: replica.account,
        region: REPLICA_REGION,
      });
      const encrypt = (principal: string, via: string, callerAccount: string) =>
        evaluate({
          resourcePolicy: policy,
          // The key policy delegates to IAM: the caller's identity policy must allow too (the evaluator models KMS trust).
          identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:GenerateDataKey', Resource: '*' }] }],
          request: {
            action: 'kms:GenerateDataKey',
            principal,
            resource: keyArn,
            resourceAccount: replica.account,
            context: { 'kms:ViaService': via, 'kms:CallerAccount': callerAccount },
          },
        });
      // The key policy delegates to the account (the replication role's identity policy does the rest).
      expect(policy.Statement.find((s: any) => s.Sid === 'UseThroughS3OfThisAccount').Principal).toEqual({ AWS: `arn:aws:iam::${replica.account}:root` });
      const role = `arn:aws:iam::${replica.account}:role/replication`;
      expect(await encrypt(role, `s3.${REPLICA_REGION}.amazonaws.com`, replica.account)).toBe('Allowed');
      expect(await encrypt(role, `kinesis.${REPLICA_REGION}.amazonaws.com`, replica.account)).not.toBe('Allowed');
      expect(await encrypt('arn:aws:iam::999999999999:role/other', `s3.${REPLICA_REGION}.amazonaws.com`, '999999999999')).not.toBe('Allowed');
    }
  });

  test('every workload stack of an account depends on its replica stack (the destination bucket must exist first)', () => {
    for (const account of accounts) {
      const replica = replicas.find((r) => r.account === account.accountId)!;
      const own = stacks.filter((s) => s.account === account.accountId);
      expect(own.length).toBeGreaterThan(0);
      for (const stack of own) expect(stack.dependencies).toContain(replica);
      // Never another account's replica (one CDK CLI call deploys one account).
      for (const stack of own) expect(stack.dependencies.filter((d) => d instanceof AuditReplicaStack)).toEqual([replica]);
    }
  });

  test('the replication role carries the account boundary, and the boundary allows what replication needs', async () => {
    const home = stacks.find((s) => s.account === accounts[0].accountId)!;
    const homeTemplate = Template.fromStack(home).toJSON();
    const boundaryId = Object.keys(homeTemplate.Resources).find(
      (id) => homeTemplate.Resources[id].Type === 'AWS::IAM::ManagedPolicy' && id.startsWith('PermissionsBoundary'),
    )!;
    const boundary = resolveIntrinsics(homeTemplate.Resources[boundaryId].Properties.PolicyDocument, { account: home.account, region: home.region });
    for (const stack of withTrail(stacks)) {
      const template = Template.fromStack(stack).toJSON();
      const role = trailBucketOf(stack).replicationRole!;
      const roleId = idOf(stack, role);
      expect(template.Resources[roleId].Properties.PermissionsBoundary).toBeDefined();
      expect(template.Resources[roleId].Properties.AssumeRolePolicyDocument.Statement).toEqual([
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' } },
      ]);
    }
    const stack = home;
    const template = Template.fromStack(stack).toJSON();
    const bucketId = idOf(stack, trailBucketOf(stack));
    const logsKeyId = Object.keys(template.Resources).find((id) => id.startsWith('KeysLogsKey') && template.Resources[id].Type === 'AWS::KMS::Key')!;
    const roleId = idOf(stack, trailBucketOf(stack).replicationRole as any);
    const trailBucketArn = 'arn:aws:s3:::trail-bucket';
    const logsKeyArn = `arn:aws:kms:${stack.region}:${stack.account}:key/1111aaaa-12ab-34cd-56ef-1234567890ab`;
    const roleArn = `arn:aws:iam::${stack.account}:role/trail-replication`;
    const readerId = Object.keys(template.Resources).find(
      (id) => id.startsWith('SecurityLoggingTrailReaderRole') && template.Resources[id].Type === 'AWS::IAM::Role',
    )!;
    const ctx = {
      account: stack.account,
      region: stack.region,
      getAtts: {
        [`${bucketId}.Arn`]: trailBucketArn,
        [`${logsKeyId}.Arn`]: logsKeyArn,
        [`${roleId}.Arn`]: roleArn,
        [`${readerId}.Arn`]: `arn:aws:iam::${stack.account}:role/trail-reader`,
      },
    };
    const [policyId] = Object.entries(template.Resources).find(
      ([, r]: [string, any]) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles?.[0]?.Ref === roleId,
    )!;
    const identity = resolveIntrinsics(template.Resources[policyId].Properties.PolicyDocument, ctx);
    const replicaBucket = auditReplicaBucketName('prod', stack.account, REPLICA_REGION);
    const replicaKeyArn = `arn:aws:kms:${REPLICA_REGION}:${stack.account}:key/2222bbbb-12ab-34cd-56ef-1234567890ab`;
    const replica = replicas.find((r) => r.account === stack.account)!;
    const replicaKeyPolicy = resolveIntrinsics(Template.fromStack(replica).toJSON().Resources[idOf(replica, replica.key)].Properties.KeyPolicy, {
      account: replica.account,
      region: REPLICA_REGION,
    });
    const keyPolicy = resolveIntrinsics(template.Resources[logsKeyId].Properties.KeyPolicy, ctx);
    // The evaluator ignores kms:EncryptionContext:<key> context keys that contain ':' (aws:s3:arn), so those
    // conditions could never match here: they are checked structurally, and left out of the evaluation.
    const contextConditions = identity.Statement.filter((st: any) => st.Condition?.StringLike?.['kms:EncryptionContext:aws:s3:arn'] !== undefined);
    expect(contextConditions.map((st: any) => [st.Sid, st.Condition.StringLike['kms:EncryptionContext:aws:s3:arn']])).toEqual([
      ['DecryptSourceObjects', [trailBucketArn, `${trailBucketArn}/*`]],
      ['EncryptReplicas', [`arn:aws:s3:::${replicaBucket}`, `arn:aws:s3:::${replicaBucket}/*`]],
    ]);
    const evaluable = {
      ...identity,
      Statement: identity.Statement.map((st: any) => {
        if (st.Condition?.StringLike === undefined) return st;
        const { StringLike, ...rest } = st.Condition;
        const { ['kms:EncryptionContext:aws:s3:arn']: _ignored, ...like } = StringLike;
        return { ...st, Condition: Object.keys(like).length > 0 ? { ...rest, StringLike: like } : rest };
      }),
    };
    const decide = (action: string, resource: string, context: Record<string, string | string[]>, resourceAccount = stack.account) =>
      evaluate({
        identityPolicies: [evaluable],
        permissionsBoundaries: [boundary],
        // KMS requests are decided with the key's policy (the evaluator models KMS key-policy trust).
        resourcePolicy: resource === replicaKeyArn ? replicaKeyPolicy : resource === logsKeyArn ? keyPolicy : undefined,
        request: { action, principal: roleArn, resource, resourceAccount, context: { 'kms:CallerAccount': stack.account, ...context } },
      });
    // Inside the boundary: write replicas to the replica bucket of this account, encrypt with the replica key.
    expect(await decide('s3:ReplicateObject', `arn:aws:s3:::${replicaBucket}/AWSLogs/x.json.gz`, { 's3:ResourceAccount': stack.account })).toBe('Allowed');
    expect(
      await decide('kms:GenerateDataKey', replicaKeyArn, {
        'kms:ViaService': `s3.${REPLICA_REGION}.amazonaws.com`,
        'kms:EncryptionContext:aws:s3:arn': `arn:aws:s3:::${replicaBucket}`,
        'kms:ResourceAliases': ['alias/guardrails-prod/audit-replica'],
      }),
    ).toBe('Allowed');
    // A key of the replica region without the replica alias: denied.
    expect(
      await decide('kms:GenerateDataKey', replicaKeyArn, {
        'kms:ViaService': `s3.${REPLICA_REGION}.amazonaws.com`,
        'kms:EncryptionContext:aws:s3:arn': `arn:aws:s3:::${replicaBucket}`,
        'kms:ResourceAliases': ['alias/guardrails-prod/data'],
      }),
    ).not.toBe('Allowed');
    expect(await decide('s3:GetObjectVersionForReplication', `${trailBucketArn}/AWSLogs/x.json.gz`, { 's3:ResourceAccount': stack.account })).toBe('Allowed');
    expect(
      await decide('kms:Decrypt', logsKeyArn, { 'kms:ViaService': `s3.${stack.region}.amazonaws.com`, 'kms:EncryptionContext:aws:s3:arn': trailBucketArn }),
    ).toBe('Allowed');
    // Another account's bucket is outside the boundary even with the identity policy.
    expect(await decide('s3:ReplicateObject', `arn:aws:s3:::${replicaBucket}/x`, { 's3:ResourceAccount': '999999999999' }, '999999999999')).not.toBe('Allowed');
    // The replica key denies direct grants (CT.KMS.PR.3): even an identity allowed kms:* cannot hand itself durable use.
    const grantAsRole = (keyPolicy: any, context: Record<string, string>) =>
      evaluate({
        identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] }],
        resourcePolicy: keyPolicy,
        request: {
          action: 'kms:CreateGrant',
          principal: roleArn,
          resource: replicaKeyArn,
          resourceAccount: stack.account,
          context: { 'kms:CallerAccount': stack.account, ...context },
        },
      });
    expect(await grantAsRole(replicaKeyPolicy, {})).toBe('ExplicitlyDenied');
    const openedKeyPolicy = {
      ...replicaKeyPolicy,
      Statement: [...replicaKeyPolicy.Statement, { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${stack.account}:root` }, Action: 'kms:*', Resource: '*' }],
    };
    expect(await grantAsRole(openedKeyPolicy, {})).toBe('ExplicitlyDenied');
    // Control: a grant S3 or another service creates for an AWS resource is not denied by that statement.
    expect(await grantAsRole(openedKeyPolicy, { 'kms:GrantIsForAWSResource': 'true' })).toBe('Allowed');
    // Without the statement, the opened policy would let the role grant itself use.
    const withoutDeny = { ...openedKeyPolicy, Statement: openedKeyPolicy.Statement.filter((st: any) => st.Sid !== 'DenyGrantsExceptForAwsResources') };
    expect(await grantAsRole(withoutDeny, {})).toBe('Allowed');

    // The logs key (use through Kinesis and SQS only) names the replication role for kms:Decrypt through S3 of its region.
    const decrypt = (principal: string, via: string) =>
      evaluate({
        resourcePolicy: keyPolicy,
        request: { action: 'kms:Decrypt', principal, resource: logsKeyArn, resourceAccount: stack.account, context: { 'kms:ViaService': via } },
      });
    expect(await decrypt(roleArn, `s3.${stack.region}.amazonaws.com`)).toBe('Allowed');
    expect(await decrypt(roleArn, `dynamodb.${stack.region}.amazonaws.com`)).not.toBe('Allowed');
    expect(await decrypt(`arn:aws:iam::${stack.account}:role/someone-else`, `s3.${stack.region}.amazonaws.com`)).not.toBe('Allowed');
    expect(await decrypt('arn:aws:iam::999999999999:role/trail-replication', `s3.${stack.region}.amazonaws.com`)).not.toBe('Allowed');
  });

  test('compliance: the trail bucket replication acknowledgement is gone; the replica bucket and replication role have their own', () => {
    const acks = workloadAcknowledgements(config);
    const stack = stacks[0];
    const trail = acks.filter((a) => a.path === 'SecurityLogging/TrailBucket/Resource');
    expect(trail.some((a) => idsOf(a, stack).some((id) => id.endsWith('S3BucketReplicationEnabled')))).toBe(false);
    const role = acks.filter((a) => a.path === 'SecurityLogging/TrailReplicationRole/DefaultPolicy/Resource').flatMap((a) => idsOf(a, stack));
    expect(role).toEqual(
      expect.arrayContaining([
        `AwsSolutions-IAM5[Resource::arn:aws:kms:${REPLICA_REGION}:${stack.account}:key/*]`,
        `AwsSolutions-IAM5[Resource::arn:aws:s3:::${auditReplicaBucketName('prod', stack.account, REPLICA_REGION)}/*]`,
        'NIST.800.53.R5-IAMNoInlinePolicy',
      ]),
    );
    const replicaAcks = acks.filter((a) => a.path === 'AuditReplicaBucket/Resource').flatMap((a) => idsOf(a, replicas[0]));
    expect(replicaAcks).toEqual(expect.arrayContaining(['NIST.800.53.R5-S3BucketReplicationEnabled']));
    // It logs to the replica region's access-log bucket now: no access-logging acknowledgement.
    expect(replicaAcks).not.toContain('AwsSolutions-S1');
  });
});

describe("deploy order: the replica stack deploys before the account's workload stacks", () => {
  test('synthesized assembly -> deploy-order.json (scripts/synth.mjs) -> one CDK CLI call per account (scripts/ops), replica first', () => {
    // GIVEN the prod app synthesized into a cloud assembly
    const cdkOut = mkdtempSync(join(tmpdir(), 'audit-order-'));
    const outdir = join(cdkOut, 'prod', 'workload-account');
    const { app, config, replicas } = build('prod', undefined, outdir);
    app.synth();
    // WHEN the order is computed the way scripts/synth.mjs does, and read back by the deploy scripts
    const order = ops.stacksInOrder(outdir, 'workload-account');
    mkdirSync(join(cdkOut, 'prod'), { recursive: true });
    writeFileSync(join(cdkOut, 'prod', 'deploy-order.json'), JSON.stringify(order));
    const groups = ops.planGroups(ops.readDeployOrder('prod', cdkOut), ['workload-account']);
    // THEN each account's replica stack comes before every other stack of that account
    const names = order.map((e: { stack: string }) => e.stack);
    for (const account of config.workloadAccounts) {
      const replica = replicas.find((r) => r.account === account.accountId)!;
      const own = order.filter((e: { account: string }) => e.account === account.accountId).map((e: { stack: string }) => e.stack);
      expect(own[0]).toBe(replica.stackName);
      for (const name of own.slice(1)) expect(names.indexOf(replica.stackName)).toBeLessThan(names.indexOf(name));
      // The CDK CLI deploys the stacks of one call in the order of the assembly's dependencies.
      const artifacts = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')).artifacts;
      for (const name of own.slice(1)) expect(artifacts[name].dependencies).toContain(replica.artifactId);
      const group = groups.find((g: { account: string }) => g.account === account.accountId);
      expect(group.stacks[0]).toBe(replica.artifactId);
      expect(group.regions).toContain(REPLICA_REGION);
    }
  });

  test('bootstrap commands cover the replica region of every workload account', () => {
    const accounts = ops.readConfigAccounts('prod');
    expect(accounts.auditReplicaRegion).toBe(REPLICA_REGION);
    const commands: string[] = ops.bootstrapCommands(accounts, ops.parseArgs('deploy', ['--env', 'prod'])).map((b: { command: string }) => b.command);
    for (const w of accounts.workloads) expect(commands.find((c) => c.includes(`aws://${w.accountId}/`))).toContain(`aws://${w.accountId}/${REPLICA_REGION}`);
    expect(commands[0]).not.toContain(REPLICA_REGION);
    // Without a replica region, nothing is added.
    expect(ops.bootstrapTargets({ ...accounts, auditReplicaRegion: undefined })).toEqual(ops.deployTargets(accounts));
  });
});

describe('other combinations', () => {
  test('replication without Object Lock: trail buckets replicate, neither side has Object Lock, dev removal policy (Delete)', () => {
    const config = configWith('dev', { objectLock: { mode: 'none' }, replicaRegion: REPLICA_REGION });
    const { stacks, replicas } = build('dev', config);
    expect(replicas).toHaveLength(config.workloadAccounts.length);
    for (const stack of stacks) expect(stack.dependencies).toContain(replicas.find((r) => r.account === stack.account));
    for (const stack of withTrail(stacks)) {
      const bucket = trailBucketResource(stack);
      expect(bucket.Properties.ObjectLockConfiguration).toBeUndefined();
      expect(bucket.Properties.ReplicationConfiguration.Rules[0].Destination.Bucket).toBe(
        `arn:aws:s3:::${auditReplicaBucketName('dev', stack.account, REPLICA_REGION)}`,
      );
    }
    for (const replica of replicas) {
      expect(replica.region).toBe(REPLICA_REGION);
      const bucket = Template.fromStack(replica).toJSON().Resources[idOf(replica, replica.bucket)];
      expect(bucket.Properties.ObjectLockEnabled).toBeUndefined();
      expect(bucket.Properties.ObjectLockConfiguration).toBeUndefined();
      expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(bucket.DeletionPolicy).toBe('Delete');
      expect(replica.terminationProtection).toBe(false);
      Template.fromStack(replica).hasResourceProperties('AWS::KMS::Alias', { AliasName: `alias/${config.kms.aliasPrefix}/audit-replica` });
    }
  });

  test('governance mode without replication: trail buckets get GOVERNANCE with the configured days, no replica stack', () => {
    const config = configWith('dev', { objectLock: { mode: 'governance', retentionDays: 30 } });
    const { stacks, replicas } = build('dev', config);
    expect(replicas).toEqual([]);
    for (const stack of withTrail(stacks)) {
      const bucket = trailBucketResource(stack);
      expect(bucket.Properties.ObjectLockConfiguration).toEqual({ ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 30 } } });
      expect(bucket.Properties.ReplicationConfiguration).toBeUndefined();
    }
  });

  test('with replication, the compliance gate has zero open findings (every new finding is acknowledged with a reason)', () => {
    const config = configWith('dev', { objectLock: { mode: 'governance', retentionDays: 30 }, replicaRegion: REPLICA_REGION });
    const outdir = mkdtempSync(join(tmpdir(), 'audit-compliance-'));
    const { app } = build('dev', config, outdir);
    addComplianceGate(app, config);
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      ComplianceReport.synth(app, { appName: 'workload-account', environment: 'dev', reportDirectory: outdir });
    } finally {
      spy.mockRestore();
    }
    const section = JSON.parse(readFileSync(join(outdir, 'compliance-report.json'), 'utf8')).apps['workload-account'];
    expect(section.findings.filter((f: any) => !f.acknowledged)).toEqual([]);
    const replicaFindings = section.findings.filter((f: any) => f.constructPath.includes('-audit-replica-'));
    expect(replicaFindings.length).toBeGreaterThan(0);
    const roleFindings = section.findings.filter((f: any) => f.constructPath.includes('SecurityLogging/TrailReplicationRole'));
    expect(roleFindings.length).toBeGreaterThan(0);
  });
});
