// Pure helpers of the backup-restore suite: no AWS call here, so they are unit-tested offline
// (test/unit/dr-helpers.test.ts).
import { KmsKeyArn } from '@cdk-guardrails/facts';

/** Prefix of the buckets the restore test creates (and deletes): never a project bucket. */
export const RESTORE_BUCKET_PREFIX = 'guardrails-restore-';

/** How the restored bucket is encrypted, the way config `s3.encryption` says for the data bucket. */
export interface S3RestoreOptions {
  /** Name of the new bucket AWS Backup creates and restores into. */
  readonly destinationBucketName: string;
  /** `SSE_S3` or `SSE_KMS` (config `s3.encryption`). */
  readonly encryption: string;
  /** ARN of the KMS key of the restored objects: required with SSE_KMS, refused with SSE_S3. */
  readonly kmsKeyArn?: string;
  /** Idempotency of the restore request (a UUID per run). */
  readonly creationToken: string;
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

/**
 * The `Metadata` of `StartRestoreJob` for an S3 recovery point restored into a new bucket
 * (keys as in the AWS Backup guide, "Restore S3 data": DestinationBucketName, NewBucket,
 * Encrypted, EncryptionType, KMSKey, CreationToken). Every value is a string, as the API wants.
 */
export function s3RestoreMetadata(options: S3RestoreOptions): Record<string, string> {
  const { destinationBucketName: bucket, encryption, kmsKeyArn, creationToken } = options;
  if (!BUCKET_NAME.test(bucket) || bucket.includes('--')) {
    throw new Error(
      `s3RestoreMetadata: destinationBucketName must be an S3 bucket name (3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit), received ${JSON.stringify(bucket)}`,
    );
  }
  if (!bucket.startsWith(RESTORE_BUCKET_PREFIX)) {
    // The suite deletes the bucket afterwards: it must never be a bucket of the project.
    throw new Error(
      `s3RestoreMetadata: destinationBucketName must start with "${RESTORE_BUCKET_PREFIX}" (a bucket the test creates and deletes), received ${JSON.stringify(bucket)}`,
    );
  }
  if (creationToken.trim() === '') throw new Error('s3RestoreMetadata: creationToken must not be empty (use a UUID per restore)');
  const common = { DestinationBucketName: bucket, NewBucket: 'true', Encrypted: 'true', CreationToken: creationToken };
  if (encryption === 'SSE_KMS') {
    if (kmsKeyArn === undefined || !KmsKeyArn.isKeyArn(kmsKeyArn)) {
      throw new Error(`s3RestoreMetadata: encryption SSE_KMS needs kmsKeyArn, a key ARN (${KmsKeyArn.KEY_ARN_FORMAT}), received ${JSON.stringify(kmsKeyArn)}`);
    }
    return { ...common, EncryptionType: 'SSE-KMS', KMSKey: kmsKeyArn };
  }
  if (encryption === 'SSE_S3') {
    if (kmsKeyArn !== undefined) {
      throw new Error(`s3RestoreMetadata: kmsKeyArn is only allowed with encryption SSE_KMS, received encryption SSE_S3 and kmsKeyArn ${kmsKeyArn}`);
    }
    return { ...common, EncryptionType: 'SSE-S3' };
  }
  throw new Error(`s3RestoreMetadata: encryption must be "SSE_S3" or "SSE_KMS" (config s3.encryption), received ${JSON.stringify(encryption)}`);
}

/**
 * Name of the bucket a restore test creates: the prefix, account, region and the time in base 36,
 * so that runs never collide and a leftover bucket says where and when it came from.
 */
export function restoreBucketName(accountId: string, region: string, now: Date): string {
  if (!/^\d{12}$/.test(accountId)) throw new Error(`restoreBucketName: accountId must be 12 digits, received ${JSON.stringify(accountId)}`);
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region))
    throw new Error(`restoreBucketName: region must be a region name such as eu-west-1, received ${JSON.stringify(region)}`);
  const name = `${RESTORE_BUCKET_PREFIX}${accountId}-${region}-${now.getTime().toString(36)}`;
  if (name.length > 63) throw new Error(`restoreBucketName: ${name} is longer than the 63 characters S3 allows`);
  return name;
}

/** What the suite needs of a recovery point (a subset of AWS Backup's RecoveryPointByResource). */
export interface RecoveryPointSummary {
  readonly RecoveryPointArn?: string;
  readonly CreationDate?: Date;
  readonly Status?: string;
  readonly BackupVaultName?: string;
}

/** Statuses of a recovery point that can be restored (AWS Backup reports COMPLETED, or AVAILABLE). */
export const RESTORABLE_STATUSES: readonly string[] = ['COMPLETED', 'AVAILABLE'];

/** The restorable recovery points of `vaultName`, newest first. */
export function restorablePoints<T extends RecoveryPointSummary>(points: readonly T[], vaultName: string): T[] {
  return points
    .filter(
      (p) =>
        p.BackupVaultName === vaultName &&
        p.Status !== undefined &&
        RESTORABLE_STATUSES.includes(p.Status) &&
        p.RecoveryPointArn !== undefined &&
        p.CreationDate !== undefined,
    )
    .sort((a, b) => b.CreationDate!.getTime() - a.CreationDate!.getTime());
}

/** A restore job's status that ends the wait. */
export function isFinalRestoreStatus(status: string | undefined): boolean {
  return status === 'COMPLETED' || status === 'FAILED' || status === 'ABORTED';
}

/**
 * Calls `check` until it returns a value (not undefined), at most `attempts` times, `intervalMs`
 * apart. Returns the value, or undefined when every attempt came back empty: the caller fails
 * with what it was waiting for. A bounded loop: a wait never hangs the suite.
 */
export async function pollUntil<T>(check: () => Promise<T | undefined>, attempts: number, intervalMs: number): Promise<T | undefined> {
  if (!Number.isInteger(attempts) || attempts < 1) throw new Error(`pollUntil: attempts must be a positive integer, received ${attempts}`);
  for (let i = 0; i < attempts; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, intervalMs));
    const value = await check();
    if (value !== undefined) return value;
  }
  return undefined;
}
