import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateMultipartUploadCommand } from '@aws-sdk/client-s3';
import { CliError, formatReencryptResult, planCopyParts, RateLimiter, reencryptBucket, wantedEncryption } from '../bin-src/core';
import { run } from '../bin-src/cli';
import { FakeS3 } from './support/fake-s3';

const KEY_ARN = 'arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555';
const noSleep = async () => undefined;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 's3enc-'));
});
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
  test('--dry-run counts what a run would copy and changes nothing: no copy, no upload, no state file', async () => {
    const fake = new FakeS3();
    bucketWithObjects(fake);
    const out: string[] = [];
    const stateFile = join(dir, 'state.json');
    const cliIo = { stdout: (s: string) => out.push(s), stderr: () => undefined, client: () => fake.client };
    expect(await run(['reencrypt', '--bucket', 'data', '--kms-key-arn', KEY_ARN, '--dry-run', '--state-file', stateFile], cliIo)).toBe(0);
    expect(out.join('')).toContain('would copy:         6 with CopyObject, 0 over 5 GiB');
    expect(out.join('')).toContain('already encrypted:  4');
    expect(fake.calls.map((c) => c.command).filter((c) => !['GetBucketLocation', 'ListObjectsV2', 'HeadObject'].includes(c))).toEqual([]);
    expect(existsSync(stateFile)).toBe(false);
    // control: the same run without --dry-run copies exactly those 6
    const result = await reencryptBucket(fake.client, { bucket: 'data', wanted: wantedEncryption({ kmsKeyArn: KEY_ARN }), stateFile, sleep: noSleep });
    expect(result.state.copied).toBe(6);
  });

  test('copies in place only the objects not yet in the wanted mode, keeping the storage class', async () => {
    const fake = new FakeS3();
    bucketWithObjects(fake);
    const result = await reencryptBucket(fake.client, {
      bucket: 'data',
      wanted: wantedEncryption({ kmsKeyArn: KEY_ARN }),
      stateFile: join(dir, 'state.json'),
      sleep: noSleep,
    });
    expect(result.mode).toBe('copied');
    expect(result.state).toMatchObject({ total: 10, copied: 6, alreadyEncrypted: 4, failed: [] });
    expect(fake.count('CopyObject')).toBe(6);
    expect(allEncrypted(fake)).toBe(true);
    expect(fake.buckets.get('data')!.objects.get('logs/2026/file 7.json')!.storageClass).toBe('GLACIER_IR');
    const copy = fake.calls.find((c) => c.command === 'CopyObject')!.input;
    expect(copy).toMatchObject({
      MetadataDirective: 'COPY',
      TaggingDirective: 'COPY',
      BucketKeyEnabled: true,
      SSEKMSKeyId: KEY_ARN,
      CopySourceIfMatch: expect.any(String),
    });
    expect(copy.CopySource).toBe('data/logs%2F2026%2Ffile%201.json');
  });

  test("keeps a version's Object Lock retention and legal hold on the new version (a copy inherits neither); a retention that has run out is not set again", async () => {
    const fake = new FakeS3();
    fake.addBucket('data');
    const until = new Date('2031-06-30T00:00:00Z');
    fake.putObject('data', 'locked.json', { sse: 'AES256', objectLockMode: 'COMPLIANCE', objectLockRetainUntilDate: until, objectLockLegalHoldStatus: 'ON' });
    fake.putObject('data', 'expired.json', {
      sse: 'AES256',
      objectLockMode: 'GOVERNANCE',
      objectLockRetainUntilDate: new Date('2020-01-01T00:00:00Z'),
      objectLockLegalHoldStatus: 'OFF',
    });
    const result = await reencryptBucket(fake.client, {
      bucket: 'data',
      wanted: wantedEncryption({ kmsKeyArn: KEY_ARN }),
      stateFile: join(dir, 'state.json'),
      sleep: noSleep,
    });
    expect(result.state).toMatchObject({ copied: 2, failed: [] });
    const objects = fake.buckets.get('data')!.objects;
    expect(objects.get('locked.json')).toMatchObject({
      sse: 'aws:kms',
      objectLockMode: 'COMPLIANCE',
      objectLockRetainUntilDate: until,
      objectLockLegalHoldStatus: 'ON',
    });
    expect(objects.get('expired.json')).toMatchObject({
      sse: 'aws:kms',
      objectLockMode: undefined,
      objectLockRetainUntilDate: undefined,
      objectLockLegalHoldStatus: 'OFF',
    });
    const copies = fake.calls.filter((c) => c.command === 'CopyObject').map((c) => c.input);
    expect(copies.find((c) => c.Key === 'locked.json')).toMatchObject({
      ObjectLockMode: 'COMPLIANCE',
      ObjectLockRetainUntilDate: until,
      ObjectLockLegalHoldStatus: 'ON',
    });
  });

  test('resumes after an interruption without copying any object twice', async () => {
    const fake = new FakeS3();
    bucketWithObjects(fake);
    const stateFile = join(dir, 'state.json');
    const controller = new AbortController();
    const wanted = wantedEncryption({ kmsKeyArn: KEY_ARN });

    // WHEN the first run is stopped after 4 objects (Ctrl-C)
    const first = await reencryptBucket(fake.client, {
      bucket: 'data',
      wanted,
      stateFile,
      sleep: noSleep,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done === 4) controller.abort();
      },
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
    await expect(
      reencryptBucket(fake.client, {
        bucket: 'data',
        wanted,
        stateFile,
        sleep: noSleep,
        saveEvery: 3,
        onProgress: (p) => {
          if (p.done === 5) throw new Error('process killed');
        },
      }),
    ).rejects.toThrow('process killed');
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
    await expect(reencryptBucket(fake.client, { bucket: 'data', wanted, stateFile, sleep: noSleep })).rejects.toThrow(
      /Access denied: CopyObject on bucket 'data'.*kms:GenerateDataKey on the new key. Progress is saved; run again to continue./,
    );
    fake.failCopyAt = undefined;
    await reencryptBucket(fake.client, { bucket: 'data', wanted, stateFile, sleep: noSleep });
    expect(allEncrypted(fake)).toBe(true);
  });

  test('fails if the state file belongs to another run', async () => {
    const fake = new FakeS3();
    bucketWithObjects(fake);
    const stateFile = join(dir, 'state.json');
    await reencryptBucket(fake.client, { bucket: 'data', wanted: wantedEncryption({ sseS3: true }), stateFile, sleep: noSleep, forceManifest: true });
    await expect(
      reencryptBucket(fake.client, { bucket: 'data', wanted: wantedEncryption({ kmsKeyArn: KEY_ARN }), stateFile, sleep: noSleep }),
    ).rejects.toMatchObject({ code: 'StateMismatch' });
  });

  test('writes an S3 Batch Operations manifest instead of copying above the threshold', async () => {
    const fake = new FakeS3();
    bucketWithObjects(fake);
    const result = await reencryptBucket(fake.client, {
      bucket: 'data',
      wanted: wantedEncryption({ kmsKeyArn: KEY_ARN }),
      stateFile: join(dir, 'state.json'),
      batchThreshold: 5,
      sleep: noSleep,
    });
    expect(result.mode).toBe('manifest');
    expect(fake.count('CopyObject')).toBe(0);
    const lines = readFileSync(result.manifestFile!, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe('data,logs/2026/file%200.json');
    const job = JSON.parse(readFileSync(result.jobSpecFile!, 'utf8'));
    expect(job.Operation.S3PutObjectCopy).toMatchObject({
      TargetResource: 'arn:aws:s3:::data',
      SSEAwsKmsKeyId: KEY_ARN,
      BucketKeyEnabled: true,
      MetadataDirective: 'COPY',
    });
    expect(job.Manifest.Spec).toEqual({ Format: 'S3BatchOperations_CSV_20180820', Fields: ['Bucket', 'Key'] });
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
    const result = await reencryptBucket(fake.client, {
      bucket: 'data',
      wanted: wantedEncryption({ kmsKeyArn: KEY_ARN }),
      stateFile: join(dir, 's.json'),
      sleep: noSleep,
    });
    expect(result.state.changedDuringRun).toBe(1);
    expect(result.state.copied).toBe(0);
  });

  test('fails with a clear message if the bucket does not exist', async () => {
    const fake = new FakeS3();
    const err: string[] = [];
    const code = await run(['reencrypt', '--bucket', 'nope', '--sse-s3', '--state-file', join(dir, 's.json')], {
      stdout: () => undefined,
      stderr: (s) => err.push(s),
      client: () => fake.client,
    });
    expect(code).toBe(1);
    expect(err.join('')).toMatch(/error \(NoSuchBucket\): Bucket 'nope' does not exist: ListObjectsV2 returned NoSuchBucket/);
  });
});

describe('reencrypt: objects over 5 GiB (multipart copy)', () => {
  const MiB = 1024 ** 2;
  const GiB = 1024 ** 3;
  const BIG = 'video/big file.bin';
  const wanted = wantedEncryption({ kmsKeyArn: KEY_ARN });
  const denied = () => Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });

  /** A 12 GiB object (size only, no data) with everything a COPY directive keeps, and a small object beside it. */
  function bucketWithBigObject(fake: FakeS3, withSmall = true): string {
    fake.addBucket('data');
    fake.putObject('data', BIG, {
      size: 12 * GiB,
      sse: 'AES256',
      storageClass: 'STANDARD_IA',
      metadata: { owner: 'team a' },
      tags: { project: 'x y', 'cost&center': '42=a' },
      contentType: 'video/mp4',
      cacheControl: 'max-age=60',
      contentDisposition: 'attachment; filename="big.bin"',
      contentEncoding: 'identity',
      contentLanguage: 'en',
      expires: new Date('2030-01-01T00:00:00Z'),
      websiteRedirectLocation: '/elsewhere',
      objectLockMode: 'GOVERNANCE',
      objectLockRetainUntilDate: new Date('2031-01-01T00:00:00Z'),
      objectLockLegalHoldStatus: 'ON',
    });
    if (withSmall) fake.putObject('data', 'small.txt', { sse: 'AES256' });
    return fake.buckets.get('data')!.objects.get(BIG)!.etag;
  }

  const inputs = (fake: FakeS3, command: string) => fake.calls.filter((c) => c.command === command).map((c) => c.input);

  test('plans 512 MiB parts, larger parts only to stay within 10,000, and refuses what S3 cannot copy', () => {
    const twelve = planCopyParts(12 * GiB);
    expect(twelve).toHaveLength(24);
    expect(twelve[0]).toEqual({ partNumber: 1, start: 0, end: 512 * MiB - 1 });
    expect(twelve[23]).toEqual({ partNumber: 24, start: 23 * 512 * MiB, end: 12 * GiB - 1 });

    const justOver = planCopyParts(5 * GiB + 1);
    expect(justOver).toHaveLength(11);
    expect(justOver[10]).toEqual({ partNumber: 11, start: 5 * GiB, end: 5 * GiB }); // the last part may be 1 byte

    const fiveTiB = planCopyParts(5 * 1024 * GiB);
    expect(fiveTiB.length).toBeLessThanOrEqual(10_000);
    expect(fiveTiB[0].end + 1).toBe(525 * MiB); // 512 MiB parts would be 10,240
    fiveTiB.forEach((p, i) => {
      expect(p.start).toBe(i === 0 ? 0 : fiveTiB[i - 1].end + 1);
      if (i < fiveTiB.length - 1) expect(p.end - p.start + 1).toBeGreaterThanOrEqual(5 * MiB);
    });
    expect(fiveTiB[fiveTiB.length - 1].end).toBe(5 * 1024 * GiB - 1);

    expect(() => planCopyParts(10_000 * 5 * GiB + 1)).toThrow(/at most 10000 parts of 5368709120 bytes/);
  });

  test('copies a 12 GiB object in place in 24 ranged parts with the wanted encryption, keeping metadata, tags, storage class and lock', async () => {
    const fake = new FakeS3();
    const etag = bucketWithBigObject(fake);
    const result = await reencryptBucket(fake.client, { bucket: 'data', wanted, stateFile: join(dir, 's.json'), sleep: noSleep });

    expect(result.state).toMatchObject({ copied: 2, copiedMultipart: 1, failed: [], changedDuringRun: 0 });
    expect(copiedKeys(fake)).toEqual(['small.txt']); // CopyObject only for the small one

    expect(inputs(fake, 'GetObjectTagging')).toEqual([{ Bucket: 'data', Key: BIG }]);
    const [create] = inputs(fake, 'CreateMultipartUpload');
    expect(create).toMatchObject({
      Bucket: 'data',
      Key: BIG,
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: KEY_ARN,
      BucketKeyEnabled: true,
      StorageClass: 'STANDARD_IA',
      Metadata: { owner: 'team a' },
      ContentType: 'video/mp4',
      CacheControl: 'max-age=60',
      ContentDisposition: 'attachment; filename="big.bin"',
      ContentEncoding: 'identity',
      ContentLanguage: 'en',
      Expires: new Date('2030-01-01T00:00:00Z'),
      WebsiteRedirectLocation: '/elsewhere',
      ObjectLockMode: 'GOVERNANCE',
      ObjectLockRetainUntilDate: new Date('2031-01-01T00:00:00Z'),
      ObjectLockLegalHoldStatus: 'ON',
    });
    expect(create.Tagging).toBe('project=x%20y&cost%26center=42%3Da');

    const parts = inputs(fake, 'UploadPartCopy');
    expect(parts).toHaveLength(24);
    parts.forEach((p, i) => {
      expect(p).toMatchObject({
        Bucket: 'data',
        Key: BIG,
        UploadId: 'upload-1',
        PartNumber: i + 1,
        CopySource: 'data/video%2Fbig%20file.bin',
        CopySourceIfMatch: etag,
        CopySourceRange: `bytes=${i * 512 * MiB}-${Math.min((i + 1) * 512 * MiB, 12 * GiB) - 1}`,
      });
    });
    const [complete] = inputs(fake, 'CompleteMultipartUpload');
    expect(complete.IfMatch).toBe(etag);
    expect(complete.MultipartUpload.Parts.map((p: any) => p.PartNumber)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    expect(complete.MultipartUpload.Parts.every((p: any) => typeof p.ETag === 'string')).toBe(true);
    expect(fake.count('AbortMultipartUpload')).toBe(0);
    expect(fake.uploads.size).toBe(0);

    const after = fake.buckets.get('data')!.objects.get(BIG)!;
    expect(after).toMatchObject({
      size: 12 * GiB,
      sse: 'aws:kms',
      kmsKeyId: KEY_ARN,
      bucketKey: true,
      storageClass: 'STANDARD_IA',
      metadata: { owner: 'team a' },
      tags: { project: 'x y', 'cost&center': '42=a' },
      contentType: 'video/mp4',
      objectLockLegalHoldStatus: 'ON',
    });
    expect(allEncrypted(fake)).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 's.json'), 'utf8'))).not.toHaveProperty('openUpload');
    expect(formatReencryptResult(result)).toMatch(/2 re-encrypted \(1 over 5 GiB by multipart copy\)/);
  });

  test('an object overwritten between two parts: the part fails PreconditionFailed, the upload is aborted, the new object is left alone', async () => {
    const fake = new FakeS3();
    bucketWithBigObject(fake, false);
    fake.afterCall = (command) => {
      if (command === 'UploadPartCopy' && fake.count('UploadPartCopy') === 3) fake.putObject('data', BIG, { size: 12 * GiB, sse: 'AES256' });
    };
    const result = await reencryptBucket(fake.client, { bucket: 'data', wanted, stateFile: join(dir, 's.json'), sleep: noSleep });
    expect(result.mode).toBe('copied');
    expect(result.state).toMatchObject({ changedDuringRun: 1, copied: 0, failed: [] });
    expect(fake.count('UploadPartCopy')).toBe(4);
    expect(fake.count('CompleteMultipartUpload')).toBe(0);
    expect(inputs(fake, 'AbortMultipartUpload')).toEqual([{ Bucket: 'data', Key: BIG, UploadId: 'upload-1' }]);
    expect(fake.uploads.size).toBe(0);
    expect(fake.buckets.get('data')!.objects.get(BIG)!.sse).toBe('AES256'); // the new version, not clobbered
  });

  test('an object written after the last part is not overwritten with the older copy: CompleteMultipartUpload is conditional (If-Match), the upload is aborted and counted', async () => {
    const fake = new FakeS3();
    bucketWithBigObject(fake, false);
    let parts = 0;
    fake.afterCall = (command) => {
      // A writer replaces the object between the 24th part and the completion.
      if (command === 'UploadPartCopy' && ++parts === 24)
        fake.putObject('data', BIG, { size: 1024, sse: 'aws:kms', kmsKeyId: KEY_ARN, contentType: 'text/plain' });
    };
    const result = await reencryptBucket(fake.client, { bucket: 'data', wanted, stateFile: join(dir, 's.json'), sleep: noSleep });
    expect(result.state).toMatchObject({ copied: 0, changedDuringRun: 1, failed: [] });
    expect(fake.buckets.get('data')!.objects.get(BIG)).toMatchObject({ size: 1024, contentType: 'text/plain' });
    expect(fake.count('AbortMultipartUpload')).toBe(1);
    expect(fake.uploads.size).toBe(0);
  });

  test('AccessDenied on a part aborts the upload and stops with a CliError naming the multipart permissions', async () => {
    const fake = new FakeS3();
    bucketWithBigObject(fake, false);
    const stateFile = join(dir, 's.json');
    fake.failAt = { command: 'UploadPartCopy', n: 2, error: denied() };
    const run1 = reencryptBucket(fake.client, { bucket: 'data', wanted, stateFile, sleep: noSleep });
    await expect(run1).rejects.toBeInstanceOf(CliError);
    await expect(run1).rejects.toMatchObject({ code: 'AccessDenied' });
    await expect(run1).rejects.toThrow(
      /Access denied: UploadPartCopy on bucket 'data' \(multipart copy of an object over 5 GiB\).*s3:AbortMultipartUpload.*Progress is saved/,
    );
    expect(inputs(fake, 'AbortMultipartUpload')).toEqual([{ Bucket: 'data', Key: BIG, UploadId: 'upload-1' }]);
    expect(fake.uploads.size).toBe(0);
    const saved = JSON.parse(readFileSync(stateFile, 'utf8'));
    expect(saved.nextIndex).toBe(0);
    expect(saved).not.toHaveProperty('openUpload');

    fake.failAt = undefined;
    const run2 = await reencryptBucket(fake.client, { bucket: 'data', wanted, stateFile, sleep: noSleep });
    expect(run2.state).toMatchObject({ copied: 1, copiedMultipart: 1 });
    expect(allEncrypted(fake)).toBe(true);
  });

  test('fails the object, without copying it, when its tags cannot be read (rather than dropping them)', async () => {
    const fake = new FakeS3();
    bucketWithBigObject(fake);
    fake.buckets.get('data')!.denied = new Set(['GetObjectTagging']);
    const result = await reencryptBucket(fake.client, { bucket: 'data', wanted, stateFile: join(dir, 's.json'), sleep: noSleep });
    expect(result.state.copied).toBe(1); // small.txt
    expect(result.state.failed).toEqual([
      { key: BIG, error: expect.stringMatching(/^AccessDenied: GetObjectTagging was denied.*not copied\. Grant s3:GetObjectTagging/) },
    ]);
    expect(fake.count('CreateMultipartUpload')).toBe(0);
    expect(fake.buckets.get('data')!.objects.get(BIG)!.sse).toBe('AES256');
    expect(formatReencryptResult(result)).toMatch(/failed: video\/big file.bin: AccessDenied: GetObjectTagging was denied/);
  });

  test('the abort signal between two parts aborts the upload and leaves a checkpoint that redoes the object', async () => {
    const fake = new FakeS3();
    bucketWithBigObject(fake, false);
    const stateFile = join(dir, 's.json');
    const controller = new AbortController();
    fake.afterCall = (command) => {
      if (command === 'UploadPartCopy' && fake.count('UploadPartCopy') === 2) controller.abort();
    };
    const first = await reencryptBucket(fake.client, { bucket: 'data', wanted, stateFile, sleep: noSleep, signal: controller.signal });
    expect(first.mode).toBe('interrupted');
    expect(fake.count('UploadPartCopy')).toBe(2);
    expect(fake.count('CompleteMultipartUpload')).toBe(0);
    expect(inputs(fake, 'AbortMultipartUpload')).toEqual([{ Bucket: 'data', Key: BIG, UploadId: 'upload-1' }]);
    expect(fake.uploads.size).toBe(0);
    const saved = JSON.parse(readFileSync(stateFile, 'utf8'));
    expect(saved).toMatchObject({ nextIndex: 0, copied: 0 });
    expect(saved).not.toHaveProperty('openUpload');

    fake.afterCall = undefined;
    const second = await reencryptBucket(fake.client, { bucket: 'data', wanted, stateFile, sleep: noSleep });
    expect(second.mode).toBe('copied');
    expect(second.state).toMatchObject({ nextIndex: 1, copied: 1, copiedMultipart: 1 });
    expect(fake.count('UploadPartCopy')).toBe(2 + 24);
    expect(allEncrypted(fake)).toBe(true);
  });

  test('a run aborts the upload that a run killed during a multipart copy left open', async () => {
    const fake = new FakeS3();
    bucketWithBigObject(fake, false);
    const stateFile = join(dir, 's.json');
    // the first run listed the bucket, started the upload, recorded it, and was killed
    const { UploadId } = await fake.client.send(new CreateMultipartUploadCommand({ Bucket: 'data', Key: BIG }));
    writeFileSync(`${stateFile}.worklist.csv`, 'data,video/big%20file.bin\n');
    writeFileSync(
      stateFile,
      JSON.stringify({
        version: 1,
        bucket: 'data',
        algorithm: 'aws:kms',
        kmsKeyArn: KEY_ARN,
        worklist: `${stateFile}.worklist.csv`,
        listingComplete: true,
        total: 1,
        nextIndex: 0,
        copied: 0,
        copiedMultipart: 0,
        alreadyEncrypted: 0,
        changedDuringRun: 0,
        failed: [],
        openUpload: { key: BIG, uploadId: UploadId },
      }),
    );
    const result = await reencryptBucket(fake.client, { bucket: 'data', wanted, stateFile, sleep: noSleep });
    expect(inputs(fake, 'AbortMultipartUpload')[0]).toEqual({ Bucket: 'data', Key: BIG, UploadId });
    expect(fake.uploads.size).toBe(0);
    expect(result.state).toMatchObject({ copied: 1 });
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).not.toHaveProperty('openUpload');
  });

  test('takes one rate-limiter slot per request of the multipart copy (tags, create, each part, complete)', async () => {
    const fake = new FakeS3();
    bucketWithBigObject(fake, false);
    let now = 0;
    const waits: number[] = [];
    // a fake clock: each wait advances it, so every acquire after the first waits one slot
    await reencryptBucket(fake.client, {
      bucket: 'data',
      wanted,
      stateFile: join(dir, 's.json'),
      ratePerSecond: 1,
      now: () => now,
      sleep: async (ms) => {
        waits.push(ms);
        now += ms;
      },
    });
    // HeadObject + GetObjectTagging + CreateMultipartUpload + 24 parts + CompleteMultipartUpload = 28 slots, the first free
    expect(waits).toHaveLength(27);
    expect(fake.count('UploadPartCopy')).toBe(24);
  });

  test('a checkpoint from before multipart copies (with tooLarge) loads, and the objects it skipped are copied', async () => {
    const fake = new FakeS3();
    fake.addBucket('data');
    fake.putObject('data', 'a', { sse: 'aws:kms', kmsKeyId: KEY_ARN });
    fake.putObject('data', 'huge.bin', { size: 6 * GiB, sse: 'AES256' });
    const stateFile = join(dir, 'old.json');
    writeFileSync(`${stateFile}.worklist.csv`, 'data,a\ndata,huge.bin\n');
    const old = {
      version: 1,
      bucket: 'data',
      algorithm: 'aws:kms',
      kmsKeyArn: KEY_ARN,
      worklist: `${stateFile}.worklist.csv`,
      listingComplete: true,
      total: 2,
      nextIndex: 2,
      copied: 0,
      alreadyEncrypted: 1,
      changedDuringRun: 0,
      tooLarge: ['huge.bin'],
      failed: [],
    };
    writeFileSync(stateFile, JSON.stringify(old));
    expect(formatReencryptResult({ mode: 'interrupted', state: old as any })).toMatch(/still to visit: 1 objects over 5 GiB .*: huge\.bin/);

    const result = await reencryptBucket(fake.client, { bucket: 'data', wanted, stateFile, sleep: noSleep });
    expect(result.mode).toBe('copied');
    expect(result.state).toMatchObject({ copied: 1, copiedMultipart: 1, alreadyEncrypted: 1, nextIndex: 2 });
    expect(fake.count('ListObjectsV2')).toBe(0);
    expect(inputs(fake, 'HeadObject')).toEqual([{ Bucket: 'data', Key: 'huge.bin' }]);
    expect(fake.count('UploadPartCopy')).toBe(12);
    expect(allEncrypted(fake)).toBe(true);
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).not.toHaveProperty('tooLarge');
    expect(formatReencryptResult(result)).not.toMatch(/still to visit/);
  });
});

describe('RateLimiter', () => {
  test('spaces calls to the rate', async () => {
    let now = 0;
    const slept: number[] = [];
    const limiter = new RateLimiter(
      4,
      () => now,
      async (ms) => {
        slept.push(ms);
        now += ms;
      },
    );
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
