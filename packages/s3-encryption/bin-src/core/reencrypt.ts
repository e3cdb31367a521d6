import { appendFileSync, copyFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import {
  AbortMultipartUploadCommand, CompletedPart, CompleteMultipartUploadCommand, CopyObjectCommand, CreateMultipartUploadCommand,
  GetObjectTaggingCommand, HeadObjectCommand, HeadObjectCommandOutput, ListObjectsV2Command, S3Client, ServerSideEncryption, StorageClass,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { isKmsAlgorithm } from '../../lib/private/statements';
import { call, CliError, errorName, isAccessDenied } from './errors';
import { RateLimiter } from './rate-limiter';
import { bucketArn, describeEncryption, WantedEncryption } from './target';

/** CopyObject copies at most 5 GiB in one request; larger objects are copied with a multipart copy (UploadPartCopy). */
export const MAX_COPY_OBJECT_BYTES = 5 * 1024 ** 3;

const MiB = 1024 ** 2;
/** Preferred part size of a multipart copy (a 12 GiB object takes 24 parts). */
export const MULTIPART_PART_BYTES = 512 * MiB;
/** S3 multipart limits: parts of 5 MiB to 5 GiB (the last one may be smaller), at most 10,000 parts. */
export const MIN_PART_BYTES = 5 * MiB;
export const MAX_PART_BYTES = 5 * 1024 ** 3;
export const MAX_PARTS = 10_000;

export interface CopyPart {
  readonly partNumber: number;
  /** First byte (inclusive). */
  readonly start: number;
  /** Last byte (inclusive), as in `x-amz-copy-source-range: bytes=start-end`. */
  readonly end: number;
}

/**
 * Split an object of `size` bytes into the parts of a multipart copy: 512 MiB parts, or larger
 * (a whole number of MiB) when 512 MiB parts would exceed 10,000 parts; the last part may be smaller.
 */
export function planCopyParts(size: number): CopyPart[] {
  if (!Number.isSafeInteger(size) || size <= 0) throw new RangeError(`object size must be a positive whole number of bytes, received ${size}`);
  const partSize = Math.max(MULTIPART_PART_BYTES, Math.ceil(size / MAX_PARTS / MiB) * MiB);
  if (partSize > MAX_PART_BYTES) {
    throw new RangeError(`object of ${size} bytes needs parts of ${partSize} bytes; S3 allows at most ${MAX_PARTS} parts of ${MAX_PART_BYTES} bytes`);
  }
  const parts: CopyPart[] = [];
  for (let start = 0; start < size; start += partSize) {
    parts.push({ partNumber: parts.length + 1, start, end: Math.min(start + partSize, size) - 1 });
  }
  return parts;
}

export interface ReencryptOptions {
  readonly bucket: string;
  readonly wanted: WantedEncryption;
  /** Checkpoint file; a run that finds it continues where the last one stopped. */
  readonly stateFile: string;
  /** Only objects under this prefix. @default all objects */
  readonly prefix?: string;
  /**
   * At most this many objects per second (HeadObject + CopyObject each). An object over 5 GiB takes one
   * more slot per further request of its multipart copy (tags, create, each part, complete). @default 50
   */
  readonly ratePerSecond?: number;
  /** Above this many objects, write an S3 Batch Operations manifest instead of copying. @default 100000 */
  readonly batchThreshold?: number;
  /** Write the manifest whatever the count. */
  readonly forceManifest?: boolean;
  /** Manifest path. @default <stateFile>.manifest.csv */
  readonly manifestFile?: string;
  /** Save the checkpoint every this many objects (and at the end, on abort and on a fatal error). @default 25 */
  readonly saveEvery?: number;
  readonly region?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: ReencryptProgress) => void;
  /** Clock and sleep for the rate limiter (tests). */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface ReencryptProgress {
  readonly done: number;
  readonly total: number;
  readonly copied: number;
}

/**
 * The checkpoint. Version 1 throughout: the multipart fields were added as optional fields, and a
 * checkpoint written before multipart copies existed (with `tooLarge`) still loads (see `tooLarge`).
 */
export interface ReencryptState {
  readonly version: 1;
  readonly bucket: string;
  readonly algorithm: string;
  readonly kmsKeyArn?: string;
  readonly prefix?: string;
  /** Objects to visit, one `bucket,url-encoded key` line each (also the Batch Operations manifest format). */
  worklist: string;
  listingComplete: boolean;
  total: number;
  /** Index of the next object of the worklist to visit. */
  nextIndex: number;
  /** Objects re-encrypted (by CopyObject or, over 5 GiB, by multipart copy). */
  copied: number;
  /** Of `copied`, those copied by multipart copy (over 5 GiB). */
  copiedMultipart?: number;
  alreadyEncrypted: number;
  /** Deleted or overwritten while the run was going (a new write already went through the policy). */
  changedDuringRun: number;
  /**
   * Legacy: checkpoints written before this tool copied objects over 5 GiB list here the objects it
   * skipped for that reason. A run that loads such a checkpoint visits them again (after the worklist)
   * and removes each one once handled; new checkpoints do not have this field.
   */
  tooLarge?: string[];
  /**
   * A multipart copy that was started and neither completed nor aborted (the process died during it).
   * The next run aborts it before anything else, so no incomplete upload is left billing storage.
   */
  openUpload?: { key: string; uploadId: string };
  failed: Array<{ key: string; error: string }>;
}

export interface ReencryptResult {
  readonly mode: 'copied' | 'manifest' | 'interrupted';
  readonly state: ReencryptState;
  readonly manifestFile?: string;
  readonly jobSpecFile?: string;
}

/**
 * Re-encrypt, in place, every object of the bucket that is not yet in the wanted mode:
 * HeadObject, then CopyObject onto itself with the new encryption (metadata, tags and storage
 * class kept; `x-amz-copy-source-if-match` so an object overwritten meanwhile is not clobbered).
 * Objects over 5 GiB get the same in place with a multipart copy (see `multipartCopy`).
 *
 * Resumable: progress is checkpointed in `stateFile`; a later run continues from there.
 * Above `batchThreshold` objects it writes an S3 Batch Operations manifest and a draft job instead.
 */
export async function reencryptBucket(client: S3Client, opts: ReencryptOptions): Promise<ReencryptResult> {
  const saveEvery = opts.saveEvery ?? 25;
  const state = loadOrCreateState(opts);
  const save = () => saveState(opts.stateFile, state);

  if (!state.listingComplete) {
    await listInto(client, opts, state);
    state.listingComplete = true;
    save();
  }

  if (state.openUpload) {
    await abortOpenUpload(client, opts.bucket, state);
    save();
  }

  if (opts.forceManifest || state.total > (opts.batchThreshold ?? 100_000)) {
    return writeManifest(opts, state);
  }

  const keys = readWorklist(state.worklist);
  const limiter = new RateLimiter(opts.ratePerSecond ?? 50, opts.now, opts.sleep);
  const kms = isKmsAlgorithm(opts.wanted.algorithm);
  const visit = async (key: string): Promise<Outcome> => {
    await limiter.acquire();
    try {
      return await reencryptObject(client, opts, state, key, kms, limiter, save);
    } catch (err) {
      if (err instanceof CliError) {
        save();
        throw err;
      }
      state.failed.push({ key, error: `${errorName(err)}: ${(err as Error).message}` });
      return 'done';
    }
  };
  for (let i = state.nextIndex; i < keys.length; i++) {
    if (opts.signal?.aborted) {
      save();
      return { mode: 'interrupted', state };
    }
    // an object interrupted between the parts of its multipart copy stays the next one to visit
    if (await visit(keys[i]) === 'interrupted') {
      save();
      return { mode: 'interrupted', state };
    }
    state.nextIndex = i + 1;
    if (state.nextIndex % saveEvery === 0) save();
    opts.onProgress?.({ done: state.nextIndex, total: state.total, copied: state.copied });
  }
  // objects over 5 GiB that a checkpoint of an earlier version of this tool skipped
  while (state.tooLarge && state.tooLarge.length > 0) {
    if (opts.signal?.aborted || await visit(state.tooLarge[0]) === 'interrupted') {
      save();
      return { mode: 'interrupted', state };
    }
    state.tooLarge.shift();
    save();
  }
  delete state.tooLarge;
  save();
  return { mode: 'copied', state };
}

/** `interrupted`: the abort signal stopped a multipart copy between two parts (the upload was aborted). */
type Outcome = 'done' | 'interrupted';

async function reencryptObject(
  client: S3Client, opts: ReencryptOptions, state: ReencryptState, key: string, kms: boolean, limiter: RateLimiter, save: () => void,
): Promise<Outcome> {
  const { bucket, wanted } = opts;
  let head: HeadObjectCommandOutput;
  try {
    head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  } catch (err) {
    const name = errorName(err);
    if (name === 'NotFound' || name === 'NoSuchKey') {
      state.changedDuringRun++;
      return 'done';
    }
    if (isAccessDenied(err) || name === 'NoSuchBucket') throw fatal(err, 'HeadObject', bucket);
    throw err;
  }
  if (head.ServerSideEncryption === wanted.algorithm && (!kms || head.SSEKMSKeyId === wanted.kmsKeyArn)) {
    state.alreadyEncrypted++;
    return 'done';
  }
  if ((head.ContentLength ?? 0) > MAX_COPY_OBJECT_BYTES) {
    return multipartCopy(client, opts, state, key, head, kms, limiter, save);
  }
  try {
    await client.send(new CopyObjectCommand({
      Bucket: bucket,
      Key: key,
      CopySource: copySource(bucket, key),
      CopySourceIfMatch: head.ETag,
      MetadataDirective: 'COPY',
      TaggingDirective: 'COPY',
      StorageClass: head.StorageClass as StorageClass | undefined,
      ServerSideEncryption: wanted.algorithm as ServerSideEncryption,
      SSEKMSKeyId: kms ? wanted.kmsKeyArn : undefined,
      BucketKeyEnabled: kms ? true : undefined,
      // A copy does not inherit the source version's Object Lock settings: set them again.
      ...objectLockOf(head),
    }));
    state.copied++;
  } catch (err) {
    const name = errorName(err);
    if (name === 'PreconditionFailed' || name === 'NoSuchKey') {
      state.changedDuringRun++;
      return 'done';
    }
    if (isAccessDenied(err) || name === 'NoSuchBucket') throw fatal(err, 'CopyObject', bucket);
    throw err;
  }
  return 'done';
}

/**
 * The Object Lock settings of the version being replaced, for the new version: its legal hold, and
 * its retention while the retain-until date is still in the future (S3 refuses a past date; a
 * retention that has run out protects nothing any more). A bucket's default retention still
 * applies to a version that gets none here.
 */
export function objectLockOf(head: Pick<HeadObjectCommandOutput, 'ObjectLockMode' | 'ObjectLockRetainUntilDate' | 'ObjectLockLegalHoldStatus'>, now: Date = new Date()): {
  ObjectLockMode?: HeadObjectCommandOutput['ObjectLockMode'];
  ObjectLockRetainUntilDate?: Date;
  ObjectLockLegalHoldStatus?: HeadObjectCommandOutput['ObjectLockLegalHoldStatus'];
} {
  const retained = head.ObjectLockMode !== undefined && head.ObjectLockRetainUntilDate !== undefined
    && head.ObjectLockRetainUntilDate.getTime() > now.getTime();
  return {
    ...(retained ? { ObjectLockMode: head.ObjectLockMode, ObjectLockRetainUntilDate: head.ObjectLockRetainUntilDate } : {}),
    ...(head.ObjectLockLegalHoldStatus !== undefined ? { ObjectLockLegalHoldStatus: head.ObjectLockLegalHoldStatus } : {}),
  };
}

function copySource(bucket: string, key: string): string {
  return `${bucket}/${encodeURIComponent(key)}`;
}

/**
 * Re-encrypt an object over 5 GiB in place: CreateMultipartUpload on the same key with the wanted
 * encryption and everything `MetadataDirective`/`TaggingDirective: COPY` would keep, UploadPartCopy
 * of each byte range with `x-amz-copy-source-if-match` on the ETag seen by HeadObject (an object
 * overwritten meanwhile fails the part with PreconditionFailed and is left alone), then
 * CompleteMultipartUpload with the parts in order. On any error and on the abort signal the
 * upload is aborted, so no incomplete upload is left billing storage.
 *
 * Rate: the caller's acquire covered HeadObject; each further request (GetObjectTagging,
 * CreateMultipartUpload, every UploadPartCopy, CompleteMultipartUpload) takes a slot of its own.
 * Each part is a write to the prefix and, for SSE-KMS, KMS calls, so counting per request keeps
 * the S3 and KMS request rates under --rate whatever the object size; a part copy itself takes far
 * longer than a slot, so this costs large objects next to nothing. AbortMultipartUpload takes no
 * slot: clean-up must not wait.
 */
async function multipartCopy(
  client: S3Client, opts: ReencryptOptions, state: ReencryptState, key: string, head: HeadObjectCommandOutput,
  kms: boolean, limiter: RateLimiter, save: () => void,
): Promise<Outcome> {
  const { bucket, wanted } = opts;
  const parts = planCopyParts(head.ContentLength!);

  let tagging: string;
  await limiter.acquire();
  try {
    const tags = await client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }));
    tagging = (tags.TagSet ?? []).map((t) => `${encodeURIComponent(t.Key!)}=${encodeURIComponent(t.Value ?? '')}`).join('&');
  } catch (err) {
    const name = errorName(err);
    if (name === 'NoSuchKey' || name === 'NotFound') {
      state.changedDuringRun++;
      return 'done';
    }
    if (name === 'NoSuchBucket') throw fatal(err, 'GetObjectTagging', bucket);
    if (isAccessDenied(err)) {
      // failing the object, not dropping its tags: a copy without them would lose them for good
      throw Object.assign(new Error(
        `GetObjectTagging was denied, so the tags of this object over 5 GiB could not be carried over to its multipart copy; `
        + `it was not copied. Grant s3:GetObjectTagging on arn:aws:s3:::${bucket}/* and run again.`,
      ), { name: 'AccessDenied' });
    }
    throw err;
  }

  await limiter.acquire();
  let uploadId: string;
  try {
    const created = await client.send(new CreateMultipartUploadCommand({
      Bucket: bucket,
      Key: key,
      ServerSideEncryption: wanted.algorithm as ServerSideEncryption,
      SSEKMSKeyId: kms ? wanted.kmsKeyArn : undefined,
      BucketKeyEnabled: kms ? true : undefined,
      Metadata: head.Metadata,
      ContentType: head.ContentType,
      CacheControl: head.CacheControl,
      ContentDisposition: head.ContentDisposition,
      ContentEncoding: head.ContentEncoding,
      ContentLanguage: head.ContentLanguage,
      Expires: head.Expires,
      StorageClass: head.StorageClass as StorageClass | undefined,
      WebsiteRedirectLocation: head.WebsiteRedirectLocation,
      Tagging: tagging || undefined,
      ...objectLockOf(head),
    }));
    if (!created.UploadId) throw new Error('CreateMultipartUpload returned no UploadId');
    uploadId = created.UploadId;
  } catch (err) {
    if (isAccessDenied(err) || errorName(err) === 'NoSuchBucket') throw fatal(err, 'CreateMultipartUpload', bucket);
    throw err;
  }
  // recorded before the first part: if the process dies now, the next run aborts this upload
  state.openUpload = { key, uploadId };
  save();

  let operation = 'UploadPartCopy';
  try {
    const completed: CompletedPart[] = [];
    for (const part of parts) {
      if (opts.signal?.aborted) {
        operation = 'AbortMultipartUpload';
        await abortUpload(client, bucket, key, uploadId);
        delete state.openUpload;
        return 'interrupted';
      }
      await limiter.acquire();
      const out = await client.send(new UploadPartCopyCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        PartNumber: part.partNumber,
        CopySource: copySource(bucket, key),
        CopySourceRange: `bytes=${part.start}-${part.end}`,
        CopySourceIfMatch: head.ETag,
      }));
      if (!out.CopyPartResult?.ETag) throw new Error(`UploadPartCopy of part ${part.partNumber} returned no ETag`);
      completed.push({ PartNumber: part.partNumber, ETag: out.CopyPartResult.ETag });
    }
    operation = 'CompleteMultipartUpload';
    await limiter.acquire();
    await client.send(new CompleteMultipartUploadCommand({
      Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: completed },
      // Only while the key still holds the object we copied: a write that landed after the last
      // part would otherwise be overwritten by the older content (S3 conditional writes, If-Match).
      IfMatch: head.ETag,
    }));
  } catch (err) {
    const abortError = await abortUpload(client, bucket, key, uploadId).then(() => undefined, (e: unknown) => e);
    if (abortError === undefined) delete state.openUpload;
    const name = errorName(err);
    if (name === 'PreconditionFailed' || name === 'NoSuchKey') {
      state.changedDuringRun++;
      return 'done';
    }
    if (isAccessDenied(err) || name === 'NoSuchBucket') throw fatal(err, operation, bucket);
    if (abortError !== undefined) {
      (err as Error).message += ` (and AbortMultipartUpload of upload ${uploadId} failed: ${errorName(abortError)}; the next run aborts it again)`;
    }
    throw err;
  }
  delete state.openUpload;
  state.copied++;
  state.copiedMultipart = (state.copiedMultipart ?? 0) + 1;
  return 'done';
}

async function abortUpload(client: S3Client, bucket: string, key: string, uploadId: string): Promise<void> {
  try {
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
  } catch (err) {
    if (errorName(err) !== 'NoSuchUpload') throw err; // already gone: nothing left to bill
  }
}

/** Abort the upload a run that died during a multipart copy left open. */
async function abortOpenUpload(client: S3Client, bucket: string, state: ReencryptState): Promise<void> {
  const { key, uploadId } = state.openUpload!;
  try {
    await abortUpload(client, bucket, key, uploadId);
  } catch (err) {
    if (isAccessDenied(err) || errorName(err) === 'NoSuchBucket') throw fatal(err, 'AbortMultipartUpload', bucket);
    throw err;
  }
  delete state.openUpload;
}

function fatal(err: unknown, operation: string, bucket: string): CliError {
  return new CliError(isAccessDenied(err) ? 'AccessDenied' : 'NoSuchBucket', `${explain(err, operation, bucket)} Progress is saved; run again to continue.`);
}

const MULTIPART_OPERATIONS = ['GetObjectTagging', 'CreateMultipartUpload', 'UploadPartCopy', 'CompleteMultipartUpload', 'AbortMultipartUpload'];

function explain(err: unknown, operation: string, bucket: string): string {
  if (!isAccessDenied(err)) return `Bucket '${bucket}' does not exist: ${operation} returned NoSuchBucket.`;
  const multipart = MULTIPART_OPERATIONS.includes(operation);
  return `Access denied: ${operation} on bucket '${bucket}'${multipart ? ' (multipart copy of an object over 5 GiB)' : ''}. `
    + `The caller needs s3:GetObject and s3:PutObject on arn:aws:s3:::${bucket}/*`
    + (multipart ? ', and for objects over 5 GiB also s3:GetObjectTagging, s3:PutObjectTagging and s3:AbortMultipartUpload,' : '')
    + ` and, for SSE-KMS, kms:Decrypt on the old key and kms:GenerateDataKey${multipart ? ' and kms:Decrypt' : ''} on the new key.`;
}

function loadOrCreateState(opts: ReencryptOptions): ReencryptState {
  if (existsSync(opts.stateFile)) {
    const state = JSON.parse(readFileSync(opts.stateFile, 'utf8')) as ReencryptState;
    if (state.bucket !== opts.bucket || state.algorithm !== opts.wanted.algorithm
      || state.kmsKeyArn !== opts.wanted.kmsKeyArn || state.prefix !== opts.prefix) {
      throw new CliError(
        'StateMismatch',
        `State file ${opts.stateFile} belongs to another run (bucket ${state.bucket}, ${describeEncryption(state)}, prefix ${state.prefix ?? '(none)'}); `
        + `this run is bucket ${opts.bucket}, ${describeEncryption(opts.wanted)}, prefix ${opts.prefix ?? '(none)'}. Use another --state-file or delete it.`,
      );
    }
    return state;
  }
  const state: ReencryptState = {
    version: 1,
    bucket: opts.bucket,
    algorithm: opts.wanted.algorithm,
    kmsKeyArn: opts.wanted.kmsKeyArn,
    prefix: opts.prefix,
    worklist: `${opts.stateFile}.worklist.csv`,
    listingComplete: false,
    total: 0,
    nextIndex: 0,
    copied: 0,
    alreadyEncrypted: 0,
    changedDuringRun: 0,
    copiedMultipart: 0,
    failed: [],
  };
  saveState(opts.stateFile, state);
  return state;
}

function saveState(file: string, state: ReencryptState): void {
  // write-then-rename, so an interruption never leaves a half-written checkpoint
  writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2));
  renameSync(`${file}.tmp`, file);
}

async function listInto(client: S3Client, opts: ReencryptOptions, state: ReencryptState): Promise<void> {
  writeFileSync(state.worklist, '');
  let total = 0;
  let token: string | undefined;
  do {
    const page = await call('ListObjectsV2', opts.bucket, () => client.send(new ListObjectsV2Command({
      Bucket: opts.bucket, Prefix: opts.prefix, ContinuationToken: token,
    })));
    const lines = (page.Contents ?? []).filter((o) => o.Key !== undefined).map((o) => `${opts.bucket},${encodeKey(o.Key!)}\n`);
    if (lines.length > 0) appendFileSync(state.worklist, lines.join(''));
    total += lines.length;
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  state.total = total;
}

/** Batch Operations CSV manifests need URL-encoded keys. */
function encodeKey(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, '/');
}

function readWorklist(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0).map((l) => decodeURIComponent(l.slice(l.indexOf(',') + 1)));
}

function writeManifest(opts: ReencryptOptions, state: ReencryptState): ReencryptResult {
  const manifestFile = opts.manifestFile ?? `${opts.stateFile}.manifest.csv`;
  const jobSpecFile = `${manifestFile}.job.json`;
  copyFileSync(state.worklist, manifestFile);
  const kms = isKmsAlgorithm(opts.wanted.algorithm);
  // A draft input for `aws s3control create-job --cli-input-json`: fill in the <placeholders>.
  const job = {
    AccountId: '<account id of the bucket>',
    ConfirmationRequired: true,
    Description: `Re-encrypt ${opts.bucket} in place with ${describeEncryption(opts.wanted)}`,
    Priority: 10,
    RoleArn: '<role that S3 Batch Operations assumes: s3:GetObject*, s3:PutObject* on the bucket'
      + `${kms ? ', kms:Decrypt, kms:GenerateDataKey on the keys' : ''}; s3:GetObject on the manifest; s3:PutObject on the report bucket>`,
    Operation: {
      S3PutObjectCopy: {
        TargetResource: bucketArn(opts.bucket, opts.region),
        MetadataDirective: 'COPY',
        NewObjectMetadata: { SSEAlgorithm: kms ? 'KMS' : 'AES256' },
        ...(kms ? { SSEAwsKmsKeyId: opts.wanted.kmsKeyArn, BucketKeyEnabled: true } : {}),
      },
    },
    Manifest: {
      Spec: { Format: 'S3BatchOperations_CSV_20180820', Fields: ['Bucket', 'Key'] },
      Location: { ObjectArn: '<arn:aws:s3:::manifest-bucket/path/to/manifest.csv>', ETag: '<ETag of the uploaded manifest>' },
    },
    Report: { Bucket: '<arn:aws:s3:::report-bucket>', Prefix: `reencrypt/${opts.bucket}`, Format: 'Report_CSV_20180820', Enabled: true, ReportScope: 'FailedTasksOnly' },
  };
  writeFileSync(jobSpecFile, JSON.stringify(job, null, 2));
  return { mode: 'manifest', state, manifestFile, jobSpecFile };
}

/** Summary lines for the end of a run. */
export function formatReencryptResult(r: ReencryptResult): string {
  const s = r.state;
  if (r.mode === 'manifest') {
    return [
      `bucket ${s.bucket}: ${s.total} objects, at or above the batch threshold: wrote an S3 Batch Operations manifest instead of copying.`,
      `  manifest: ${r.manifestFile}`,
      `  draft job: ${r.jobSpecFile} (fill in the <placeholders>)`,
      '  next: upload the manifest to S3, note its ETag, then: aws s3control create-job --cli-input-json file://<draft job>',
      '  The job copies every listed object (also those already encrypted) and keeps STANDARD storage class unless you set StorageClass.',
      '  Batch Operations Copy copies objects up to 5 GB only: objects over 5 GiB fail in the job (see its failure report).',
      '  Re-encrypt those with this tool (it copies them by multipart copy): a reencrypt run with a new --state-file and',
      '  --batch-threshold above the object count (or a --prefix that selects them); objects already encrypted are only checked.',
    ].join('\n');
  }
  const multipart = s.copiedMultipart ?? 0;
  const lines = [
    `bucket ${s.bucket}: ${s.nextIndex}/${s.total} objects visited; ${s.copied} re-encrypted`
    + `${multipart > 0 ? ` (${multipart} over 5 GiB by multipart copy)` : ''}, ${s.alreadyEncrypted} already ${describeEncryption(s)}, `
    + `${s.changedDuringRun} changed during the run, ${s.failed.length} failed`,
  ];
  if (r.mode === 'interrupted') lines.push('  interrupted: run the same command again to continue from the checkpoint');
  const legacy = s.tooLarge ?? [];
  if (legacy.length > 0) {
    lines.push(`  still to visit: ${legacy.length} objects over 5 GiB that an earlier version of this tool skipped: ${legacy.slice(0, 20).join(', ')}${legacy.length > 20 ? ' ...' : ''}`);
  }
  for (const f of s.failed.slice(0, 20)) lines.push(`  failed: ${f.key}: ${f.error}`);
  return lines.join('\n');
}
