/**
 * The composition (issue 14): with prod synthesized, an admin with `Allow *:*` inside the permissions
 * boundary of a workload or the security account attacks the guardrails the way the security review
 * did. Each request is evaluated against the real synthesized policies together: the identity policy,
 * the account's boundary, every generated SCP (with FullAWSAccess) and the resource policy (key,
 * bucket, stream) where there is one. Each attack is denied; each control case (the legitimate
 * principal from config) is allowed. The packages prove each guardrail on its own; this file proves
 * that the apps wire them.
 */
import { join } from 'node:path';
import {
  auditReplicationRoleName,
  cdkRoleArn,
  logWriterRoleName,
  rotationLogWriterRoleName,
  accountSettingsRoleName,
  GUARDRAIL_NAMES,
  guardrailAdministratorArns,
  HUMAN_ACCESS_NAMES,
  keyAdministratorArns,
  loadConfig,
  roleArn,
  rotationFunctionName,
  workloadStackSetName,
  GUARDRAIL_NAME_PREFIX,
  evidenceDestinationName,
} from '@cdk-guardrails/config';
import { OrganizationPolicyCompiler } from '@cdk-guardrails/iam-least-privilege';
import { ALLOW_EVERYTHING, evaluate, PolicyJson } from '@cdk-guardrails/policy-test-kit';
import { Stack } from 'aws-cdk-lib';
import { guardDutyAgentManagementOn, serviceControlPolicies } from '../src/identities';
import { KEY_ID, prodStacks, resolver, scpDocumentsOf, withGuardDutyEc2AgentManagement } from './support/prod-templates';

jest.setTimeout(300_000);

const config = loadConfig('prod', { configDir: join(__dirname, '..', '..', '..', 'config') });
const WORKLOAD = config.workloadAccounts[0].accountId;
const SECURITY = config.securityAccount.accountId;
const REGION = 'eu-west-1';
// The attacker's identity policy, and FullAWSAccess, are policy-test-kit's ALLOW_EVERYTHING: only the guardrails may refuse.
const SCPS: PolicyJson[] = scpDocumentsOf(config);

const stacks = prodStacks(config);
function templateOf(name: string): { stack: Stack; template: any; resolve: (v: unknown) => any } {
  const found = stacks.find(([s]) => s.stackName === name);
  if (!found) throw new Error(`no stack ${name}`);
  return { stack: found[0], template: found[1], resolve: resolver(found[0], found[1]) };
}
function only(template: any, type: string, filter: (r: any) => boolean = () => true): any {
  const found = Object.values<any>(template.Resources).filter((r) => r.Type === type && filter(r));
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
}

const workloadHome = templateOf(`prod-workload-${config.workloadAccounts[0].name}-${REGION}`);
const securityKeys = templateOf(`prod-security-keys-${REGION}`);
const securityLogging = templateOf(`prod-security-logging-${REGION}`);
/** The stream of that name, its resource policy, and the role of the destination that writes it. */
function streamPartsOf(streamName: string) {
  const resources = Object.entries<any>(securityLogging.template.Resources);
  const [streamId] = resources.find(([, r]) => r.Type === 'AWS::Kinesis::Stream' && r.Properties.Name === streamName)!;
  const policy = securityLogging.resolve(
    only(securityLogging.template, 'AWS::Kinesis::ResourcePolicy', (r) => r.Properties.ResourceArn['Fn::GetAtt']?.[0] === streamId).Properties.ResourcePolicy,
  );
  const destination = only(securityLogging.template, 'AWS::Logs::Destination', (r) => r.Properties.TargetArn['Fn::GetAtt'][0] === streamId);
  return { policy, destinationRole: securityLogging.resolve(destination.Properties.RoleArn), destinationName: destination.Properties.DestinationName };
}
const boundaryOf = (t: typeof workloadHome) =>
  t.resolve(only(t.template, 'AWS::IAM::ManagedPolicy', (r) => r.Properties.ManagedPolicyName === 'GuardrailsPermissionsBoundary').Properties.PolicyDocument);
const WORKLOAD_BOUNDARY = boundaryOf(workloadHome);
const SECURITY_BOUNDARY = boundaryOf(securityKeys);
const keyPolicy = (t: typeof workloadHome, alias: string) => {
  const aliasResource = only(t.template, 'AWS::KMS::Alias', (r) => r.Properties.AliasName === alias);
  const keyId = aliasResource.Properties.TargetKeyId['Fn::GetAtt'][0];
  return t.resolve(t.template.Resources[keyId].Properties.KeyPolicy);
};
const bucketPolicy = (t: typeof workloadHome, bucketIdPrefix: string) =>
  t.resolve(only(t.template, 'AWS::S3::BucketPolicy', (r) => r.Properties.Bucket.Ref.startsWith(bucketIdPrefix)).Properties.PolicyDocument);

const ADMIN = (account: string) => `arn:aws:iam::${account}:role/workload-admin`;

interface Attempt {
  action: string;
  resource: string;
  account?: string;
  context?: Record<string, string | string[]>;
  resourcePolicy?: PolicyJson;
}
/** The bounded admin of `account` (default: the workload account) makes the request. */
function asBoundedAdmin(a: Attempt) {
  const account = a.account ?? WORKLOAD;
  return evaluate({
    identityPolicies: [ALLOW_EVERYTHING],
    permissionsBoundaries: [account === SECURITY ? SECURITY_BOUNDARY : WORKLOAD_BOUNDARY],
    serviceControlPolicies: SCPS,
    resourcePolicy: a.resourcePolicy,
    request: {
      principal: ADMIN(account),
      action: a.action,
      resource: a.resource,
      resourceAccount: account,
      context: { 'aws:PrincipalArn': ADMIN(account), 'aws:RequestedRegion': REGION, 'aws:SecureTransport': 'true', ...a.context },
    },
  });
}
/** A legitimate principal outside the boundary (execution role, named admin, pipeline) makes the request. */
function asPrincipal(principal: string, a: Attempt) {
  const account = a.account ?? WORKLOAD;
  return evaluate({
    identityPolicies: [ALLOW_EVERYTHING],
    serviceControlPolicies: SCPS,
    resourcePolicy: a.resourcePolicy,
    request: {
      principal,
      action: a.action,
      resource: a.resource,
      resourceAccount: account,
      context: { 'aws:PrincipalArn': principal, 'aws:RequestedRegion': REGION, 'aws:SecureTransport': 'true', ...a.context },
    },
  });
}

const EXEC_ROLE = cdkRoleArn(config, 'cfn-exec', WORKLOAD, REGION);
const DEPLOY_ROLE = cdkRoleArn(config, 'deploy', WORKLOAD, REGION);
const LOG_ADMIN = roleArn(WORKLOAD, config.principals.logAdminRoleName);
const KEY_ADMIN = roleArn(WORKLOAD, config.principals.keyAdminRoleName);
const trustsAccount = (account: string): PolicyJson => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: '*' }],
});

describe('no self-service exemption', () => {
  test('a bounded admin cannot tag its own session guardrails:protected, nor does the tag exempt it from anything', async () => {
    const role = `arn:aws:iam::${WORKLOAD}:role/my-role`;
    expect(
      await asBoundedAdmin({
        action: 'sts:TagSession',
        resource: role,
        resourcePolicy: trustsAccount(WORKLOAD),
        context: { 'aws:TagKeys': ['Guardrails:Protected'], 'aws:RequestTag/Guardrails:Protected': 'true' },
      }),
    ).toBe('ExplicitlyDenied');
    expect(
      await asBoundedAdmin({
        action: 'cloudtrail:StopLogging',
        resource: `arn:aws:cloudtrail:${REGION}:${WORKLOAD}:trail/any`,
        context: { 'aws:PrincipalTag/guardrails:protected': 'true' },
      }),
    ).toBe('ExplicitlyDenied');
  });

  test('a bounded admin cannot create a role whose name the SCPs exempt (an execution role of a region not bootstrapped yet, break-glass)', async () => {
    for (const name of [`cdk-grdprod-cfn-exec-role-${WORKLOAD}-ap-southeast-2`, config.principals.breakGlassRoleName]) {
      expect(
        await asBoundedAdmin({
          action: 'iam:CreateRole',
          resource: roleArn(WORKLOAD, name),
          context: {
            'iam:PermissionsBoundary': `arn:aws:iam::${WORKLOAD}:policy/GuardrailsPermissionsBoundary`,
            'aws:RequestTag/guardrails:environment': 'prod',
            'aws:TagKeys': ['guardrails:environment'],
          },
        }),
      ).toBe('ExplicitlyDenied');
    }
  });

  test('nobody outside the boundary but a manager creates or takes over a role that matches an SCP exemption (they name roles in every account)', async () => {
    // The SCPs exempt 'arn:aws:iam::*:role/cdk-grdprod-cfn-exec-role-*-<region>' and the named roles in
    // every governed account: a principal with no boundary, exempt from nothing, is stopped by the SCPs alone.
    const unbounded = roleArn(WORKLOAD, 'platform-admin');
    const impostors = [
      `cdk-grdprod-cfn-exec-role-anything-${REGION}`,
      config.principals.breakGlassRoleName,
      'AWSControlTowerExecution',
      'guardrails-account-settings-eu-west-1',
    ];
    for (const name of impostors) {
      const arn = roleArn(WORKLOAD, name);
      for (const action of ['iam:CreateRole', 'iam:UpdateAssumeRolePolicy', 'iam:AttachRolePolicy', 'iam:PutRolePolicy', 'iam:PassRole']) {
        expect(await asPrincipal(unbounded, { action, resource: arn })).toBe('ExplicitlyDenied');
      }
      expect(await asPrincipal(unbounded, { action: 'sts:AssumeRole', resource: arn, resourcePolicy: trustsAccount(WORKLOAD) })).toBe('ExplicitlyDenied');
      // Control: the execution role of the account creates it.
      expect(await asPrincipal(EXEC_ROLE, { action: 'iam:CreateRole', resource: arn })).toBe('Allowed');
    }
    // And the exemption is real: such a role, once a manager made it, is exempt; the unbounded admin is not.
    const stop = { action: 'cloudtrail:StopLogging', resource: `arn:aws:cloudtrail:${REGION}:${WORKLOAD}:trail/guardrails-trail` };
    expect(await asPrincipal(roleArn(WORKLOAD, config.principals.breakGlassRoleName), stop)).toBe('Allowed');
    expect(await asPrincipal(unbounded, stop)).toBe('ExplicitlyDenied');
  });

  test('a bounded admin cannot pass the execution role to CloudFormation nor assume the deploy role; the deploy role and the pipeline can', async () => {
    const pass = { action: 'iam:PassRole', resource: EXEC_ROLE, context: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } };
    const assume = { action: 'sts:AssumeRole', resource: DEPLOY_ROLE, resourcePolicy: trustsAccount(WORKLOAD) };
    expect(await asBoundedAdmin(pass)).toBe('ExplicitlyDenied');
    expect(await asBoundedAdmin(assume)).toBe('ExplicitlyDenied');
    expect(await asPrincipal(DEPLOY_ROLE, pass)).toBe('Allowed');
    const pipeline = config.principals.pipelineRoleArns[0];
    expect(await asPrincipal(pipeline, { ...assume, resourcePolicy: trustsAccount(pipeline.split(':')[4]) })).toBe('Allowed');
  });
});

describe('the audit trail cannot be destroyed or blinded', () => {
  test('a bounded admin cannot disable, delete, re-policy or stop rotating the logs key; the key admin and the execution role can', async () => {
    const policy = keyPolicy(workloadHome, 'alias/guardrails-prod/logs');
    const key = `arn:aws:kms:${REGION}:${WORKLOAD}:key/${KEY_ID}`;
    for (const action of ['kms:DisableKey', 'kms:ScheduleKeyDeletion', 'kms:PutKeyPolicy', 'kms:DisableKeyRotation']) {
      expect([action, await asBoundedAdmin({ action, resource: key, resourcePolicy: policy })]).not.toEqual([action, 'Allowed']);
      expect([action, await asPrincipal(KEY_ADMIN, { action, resource: key, resourcePolicy: policy })]).toEqual([action, 'Allowed']);
      expect([action, await asPrincipal(EXEC_ROLE, { action, resource: key, resourcePolicy: policy })]).toEqual([action, 'Allowed']);
    }
    expect(keyAdministratorArns(config, WORKLOAD, REGION)).toContain(EXEC_ROLE);
  });

  test("a bounded admin cannot re-point or delete a guardrail key alias (UpdateAlias and DeleteAlias need the current key's policy, which names only the key administrators)", async () => {
    const policy = keyPolicy(workloadHome, 'alias/guardrails-prod/logs');
    const key = `arn:aws:kms:${REGION}:${WORKLOAD}:key/${KEY_ID}`;
    for (const action of ['kms:UpdateAlias', 'kms:DeleteAlias', 'kms:CreateAlias']) {
      expect([action, await asBoundedAdmin({ action, resource: key, resourcePolicy: policy })]).not.toEqual([action, 'Allowed']);
      expect([action, await asPrincipal(EXEC_ROLE, { action, resource: key, resourcePolicy: policy })]).toEqual([action, 'Allowed']);
    }
  });

  test('a bounded admin cannot squat a guardrail alias name (CreateAlias on alias/guardrails-prod/... with a key of its own, in a region or account the stack has not reached yet): boundary and SCP deny the alias ARN', async () => {
    for (const [account, region] of [
      [WORKLOAD, 'eu-central-1'],
      [SECURITY, REGION],
    ]) {
      const alias = `arn:aws:kms:${region}:${account}:alias/${config.kms.aliasPrefix}/logs`;
      expect(await asBoundedAdmin({ account, action: 'kms:CreateAlias', resource: alias })).toBe('ExplicitlyDenied');
      expect(await asPrincipal(cdkRoleArn(config, 'cfn-exec', account, region), { account, action: 'kms:CreateAlias', resource: alias })).toBe('Allowed');
    }
    expect(config.kms.aliasPrefix.startsWith(GUARDRAIL_NAME_PREFIX)).toBe(true);
    expect(await asBoundedAdmin({ action: 'kms:CreateAlias', resource: `arn:aws:kms:${REGION}:${WORKLOAD}:alias/orders-api/data` })).toBe('Allowed');
  });

  test("a bounded admin cannot grant itself the security account's logs key (CreateGrant only for AWS resources)", async () => {
    const policy = keyPolicy(securityKeys, 'alias/guardrails-prod/logs');
    const key = `arn:aws:kms:${REGION}:${SECURITY}:key/${KEY_ID}`;
    expect(await asBoundedAdmin({ account: SECURITY, action: 'kms:CreateGrant', resource: key, resourcePolicy: policy })).not.toBe('Allowed');
    expect(await asBoundedAdmin({ account: SECURITY, action: 'kms:DisableKey', resource: key, resourcePolicy: policy })).not.toBe('Allowed');
  });

  test.each([
    ['logs:DeleteLogGroup', `arn:aws:logs:${REGION}:${WORKLOAD}:log-group:/guardrails/audit/cloudtrail`],
    ['logs:PutRetentionPolicy', `arn:aws:logs:${REGION}:${WORKLOAD}:log-group:/guardrails/audit/cloudtrail`],
    ['logs:DisassociateKmsKey', `arn:aws:logs:${REGION}:${WORKLOAD}:log-group:/guardrails/security/events`],
    ['logs:DeleteLogGroup', `arn:aws:logs:${REGION}:${WORKLOAD}:log-group:/guardrails/lambda/${rotationFunctionName('db', 'ledger-db')}`],
    ['lambda:UpdateFunctionCode', `arn:aws:lambda:${REGION}:${WORKLOAD}:function:${rotationFunctionName('db', 'ledger-db')}`],
    ['lambda:UpdateFunctionConfiguration', `arn:aws:lambda:${REGION}:${WORKLOAD}:function:${rotationFunctionName('db', 'ledger-db')}`],
    ['events:DisableRule', `arn:aws:events:${REGION}:${WORKLOAD}:rule/${GUARDRAIL_NAMES.s3ChangesRule}`],
    ['events:RemoveTargets', `arn:aws:events:us-east-1:${WORKLOAD}:rule/${GUARDRAIL_NAMES.iamChangesRule}`],
    ['lambda:UpdateFunctionCode', `arn:aws:lambda:${REGION}:${WORKLOAD}:function:${rotationFunctionName('key', 'partner-api')}`],
    ['lambda:AddPermission', `arn:aws:lambda:${REGION}:${WORKLOAD}:function:${rotationFunctionName('token', 'batch-jobs')}`],
  ])('a bounded admin cannot %s on %s; the log admin can', async (action, resource) => {
    expect(await asBoundedAdmin({ action, resource })).toBe('ExplicitlyDenied');
    expect(await asPrincipal(LOG_ADMIN, { action, resource })).toBe('Allowed');
    expect(guardrailAdministratorArns(config, WORKLOAD)).toContain(LOG_ADMIN);
  });

  test.each([
    's3:PutBucketPolicy',
    's3:DeleteBucketPolicy',
    's3:PutBucketVersioning',
    's3:PutLifecycleConfiguration',
    's3:PutReplicationConfiguration',
    's3:PutBucketObjectLockConfiguration',
    's3:PutBucketLogging',
  ])('a bounded admin cannot %s on the trail bucket; the execution role can', async (action) => {
    const policy = bucketPolicy(workloadHome, 'SecurityLoggingTrailBucket');
    const resource = `arn:aws:s3:::${Object.keys(workloadHome.template.Resources)
      .find((id) => id.startsWith('SecurityLoggingTrailBucket') && workloadHome.template.Resources[id].Type === 'AWS::S3::Bucket')!
      .toLowerCase()}`;
    expect(await asBoundedAdmin({ action, resource, resourcePolicy: policy })).toBe('ExplicitlyDenied');
    expect(await asPrincipal(EXEC_ROLE, { action, resource, resourcePolicy: policy })).toBe('Allowed');
  });

  test("no forged record: a bounded admin cannot write into the audit, security-event, token or database rotation log groups of a workload, nor into the central groups; CloudTrail's, the rotation functions' and the forwarder's roles can", async () => {
    const stream = (account: string, group: string, name: string) => `arn:aws:logs:${REGION}:${account}:log-group:${group}:log-stream:${name}`;
    const trailStream = stream(WORKLOAD, '/guardrails/audit/cloudtrail', `${WORKLOAD}_CloudTrail_${REGION}`);
    const central = stream(SECURITY, '/guardrails/central/audit', `${WORKLOAD}/${REGION}//guardrails/audit/cloudtrail`);
    for (const [account, resource] of [
      [WORKLOAD, trailStream],
      [WORKLOAD, stream(WORKLOAD, '/guardrails/security/events', 'forged')],
      [SECURITY, central],
    ]) {
      for (const action of ['logs:PutLogEvents', 'logs:CreateLogStream']) {
        expect([action, resource, await asBoundedAdmin({ account, action, resource })]).toEqual([action, resource, 'ExplicitlyDenied']);
      }
    }
    // The writers are the stacks' named roles (CloudTrail's delivery role, the forwarder's), inside the boundary.
    const roleNamed = (t: typeof workloadHome, name: string) =>
      Object.values<any>(t.template.Resources).some((r) => r.Type === 'AWS::IAM::Role' && r.Properties.RoleName === name);
    expect(roleNamed(workloadHome, logWriterRoleName('trail', REGION))).toBe(true);
    expect(roleNamed(securityLogging, logWriterRoleName('forwarder', REGION))).toBe(true);
    // prod names an organization: the subscription sender role (PutLogEvents on the shipped groups, as documented) is named too.
    expect(config.organizationId).toBeDefined();
    expect(roleNamed(workloadHome, logWriterRoleName('sender', REGION))).toBe(true);
    const asWriter = (account: string, name: string, resource: string) =>
      evaluate({
        identityPolicies: [ALLOW_EVERYTHING],
        permissionsBoundaries: [account === SECURITY ? SECURITY_BOUNDARY : WORKLOAD_BOUNDARY],
        serviceControlPolicies: SCPS,
        request: {
          principal: roleArn(account, name),
          action: 'logs:PutLogEvents',
          resource,
          resourceAccount: account,
          context: { 'aws:PrincipalArn': roleArn(account, name), 'aws:RequestedRegion': REGION },
        },
      });
    expect(await asWriter(WORKLOAD, logWriterRoleName('trail', REGION), trailStream)).toBe('Allowed');
    expect(await asWriter(SECURITY, logWriterRoleName('forwarder', REGION), central)).toBe('Allowed');
    // Nobody inside the boundary can become a writer: create a role of that name (bounded roles live
    // under the bounded path), or assume, re-trust or pass the existing ones (tagged guardrails:protected).
    const writer = roleArn(WORKLOAD, logWriterRoleName('trail', REGION));
    expect(
      await asBoundedAdmin({
        action: 'iam:CreateRole',
        resource: roleArn(WORKLOAD, logWriterRoleName('trail', 'ap-southeast-2')),
        context: {
          'iam:PermissionsBoundary': `arn:aws:iam::${WORKLOAD}:policy/GuardrailsPermissionsBoundary`,
          'aws:RequestTag/guardrails:environment': 'prod',
          'aws:TagKeys': ['guardrails:environment'],
        },
      }),
    ).toBe('ExplicitlyDenied');
    for (const action of ['sts:AssumeRole', 'iam:UpdateAssumeRolePolicy', 'iam:PassRole']) {
      expect([
        action,
        await asBoundedAdmin({
          action,
          resource: writer,
          resourcePolicy: action === 'sts:AssumeRole' ? trustsAccount(WORKLOAD) : undefined,
          context: { 'aws:ResourceTag/guardrails:protected': 'true' },
        }),
      ]).toEqual([action, 'ExplicitlyDenied']);
    }
    // The token rotation functions' logs (shipped as security class): only the function's role writes them.
    const hooked = config.workloadAccounts[0].apiKeys.map((k) => (typeof k === 'string' ? k : k.name))[0];
    const rotationStream = stream(WORKLOAD, `/guardrails/lambda/${rotationFunctionName('key', hooked)}`, '2026/12/04/[$LATEST]abc');
    expect(await asBoundedAdmin({ action: 'logs:PutLogEvents', resource: rotationStream })).toBe('ExplicitlyDenied');
    const rotationRole = rotationLogWriterRoleName(rotationFunctionName('key', hooked), REGION);
    expect(roleNamed(workloadHome, rotationRole)).toBe(true);
    expect(await asWriter(WORKLOAD, rotationRole, rotationStream)).toBe('Allowed');
    // The database rotation (our function for PostgreSQL) likewise: its role is the one writer of its group.
    const db = config.workloadAccounts[0].databases.find((d) => d.region === REGION)!;
    const dbStream = stream(WORKLOAD, `/guardrails/lambda/${rotationFunctionName('db', db.name)}`, '2026/12/04/[$LATEST]abc');
    expect(await asBoundedAdmin({ action: 'logs:PutLogEvents', resource: dbStream })).toBe('ExplicitlyDenied');
    const dbRotationRole = rotationLogWriterRoleName(rotationFunctionName('db', db.name), REGION);
    expect(roleNamed(workloadHome, dbRotationRole)).toBe(true);
    expect(await asWriter(WORKLOAD, dbRotationRole, dbStream)).toBe('Allowed');
    // A workload's own log groups stay writable.
    expect(await asBoundedAdmin({ action: 'logs:PutLogEvents', resource: stream(WORKLOAD, '/aws/lambda/orders', 'x') })).toBe('Allowed');
  });

  test('no dark account: a bounded admin of the security account cannot stop, delete, narrow or re-select its multi-region trail, nor delete its log files or re-policy its bucket; its execution role and log admin can', async () => {
    const trail = only(securityLogging.template, 'AWS::CloudTrail::Trail');
    expect(trail.Properties).toMatchObject({ IsMultiRegionTrail: true, IncludeGlobalServiceEvents: true, EnableLogFileValidation: true, IsLogging: true });
    const trailArn = `arn:aws:cloudtrail:${REGION}:${SECURITY}:trail/security-trail`;
    for (const action of ['cloudtrail:StopLogging', 'cloudtrail:DeleteTrail', 'cloudtrail:UpdateTrail', 'cloudtrail:PutEventSelectors']) {
      expect([action, await asBoundedAdmin({ account: SECURITY, action, resource: trailArn })]).toEqual([action, 'ExplicitlyDenied']);
    }
    // Control: the security account's execution role (CloudFormation) still manages the trail.
    expect(
      await asPrincipal(cdkRoleArn(config, 'cfn-exec', SECURITY, REGION), { account: SECURITY, action: 'cloudtrail:UpdateTrail', resource: trailArn }),
    ).toBe('Allowed');
    const securityLogAdmin = roleArn(SECURITY, config.principals.logAdminRoleName);
    expect(guardrailAdministratorArns(config, SECURITY)).toContain(securityLogAdmin);

    // The logs key comes from the keys stack (a stack output reference): its stand-in ARN.
    const imported = (v: any): any =>
      Array.isArray(v)
        ? v.map(imported)
        : v && typeof v === 'object'
          ? 'Fn::GetStackOutput' in v || 'Fn::ImportValue' in v
            ? `arn:aws:kms:${REGION}:${SECURITY}:key/${KEY_ID}`
            : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, imported(x)]))
          : v;
    const policy = securityLogging.resolve(
      imported(only(securityLogging.template, 'AWS::S3::BucketPolicy', (r) => r.Properties.Bucket.Ref.startsWith('TrailBucket')).Properties.PolicyDocument),
    );
    const bucketId = Object.keys(securityLogging.template.Resources).find(
      (id) => id.startsWith('TrailBucket') && securityLogging.template.Resources[id].Type === 'AWS::S3::Bucket',
    )!;
    const file = `arn:aws:s3:::${bucketId.toLowerCase()}/AWSLogs/${SECURITY}/CloudTrail/${REGION}/2026/12/04/file.json.gz`;
    const context = { 's3:ResourceAccount': SECURITY, 'aws:PrincipalIsAWSService': 'false', 's3:TlsVersion': '1.3' };
    for (const action of ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObject']) {
      expect([action, await asBoundedAdmin({ account: SECURITY, action, resource: file, resourcePolicy: policy, context })]).toEqual([
        action,
        'ExplicitlyDenied',
      ]);
    }
    expect(
      await asBoundedAdmin({ account: SECURITY, action: 's3:PutBucketPolicy', resource: `arn:aws:s3:::${bucketId.toLowerCase()}`, resourcePolicy: policy }),
    ).toBe('ExplicitlyDenied');
    expect(await asPrincipal(securityLogAdmin, { account: SECURITY, action: 's3:DeleteObjectVersion', resource: file, resourcePolicy: policy, context })).toBe(
      'Allowed',
    );
  });

  test("a bounded admin cannot forge, hide or delete a log file in the trail or AWS Config bucket; CloudTrail, Config's recorder role and the log admin can", async () => {
    const bucketArn = (prefix: string) =>
      `arn:aws:s3:::${Object.keys(workloadHome.template.Resources)
        .find((id) => id.startsWith(prefix) && workloadHome.template.Resources[id].Type === 'AWS::S3::Bucket')!
        .toLowerCase()}`;
    const objectContext = (policy: any) => {
      // The encryption statements want the bucket's own key: take it from the policy.
      const keyArn = JSON.stringify(policy).match(/arn:aws:kms:[^"]+:key\/[^"]+/)?.[0] ?? `arn:aws:kms:${REGION}:${WORKLOAD}:key/${KEY_ID}`;
      return {
        's3:ResourceAccount': WORKLOAD,
        's3:x-amz-server-side-encryption': 'aws:kms',
        's3:x-amz-server-side-encryption-aws-kms-key-id': keyArn,
        's3:TlsVersion': '1.3',
        'aws:PrincipalIsAWSService': 'false',
      };
    };
    const trailPolicy = bucketPolicy(workloadHome, 'SecurityLoggingTrailBucket');
    const trailFile = `${bucketArn('SecurityLoggingTrailBucket')}/AWSLogs/${WORKLOAD}/CloudTrail/${REGION}/2026/12/03/forged.json.gz`;
    for (const action of ['s3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObjectTagging', 's3:ReplicateObject', 's3:ReplicateDelete']) {
      expect([action, await asBoundedAdmin({ action, resource: trailFile, resourcePolicy: trailPolicy, context: objectContext(trailPolicy) })]).toEqual([
        action,
        'ExplicitlyDenied',
      ]);
    }
    expect(
      await asPrincipal(LOG_ADMIN, { action: 's3:DeleteObjectVersion', resource: trailFile, resourcePolicy: trailPolicy, context: objectContext(trailPolicy) }),
    ).toBe('Allowed');
    // CloudTrail delivers as its service principal, which the statement never denies.
    const statement = (trailPolicy.Statement as any[]).find((st) => st.Sid === 'DenyLogObjectChangesExceptServices');
    expect(statement.Condition.BoolIfExists).toEqual({ 'aws:PrincipalIsAWSService': 'false' });

    // CloudTrail's digest files are SSE-S3 whatever the trail's key: the prod trail bucket accepts them from this account's trails.
    const digest = `${bucketArn('SecurityLoggingTrailBucket')}/AWSLogs/${WORKLOAD}/CloudTrail-Digest/${REGION}/2026/12/03/digest.json.gz`;
    const digestDelivery = (sourceAccount: string, trail: string = GUARDRAIL_NAMES.trail) =>
      evaluate({
        request: {
          action: 's3:PutObject',
          principal: 'cloudtrail.amazonaws.com',
          resource: digest,
          resourceAccount: WORKLOAD,
          context: {
            'aws:SourceArn': `arn:aws:cloudtrail:${REGION}:${sourceAccount}:trail/${trail}`,
            'aws:SourceAccount': sourceAccount,
            'aws:PrincipalIsAWSService': 'true',
            'aws:SecureTransport': 'true',
            's3:TlsVersion': '1.3',
            's3:x-amz-acl': 'bucket-owner-full-control',
            's3:x-amz-server-side-encryption': 'AES256',
          },
        },
        resourcePolicy: trailPolicy,
      });
    expect(await digestDelivery(WORKLOAD)).toBe('Allowed');
    expect(await digestDelivery('999999999999')).toBe('ExplicitlyDenied');
    // A trail of one's own in this account (any name but the guardrail trail's) cannot deliver files into the trail bucket.
    expect(await digestDelivery(WORKLOAD, 'attacker-trail')).toBe('ExplicitlyDenied');

    // The audit replica: only the trail buckets' replication roles (fixed names) replicate into it.
    const replica = templateOf(`prod-workload-${config.workloadAccounts[0].name}-audit-replica-${config.auditLogs.replicaRegion}`);
    const replicaBucketId = Object.keys(replica.template.Resources).find(
      (id) => replica.template.Resources[id].Type === 'AWS::S3::Bucket' && id.startsWith('AuditReplicaBucket'),
    )!;
    const replicaPolicy = replica.resolve(
      only(replica.template, 'AWS::S3::BucketPolicy', (r) => r.Properties.Bucket.Ref === replicaBucketId).Properties.PolicyDocument,
    );
    const replicaObject = `arn:aws:s3:::${replicaBucketId.toLowerCase()}/AWSLogs/${WORKLOAD}/CloudTrail/${REGION}/forged.json.gz`;
    expect(
      await asBoundedAdmin({
        action: 's3:ReplicateObject',
        resource: replicaObject,
        resourcePolicy: replicaPolicy,
        context: { 's3:ResourceAccount': WORKLOAD },
      }),
    ).toBe('ExplicitlyDenied');
    expect(
      await asBoundedAdmin({ action: 's3:PutObject', resource: replicaObject, resourcePolicy: replicaPolicy, context: objectContext(replicaPolicy) }),
    ).toBe('ExplicitlyDenied');
    const replicationRole = roleArn(WORKLOAD, auditReplicationRoleName(REGION));
    expect(
      await asPrincipal(replicationRole, {
        action: 's3:ReplicateObject',
        resource: replicaObject,
        resourcePolicy: replicaPolicy,
        context: { 's3:ResourceAccount': WORKLOAD },
      }),
    ).toBe('Allowed');
    const trailRoles = Object.values<any>(workloadHome.template.Resources).filter(
      (r) => r.Type === 'AWS::IAM::Role' && r.Properties.RoleName === auditReplicationRoleName(REGION),
    );
    expect(trailRoles).toHaveLength(1);

    const configPolicy = bucketPolicy(workloadHome, 'DetectiveControlsConfigBucket');
    const configFile = `${bucketArn('DetectiveControlsConfigBucket')}/AWSLogs/${WORKLOAD}/Config/${REGION}/2026/12/3/ConfigHistory/forged.json.gz`;
    expect(await asBoundedAdmin({ action: 's3:PutObject', resource: configFile, resourcePolicy: configPolicy, context: objectContext(configPolicy) })).toBe(
      'ExplicitlyDenied',
    );
    expect(
      await asBoundedAdmin({ action: 's3:DeleteObjectVersion', resource: configFile, resourcePolicy: configPolicy, context: objectContext(configPolicy) }),
    ).toBe('ExplicitlyDenied');
    const recorderRoleId = Object.keys(workloadHome.template.Resources).find(
      (id) => id.startsWith('DetectiveControlsRecorderRole') && workloadHome.template.Resources[id].Type === 'AWS::IAM::Role',
    )!;
    const recorderRole = workloadHome.resolve({ 'Fn::GetAtt': [recorderRoleId, 'Arn'] });
    expect(JSON.stringify(statement)).not.toContain(recorderRole);
    const configStatement = (configPolicy.Statement as any[]).find((st) => st.Sid === 'DenyLogObjectChangesExceptServices');
    expect(JSON.stringify(configStatement.Condition.ArnNotEquals)).toContain(recorderRole);
  });

  test.each([GUARDRAIL_NAMES.centralStream, GUARDRAIL_NAMES.evidenceStream])(
    'a bounded admin of the security account cannot forge records into the central stream %s, read them (starving the forwarder), nor delete it; its destination role writes, the forwarder reads',
    async (streamName) => {
      const stream = `arn:aws:kinesis:${REGION}:${SECURITY}:stream/${streamName}`;
      const { policy, destinationRole } = streamPartsOf(streamName);
      expect(await asBoundedAdmin({ account: SECURITY, action: 'kinesis:PutRecord', resource: stream, resourcePolicy: policy })).toBe('ExplicitlyDenied');
      expect(await asBoundedAdmin({ account: SECURITY, action: 'kinesis:DeleteStream', resource: stream, resourcePolicy: policy })).toBe('ExplicitlyDenied');
      for (const action of ['kinesis:DecreaseStreamRetentionPeriod', 'kinesis:PutResourcePolicy', 'kinesis:StopStreamEncryption']) {
        expect([action, await asBoundedAdmin({ account: SECURITY, action, resource: stream, resourcePolicy: policy })]).toEqual([action, 'ExplicitlyDenied']);
      }
      expect(await asPrincipal(destinationRole, { account: SECURITY, action: 'kinesis:PutRecord', resource: stream, resourcePolicy: policy })).toBe('Allowed');
      // Reading: polling takes the shards' read throughput and starves the forwarder (records expire unforwarded).
      for (const action of ['kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:RegisterStreamConsumer']) {
        expect([action, await asBoundedAdmin({ account: SECURITY, action, resource: stream, resourcePolicy: policy })]).toEqual([action, 'ExplicitlyDenied']);
      }
      const [forwarderRoleId] = Object.entries<any>(securityLogging.template.Resources).find(
        ([id, r]) => r.Type === 'AWS::IAM::Role' && id.includes('ForwarderRole'),
      )!;
      const forwarderRole = securityLogging.resolve({ 'Fn::GetAtt': [forwarderRoleId, 'Arn'] });
      expect(await asPrincipal(forwarderRole, { account: SECURITY, action: 'kinesis:GetRecords', resource: stream, resourcePolicy: policy })).toBe('Allowed');
      expect(
        await asBoundedAdmin({
          account: SECURITY,
          action: 'logs:DeleteLogGroup',
          resource: `arn:aws:logs:${REGION}:${SECURITY}:log-group:/guardrails/central/audit`,
        }),
      ).toBe('ExplicitlyDenied');
    },
  );
});

describe('red-team A14 (stream flood): the evidence destination', () => {
  const evidence = streamPartsOf(GUARDRAIL_NAMES.evidenceStream);
  const open = streamPartsOf(GUARDRAIL_NAMES.centralStream);
  const destinationArn = (name: string) => `arn:aws:logs:${REGION}:${SECURITY}:destination:${name}`;
  const policyOf = (name: string) =>
    securityLogging.resolve(
      only(securityLogging.template, 'AWS::Logs::Destination', (r) => r.Properties.DestinationName === name).Properties.DestinationPolicy,
    );
  /** A principal of the workload account subscribes to the destination: only its identity policy and the destination policy decide (no boundary, no SCP). */
  function subscribe(principal: string, name: string) {
    return evaluate({
      identityPolicies: [ALLOW_EVERYTHING],
      resourcePolicy: JSON.parse(policyOf(name)),
      request: {
        principal,
        action: 'logs:PutSubscriptionFilter',
        resource: destinationArn(name),
        resourceAccount: SECURITY,
        context: {
          'aws:PrincipalArn': principal,
          'aws:PrincipalAccount': WORKLOAD,
          ...(config.organizationId !== undefined ? { 'aws:PrincipalOrgID': config.organizationId } : {}),
          'aws:RequestedRegion': REGION,
        },
      },
    });
  }

  test('the prod security stack has the evidence destination with its own stream, next to the open one', () => {
    expect(evidence.destinationName).toBe(evidenceDestinationName(config.securityAccount.destinationName));
    expect(open.destinationName).toBe(config.securityAccount.destinationName);
  });

  test('attack: the admin of a listed workload account cannot subscribe to the evidence destination as itself, even where its boundary and the SCPs are not attached (the destination policy refuses its ARN; passing the sender role is what the boundary and SCPs deny: red6 R6-4)', async () => {
    expect(await subscribe(ADMIN(WORKLOAD), evidence.destinationName)).toBe('ImplicitlyDenied');
  });

  test('control: the workload execution role of this region and, with an organization, the sender role may subscribe to it', async () => {
    expect(await subscribe(EXEC_ROLE, evidence.destinationName)).toBe('Allowed');
    if (config.organizationId !== undefined) {
      expect(await subscribe(roleArn(WORKLOAD, logWriterRoleName('sender', REGION)), evidence.destinationName)).toBe('Allowed');
    }
    // another region's execution role is not this destination's subscriber
    expect(await subscribe(cdkRoleArn(config, 'cfn-exec', WORKLOAD, 'us-east-1'), evidence.destinationName)).toBe('ImplicitlyDenied');
  });

  test('residual: the open destination still admits the workload admin by its policy (app-class records only: the forwarder dead-letters evidence classes from the open stream)', async () => {
    expect(await subscribe(ADMIN(WORKLOAD), open.destinationName)).toBe('Allowed');
    // its boundary refuses every subscription call anyway (DenySecurityServiceTampering)
    expect(
      await asBoundedAdmin({ action: 'logs:PutSubscriptionFilter', resource: `arn:aws:logs:${REGION}:${WORKLOAD}:log-group:/guardrails/app/orders` }),
    ).toBe('ExplicitlyDenied');
  });

  test('the boundary and the SCPs alone (without the stream policy) keep a bounded admin of the security account from deleting or reconfiguring the evidence stream', async () => {
    const stream = `arn:aws:kinesis:${REGION}:${SECURITY}:stream/${GUARDRAIL_NAMES.evidenceStream}`;
    for (const action of [
      'kinesis:DeleteStream',
      'kinesis:DecreaseStreamRetentionPeriod',
      'kinesis:StopStreamEncryption',
      'kinesis:PutResourcePolicy',
      'kinesis:DeleteResourcePolicy',
    ]) {
      expect([action, await asBoundedAdmin({ account: SECURITY, action, resource: stream })]).toEqual([action, 'ExplicitlyDenied']);
    }
    // control: the log admin administers it (boundary and SCPs; the stream policy names it too)
    expect(
      await asPrincipal(roleArn(SECURITY, config.principals.logAdminRoleName), {
        account: SECURITY,
        action: 'kinesis:DecreaseStreamRetentionPeriod',
        resource: stream,
      }),
    ).toBe('Allowed');
  });

  test('a bounded admin of the security account cannot delete or re-policy the evidence destination (its alarms: the dead-letter test below covers every alarm of the stack)', async () => {
    for (const action of ['logs:DeleteDestination', 'logs:PutDestination', 'logs:PutDestinationPolicy']) {
      expect([action, await asBoundedAdmin({ account: SECURITY, action, resource: destinationArn(evidence.destinationName) })]).toEqual([
        action,
        'ExplicitlyDenied',
      ]);
    }
  });

  test('the workload stack ships the audit and security classes to the evidence destination and the app class to the open one', () => {
    const filters = Object.values<any>(workloadHome.template.Resources).filter((r) => r.Type === 'AWS::Logs::SubscriptionFilter');
    const byClass = (cls: string) => [
      ...new Set(filters.filter((f) => f.Properties.FilterName.startsWith(`guardrails-${cls}-`)).map((f) => workloadHome.resolve(f.Properties.DestinationArn))),
    ];
    expect(byClass('audit')).toEqual([destinationArn(evidence.destinationName)]);
    expect(byClass('security')).toEqual([destinationArn(evidence.destinationName)]);
    expect(byClass('app')).toEqual([destinationArn(open.destinationName)]);
  });
});

test('a bounded admin cannot remove the subscription that ships the audit log group; only the execution roles and break-glass can (SCP protect-security-services)', async () => {
  const attempt = { action: 'logs:DeleteSubscriptionFilter', resource: `arn:aws:logs:${REGION}:${WORKLOAD}:log-group:/guardrails/audit/cloudtrail` };
  expect(await asBoundedAdmin(attempt)).toBe('ExplicitlyDenied');
  expect(await asPrincipal(EXEC_ROLE, attempt)).toBe('Allowed');
  expect(await asPrincipal(roleArn(WORKLOAD, config.principals.breakGlassRoleName), attempt)).toBe('Allowed');
  // The log admin administers the log groups, not the security services' plumbing.
  expect(await asPrincipal(LOG_ADMIN, attempt)).toBe('ExplicitlyDenied');
});

describe('the guardrail stacks, the dead-letter queue and the boundaries (red-team findings)', () => {
  const stackArn = (account: string, name: string) => `arn:aws:cloudformation:${REGION}:${account}:stack/${name}/0f6c3b40-0000-11ef-8000-0a1b2c3d4e5f`;

  test('a bounded admin cannot update, delete, change-set or roll back a guardrail stack (CloudFormation would act with the execution role), CDKToolkit, a StackSet instance or the deployment boundary stack', async () => {
    const targets: Array<[string, string]> = [
      [WORKLOAD, workloadHome.stack.stackName],
      [WORKLOAD, `prod-workload-${config.workloadAccounts[0].name}-audit-replica-eu-north-1`],
      [SECURITY, securityLogging.stack.stackName],
      [WORKLOAD, 'CDKToolkit'],
      [WORKLOAD, 'guardrails-deployment-boundary'],
      [WORKLOAD, 'StackSet-prod-workload-guardrails-eu-west-1-5f1b2c3d'],
    ];
    for (const [account, name] of targets) {
      for (const action of [
        'cloudformation:UpdateStack',
        'cloudformation:DeleteStack',
        'cloudformation:CreateChangeSet',
        'cloudformation:ExecuteChangeSet',
        'cloudformation:ContinueUpdateRollback',
        'cloudformation:RollbackStack',
      ]) {
        expect([name, action, await asBoundedAdmin({ account, action, resource: stackArn(account, name) })]).toEqual([name, action, 'ExplicitlyDenied']);
      }
    }
  });

  test("a bounded admin of the StackSet administrator account cannot update, delete or redeploy the workload StackSet (it rewrites every target account's guardrail stack); the deploy role can", async () => {
    const stackSet = `arn:aws:cloudformation:${REGION}:${SECURITY}:stackset/${workloadStackSetName('prod', REGION)}:7d8e9f00-0000-4000-8000-00000000abcd`;
    for (const action of [
      'cloudformation:UpdateStackSet',
      'cloudformation:DeleteStackSet',
      'cloudformation:CreateStackInstances',
      'cloudformation:UpdateStackInstances',
      'cloudformation:DeleteStackInstances',
      'cloudformation:StopStackSetOperation',
      'cloudformation:ImportStacksToStackSet',
    ]) {
      expect([action, await asBoundedAdmin({ account: SECURITY, action, resource: stackSet })]).toEqual([action, 'ExplicitlyDenied']);
    }
    expect(await asBoundedAdmin({ account: SECURITY, action: 'cloudformation:DescribeStackSet', resource: stackSet })).toBe('Allowed');
    expect(
      await asPrincipal(roleArn(SECURITY, config.principals.breakGlassRoleName), {
        account: SECURITY,
        action: 'cloudformation:UpdateStackSet',
        resource: stackSet,
      }),
    ).toBe('Allowed');
  });

  test("control: the deploy role and the pipeline's deploy path change the stacks; a bounded admin reads them and deploys its own", async () => {
    const guardrailStack = stackArn(WORKLOAD, workloadHome.stack.stackName);
    for (const action of ['cloudformation:CreateChangeSet', 'cloudformation:ExecuteChangeSet']) {
      expect(await asPrincipal(DEPLOY_ROLE, { action, resource: guardrailStack })).toBe('Allowed');
    }
    expect(
      await asPrincipal(roleArn(WORKLOAD, config.principals.breakGlassRoleName), {
        action: 'cloudformation:DeleteStack',
        resource: stackArn(WORKLOAD, 'CDKToolkit'),
      }),
    ).toBe('Allowed');
    expect(await asBoundedAdmin({ action: 'cloudformation:DescribeStacks', resource: guardrailStack })).toBe('Allowed');
    // Its own stack, with a service role of the bounded path; naming no role it would run as whatever
    // role the stack has (red10 R10-3: DenyStackRolesOutsidePath).
    const teamDeployer = `arn:aws:iam::${WORKLOAD}:role${config.principals.boundedRolePath}orders-deployer`;
    for (const action of ['cloudformation:CreateStack', 'cloudformation:UpdateStack', 'cloudformation:CreateChangeSet']) {
      expect(await asBoundedAdmin({ action, resource: stackArn(WORKLOAD, 'orders-api'), context: { 'cloudformation:RoleArn': teamDeployer } })).toBe('Allowed');
    }
    expect(await asBoundedAdmin({ action: 'cloudformation:UpdateStack', resource: stackArn(WORKLOAD, 'orders-api') })).toBe('ExplicitlyDenied');
  });

  test('a bounded admin cannot plant code or a template in the CDK bootstrap assets (the next deploy would run it), nor re-policy the bucket; the publishing role uploads, the deployers read', async () => {
    const q = config.principals.cdkQualifier;
    const bucket = `arn:aws:s3:::cdk-${q}-assets-${WORKLOAD}-${REGION}`;
    const s3 = { 's3:ResourceAccount': WORKLOAD };
    for (const [action, resource] of [
      ['s3:PutObject', `${bucket}/0a1b2c3d.zip`],
      ['s3:PutObject', `${bucket}/4e5f6a7b.json`],
      ['s3:DeleteObject', `${bucket}/0a1b2c3d.zip`],
      ['s3:PutBucketPolicy', bucket],
      ['s3:PutLifecycleConfiguration', bucket],
    ]) {
      expect([action, resource, await asBoundedAdmin({ action, resource, context: s3 })]).toEqual([action, resource, 'ExplicitlyDenied']);
    }
    const version = `arn:aws:ssm:${REGION}:${WORKLOAD}:parameter/cdk-bootstrap/${q}/version`;
    expect(await asBoundedAdmin({ action: 'ssm:PutParameter', resource: version })).toBe('ExplicitlyDenied');
    // cdk-assets sends the bucket's encryption with each upload (the S3 SCP requires the header).
    const upload = { ...s3, 's3:x-amz-server-side-encryption': 'aws:kms' };
    expect(
      await asPrincipal(cdkRoleArn(config, 'file-publishing', WORKLOAD, REGION), {
        action: 's3:PutObject',
        resource: `${bucket}/0a1b2c3d.zip`,
        context: upload,
      }),
    ).toBe('Allowed');
    // Nobody may create a role with a publishing role's name (the exemption is a pattern).
    expect(await asBoundedAdmin({ action: 'iam:CreateRole', resource: cdkRoleArn(config, 'file-publishing', WORKLOAD, 'ap-southeast-2') })).toBe(
      'ExplicitlyDenied',
    );
    // Reads: the bounded admin reads the version parameter and an asset (red13 R13-5: the boundary's deny
    // of every CDK bucket keeps s3:GetObject), but lists nothing there; the SCP leaves reads to everyone.
    expect(await asBoundedAdmin({ action: 's3:GetObject', resource: `${bucket}/0a1b2c3d.zip`, context: s3 })).toBe('Allowed');
    expect(await asBoundedAdmin({ action: 's3:ListBucket', resource: bucket, context: s3 })).toBe('ExplicitlyDenied');
    expect(
      await asPrincipal(cdkRoleArn(config, 'cfn-exec', WORKLOAD, REGION), { action: 's3:GetObject', resource: `${bucket}/0a1b2c3d.zip`, context: s3 }),
    ).toBe('Allowed');
    expect(await asBoundedAdmin({ action: 'ssm:GetParameter', resource: version })).toBe('Allowed');
  });

  test("a bounded admin of the security account cannot drain or hide the forwarder's dead-letter queue; the log admin can", async () => {
    const dlq = `arn:aws:sqs:${REGION}:${SECURITY}:${GUARDRAIL_NAMES.deadLetterQueue}`;
    for (const action of ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:PurgeQueue']) {
      expect([action, await asBoundedAdmin({ account: SECURITY, action, resource: dlq })]).toEqual([action, 'ExplicitlyDenied']);
    }
    expect(await asPrincipal(roleArn(SECURITY, config.principals.logAdminRoleName), { account: SECURITY, action: 'sqs:ReceiveMessage', resource: dlq })).toBe(
      'Allowed',
    );
    // The queue's own policy holds without the SCPs: only the forwarder sends, only the administrators drain it.
    const queuePolicy = securityLogging.resolve(only(securityLogging.template, 'AWS::SQS::QueuePolicy').Properties.PolicyDocument);
    for (const action of ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:PurgeQueue']) {
      expect([action, await asBoundedAdmin({ account: SECURITY, action, resource: dlq, resourcePolicy: queuePolicy })]).toEqual([action, 'ExplicitlyDenied']);
    }
    expect(
      await asPrincipal(roleArn(SECURITY, config.principals.logAdminRoleName), {
        account: SECURITY,
        action: 'sqs:ReceiveMessage',
        resource: dlq,
        resourcePolicy: queuePolicy,
      }),
    ).toBe('Allowed');
    // Every alarm of the stack (dead letters, late delivery, a throttled stream) is out of reach.
    const alarms = Object.values<any>(securityLogging.template.Resources)
      .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
      .map((r) => r.Properties.AlarmName);
    expect(alarms.sort()).toEqual(
      [
        GUARDRAIL_NAMES.deadLetterAlarm,
        GUARDRAIL_NAMES.deliveryDelayAlarm,
        GUARDRAIL_NAMES.streamThrottleAlarm,
        GUARDRAIL_NAMES.forwarderThrottleAlarm,
        GUARDRAIL_NAMES.evidenceDeliveryDelayAlarm,
        GUARDRAIL_NAMES.evidenceStreamThrottleAlarm,
      ].sort(),
    );
    for (const alarm of alarms) {
      for (const action of ['cloudwatch:DeleteAlarms', 'cloudwatch:DisableAlarmActions', 'cloudwatch:SetAlarmState']) {
        expect([
          alarm,
          action,
          await asBoundedAdmin({ account: SECURITY, action, resource: `arn:aws:cloudwatch:${REGION}:${SECURITY}:alarm:${alarm}` }),
        ]).toEqual([alarm, action, 'ExplicitlyDenied']);
      }
    }
  });

  test("a bounded admin cannot cancel or re-point a secret's rotation, re-key or re-policy it (the secret's own policy); the execution role can", async () => {
    const secretPolicies = Object.values<any>(workloadHome.template.Resources).filter((r) => r.Type === 'AWS::SecretsManager::ResourcePolicy');
    expect(secretPolicies.length).toBeGreaterThan(0);
    const secret = `arn:aws:secretsmanager:${REGION}:${WORKLOAD}:secret:prod/partner-api/api-key-AbCdEf`;
    const context = { 'aws:PrincipalAccount': WORKLOAD, 'aws:PrincipalIsAWSService': 'false' };
    for (const r of secretPolicies) {
      const policy = workloadHome.resolve(r.Properties.ResourcePolicy);
      for (const action of [
        'secretsmanager:CancelRotateSecret',
        'secretsmanager:RotateSecret',
        'secretsmanager:UpdateSecret',
        'secretsmanager:PutResourcePolicy',
      ]) {
        expect([action, await asBoundedAdmin({ action, resource: secret, resourcePolicy: policy, context })]).toEqual([action, 'ExplicitlyDenied']);
        expect([action, await asPrincipal(EXEC_ROLE, { action, resource: secret, resourcePolicy: policy, context })]).toEqual([action, 'Allowed']);
      }
      expect(await asBoundedAdmin({ action: 'secretsmanager:GetSecretValue', resource: secret, resourcePolicy: policy, context })).toBe('Allowed');
    }
  });

  test('a bounded admin cannot invoke the forwarder with a Kinesis event of its own (forged records in the central log groups) nor a rotation function; its own functions it can', async () => {
    const forwarder = `arn:aws:lambda:${REGION}:${SECURITY}:function:${GUARDRAIL_NAMES.forwarderFunction}`;
    const functionNames = Object.values<any>(securityLogging.template.Resources)
      .filter((r) => r.Type === 'AWS::Lambda::Function')
      .map((r) => r.Properties.FunctionName);
    expect(functionNames).toContain(GUARDRAIL_NAMES.forwarderFunction);
    for (const action of ['lambda:InvokeFunction', 'lambda:InvokeAsync']) {
      expect([action, await asBoundedAdmin({ account: SECURITY, action, resource: forwarder })]).toEqual([action, 'ExplicitlyDenied']);
    }
    const rotation = `arn:aws:lambda:${REGION}:${WORKLOAD}:function:${rotationFunctionName('key', 'partner-api')}`;
    expect(await asBoundedAdmin({ action: 'lambda:InvokeFunction', resource: rotation })).toBe('ExplicitlyDenied');
    expect(await asBoundedAdmin({ action: 'lambda:InvokeFunction', resource: `arn:aws:lambda:${REGION}:${WORKLOAD}:function:orders-api` })).toBe('Allowed');
  });

  test('a bounded admin cannot edit either boundary policy, nor take over the pipeline role; the execution role updates the boundaries', async () => {
    for (const [account, name] of [
      [WORKLOAD, 'GuardrailsDeploymentBoundary'],
      [WORKLOAD, 'GuardrailsPermissionsBoundary'],
      [SECURITY, 'GuardrailsDeploymentBoundary'],
    ]) {
      const policy = `arn:aws:iam::${account}:policy/${name}`;
      expect([name, await asBoundedAdmin({ account, action: 'iam:CreatePolicyVersion', resource: policy })]).toEqual([name, 'ExplicitlyDenied']);
    }
    const pipeline = config.principals.pipelineRoleArns[0];
    const pipelineAccount = pipeline.split(':')[4];
    for (const action of ['iam:UpdateAssumeRolePolicy', 'iam:AttachRolePolicy', 'iam:PutRolePolicy']) {
      expect([
        action,
        await asBoundedAdmin({
          account: pipelineAccount,
          action,
          resource: pipeline,
          context: { 'iam:PermissionsBoundary': `arn:aws:iam::${pipelineAccount}:policy/GuardrailsPermissionsBoundary` },
        }),
      ]).toEqual([action, 'ExplicitlyDenied']);
    }
    expect(await asPrincipal(EXEC_ROLE, { action: 'iam:CreatePolicyVersion', resource: `arn:aws:iam::${WORKLOAD}:policy/GuardrailsDeploymentBoundary` })).toBe(
      'Allowed',
    );
  });
});

describe("the guardrails' own service roles", () => {
  const roles = stacks.flatMap(([stack, template]) =>
    Object.entries<any>(template.Resources)
      .filter(([, r]) => r.Type === 'AWS::IAM::Role')
      .map(([id, r]) => ({ stack, id, role: r, account: stack.account })),
  );
  const tagOf = (r: any) => (r.Properties.Tags ?? []).find((t: any) => t.Key === 'guardrails:protected')?.Value;
  const arnOf = (x: { stack: Stack; id: string; role: any }) =>
    `arn:aws:iam::${x.stack.account}:role${x.role.Properties.Path ?? '/'}${x.role.Properties.RoleName ?? x.id}`;

  test('every role of both prod apps is tagged guardrails:protected, but the workload roles under /bounded/ and the named cross-account role', () => {
    const unprotected = roles.filter((x) => tagOf(x.role) !== 'true').map((x) => `${x.stack.stackName}/${x.id}${x.role.Properties.Path ?? ''}`);
    expect(unprotected.filter((u) => !/\/bounded\/$|GuardrailsSecurityAudit/.test(u))).toEqual([]);
    expect(unprotected.some((u) => u.includes('AppLogsWriter'))).toBe(true);
    for (const name of ['CaptureTrailLogsRole', 'ShippingSenderRole', 'CentralLogsForwarderRole', 'FlowLogIAMRole', 'RotationFunctionRole']) {
      expect([name, roles.filter((x) => x.id.includes(name)).every((x) => tagOf(x.role) === 'true')]).toEqual([name, true]);
    }
  });

  test('a bounded admin cannot pass, assume or edit them (the tag, read from the template, is the resource tag IAM sees); it can pass a workload role', async () => {
    const BOUNDARY = `arn:aws:iam::${WORKLOAD}:policy/GuardrailsPermissionsBoundary`;
    for (const x of roles.filter((r) => r.account === WORKLOAD && tagOf(r.role) === 'true' && r.stack.stackName === workloadHome.stack.stackName)) {
      for (const action of ['iam:PassRole', 'iam:UpdateAssumeRolePolicy', 'iam:PutRolePolicy']) {
        const context = {
          'aws:ResourceTag/guardrails:protected': tagOf(x.role),
          'iam:PermissionsBoundary': BOUNDARY,
          'iam:PassedToService': 'lambda.amazonaws.com',
        };
        expect([x.id, action, await asBoundedAdmin({ action, resource: arnOf(x), context })]).toEqual([x.id, action, 'ExplicitlyDenied']);
      }
    }
    const writer = roles.find((r) => r.account === WORKLOAD && r.id.includes('AppLogsWriter'))!;
    expect(writer.role.Properties.Path).toBe('/bounded/');
    expect(await asBoundedAdmin({ action: 'iam:PassRole', resource: arnOf(writer), context: { 'iam:PassedToService': 'lambda.amazonaws.com' } })).toBe(
      'Allowed',
    );
  });
});

describe('the guardrail network (SCP protect-tagged-guardrail-resources)', () => {
  const tagged = (r: any) => (r.Properties.Tags ?? []).find((t: any) => t.Key === 'guardrails:protected')?.Value;

  test('the flow log, endpoints, security groups, subnets, route tables and VPC of the private network carry the tag in every stack that has one', () => {
    const types = [
      'AWS::EC2::FlowLog',
      'AWS::EC2::VPCEndpoint',
      'AWS::EC2::SecurityGroup',
      'AWS::EC2::Subnet',
      'AWS::EC2::RouteTable',
      'AWS::EC2::VPC',
      'AWS::EC2::NetworkAcl',
    ];
    const found = stacks.flatMap(([stack, t]) =>
      Object.entries<any>(t.Resources)
        .filter(([, r]) => types.includes(r.Type))
        .map(([id, r]) => [`${stack.stackName}/${id}`, r.Type, tagged(r)]),
    );
    expect(found.length).toBeGreaterThan(10);
    // The S3 gateway endpoint included, and the ACL of the private subnets (the default ACL takes no tag).
    expect(found.filter(([, type]) => type === 'AWS::EC2::NetworkAcl').length).toBeGreaterThan(0);
    expect(found.filter(([, , tag]) => tag !== 'true')).toEqual([]);
    // Every private subnet is associated with a tagged ACL of ours, none stays on the default ACL.
    for (const [, t] of stacks) {
      const subnets = Object.entries<any>(t.Resources)
        .filter(([, r]) => r.Type === 'AWS::EC2::Subnet')
        .map(([id]) => id);
      const associated = Object.values<any>(t.Resources)
        .filter((r) => r.Type === 'AWS::EC2::SubnetNetworkAclAssociation')
        .map((r) => r.Properties.SubnetId.Ref);
      expect(associated.sort()).toEqual(subnets.sort());
    }
  });

  test("a bounded admin of the security account cannot delete the flow log of the forwarder's network nor an interface endpoint; the execution role can", async () => {
    const flowLog = Object.entries<any>(securityLogging.template.Resources).find(([, r]) => r.Type === 'AWS::EC2::FlowLog')!;
    const context = { 'aws:ResourceTag/guardrails:protected': tagged(flowLog[1]) };
    const resource = `arn:aws:ec2:${REGION}:${SECURITY}:vpc-flow-log/fl-0123456789abcdef0`;
    expect(await asBoundedAdmin({ account: SECURITY, action: 'ec2:DeleteFlowLogs', resource, context })).toBe('ExplicitlyDenied');
    expect(
      await asBoundedAdmin({
        account: SECURITY,
        action: 'ec2:DeleteVpcEndpoints',
        resource: `arn:aws:ec2:${REGION}:${SECURITY}:vpc-endpoint/vpce-0123456789abcdef0`,
        context,
      }),
    ).toBe('ExplicitlyDenied');
    expect(await asPrincipal(cdkRoleArn(config, 'cfn-exec', SECURITY, REGION), { account: SECURITY, action: 'ec2:DeleteFlowLogs', resource, context })).toBe(
      'Allowed',
    );
  });

  test.each([GUARDRAIL_NAMES.centralStream, GUARDRAIL_NAMES.evidenceStream])(
    'a bounded admin of the security account cannot hand the central stream %s to another function (UpdateEventSourceMapping with its own FunctionName) nor delete the mapping; its own mappings it can',
    async (streamName) => {
      const [streamId] = Object.entries<any>(securityLogging.template.Resources).find(
        ([, r]) => r.Type === 'AWS::Kinesis::Stream' && r.Properties.Name === streamName,
      )!;
      const mapping = only(securityLogging.template, 'AWS::Lambda::EventSourceMapping', (r) => r.Properties.EventSourceArn['Fn::GetAtt'][0] === streamId);
      const context = {
        'aws:ResourceTag/guardrails:protected': tagged(mapping),
        'lambda:FunctionArn': `arn:aws:lambda:${REGION}:${SECURITY}:function:attacker-reader`,
      };
      const resource = `arn:aws:lambda:${REGION}:${SECURITY}:event-source-mapping:2c5b5a3e-0000-4000-8000-000000000001`;
      expect(tagged(mapping)).toBe('true');
      expect(await asBoundedAdmin({ account: SECURITY, action: 'lambda:UpdateEventSourceMapping', resource, context })).toBe('ExplicitlyDenied');
      expect(await asBoundedAdmin({ account: SECURITY, action: 'lambda:DeleteEventSourceMapping', resource, context })).toBe('ExplicitlyDenied');
      expect(
        await asBoundedAdmin({
          account: SECURITY,
          action: 'lambda:UpdateEventSourceMapping',
          resource,
          context: { 'lambda:FunctionArn': context['lambda:FunctionArn'] },
        }),
      ).toBe('Allowed');
    },
  );
});

describe('other ways out of the boundary', () => {
  test('a bounded admin cannot take over a human: MFA, login profile, service credentials', async () => {
    for (const action of [
      'iam:DeactivateMFADevice',
      'iam:CreateLoginProfile',
      'iam:UpdateLoginProfile',
      'iam:ResetServiceSpecificCredential',
      'iam:CreateAccessKey',
    ]) {
      expect([action, await asBoundedAdmin({ action, resource: `arn:aws:iam::${WORKLOAD}:user/break-glass-user` })]).toEqual([action, 'ExplicitlyDenied']);
    }
  });

  test("a bounded admin cannot lift MFA for every human: detach or rewrite the operators' MFA policies, delete the group; the execution role maintains them", async () => {
    const group = `arn:aws:iam::${WORKLOAD}:group/${HUMAN_ACCESS_NAMES.operatorsGroup}`;
    const groupResource = only(workloadHome.template, 'AWS::IAM::Group');
    expect(groupResource.Properties.GroupName).toBe(HUMAN_ACCESS_NAMES.operatorsGroup);
    for (const name of [HUMAN_ACCESS_NAMES.consoleMfaPolicy, HUMAN_ACCESS_NAMES.sensitiveActionsMfaPolicy]) {
      const policy = `arn:aws:iam::${WORKLOAD}:policy/${name}`;
      expect(only(workloadHome.template, 'AWS::IAM::ManagedPolicy', (r) => r.Properties.ManagedPolicyName === name)).toBeDefined();
      expect([name, await asBoundedAdmin({ action: 'iam:DetachGroupPolicy', resource: group, context: { 'iam:PolicyARN': policy } })]).toEqual([
        name,
        'ExplicitlyDenied',
      ]);
      expect([name, await asBoundedAdmin({ action: 'iam:CreatePolicyVersion', resource: policy })]).toEqual([name, 'ExplicitlyDenied']);
    }
    expect(await asBoundedAdmin({ action: 'iam:DeleteGroup', resource: group })).toBe('ExplicitlyDenied');
    expect(await asPrincipal(EXEC_ROLE, { action: 'iam:DetachGroupPolicy', resource: group })).toBe('Allowed');
  });

  test('a bounded admin cannot make GuardrailsSecurityAudit trust another account', async () => {
    expect(
      await asBoundedAdmin({
        action: 'iam:UpdateAssumeRolePolicy',
        resource: roleArn(WORKLOAD, 'GuardrailsSecurityAudit'),
        context: { 'iam:PermissionsBoundary': `arn:aws:iam::${WORKLOAD}:policy/GuardrailsPermissionsBoundary` },
      }),
    ).toBe('ExplicitlyDenied');
  });

  test('prod boundedRolePath: a bounded admin cannot pass, assume or create a role outside /bounded/ (such as the hosted rotation role), nor change an identity provider; under the path it can', async () => {
    expect(config.principals.boundedRolePath).toBe('/bounded/');
    const BOUNDARY = `arn:aws:iam::${WORKLOAD}:policy/GuardrailsPermissionsBoundary`;
    const create = { 'iam:PermissionsBoundary': BOUNDARY, 'aws:RequestTag/guardrails:environment': 'prod', 'aws:TagKeys': ['guardrails:environment'] };
    // The role Secrets Manager's hosted rotation creates carries no boundary and lives under '/'.
    const unbounded = roleArn(WORKLOAD, 'prod-workload-payments-eu-w-SecretsManagerRDSPostgreSQLRotationSingleUserRole-ABC');
    const bounded = `arn:aws:iam::${WORKLOAD}:role/bounded/orders-api`;
    const pass = { action: 'iam:PassRole', context: { 'iam:PassedToService': 'lambda.amazonaws.com' } };
    expect(await asBoundedAdmin({ ...pass, resource: unbounded })).toBe('ExplicitlyDenied');
    expect(await asBoundedAdmin({ action: 'sts:AssumeRole', resource: unbounded, resourcePolicy: trustsAccount(WORKLOAD) })).toBe('ExplicitlyDenied');
    expect(await asBoundedAdmin({ action: 'iam:CreateRole', resource: roleArn(WORKLOAD, 'orders-api'), context: create })).toBe('ExplicitlyDenied');
    expect(await asBoundedAdmin({ action: 'iam:UpdateSAMLProvider', resource: `arn:aws:iam::${WORKLOAD}:saml-provider/corp-idp` })).toBe('ExplicitlyDenied');
    // control: the same requests on a role under the path
    expect(await asBoundedAdmin({ ...pass, resource: bounded })).toBe('Allowed');
    expect(await asBoundedAdmin({ action: 'sts:AssumeRole', resource: bounded, resourcePolicy: trustsAccount(WORKLOAD) })).toBe('Allowed');
    expect(await asBoundedAdmin({ action: 'iam:CreateRole', resource: bounded, context: create })).toBe('Allowed');
  });

  test('the database rotation role carries the boundary: prod rotates its PostgreSQL credentials with our function (no hosted rotation, no transform), whose role is bounded and protected', async () => {
    const db = config.workloadAccounts[0].databases.find((d) => d.region === REGION)!;
    expect(db.engine).toBe('postgres');
    expect(workloadHome.template.Transform).toBeUndefined();
    const role = only(
      workloadHome.template,
      'AWS::IAM::Role',
      (r) => r.Properties.RoleName === rotationLogWriterRoleName(rotationFunctionName('db', db.name), REGION),
    );
    const boundary = Object.entries<any>(workloadHome.template.Resources).find(
      ([, r]) => r.Type === 'AWS::IAM::ManagedPolicy' && r.Properties.ManagedPolicyName === 'GuardrailsPermissionsBoundary',
    )![0];
    expect(role.Properties.PermissionsBoundary).toEqual({ Ref: boundary });
    expect(role.Properties.Tags).toEqual(expect.arrayContaining([{ Key: 'guardrails:protected', Value: 'true' }]));
    // Nobody inside the boundary re-trusts, passes or assumes it (tagged protected, a writer role name).
    const arn = roleArn(WORKLOAD, role.Properties.RoleName);
    for (const action of ['sts:AssumeRole', 'iam:UpdateAssumeRolePolicy', 'iam:PassRole', 'iam:PutRolePolicy', 'iam:DeleteRolePermissionsBoundary']) {
      expect([
        action,
        await asBoundedAdmin({
          action,
          resource: arn,
          resourcePolicy: action === 'sts:AssumeRole' ? trustsAccount(WORKLOAD) : undefined,
          context: { 'aws:ResourceTag/guardrails:protected': 'true' },
        }),
      ]).toEqual([action, 'ExplicitlyDenied']);
    }
  });

  test('the AWS Config recorder role (outside the boundary, DetectiveControls exempts it) cannot be taken over: a bounded admin cannot pass, assume, re-trust or extend it; the execution role still manages it', async () => {
    const [, role] = Object.entries<any>(workloadHome.template.Resources).find(
      ([id, r]) => id.startsWith('DetectiveControlsRecorderRole') && r.Type === 'AWS::IAM::Role',
    )!;
    expect(role.Properties.PermissionsBoundary).toBeUndefined();
    expect(role.Properties.Tags).toEqual(expect.arrayContaining([{ Key: 'guardrails:protected', Value: 'true' }]));
    const arn = roleArn(WORKLOAD, 'prod-workload-payments-DetectiveControlsRecorderRole-ABC');
    const protectedRole = { 'aws:ResourceTag/guardrails:protected': 'true' };
    for (const action of [
      'iam:PassRole',
      'sts:AssumeRole',
      'iam:UpdateAssumeRolePolicy',
      'iam:PutRolePolicy',
      'iam:AttachRolePolicy',
      'iam:DeleteRole',
      'iam:UntagRole',
    ]) {
      expect([
        action,
        await asBoundedAdmin({
          action,
          resource: arn,
          resourcePolicy: action === 'sts:AssumeRole' ? trustsAccount(WORKLOAD) : undefined,
          context: protectedRole,
        }),
      ]).toEqual([action, 'ExplicitlyDenied']);
    }
    // Control: the stack's execution role (CloudFormation) still updates it.
    expect(await asPrincipal(EXEC_ROLE, { action: 'iam:PutRolePolicy', resource: arn, context: protectedRole })).toBe('Allowed');
  });

  test("the account settings function and its role (outside the boundary: they set S3 Block Public Access and EBS default encryption) cannot be used to undo the settings: a bounded admin cannot invoke or change the function, nor pass, assume or extend the role; CloudFormation's execution role still runs it", async () => {
    const fn = only(workloadHome.template, 'AWS::Lambda::Function', (r) => r.Properties.FunctionName === GUARDRAIL_NAMES.accountSettingsFunction);
    const [, role] = Object.entries<any>(workloadHome.template.Resources).find(([id]) => id === fn.Properties.Role['Fn::GetAtt'][0])!;
    expect(role.Properties.PermissionsBoundary).toBeUndefined();
    expect(role.Properties.Tags).toEqual(expect.arrayContaining([{ Key: 'guardrails:protected', Value: 'true' }]));
    const fnArn = `arn:aws:lambda:${REGION}:${WORKLOAD}:function:${GUARDRAIL_NAMES.accountSettingsFunction}`;
    // Invoking it with a crafted custom-resource event would make it call PutPublicAccessBlock (all off) as its role.
    for (const action of [
      'lambda:InvokeFunction',
      'lambda:InvokeAsync',
      'lambda:UpdateFunctionCode',
      'lambda:UpdateFunctionConfiguration',
      'lambda:AddPermission',
    ]) {
      expect([action, await asBoundedAdmin({ action, resource: fnArn })]).toEqual([action, 'ExplicitlyDenied']);
    }
    // Its name is fixed per region (the SCP exempts exactly this ARN).
    expect(role.Properties.RoleName).toBe(accountSettingsRoleName(REGION));
    const roleArnOf = roleArn(WORKLOAD, accountSettingsRoleName(REGION));
    const protectedRole = { 'aws:ResourceTag/guardrails:protected': 'true' };
    for (const action of ['iam:PassRole', 'sts:AssumeRole', 'iam:UpdateAssumeRolePolicy', 'iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:UntagRole']) {
      expect([
        action,
        await asBoundedAdmin({
          action,
          resource: roleArnOf,
          resourcePolicy: action === 'sts:AssumeRole' ? trustsAccount(WORKLOAD) : undefined,
          context: { ...protectedRole, ...(action === 'iam:PassRole' ? { 'iam:PassedToService': 'lambda.amazonaws.com' } : {}) },
        }),
      ]).toEqual([action, 'ExplicitlyDenied']);
    }
    // And the settings themselves: the boundary allows actions that name no resource only by name, never these.
    for (const action of [
      's3:PutAccountPublicAccessBlock',
      'ec2:DisableEbsEncryptionByDefault',
      'ec2:ModifyEbsDefaultKmsKeyId',
      'ec2:ResetEbsDefaultKmsKeyId',
    ]) {
      expect([action, await asBoundedAdmin({ action, resource: '*' })]).toEqual([action, expect.stringMatching(/^(Implicitly|Explicitly)Denied$/)]);
    }
    // Control: CloudFormation (the execution role) invokes it at create and update.
    expect(await asPrincipal(EXEC_ROLE, { action: 'lambda:InvokeFunction', resource: fnArn })).toBe('Allowed');
  });

  test('the account baseline holds for a principal outside any boundary too (SCP protect-account-baseline): it cannot undo the settings nor obtain the settings role; the settings role and the execution role still apply them', async () => {
    const unbounded = `arn:aws:iam::${WORKLOAD}:user/legacy-admin`;
    const settingsRole = roleArn(WORKLOAD, accountSettingsRoleName(REGION));
    for (const action of [
      's3:PutAccountPublicAccessBlock',
      'ec2:DisableEbsEncryptionByDefault',
      'ec2:ModifyEbsDefaultKmsKeyId',
      'ec2:ResetEbsDefaultKmsKeyId',
    ]) {
      expect([action, await asPrincipal(unbounded, { action, resource: '*' })]).toEqual([action, 'ExplicitlyDenied']);
    }
    // The exemption is an exact role, and nobody but the deployers may create, pass or assume it.
    for (const action of ['iam:CreateRole', 'iam:PassRole', 'sts:AssumeRole', 'iam:UpdateAssumeRolePolicy', 'iam:PutRolePolicy']) {
      expect([
        action,
        await asPrincipal(unbounded, { action, resource: settingsRole, resourcePolicy: action === 'sts:AssumeRole' ? trustsAccount(WORKLOAD) : undefined }),
      ]).toEqual([action, 'ExplicitlyDenied']);
    }
    // A role of another region's name is not the exempt one of this region... but it is protected too.
    expect(await asPrincipal(unbounded, { action: 'iam:CreateRole', resource: roleArn(WORKLOAD, accountSettingsRoleName('us-east-1')) })).toBe(
      'ExplicitlyDenied',
    );
    // Controls: the settings role applies the settings; the execution role creates and passes it.
    expect(await asPrincipal(settingsRole, { action: 's3:PutAccountPublicAccessBlock', resource: '*' })).toBe('Allowed');
    expect(await asPrincipal(settingsRole, { action: 'ec2:ModifyEbsDefaultKmsKeyId', resource: '*' })).toBe('Allowed');
    expect(await asPrincipal(EXEC_ROLE, { action: 'iam:PassRole', resource: settingsRole })).toBe('Allowed');
  });

  test('control: a bounded admin still runs its own workload (its log group, its function, its bucket objects)', async () => {
    expect(await asBoundedAdmin({ action: 'logs:DeleteLogGroup', resource: `arn:aws:logs:${REGION}:${WORKLOAD}:log-group:/app/orders` })).toBe('Allowed');
    expect(await asBoundedAdmin({ action: 'lambda:UpdateFunctionCode', resource: `arn:aws:lambda:${REGION}:${WORKLOAD}:function:orders-api` })).toBe('Allowed');
    expect(await asBoundedAdmin({ action: 'events:PutRule', resource: `arn:aws:events:${REGION}:${WORKLOAD}:rule/orders-nightly` })).toBe('Allowed');
  });

  test('a bounded admin cannot encrypt objects with a key of a foreign account (ransomware by foreign key); with a key of the environment it can', async () => {
    const put = (keyAccount: string) =>
      asBoundedAdmin({
        action: 's3:PutObject',
        resource: 'arn:aws:s3:::orders-data/x.json',
        context: {
          's3:ResourceAccount': WORKLOAD,
          's3:x-amz-server-side-encryption': 'aws:kms',
          's3:x-amz-server-side-encryption-aws-kms-key-id': `arn:aws:kms:${REGION}:${keyAccount}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
        },
      });
    expect(await put('999999999999')).toBe('ExplicitlyDenied');
    expect(await put(WORKLOAD)).toBe('Allowed');
    expect(await put(SECURITY)).toBe('Allowed');
  });
});

describe('each account acts only where its own guardrails run (red5 A16)', () => {
  // ledger runs its guardrails in eu-west-1 (and, limited, us-east-1 for IAM capture and the audit replica); payments also in eu-central-1.
  const ledger = config.workloadAccounts.find((a) => a.name === 'ledger')!;
  const payments = config.workloadAccounts.find((a) => a.name === 'payments')!;
  const ACTIONS: [string, (region: string, account: string) => string][] = [
    ['sqs:CreateQueue', (r, a) => `arn:aws:sqs:${r}:${a}:orders`],
    ['sns:CreateTopic', (r, a) => `arn:aws:sns:${r}:${a}:orders`],
    ['lambda:CreateFunction', (r, a) => `arn:aws:lambda:${r}:${a}:function:orders`],
  ];
  const inRegion = (account: string, region: string, [action, resource] = ACTIONS[0]) => ({
    action,
    resource: resource(region, account),
    account,
    // IAM puts the caller's account in every request context; the evaluator needs it given.
    context: { 'aws:RequestedRegion': region, 'aws:PrincipalAccount': account },
  });
  // Each account's own boundary (it names the account's resources).
  const boundaryOfAccount = (account: string) =>
    account === SECURITY
      ? SECURITY_BOUNDARY
      : boundaryOf(templateOf(`prod-workload-${config.workloadAccounts.find((a) => a.accountId === account)!.name}-${REGION}`));
  const asAdmin = (attempt: ReturnType<typeof inRegion>, scps: PolicyJson[] = SCPS) =>
    evaluate({
      identityPolicies: [ALLOW_EVERYTHING],
      permissionsBoundaries: [boundaryOfAccount(attempt.account)],
      serviceControlPolicies: scps,
      request: {
        principal: ADMIN(attempt.account),
        action: attempt.action,
        resource: attempt.resource,
        resourceAccount: attempt.account,
        context: { 'aws:PrincipalArn': ADMIN(attempt.account), 'aws:SecureTransport': 'true', ...attempt.context },
      },
    });
  const withoutAccountRegions: PolicyJson[] = SCPS.map((p) => ({
    ...p,
    Statement: ([] as any[]).concat(p.Statement).filter((s) => !String(s.Sid ?? '').startsWith('DenyOutsideAccountRegions')),
  }));

  test('ledger is not in eu-central-1, an environment region where only payments runs guardrails', () => {
    expect(ledger.regions).not.toContain('eu-central-1');
    expect(payments.regions).toContain('eu-central-1');
    expect(withoutAccountRegions.flatMap((p) => [].concat(p.Statement)).length).toBeLessThan(SCPS.flatMap((p) => [].concat(p.Statement)).length);
  });

  test.each(ACTIONS)(
    "a bounded admin of ledger cannot %s in eu-central-1 (payments' region); allowed without the account statements",
    async (action, resource) => {
      const attempt = inRegion(ledger.accountId, 'eu-central-1', [action, resource]);
      expect(await asAdmin(attempt)).toBe('ExplicitlyDenied');
      const unrestricted = await asAdmin(attempt, withoutAccountRegions);
      expect(unrestricted).toBe('Allowed');
    },
  );

  test.each(ACTIONS)(
    'control: %s by each bounded admin in its own regions; not in its limited ones (us-east-1 IAM capture, the audit replica region: red6 R6-2)',
    async (action, resource) => {
      for (const [account, region] of [
        [ledger.accountId, 'eu-west-1'],
        [payments.accountId, 'eu-central-1'],
      ]) {
        expect([account, region, await asAdmin(inRegion(account, region, [action, resource]))]).toEqual([account, region, 'Allowed']);
      }
      // Only the deployers and those stacks' roles act there (red6-findings.semantic.test.ts R6-2).
      for (const region of ['us-east-1', config.auditLogs.replicaRegion!]) {
        expect([region, await asAdmin(inRegion(ledger.accountId, region, [action, resource]))]).toEqual([region, 'ExplicitlyDenied']);
      }
    },
  );

  test.each(ACTIONS)(
    "the security account's bounded admin cannot %s in the audit replica region, where the security account runs no stack; allowed without the account statements",
    async (action, resource) => {
      const replica = config.auditLogs.replicaRegion!;
      expect(config.securityAccount.regions).not.toContain(replica);
      const attempt = inRegion(SECURITY, replica, [action, resource]);
      expect(await asAdmin(attempt)).toBe('ExplicitlyDenied');
      // Two statements hold it there: its own outside-regions statement and the replica region's (red7 R7-1).
      expect(await asAdmin(attempt, withoutAccountRegions)).toBe('ExplicitlyDenied');
      const withoutEither = withoutAccountRegions.map((p) => ({
        ...p,
        Statement: ([] as any[]).concat(p.Statement).filter((st) => !String(st.Sid ?? '').startsWith('DenyInLimitedRegion')),
      }));
      expect(await asAdmin(attempt, withoutEither)).toBe('Allowed');
      // control: in its own regions it may.
      for (const region of config.securityAccount.regions) {
        expect([region, await asAdmin(inRegion(SECURITY, region, [action, resource]))]).toEqual([region, 'Allowed']);
      }
    },
  );

  test('control: global services from any region, and the execution role of eu-central-1 in ledger', async () => {
    const sts = {
      action: 'sts:GetCallerIdentity',
      resource: '*',
      account: ledger.accountId,
      context: { 'aws:RequestedRegion': 'eu-central-1', 'aws:PrincipalAccount': ledger.accountId },
    };
    expect(await asBoundedAdmin(sts)).toBe('Allowed');
    const exec = cdkRoleArn(config, 'cfn-exec', ledger.accountId, 'eu-central-1');
    const attempt = inRegion(ledger.accountId, 'eu-central-1');
    expect(await asPrincipal(exec, { ...attempt, context: { ...attempt.context, 'aws:PrincipalArn': exec } })).toBe('Allowed');
  });
});

describe('GuardDuty Runtime Monitoring cannot be blinded by its exclusion tag where its agent is managed', () => {
  const withAgent = withGuardDutyEc2AgentManagement(config);
  const AGENT_SCPS = scpDocumentsOf(withAgent);
  const INSTANCE = `arn:aws:ec2:${REGION}:${WORKLOAD}:instance/i-0123456789abcdef0`;
  const tagInstance = (key: string, scps: PolicyJson[]) =>
    evaluate({
      identityPolicies: [ALLOW_EVERYTHING],
      permissionsBoundaries: [WORKLOAD_BOUNDARY],
      serviceControlPolicies: scps,
      request: {
        principal: ADMIN(WORKLOAD),
        action: 'ec2:CreateTags',
        resource: INSTANCE,
        resourceAccount: WORKLOAD,
        context: {
          'aws:PrincipalArn': ADMIN(WORKLOAD),
          'aws:PrincipalAccount': WORKLOAD,
          'aws:RequestedRegion': REGION,
          'aws:SecureTransport': 'true',
          'aws:TagKeys': [key],
          [`aws:RequestTag/${key}`]: 'false',
        },
      },
    });

  test('with ec2AgentManagement, a bounded admin cannot tag its instance GuardDutyManaged=false; the shipped prod config (no agent management) leaves it to the boundary, which allows it', async () => {
    expect(guardDutyAgentManagementOn(config)).toBe(false);
    expect(guardDutyAgentManagementOn(withAgent)).toBe(true);
    expect(await tagInstance('GuardDutyManaged', AGENT_SCPS)).toBe('ExplicitlyDenied');
    expect(await tagInstance('GuardDutyManaged', SCPS)).toBe('Allowed');
  });

  test('control: other tags on its instance stay allowed; the SCP documents still fit the prod targets', async () => {
    expect(await tagInstance('Name', AGENT_SCPS)).toBe('Allowed');
    const targets = withAgent.organizationPolicies.targets.map((t) => ({ name: t.name, slotsUsed: t.scpSlotsUsed }));
    expect(() => OrganizationPolicyCompiler.compileServiceControlPolicies(serviceControlPolicies(withAgent), { targets })).not.toThrow();
  });
});
