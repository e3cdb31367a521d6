/**
 * The enforcing bucket-policy statements as plain JSON.
 *
 * This file is the single source of the statements: the CDK builder
 * (`BucketEncryptionPolicy`), the `BucketEncryptionGuard` Aspect and the
 * migration CLI (bin-src/, bundled with esbuild) all call it, so a bucket
 * deployed with CDK and a bucket fixed with the CLI carry the same statements.
 *
 * It must not import aws-cdk-lib: the CLI bundles it. Values may be CDK token
 * strings (the bucket ARN of a bucket in the same app) or literal strings.
 */

/** SSE-S3: objects encrypted with Amazon S3 managed keys. */
export const SSE_S3_ALGORITHM = 'AES256';
/** SSE-KMS: objects encrypted with a KMS key. */
export const SSE_KMS_ALGORITHM = 'aws:kms';
/** DSSE-KMS: dual-layer encryption with a KMS key (accepted when a user set it; never chosen by this package). */
export const DSSE_KMS_ALGORITHM = 'aws:kms:dsse';

/** Statement ids. Prefixed so that a merge into an existing policy does not collide with the owner's own ids. */
export const SIDS = {
  denyInsecureTransport: 'GuardrailsDenyInsecureTransport',
  denyOutdatedTls: 'GuardrailsDenyOutdatedTls',
  denyUnencryptedUploads: 'GuardrailsDenyUnencryptedObjectUploads',
  denyWrongAlgorithm: 'GuardrailsDenyWrongEncryptionAlgorithm',
  denyWrongKmsKey: 'GuardrailsDenyWrongKmsKey',
  denyMissingKmsKeyId: 'GuardrailsDenyMissingKmsKeyId',
} as const;

export const ALL_SIDS: readonly string[] = Object.values(SIDS);

/** Condition keys (documented in the S3 service authorization reference). */
export const CONDITION_KEYS = {
  secureTransport: 'aws:SecureTransport',
  tlsVersion: 's3:TlsVersion',
  sseAlgorithm: 's3:x-amz-server-side-encryption',
  kmsKeyId: 's3:x-amz-server-side-encryption-aws-kms-key-id',
} as const;

export interface EnforcementSpec {
  /** 'AES256', 'aws:kms' or 'aws:kms:dsse' */
  readonly algorithm: string;
  /** Key ARN to pin (KMS algorithms only). Without it the key is not pinned. */
  readonly kmsKeyArn?: string;
  /** Deny requests that negotiated a TLS version below this. */
  readonly minimumTlsVersion?: number;
  /**
   * Leave out the statements on the SSE request headers (keep transport statements).
   * Used for buckets that AWS services write to without SSE headers (for example
   * server access log delivery), where the header statements would block delivery.
   */
  readonly transportOnly?: boolean;
  /** Service deliveries (aws:SourceArn) the SSE-header statements leave alone (SSE-S3 digests). */
  readonly sseS3DeliverySourceArns?: string[];
}

/** One IAM policy statement as JSON. */
export interface StatementJson {
  Sid: string;
  Effect: 'Deny';
  Principal: '*';
  Action: string | string[];
  Resource: string | string[];
  Condition: Record<string, Record<string, unknown>>;
}

/**
 * `ArnNotLike aws:SourceArn`: the statement applies to every request but the listed service
 * deliveries. A request of a principal of the account carries no aws:SourceArn, and a negated
 * operator on a missing key is true: the statement applies to it.
 */
function deliveryExemption(spec: EnforcementSpec): Record<string, Record<string, unknown>> {
  const arns = spec.sseS3DeliverySourceArns ?? [];
  return arns.length > 0 ? { ArnNotLike: { 'aws:SourceArn': arns } } : {};
}

export function isKmsAlgorithm(algorithm: string): boolean {
  return algorithm === SSE_KMS_ALGORITHM || algorithm === DSSE_KMS_ALGORITHM;
}

/**
 * The statements that make the bucket reject plain-HTTP requests and PUTs that are
 * not encrypted the required way.
 *
 * Each statement covers exactly one bad request, so removing any one of them lets
 * that request through (the tests rely on this):
 * - no SSE header at all                 -> Null condition
 * - a header with another algorithm     -> StringNotEquals + Null=false (an absent header is the previous case)
 * - (KMS) another key                   -> StringNotEquals + Null=false on the key-id header
 * - (KMS) aws:kms without a key id      -> S3 would then use the AWS managed key aws/s3, not the pinned key
 */
export function enforcingStatements(bucketArn: string, spec: EnforcementSpec): StatementJson[] {
  const bucketAndObjects = [bucketArn, `${bucketArn}/*`];
  const objects = `${bucketArn}/*`;
  const statements: StatementJson[] = [
    {
      Sid: SIDS.denyInsecureTransport,
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: bucketAndObjects,
      Condition: { Bool: { [CONDITION_KEYS.secureTransport]: 'false' } },
    },
  ];
  if (spec.minimumTlsVersion !== undefined) {
    statements.push({
      Sid: SIDS.denyOutdatedTls,
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: bucketAndObjects,
      Condition: { NumericLessThan: { [CONDITION_KEYS.tlsVersion]: spec.minimumTlsVersion } },
    });
  }
  if (spec.transportOnly) {
    return statements;
  }
  statements.push(
    {
      Sid: SIDS.denyUnencryptedUploads,
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:PutObject',
      Resource: objects,
      Condition: { Null: { [CONDITION_KEYS.sseAlgorithm]: 'true' }, ...deliveryExemption(spec) },
    },
    {
      Sid: SIDS.denyWrongAlgorithm,
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:PutObject',
      Resource: objects,
      // Null=false limits this statement to requests that send the header; a missing header is the
      // previous statement's case. (StringNotEquals alone would also match a missing header.)
      Condition: {
        StringNotEquals: { [CONDITION_KEYS.sseAlgorithm]: spec.algorithm },
        Null: { [CONDITION_KEYS.sseAlgorithm]: 'false' },
        ...deliveryExemption(spec),
      },
    },
  );
  if (isKmsAlgorithm(spec.algorithm) && spec.kmsKeyArn !== undefined) {
    statements.push(
      {
        Sid: SIDS.denyWrongKmsKey,
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:PutObject',
        Resource: objects,
        Condition: {
          StringNotEquals: { [CONDITION_KEYS.kmsKeyId]: spec.kmsKeyArn },
          Null: { [CONDITION_KEYS.kmsKeyId]: 'false' },
        },
      },
      {
        Sid: SIDS.denyMissingKmsKeyId,
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:PutObject',
        Resource: objects,
        Condition: {
          StringEquals: { [CONDITION_KEYS.sseAlgorithm]: spec.algorithm },
          Null: { [CONDITION_KEYS.kmsKeyId]: 'true' },
        },
      },
    );
  }
  return statements;
}
