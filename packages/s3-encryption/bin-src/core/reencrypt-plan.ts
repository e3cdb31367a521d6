/**
 * `reencrypt --dry-run`: what a run would copy, read only (ListObjectsV2 and HeadObject, rate
 * limited); writes nothing, neither to the bucket nor to a state file.
 */
import { HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { isKmsAlgorithm } from '../../lib/private/statements';
import { call, errorName, isAccessDenied } from './errors';
import { MAX_COPY_OBJECT_BYTES } from './multipart-copy';
import { RateLimiter } from './rate-limiter';
import { fatal } from './reencrypt-errors';
import { ReencryptOptions } from './reencrypt-types';

export interface ReencryptPlan {
  readonly bucket: string;
  readonly total: number;
  readonly alreadyEncrypted: number;
  /** Objects a run would copy with CopyObject. */
  readonly toCopy: number;
  /** Objects over 5 GiB a run would copy with a multipart copy. */
  readonly toMultipartCopy: number;
  /** Bytes a run would copy. */
  readonly bytesToCopy: number;
  /** Objects deleted between the listing and their HeadObject. */
  readonly vanished: number;
}

export async function planReencryption(
  client: S3Client,
  opts: Pick<ReencryptOptions, 'bucket' | 'wanted' | 'prefix' | 'ratePerSecond' | 'now' | 'sleep'>,
): Promise<ReencryptPlan> {
  const limiter = new RateLimiter(opts.ratePerSecond ?? 50, opts.now, opts.sleep);
  const kms = isKmsAlgorithm(opts.wanted.algorithm);
  let total = 0;
  let alreadyEncrypted = 0;
  let toCopy = 0;
  let toMultipartCopy = 0;
  let bytesToCopy = 0;
  let vanished = 0;
  let token: string | undefined;
  do {
    const page = await call('ListObjectsV2', opts.bucket, () =>
      client.send(
        new ListObjectsV2Command({
          Bucket: opts.bucket,
          Prefix: opts.prefix,
          ContinuationToken: token,
        }),
      ),
    );
    for (const o of page.Contents ?? []) {
      if (o.Key === undefined) continue;
      total++;
      await limiter.acquire();
      let head;
      try {
        head = await client.send(new HeadObjectCommand({ Bucket: opts.bucket, Key: o.Key }));
      } catch (err) {
        const name = errorName(err);
        if (name === 'NotFound' || name === 'NoSuchKey') {
          vanished++;
          continue;
        }
        if (isAccessDenied(err) || name === 'NoSuchBucket') throw fatal(err, 'HeadObject', opts.bucket);
        throw err;
      }
      if (head.ServerSideEncryption === opts.wanted.algorithm && (!kms || head.SSEKMSKeyId === opts.wanted.kmsKeyArn)) {
        alreadyEncrypted++;
        continue;
      }
      const size = head.ContentLength ?? 0;
      if (size > MAX_COPY_OBJECT_BYTES) toMultipartCopy++;
      else toCopy++;
      bytesToCopy += size;
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return { bucket: opts.bucket, total, alreadyEncrypted, toCopy, toMultipartCopy, bytesToCopy, vanished };
}

export function formatReencryptPlan(p: ReencryptPlan): string {
  const gib = (p.bytesToCopy / 1024 ** 3).toFixed(2);
  return [
    `dry run: nothing was copied and no state file was written (bucket ${p.bucket})`,
    `  objects:            ${p.total}`,
    `  already encrypted:  ${p.alreadyEncrypted}`,
    `  would copy:         ${p.toCopy} with CopyObject, ${p.toMultipartCopy} over 5 GiB with a multipart copy (${gib} GiB in all)`,
    ...(p.vanished > 0 ? [`  deleted meanwhile:  ${p.vanished}`] : []),
  ].join('\n');
}
