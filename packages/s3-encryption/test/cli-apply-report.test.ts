import { evaluate } from '@cdk-guardrails/policy-test-kit';
import { applyEncryption, CliError, mergeEnforcingStatements, reportBuckets, wantedEncryption } from '../bin-src/core';
import { run } from '../bin-src/cli';
import { enforcingStatements } from '../lib/private/statements';
import { FakeS3 } from './support/fake-s3';

const KEY_ARN = 'arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555';
const OTHER_KEY_ARN = 'arn:aws:kms:eu-west-1:111111111111:key/99999999-8888-7777-6666-555555555555';

const EXISTING_POLICY = {
  Version: '2012-10-17',
  Id: 'TeamPolicy',
  Statement: [
    {
      Sid: 'AnalyticsRead',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::222222222222:role/analytics' },
      Action: ['s3:GetObject', 's3:ListBucket'],
      Resource: ['arn:aws:s3:::team-data', 'arn:aws:s3:::team-data/*'],
    },
    {
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:DeleteBucket',
      Resource: 'arn:aws:s3:::team-data',
      Condition: { StringNotEquals: { 'aws:PrincipalAccount': '111111111111' } },
    },
  ],
};

function io(fake: FakeS3) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s), client: () => fake.client } };
}

describe('apply', () => {
  test('merges the enforcing statements into the existing policy without losing any statement, and sets SSE-KMS with Bucket Keys', async () => {
    // GIVEN
    const fake = new FakeS3();
    fake.addBucket('team-data', { policy: JSON.stringify(EXISTING_POLICY) });
    // WHEN
    const result = await applyEncryption(fake.client, { bucket: 'team-data', wanted: wantedEncryption({ kmsKeyArn: KEY_ARN }) });
    // THEN
    const after = JSON.parse(fake.buckets.get('team-data')!.policy!);
    expect(after.Id).toBe('TeamPolicy');
    expect(after.Statement.slice(0, 2)).toEqual(EXISTING_POLICY.Statement);
    expect(after.Statement.map((s: any) => s.Sid).slice(2)).toEqual([
      'GuardrailsDenyInsecureTransport',
      'GuardrailsDenyUnencryptedObjectUploads',
      'GuardrailsDenyWrongEncryptionAlgorithm',
      'GuardrailsDenyWrongKmsKey',
      'GuardrailsDenyMissingKmsKeyId',
    ]);
    expect(result.addedStatements).toHaveLength(5);
    expect(fake.buckets.get('team-data')!.encryption).toEqual({ algorithm: 'aws:kms', kmsKeyId: KEY_ARN, bucketKey: true });
  });

  test('the merged live policy denies an unencrypted PUT and allows a correct one (semantic)', async () => {
    const fake = new FakeS3();
    fake.addBucket('team-data', { policy: JSON.stringify(EXISTING_POLICY) });
    await applyEncryption(fake.client, { bucket: 'team-data', wanted: wantedEncryption({ kmsKeyArn: KEY_ARN }) });
    const policy = JSON.parse(fake.buckets.get('team-data')!.policy!);
    const put = (context: Record<string, string>) =>
      evaluate({
        request: {
          action: 's3:PutObject',
          principal: 'arn:aws:iam::111111111111:role/app',
          resource: 'arn:aws:s3:::team-data/k',
          resourceAccount: '111111111111',
          context,
        },
        resourcePolicy: policy,
        identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }] }],
      });
    await expect(put({ 'aws:SecureTransport': 'true' })).resolves.toBe('ExplicitlyDenied');
    await expect(
      put({ 'aws:SecureTransport': 'true', 's3:x-amz-server-side-encryption': 'aws:kms', 's3:x-amz-server-side-encryption-aws-kms-key-id': KEY_ARN }),
    ).resolves.toBe('Allowed');
  });

  test('is idempotent: a second run adds nothing and writes no policy', async () => {
    const fake = new FakeS3();
    fake.addBucket('team-data', { policy: JSON.stringify(EXISTING_POLICY) });
    await applyEncryption(fake.client, { bucket: 'team-data', wanted: wantedEncryption({ sseS3: true }) });
    const puts = fake.count('PutBucketPolicy');
    const second = await applyEncryption(fake.client, { bucket: 'team-data', wanted: wantedEncryption({ sseS3: true }) });
    expect(second.addedStatements).toEqual([]);
    expect(second.encryptionChanged).toBe(false);
    expect(fake.count('PutBucketPolicy')).toBe(puts);
  });

  test('recognises an equivalent existing statement (aws-cdk enforceSSL style) and does not add it twice', () => {
    const existing = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 's3:*',
          Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'],
          Condition: { Bool: { 'aws:SecureTransport': false } },
        },
      ],
    };
    const merged = mergeEnforcingStatements('b', existing, enforcingStatements('arn:aws:s3:::b', { algorithm: 'AES256' }));
    expect(merged.alreadyPresent).toEqual(['GuardrailsDenyInsecureTransport']);
    expect(merged.added).toEqual(['GuardrailsDenyUnencryptedObjectUploads', 'GuardrailsDenyWrongEncryptionAlgorithm']);
  });

  test('--dry-run prints the policy before and after and changes nothing', async () => {
    const fake = new FakeS3();
    const bucket = fake.addBucket('team-data', { policy: JSON.stringify(EXISTING_POLICY) });
    const { out, io: cliIo } = io(fake);
    const code = await run(['apply', '--bucket', 'team-data', '--kms-key-arn', KEY_ARN, '--dry-run'], cliIo);
    expect(code).toBe(0);
    expect(bucket.policy).toBe(JSON.stringify(EXISTING_POLICY));
    expect(bucket.encryption).toBeUndefined();
    expect(fake.calls.filter((c) => c.command.startsWith('Put'))).toEqual([]);
    const text = out.join('');
    expect(text).toMatch(/\[dry run\] bucket team-data/);
    expect(text).toMatch(/default encryption: none -> SSE-KMS \(arn:aws:kms/);
    expect(text).toMatch(/policy before:[\s\S]*AnalyticsRead[\s\S]*policy after:[\s\S]*AnalyticsRead[\s\S]*GuardrailsDenyMissingKmsKeyId/);
    expect(text).toMatch(/dry run: nothing was changed/);
  });

  test('creates a policy on a bucket that has none', async () => {
    const fake = new FakeS3();
    fake.addBucket('fresh');
    await applyEncryption(fake.client, { bucket: 'fresh', wanted: wantedEncryption({ sseS3: true }), minimumTlsVersion: 1.2 });
    const policy = JSON.parse(fake.buckets.get('fresh')!.policy!);
    expect(policy.Statement.map((s: any) => s.Sid)).toContain('GuardrailsDenyOutdatedTls');
  });

  test('fails if the merged policy would exceed 20 KB, and changes nothing', async () => {
    const fake = new FakeS3();
    // An existing policy just under the limit (it is valid today), that our statements would push over it.
    const big = { Version: '2012-10-17', Statement: [] as any[] };
    for (let i = 0; JSON.stringify(big).length < 20 * 1024 - 400; i++) {
      big.Statement.push({
        Sid: `Reader${i}`,
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${String(100000000000 + i)}:root` },
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::big/*',
      });
    }
    expect(JSON.stringify(big).length).toBeLessThan(20 * 1024);
    const bucket = fake.addBucket('big', { policy: JSON.stringify(big) });
    await expect(applyEncryption(fake.client, { bucket: 'big', wanted: wantedEncryption({ sseS3: true }) })).rejects.toThrow(
      /Bucket 'big': the merged policy would be \d+ bytes, over the S3 limit of 20480 bytes/,
    );
    expect(bucket.policy).toBe(JSON.stringify(big));
    expect(fake.calls.filter((c) => c.command.startsWith('Put'))).toEqual([]);
  });

  test('fails if an existing statement uses one of the Sids for something else', async () => {
    const fake = new FakeS3();
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Sid: 'GuardrailsDenyInsecureTransport', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }],
    };
    fake.addBucket('b', { policy: JSON.stringify(policy) });
    await expect(applyEncryption(fake.client, { bucket: 'b', wanted: wantedEncryption({ sseS3: true }) })).rejects.toMatchObject({ code: 'PolicySidConflict' });
    expect(fake.calls.filter((c) => c.command.startsWith('Put'))).toEqual([]);
  });

  test('fails with a clear message on AccessDenied', async () => {
    const fake = new FakeS3();
    fake.addBucket('locked', { denied: new Set(['GetBucketPolicy']) });
    const { err, io: cliIo } = io(fake);
    const code = await run(['apply', '--bucket', 'locked', '--sse-s3'], cliIo);
    expect(code).toBe(1);
    expect(err.join('')).toMatch(
      /error \(AccessDenied\): Access denied: GetBucketPolicy on bucket 'locked'. The caller needs s3:GetBucketPolicy on arn:aws:s3:::locked/,
    );
  });

  test('fails with a clear message if the bucket does not exist', async () => {
    const fake = new FakeS3();
    await expect(applyEncryption(fake.client, { bucket: 'missing', wanted: wantedEncryption({ sseS3: true }) })).rejects.toThrow(
      /Bucket 'missing' does not exist: GetBucketEncryption returned NoSuchBucket/,
    );
  });

  test('refuses to weaken SSE-KMS to SSE-S3, and to replace a key without --allow-key-change', async () => {
    const fake = new FakeS3();
    fake.addBucket('kms', { encryption: { algorithm: 'aws:kms', kmsKeyId: KEY_ARN, bucketKey: true } });
    await expect(applyEncryption(fake.client, { bucket: 'kms', wanted: wantedEncryption({ sseS3: true }) })).rejects.toThrow(/refusing to switch it to SSE-S3/);
    await expect(applyEncryption(fake.client, { bucket: 'kms', wanted: wantedEncryption({ kmsKeyArn: OTHER_KEY_ARN }) })).rejects.toThrow(
      /uses the KMS key .* Pass --allow-key-change/,
    );
    await applyEncryption(fake.client, { bucket: 'kms', wanted: wantedEncryption({ kmsKeyArn: OTHER_KEY_ARN }), allowKeyChange: true });
    expect(fake.buckets.get('kms')!.encryption!.kmsKeyId).toBe(OTHER_KEY_ARN);
  });

  test('fails if the encryption is not chosen, or the key is an alias', () => {
    expect(() => wantedEncryption({})).toThrow(CliError);
    expect(() => wantedEncryption({ kmsKeyArn: 'alias/data' })).toThrow(/--kms-key-arn must be a key ARN .* received 'alias\/data'/);
    expect(() => wantedEncryption({ kmsKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/data' })).toThrow(
      /--kms-key-arn must be a key ARN .* received 'arn:aws:kms:eu-west-1:111111111111:key\/data'/,
    );
    expect(() => wantedEncryption({ sseS3: true, kmsKeyArn: KEY_ARN })).toThrow(/not both/);
  });
});

describe('report', () => {
  test('lists every bucket with its default encryption and whether its policy enforces it', async () => {
    const fake = new FakeS3();
    fake.addBucket('plain');
    fake.addBucket('enforced-kms');
    await applyEncryption(fake.client, { bucket: 'enforced-kms', wanted: wantedEncryption({ kmsKeyArn: KEY_ARN }) });
    fake.addBucket('kms-unpinned', { encryption: { algorithm: 'aws:kms', kmsKeyId: KEY_ARN, bucketKey: true } });

    const rows = await reportBuckets(fake.client);
    const byName = Object.fromEntries(rows.map((r) => [r.bucket, r]));
    expect(byName.plain).toMatchObject({ defaultEncryption: 'none', deniesInsecureTransport: false, enforced: false });
    expect(byName['enforced-kms']).toMatchObject({
      defaultEncryption: `SSE-KMS (${KEY_ARN})`,
      bucketKeyEnabled: true,
      deniesInsecureTransport: true,
      deniesUnencryptedPuts: true,
      deniesWrongAlgorithm: true,
      pinsKmsKey: true,
      enforced: true,
    });
    expect(byName['kms-unpinned']).toMatchObject({ pinsKmsKey: false, enforced: false });
  });

  test('reports an unreadable bucket as an error row and still reports the others (exit code 1)', async () => {
    const fake = new FakeS3();
    fake.addBucket('ok', { encryption: { algorithm: 'AES256' } });
    fake.addBucket('locked', { denied: new Set(['GetBucketEncryption']) });
    const { out, io: cliIo } = io(fake);
    const code = await run(['report'], cliIo);
    expect(code).toBe(1);
    const text = out.join('');
    expect(text).toMatch(/^ok\s+SSE-S3/m);
    expect(text).toMatch(/^locked\s+ERROR: Access denied: GetBucketEncryption on bucket 'locked'/m);
  });

  test('--json prints machine-readable rows', async () => {
    const fake = new FakeS3();
    fake.addBucket('a', { encryption: { algorithm: 'AES256' } });
    const { out, io: cliIo } = io(fake);
    expect(await run(['report', '--bucket', 'a', '--json'], cliIo)).toBe(0);
    expect(JSON.parse(out.join(''))).toEqual([expect.objectContaining({ bucket: 'a', defaultEncryption: 'SSE-S3', enforced: false })]);
  });
});

test('--version prints the package version and exits 0', async () => {
  const { out, io: cliIo } = io(new FakeS3());
  expect(await run(['--version'], cliIo)).toBe(0);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the version the CLI must print
  expect(out.join('').trim()).toBe(require('../package.json').version);
});

describe("expected conditions of the caller's environment: one line that says what to do, no stack trace", () => {
  const failing = (error: Error) => {
    const out: string[] = [];
    const err: string[] = [];
    const client = {
      send: async () => {
        throw error;
      },
    } as any;
    return { out, err, io: { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s), client: () => client } };
  };
  test.each([
    [
      Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }),
      /^error \(NoCredentials\): No AWS credentials found: set AWS_PROFILE/,
    ],
    [
      Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredToken' }),
      /^error \(ExpiredCredentials\): Your AWS credentials have expired/,
    ],
    [new Error('Region is missing'), /^error \(NoRegion\): No AWS region: pass --region/],
  ])('%s', async (error, message) => {
    const { err, io: cliIo } = failing(error);
    expect(await run(['report'], cliIo)).toBe(1);
    expect(err.join('')).toMatch(message);
    expect(err.join('')).not.toMatch(/\n\s+at /);
  });
  test('control: an unexpected error still prints its stack (a bug to report)', async () => {
    const { err, io: cliIo } = failing(new TypeError('boom'));
    expect(await run(['report'], cliIo)).toBe(2);
    expect(err.join('')).toMatch(/TypeError: boom\n\s+at /);
  });
});
