/**
 * What every bucket of both apps gets besides encryption (AWS Control Tower CT.S3.PR.2, 3, 4, 6):
 * one access-log bucket per account and region, protected like the other log buckets, and the
 * lifecycle of audit evidence (trail files, their replicas).
 */
import { MinimumTls } from '@cdk-guardrails/facts';
import { GuardrailsConfig } from '@cdk-guardrails/config';
import { AccessLogBucket, ProtectBucketConfiguration, ProtectLogObjects } from '@cdk-guardrails/s3-encryption';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { Acknowledgement, packRuleIds } from './compliance-gate';
import { controlTowerRuleId } from './control-tower';

/**
 * The access-log bucket of one account and region: SSE-S3 (the only encryption log delivery
 * supports), no Object Lock (a locked bucket cannot be a log destination), logs kept for the
 * security class (config logging.retentionDays.security). Only the log delivery service writes
 * (for the source buckets that name it) and only the guardrail administrators delete records or
 * change the bucket (ProtectLogObjects, ProtectBucketConfiguration).
 */
export function addAccessLogBucket(scope: Construct, config: GuardrailsConfig, removalPolicy: RemovalPolicy, administratorArns: string[]): AccessLogBucket {
  const bucket = new AccessLogBucket(scope, 'AccessLogBucket', {
    removalPolicy,
    minimumTlsVersion: MinimumTls.VERSION,
    expiration: Duration.days(config.logging.retentionDays.security),
    // config accountBaseline.blockSseCObjectWrites (on: BlockedEncryptionTypes SSE-C).
    allowSseC: !config.accountBaseline.blockSseCObjectWrites,
  });
  new ProtectLogObjects({ administratorArns }).applyTo(bucket);
  new ProtectBucketConfiguration({ administratorArns }).applyTo(bucket);
  return bucket;
}

/**
 * Lifecycle of audit evidence kept for the audit class (config logging.retentionDays.audit): to
 * Glacier Instant Retrieval after 90 days (still read in milliseconds), Deep Archive after a year,
 * expired at the end of the retention. Expiration never defeats Object Lock: it adds a delete
 * marker, and S3 deletes a locked version only when its retention has ended. Noncurrent versions
 * (only the guardrail administrators can create them) expire after 30 days; incomplete uploads
 * after 7.
 */
export function auditEvidenceLifecycleRules(config: GuardrailsConfig): s3.LifecycleRule[] {
  const days = config.logging.retentionDays.audit;
  // A transition at or after the expiration is refused by S3: a short audit retention skips it.
  const transitions = [
    { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(90) },
    { storageClass: s3.StorageClass.DEEP_ARCHIVE, transitionAfter: Duration.days(365) },
  ].filter((t) => t.transitionAfter.toDays() < days);
  return [
    {
      id: 'AuditEvidence',
      transitions: transitions.length > 0 ? transitions : undefined,
      expiration: Duration.days(days),
      noncurrentVersionExpiration: Duration.days(30),
      abortIncompleteMultipartUploadAfter: Duration.days(7),
    },
  ];
}

/** The acknowledgements of the access-log bucket (`AccessLogBucket` at the root of a stack), shared by both apps. */
export function accessLogBucketAcknowledgements(): Acknowledgement[] {
  const path = 'AccessLogBucket/Resource';
  return [
    {
      path,
      ids: [controlTowerRuleId('CT.S3.PR.10'), ...packRuleIds('S3DefaultEncryptionKMS')],
      reason:
        'the server access log target: S3 log delivery supports only SSE-S3 default encryption on the destination bucket (not SSE-KMS), so this bucket is SSE-S3 and every object is encrypted at rest',
    },
    {
      path,
      ids: ['Guardrails-S3BucketPolicyEnforcesEncryption'],
      reason:
        'S3 log delivery sends no encryption header, so a Deny of header-less PUTs would stop it; instead no IAM principal but the guardrail administrators may write here (ProtectLogObjects), the logging service only for this account’s named source buckets, and SSE-S3 default encryption encrypts every object',
    },
    {
      path,
      ids: [controlTowerRuleId('CT.S3.PR.2')],
      reason:
        'the access-log bucket does not log its own requests: delivering its logs into itself creates a log of each delivery (AWS advises against it); reads and changes of it are management events in the account trail, and only the guardrail administrators may change it (ProtectBucketConfiguration)',
    },
    {
      path,
      ids: [controlTowerRuleId('CT.S3.PR.9')],
      reason:
        'S3 refuses a bucket with Object Lock as a server access log destination (Amazon S3 User Guide, Configuring S3 Object Lock); deletion of records is denied to all but the guardrail administrators instead (ProtectLogObjects)',
    },
    {
      path,
      ids: packRuleIds('S3BucketReplicationEnabled'),
      reason:
        'access logs are a per-region record of requests to the evidence buckets, kept for the security class; the evidence itself (trail files) is replicated and shipped to the security account, the access logs are not',
    },
  ];
}
