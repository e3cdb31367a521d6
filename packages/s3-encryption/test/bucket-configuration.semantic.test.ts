/**
 * Semantic tests of ProtectBucketConfiguration: who can switch a guardrail bucket's protection off.
 *
 * The attacker is an admin of the account whose identity policy allows `*` and who lives inside the
 * permissions boundary, which allows `s3:*` on this account's buckets. Each request is evaluated with
 * the identity policy, the boundary and the synthesized bucket policy together (SCPs are not involved:
 * the attacks stay inside the account). For every attack the test also removes the statement
 * responsible and shows the request is then allowed.
 */
import { App, Aspects, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ALLOW_EVERYTHING, evaluate, resolveIntrinsics, singleResource, type PolicyJson } from '@cdk-guardrails/policy-test-kit';
import { EncryptedBucket, EncryptionMode, ProtectBucketConfiguration } from '../lib';

jest.setTimeout(60_000);

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const BUCKET_NAME = 'guardrail-trail-bucket';
const BUCKET_ARN = `arn:aws:s3:::${BUCKET_NAME}`;
const OBJECT_ARN = `${BUCKET_ARN}/AWSLogs/${ACCOUNT}/CloudTrail/${REGION}/2026/01/01/trail.json.gz`;
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
const TRAIL_ARN = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/guardrails`;

const EXEC_ROLE = `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}`;
const LOG_ADMIN_ROLE = `arn:aws:iam::${ACCOUNT}:role/guardrails-log-admin`;
const EXEC_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-${REGION}/AWSCloudFormation`;
const LOG_ADMIN_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/guardrails-log-admin/alice`;
const ATTACKER_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/workload-admin/mallory`;
const WRITER_ARN = `arn:aws:iam::${ACCOUNT}:role/writer`;

/** What GuardrailsPermissionsBoundary allows for S3 (its AllowS3OnAllowedAccountBuckets statement). */
const BOUNDARY: PolicyJson = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'AllowS3OnAllowedAccountBuckets',
      Effect: 'Allow',
      Action: 's3:*',
      Resource: 'arn:aws:s3:::*',
      Condition: { StringEquals: { 's3:ResourceAccount': [ACCOUNT] } },
    },
  ],
};
const ALLOW_ALL: PolicyJson = ALLOW_EVERYTHING;

/** Bucket-level changes that switch a protection off; each must be denied by DenyBucketConfigurationChanges. */
const CONFIGURATION_ATTACKS = [
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
  's3:PutBucketVersioning',
  's3:PutLifecycleConfiguration',
  's3:PutReplicationConfiguration',
  's3:PutBucketObjectLockConfiguration',
  's3:PutBucketLogging',
  's3:PutEncryptionConfiguration',
  's3:PutBucketPublicAccessBlock',
  's3:PutBucketOwnershipControls',
  's3:PutBucketAcl',
  's3:PutBucketNotification',
  's3:PutInventoryConfiguration',
  's3:PutAnalyticsConfiguration',
  's3:PutBucketCORS',
  's3:PutBucketWebsite',
  's3:PutBucketRequestPayment',
  's3:PutBucketTagging',
  's3:PutBucketAbac',
  's3:PutIntelligentTieringConfiguration',
  's3:CreateBucketMetadataTableConfiguration',
  's3:DeleteBucketMetadataTableConfiguration',
  's3:UpdateBucketMetadataJournalTableConfiguration',
  's3:DeleteBucket',
];

interface Synthesized {
  readonly bucketPolicy: PolicyJson;
  readonly writerPolicy: PolicyJson;
}

/**
 * A trail bucket as the apps build it (SSE-KMS, Object Lock governance retention, CloudTrail allowed
 * to write, a writer granted through the bucket), protected by the Aspect.
 */
function synthesize(): Synthesized {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: { account: ACCOUNT, region: REGION } });
  const bucket = new EncryptedBucket(stack, 'Bucket', {
    encryption: EncryptionMode.sseKms(kms.Key.fromKeyArn(stack, 'Key', KEY_ARN)),
    objectLockDefaultRetention: s3.ObjectLockRetention.governance(Duration.days(365)),
  });
  bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudTrailWrite',
      principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
      actions: ['s3:PutObject'],
      resources: [bucket.arnForObjects(`AWSLogs/${ACCOUNT}/*`)],
      conditions: { StringEquals: { 'aws:SourceArn': TRAIL_ARN } },
    }),
  );
  const writer = new iam.Role(stack, 'Writer', { assumedBy: new iam.AccountRootPrincipal() });
  bucket.grantReadWrite(writer);
  Aspects.of(stack).add(new ProtectBucketConfiguration({ administratorArns: [EXEC_ROLE, LOG_ADMIN_ROLE] }));

  const template = Template.fromStack(stack).toJSON();
  const [bucketId] = singleResource(template, 'AWS::S3::Bucket');
  const [, policy] = singleResource(template, 'AWS::S3::BucketPolicy');
  const [, identity] = singleResource(template, 'AWS::IAM::Policy');
  const ctx = { account: ACCOUNT, region: REGION, refs: { [bucketId]: BUCKET_NAME }, getAtts: { [`${bucketId}.Arn`]: BUCKET_ARN } };
  return {
    bucketPolicy: resolveIntrinsics(policy.Properties.PolicyDocument, ctx),
    writerPolicy: resolveIntrinsics(identity.Properties.PolicyDocument, ctx),
  };
}

/** The request context IAM and S3 set on a signed request over TLS (the evaluator does not derive these keys). */
function signedContext(principal: string): Record<string, string> {
  const session = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(principal);
  return {
    'aws:PrincipalArn': session ? `arn:${session[1]}:iam::${session[2]}:role/${session[3]}` : principal,
    'aws:PrincipalAccount': principal.split(':')[4],
    'aws:PrincipalIsAWSService': 'false',
    'aws:SecureTransport': 'true',
    's3:ResourceAccount': ACCOUNT,
  };
}

function decide(
  bucketPolicy: PolicyJson,
  principal: string,
  action: string,
  opts: { resource?: string; identity?: PolicyJson[]; bounded?: boolean; context?: Record<string, string> } = {},
) {
  return evaluate({
    request: {
      action,
      principal,
      resource: opts.resource ?? BUCKET_ARN,
      resourceAccount: ACCOUNT,
      context: { ...signedContext(principal), ...opts.context },
    },
    identityPolicies: opts.identity ?? [ALLOW_ALL],
    permissionsBoundaries: opts.bounded === false ? undefined : [BOUNDARY],
    resourcePolicy: bucketPolicy,
  });
}

function withoutStatement(policy: PolicyJson, sid: string): PolicyJson {
  const statements = policy.Statement as any[];
  expect(statements.some((s) => s.Sid === sid)).toBe(true);
  return { ...policy, Statement: statements.filter((s) => s.Sid !== sid) };
}

const s = synthesize();

describe('a bounded admin cannot switch the bucket protection off', () => {
  test.each(CONFIGURATION_ATTACKS)('a bounded admin cannot %s on a protected bucket', async (action) => {
    await expect(decide(s.bucketPolicy, ATTACKER_SESSION, action)).resolves.toBe('ExplicitlyDenied');
  });

  test.each(CONFIGURATION_ATTACKS)('%s by the bounded admin is allowed once DenyBucketConfigurationChanges is removed', async (action) => {
    await expect(decide(withoutStatement(s.bucketPolicy, 'DenyBucketConfigurationChanges'), ATTACKER_SESSION, action)).resolves.toBe('Allowed');
  });

  test('a bounded admin cannot bypass governance retention to delete or shorten a locked version', async () => {
    await expect(decide(s.bucketPolicy, ATTACKER_SESSION, 's3:BypassGovernanceRetention', { resource: OBJECT_ARN })).resolves.toBe('ExplicitlyDenied');
    await expect(
      decide(withoutStatement(s.bucketPolicy, 'DenyObjectLockBypass'), ATTACKER_SESSION, 's3:BypassGovernanceRetention', { resource: OBJECT_ARN }),
    ).resolves.toBe('Allowed');
  });

  test('a bounded admin cannot remove a legal hold', async () => {
    const off = { 's3:object-lock-legal-hold': 'OFF' };
    await expect(decide(s.bucketPolicy, ATTACKER_SESSION, 's3:PutObjectLegalHold', { resource: OBJECT_ARN, context: off })).resolves.toBe('ExplicitlyDenied');
    await expect(
      decide(withoutStatement(s.bucketPolicy, 'DenyLegalHoldRemoval'), ATTACKER_SESSION, 's3:PutObjectLegalHold', { resource: OBJECT_ARN, context: off }),
    ).resolves.toBe('Allowed');
  });

  test('an admin without the boundary (but not named) is denied too: the exemption is the ARN, not the boundary', async () => {
    await expect(decide(s.bucketPolicy, ATTACKER_SESSION, 's3:PutBucketPolicy', { bounded: false })).resolves.toBe('ExplicitlyDenied');
  });
});

describe('the administrators keep working', () => {
  test.each(CONFIGURATION_ATTACKS)('the CloudFormation execution role can %s', async (action) => {
    await expect(decide(s.bucketPolicy, EXEC_SESSION, action, { bounded: false })).resolves.toBe('Allowed');
  });

  test.each(CONFIGURATION_ATTACKS)('the log admin role (inside the boundary) can %s', async (action) => {
    await expect(decide(s.bucketPolicy, LOG_ADMIN_SESSION, action)).resolves.toBe('Allowed');
  });

  test('the log admin can bypass governance retention and remove a legal hold', async () => {
    await expect(decide(s.bucketPolicy, LOG_ADMIN_SESSION, 's3:BypassGovernanceRetention', { resource: OBJECT_ARN })).resolves.toBe('Allowed');
    await expect(
      decide(s.bucketPolicy, LOG_ADMIN_SESSION, 's3:PutObjectLegalHold', { resource: OBJECT_ARN, context: { 's3:object-lock-legal-hold': 'OFF' } }),
    ).resolves.toBe('Allowed');
  });
});

describe('writers and AWS services are unaffected', () => {
  const goodPut = {
    's3:x-amz-server-side-encryption': 'aws:kms',
    's3:x-amz-server-side-encryption-aws-kms-key-id': KEY_ARN,
    's3:TlsVersion': '1.3',
  };

  test('a writer granted through the bucket can PutObject with the right encryption', async () => {
    await expect(
      decide(s.bucketPolicy, WRITER_ARN, 's3:PutObject', { resource: OBJECT_ARN, identity: [s.writerPolicy], bounded: false, context: goodPut }),
    ).resolves.toBe('Allowed');
  });

  test('the enforcing statements still deny a PutObject with the wrong encryption', async () => {
    await expect(
      decide(s.bucketPolicy, WRITER_ARN, 's3:PutObject', {
        resource: OBJECT_ARN,
        identity: [s.writerPolicy],
        bounded: false,
        context: { 's3:x-amz-server-side-encryption': 'AES256' },
      }),
    ).resolves.toBe('ExplicitlyDenied');
  });

  test('a writer can still place a legal hold and set a retention (strengthening Object Lock)', async () => {
    await expect(
      decide(s.bucketPolicy, WRITER_ARN, 's3:PutObjectLegalHold', {
        resource: OBJECT_ARN,
        identity: [s.writerPolicy],
        bounded: false,
        context: { 's3:object-lock-legal-hold': 'ON' },
      }),
    ).resolves.toBe('Allowed');
    await expect(
      decide(s.bucketPolicy, WRITER_ARN, 's3:PutObjectRetention', { resource: OBJECT_ARN, identity: [s.writerPolicy], bounded: false }),
    ).resolves.toBe('Allowed');
  });

  test('CloudTrail can still deliver log files', async () => {
    await expect(
      evaluate({
        request: {
          action: 's3:PutObject',
          principal: 'cloudtrail.amazonaws.com',
          resource: OBJECT_ARN,
          resourceAccount: ACCOUNT,
          context: { 'aws:SourceArn': TRAIL_ARN, 'aws:SourceAccount': ACCOUNT, 'aws:PrincipalIsAWSService': 'true', 'aws:SecureTransport': 'true', ...goodPut },
        },
        resourcePolicy: s.bucketPolicy,
      }),
    ).resolves.toBe('Allowed');
  });
});
