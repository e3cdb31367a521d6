import { appendFileSync, copyFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import {
  CopyObjectCommand, HeadObjectCommand, HeadObjectCommandOutput, ListObjectsV2Command, S3Client, ServerSideEncryption, StorageClass,
} from '@aws-sdk/client-s3';
import { isKmsAlgorithm } from '../../lib/private/statements';
import { call, CliError, errorName, isAccessDenied } from './errors';
import { RateLimiter } from './rate-limiter';
import { bucketArn, describeEncryption, WantedEncryption } from './target';

/** CopyObject copies at most 5 GiB in one request (larger objects need a multipart copy). */
export const MAX_COPY_OBJECT_BYTES = 5 * 1024 ** 3;

export interface ReencryptOptions {
  readonly bucket: string;
  readonly wanted: WantedEncryption;
  /** Checkpoint file; a run that finds it continues where the last one stopped. */
  readonly stateFile: string;
  /** Only objects under this prefix. @default all objects */
  readonly prefix?: string;
  /** At most this many objects per second (HeadObject + CopyObject each). @default 50 */
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
  copied: number;
  alreadyEncrypted: number;
  /** Deleted or overwritten while the run was going (a new write already went through the policy). */
  changedDuringRun: number;
  /** Larger than 5 GiB: need a multipart copy (not done by this tool). */
  tooLarge: string[];
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

  if (opts.forceManifest || state.total > (opts.batchThreshold ?? 100_000)) {
    return writeManifest(opts, state);
  }

  const keys = readWorklist(state.worklist);
  const limiter = new RateLimiter(opts.ratePerSecond ?? 50, opts.now, opts.sleep);
  const kms = isKmsAlgorithm(opts.wanted.algorithm);
  for (let i = state.nextIndex; i < keys.length; i++) {
    if (opts.signal?.aborted) {
      save();
      return { mode: 'interrupted', state };
    }
    const key = keys[i];
    await limiter.acquire();
    try {
      await reencryptObject(client, opts, state, key, kms);
    } catch (err) {
      if (err instanceof CliError) {
        save();
        throw err;
      }
      state.failed.push({ key, error: `${errorName(err)}: ${(err as Error).message}` });
    }
    state.nextIndex = i + 1;
    if (state.nextIndex % saveEvery === 0) save();
    opts.onProgress?.({ done: state.nextIndex, total: state.total, copied: state.copied });
  }
  save();
  return { mode: 'copied', state };
}

async function reencryptObject(client: S3Client, opts: ReencryptOptions, state: ReencryptState, key: string, kms: boolean): Promise<void> {
  const { bucket, wanted } = opts;
  let head: HeadObjectCommandOutput;
  try {
    head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  } catch (err) {
    const name = errorName(err);
    if (name === 'NotFound' || name === 'NoSuchKey') {
      state.changedDuringRun++;
      return;
    }
    if (isAccessDenied(err) || name === 'NoSuchBucket') throw fatal(err, 'HeadObject', bucket);
    throw err;
  }
  if (head.ServerSideEncryption === wanted.algorithm && (!kms || head.SSEKMSKeyId === wanted.kmsKeyArn)) {
    state.alreadyEncrypted++;
    return;
  }
  if ((head.ContentLength ?? 0) > MAX_COPY_OBJECT_BYTES) {
    state.tooLarge.push(key);
    return;
  }
  try {
    await client.send(new CopyObjectCommand({
      Bucket: bucket,
      Key: key,
      CopySource: `${bucket}/${encodeURIComponent(key)}`,
      CopySourceIfMatch: head.ETag,
      MetadataDirective: 'COPY',
      TaggingDirective: 'COPY',
      StorageClass: head.StorageClass as StorageClass | undefined,
      ServerSideEncryption: wanted.algorithm as ServerSideEncryption,
      SSEKMSKeyId: kms ? wanted.kmsKeyArn : undefined,
      BucketKeyEnabled: kms ? true : undefined,
    }));
    state.copied++;
  } catch (err) {
    const name = errorName(err);
    if (name === 'PreconditionFailed' || name === 'NoSuchKey') {
      state.changedDuringRun++;
      return;
    }
    if (isAccessDenied(err) || name === 'NoSuchBucket') throw fatal(err, 'CopyObject', bucket);
    throw err;
  }
}

function fatal(err: unknown, operation: string, bucket: string): CliError {
  return new CliError(isAccessDenied(err) ? 'AccessDenied' : 'NoSuchBucket', `${explain(err, operation, bucket)} Progress is saved; run again to continue.`);
}

function explain(err: unknown, operation: string, bucket: string): string {
  return isAccessDenied(err)
    ? `Access denied: ${operation} on bucket '${bucket}'. The caller needs s3:GetObject and s3:PutObject on arn:aws:s3:::${bucket}/*`
      + ' and, for SSE-KMS, kms:Decrypt on the old key and kms:GenerateDataKey on the new key.'
    : `Bucket '${bucket}' does not exist: ${operation} returned NoSuchBucket.`;
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
    tooLarge: [],
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
    ].join('\n');
  }
  const lines = [
    `bucket ${s.bucket}: ${s.nextIndex}/${s.total} objects visited; ${s.copied} re-encrypted, ${s.alreadyEncrypted} already ${describeEncryption(s)}, `
    + `${s.changedDuringRun} changed during the run, ${s.tooLarge.length} larger than 5 GiB, ${s.failed.length} failed`,
  ];
  if (r.mode === 'interrupted') lines.push('  interrupted: run the same command again to continue from the checkpoint');
  if (s.tooLarge.length > 0) lines.push(`  larger than 5 GiB (need a multipart copy): ${s.tooLarge.slice(0, 20).join(', ')}${s.tooLarge.length > 20 ? ' ...' : ''}`);
  for (const f of s.failed.slice(0, 20)) lines.push(`  failed: ${f.key}: ${f.error}`);
  return lines.join('\n');
}
