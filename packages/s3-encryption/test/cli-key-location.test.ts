import { run } from '../bin-src/cli';
import { regionOfLocation } from '../bin-src/core';
import { FakeS3 } from './support/fake-s3';

const KEY_EU = 'arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555';
const KEY_US = 'arn:aws:kms:us-east-1:111111111111:key/11111111-2222-3333-4444-555555555555';
const KEY_OTHER_ACCOUNT = 'arn:aws:kms:eu-west-1:222222222222:key/11111111-2222-3333-4444-555555555555';

function cli(fake: FakeS3) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s), client: () => fake.client } };
}

describe('the chosen key against the bucket (before anything is written)', () => {
  test.each([
    ['apply', ['apply', '--bucket', 'team-data', '--kms-key-arn', KEY_US]],
    ['apply --dry-run', ['apply', '--bucket', 'team-data', '--kms-key-arn', KEY_US, '--dry-run']],
    ['reencrypt', ['reencrypt', '--bucket', 'team-data', '--kms-key-arn', KEY_US]],
    ['reencrypt --dry-run', ['reencrypt', '--bucket', 'team-data', '--kms-key-arn', KEY_US, '--dry-run']],
  ])('%s: a key in another region fails in one line naming both regions; nothing is written', async (_name, argv) => {
    // GIVEN a bucket in eu-west-1 and a key in us-east-1
    const fake = new FakeS3();
    fake.addBucket('team-data', { region: 'eu-west-1' });
    const { err, io } = cli(fake);
    // WHEN
    const code = await run(argv, io);
    // THEN
    expect(code).toBe(1);
    expect(err.join('')).toMatch(
      /^error \(KeyInOtherRegion\): --kms-key-arn: received a key in us-east-1; expected a key in eu-west-1, the region of bucket 'team-data'/,
    );
    expect(err.join('').split('\n').filter(Boolean)).toHaveLength(1);
    expect(fake.calls.map((c) => c.command)).toEqual(['GetBucketLocation']);
  });

  test("a key in the bucket's region and account: no warning (control)", async () => {
    const fake = new FakeS3();
    fake.addBucket('team-data', { region: 'eu-west-1' });
    const { err, io } = cli(fake);
    expect(await run(['apply', '--bucket', 'team-data', '--kms-key-arn', KEY_EU], io)).toBe(0);
    expect(err).toEqual([]);
    expect(fake.buckets.get('team-data')!.encryption!.kmsKeyId).toBe(KEY_EU);
  });

  test('a bucket in us-east-1 (no location constraint) and a key there: no warning', async () => {
    const fake = new FakeS3();
    fake.addBucket('team-data', { region: 'us-east-1' });
    const { err, io } = cli(fake);
    expect(await run(['apply', '--bucket', 'team-data', '--kms-key-arn', KEY_US, '--dry-run'], io)).toBe(0);
    expect(err).toEqual([]);
  });

  test('a key of another account: a warning naming the account, and the command goes on', async () => {
    const fake = new FakeS3();
    fake.addBucket('team-data', { region: 'eu-west-1', ownerAccount: '111111111111' });
    const { err, io } = cli(fake);
    expect(await run(['apply', '--bucket', 'team-data', '--kms-key-arn', KEY_OTHER_ACCOUNT], io)).toBe(0);
    expect(err.join('')).toMatch(/^warning: the key is in account 222222222222, bucket 'team-data' is not: the key policy in 222222222222 decides/);
    expect(fake.calls.find((c) => c.command === 'GetBucketLocation' && c.input.ExpectedBucketOwner === '222222222222')).toBeDefined();
  });

  test('without s3:GetBucketLocation: a warning that the check could not run; SSE-S3 needs no check', async () => {
    const fake = new FakeS3();
    fake.addBucket('team-data', { denied: new Set(['GetBucketLocation']) });
    const { err, io } = cli(fake);
    expect(await run(['apply', '--bucket', 'team-data', '--kms-key-arn', KEY_EU, '--dry-run'], io)).toBe(0);
    expect(err.join('')).toMatch(/could not check that the key is in the region and account of 'team-data' \(s3:GetBucketLocation denied\)/);
    const sseS3 = new FakeS3();
    sseS3.addBucket('team-data', {});
    expect(await run(['apply', '--bucket', 'team-data', '--sse-s3', '--dry-run'], cli(sseS3).io)).toBe(0);
    expect(sseS3.calls.map((c) => c.command)).not.toContain('GetBucketLocation');
  });

  test('location constraints: none is us-east-1, EU is eu-west-1', () => {
    expect(regionOfLocation(undefined)).toBe('us-east-1');
    expect(regionOfLocation('')).toBe('us-east-1');
    expect(regionOfLocation('EU')).toBe('eu-west-1');
    expect(regionOfLocation('ap-southeast-2')).toBe('ap-southeast-2');
  });
});
