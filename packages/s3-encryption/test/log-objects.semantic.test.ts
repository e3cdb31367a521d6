/**
 * Semantic tests of ProtectLogObjects: who can forge, hide or delete evidence in a log bucket.
 *
 * The attacker is an admin of the account whose identity policy allows `*` and whose permissions
 * boundary allows `s3:*` on this account's buckets. Each request is evaluated with the identity
 * policy, the boundary and the synthesized bucket policy together; for every attack the test also
 * removes the statement and shows the request is then allowed.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ALLOW_EVERYTHING, evaluate, resolveIntrinsics, singleResource, type PolicyJson } from '@cdk-guardrails/policy-test-kit';
import { EncryptedBucket, EncryptionMode, ProtectLogObjects } from '../lib';

jest.setTimeout(60_000);

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const BUCKET_ARN = 'arn:aws:s3:::guardrail-trail-bucket';
const LOG_FILE = `${BUCKET_ARN}/AWSLogs/${ACCOUNT}/CloudTrail/${REGION}/2026/12/03/${ACCOUNT}_CloudTrail_${REGION}_20261203T0000Z_abc.json.gz`;
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
const BREAK_GLASS = `arn:aws:iam::${ACCOUNT}:role/GuardrailsBreakGlass`;
const RECORDER_ROLE = `arn:aws:iam::${ACCOUNT}:role/Workload-ConfigRecorderRole-ABC`;
const ATTACKER = `arn:aws:sts::${ACCOUNT}:assumed-role/workload-admin/mallory`;
const BOUNDARY: PolicyJson = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::*', Condition: { StringEquals: { 's3:ResourceAccount': [ACCOUNT] } } }],
};
const ALLOW_ALL: PolicyJson = ALLOW_EVERYTHING;

function bucketPolicy(protect = true): PolicyJson {
  const stack = new Stack(new App(), 'Logs', { env: { account: ACCOUNT, region: REGION } });
  const key = new kms.Key(stack, 'Key');
  const bucket = new EncryptedBucket(stack, 'TrailBucket', { encryption: EncryptionMode.sseKms(key), bucketName: 'guardrail-trail-bucket' });
  // What CloudTrail needs (as SecurityEventCapture adds it).
  bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
      actions: ['s3:PutObject'],
      resources: [bucket.arnForObjects(`AWSLogs/${ACCOUNT}/*`)],
    }),
  );
  if (protect) new ProtectLogObjects({ administratorArns: [BREAK_GLASS], writerArns: [RECORDER_ROLE] }).applyTo(bucket);
  const template = Template.fromStack(stack).toJSON();
  const [, policy] = singleResource(template, 'AWS::S3::BucketPolicy');
  const bucketId = Object.keys(template.Resources).find((id) => template.Resources[id].Type === 'AWS::S3::Bucket')!;
  const keyId = Object.keys(template.Resources).find((id) => template.Resources[id].Type === 'AWS::KMS::Key')!;
  return resolveIntrinsics(policy.Properties.PolicyDocument, {
    account: ACCOUNT,
    region: REGION,
    refs: { [bucketId]: 'guardrail-trail-bucket' },
    getAtts: { [`${bucketId}.Arn`]: BUCKET_ARN, [`${keyId}.Arn`]: KEY_ARN },
  });
}

function withoutStatement(policy: PolicyJson, sid: string): PolicyJson {
  return { ...policy, Statement: (policy.Statement as any[]).filter((s) => s.Sid !== sid) };
}

/** A request as IAM sees it: TLS, SSE-KMS with the bucket's key (so the encryption statements pass), the caller's keys. */
function request(principal: string, action: string, resource = LOG_FILE, service?: string) {
  const session = /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(principal);
  const caller: Record<string, string> =
    service !== undefined
      ? { 'aws:PrincipalIsAWSService': 'true', 'aws:PrincipalServiceName': service, 'aws:SourceAccount': ACCOUNT }
      : {
          'aws:PrincipalArn': session ? `arn:aws:iam::${session[1]}:role/${session[2]}` : principal,
          'aws:PrincipalAccount': ACCOUNT,
          'aws:PrincipalIsAWSService': 'false',
        };
  return {
    action,
    principal,
    resource,
    resourceAccount: ACCOUNT,
    context: {
      ...caller,
      'aws:SecureTransport': 'true',
      's3:TlsVersion': '1.3',
      's3:ResourceAccount': ACCOUNT,
      's3:x-amz-server-side-encryption': 'aws:kms',
      's3:x-amz-server-side-encryption-aws-kms-key-id': KEY_ARN,
    },
  };
}

const asAttacker = (policy: PolicyJson, action: string) =>
  evaluate({ request: request(ATTACKER, action), identityPolicies: [ALLOW_ALL], permissionsBoundaries: [BOUNDARY], resourcePolicy: policy });

describe('ProtectLogObjects (semantic)', () => {
  const policy = bucketPolicy();

  test.each([
    ['forge a CloudTrail log file', 's3:PutObject'],
    ['hide a log file behind a delete marker', 's3:DeleteObject'],
    ['delete a version of a log file', 's3:DeleteObjectVersion'],
    ['re-tag a log file', 's3:PutObjectTagging'],
    ['open a log file by ACL', 's3:PutObjectAcl'],
    ['copy a forged file over a real key by replication from a bucket of its own', 's3:ReplicateObject'],
    ['hide a log file by replicating a delete marker', 's3:ReplicateDelete'],
  ])('a bounded admin cannot %s in the trail bucket; allowed without the statement', async (_what, action) => {
    await expect(asAttacker(policy, action)).resolves.toBe('ExplicitlyDenied');
    await expect(asAttacker(withoutStatement(policy, ProtectLogObjects.SID), action)).resolves.toBe('Allowed');
  });

  test('control: CloudTrail (the service principal) still delivers its log files', async () => {
    await expect(
      evaluate({ request: request('cloudtrail.amazonaws.com', 's3:PutObject', LOG_FILE, 'cloudtrail.amazonaws.com'), resourcePolicy: policy }),
    ).resolves.toBe('Allowed');
  });

  test('control: the named writer role and the administrator write; everyone with an identity policy still reads', async () => {
    const asRole = (principal: string, action: string) =>
      evaluate({ request: request(principal, action), identityPolicies: [ALLOW_ALL], resourcePolicy: policy });
    await expect(asRole(`arn:aws:sts::${ACCOUNT}:assumed-role/Workload-ConfigRecorderRole-ABC/config`, 's3:PutObject')).resolves.toBe('Allowed');
    await expect(asRole(`arn:aws:sts::${ACCOUNT}:assumed-role/GuardrailsBreakGlass/oncall`, 's3:DeleteObjectVersion')).resolves.toBe('Allowed');
    await expect(asAttacker(policy, 's3:GetObject')).resolves.toBe('Allowed');
  });

  test('a bucket without the protection lets the attacker forge (the control for the whole statement set)', async () => {
    await expect(asAttacker(bucketPolicy(false), 's3:PutObject')).resolves.toBe('Allowed');
  });

  test('a bounded admin cannot plant objects by replicating into a replica bucket from a bucket of its own; the named replication role can', async () => {
    const stack = new Stack(new App(), 'Replica', { env: { account: ACCOUNT, region: REGION } });
    const bucket = new EncryptedBucket(stack, 'ReplicaBucket', { encryption: EncryptionMode.sseS3(), bucketName: 'guardrail-trail-bucket' });
    const REPLICATION_ROLE = `arn:aws:iam::${ACCOUNT}:role/guardrails-audit-replication-${REGION}`;
    new ProtectLogObjects({ administratorArns: [BREAK_GLASS], replicationWriterArns: [REPLICATION_ROLE] }).applyTo(bucket);
    const template = Template.fromStack(stack).toJSON();
    const [, p] = singleResource(template, 'AWS::S3::BucketPolicy');
    const bucketId = Object.keys(template.Resources).find((id) => template.Resources[id].Type === 'AWS::S3::Bucket')!;
    const doc = resolveIntrinsics(p.Properties.PolicyDocument, { account: ACCOUNT, region: REGION, getAtts: { [`${bucketId}.Arn`]: BUCKET_ARN } });
    const replicate = (principal: string, d = doc) =>
      evaluate({ request: request(principal, 's3:ReplicateObject'), identityPolicies: [ALLOW_ALL], resourcePolicy: d });
    await expect(replicate(`arn:aws:sts::${ACCOUNT}:assumed-role/attacker-replication/s3`)).resolves.toBe('ExplicitlyDenied');
    await expect(replicate(`arn:aws:sts::${ACCOUNT}:assumed-role/guardrails-audit-replication-${REGION}/s3`)).resolves.toBe('Allowed');
    // Both statements deny it (the object statement lists s3:Replicate* too): removing both lets it through.
    const weaker = {
      ...doc,
      Statement: (doc.Statement as any[]).filter((st) => st.Sid !== ProtectLogObjects.REPLICATION_SID && st.Sid !== ProtectLogObjects.SID),
    };
    await expect(replicate(`arn:aws:sts::${ACCOUNT}:assumed-role/attacker-replication/s3`, weaker)).resolves.toBe('Allowed');
  });

  test('an imported bucket is refused: CloudFormation does not manage its policy', () => {
    const stack = new Stack(new App(), 'Stack', { env: { account: ACCOUNT, region: REGION } });
    const imported = s3.Bucket.fromBucketName(stack, 'Imported', 'existing-bucket');
    expect(() => new ProtectLogObjects({ administratorArns: [BREAK_GLASS] }).applyTo(imported)).toThrow(
      /^ProtectLogObjects\.applyTo: bucket: received imported bucket Stack\/Imported; expected a bucket whose policy this app manages \(CloudFormation would replace the whole existing policy of an imported bucket\)\. Merge /,
    );
  });

  test('bad input is refused naming the field', () => {
    expect(() => new ProtectLogObjects({ administratorArns: [BREAK_GLASS], replicationWriterArns: [] })).toThrow(
      /^ProtectLogObjects: replicationWriterArns: received an empty list; expected the exact ARNs of the replication roles, or no replicationWriterArns at all$/,
    );
    expect(() => new ProtectLogObjects({ administratorArns: [] })).toThrow(
      /^ProtectLogObjects: administratorArns: received an empty list; expected at least one IAM role or user ARN, /,
    );
    expect(() => new ProtectLogObjects({ administratorArns: [BREAK_GLASS], writerArns: ['arn:aws:iam::111111111111:role/*'] })).toThrow(
      /^ProtectLogObjects: writerArns\[0\]: received 'arn:aws:iam::111111111111:role\/\*'; expected an exact IAM role ARN /,
    );
    expect(() =>
      ProtectLogObjects.replicationStatementForBucketArn('arn:aws:s3:::b', {
        administratorArns: [BREAK_GLASS],
        replicationWriterArns: ['arn:aws:iam::111111111111:role/r*'],
      }),
    ).toThrow(
      /^ProtectLogObjects\.replicationStatementForBucketArn: replicationWriterArns\[0\]: received 'arn:aws:iam::111111111111:role\/r\*'; expected an exact IAM role ARN/,
    );
  });
});
