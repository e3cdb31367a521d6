/**
 * red15: the public API of @cdk-guardrails/s3-encryption used by a library user who makes mistakes,
 * or by an attacker who controls a prop value (read from a config file).
 *
 * `test.failing` = a finding: the test encodes the secure expectation and fails today.
 * `checked and closed` = the refusal exists and is pinned here.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AccessLogBucket, BucketEncryptionPolicy, EncryptedBucket, EncryptionMode, ProtectBucketConfiguration } from '../lib';

const ACCOUNT = '111111111111';
const OTHER_ACCOUNT = '222222222222';
const REGION = 'eu-west-1';
const KEY_ID = '11111111-2222-3333-4444-555555555555';
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${KEY_ID}`;

function newStack(): Stack {
  return new Stack(new App(), 'Stack', { env: { account: ACCOUNT, region: REGION } });
}

describe('red15 findings: s3-encryption', () => {
  // R15-7: EncryptedBucket pins whatever key it is given. BucketEncryptionGuard refuses a key of
  // another account or region for a bucket ("received a KMS key of 222222222222/eu-west-1 for a
  // bucket of 111111111111/eu-west-1"), EncryptedBucket does not: a key of another region fails only
  // at deploy time (S3 needs a key of the bucket's region), and a key of another account (one the
  // attacker holds) makes that account's key policy decide who can read, and it can disable the key.
  test('R15-7a fails if EncryptionMode.sseKms is given a key of another account than the bucket', () => {
    const stack = newStack();
    const foreign = kms.Key.fromKeyArn(stack, 'Foreign', `arn:aws:kms:${REGION}:${OTHER_ACCOUNT}:key/${KEY_ID}`);
    expect(() => {
      new EncryptedBucket(stack, 'Data', { encryption: EncryptionMode.sseKms(foreign) });
      Template.fromStack(stack);
    }).toThrow(/222222222222/);
  });

  test('R15-7b fails if EncryptionMode.sseKms is given a key of another region than the bucket', () => {
    const stack = newStack();
    const foreign = kms.Key.fromKeyArn(stack, 'Foreign', `arn:aws:kms:us-east-1:${ACCOUNT}:key/${KEY_ID}`);
    expect(() => {
      new EncryptedBucket(stack, 'Data', { encryption: EncryptionMode.sseKms(foreign) });
      Template.fromStack(stack);
    }).toThrow(/us-east-1/);
  });

  test("R15-7 (fixed): the error is the guard's, naming the bucket, both places and why", () => {
    const stack = newStack();
    const arn = `arn:aws:kms:us-east-1:${OTHER_ACCOUNT}:key/${KEY_ID}`;
    expect(() => new EncryptedBucket(stack, 'Data', { encryption: EncryptionMode.sseKms(kms.Key.fromKeyArn(stack, 'Foreign', arn)) })).toThrow(
      `Stack/Data: encryption: received a KMS key of ${OTHER_ACCOUNT}/us-east-1 for a bucket of ${ACCOUNT}/${REGION}; expected a key of the bucket's own account and region (S3 refuses a default key of another region)`,
    );
    // The key of the bucket's own account and region passes.
    expect(() => new EncryptedBucket(stack, 'Own', { encryption: EncryptionMode.sseKms(kms.Key.fromKeyArn(stack, 'OwnKey', KEY_ARN)) })).not.toThrow();
  });

  // R15-8: sseS3DeliverySourceArns is documented and refused as "the ARN (or ARN pattern) of an AWS
  // resource in one account", but the check admits '*' as the account: the SSE-header statements
  // are then lifted for deliveries of that service (here every trail of the region) from every account.
  test("R15-8 fails if sseS3DeliverySourceArns has '*' as the account", () => {
    expect(
      () =>
        new BucketEncryptionPolicy({
          encryption: EncryptionMode.sseKms(kms.Key.fromKeyArn(newStack(), 'K', KEY_ARN)),
          sseS3DeliverySourceArns: ['arn:aws:cloudtrail:eu-west-1:*:trail/*'],
        }),
    ).toThrow(/sseS3DeliverySourceArns\[0\]/);
  });

  test('R15-8 control: an ARN pattern of one account is accepted and lifts the header statements for it alone', () => {
    const stack = newStack();
    new EncryptedBucket(stack, 'Trail', {
      encryption: EncryptionMode.sseKms(kms.Key.fromKeyArn(stack, 'K', KEY_ARN)),
      sseS3DeliverySourceArns: [`arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/*`],
    });
    const policy = Object.values(Template.fromStack(stack).findResources('AWS::S3::BucketPolicy'))[0] as any;
    expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain(`"ArnNotLike":{"aws:SourceArn":["arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/*"]}`);
    expect(
      () =>
        new BucketEncryptionPolicy({
          encryption: EncryptionMode.sseKms(kms.Key.fromKeyArn(newStack(), 'K', KEY_ARN)),
          sseS3DeliverySourceArns: ['arn:aws:cloudtrail:eu-west-1:*:trail/*'],
        }),
    ).toThrow(
      /sseS3DeliverySourceArns\[0\]: received "arn:aws:cloudtrail:eu-west-1:\*:trail\/\*"; expected the ARN \(or ARN pattern\) of an AWS resource in one account, its 12-digit id written out/,
    );
  });

  // R15-9: AccessLogBucket's expiration defaults to the security class's 90 days, but any whole
  // number of days from 1 is accepted: access logs (security evidence) expire after a day.
  test.failing('R15-9 fails if AccessLogBucket.expiration is shorter than the security class (90 days)', () => {
    expect(() => new AccessLogBucket(newStack(), 'AccessLogs', { expiration: Duration.days(1) })).toThrow(/expiration/);
  });

  describe('checked and closed', () => {
    test('fails if sseKms is given an alias, or a key ARN that is not a key ARN', () => {
      const stack = newStack();
      const alias = kms.Alias.fromAliasName(stack, 'Alias', 'alias/guardrails/data');
      expect(() => EncryptionMode.sseKms(alias)).toThrow(/EncryptionMode.sseKms: key: received the alias/);
      expect(() => EncryptionMode.sseKms(kms.Key.fromKeyArn(stack, 'AliasArn', `arn:aws:kms:${REGION}:${ACCOUNT}:alias/x`))).toThrow(/key.keyArn/);
    });

    test('fails if the minimum TLS version is not 1.2 or 1.3 (NaN, 1.0, 0)', () => {
      for (const v of [NaN, 1.0, 0, 1.1]) {
        expect(() => new EncryptedBucket(newStack(), 'B', { encryption: EncryptionMode.sseS3(), minimumTlsVersion: v })).toThrow(/minimumTlsVersion/);
      }
    });

    test('fails if an EncryptedBucket or a KMS bucket is the target of access logs', () => {
      const stack = newStack();
      const target = new EncryptedBucket(stack, 'Target', { encryption: EncryptionMode.sseS3() });
      expect(() => new EncryptedBucket(stack, 'B', { encryption: EncryptionMode.sseS3(), serverAccessLogsBucket: target })).toThrow(/serverAccessLogsBucket/);
    });

    test('fails if replication of an SSE-KMS bucket has no replica key, or a bad bucket ARN', () => {
      const stack = newStack();
      const encryption = EncryptionMode.sseKms(kms.Key.fromKeyArn(stack, 'K', KEY_ARN));
      expect(() => new EncryptedBucket(stack, 'A', { encryption, replication: { destinationBucketArn: 'arn:aws:s3:::replica' } })).toThrow(
        /replication.destinationKmsKeyArn: received undefined/,
      );
      expect(() => new EncryptedBucket(stack, 'B', { encryption, replication: { destinationBucketArn: '*', destinationKmsKeyArn: KEY_ARN } })).toThrow(
        /replication.destinationBucketArn/,
      );
    });

    test('fails if sseS3DeliverySourceArns is not an ARN (a bare "*")', () => {
      expect(() => new BucketEncryptionPolicy({ encryption: EncryptionMode.sseS3(), sseS3DeliverySourceArns: ['*'] })).toThrow(/sseS3DeliverySourceArns\[0\]/);
    });

    test('fails if ProtectBucketConfiguration names no administrator, a wildcard or the root', () => {
      expect(() => new ProtectBucketConfiguration({ administratorArns: [] })).toThrow(/administratorArns/);
      expect(() => new ProtectBucketConfiguration({ administratorArns: [`arn:aws:iam::${ACCOUNT}:role/*`] })).toThrow(/administratorArns/);
      expect(() => new ProtectBucketConfiguration({ administratorArns: [`arn:aws:iam::${ACCOUNT}:root`] })).toThrow(/administratorArns/);
    });

    test('applyTo refuses an imported bucket rather than replace its policy', () => {
      const stack = newStack();
      const imported = s3.Bucket.fromBucketName(stack, 'Imported', 'theirs');
      expect(() => new BucketEncryptionPolicy({ encryption: EncryptionMode.sseS3() }).applyTo(imported)).toThrow(/imported bucket/);
    });

    test('an EncryptedBucket is retained and blocks SSE-C by default; AccessLogBucket keeps 90 days by default', () => {
      const stack = newStack();
      new EncryptedBucket(stack, 'B', { encryption: EncryptionMode.sseS3() });
      new AccessLogBucket(stack, 'Logs');
      const template = Template.fromStack(stack);
      for (const bucket of Object.values(template.findResources('AWS::S3::Bucket')) as any[]) {
        expect(bucket.DeletionPolicy).toBe('Retain');
        expect(JSON.stringify(bucket.Properties.BucketEncryption)).toContain('SSE-C');
      }
      template.hasResourceProperties('AWS::S3::Bucket', {
        LifecycleConfiguration: {
          Rules: [
            {
              ExpirationInDays: 90,
              Id: 'ExpireAccessLogs',
              NoncurrentVersionExpiration: { NoncurrentDays: 90 },
              AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
              Status: 'Enabled',
            },
          ],
        },
      });
    });
  });
});
