/**
 * An in-process fake of the S3 calls the migration CLI makes, on top of aws-sdk-client-mock:
 * the real S3Client and command classes are used, only the transport is replaced by this
 * in-memory model (buckets, default encryption, policies, objects with their encryption).
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetBucketEncryptionCommand,
  GetBucketLocationCommand,
  GetBucketPolicyCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  NoSuchBucket,
  PutBucketEncryptionCommand,
  PutBucketPolicyCommand,
  S3Client,
  S3ServiceException,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';

export interface FakeObject {
  etag: string;
  size: number;
  sse?: string;
  kmsKeyId?: string;
  storageClass?: string;
  metadata?: Record<string, string>;
  tags?: Record<string, string>;
  contentType?: string;
  cacheControl?: string;
  contentDisposition?: string;
  contentEncoding?: string;
  contentLanguage?: string;
  expires?: Date;
  websiteRedirectLocation?: string;
  objectLockMode?: string;
  objectLockRetainUntilDate?: Date;
  objectLockLegalHoldStatus?: string;
  bucketKey?: boolean;
}

/** A multipart upload in progress: the CreateMultipartUpload input and the parts copied so far. */
export interface FakeUpload {
  bucket: string;
  key: string;
  create: any;
  parts: Map<number, { etag: string; start: number; end: number; sourceSize: number }>;
}

export interface FakeBucket {
  policy?: string;
  encryption?: { algorithm: string; kmsKeyId?: string; bucketKey?: boolean };
  objects: Map<string, FakeObject>;
  /** operations that answer AccessDenied */
  denied?: Set<string>;
  /** @default eu-west-1 */
  region?: string;
  /** The owning account (ExpectedBucketOwner). @default 111111111111 */
  ownerAccount?: string;
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
  /** Throw `error` from the n-th call (1-based) of `command` (for example 'UploadPartCopy'). */
  public failAt?: { command: string; n: number; error: Error };
  /** Called after each successful call (tests use it to change the world between two calls). */
  public afterCall?: (command: string, input: any) => void;
  /** Multipart uploads neither completed nor aborted, by upload id. */
  public readonly uploads = new Map<string, FakeUpload>();
  private copyCount = 0;
  private etagSeq = 0;
  private uploadSeq = 0;
  private readonly callCount = new Map<string, number>();

  constructor() {
    const mock = mockClient(this.client);
    const on = (cmd: any, name: string, fn: (input: any) => any) =>
      mock.on(cmd).callsFake(async (input: any) => {
        this.calls.push({ command: name, input });
        const n = (this.callCount.get(name) ?? 0) + 1;
        this.callCount.set(name, n);
        if (this.failAt && this.failAt.command === name && this.failAt.n === n) throw this.failAt.error;
        const out = fn(input);
        this.afterCall?.(name, input);
        return out;
      });
    on(ListBucketsCommand, 'ListBuckets', () => ({ Buckets: [...this.buckets.keys()].map((Name) => ({ Name })) }));
    on(GetBucketLocationCommand, 'GetBucketLocation', (i) => {
      const b = this.bucket(i.Bucket, 'GetBucketLocation');
      // S3 answers 403 when ExpectedBucketOwner is not the bucket's account.
      if (i.ExpectedBucketOwner !== undefined && i.ExpectedBucketOwner !== (b.ownerAccount ?? '111111111111'))
        throw s3Error('AccessDenied', 403, 'Access Denied');
      const region = b.region ?? 'eu-west-1';
      // us-east-1 answers no constraint.
      return { LocationConstraint: region === 'us-east-1' ? undefined : region };
    });
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
          Rules: [
            {
              ApplyServerSideEncryptionByDefault: { SSEAlgorithm: b.encryption.algorithm, KMSMasterKeyID: b.encryption.kmsKeyId },
              BucketKeyEnabled: b.encryption.bucketKey ?? false,
            },
          ],
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
      const keys = [...b.objects.keys()]
        .filter((k) => !i.Prefix || k.startsWith(i.Prefix))
        .sort()
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
        ETag: o.etag,
        ContentLength: o.size,
        ServerSideEncryption: o.sse,
        SSEKMSKeyId: o.kmsKeyId,
        StorageClass: o.storageClass,
        Metadata: o.metadata,
        ContentType: o.contentType,
        CacheControl: o.cacheControl,
        ContentDisposition: o.contentDisposition,
        ContentEncoding: o.contentEncoding,
        ContentLanguage: o.contentLanguage,
        Expires: o.expires,
        WebsiteRedirectLocation: o.websiteRedirectLocation,
        ObjectLockMode: o.objectLockMode,
        ObjectLockRetainUntilDate: o.objectLockRetainUntilDate,
        ObjectLockLegalHoldStatus: o.objectLockLegalHoldStatus,
      };
    });
    on(GetObjectTaggingCommand, 'GetObjectTagging', (i) => {
      const o = this.bucket(i.Bucket, 'GetObjectTagging').objects.get(i.Key);
      if (!o) throw s3Error('NoSuchKey', 404, 'The specified key does not exist.');
      return { TagSet: Object.entries(o.tags ?? {}).map(([Key, Value]) => ({ Key, Value })) };
    });
    on(CreateMultipartUploadCommand, 'CreateMultipartUpload', (i) => {
      this.bucket(i.Bucket, 'CreateMultipartUpload');
      checkObjectLockRequest(i);
      const uploadId = `upload-${++this.uploadSeq}`;
      this.uploads.set(uploadId, { bucket: i.Bucket, key: i.Key, create: i, parts: new Map() });
      return { Bucket: i.Bucket, Key: i.Key, UploadId: uploadId };
    });
    on(UploadPartCopyCommand, 'UploadPartCopy', (i) => {
      this.bucket(i.Bucket, 'UploadPartCopy');
      const upload = this.upload(i);
      const { srcKey, src } = this.copySource(i.CopySource, 'UploadPartCopy');
      if (!src) throw s3Error('NoSuchKey', 404, 'The specified key does not exist.');
      if (i.CopySourceIfMatch && i.CopySourceIfMatch !== src.etag)
        throw s3Error('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold');
      const m = /^bytes=(\d+)-(\d+)$/.exec(i.CopySourceRange ?? '');
      const start = m ? Number(m[1]) : 0;
      const end = m ? Number(m[2]) : src.size - 1;
      if (start > end || end >= src.size) throw s3Error('InvalidArgument', 400, `Range ${i.CopySourceRange} is not within ${srcKey} (${src.size} bytes)`);
      if (end - start + 1 > 5 * 1024 ** 3)
        throw s3Error('InvalidRequest', 400, 'The specified copy range is larger than the maximum allowable size for a copy source: 5368709120');
      if (!(i.PartNumber >= 1 && i.PartNumber <= 10_000))
        throw s3Error('InvalidArgument', 400, 'Part number must be an integer between 1 and 10000, inclusive');
      const etag = this.nextEtag();
      upload.parts.set(i.PartNumber, { etag, start, end, sourceSize: src.size });
      return { CopyPartResult: { ETag: etag } };
    });
    on(CompleteMultipartUploadCommand, 'CompleteMultipartUpload', (i) => {
      const b = this.bucket(i.Bucket, 'CompleteMultipartUpload');
      const upload = this.upload(i);
      // Conditional write: complete only while the key still holds the object with this ETag.
      if (i.IfMatch !== undefined && b.objects.get(upload.key)?.etag !== i.IfMatch) {
        throw s3Error('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold');
      }
      const parts: Array<{ PartNumber: number; ETag: string }> = i.MultipartUpload?.Parts ?? [];
      if (parts.length === 0) throw s3Error('MalformedXML', 400, 'The XML you provided was not well-formed');
      let next = 0;
      parts.forEach((p, idx) => {
        if (idx > 0 && p.PartNumber <= parts[idx - 1].PartNumber) throw s3Error('InvalidPartOrder', 400, 'The list of parts was not in ascending order');
        const part = upload.parts.get(p.PartNumber);
        if (!part || part.etag !== p.ETag) throw s3Error('InvalidPart', 400, 'One or more of the specified parts could not be found');
        if (idx < parts.length - 1 && part.end - part.start + 1 < 5 * 1024 ** 2)
          throw s3Error('EntityTooSmall', 400, 'Your proposed upload is smaller than the minimum allowed size');
        // the fake keeps no data: check the parts copy the source byte for byte, in order
        if (part.start !== next) throw s3Error('InvalidPart', 400, `part ${p.PartNumber} starts at ${part.start}, expected ${next}`);
        next = part.end + 1;
      });
      const sourceSize = upload.parts.get(parts[parts.length - 1].PartNumber)!.sourceSize;
      if (next !== sourceSize) throw s3Error('InvalidPart', 400, `the parts copy ${next} of the ${sourceSize} bytes of the source`);
      const size = next;
      const c = upload.create;
      b.objects.set(upload.key, {
        etag: this.nextEtag(),
        size,
        sse: c.ServerSideEncryption ?? b.encryption?.algorithm ?? 'AES256',
        kmsKeyId: c.SSEKMSKeyId,
        bucketKey: c.BucketKeyEnabled,
        storageClass: c.StorageClass,
        metadata: c.Metadata,
        tags: c.Tagging ? Object.fromEntries(new URLSearchParams(c.Tagging)) : undefined,
        contentType: c.ContentType,
        cacheControl: c.CacheControl,
        contentDisposition: c.ContentDisposition,
        contentEncoding: c.ContentEncoding,
        contentLanguage: c.ContentLanguage,
        expires: c.Expires,
        websiteRedirectLocation: c.WebsiteRedirectLocation,
        objectLockMode: c.ObjectLockMode,
        objectLockRetainUntilDate: c.ObjectLockRetainUntilDate,
        objectLockLegalHoldStatus: c.ObjectLockLegalHoldStatus,
      });
      this.uploads.delete(i.UploadId);
      return { Bucket: i.Bucket, Key: i.Key, ETag: b.objects.get(upload.key)!.etag };
    });
    on(AbortMultipartUploadCommand, 'AbortMultipartUpload', (i) => {
      this.bucket(i.Bucket, 'AbortMultipartUpload');
      this.upload(i);
      this.uploads.delete(i.UploadId);
      return {};
    });
    on(CopyObjectCommand, 'CopyObject', (i) => {
      this.copyCount++;
      if (this.failCopyAt && this.copyCount === this.failCopyAt.n) throw this.failCopyAt.error;
      const b = this.bucket(i.Bucket, 'CopyObject');
      const { srcKey, src } = this.copySource(i.CopySource, 'CopyObject');
      if (!src) throw s3Error('NoSuchKey', 404, 'The specified key does not exist.');
      if (i.CopySourceIfMatch && i.CopySourceIfMatch !== src.etag)
        throw s3Error('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold');
      const sameEncryption = i.ServerSideEncryption === src.sse && i.SSEKMSKeyId === src.kmsKeyId;
      if (srcKey === i.Key && i.MetadataDirective !== 'REPLACE' && sameEncryption && !i.StorageClass) {
        throw s3Error(
          'InvalidRequest',
          400,
          "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
        );
      }
      checkObjectLockRequest(i);
      b.objects.set(i.Key, {
        ...src,
        etag: this.nextEtag(),
        sse: i.ServerSideEncryption ?? b.encryption?.algorithm ?? 'AES256',
        kmsKeyId: i.SSEKMSKeyId,
        storageClass: i.StorageClass ?? undefined,
        // As S3: the copy does not inherit the source version's retention or legal hold, only what
        // the request sets.
        objectLockMode: i.ObjectLockMode,
        objectLockRetainUntilDate: i.ObjectLockRetainUntilDate,
        objectLockLegalHoldStatus: i.ObjectLockLegalHoldStatus,
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

  private copySource(copySource: string, operation: string): { srcKey: string; src?: FakeObject } {
    const slash = copySource.indexOf('/');
    const srcKey = decodeURIComponent(copySource.slice(slash + 1));
    return { srcKey, src: this.bucket(copySource.slice(0, slash), operation).objects.get(srcKey) };
  }

  private upload(i: { Bucket: string; Key: string; UploadId: string }): FakeUpload {
    const u = this.uploads.get(i.UploadId);
    if (!u || u.bucket !== i.Bucket || u.key !== i.Key) {
      throw s3Error(
        'NoSuchUpload',
        404,
        'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
      );
    }
    return u;
  }

  private bucket(name: string, operation: string): FakeBucket {
    const b = this.buckets.get(name);
    if (!b) throw new NoSuchBucket({ message: 'The specified bucket does not exist', $metadata: { httpStatusCode: 404 } });
    if (b.denied?.has(operation)) throw s3Error('AccessDenied', 403, 'Access Denied');
    return b;
  }
}

/** As S3: a retention needs both its mode and a retain-until date, and the date must be in the future. */
function checkObjectLockRequest(i: { ObjectLockMode?: string; ObjectLockRetainUntilDate?: Date }): void {
  if ((i.ObjectLockMode === undefined) !== (i.ObjectLockRetainUntilDate === undefined)) {
    throw s3Error('InvalidRequest', 400, 'x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied');
  }
  if (i.ObjectLockRetainUntilDate !== undefined && i.ObjectLockRetainUntilDate.getTime() <= Date.now()) {
    throw s3Error('InvalidArgument', 400, 'The retain until date must be in the future!');
  }
}
