/**
 * The RCPs and the SSE-C / IMDSv2 / account-baseline SCP statements, compiled as they ship (OrganizationPolicyCompiler),
 * evaluated with an administrator's identity policy, the permissions boundary, the SCPs and the
 * resource policy: in-organization, out-of-organization, anonymous and AWS-service requests.
 */
import { evaluate, PolicyJson } from '@cdk-guardrails/policy-test-kit';
import { OrganizationPolicyCompiler, PermissionsBoundary, ResourceControlPolicy, ServiceControlPolicy } from '../../lib';
import { ACCOUNT, ADMIN_POLICY, FULL_AWS_ACCESS, managedPolicyDocument, newStack, OTHER_ACCOUNT, REGION, withoutStatement } from './helpers';

jest.setTimeout(120_000);

const ORG = 'o-a1b2c3d4e5';
const FOREIGN_ORG = 'o-zzzzzzzzzz';
const TRUSTED = '999988887777';
const OUTSIDER = '444455556666';
const BUCKET = 'arn:aws:s3:::guardrails-data';
const OBJECT = `${BUCKET}/report.csv`;
const KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const ADMIN = `arn:aws:iam::${ACCOUNT}:role/admin-inside-boundary`;
const EXEC_ROLE = `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}`;
/** The role of the function that applies the account settings (outside the boundary, exempt by exact ARN). */
const SETTINGS_ROLE = `arn:aws:iam::${ACCOUNT}:role/guardrails-account-settings`;
/** A principal outside any permissions boundary (an IAM user from before the guardrails, say): only the SCP holds it. */
const UNBOUNDED = `arn:aws:iam::${ACCOUNT}:user/legacy-admin`;

const [RCP] = OrganizationPolicyCompiler.compileResourceControlPolicies([
  ResourceControlPolicy.identityPerimeter({ organizationId: ORG, trustedAccountIds: [TRUSTED] }),
  ResourceControlPolicy.confusedDeputyProtection({ organizationId: ORG }),
  ResourceControlPolicy.requireSecureTransport(),
]).map((d) => JSON.parse(d.toJson()) as PolicyJson);
const SCPS = OrganizationPolicyCompiler.compileServiceControlPolicies([
  ServiceControlPolicy.denyUnencryptedS3Writes({ requireEncryptionHeader: false }),
  ServiceControlPolicy.requireImdsV2({ exemptPrincipalArns: [EXEC_ROLE] }),
  ServiceControlPolicy.protectAccountBaseline({ exemptPrincipalArns: [EXEC_ROLE], settingsRoleArns: [SETTINGS_ROLE] }),
]).map((d) => JSON.parse(d.toJson()) as PolicyJson);
const BOUNDARY = (() => {
  const stack = newStack();
  new PermissionsBoundary(stack, 'Boundary', { guardrailAdministratorArns: [EXEC_ROLE] });
  return managedPolicyDocument(stack);
})();

/** A bucket policy that grants everyone reading (what a careless resource policy can say). */
const OPEN_BUCKET: PolicyJson = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${BUCKET}/*` }],
};
const SERVICE_BUCKET: PolicyJson = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject', Resource: `${BUCKET}/*` }],
};

interface Caller {
  readonly principal: string;
  readonly context: Record<string, string>;
}
const inOrg = (account: string): Caller => ({
  principal: `arn:aws:iam::${account}:role/reader`,
  context: { 'aws:PrincipalOrgID': ORG, 'aws:PrincipalAccount': account, 'aws:PrincipalIsAWSService': 'false' },
});
const outside = (account: string, org?: string): Caller => ({
  principal: `arn:aws:iam::${account}:role/reader`,
  context: { ...(org ? { 'aws:PrincipalOrgID': org } : {}), 'aws:PrincipalAccount': account, 'aws:PrincipalIsAWSService': 'false' },
});
const cloudtrail = (sourceOrg: string, sourceAccount: string): Caller => ({
  principal: 'cloudtrail.amazonaws.com',
  context: {
    'aws:PrincipalIsAWSService': 'true',
    'aws:PrincipalServiceName': 'cloudtrail.amazonaws.com',
    'aws:SourceOrgID': sourceOrg,
    'aws:SourceAccount': sourceAccount,
  },
});

/** A request on a resource of ACCOUNT, from `caller`, under the RCP (or `rcp`) and its resource policy. */
function onResource(caller: Caller, action: string, resource: string, resourcePolicy: PolicyJson, extra: Record<string, string> = {}, rcp: PolicyJson = RCP) {
  return evaluate({
    identityPolicies: caller.principal.endsWith('.amazonaws.com') ? [] : [ADMIN_POLICY],
    resourceControlPolicies: [rcp],
    resourcePolicy,
    request: {
      action,
      principal: caller.principal,
      resource,
      resourceAccount: ACCOUNT,
      context: { 'aws:SecureTransport': 'true', ...caller.context, ...extra },
    },
  });
}

describe('identity perimeter RCP', () => {
  test('a principal outside the organization is denied even when the bucket policy grants everyone', async () => {
    await expect(onResource(outside(OUTSIDER, FOREIGN_ORG), 's3:GetObject', OBJECT, OPEN_BUCKET)).resolves.toBe('ExplicitlyDenied');
    // Control: without the statement the bucket policy would have let it in.
    await expect(
      onResource(outside(OUTSIDER, FOREIGN_ORG), 's3:GetObject', OBJECT, OPEN_BUCKET, {}, withoutStatement(RCP, 'EnforceOrgIdentities')),
    ).resolves.toBe('Allowed');
  });

  test('an anonymous request is denied (it carries no organization)', async () => {
    await expect(
      evaluate({
        resourceControlPolicies: [RCP],
        resourcePolicy: OPEN_BUCKET,
        request: { action: 's3:GetObject', principal: 'anonymous', resource: OBJECT, resourceAccount: ACCOUNT, context: { 'aws:SecureTransport': 'true' } },
      }),
    ).resolves.toBe('ExplicitlyDenied');
  });

  test('a principal of another account of the organization, and one of a trusted account, are allowed', async () => {
    await expect(onResource(inOrg(OTHER_ACCOUNT), 's3:GetObject', OBJECT, OPEN_BUCKET)).resolves.toBe('Allowed');
    await expect(onResource(outside(TRUSTED, FOREIGN_ORG), 's3:GetObject', OBJECT, OPEN_BUCKET)).resolves.toBe('Allowed');
  });

  test('a KMS key shared with an outsider by its key policy is still closed to it', async () => {
    const keyPolicy: PolicyJson = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OUTSIDER}:root` }, Action: 'kms:Decrypt', Resource: '*' }],
    };
    await expect(onResource(outside(OUTSIDER, FOREIGN_ORG), 'kms:Decrypt', KEY, keyPolicy)).resolves.toBe('ExplicitlyDenied');
  });
});

describe('confused-deputy protection RCP', () => {
  test('CloudTrail acting for an account of the organization may write the bucket (catalogue entry)', async () => {
    await expect(onResource(cloudtrail(ORG, ACCOUNT), 's3:PutObject', OBJECT, SERVICE_BUCKET)).resolves.toBe('Allowed');
  });

  test('CloudTrail acting for an account outside the organization is denied', async () => {
    await expect(onResource(cloudtrail(FOREIGN_ORG, OUTSIDER), 's3:PutObject', OBJECT, SERVICE_BUCKET)).resolves.toBe('ExplicitlyDenied');
    await expect(
      onResource(cloudtrail(FOREIGN_ORG, OUTSIDER), 's3:PutObject', OBJECT, SERVICE_BUCKET, {}, withoutStatement(RCP, 'EnforceConfusedDeputyProtection')),
    ).resolves.toBe('Allowed');
  });
});

describe('TLS RCP', () => {
  test('a request of the organization over plain HTTP is denied; over TLS allowed', async () => {
    await expect(onResource(inOrg(OTHER_ACCOUNT), 's3:GetObject', OBJECT, OPEN_BUCKET, { 'aws:SecureTransport': 'false' })).resolves.toBe('ExplicitlyDenied');
    await expect(
      onResource(
        inOrg(OTHER_ACCOUNT),
        's3:GetObject',
        OBJECT,
        OPEN_BUCKET,
        { 'aws:SecureTransport': 'false' },
        withoutStatement(RCP, 'EnforceSecureTransport'),
      ),
    ).resolves.toBe('Allowed');
  });
});

/** The administrator inside the boundary, under FullAWSAccess and the compiled SCPs. */
function asAdmin(action: string, resource: string, context: Record<string, string>, principal = ADMIN, scps = SCPS) {
  return evaluate({
    identityPolicies: [ADMIN_POLICY],
    permissionsBoundaries: principal === ADMIN ? [BOUNDARY] : undefined,
    serviceControlPolicies: [FULL_AWS_ACCESS, ...scps],
    request: {
      action,
      principal,
      resource,
      resourceAccount: ACCOUNT,
      context: { 'aws:PrincipalARN': principal, 'aws:ResourceAccount': ACCOUNT, 's3:ResourceAccount': ACCOUNT, 'aws:SecureTransport': 'true', ...context },
    },
  });
}

/** The compiled SCPs without the statement `sid` (in whichever document it was packed). */
function withoutScpStatement(sid: string): PolicyJson[] {
  return SCPS.map((d) => (([] as any[]).concat(d.Statement).some((s) => s.Sid === sid) ? withoutStatement(d, sid) : d));
}

describe('SCP statements: SSE-C and IMDSv2', () => {
  const INSTANCE = `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/i-0123456789abcdef0`;

  test('an object write with a customer-provided key (SSE-C) is denied; with SSE-KMS allowed', async () => {
    await expect(asAdmin('s3:PutObject', OBJECT, { 's3:x-amz-server-side-encryption-customer-algorithm': 'AES256' })).resolves.toBe('ExplicitlyDenied');
    await expect(asAdmin('s3:PutObject', OBJECT, { 's3:x-amz-server-side-encryption': 'aws:kms' })).resolves.toBe('Allowed');
    const withoutSseC = withoutScpStatement('DenyS3PutWithSseC');
    await expect(asAdmin('s3:PutObject', OBJECT, { 's3:x-amz-server-side-encryption-customer-algorithm': 'AES256' }, ADMIN, withoutSseC)).resolves.toBe(
      'Allowed',
    );
  });

  test('launching an instance without IMDSv2 is denied; with it allowed', async () => {
    await expect(asAdmin('ec2:RunInstances', INSTANCE, { 'ec2:MetadataHttpTokens': 'optional' })).resolves.toBe('ExplicitlyDenied');
    await expect(asAdmin('ec2:RunInstances', INSTANCE, { 'ec2:MetadataHttpTokens': 'required' })).resolves.toBe('Allowed');
  });

  test('the administrator cannot turn IMDSv1 back on; the exempt execution role can', async () => {
    await expect(asAdmin('ec2:ModifyInstanceMetadataOptions', INSTANCE, {})).resolves.toBe('ExplicitlyDenied');
    await expect(asAdmin('ec2:ModifyInstanceMetadataOptions', INSTANCE, {}, EXEC_ROLE)).resolves.toBe('Allowed');
    const without = withoutScpStatement('DenyInstanceMetadataOptionChanges');
    await expect(asAdmin('ec2:ModifyInstanceMetadataOptions', INSTANCE, {}, ADMIN, without)).resolves.toBe('Allowed');
  });
});

describe('SCP statement: the account baseline', () => {
  const ACCOUNT_SETTING = '*';
  const UNDO: [string, string][] = [
    ['s3:PutAccountPublicAccessBlock', 'switch S3 Block Public Access off (or delete it)'],
    ['ec2:ModifyEbsDefaultKmsKeyId', 'move the default EBS key to a key of its own'],
    ['ec2:ResetEbsDefaultKmsKeyId', 'reset the default EBS key to the AWS managed key'],
    ['ec2:DisableEbsEncryptionByDefault', 'turn EBS encryption by default off'],
  ];

  test.each(UNDO)('a principal outside any boundary with an admin policy cannot %s (%s): the SCP alone denies it', async (action) => {
    await expect(asAdmin(action, ACCOUNT_SETTING, {}, UNBOUNDED)).resolves.toBe('ExplicitlyDenied');
  });

  test('the bounded administrator is denied by the SCP and the boundary', async () => {
    await expect(asAdmin('s3:PutAccountPublicAccessBlock', ACCOUNT_SETTING, {})).resolves.toBe('ExplicitlyDenied');
  });

  test('control: the settings function role and the execution role apply the baseline; enabling stays allowed to all', async () => {
    await expect(asAdmin('s3:PutAccountPublicAccessBlock', ACCOUNT_SETTING, {}, SETTINGS_ROLE)).resolves.toBe('Allowed');
    await expect(asAdmin('ec2:ModifyEbsDefaultKmsKeyId', ACCOUNT_SETTING, {}, SETTINGS_ROLE)).resolves.toBe('Allowed');
    await expect(asAdmin('ec2:ModifyEbsDefaultKmsKeyId', ACCOUNT_SETTING, {}, EXEC_ROLE)).resolves.toBe('Allowed');
    await expect(asAdmin('ec2:EnableEbsEncryptionByDefault', ACCOUNT_SETTING, {}, UNBOUNDED)).resolves.toBe('Allowed');
  });

  test('the unbounded principal cannot obtain the exempt role: create it, pass it to a function of its own, assume it or rewrite its trust', async () => {
    for (const action of ['iam:CreateRole', 'iam:PassRole', 'sts:AssumeRole', 'iam:UpdateAssumeRolePolicy', 'iam:PutRolePolicy', 'iam:AttachRolePolicy']) {
      await expect(asAdmin(action, SETTINGS_ROLE, {}, UNBOUNDED)).resolves.toBe('ExplicitlyDenied');
    }
    // Control: the execution role creates and passes it (CloudFormation deploys the function).
    await expect(asAdmin('iam:CreateRole', SETTINGS_ROLE, {}, EXEC_ROLE)).resolves.toBe('Allowed');
    await expect(asAdmin('iam:PassRole', SETTINGS_ROLE, {}, EXEC_ROLE)).resolves.toBe('Allowed');
    const without = withoutScpStatement('DenyAccountSettingsRoleChanges');
    await expect(asAdmin('iam:PassRole', SETTINGS_ROLE, {}, UNBOUNDED, without)).resolves.toBe('Allowed');
  });

  test('without the statement the unbounded principal switches Block Public Access off (the test sees the guardrail)', async () => {
    const without = withoutScpStatement('DenyAccountBaselineChanges');
    await expect(asAdmin('s3:PutAccountPublicAccessBlock', ACCOUNT_SETTING, {}, UNBOUNDED, without)).resolves.toBe('Allowed');
  });
});
