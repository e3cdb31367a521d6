import { PutBucketEncryptionCommand, PutBucketPolicyCommand, S3Client, ServerSideEncryption } from '@aws-sdk/client-s3';
import { PolicyDocumentJson } from '../../lib/private/policy-analysis';
import { enforcingStatements, isKmsAlgorithm, SSE_S3_ALGORITHM } from '../../lib/private/statements';
import { DefaultEncryption, getBucketPolicy, getDefaultEncryption } from './bucket-state';
import { call, CliError } from './errors';
import { mergeEnforcingStatements } from './policy-merge';
import { bucketArn, describeEncryption, WantedEncryption } from './target';

export interface ApplyOptions {
  readonly bucket: string;
  readonly wanted: WantedEncryption;
  /** Also deny TLS below this version (1.2 or 1.3). */
  readonly minimumTlsVersion?: number;
  /** Print what would change and change nothing. */
  readonly dryRun?: boolean;
  /** Allow replacing the SSE-KMS key that the bucket uses now by another key. */
  readonly allowKeyChange?: boolean;
  readonly region?: string;
}

export interface ApplyResult {
  readonly bucket: string;
  readonly encryptionBefore: string;
  readonly encryptionAfter: string;
  readonly encryptionChanged: boolean;
  readonly policyBefore?: PolicyDocumentJson;
  readonly policyAfter: PolicyDocumentJson;
  readonly addedStatements: string[];
  readonly dryRun: boolean;
}

/**
 * Set the bucket's default encryption and merge the enforcing statements into its existing policy.
 * Every existing statement is kept as it is (an AWS::S3::BucketPolicy would replace them all).
 * With `dryRun` nothing is written.
 *
 * Note: S3 has no conditional PutBucketPolicy: a policy change made by someone else between the
 * read and the write of this call would be overwritten. Run it when nobody else edits the policy.
 */
export async function applyEncryption(client: S3Client, opts: ApplyOptions): Promise<ApplyResult> {
  const { bucket, wanted } = opts;
  const current = await getDefaultEncryption(client, bucket);
  checkNotWeakening(bucket, current, wanted, opts.allowKeyChange ?? false);
  const policyBefore = await getBucketPolicy(client, bucket);

  const expected = enforcingStatements(bucketArn(bucket, opts.region), {
    algorithm: wanted.algorithm,
    kmsKeyArn: wanted.kmsKeyArn,
    minimumTlsVersion: opts.minimumTlsVersion,
  });
  // Throws (PolicySidConflict, PolicyTooLarge) before anything is written.
  const merge = mergeEnforcingStatements(bucket, policyBefore, expected);

  const kms = isKmsAlgorithm(wanted.algorithm);
  const encryptionChanged =
    current === undefined || current.algorithm !== wanted.algorithm || (kms && current.kmsKeyArn !== wanted.kmsKeyArn) || (kms && !current.bucketKeyEnabled);
  const result: ApplyResult = {
    bucket,
    encryptionBefore: describeEncryption(current),
    encryptionAfter: describeEncryption(wanted),
    encryptionChanged,
    policyBefore,
    policyAfter: merge.merged,
    addedStatements: merge.added,
    dryRun: opts.dryRun ?? false,
  };
  if (opts.dryRun) {
    return result;
  }
  if (encryptionChanged) {
    await call('PutBucketEncryption', bucket, () =>
      client.send(
        new PutBucketEncryptionCommand({
          Bucket: bucket,
          ServerSideEncryptionConfiguration: {
            Rules: [
              {
                ApplyServerSideEncryptionByDefault: {
                  SSEAlgorithm: wanted.algorithm as ServerSideEncryption,
                  KMSMasterKeyID: kms ? wanted.kmsKeyArn : undefined,
                },
                // Bucket Keys: fewer KMS calls; the KMS encryption context becomes the bucket ARN.
                BucketKeyEnabled: kms ? true : undefined,
              },
            ],
          },
        }),
      ),
    );
  }
  if (merge.added.length > 0) {
    await call('PutBucketPolicy', bucket, () =>
      client.send(
        new PutBucketPolicyCommand({
          Bucket: bucket,
          Policy: JSON.stringify(merge.merged),
        }),
      ),
    );
  }
  return result;
}

function checkNotWeakening(bucket: string, current: DefaultEncryption | undefined, wanted: WantedEncryption, allowKeyChange: boolean): void {
  if (!current) return;
  if (isKmsAlgorithm(current.algorithm) && wanted.algorithm === SSE_S3_ALGORITHM) {
    throw new CliError(
      'WouldWeaken',
      `Bucket '${bucket}' uses ${describeEncryption(current)}; refusing to switch it to SSE-S3. Nothing was changed. Use --kms-key-arn with its key.`,
    );
  }
  if (isKmsAlgorithm(current.algorithm) && current.kmsKeyArn && wanted.kmsKeyArn && current.kmsKeyArn !== wanted.kmsKeyArn && !allowKeyChange) {
    throw new CliError(
      'WouldWeaken',
      `Bucket '${bucket}' uses the KMS key ${current.kmsKeyArn}, not ${wanted.kmsKeyArn}. Nothing was changed. ` +
        'Pass --allow-key-change to replace its key (readers then need kms:Decrypt on both keys until every object is re-encrypted).',
    );
  }
}

/** Human-readable before/after of an apply result. */
export function formatApplyResult(r: ApplyResult): string {
  const lines = [
    `${r.dryRun ? '[dry run] ' : ''}bucket ${r.bucket}`,
    `  default encryption: ${r.encryptionBefore} -> ${r.encryptionAfter}${r.encryptionChanged ? '' : ' (unchanged)'}`,
    `  statements added: ${r.addedStatements.length > 0 ? r.addedStatements.join(', ') : 'none (already enforced)'}`,
    '  policy before:',
    indent(r.policyBefore ? JSON.stringify(r.policyBefore, null, 2) : '(no bucket policy)'),
    '  policy after:',
    indent(JSON.stringify(r.policyAfter, null, 2)),
  ];
  if (r.dryRun) lines.push('  dry run: nothing was changed');
  return lines.join('\n');
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}
