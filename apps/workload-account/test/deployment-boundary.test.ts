import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@cdk-guardrails/config';
import { ALLOW_EVERYTHING, evaluate, PolicyJson, resolveIntrinsics } from '@cdk-guardrails/policy-test-kit';
import { DEPLOYMENT_BOUNDARY_NAME, deploymentBoundaryDocument, writeDeploymentBoundary } from '../src/deployment-boundary';

jest.setTimeout(60_000);

const CONFIG_DIR = join(__dirname, '..', '..', '..', 'config');
const ACCOUNT = '666666666666';
const EXEC_ROLE = `arn:aws:iam::${ACCOUNT}:role/cdk-grdprod-cfn-exec-role-${ACCOUNT}-eu-west-1`;
/** AdministratorAccess, the bootstrap's execution policy. Test-only: the boundary is what must refuse. */
const ADMINISTRATOR_ACCESS: PolicyJson = ALLOW_EVERYTHING;

function boundaryOf(env: string): PolicyJson {
  return resolveIntrinsics(deploymentBoundaryDocument(loadConfig(env, { configDir: CONFIG_DIR })), { account: ACCOUNT, region: 'eu-west-1' });
}

/** A key policy that makes the execution role a key administrator, as the apps' keys do (KMS needs the key policy to allow too). */
const KEY_POLICY: PolicyJson = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Action: 'kms:*',
      Resource: '*',
      Condition: { ArnEquals: { 'aws:PrincipalArn': [EXEC_ROLE] } },
    },
  ],
};

function asExecutionRole(boundary: PolicyJson, action: string, resource: string) {
  return evaluate({
    identityPolicies: [ADMINISTRATOR_ACCESS],
    permissionsBoundaries: [boundary],
    resourcePolicy: action.startsWith('kms:') && resource !== '*' ? KEY_POLICY : undefined,
    request: { principal: EXEC_ROLE, action, resource, resourceAccount: ACCOUNT, context: { 'aws:PrincipalArn': EXEC_ROLE } },
  });
}

describe('the deployment boundary of the CDK execution role', () => {
  const prod = boundaryOf('prod');
  const dev = boundaryOf('dev');

  test('control: the execution role still deploys the guardrails (roles with the boundary, keys, log groups, buckets)', async () => {
    expect(await asExecutionRole(prod, 'iam:CreateRole', `arn:aws:iam::${ACCOUNT}:role/prod-workload-x`)).toBe('Allowed');
    expect(await asExecutionRole(prod, 'kms:CreateKey', '*')).toBe('Allowed');
    expect(await asExecutionRole(prod, 'kms:PutKeyPolicy', `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`)).toBe('Allowed');
    expect(await asExecutionRole(prod, 'logs:CreateLogGroup', `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/guardrails/audit/cloudtrail`)).toBe('Allowed');
    expect(await asExecutionRole(prod, 's3:PutBucketPolicy', 'arn:aws:s3:::prod-trail-bucket')).toBe('Allowed');
  });

  test('a template submitted through the pipeline cannot make the execution role remove its own boundary or edit it', async () => {
    expect(await asExecutionRole(prod, 'iam:DeleteRolePermissionsBoundary', EXEC_ROLE)).toBe('ExplicitlyDenied');
    expect(await asExecutionRole(prod, 'iam:PutRolePermissionsBoundary', EXEC_ROLE)).toBe('ExplicitlyDenied');
    expect(await asExecutionRole(prod, 'iam:CreatePolicyVersion', `arn:aws:iam::${ACCOUNT}:policy/${DEPLOYMENT_BOUNDARY_NAME}`)).toBe('ExplicitlyDenied');
  });

  test('the execution role cannot create users or long-term credentials, hop into another role or leave the organization', async () => {
    expect(await asExecutionRole(prod, 'iam:CreateUser', `arn:aws:iam::${ACCOUNT}:user/backdoor`)).toBe('ExplicitlyDenied');
    expect(await asExecutionRole(prod, 'iam:CreateAccessKey', `arn:aws:iam::${ACCOUNT}:user/someone`)).toBe('ExplicitlyDenied');
    expect(await asExecutionRole(prod, 'sts:AssumeRole', `arn:aws:iam::${ACCOUNT}:role/GuardrailsBreakGlass`)).toBe('ExplicitlyDenied');
    expect(await asExecutionRole(prod, 'organizations:LeaveOrganization', '*')).toBe('ExplicitlyDenied');
  });

  test('in prod (retain) a deployment cannot destroy keys, buckets or guardrail log groups; in dev (destroy) it can', async () => {
    const key = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const group = `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/guardrails/audit/cloudtrail`;
    expect(await asExecutionRole(prod, 'kms:ScheduleKeyDeletion', key)).toBe('ExplicitlyDenied');
    expect(await asExecutionRole(prod, 's3:DeleteBucket', 'arn:aws:s3:::prod-trail-bucket')).toBe('ExplicitlyDenied');
    expect(await asExecutionRole(prod, 'logs:DeleteLogGroup', group)).toBe('ExplicitlyDenied');
    expect(await asExecutionRole(dev, 'kms:ScheduleKeyDeletion', key)).toBe('Allowed');
    expect(await asExecutionRole(dev, 'logs:DeleteLogGroup', group)).toBe('Allowed');
  });

  test('in another partition (aws-us-gov) the denies still match: the ARNs take the partition of the account', async () => {
    const gov = resolveIntrinsics(deploymentBoundaryDocument(loadConfig('prod', { configDir: CONFIG_DIR })), {
      account: ACCOUNT,
      region: 'us-gov-west-1',
      partition: 'aws-us-gov',
    });
    const govExecRole = `arn:aws-us-gov:iam::${ACCOUNT}:role/cdk-grdprod-cfn-exec-role-${ACCOUNT}-us-gov-west-1`;
    const asGovExecutionRole = (action: string, resource: string) =>
      evaluate({
        identityPolicies: [ADMINISTRATOR_ACCESS],
        permissionsBoundaries: [gov],
        request: { principal: govExecRole, action, resource, resourceAccount: ACCOUNT, context: { 'aws:PrincipalArn': govExecRole } },
      });
    expect(await asGovExecutionRole('iam:DeleteRolePermissionsBoundary', govExecRole)).toBe('ExplicitlyDenied');
    expect(await asGovExecutionRole('iam:CreatePolicyVersion', `arn:aws-us-gov:iam::${ACCOUNT}:policy/${DEPLOYMENT_BOUNDARY_NAME}`)).toBe('ExplicitlyDenied');
    expect(await asGovExecutionRole('logs:DeleteLogGroup', `arn:aws-us-gov:logs:us-gov-west-1:${ACCOUNT}:log-group:/guardrails/audit/cloudtrail`)).toBe(
      'ExplicitlyDenied',
    );
    // Control: what the deployment needs in that partition is still allowed.
    expect(await asGovExecutionRole('iam:CreateRole', `arn:aws-us-gov:iam::${ACCOUNT}:role/prod-workload-x`)).toBe('Allowed');
  });

  test('synth writes the template with the fixed policy name the bootstrap names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deployment-boundary-'));
    const file = writeDeploymentBoundary(loadConfig('prod', { configDir: CONFIG_DIR }), dir);
    const template = JSON.parse(readFileSync(file, 'utf8'));
    expect(template.Resources.DeploymentBoundary).toMatchObject({
      Type: 'AWS::IAM::ManagedPolicy',
      DeletionPolicy: 'Retain',
      Properties: { ManagedPolicyName: 'GuardrailsDeploymentBoundary' },
    });
    expect(JSON.stringify(template.Resources.DeploymentBoundary.Properties.PolicyDocument).length).toBeLessThan(6144);
    // validate-policies checks this file too: the allow-all of a subtract-only boundary is acknowledged with a reason.
    expect(template.Resources.DeploymentBoundary.Metadata.guardrails_policy_validator.suppressions).toEqual([
      { rule: 'ALLOW_STAR_ACTION', reason: expect.stringMatching(/boundary grants nothing/), owner: 'guardrails-maintainers', expires: '2027-06-01' },
      { rule: 'FORBIDDEN_ACCESS', reason: expect.stringMatching(/boundary grants nothing/), owner: 'guardrails-maintainers', expires: '2027-06-01' },
    ]);
  });
});
