import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RateLimiter, reencryptBucket, wantedEncryption } from '../bin-src/core';
import { run } from '../bin-src/cli';
import { FakeS3 } from './support/fake-s3';

const KEY_ARN = 'arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555';
const noSleep = async () => undefined;

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 's3enc-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** 10 objects: 3 already SSE-KMS with the key, 7 not (SSE-S3, another key, or one in GLACIER_IR). */
function bucketWithObjects(fake: FakeS3): void {
  fake.addBucket('data');
  for (let i = 0; i < 10; i++) {
    const key = `logs/2026/file ${i}.json`; // spaces and slashes: URL-encoding matters
    if (i % 3 === 0) fake.putObject('data', key, { sse: 'aws:kms', kmsKeyId: KEY_ARN });
    else if (i === 5) fake.putObject('data', key, { sse: 'aws:kms', kmsKeyId: 'arn:aws:kms:eu-west-1:111111111111:key/other' });
    else if (i === 7) fake.putObject('data', key, { sse: 'AES256', storageClass: 'GLACIER_IR' });
    else fake.putObject('data', key, { sse: 'AES256' });
  }
}

function copiedKeys(fake: FakeS3): string[] {
  return fake.calls.filter((c) => c.command === 'CopyObject').map((c) => c.input.Key);
}

function allEncrypted(fake: FakeS3): boolean {
  return [...fake.buckets.get('data')!.objects.values()].every((o) => o.sse === 'aws:kms' && o.kmsKeyId === KEY_ARN);
}

describe('reencrypt', () => {
  test('copies in place only the objects not yet in the wanted mode, keeping the storage class', async () => {
    const fake = new FakeS3();
    bucketWithObjects(fake);
    const result = await reencryptBucket(fake.client, {
      bucket: 'data', wanted: wantedEncryption({ kmsKeyArn: KEY_ARN }), stateFile: join(dir, 'state.json'), sleep: noSleep,
    });
    expect(result.mode).toBe('copied');
    expect(result.state).toMatchObject({ total: 10, copied: 6, alreadyEncrypted: 4, failed: [] });
    expect(fake.count('CopyObject')).toBe(6);
    expect(allEncrypted(fake)).toBe(true);
    expect(fake.buckets.get('data')!.objects.get('logs/2026/file 7.json')!.storageClass).toBe('GLACIER_IR');
    const copy = fake.calls.find((c) => c.command === 'CopyObject')!.input;
    expect(copy).toMatchObject({ MetadataDirective: 'COPY', TaggingDirective: 'COPY', BucketKeyEnabled: true, SSEKMSKeyId: KEY_ARN, CopySourceIfMatch: expect.any(String) });
    expect(copy.CopySource).toBe('data/logs%2F2026%2Ffile%201.json');
  });

  test('resumes after an interruption without copying any object twice', async () => {
    const fake = new FakeS3();
    bucketWithObjects(fake);
    const stateFile = join(dir, 'state.json');
    const controller = new AbortController();
    const wanted = wantedEncryption({ kmsKeyArn: KEY_ARN });

    // WHEN the first run is stopped after 4 objects (Ctrl-C)
    const first = await reencryptBucket(fake.client, {
      bucket: 'data', wanted, stateFile, sleep: noSleep, signal: controller.signal,
      onProgress: (p) => { if (p.done === 4) controller.abort(); },
    });
    expect(first.mode).toBe('interrupted');
    expect(JSON.parse(readFileSync(stateFile, 'utf8')).nextIndex).toBe(4);
    const copiesBefore = fake.count('CopyObject');
    const headsBefore = fake.count('HeadObject');
    expect(headsBefore).toBe(4);

    // THEN a second run continues at object 5 and finishes
    const second = await reencryptBucket(fake.client, { bucket: 'data', wanted, stateFile, sleep: noSleep });
    expect(second.mode).toBe('copied');
    expect(fake.count('HeadObject') - headsBefore).toBe(6);
    expect(fake.count('ListObjectsV2')).toBe(4); // listed once (10 objects, pages of 3), not again
    expect(fake.count('CopyObject')).toBe(6);
    expect(copiesBefore).toBeGreaterThan(0);
    expect(copiedKeys(fake)).toHaveLength(new Set(copiedKeys(fake)).size);
    expect(second.state.copied).toBe(6);
    expect(allEncrypted(fake)).toBe(true);
  });

  test('resumes after a crash from the last checkpoint (objects after it are seen as done, not copied again)', async () => {
    const fake = new FakeS3();
    bucketWithObjects(fake);
    const stateFile = join(dir, 'state.json');
    const wanted = wantedEncryption({ kmsKeyArn: KEY_ARN });
    await expect(reencryptBucket(fake.client, {
      bucket: 'data', wanted, stateFile, sleep: noSleep, saveEvery: 3,
      onProgress: (p) => { if (p.done === 5) throw new Error('process killed'); },
    })).rejects.toThrow('process killed');
    expect(JSON.parse(readFileSync(stateFile, 'utf8')).nextIndex).toBe(3);

    await reencryptBucket(fake.client, { bucket: 'data', wanted, stateFile, sleep: noSleep });
    expect(fake.count('CopyObject')).toBe(6);
    expect(copiedKeys(fake)).toHaveLength(new Set(copiedKeys(fake)).size);
    expect(allEncrypted(fake)).toBe(true);
  });

  test('stops on AccessDenied with a clear message, keeps the checkpoint, and continues once fixed', async () => {
    const fake = new FakeS3();
    bucketWithObjects(fake);
    const stateFile = join(dir, 'state.json');
    const wanted = wantedEncryption({ kmsKeyArn: KEY_ARN });
    fake.failCopyAt = { n: 3, error: Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }) };
    await expect(reencryptBucket(fake.client, { bucket: 'data', wanted, stateFile, sleep: noSleep }))
      .rejects.toThrow(/Access denied: CopyObject on bucket 'data'.*kms:GenerateDataKey on the new key. Progress is saved; run again to continue./);
    fake.failCopyAt = undefined;
    await reencryptBucket(fake.client, { bucket: 'data', wanted, stateFile, sleep: noSleep });
    expect(allEncrypted(fake)).toBe(true);
  });

  test('fails if the state file belongs to another run', async () => {
    const fake = new FakeS3();
    bucketWithObjects(fake);
    const stateFile = join(dir, 'state.json');
    await reencryptBucket(fake.client, { bucket: 'data', wanted: wantedEncryption({ sseS3: true }), stateFile, sleep: noSleep, forceManifest: true });
    await expect(reencryptBucket(fake.client, { bucket: 'data', wanted: wantedEncryption({ kmsKeyArn: KEY_ARN }), stateFile, sleep: noSleep }))
      .rejects.toMatchObject({ code: 'StateMismatch' });
  });

  test('writes an S3 Batch Operations manifest instead of copying above the threshold', async () => {
    const fake = new FakeS3();
    bucketWithObjects(fake);
    const result = await reencryptBucket(fake.client, {
      bucket: 'data', wanted: wantedEncryption({ kmsKeyArn: KEY_ARN }), stateFile: join(dir, 'state.json'), batchThreshold: 5, sleep: noSleep,
    });
    expect(result.mode).toBe('manifest');
    expect(fake.count('CopyObject')).toBe(0);
    const lines = readFileSync(result.manifestFile!, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe('data,logs/2026/file%200.json');
    const job = JSON.parse(readFileSync(result.jobSpecFile!, 'utf8'));
    expect(job.Operation.S3PutObjectCopy).toMatchObject({ TargetResource: 'arn:aws:s3:::data', SSEAwsKmsKeyId: KEY_ARN, BucketKeyEnabled: true, MetadataDirective: 'COPY' });
    expect(job.Manifest.Spec).toEqual({ Format: 'S3BatchOperations_CSV_20180820', Fields: ['Bucket', 'Key'] });
  });

  test('leaves objects over 5 GiB for a multipart copy and lists them', async () => {
    const fake = new FakeS3();
    fake.addBucket('data');
    fake.putObject('data', 'huge.bin', { size: 6 * 1024 ** 3 });
    const result = await reencryptBucket(fake.client, { bucket: 'data', wanted: wantedEncryption({ kmsKeyArn: KEY_ARN }), stateFile: join(dir, 's.json'), sleep: noSleep });
    expect(result.state.tooLarge).toEqual(['huge.bin']);
    expect(fake.count('CopyObject')).toBe(0);
  });

  test('counts an object overwritten during the run instead of clobbering the new version', async () => {
    const fake = new FakeS3();
    fake.addBucket('data');
    fake.putObject('data', 'a', { sse: 'AES256' });
    const realSend = fake.client.send.bind(fake.client);
    // overwrite the object between HeadObject and CopyObject
    (fake.client as any).send = async (cmd: any) => {
      const out = await realSend(cmd);
      if (cmd.constructor.name === 'HeadObjectCommand') fake.putObject('data', 'a', { sse: 'aws:kms', kmsKeyId: KEY_ARN });
      return out;
    };
    const result = await reencryptBucket(fake.client, { bucket: 'data', wanted: wantedEncryption({ kmsKeyArn: KEY_ARN }), stateFile: join(dir, 's.json'), sleep: noSleep });
    expect(result.state.changedDuringRun).toBe(1);
    expect(result.state.copied).toBe(0);
  });

  test('fails with a clear message if the bucket does not exist', async () => {
    const fake = new FakeS3();
    const err: string[] = [];
    const code = await run(['reencrypt', '--bucket', 'nope', '--sse-s3', '--state-file', join(dir, 's.json')], {
      stdout: () => undefined, stderr: (s) => err.push(s), client: () => fake.client,
    });
    expect(code).toBe(1);
    expect(err.join('')).toMatch(/error \(NoSuchBucket\): Bucket 'nope' does not exist: ListObjectsV2 returned NoSuchBucket/);
  });
});

describe('RateLimiter', () => {
  test('spaces calls to the rate', async () => {
    let now = 0;
    const slept: number[] = [];
    const limiter = new RateLimiter(4, () => now, async (ms) => { slept.push(ms); now += ms; });
    for (let i = 0; i < 5; i++) await limiter.acquire();
    // 5 calls at 4/s: the 5th starts 1 s after the 1st
    expect(now).toBe(1000);
    expect(slept).toEqual([250, 250, 250, 250]);
  });

  test('fails if the rate is not positive', () => {
    expect(() => new RateLimiter(0)).toThrow(/rate must be a positive number .* received 0/);
  });
});

describe('the built bin', () => {
  const pkgDir = join(__dirname, '..');
  const bin = join(pkgDir, 'bin', 's3-encryption-migrate.js');
  beforeAll(() => {
    execFileSync(process.execPath, [join(pkgDir, 'scripts', 'build-bin.mjs')], { stdio: 'pipe' });
  }, 60_000);

  test('is declared in package.json and prints help', () => {
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    expect(pkg.bin['s3-encryption-migrate']).toBe('bin/s3-encryption-migrate.js');
    expect(existsSync(bin)).toBe(true);
    const out = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/report[\s\S]*apply[\s\S]*reencrypt/);
  });

  test('exits 1 with a clear message when the encryption is not chosen', () => {
    const out = spawnSync(process.execPath, [bin, 'apply', '--bucket', 'b'], { encoding: 'utf8', env: { ...process.env, AWS_REGION: 'eu-west-1' } });
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(/error \(InvalidArgument\): Choose the encryption: --sse-s3, or --kms-key-arn/);
  });
});
