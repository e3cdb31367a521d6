/** Errors the CLI reports to the user: a code and a message that says what to do. */
export type CliErrorCode =
  | 'AccessDenied'
  | 'NoSuchBucket'
  | 'PolicyTooLarge'
  | 'PolicySidConflict'
  | 'WouldWeaken'
  | 'InvalidArgument'
  | 'StateMismatch'
  | 'NoCredentials'
  | 'NoRegion'
  | 'ExpiredCredentials'
  | 'KeyInOtherRegion';

export class CliError extends Error {
  constructor(
    public readonly code: CliErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** IAM permission that each S3 API call needs, for error messages. */
const PERMISSION: Record<string, string> = {
  ListBuckets: 's3:ListAllMyBuckets',
  GetBucketLocation: 's3:GetBucketLocation',
  GetBucketPolicy: 's3:GetBucketPolicy',
  PutBucketPolicy: 's3:PutBucketPolicy',
  GetBucketEncryption: 's3:GetEncryptionConfiguration',
  PutBucketEncryption: 's3:PutEncryptionConfiguration',
  ListObjectsV2: 's3:ListBucket',
  HeadObject: 's3:GetObject',
  CopyObject: 's3:GetObject and s3:PutObject (and, for SSE-KMS, kms:Decrypt on the old key and kms:GenerateDataKey on the new key)',
};

export function errorName(err: unknown): string {
  const e = err as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name ?? e?.Code ?? 'Error';
}

export function isAccessDenied(err: unknown): boolean {
  const name = errorName(err);
  return name === 'AccessDenied' || name === 'AllAccessDisabled' || name === 'Forbidden' || (err as any)?.$metadata?.httpStatusCode === 403;
}

/**
 * Turn AccessDenied and NoSuchBucket into CliErrors that name the call, the bucket and the
 * permission needed; return any other error unchanged.
 */
export function explainAwsError(err: unknown, operation: string, bucket: string): unknown {
  if (err instanceof CliError) return err;
  const name = errorName(err);
  if (name === 'NoSuchBucket') {
    return new CliError(
      'NoSuchBucket',
      `Bucket '${bucket}' does not exist: ${operation} returned NoSuchBucket. Check the name (and the account of your credentials).`,
    );
  }
  if (isAccessDenied(err)) {
    return new CliError(
      'AccessDenied',
      `Access denied: ${operation} on bucket '${bucket}'. The caller needs ${PERMISSION[operation] ?? operation} on arn:aws:s3:::${bucket}; ` +
        'check the identity policy, the bucket policy, permissions boundaries and SCPs.',
    );
  }
  return err;
}

/** Run one S3 call, translating the errors that users must act on. */
export async function call<T>(operation: string, bucket: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw explainAwsError(err, operation, bucket);
  }
}

/**
 * The conditions of the caller's environment (no credentials, expired ones, no region) as one-line
 * CliErrors that say what to do; anything else unchanged.
 */
export function explainEnvironmentError(err: unknown): unknown {
  if (err instanceof CliError) return err;
  const name = errorName(err);
  const message = String((err as { message?: string })?.message ?? '');
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return new CliError(
      'NoCredentials',
      'No AWS credentials found: set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or run aws sso login, then retry.',
    );
  }
  if (name === 'ExpiredToken' || name === 'ExpiredTokenException' || /token.*expired/i.test(message)) {
    return new CliError('ExpiredCredentials', 'Your AWS credentials have expired: refresh them (aws sso login, or new session credentials), then retry.');
  }
  if (/region is missing/i.test(message)) {
    return new CliError('NoRegion', 'No AWS region: pass --region <region> or set AWS_REGION, then retry.');
  }
  return err;
}
