/** Errors of a re-encryption run, explained with what to fix. */
import { CliError, isAccessDenied } from './errors';

export function fatal(err: unknown, operation: string, bucket: string): CliError {
  return new CliError(isAccessDenied(err) ? 'AccessDenied' : 'NoSuchBucket', `${explain(err, operation, bucket)} Progress is saved; run again to continue.`);
}

export const MULTIPART_OPERATIONS = ['GetObjectTagging', 'CreateMultipartUpload', 'UploadPartCopy', 'CompleteMultipartUpload', 'AbortMultipartUpload'];

export function explain(err: unknown, operation: string, bucket: string): string {
  if (!isAccessDenied(err)) return `Bucket '${bucket}' does not exist: ${operation} returned NoSuchBucket.`;
  const multipart = MULTIPART_OPERATIONS.includes(operation);
  return (
    `Access denied: ${operation} on bucket '${bucket}'${multipart ? ' (multipart copy of an object over 5 GiB)' : ''}. ` +
    `The caller needs s3:GetObject and s3:PutObject on arn:aws:s3:::${bucket}/*` +
    (multipart ? ', and for objects over 5 GiB also s3:GetObjectTagging, s3:PutObjectTagging and s3:AbortMultipartUpload,' : '') +
    ` and, for SSE-KMS, kms:Decrypt on the old key and kms:GenerateDataKey${multipart ? ' and kms:Decrypt' : ''} on the new key.`
  );
}
