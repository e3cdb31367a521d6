// The trail bucket of each workload stack (config auditLogs): Object Lock with the configured
// default retention, replication to the replica bucket of its account in auditLogs.replicaRegion,
// and the newest CloudTrail log file actually replicated (status COMPLETED, present in the replica).
import {
  GetBucketReplicationCommand,
  GetObjectLockConfigurationCommand,
  HeadObjectCommand,
  HeadObjectCommandOutput,
  ListObjectsV2Command,
  S3Client,
  _Object,
} from '@aws-sdk/client-s3';
import { auditReplicaBucketName } from '@cdk-guardrails/config';
import { newestObject, trailLogPrefixes } from '../../src/audit-logs';
import { describeIntegration, forEachStack, output, reportSkipped } from '../../src/context';
import { pollUntil } from '../../src/restore';

/** A log file still PENDING is polled every 15 s, at most 20 times (replication is asynchronous). */
const REPLICATION_POLL_INTERVAL_MS = 15_000;
const REPLICATION_POLL_ATTEMPTS = 20;
/** S3 reports a replicated source object as COMPLETED (COMPLETE is the other spelling of its API enum). */
const REPLICATED = ['COMPLETED', 'COMPLETE'];

describeIntegration('audit log files: Object Lock and cross-region replication of the trail buckets', (ctx) => {
  const { auditLogs, environment } = ctx.config;
  const { objectLock, replicaRegion } = auditLogs;
  if (objectLock.mode === 'none' && replicaRegion === undefined) {
    reportSkipped(
      `config/${environment}.json sets neither auditLogs.objectLock nor auditLogs.replicaRegion: the trail buckets are neither locked nor replicated`,
    );
    return;
  }

  // Stacks with a trail bucket: the home region's (the multi-region trail) and the data-events trails'.
  forEachStack(
    ctx,
    'workload stack with a trail',
    (s) => s.role.startsWith('workload') && s.outputs.TrailBucketName !== undefined,
    (stack, target) => {
      const trailBucket = output(stack, 'TrailBucketName');
      const s3 = new S3Client(target);
      const replicaS3 = replicaRegion !== undefined ? new S3Client({ ...target, region: replicaRegion }) : undefined;
      afterAll(() => {
        s3.destroy();
        replicaS3?.destroy();
      });

      if (objectLock.mode === 'none') {
        reportSkipped(`auditLogs.objectLock.mode is "none" in config/${environment}.json: the trail bucket has no Object Lock`);
      } else {
        test(`the trail bucket has Object Lock, default retention ${objectLock.mode} ${objectLock.retentionDays} days`, async () => {
          const lock = await s3.send(new GetObjectLockConfigurationCommand({ Bucket: trailBucket }));
          expect(lock.ObjectLockConfiguration?.ObjectLockEnabled).toBe('Enabled');
          expect(lock.ObjectLockConfiguration?.Rule?.DefaultRetention).toEqual(
            expect.objectContaining({
              Mode: objectLock.mode.toUpperCase(),
              Days: objectLock.retentionDays,
            }),
          );
        });
      }

      if (replicaRegion === undefined) {
        reportSkipped(`auditLogs.replicaRegion is not set in config/${environment}.json: the trail buckets are not replicated`);
        return;
      }
      const replicaBucket = auditReplicaBucketName(environment, stack.accountId, replicaRegion);

      test(`the trail bucket replicates every new log file to ${replicaBucket} (${replicaRegion}), re-encrypted with a replica key`, async () => {
        const { ReplicationConfiguration: replication } = await s3.send(new GetBucketReplicationCommand({ Bucket: trailBucket }));
        const rules = (replication?.Rules ?? []).filter((r) => r.Status === 'Enabled' && r.Destination?.Bucket?.endsWith(`:s3:::${replicaBucket}`));
        expect(rules.length).toBeGreaterThan(0);
        const rule = rules[0];
        // The whole bucket: no prefix or tag filter.
        expect(rule.Filter?.Prefix ?? '').toBe('');
        expect(rule.Filter?.Tag).toBeUndefined();
        expect(rule.Filter?.And).toBeUndefined();
        // The trail bucket is SSE-KMS (logs key): S3 replicates such objects only when told to, with a key of the replica region.
        expect(rule.SourceSelectionCriteria?.SseKmsEncryptedObjects?.Status).toBe('Enabled');
        expect(rule.Destination?.EncryptionConfiguration?.ReplicaKmsKeyID).toMatch(new RegExp(`^arn:aws[a-z-]*:kms:${replicaRegion}:\\d{12}:(key|alias)/`));
      });

      test(`the newest CloudTrail log file is replicated (status COMPLETED) and is in ${replicaBucket}${objectLock.mode === 'none' ? '' : ', locked in both buckets'}`, async () => {
        const newest = await newestLogFile(s3, trailBucket, trailLogPrefixes(stack.accountId, stack.region, new Date()));
        if (newest === undefined) {
          throw new Error(
            `no CloudTrail log file in ${trailBucket} under ${trailLogPrefixes(stack.accountId, stack.region, new Date()).join(' or ')}: ` +
              'the trail delivers a file about every 5 minutes while there is activity; check that the trail is logging (aws cloudtrail get-trail-status)',
          );
        }
        const head = await pollUntil<HeadObjectCommandOutput>(
          async () => {
            const h = await s3.send(new HeadObjectCommand({ Bucket: trailBucket, Key: newest.Key }));
            return h.ReplicationStatus === 'PENDING' ? undefined : h;
          },
          REPLICATION_POLL_ATTEMPTS,
          REPLICATION_POLL_INTERVAL_MS,
        );
        if (head === undefined) {
          throw new Error(
            `${trailBucket}/${newest.Key} is still PENDING replication after ${REPLICATION_POLL_ATTEMPTS} checks ${REPLICATION_POLL_INTERVAL_MS / 1000} s apart`,
          );
        }
        expect(REPLICATED).toContain(head.ReplicationStatus);
        // Replication keeps the version id: the replica is the same version of the same key.
        const replica = await replicaS3!.send(new HeadObjectCommand({ Bucket: replicaBucket, Key: newest.Key, VersionId: head.VersionId }));
        expect(replica.ReplicationStatus).toBe('REPLICA');
        expect(replica.ContentLength).toBe(head.ContentLength);
        if (objectLock.mode !== 'none') {
          expect(head.ObjectLockMode).toBe(objectLock.mode.toUpperCase());
          expect(replica.ObjectLockMode).toBe(objectLock.mode.toUpperCase());
        }
      });

      if (objectLock.mode !== 'none') {
        test(`the replica bucket ${replicaBucket} has Object Lock too (S3 replicates locked versions only to such a bucket)`, async () => {
          const lock = await replicaS3!.send(new GetObjectLockConfigurationCommand({ Bucket: replicaBucket }));
          expect(lock.ObjectLockConfiguration?.ObjectLockEnabled).toBe('Enabled');
        });
      }
    },
  );
});

/** The most recent log file under the prefixes (today's and yesterday's), paging through each. */
async function newestLogFile(s3: S3Client, bucket: string, prefixes: string[]): Promise<_Object | undefined> {
  const objects: _Object[] = [];
  for (const Prefix of prefixes) {
    let ContinuationToken: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix, ContinuationToken }));
      objects.push(...(page.Contents ?? []));
      ContinuationToken = page.NextContinuationToken;
    } while (ContinuationToken);
    // Today's files are newer than yesterday's: no need to list yesterday when today has one.
    if (objects.length > 0) break;
  }
  return newestObject(objects);
}
