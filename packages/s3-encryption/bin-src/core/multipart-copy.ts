/** Copying an object over itself when it is larger than CopyObject allows: a multipart copy (UploadPartCopy). */
import {
  AbortMultipartUploadCommand,
  CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectTaggingCommand,
  HeadObjectCommandOutput,
  S3Client,
  ServerSideEncryption,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { errorName, isAccessDenied } from './errors';
import { RateLimiter } from './rate-limiter';
import { fatal } from './reencrypt-errors';
import { Outcome, ReencryptOptions, ReencryptState } from './reencrypt-types';

/** CopyObject copies at most 5 GiB in one request; larger objects are copied with a multipart copy (UploadPartCopy). */
export const MAX_COPY_OBJECT_BYTES = 5 * 1024 ** 3;

export const MiB = 1024 ** 2;
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

export function copySource(bucket: string, key: string): string {
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
export async function multipartCopy(
  client: S3Client,
  opts: ReencryptOptions,
  state: ReencryptState,
  key: string,
  head: HeadObjectCommandOutput,
  kms: boolean,
  limiter: RateLimiter,
  save: () => void,
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
      throw Object.assign(
        new Error(
          `GetObjectTagging was denied, so the tags of this object over 5 GiB could not be carried over to its multipart copy; ` +
            `it was not copied. Grant s3:GetObjectTagging on arn:aws:s3:::${bucket}/* and run again.`,
        ),
        { name: 'AccessDenied' },
      );
    }
    throw err;
  }

  await limiter.acquire();
  let uploadId: string;
  try {
    const created = await client.send(
      new CreateMultipartUploadCommand({
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
        StorageClass: head.StorageClass,
        WebsiteRedirectLocation: head.WebsiteRedirectLocation,
        Tagging: tagging || undefined,
        ...objectLockOf(head),
      }),
    );
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
      const out = await client.send(
        new UploadPartCopyCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          PartNumber: part.partNumber,
          CopySource: copySource(bucket, key),
          CopySourceRange: `bytes=${part.start}-${part.end}`,
          CopySourceIfMatch: head.ETag,
        }),
      );
      if (!out.CopyPartResult?.ETag) throw new Error(`UploadPartCopy of part ${part.partNumber} returned no ETag`);
      completed.push({ PartNumber: part.partNumber, ETag: out.CopyPartResult.ETag });
    }
    operation = 'CompleteMultipartUpload';
    await limiter.acquire();
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: completed },
        // Only while the key still holds the object we copied: a write that landed after the last
        // part would otherwise be overwritten by the older content (S3 conditional writes, If-Match).
        IfMatch: head.ETag,
      }),
    );
  } catch (err) {
    const abortError = await abortUpload(client, bucket, key, uploadId).then(
      () => undefined,
      (e: unknown) => e,
    );
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

export async function abortUpload(client: S3Client, bucket: string, key: string, uploadId: string): Promise<void> {
  try {
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
  } catch (err) {
    if (errorName(err) !== 'NoSuchUpload') throw err; // already gone: nothing left to bill
  }
}

/** Abort the upload a run that died during a multipart copy left open. */
export async function abortOpenUpload(client: S3Client, bucket: string, state: ReencryptState): Promise<void> {
  const { key, uploadId } = state.openUpload!;
  try {
    await abortUpload(client, bucket, key, uploadId);
  } catch (err) {
    if (isAccessDenied(err) || errorName(err) === 'NoSuchBucket') throw fatal(err, 'AbortMultipartUpload', bucket);
    throw err;
  }
  delete state.openUpload;
}

/**
 * The Object Lock settings of the version being replaced, for the new version: its legal hold, and
 * its retention while the retain-until date is still in the future (S3 refuses a past date; a
 * retention that has run out protects nothing any more). A bucket's default retention still
 * applies to a version that gets none here.
 */
export function objectLockOf(
  head: Pick<HeadObjectCommandOutput, 'ObjectLockMode' | 'ObjectLockRetainUntilDate' | 'ObjectLockLegalHoldStatus'>,
  now: Date = new Date(),
): {
  ObjectLockMode?: HeadObjectCommandOutput['ObjectLockMode'];
  ObjectLockRetainUntilDate?: Date;
  ObjectLockLegalHoldStatus?: HeadObjectCommandOutput['ObjectLockLegalHoldStatus'];
} {
  const retained =
    head.ObjectLockMode !== undefined && head.ObjectLockRetainUntilDate !== undefined && head.ObjectLockRetainUntilDate.getTime() > now.getTime();
  return {
    ...(retained ? { ObjectLockMode: head.ObjectLockMode, ObjectLockRetainUntilDate: head.ObjectLockRetainUntilDate } : {}),
    ...(head.ObjectLockLegalHoldStatus !== undefined ? { ObjectLockLegalHoldStatus: head.ObjectLockLegalHoldStatus } : {}),
  };
}
