// Helpers of the backup-restore and audit-replication suites: the restore request they send and
// what they pick to check. Offline; no AWS call.
import { newestObject, trailLogPrefixes } from '../../src/audit-logs';
import { isFinalRestoreStatus, pollUntil, restorablePoints, restoreBucketName, s3RestoreMetadata } from '../../src/restore';

const KEY = 'arn:aws:kms:eu-west-1:666666666666:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const BUCKET = 'guardrails-restore-666666666666-eu-west-1-abc123';

describe('s3RestoreMetadata', () => {
  test('SSE_KMS: a new bucket encrypted with the given key', () => {
    expect(s3RestoreMetadata({ destinationBucketName: BUCKET, encryption: 'SSE_KMS', kmsKeyArn: KEY, creationToken: 't-1' })).toEqual({
      DestinationBucketName: BUCKET,
      NewBucket: 'true',
      Encrypted: 'true',
      EncryptionType: 'SSE-KMS',
      KMSKey: KEY,
      CreationToken: 't-1',
    });
  });

  test('SSE_S3: a new bucket with SSE-S3 and no key', () => {
    const metadata = s3RestoreMetadata({ destinationBucketName: BUCKET, encryption: 'SSE_S3', creationToken: 't-2' });
    expect(metadata).toEqual({ DestinationBucketName: BUCKET, NewBucket: 'true', Encrypted: 'true', EncryptionType: 'SSE-S3', CreationToken: 't-2' });
    expect(metadata.KMSKey).toBeUndefined();
  });

  test('every value is a string (the API takes a map of strings)', () => {
    const metadata = s3RestoreMetadata({ destinationBucketName: BUCKET, encryption: 'SSE_KMS', kmsKeyArn: KEY, creationToken: 't' });
    for (const value of Object.values(metadata)) expect(typeof value).toBe('string');
  });

  test('SSE_KMS without a key, or with an alias, names the field and what is allowed', () => {
    expect(() => s3RestoreMetadata({ destinationBucketName: BUCKET, encryption: 'SSE_KMS', creationToken: 't' })).toThrow(
      /SSE_KMS needs kmsKeyArn, a key ARN .* received undefined/,
    );
    expect(() => s3RestoreMetadata({ destinationBucketName: BUCKET, encryption: 'SSE_KMS', kmsKeyArn: 'alias/data', creationToken: 't' })).toThrow(
      /received "alias\/data"/,
    );
    expect(() =>
      s3RestoreMetadata({ destinationBucketName: BUCKET, encryption: 'SSE_KMS', kmsKeyArn: 'arn:aws:kms:eu-west-1:666666666666:key/data', creationToken: 't' }),
    ).toThrow(/a key ARN \(arn:<partition>:kms:<region>:<account-id>:key\/<key-id> .* received "arn:aws:kms:eu-west-1:666666666666:key\/data"/);
  });

  test('SSE_S3 with a key is refused (it would be ignored)', () => {
    expect(() => s3RestoreMetadata({ destinationBucketName: BUCKET, encryption: 'SSE_S3', kmsKeyArn: KEY, creationToken: 't' })).toThrow(
      /kmsKeyArn is only allowed with encryption SSE_KMS/,
    );
  });

  test('an unknown encryption mode is refused', () => {
    expect(() => s3RestoreMetadata({ destinationBucketName: BUCKET, encryption: 'aws:kms', creationToken: 't' })).toThrow(
      /encryption must be "SSE_S3" or "SSE_KMS" .* received "aws:kms"/,
    );
  });

  test.each([
    ['Upper-Case-guardrails-restore-x', /S3 bucket name/],
    ['guardrails-restore--double-hyphen', /S3 bucket name/],
    [`guardrails-restore-${'x'.repeat(50)}`, /S3 bucket name/],
    ['prod-data-bucket', /must start with "guardrails-restore-"/],
  ])('the destination %s is refused', (name, message) => {
    expect(() => s3RestoreMetadata({ destinationBucketName: name, encryption: 'SSE_S3', creationToken: 't' })).toThrow(message);
  });

  test('an empty creation token is refused', () => {
    expect(() => s3RestoreMetadata({ destinationBucketName: BUCKET, encryption: 'SSE_S3', creationToken: ' ' })).toThrow(/creationToken must not be empty/);
  });
});

describe('restoreBucketName', () => {
  test('prefix, account, region and time; a valid name for the restore metadata', () => {
    const name = restoreBucketName('666666666666', 'eu-west-1', new Date(Date.UTC(2026, 10, 29)));
    expect(name).toMatch(/^guardrails-restore-666666666666-eu-west-1-[0-9a-z]+$/);
    expect(() => s3RestoreMetadata({ destinationBucketName: name, encryption: 'SSE_S3', creationToken: 't' })).not.toThrow();
  });

  test('the longest region names still fit in 63 characters', () => {
    expect(restoreBucketName('666666666666', 'ap-southeast-7', new Date(Date.UTC(2099, 11, 31))).length).toBeLessThanOrEqual(63);
  });

  test('two runs at different times get different buckets', () => {
    expect(restoreBucketName('666666666666', 'eu-west-1', new Date(1000))).not.toBe(restoreBucketName('666666666666', 'eu-west-1', new Date(2000)));
  });

  test('a wrong account or region names the value', () => {
    expect(() => restoreBucketName('6666', 'eu-west-1', new Date())).toThrow(/accountId must be 12 digits, received "6666"/);
    expect(() => restoreBucketName('666666666666', 'EU_WEST', new Date())).toThrow(/region must be a region name .* received "EU_WEST"/);
  });
});

describe('restorablePoints', () => {
  const point = (arn: string, day: number, status = 'COMPLETED', vault = 'prod-guardrails') => ({
    RecoveryPointArn: arn,
    CreationDate: new Date(Date.UTC(2026, 10, day)),
    Status: status,
    BackupVaultName: vault,
  });

  test('newest first, only restorable points of the vault', () => {
    const points = [
      point('old', 1),
      point('newest-but-partial', 5, 'PARTIAL'),
      point('new', 4, 'AVAILABLE'),
      point('other-vault', 6, 'COMPLETED', 'another-vault'),
      point('creating', 7, 'CREATING'),
      point('middle', 3),
    ];
    expect(restorablePoints(points, 'prod-guardrails').map((p) => p.RecoveryPointArn)).toEqual(['new', 'middle', 'old']);
  });

  test('none yet: an empty list (the suite fails and names the plan window)', () => {
    expect(restorablePoints([point('creating', 1, 'CREATING')], 'prod-guardrails')).toEqual([]);
  });
});

describe('isFinalRestoreStatus', () => {
  test.each([
    ['COMPLETED', true],
    ['FAILED', true],
    ['ABORTED', true],
    ['PENDING', false],
    ['RUNNING', false],
    [undefined, false],
  ])('%s -> %s', (status, final) => {
    expect(isFinalRestoreStatus(status)).toBe(final);
  });
});

describe('pollUntil', () => {
  test('returns the first value, without calling again', async () => {
    let calls = 0;
    const value = await pollUntil(async () => (++calls === 3 ? 'done' : undefined), 10, 0);
    expect(value).toBe('done');
    expect(calls).toBe(3);
  });

  test('bounded: undefined after the last attempt', async () => {
    let calls = 0;
    await expect(
      pollUntil(
        async () => {
          calls++;
          return undefined;
        },
        4,
        0,
      ),
    ).resolves.toBeUndefined();
    expect(calls).toBe(4);
  });

  test('attempts must be a positive integer', async () => {
    await expect(pollUntil(async () => 1, 0, 0)).rejects.toThrow(/attempts must be a positive integer, received 0/);
  });
});

describe('trailLogPrefixes', () => {
  test("today's and yesterday's UTC day of the trail's region", () => {
    expect(trailLogPrefixes('666666666666', 'eu-west-1', new Date(Date.UTC(2026, 0, 1, 0, 5)))).toEqual([
      'AWSLogs/666666666666/CloudTrail/eu-west-1/2026/01/01/',
      'AWSLogs/666666666666/CloudTrail/eu-west-1/2025/12/31/',
    ]);
  });
});

describe('newestObject', () => {
  test('the most recently written object; undefined for an empty listing', () => {
    const objects = [
      { Key: 'a', LastModified: new Date(1000) },
      { Key: 'c', LastModified: new Date(3000) },
      { Key: 'b', LastModified: new Date(2000) },
      { Key: 'no-date' },
    ];
    expect(newestObject(objects)?.Key).toBe('c');
    expect(newestObject([])).toBeUndefined();
  });
});
