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
// Test-only: the widest identity policy, so each SCP Deny is shown to win over any allow.
const ALLOW_ALL: PolicyJson = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/** An administrator in a member account, under FullAWSAccess plus `scp`. */
function underScp(scp: PolicyJson, action: string, resource: string, context: Record<string, string> = {}, principal = ADMIN) {
  return evaluate({
    identityPolicies: [ALLOW_ALL],
    serviceControlPolicies: [FULL_AWS_ACCESS, scp],
    request: { action, principal, resource, resourceAccount: ACCOUNT, context },
  });
}
const doc = (p: ServiceControlPolicy): PolicyJson => JSON.parse(p.toJson());

describe('ServiceControlPolicy documents', () => {
  const all = () => [
    ServiceControlPolicy.regionRestriction({ allowedRegions: ['eu-west-1', 'eu-central-1'] }),
    ServiceControlPolicy.protectSecurityServices({ exemptPrincipalArnPatterns: ['arn:aws:iam::*:role/cdk-hnb659fds-cfn-exec-role-*'] }),
    ServiceControlPolicy.denyUnencryptedS3Writes({ requireKms: true }),
    ServiceControlPolicy.denyUnencryptedResourceCreation(),
    ServiceControlPolicy.denyLongTermCredentials(),
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
      'scp/deny-long-term-credentials.json', 'scp/deny-unencrypted-resources.json', 'scp/deny-unencrypted-s3-writes.json',
      'scp/protect-security-services.json', 'scp/region-restriction.json',
    ]);
    for (const [i, p] of all().entries()) {
      expect(fs.readFileSync(path.join(assembly.directory, 'scp', `${p.name}.json`), 'utf8')).toBe(all()[i].toJson());
    }
  });

  test('fails if two SCPs share a name', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scp-'));
    expect(() => ServiceControlPolicy.writeFiles(dir, [ServiceControlPolicy.denyUnencryptedResourceCreation(), ServiceControlPolicy.denyUnencryptedResourceCreation()]))
      .toThrow(/the name 'deny-unencrypted-resources' is used twice/);
  });

  test('fails if an SCP is over the size limit', () => {
    expect(() => ServiceControlPolicy.regionRestriction({
      allowedRegions: ['eu-west-1'],
      additionalExemptActions: Array.from({ length: 300 }, (_, i) => `ec2:DescribeSomething${i}`),
    })).toThrow(/SCP 'region-restriction' is \d+ characters minified; the AWS Organizations limit is 5120/);
  });

  test('fails if an SCP contains a CDK token', () => {
    const stack = new Stack();
    expect(() => new ServiceControlPolicy({
      name: 'tokens',
      statements: [new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['s3:DeleteBucket'], resources: [`arn:aws:s3:::${stack.account}-data`] })],
    })).toThrow(/contains a CDK token/);
  });

  test('fails if the name cannot be a file name', () => {
    expect(() => ServiceControlPolicy.denyUnencryptedResourceCreation({ name: '../escape' })).toThrow(/name: received '..\/escape'/);
  });

  test('fails if a region is malformed', () => {
    expect(() => ServiceControlPolicy.regionRestriction({ allowedRegions: ['Ireland'] })).toThrow(/allowedRegions: received 'Ireland'/);
  });

  test('fails if no region is allowed', () => {
    expect(() => ServiceControlPolicy.regionRestriction({ allowedRegions: [] })).toThrow(/allowedRegions: received an empty list/);
  });

  test('fails if an exemption is not an IAM principal ARN pattern', () => {
    expect(() => ServiceControlPolicy.protectSecurityServices({ exemptPrincipalArnPatterns: ['cdk-*'] }))
      .toThrow(/exemptPrincipalArnPatterns: received 'cdk-\*'/);
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
    await expect(underScp(scp, 'ec2:RunInstances', `arn:aws:ec2:eu-west-1:${ACCOUNT}:instance/*`, { 'aws:RequestedRegion': 'eu-west-1' })).resolves.toBe('Allowed');
  });

  test('global services (IAM, STS, Organizations) keep working from us-east-1', async () => {
    await expect(underScp(scp, 'iam:CreateRole', `arn:aws:iam::${ACCOUNT}:role/r`, { 'aws:RequestedRegion': 'us-east-1' })).resolves.toBe('Allowed');
    await expect(underScp(scp, 'sts:AssumeRole', `arn:aws:iam::${ACCOUNT}:role/r`, { 'aws:RequestedRegion': 'us-east-1' })).resolves.toBe('Allowed');
  });
});

describe('security services SCP semantics', () => {
  const exempt = 'arn:aws:iam::*:role/cdk-hnb659fds-cfn-exec-role-*';
  const scp = doc(ServiceControlPolicy.protectSecurityServices({ exemptPrincipalArnPatterns: [exempt] }));
  const trail = `arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/org`;

  test('stopping CloudTrail is denied even for an administrator; allowed without the statement', async () => {
    await expect(underScp(scp, 'cloudtrail:StopLogging', trail)).resolves.toBe('ExplicitlyDenied');
    await expect(underScp(withoutStatement(scp, 'DenySecurityServiceTampering'), 'cloudtrail:StopLogging', trail)).resolves.toBe('Allowed');
  });

  test('the exempt deployment role may change the trail', async () => {
    const deployRole = `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-eu-west-1`;
    await expect(underScp(scp, 'cloudtrail:UpdateTrail', trail, { 'aws:PrincipalARN': deployRole }, deployRole)).resolves.toBe('Allowed');
  });

  test('leaving the organization is denied', async () => {
    await expect(underScp(scp, 'organizations:LeaveOrganization', '*')).resolves.toBe('ExplicitlyDenied');
  });
});

describe('S3 encryption SCP semantics', () => {
  const object = 'arn:aws:s3:::data/k';
  const put = (scp: PolicyJson, context: Record<string, string>) => underScp(scp, 's3:PutObject', object, { 'aws:SecureTransport': 'true', 's3:ResourceAccount': ACCOUNT, ...context });

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

describe('unencrypted resources SCP semantics', () => {
  const scp = doc(ServiceControlPolicy.denyUnencryptedResourceCreation());
  const volume = `arn:aws:ec2:eu-west-1:${ACCOUNT}:volume/*`;

  test('an unencrypted EBS volume is denied, an encrypted one allowed; allowed without the statement', async () => {
    await expect(underScp(scp, 'ec2:CreateVolume', volume, { 'ec2:Encrypted': 'false' })).resolves.toBe('ExplicitlyDenied');
    await expect(underScp(scp, 'ec2:CreateVolume', volume, { 'ec2:Encrypted': 'true' })).resolves.toBe('Allowed');
    await expect(underScp(withoutStatement(scp, 'DenyUnencryptedEbsVolumes'), 'ec2:CreateVolume', volume, { 'ec2:Encrypted': 'false' })).resolves.toBe('Allowed');
  });

  test('an unencrypted RDS instance is denied', async () => {
    const db = `arn:aws:rds:eu-west-1:${ACCOUNT}:db:orders`;
    await expect(underScp(scp, 'rds:CreateDBInstance', db, { 'rds:StorageEncrypted': 'false' })).resolves.toBe('ExplicitlyDenied');
    await expect(underScp(scp, 'rds:CreateDBInstance', db, { 'rds:StorageEncrypted': 'true' })).resolves.toBe('Allowed');
  });

  test('turning off EBS encryption by default is denied', async () => {
    await expect(underScp(scp, 'ec2:DisableEbsEncryptionByDefault', '*')).resolves.toBe('ExplicitlyDenied');
  });
});
