import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { EncryptedBucket, EncryptionMode } from '../lib';

const ACCOUNT = '111111111111';
const ARCHIVE_ACCOUNT = '999999999999';
const REPLICA_BUCKET_ARN = 'arn:aws:s3:::audit-replica-eu-central-1';
const REPLICA_KEY_ARN = `arn:aws:kms:eu-central-1:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;

function newStack(): Stack {
  return new Stack(new App(), 'Stack', { env: { account: ACCOUNT, region: 'eu-west-1' } });
}

function kmsBucket(stack: Stack, extra: Record<string, unknown> = {}) {
  const key = new kms.Key(stack, 'LogsKey');
  const bucket = new EncryptedBucket(stack, 'Audit', {
    encryption: EncryptionMode.sseKms(key),
    replication: { destinationBucketArn: REPLICA_BUCKET_ARN, destinationKmsKeyArn: REPLICA_KEY_ARN, ...extra },
  });
  return { key, bucket };
}

function replicationPolicyStatements(template: Template): any[] {
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('AuditReplicationRole') }] } });
  expect(Object.keys(policies)).toHaveLength(1);
  return (Object.values(policies)[0] as any).Properties.PolicyDocument.Statement;
}

describe('replication off (default)', () => {
  test('no replication configuration, no replication role, no Object Lock', () => {
    const stack = newStack();
    const bucket = new EncryptedBucket(stack, 'Audit', { encryption: EncryptionMode.sseS3() });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::S3::Bucket', {
      ReplicationConfiguration: Match.absent(),
      ObjectLockEnabled: Match.absent(),
      ObjectLockConfiguration: Match.absent(),
    });
    template.resourceCountIs('AWS::IAM::Role', 0);
    expect(bucket.replicationRole).toBeUndefined();
  });
});

describe('replication to another region', () => {
  test('every object, SSE-KMS objects included, re-encrypted with the replica key; delete markers not replicated', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const { bucket } = kmsBucket(stack);
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      ReplicationConfiguration: {
        Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('AuditReplicationRole'), 'Arn'] },
        Rules: [
          {
            Id: 'ReplicateEveryObject',
            Status: 'Enabled',
            Priority: 0,
            Filter: { Prefix: '' },
            DeleteMarkerReplication: { Status: 'Disabled' },
            SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
            Destination: {
              Bucket: REPLICA_BUCKET_ARN,
              EncryptionConfiguration: { ReplicaKmsKeyID: REPLICA_KEY_ARN },
              Account: Match.absent(),
              AccessControlTranslation: Match.absent(),
            },
          },
        ],
      },
    });
    expect(bucket.replicationRole).toBeDefined();
  });

  test('the replication role is assumable by S3 only and may read this bucket, write replicas there, decrypt here and encrypt there through S3', () => {
    const stack = newStack();
    kmsBucket(stack);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 's3.amazonaws.com' }, Action: 'sts:AssumeRole' })] },
      RoleName: Match.absent(),
    });
    const statements = replicationPolicyStatements(template);
    const bySid = (sid: string) => statements.find((s) => s.Sid === sid);
    expect(bySid('ReadReplicationConfiguration').Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Audit/), 'Arn'] });
    expect(bySid('WriteReplicas')).toMatchObject({
      Action: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
      Resource: `${REPLICA_BUCKET_ARN}/*`,
    });
    expect(bySid('DecryptSourceObjects')).toMatchObject({
      Action: 'kms:Decrypt',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^LogsKey/), 'Arn'] },
      Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.eu-west-1.', { Ref: 'AWS::URLSuffix' }]] } } },
    });
    expect(bySid('EncryptReplicas')).toMatchObject({
      Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
      Resource: REPLICA_KEY_ARN,
      Condition: {
        StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.eu-central-1.', { Ref: 'AWS::URLSuffix' }]] } },
        StringLike: { 'kms:EncryptionContext:aws:s3:arn': [REPLICA_BUCKET_ARN, `${REPLICA_BUCKET_ARN}/*`] },
      },
    });
    // Nothing beyond those statements: no s3:* and no kms:* anywhere.
    expect(JSON.stringify(statements)).not.toMatch(/"(s3|kms):\*"/);
    expect(statements.map((s) => s.Sid).sort()).toEqual([
      'DecryptSourceObjects',
      'EncryptReplicas',
      'ReadReplicationConfiguration',
      'ReadSourceVersions',
      'WriteReplicas',
    ]);
  });

  test('the replica key may be named by its alias ARN: the role may use the keys of that account and region that carry the alias', () => {
    const stack = newStack();
    const aliasArn = `arn:aws:kms:eu-central-1:${ACCOUNT}:alias/guardrails/logs`;
    kmsBucket(stack, { destinationKmsKeyArn: aliasArn });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::S3::Bucket', {
      ReplicationConfiguration: { Rules: [Match.objectLike({ Destination: Match.objectLike({ EncryptionConfiguration: { ReplicaKmsKeyID: aliasArn } }) })] },
    });
    const encrypt = replicationPolicyStatements(template).find((s) => s.Sid === 'EncryptReplicas');
    expect(encrypt).toMatchObject({
      Resource: `arn:aws:kms:eu-central-1:${ACCOUNT}:key/*`,
      Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/guardrails/logs' } },
    });
  });

  test('an SSE-S3 bucket replicates without a replica key and without KMS permissions', () => {
    const stack = newStack();
    new EncryptedBucket(stack, 'Audit', { encryption: EncryptionMode.sseS3(), replication: { destinationBucketArn: REPLICA_BUCKET_ARN } });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::S3::Bucket', {
      ReplicationConfiguration: { Rules: [Match.objectLike({ SourceSelectionCriteria: Match.absent(), Destination: { Bucket: REPLICA_BUCKET_ARN } })] },
    });
    expect(JSON.stringify(replicationPolicyStatements(template))).not.toContain('kms:');
  });

  test('to another account: replicas owned by that account (ownership override)', () => {
    const stack = newStack();
    kmsBucket(stack, { destinationAccount: ARCHIVE_ACCOUNT });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::S3::Bucket', {
      ReplicationConfiguration: {
        Rules: [Match.objectLike({ Destination: Match.objectLike({ Account: ARCHIVE_ACCOUNT, AccessControlTranslation: { Owner: 'Destination' } }) })],
      },
    });
    const write = replicationPolicyStatements(template).find((s) => s.Sid === 'WriteReplicas');
    expect(write.Action).toContain('s3:ObjectOwnerOverrideToBucketOwner');
  });

  test('options: delete markers, Replication Time Control with metrics, storage class, a given role', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'GivenRole', { assumedBy: new iam.ServicePrincipal('s3.amazonaws.com') });
    const { bucket } = kmsBucket(stack, {
      replicateDeleteMarkers: true,
      replicationTimeControl: true,
      storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
      role,
    });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      ReplicationConfiguration: {
        Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('GivenRole'), 'Arn'] },
        Rules: [
          Match.objectLike({
            DeleteMarkerReplication: { Status: 'Enabled' },
            Destination: Match.objectLike({
              StorageClass: 'GLACIER_IR',
              ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } },
              Metrics: { Status: 'Enabled', EventThreshold: { Minutes: 15 } },
            }),
          }),
        ],
      },
    });
    expect(bucket.replicationRole).toBe(role);
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Role', 1);
  });

  test('fails if an SSE-KMS bucket has no replica key', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'Key');
    expect(
      () => new EncryptedBucket(stack, 'Audit', { encryption: EncryptionMode.sseKms(key), replication: { destinationBucketArn: REPLICA_BUCKET_ARN } }),
    ).toThrow(
      /^Stack\/Audit: replication\.destinationKmsKeyArn: received undefined for an SSE-KMS bucket; expected the ARN of a key in the destination region \(S3 replicates SSE-KMS objects only with a replica key\)$/,
    );
  });

  test('fails if the destination is not a bucket ARN, the key is an alias, or the account is malformed', () => {
    expect(
      () => new EncryptedBucket(newStack(), 'Audit', { encryption: EncryptionMode.sseS3(), replication: { destinationBucketArn: 'audit-replica' } }),
    ).toThrow(/^Stack\/Audit: replication\.destinationBucketArn: received "audit-replica"; expected a bucket ARN \(arn:aws:s3:::<bucket-name>\)$/);
    expect(
      () =>
        new EncryptedBucket(newStack(), 'Audit', {
          encryption: EncryptionMode.sseS3(),
          replication: { destinationBucketArn: REPLICA_BUCKET_ARN, destinationKmsKeyArn: 'alias/logs' },
        }),
    ).toThrow(/^Stack\/Audit: replication\.destinationKmsKeyArn: received "alias\/logs"; expected a key ARN .* or an alias ARN with its account /);
    expect(
      () =>
        new EncryptedBucket(newStack(), 'Audit', {
          encryption: EncryptionMode.sseS3(),
          replication: { destinationBucketArn: REPLICA_BUCKET_ARN, destinationKmsKeyArn: 'arn:aws:kms:eu-north-1:111111111111:key/logs' },
        }),
    ).toThrow(/^Stack\/Audit: replication\.destinationKmsKeyArn: received "arn:aws:kms:eu-north-1:111111111111:key\/logs"; expected a key ARN /);
    expect(
      () =>
        new EncryptedBucket(newStack(), 'Audit', {
          encryption: EncryptionMode.sseS3(),
          replication: { destinationBucketArn: REPLICA_BUCKET_ARN, destinationAccount: '9999' },
        }),
    ).toThrow(/^Stack\/Audit: replication\.destinationAccount: received "9999"; expected a 12-digit AWS account id$/);
  });
});

describe('Object Lock', () => {
  test('compliance mode with default retention in days', () => {
    const stack = newStack();
    new EncryptedBucket(stack, 'Audit', {
      encryption: EncryptionMode.sseS3(),
      objectLockDefaultRetention: s3.ObjectLockRetention.compliance(Duration.days(3653)),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 3653 } } },
      VersioningConfiguration: { Status: 'Enabled' },
    });
  });

  test('governance mode', () => {
    const stack = newStack();
    new EncryptedBucket(stack, 'Audit', {
      encryption: EncryptionMode.sseS3(),
      objectLockDefaultRetention: s3.ObjectLockRetention.governance(Duration.days(90)),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 90 } } },
    });
  });

  test('Object Lock without default retention', () => {
    const stack = newStack();
    new EncryptedBucket(stack, 'Audit', { encryption: EncryptionMode.sseS3(), objectLockEnabled: true });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', { ObjectLockEnabled: true, ObjectLockConfiguration: Match.absent() });
  });

  test('warns when a compliance-locked bucket is set to be destroyed', () => {
    const stack = newStack();
    new EncryptedBucket(stack, 'Audit', {
      encryption: EncryptionMode.sseS3(),
      removalPolicy: RemovalPolicy.DESTROY,
      objectLockDefaultRetention: s3.ObjectLockRetention.compliance(Duration.days(1)),
    });
    Annotations.fromStack(stack).hasWarning('/Stack/Audit', Match.stringLikeRegexp('compliance-mode retention'));
  });

  test('fails if a default retention is given with Object Lock switched off', () => {
    expect(
      () =>
        new EncryptedBucket(newStack(), 'Audit', {
          encryption: EncryptionMode.sseS3(),
          objectLockEnabled: false,
          objectLockDefaultRetention: s3.ObjectLockRetention.governance(Duration.days(1)),
        }),
    ).toThrow(
      /^Stack\/Audit: objectLockDefaultRetention: received a default retention with objectLockEnabled false; expected objectLockEnabled true or unset \(a default retention needs Object Lock\)\. Remove one of the two$/,
    );
  });
});
