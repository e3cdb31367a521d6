/**
 * An in-process fake of the S3 calls the migration CLI makes, on top of aws-sdk-client-mock:
 * the real S3Client and command classes are used, only the transport is replaced by this
 * in-memory model (buckets, default encryption, policies, objects with their encryption).
 */
import {
  CopyObjectCommand, GetBucketEncryptionCommand, GetBucketPolicyCommand, HeadObjectCommand, ListBucketsCommand,
  ListObjectsV2Command, NoSuchBucket, PutBucketEncryptionCommand, PutBucketPolicyCommand, S3Client, S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';

export interface FakeObject {
  etag: string;
  size: number;
  sse?: string;
  kmsKeyId?: string;
  storageClass?: string;
  metadata?: Record<string, string>;
}

export interface FakeBucket {
  policy?: string;
  encryption?: { algorithm: string; kmsKeyId?: string; bucketKey?: boolean };
  objects: Map<string, FakeObject>;
  /** operations that answer AccessDenied */
  denied?: Set<string>;
}

function s3Error(name: string, status: number, message: string): S3ServiceException {
  return new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message });
}

export class FakeS3 {
  public readonly buckets = new Map<string, FakeBucket>();
  public readonly calls: Array<{ command: string; input: any }> = [];
  public readonly client = new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  /** Throw this error from the n-th CopyObject call (1-based), to simulate a crash mid-run. */
  public failCopyAt?: { n: number; error: Error };
  private copyCount = 0;
  private etagSeq = 0;

  constructor() {
    const mock = mockClient(this.client);
    const on = (cmd: any, name: string, fn: (input: any) => any) => mock.on(cmd).callsFake(async (input: any) => {
      this.calls.push({ command: name, input });
      return fn(input);
    });
    on(ListBucketsCommand, 'ListBuckets', () => ({ Buckets: [...this.buckets.keys()].map((Name) => ({ Name })) }));
    on(GetBucketPolicyCommand, 'GetBucketPolicy', (i) => {
      const b = this.bucket(i.Bucket, 'GetBucketPolicy');
      if (b.policy === undefined) throw s3Error('NoSuchBucketPolicy', 404, 'The bucket policy does not exist');
      return { Policy: b.policy };
    });
    on(PutBucketPolicyCommand, 'PutBucketPolicy', (i) => {
      const b = this.bucket(i.Bucket, 'PutBucketPolicy');
      if (Buffer.byteLength(i.Policy) > 20 * 1024) throw s3Error('PolicyTooLarge', 400, 'Policies must be less than 20 KB');
      JSON.parse(i.Policy);
      b.policy = i.Policy;
      return {};
    });
    on(GetBucketEncryptionCommand, 'GetBucketEncryption', (i) => {
      const b = this.bucket(i.Bucket, 'GetBucketEncryption');
      if (!b.encryption) throw s3Error('ServerSideEncryptionConfigurationNotFoundError', 404, 'The server side encryption configuration was not found');
      return {
        ServerSideEncryptionConfiguration: {
          Rules: [{
            ApplyServerSideEncryptionByDefault: { SSEAlgorithm: b.encryption.algorithm, KMSMasterKeyID: b.encryption.kmsKeyId },
            BucketKeyEnabled: b.encryption.bucketKey ?? false,
          }],
        },
      };
    });
    on(PutBucketEncryptionCommand, 'PutBucketEncryption', (i) => {
      const b = this.bucket(i.Bucket, 'PutBucketEncryption');
      const rule = i.ServerSideEncryptionConfiguration.Rules[0];
      b.encryption = {
        algorithm: rule.ApplyServerSideEncryptionByDefault.SSEAlgorithm,
        kmsKeyId: rule.ApplyServerSideEncryptionByDefault.KMSMasterKeyID,
        bucketKey: rule.BucketKeyEnabled,
      };
      return {};
    });
    on(ListObjectsV2Command, 'ListObjectsV2', (i) => {
      const b = this.bucket(i.Bucket, 'ListObjectsV2');
      const max = i.MaxKeys ?? 3; // small pages, so pagination is exercised
      const keys = [...b.objects.keys()].filter((k) => !i.Prefix || k.startsWith(i.Prefix)).sort()
        .filter((k) => !i.ContinuationToken || k > i.ContinuationToken);
      const page = keys.slice(0, max);
      const truncated = keys.length > max;
      return {
        Contents: page.map((Key) => ({ Key, Size: b.objects.get(Key)!.size })),
        IsTruncated: truncated,
        NextContinuationToken: truncated ? page[page.length - 1] : undefined,
      };
    });
    on(HeadObjectCommand, 'HeadObject', (i) => {
      const b = this.bucket(i.Bucket, 'HeadObject');
      const o = b.objects.get(i.Key);
      if (!o) throw s3Error('NotFound', 404, 'Not Found');
      return {
        ETag: o.etag, ContentLength: o.size, ServerSideEncryption: o.sse, SSEKMSKeyId: o.kmsKeyId,
        StorageClass: o.storageClass, Metadata: o.metadata,
      };
    });
    on(CopyObjectCommand, 'CopyObject', (i) => {
      this.copyCount++;
      if (this.failCopyAt && this.copyCount === this.failCopyAt.n) throw this.failCopyAt.error;
      const b = this.bucket(i.Bucket, 'CopyObject');
      const slash = i.CopySource.indexOf('/');
      const srcKey = decodeURIComponent(i.CopySource.slice(slash + 1));
      const src = this.bucket(i.CopySource.slice(0, slash), 'CopyObject').objects.get(srcKey);
      if (!src) throw s3Error('NoSuchKey', 404, 'The specified key does not exist.');
      if (i.CopySourceIfMatch && i.CopySourceIfMatch !== src.etag) throw s3Error('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold');
      const sameEncryption = i.ServerSideEncryption === src.sse && i.SSEKMSKeyId === src.kmsKeyId;
      if (srcKey === i.Key && i.MetadataDirective !== 'REPLACE' && sameEncryption && !i.StorageClass) {
        throw s3Error('InvalidRequest', 400, 'This copy request is illegal because it is trying to copy an object to itself without changing the object\'s metadata, storage class, website redirect location or encryption attributes.');
      }
      b.objects.set(i.Key, {
        ...src,
        etag: this.nextEtag(),
        sse: i.ServerSideEncryption ?? b.encryption?.algorithm ?? 'AES256',
        kmsKeyId: i.SSEKMSKeyId,
        storageClass: i.StorageClass ?? undefined,
      });
      return { CopyObjectResult: {} };
    });
  }

  public addBucket(name: string, bucket: Partial<FakeBucket> = {}): FakeBucket {
    const b: FakeBucket = { objects: new Map(), ...bucket };
    this.buckets.set(name, b);
    return b;
  }

  public putObject(bucket: string, key: string, o: Partial<FakeObject> = {}): void {
    this.buckets.get(bucket)!.objects.set(key, { etag: this.nextEtag(), size: 10, sse: 'AES256', ...o });
  }

  public count(command: string): number {
    return this.calls.filter((c) => c.command === command).length;
  }

  private nextEtag(): string {
    return `"etag-${++this.etagSeq}"`;
  }

  private bucket(name: string, operation: string): FakeBucket {
    const b = this.buckets.get(name);
    if (!b) throw new NoSuchBucket({ message: 'The specified bucket does not exist', $metadata: { httpStatusCode: 404 } });
    if (b.denied?.has(operation)) throw s3Error('AccessDenied', 403, 'Access Denied');
    return b;
  }
}
