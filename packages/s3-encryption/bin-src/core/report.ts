import { KmsKeyArn } from '@cdk-guardrails/facts';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { hasEquivalentStatement } from '../../lib/private/policy-analysis';
import { enforcingStatements, isKmsAlgorithm, SIDS } from '../../lib/private/statements';
import { getBucketPolicy, getDefaultEncryption } from './bucket-state';
import { call, CliError } from './errors';
import { bucketArn, describeEncryption } from './target';

export interface BucketReport {
  readonly bucket: string;
  /** e.g. 'SSE-S3', 'SSE-KMS (arn:...)', 'none' */
  readonly defaultEncryption: string;
  readonly bucketKeyEnabled: boolean;
  readonly deniesInsecureTransport: boolean;
  readonly deniesUnencryptedPuts: boolean;
  readonly deniesWrongAlgorithm: boolean;
  /** SSE-KMS only: PUTs naming another key, or no key, are denied. undefined for SSE-S3. */
  readonly pinsKmsKey?: boolean;
  /** True when the policy enforces the bucket's default encryption completely. */
  readonly enforced: boolean;
  /** Set when the bucket could not be read (for example AccessDenied); the other fields are then false. */
  readonly error?: string;
}

export interface ReportOptions {
  /** Buckets to report; all buckets of the account when empty. */
  readonly buckets?: string[];
  readonly region?: string;
}

/** List buckets with their default encryption and whether their policy enforces it. */
export async function reportBuckets(client: S3Client, opts: ReportOptions = {}): Promise<BucketReport[]> {
  let names = opts.buckets ?? [];
  if (names.length === 0) {
    names = await listAllBuckets(client);
  }
  const out: BucketReport[] = [];
  for (const bucket of names) {
    try {
      out.push(await reportBucket(client, bucket, opts.region));
    } catch (err) {
      // One unreadable bucket must not hide the others: report it and go on.
      if (!(err instanceof CliError)) throw err;
      out.push({
        bucket,
        defaultEncryption: 'unknown',
        bucketKeyEnabled: false,
        deniesInsecureTransport: false,
        deniesUnencryptedPuts: false,
        deniesWrongAlgorithm: false,
        enforced: false,
        error: err.message,
      });
    }
  }
  return out;
}

async function listAllBuckets(client: S3Client): Promise<string[]> {
  const names: string[] = [];
  let token: string | undefined;
  do {
    const page = await call('ListBuckets', '*', () => client.send(new ListBucketsCommand({ ContinuationToken: token, MaxBuckets: 1000 })));
    for (const b of page.Buckets ?? []) if (b.Name) names.push(b.Name);
    token = page.ContinuationToken;
  } while (token);
  return names;
}

export async function reportBucket(client: S3Client, bucket: string, region?: string): Promise<BucketReport> {
  const encryption = await getDefaultEncryption(client, bucket);
  const policy = await getBucketPolicy(client, bucket);
  const algorithm = encryption?.algorithm ?? 'AES256';
  const kms = isKmsAlgorithm(algorithm);
  const keyArn = kms && encryption?.kmsKeyArn && KmsKeyArn.isKeyArn(encryption.kmsKeyArn) ? encryption.kmsKeyArn : undefined;
  const expected = enforcingStatements(bucketArn(bucket, region), { algorithm, kmsKeyArn: keyArn });
  const has = (sid: string) =>
    hasEquivalentStatement(
      policy,
      expected.find((s) => s.Sid === sid)!,
    );
  const deniesInsecureTransport = has(SIDS.denyInsecureTransport);
  const deniesUnencryptedPuts = has(SIDS.denyUnencryptedUploads);
  const deniesWrongAlgorithm = has(SIDS.denyWrongAlgorithm);
  const pinsKmsKey = kms ? keyArn !== undefined && has(SIDS.denyWrongKmsKey) && has(SIDS.denyMissingKmsKeyId) : undefined;
  return {
    bucket,
    defaultEncryption: describeEncryption(encryption),
    bucketKeyEnabled: encryption?.bucketKeyEnabled ?? false,
    deniesInsecureTransport,
    deniesUnencryptedPuts,
    deniesWrongAlgorithm,
    pinsKmsKey,
    enforced: encryption !== undefined && deniesInsecureTransport && deniesUnencryptedPuts && deniesWrongAlgorithm && pinsKmsKey !== false,
  };
}

/** A plain-text table of reports. */
export function formatReport(rows: BucketReport[]): string {
  const yn = (b: boolean | undefined) => (b === undefined ? '-' : b ? 'yes' : 'NO');
  const header = ['bucket', 'default encryption', 'bucket key', 'deny HTTP', 'deny unencrypted', 'deny other algorithm', 'key pinned', 'enforced'];
  const lines = rows.map((r) =>
    r.error
      ? [r.bucket, `ERROR: ${r.error}`, '', '', '', '', '', 'NO']
      : [
          r.bucket,
          r.defaultEncryption,
          yn(r.bucketKeyEnabled),
          yn(r.deniesInsecureTransport),
          yn(r.deniesUnencryptedPuts),
          yn(r.deniesWrongAlgorithm),
          yn(r.pinsKmsKey),
          yn(r.enforced),
        ],
  );
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] === undefined ? 0 : l[i].length))));
  const fmt = (cols: string[]) =>
    cols
      .map((c, i) => (i === 1 && c.startsWith('ERROR') ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [fmt(header), ...lines.map(fmt)].join('\n');
}
