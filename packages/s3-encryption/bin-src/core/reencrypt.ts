/**
 * Re-encrypts every object of a bucket in place (CopyObject over itself, or a multipart copy above
 * 5 GiB), resumable: multipart-copy, reencrypt-state (worklist, progress, manifest), reencrypt-types
 * and reencrypt-errors hold the parts; this file runs the bucket and each object.
 */
import { CopyObjectCommand, HeadObjectCommand, HeadObjectCommandOutput, S3Client, ServerSideEncryption } from '@aws-sdk/client-s3';
import { isKmsAlgorithm } from '../../lib/private/statements';
import { CliError, errorName, isAccessDenied } from './errors';
import { RateLimiter } from './rate-limiter';
import { describeEncryption } from './target';
import { abortOpenUpload, copySource, MAX_COPY_OBJECT_BYTES, multipartCopy, objectLockOf } from './multipart-copy';
import { fatal } from './reencrypt-errors';
import { listInto, loadOrCreateState, readWorklist, saveState, writeManifest } from './reencrypt-state';
import { Outcome, ReencryptOptions, ReencryptResult, ReencryptState } from './reencrypt-types';

export * from './reencrypt-types';
export type { CopyPart } from './multipart-copy';
export { MAX_COPY_OBJECT_BYTES, MAX_PART_BYTES, MAX_PARTS, MIN_PART_BYTES, MULTIPART_PART_BYTES, planCopyParts, objectLockOf } from './multipart-copy';

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
    if ((await visit(keys[i])) === 'interrupted') {
      save();
      return { mode: 'interrupted', state };
    }
    state.nextIndex = i + 1;
    if (state.nextIndex % saveEvery === 0) save();
    opts.onProgress?.({ done: state.nextIndex, total: state.total, copied: state.copied });
  }
  // objects over 5 GiB that a checkpoint of an earlier version of this tool skipped
  while (state.tooLarge && state.tooLarge.length > 0) {
    if (opts.signal?.aborted || (await visit(state.tooLarge[0])) === 'interrupted') {
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

export async function reencryptObject(
  client: S3Client,
  opts: ReencryptOptions,
  state: ReencryptState,
  key: string,
  kms: boolean,
  limiter: RateLimiter,
  save: () => void,
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
    await client.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: key,
        CopySource: copySource(bucket, key),
        CopySourceIfMatch: head.ETag,
        MetadataDirective: 'COPY',
        TaggingDirective: 'COPY',
        StorageClass: head.StorageClass,
        ServerSideEncryption: wanted.algorithm as ServerSideEncryption,
        SSEKMSKeyId: kms ? wanted.kmsKeyArn : undefined,
        BucketKeyEnabled: kms ? true : undefined,
        // A copy does not inherit the source version's Object Lock settings: set them again.
        ...objectLockOf(head),
      }),
    );
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
    `bucket ${s.bucket}: ${s.nextIndex}/${s.total} objects visited; ${s.copied} re-encrypted` +
      `${multipart > 0 ? ` (${multipart} over 5 GiB by multipart copy)` : ''}, ${s.alreadyEncrypted} already ${describeEncryption(s)}, ` +
      `${s.changedDuringRun} changed during the run, ${s.failed.length} failed`,
  ];
  if (r.mode === 'interrupted') lines.push('  interrupted: run the same command again to continue from the checkpoint');
  const legacy = s.tooLarge ?? [];
  if (legacy.length > 0) {
    lines.push(
      `  still to visit: ${legacy.length} objects over 5 GiB that an earlier version of this tool skipped: ${legacy.slice(0, 20).join(', ')}${legacy.length > 20 ? ' ...' : ''}`,
    );
  }
  for (const f of s.failed.slice(0, 20)) lines.push(`  failed: ${f.key}: ${f.error}`);
  return lines.join('\n');
}
