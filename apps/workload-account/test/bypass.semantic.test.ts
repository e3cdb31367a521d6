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
  cdkRoleArn, GUARDRAIL_NAMES, guardrailAdministratorArns, keyAdministratorArns, loadConfig, roleArn, rotationFunctionName,
} from '@cdk-guardrails/config';
import { evaluate, PolicyJson } from '@cdk-guardrails/policy-test-kit';
import { Stack } from 'aws-cdk-lib';
import { serviceControlPolicies } from '../src/identities';
import { KEY_ID, prodStacks, resolver } from './support/prod-templates';

jest.setTimeout(300_000);

const config = loadConfig('prod', { configDir: join(__dirname, '..', '..', '..', 'config') });
const WORKLOAD = config.workloadAccounts[0].accountId;
const SECURITY = config.securityAccount.accountId;
const REGION = 'eu-west-1';
/** The attacker's identity policy, and FullAWSAccess: only the guardrails may refuse. Test-only. */
const ALLOW_EVERYTHING: PolicyJson = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
const SCPS: PolicyJson[] = [ALLOW_EVERYTHING, ...serviceControlPolicies(config).map((p) => JSON.parse(p.toJson()))];

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
const boundaryOf = (t: typeof workloadHome) => t.resolve(only(t.template, 'AWS::IAM::ManagedPolicy',
  (r) => r.Properties.ManagedPolicyName === 'GuardrailsPermissionsBoundary').Properties.PolicyDocument);
const WORKLOAD_BOUNDARY = boundaryOf(workloadHome);
const SECURITY_BOUNDARY = boundaryOf(securityKeys);
const keyPolicy = (t: typeof workloadHome, alias: string) => {
  const aliasResource = only(t.template, 'AWS::KMS::Alias', (r) => r.Properties.AliasName === alias);
  const keyId = aliasResource.Properties.TargetKeyId['Fn::GetAtt'][0];
  return t.resolve(t.template.Resources[keyId].Properties.KeyPolicy);
};
const bucketPolicy = (t: typeof workloadHome, bucketIdPrefix: string) => t.resolve(only(t.template, 'AWS::S3::BucketPolicy',
  (r) => r.Properties.Bucket.Ref.startsWith(bucketIdPrefix)).Properties.PolicyDocument);

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
      principal: ADMIN(account), action: a.action, resource: a.resource, resourceAccount: account,
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
      principal, action: a.action, resource: a.resource, resourceAccount: account,
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
    expect(await asBoundedAdmin({
      action: 'sts:TagSession', resource: role, resourcePolicy: trustsAccount(WORKLOAD),
      context: { 'aws:TagKeys': ['Guardrails:Protected'], 'aws:RequestTag/Guardrails:Protected': 'true' },
    })).toBe('ExplicitlyDenied');
    expect(await asBoundedAdmin({
      action: 'cloudtrail:StopLogging', resource: `arn:aws:cloudtrail:${REGION}:${WORKLOAD}:trail/any`,
      context: { 'aws:PrincipalTag/guardrails:protected': 'true' },
    })).toBe('ExplicitlyDenied');
  });

  test('a bounded admin cannot create a role whose name the SCPs exempt (an execution role of a region not bootstrapped yet, break-glass)', async () => {
    for (const name of [`cdk-hnb659fds-cfn-exec-role-${WORKLOAD}-ap-southeast-2`, config.principals.breakGlassRoleName]) {
      expect(await asBoundedAdmin({
        action: 'iam:CreateRole', resource: roleArn(WORKLOAD, name),
        context: { 'iam:PermissionsBoundary': `arn:aws:iam::${WORKLOAD}:policy/GuardrailsPermissionsBoundary`, 'aws:RequestTag/guardrails:environment': 'prod', 'aws:TagKeys': ['guardrails:environment'] },
      })).toBe('ExplicitlyDenied');
    }
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

  test('a bounded admin cannot grant itself the security account\'s logs key (CreateGrant only for AWS resources)', async () => {
    const policy = keyPolicy(securityKeys, 'alias/guardrails-prod/logs');
    const key = `arn:aws:kms:${REGION}:${SECURITY}:key/${KEY_ID}`;
    expect(await asBoundedAdmin({ account: SECURITY, action: 'kms:CreateGrant', resource: key, resourcePolicy: policy })).not.toBe('Allowed');
    expect(await asBoundedAdmin({ account: SECURITY, action: 'kms:DisableKey', resource: key, resourcePolicy: policy })).not.toBe('Allowed');
  });

  test.each([
    ['logs:DeleteLogGroup', `arn:aws:logs:${REGION}:${WORKLOAD}:log-group:/guardrails/audit/cloudtrail`],
    ['logs:PutRetentionPolicy', `arn:aws:logs:${REGION}:${WORKLOAD}:log-group:/guardrails/audit/cloudtrail`],
    ['logs:DisassociateKmsKey', `arn:aws:logs:${REGION}:${WORKLOAD}:log-group:/guardrails/security/events`],
    ['logs:DeleteLogGroup', `arn:aws:logs:${REGION}:${WORKLOAD}:log-group:/aws/lambda/${rotationFunctionName('db', 'ledger-db')}`],
    ['events:DisableRule', `arn:aws:events:${REGION}:${WORKLOAD}:rule/${GUARDRAIL_NAMES.s3ChangesRule}`],
    ['events:RemoveTargets', `arn:aws:events:us-east-1:${WORKLOAD}:rule/${GUARDRAIL_NAMES.iamChangesRule}`],
    ['lambda:UpdateFunctionCode', `arn:aws:lambda:${REGION}:${WORKLOAD}:function:${rotationFunctionName('key', 'partner-api')}`],
    ['lambda:AddPermission', `arn:aws:lambda:${REGION}:${WORKLOAD}:function:${rotationFunctionName('token', 'batch-jobs')}`],
  ])('a bounded admin cannot %s on %s; the log admin can', async (action, resource) => {
    expect(await asBoundedAdmin({ action, resource })).toBe('ExplicitlyDenied');
    expect(await asPrincipal(LOG_ADMIN, { action, resource })).toBe('Allowed');
    expect(guardrailAdministratorArns(config, WORKLOAD)).toContain(LOG_ADMIN);
  });

  test.each(['s3:PutBucketPolicy', 's3:DeleteBucketPolicy', 's3:PutBucketVersioning', 's3:PutLifecycleConfiguration',
    's3:PutReplicationConfiguration', 's3:PutBucketObjectLockConfiguration', 's3:PutBucketLogging'])(
    'a bounded admin cannot %s on the trail bucket; the execution role can', async (action) => {
      const policy = bucketPolicy(workloadHome, 'SecurityLoggingTrailBucket');
      const resource = `arn:aws:s3:::${Object.keys(workloadHome.template.Resources).find((id) => id.startsWith('SecurityLoggingTrailBucket') && workloadHome.template.Resources[id].Type === 'AWS::S3::Bucket')!.toLowerCase()}`;
      expect(await asBoundedAdmin({ action, resource, resourcePolicy: policy })).toBe('ExplicitlyDenied');
      expect(await asPrincipal(EXEC_ROLE, { action, resource, resourcePolicy: policy })).toBe('Allowed');
    });

  test('a bounded admin of the security account cannot forge records into the central stream, nor delete it; the destination role writes', async () => {
    const stream = `arn:aws:kinesis:${REGION}:${SECURITY}:stream/${GUARDRAIL_NAMES.centralStream}`;
    const policy = securityLogging.resolve(only(securityLogging.template, 'AWS::Kinesis::ResourcePolicy').Properties.ResourcePolicy);
    expect(await asBoundedAdmin({ account: SECURITY, action: 'kinesis:PutRecord', resource: stream, resourcePolicy: policy })).toBe('ExplicitlyDenied');
    expect(await asBoundedAdmin({ account: SECURITY, action: 'kinesis:DeleteStream', resource: stream, resourcePolicy: policy })).toBe('ExplicitlyDenied');
    const [destinationRoleId] = Object.entries<any>(securityLogging.template.Resources)
      .find(([, r]) => r.Type === 'AWS::IAM::Role' && JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('"Service":"logs.amazonaws.com"'))!;
    const destinationRole = securityLogging.resolve({ 'Fn::GetAtt': [destinationRoleId, 'Arn'] });
    expect(await asPrincipal(destinationRole, { account: SECURITY, action: 'kinesis:PutRecord', resource: stream, resourcePolicy: policy })).toBe('Allowed');
    expect(await asBoundedAdmin({
      account: SECURITY, action: 'logs:DeleteLogGroup', resource: `arn:aws:logs:${REGION}:${SECURITY}:log-group:/guardrails/central/audit`,
    })).toBe('ExplicitlyDenied');
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

describe('other ways out of the boundary', () => {
  test('a bounded admin cannot take over a human: MFA, login profile, service credentials', async () => {
    for (const action of ['iam:DeactivateMFADevice', 'iam:CreateLoginProfile', 'iam:UpdateLoginProfile', 'iam:ResetServiceSpecificCredential', 'iam:CreateAccessKey']) {
      expect([action, await asBoundedAdmin({ action, resource: `arn:aws:iam::${WORKLOAD}:user/break-glass-user` })]).toEqual([action, 'ExplicitlyDenied']);
    }
  });

  test('a bounded admin cannot make GuardrailsSecurityAudit trust another account', async () => {
    expect(await asBoundedAdmin({
      action: 'iam:UpdateAssumeRolePolicy', resource: roleArn(WORKLOAD, 'GuardrailsSecurityAudit'),
      context: { 'iam:PermissionsBoundary': `arn:aws:iam::${WORKLOAD}:policy/GuardrailsPermissionsBoundary` },
    })).toBe('ExplicitlyDenied');
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

  test('control: a bounded admin still runs its own workload (its log group, its function, its bucket objects)', async () => {
    expect(await asBoundedAdmin({ action: 'logs:DeleteLogGroup', resource: `arn:aws:logs:${REGION}:${WORKLOAD}:log-group:/app/orders` })).toBe('Allowed');
    expect(await asBoundedAdmin({ action: 'lambda:UpdateFunctionCode', resource: `arn:aws:lambda:${REGION}:${WORKLOAD}:function:orders-api` })).toBe('Allowed');
    expect(await asBoundedAdmin({ action: 'events:PutRule', resource: `arn:aws:events:${REGION}:${WORKLOAD}:rule/orders-nightly` })).toBe('Allowed');
  });
});
